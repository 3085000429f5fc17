package memory_test

import (
	"testing"

	"github.com/crmkit/crmkit/storage/memory"
	"github.com/crmkit/crmkit/storage/storagetest"
)

func newStore(b *testing.B) *memory.Store {
	s, err := memory.New().Tenant("bench")
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkGet(b *testing.B)      { storagetest.BenchmarkGet(b, newStore(b)) }
func BenchmarkCreate(b *testing.B)   { storagetest.BenchmarkCreate(b, newStore(b)) }
func BenchmarkSave(b *testing.B)     { storagetest.BenchmarkSave(b, newStore(b)) }
func BenchmarkList(b *testing.B)     { storagetest.BenchmarkList(b, newStore(b)) }
func BenchmarkUpdate(b *testing.B)   { storagetest.BenchmarkUpdate(b, newStore(b)) }
func BenchmarkHandover(b *testing.B) { storagetest.BenchmarkHandover(b, newStore(b)) }
func BenchmarkVerify(b *testing.B)   { storagetest.BenchmarkVerify(b, newStore(b)) }
func BenchmarkStageMoves8(b *testing.B) {
	storagetest.BenchmarkStageMoves(b, newStore(b), 8)
}
func BenchmarkEventsByAggregate(b *testing.B) {
	storagetest.BenchmarkEventsByAggregate(b, newStore(b))
}

// BenchmarkFeed is the shared change-feed benchmark on the memory store.
func BenchmarkFeed(b *testing.B) { storagetest.BenchmarkFeed(b, newStore(b)) }

// BenchmarkReports is the shared report benchmark over 2,000 deals.
func BenchmarkReports(b *testing.B) {
	s, err := memory.New().Tenant("reports")
	if err != nil {
		b.Fatal(err)
	}
	storagetest.BenchmarkReports(b, s, 2000)
}
