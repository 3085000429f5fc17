package postgres_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The schema's promises to a distributed engine (docs/DISTRIBUTED.md),
// read from the catalogue after Migrate: every table but the reference
// tables has tenant_id, every primary key, unique constraint and index
// leads with it, every foreign key pairs it with the referenced table's,
// and there are no sequences. The exceptions are named here with their
// reason, so that a new one fails this test until it is written down.
var (
	// referenceTables are the tables without tenant_id: global, small,
	// replicated to every node (Citus create_reference_table).
	referenceTables = []string{"schema_migrations"}
	// nonTenantIndexes are indexes that do not lead with tenant_id:
	// GIN indexes of text arrays (the account dedupe keys) and of custom
	// field values (jsonb_path_ops on body->'custom', 0013), which
	// PostgreSQL cannot prefix with a btree column without the btree_gin
	// extension. Every statement using them also filters by tenant_id;
	// on Citus they exist per shard like any index.
	nonTenantIndexes = []string{"accounts_contact_emails", "accounts_contact_phones", "accounts_custom", "deals_custom", "leads_custom"}
	// sequences are the change feed's insertion counter (0010_feed.sql):
	// the one sequence, PostgreSQL's own feed (see the package
	// documentation, Citus and CockroachDB).
	sequences = []string{"events_feed_seq"}
)

func TestCatalogueDistributesByTenant(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	pool := db.Pool()
	strings := func(sql string) []string {
		t.Helper()
		rows, err := pool.Query(ctx, sql)
		require.NoError(t, err, sql)
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			require.NoError(t, rows.Scan(&s))
			out = append(out, s)
		}
		require.NoError(t, rows.Err())
		return out
	}

	tables := strings(`SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') ORDER BY 1`)
	require.Contains(t, tables, "deals", "the catalogue query sees the schema's tables")
	require.GreaterOrEqual(t, len(tables), 15)

	global := strings(`SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
		AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) ORDER BY 1`)
	assert.Equal(t, referenceTables, global, "tables without tenant_id are the reference tables")

	// Every index (primary keys and unique constraints are indexes too)
	// of a tenant table leads with tenant_id.
	indexes := strings(`SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
		WHERE c.relnamespace = current_schema()::regnamespace ORDER BY 1`)
	require.Contains(t, indexes, "deals_pkey")
	offTenant := strings(`SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relname <> ALL ($$` + pgArray(referenceTables) + `$$::text[])
			AND (x.indkey[0] = 0 OR (SELECT attname FROM pg_attribute WHERE attrelid = c.oid AND attnum = x.indkey[0]) <> 'tenant_id')
		ORDER BY 1`)
	assert.Equal(t, nonTenantIndexes, offTenant, "indexes not leading with tenant_id")

	// Every primary key and unique constraint of a tenant table holds
	// tenant_id (Citus requires the distribution column in each).
	unique := strings(`SELECT k.conname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
		WHERE c.relnamespace = current_schema()::regnamespace AND k.contype IN ('p', 'u') AND c.relname <> ALL ($$` + pgArray(referenceTables) + `$$::text[])
			AND (SELECT attname FROM pg_attribute WHERE attrelid = c.oid AND attnum = k.conkey[1]) <> 'tenant_id'
		ORDER BY 1`)
	assert.Empty(t, unique, "keys not leading with tenant_id")

	// Every foreign key pairs tenant_id with the referenced tenant_id.
	fks := strings(`SELECT k.conname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
		WHERE c.relnamespace = current_schema()::regnamespace AND k.contype = 'f' ORDER BY 1`)
	require.Contains(t, fks, "deals_account_fk", "the catalogue query sees the foreign keys")
	unpaired := strings(`SELECT k.conname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
		WHERE c.relnamespace = current_schema()::regnamespace AND k.contype = 'f'
			AND NOT EXISTS (SELECT 1 FROM unnest(k.conkey, k.confkey) AS p(l, r)
				WHERE (SELECT attname FROM pg_attribute WHERE attrelid = k.conrelid AND attnum = p.l) = 'tenant_id'
					AND (SELECT attname FROM pg_attribute WHERE attrelid = k.confrelid AND attnum = p.r) = 'tenant_id')
		ORDER BY 1`)
	assert.Empty(t, unpaired, "foreign keys without tenant_id = tenant_id")

	seqs := strings(`SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'S' ORDER BY 1`)
	assert.Equal(t, sequences, seqs, "sequences")
}

// pgArray returns ss as the text of a PostgreSQL text array literal (the
// names here need no quoting).
func pgArray(ss []string) string {
	out := "{"
	for i, s := range ss {
		if i > 0 {
			out += ","
		}
		out += s
	}
	return out + "}"
}
