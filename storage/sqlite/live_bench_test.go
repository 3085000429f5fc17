package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
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

// BenchmarkLiveSaveStamp is BenchmarkLiveSave's Save on a file at schema
// version 8 (the triggers before the stamps of version 10: "live"
// below) beside the same on a file at the current version ("plain" below,
// though it keeps the summary too), in one run: the write cost of the
// stamps. Then a current file ("live") beside one without the stamps'
// index ("plain"): the index's share.
func BenchmarkLiveSaveStamp(b *testing.B) {
	ctx := context.Background()
	at := func(n int, name, post string) storage.Store {
		path := filepath.Join(b.TempDir(), name+".db")
		raw, err := sql.Open("sqlite", path+"?_pragma=foreign_keys(1)")
		if err != nil {
			b.Fatal(err)
		}
		raw.SetMaxOpenConns(1)
		stmts := []string{`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT '') STRICT`}
		for _, m := range sqlite.Migrations()[:n] {
			stmts = append(stmts, m.SQL, fmt.Sprintf(`INSERT INTO schema_migrations (version, name) VALUES (%d, '%s')`, m.Version, m.Name))
		}
		if post != "" {
			stmts = append(stmts, post)
		}
		for _, q := range stmts {
			if _, err := raw.ExecContext(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
		if err := raw.Close(); err != nil {
			b.Fatal(err)
		}
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(db.Close)
		s, err := db.Tenant(name)
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	current := len(sqlite.Migrations())
	b.Run("v8-vs-current", func(b *testing.B) {
		storagetest.BenchmarkLiveSave(b, at(8, "v8", ""), at(current, "current", ""))
	})
	b.Run("current-vs-noindex", func(b *testing.B) {
		storagetest.BenchmarkLiveSave(b, at(current, "current", ""), at(current, "noindex", "DROP INDEX live_deals_stamp"))
	})
}
