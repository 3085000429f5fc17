package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/postgres"
	"github.com/crmkit/crmkit/storage/storagetest"
	"github.com/stretchr/testify/require"
)

// TestErasure runs storagetest's erasure proof, searching every column
// (cast to text: text, JSONB and arrays alike) of every table of the
// test's schema that has a tenant_id column, found from
// information_schema, for the tenant's rows.
func TestErasure(t *testing.T) {
	storagetest.RunErasure(t, func(t *testing.T) (storagetest.Opener, storagetest.Dumper) {
		db, schema := openSchema(t, testDSN(t), postgres.MaxConns(4))
		require.NoError(t, db.Migrate(context.Background()))
		open := func(tenant string) (storage.Store, error) { return db.Tenant(tenant) }
		return open, func(t *testing.T, tenant string) string { return dumpPostgres(t, db, schema, tenant) }
	})
}

// dumpPostgres writes out every column of the tenant's rows in every
// table of schema that has a tenant_id column.
func dumpPostgres(t *testing.T, db *postgres.DB, schema, tenant string) string {
	t.Helper()
	ctx := context.Background()
	rows, err := db.Pool().Query(ctx, `SELECT c.table_name, array_agg(c.column_name::text ORDER BY c.ordinal_position)
	FROM information_schema.columns c JOIN information_schema.tables tb
		ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
	WHERE c.table_schema = $1
	GROUP BY c.table_name
	HAVING bool_or(c.column_name = 'tenant_id')`, schema)
	require.NoError(t, err)
	type table struct {
		name string
		cols []string
	}
	var tables []table
	for rows.Next() {
		var tb table
		require.NoError(t, rows.Scan(&tb.name, &tb.cols))
		tables = append(tables, tb)
	}
	require.NoError(t, rows.Err())
	require.Greater(t, len(tables), 10, "tables with a tenant_id")
	var b strings.Builder
	for _, tb := range tables {
		sel := make([]string, len(tb.cols))
		for i, c := range tb.cols {
			sel[i] = fmt.Sprintf("%q::text", c)
		}
		r, err := db.Pool().Query(ctx, `SELECT `+strings.Join(sel, ", ")+` FROM `+schema+`.`+tb.name+` WHERE tenant_id = $1`, tenant)
		require.NoError(t, err)
		for r.Next() {
			vals := make([]*string, len(tb.cols))
			ptrs := make([]any, len(vals))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			require.NoError(t, r.Scan(ptrs...))
			for i, v := range vals {
				if v != nil {
					fmt.Fprintf(&b, "%s.%s=%s\n", tb.name, tb.cols[i], *v)
				}
			}
		}
		require.NoError(t, r.Err())
	}
	return b.String()
}

// BenchmarkErase is storagetest.BenchmarkErase for a person with 1,000
// events.
func BenchmarkErase(b *testing.B) {
	s, err := newDB(b).Tenant("bench")
	require.NoError(b, err)
	storagetest.BenchmarkErase(b, s, 1000)
}
