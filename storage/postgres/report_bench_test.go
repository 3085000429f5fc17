package postgres_test

import (
	"testing"

	"github.com/crmkit/crmkit/storage/storagetest"
)

// BenchmarkReports is the shared report benchmark over 2,000 deals
// (imported with ImportDeals): the Source scan, the GROUP BY of the
// Aggregator and the Histories stream beside funnel over the same values
// and events in memory, in one run.
func BenchmarkReports(b *testing.B) {
	s, err := newDB(b).Tenant("reports")
	if err != nil {
		b.Fatal(err)
	}
	storagetest.BenchmarkReports(b, s, 2000)
}
