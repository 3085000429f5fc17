package postgres_test

import (
	"context"
	"testing"

	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/postgres"
	"github.com/crmkit/crmkit/storage/storagetest"
)

// BenchmarkLiveRead is the shared live summary read at 10,000 and
// 1,000,000 deals (imported with ImportDeals, the triggers keeping
// live_deals), beside a recompute from the deals at 10,000.
func BenchmarkLiveRead(b *testing.B) {
	db := newDB(b)
	storagetest.BenchmarkLiveRead(b, func(tenant string) storage.Store {
		s, err := db.Tenant(tenant)
		if err != nil {
			b.Fatal(err)
		}
		return s
	}, func() { postgres.ForgetLive(db) }, 10_000, 1_000_000)
}

// BenchmarkLiveSave is one deal Save with the live_deals triggers beside
// one in a schema whose live_deals triggers are disabled, in one run.
func BenchmarkLiveSave(b *testing.B) {
	live, err := newDB(b).Tenant("live")
	if err != nil {
		b.Fatal(err)
	}
	plainDB := newDB(b)
	for _, trg := range []string{"live_deals_insert", "live_deals_update", "live_deals_delete"} {
		if _, err := plainDB.Pool().Exec(context.Background(), "ALTER TABLE deals DISABLE TRIGGER "+trg); err != nil {
			b.Fatal(err)
		}
	}
	plain, err := plainDB.Tenant("plain")
	if err != nil {
		b.Fatal(err)
	}
	storagetest.BenchmarkLiveSave(b, live, plain)
}
