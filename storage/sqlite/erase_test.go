package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/sqlite"
	"github.com/crmkit/crmkit/storage/storagetest"
	"github.com/stretchr/testify/require"
)

// TestErasure runs storagetest's erasure proof, searching every column
// of every table that holds a tenant_id (found from sqlite_master and
// pragma table_info) for the tenant's rows, through a second connection
// to the file.
func TestErasure(t *testing.T) {
	storagetest.RunErasure(t, func(t *testing.T) (storagetest.Opener, storagetest.Dumper) {
		ctx := context.Background()
		path := filepath.Join(t.TempDir(), "crm.db")
		db, err := sqlite.Open(ctx, path)
		require.NoError(t, err)
		t.Cleanup(db.Close)
		require.NoError(t, db.Migrate(ctx))
		raw, err := sql.Open("sqlite", path)
		require.NoError(t, err)
		t.Cleanup(func() { raw.Close() })
		open := func(tenant string) (storage.Store, error) { return db.Tenant(tenant) }
		return open, func(t *testing.T, tenant string) string { return dumpSQLite(t, raw, tenant) }
	})
}

// dumpSQLite writes out every value of every column of the tenant's rows
// in every table with a tenant_id column.
func dumpSQLite(t *testing.T, db *sql.DB, tenant string) string {
	t.Helper()
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'`)
	require.NoError(t, err)
	var tables []string
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		tables = append(tables, name)
	}
	require.NoError(t, rows.Err())
	rows.Close()
	var b strings.Builder
	found := 0
	for _, table := range tables {
		cols, err := db.QueryContext(ctx, `SELECT name FROM pragma_table_info(?)`, table)
		require.NoError(t, err)
		var names []string
		for cols.Next() {
			var n string
			require.NoError(t, cols.Scan(&n))
			names = append(names, n)
		}
		require.NoError(t, cols.Err())
		cols.Close()
		if !contains(names, "tenant_id") {
			continue
		}
		found++
		sel := make([]string, len(names))
		for i, n := range names {
			sel[i] = "CAST(" + n + " AS TEXT)"
		}
		r, err := db.QueryContext(ctx, `SELECT `+strings.Join(sel, ", ")+` FROM `+table+` WHERE tenant_id = ?`, tenant)
		require.NoError(t, err)
		vals := make([]sql.NullString, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for r.Next() {
			require.NoError(t, r.Scan(ptrs...))
			for i, v := range vals {
				fmt.Fprintf(&b, "%s.%s=%s\n", table, names[i], v.String)
			}
		}
		require.NoError(t, r.Err())
		r.Close()
	}
	require.Greater(t, found, 10, "tables with a tenant_id")
	return b.String()
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// BenchmarkErase is storagetest.BenchmarkErase for a person with 1,000
// events.
func BenchmarkErase(b *testing.B) {
	s, err := newDB(b).Tenant("bench")
	require.NoError(b, err)
	storagetest.BenchmarkErase(b, s, 1000)
}
