package memory_test

import (
	"testing"

	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
	"github.com/crmkit/crmkit/storage/storagetest"
)

// BenchmarkLiveRead is the shared live summary read at 10,000 and
// 1,000,000 deals (beside a recompute from the deals at 10,000).
func BenchmarkLiveRead(b *testing.B) {
	db := memory.New()
	storagetest.BenchmarkLiveRead(b, func(tenant string) storage.Store {
		s, err := db.Tenant(tenant)
		if err != nil {
			b.Fatal(err)
		}
		return s
	}, nil, 10_000, 1_000_000)
}

// BenchmarkLiveSave is one deal Save with the live summary beside one on
// a tenant whose live summary is switched off, in one run.
func BenchmarkLiveSave(b *testing.B) {
	live := newStore(b)
	plain, err := memory.New().Tenant("plain")
	if err != nil {
		b.Fatal(err)
	}
	memory.DisableLive(plain)
	storagetest.BenchmarkLiveSave(b, live, plain)
}
