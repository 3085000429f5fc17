package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/storage/postgres"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The foreign keys of schema version 6 hold for writers outside the
// library: a row written with SQL that refers to another tenant's
// account, or to a contact outside its account, is refused by the
// database itself (SQLSTATE 23503).
func TestReferencesHoldForSQLWriters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := newDB(t)
	acme, err := db.Tenant("acme")
	require.NoError(t, err)
	storeTestAccount(t, acme)
	d, _ := testDeal(t, deal.DefaultPipeline(), "ana", 1)
	body, err := json.Marshal(d)
	require.NoError(t, err)
	insert := func(tenant string, contact any) error {
		_, err := db.Pool().Exec(ctx, `INSERT INTO deals (tenant_id, id, version, pipeline, stage, status, owner, body, account_id, contact_id)
			VALUES ($1, $2, 1, 'default', 0, 'open', 'ana', $3::jsonb, $4, $5)`, tenant, crmkit.NewID(), string(body), testAccount, contact)
		return err
	}
	fk := func(err error, constraint string) {
		t.Helper()
		var pe *pgconn.PgError
		if assert.True(t, errors.As(err, &pe), "%v", err) {
			assert.Equal(t, "23503", pe.Code)
			assert.Equal(t, constraint, pe.ConstraintName)
		}
	}
	fk(insert("globex", nil), "deals_account_fk")
	fk(insert("acme", crmkit.NewID()), "deals_contact_fk")
	require.NoError(t, insert("acme", testContact), "the account's own contact")
	require.NoError(t, insert("acme", nil), "no contact")
}

// Migration 6 refuses existing rows that break a reference: it fails
// with a message naming them and leaves the schema at version 5.
func TestMigrateReferencesRefusesDanglingRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, schema := openSchema(t, testDSN(t))
	exec := func(sql string, args ...any) {
		t.Helper()
		_, err := db.Pool().Exec(ctx, sql, args...)
		require.NoError(t, err, sql)
	}
	exec("CREATE SCHEMA " + schema)
	exec(`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
	for _, m := range postgres.Migrations()[:5] {
		exec(m.SQL)
		exec("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name)
	}
	d, _ := testDeal(t, deal.DefaultPipeline(), "ana", 1) // its account is not stored
	body, err := json.Marshal(d)
	require.NoError(t, err)
	exec(`INSERT INTO deals (tenant_id, id, version, pipeline, stage, status, owner, body)
		VALUES ('acme', $1, 1, 'default', 0, 'open', 'ana', $2::jsonb)`, d.ID, string(body))

	err = db.Migrate(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "crmkit migration 6: 1 deals refer to an account that does not exist in their tenant")
	assert.Contains(t, err.Error(), "acme/"+d.ID.String())
	v, err := db.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, 5, v, "the failed migration changed nothing")

	// Once the account is stored, the migration goes through.
	a, _ := testAccountValue(t)
	abody, err := json.Marshal(a)
	require.NoError(t, err)
	exec(`INSERT INTO accounts (tenant_id, id, version, owner, segment, parent, relations, body)
		VALUES ('acme', $1, $2, 'ana', '', NULL, ARRAY['customer'], $3::jsonb)`, a.ID, a.Version, string(abody))
	require.NoError(t, db.Migrate(ctx))
	v, err = db.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, postgres.SchemaVersion, v)
}
