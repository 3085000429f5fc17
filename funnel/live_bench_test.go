package funnel_test

import (
	"fmt"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
)

// BenchmarkLiveSummaryReport measures LiveSummary.Report split by owner
// over 2,000 groups (8 owners, 25 months, 5 stages, 2 statuses): the
// in-memory half of a store's live read.
func BenchmarkLiveSummaryReport(b *testing.B) {
	var live funnel.LiveSummary
	for o := range 8 {
		for m := range 25 {
			for st := range 4 {
				for s := range 5 {
					g := funnel.LiveGroup{Key: funnel.LiveKey{Reached: 1<<uint(st+1) - 1, Stage: st, Status: funnel.Status(s),
						Owner: fmt.Sprintf("rep-%d", o), Month: ymd(2025, 1, 1).AddDate(0, m, 0), Currency: eur}, Count: 3}
					g.Amount, _ = crmkit.NewMoney(300000, eur)
					if err := live.Add(g); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
	}
	q := funnel.Query{AsOf: ymd(2030, 1, 1), By: []funnel.Dimension{funnel.ByOwner}, Quantiles: crmkit.QuantilesNone}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := live.Report(testStages(), q); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(live.Len()), "groups")
}
