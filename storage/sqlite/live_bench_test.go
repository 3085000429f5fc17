package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/sqlite"
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
	}, func() { sqlite.ForgetLive(db) }, 10_000, 1_000_000)
}

// BenchmarkLiveSave is one deal Save with the live_deals triggers beside
// one in a database file whose live_deals triggers are dropped, in one
// run.
func BenchmarkLiveSave(b *testing.B) {
	ctx := context.Background()
	live, err := newDB(b).Tenant("live")
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "plain.db")
	plainDB, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(plainDB.Close)
	if err := plainDB.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		b.Fatal(err)
	}
	for _, trg := range []string{"live_deals_insert", "live_deals_update", "live_deals_delete"} {
		if _, err := raw.ExecContext(ctx, "DROP TRIGGER "+trg); err != nil {
			b.Fatal(err)
		}
	}
	if err := raw.Close(); err != nil {
		b.Fatal(err)
	}
	plain, err := plainDB.Tenant("plain")
	if err != nil {
		b.Fatal(err)
	}
	storagetest.BenchmarkLiveSave(b, live, plain)
}
