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

// The foreign key of schema version 8 holds for writers outside the
// library: a deal row written with SQL whose pipeline version is not
// stored in its tenant is refused by the database (SQLSTATE 23503); a
// stored version, or none (NULL: a pipeline never stored), is not.
func TestPipelineVersionsHoldForSQLWriters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := newDB(t)
	acme, err := db.Tenant("acme")
	require.NoError(t, err)
	storeTestAccount(t, acme)
	spec := deal.DefaultPipeline().Spec()
	p, e, err := deal.DefinePipeline(spec, crmkit.Cmd{By: "ops", At: t0})
	require.NoError(t, err)
	_, err = acme.Pipelines().Create(ctx, p, "", e)
	require.NoError(t, err)

	d, _ := testDeal(t, deal.DefaultPipeline(), "ana", 1)
	body, err := json.Marshal(d)
	require.NoError(t, err)
	insert := func(pipeline string, version any) error {
		_, err := db.Pool().Exec(ctx, `INSERT INTO deals (tenant_id, id, version, pipeline, stage, status, owner, body, account_id, pipeline_version)
			VALUES ('acme', $1, 1, $2, 0, 'open', 'ana', $3::jsonb, $4, $5)`, crmkit.NewID(), pipeline, string(body), testAccount, version)
		return err
	}
	fk := func(err error) {
		t.Helper()
		var pe *pgconn.PgError
		if assert.True(t, errors.As(err, &pe), "%v", err) {
			assert.Equal(t, "23503", pe.Code)
			assert.Equal(t, "deals_pipeline_fk", pe.ConstraintName)
		}
	}
	fk(insert(spec.ID, int64(2)))
	fk(insert("other", int64(1)))
	require.NoError(t, insert(spec.ID, int64(1)), "the stored version")
	require.NoError(t, insert(spec.ID, nil), "a pipeline never stored")
	globex, err := db.Tenant("globex")
	require.NoError(t, err)
	_, err = globex.Pipelines().Get(ctx, spec.ID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
}

// Migration 8 refuses a deal that records a stored pipeline version
// before any pipeline is stored: it fails naming it and leaves the schema
// at version 7; the same deal on version 0 migrates, its column NULL.
func TestMigratePipelinesRefusesVersionedDeals(t *testing.T) {
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
	for _, m := range postgres.Migrations()[:7] {
		exec(m.SQL)
		exec("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name)
	}
	a, _ := testAccountValue(t)
	abody, err := json.Marshal(a)
	require.NoError(t, err)
	exec(`INSERT INTO accounts (tenant_id, id, version, owner, segment, parent, relations, body)
		VALUES ('acme', $1, $2, 'ana', '', NULL, ARRAY['customer'], $3::jsonb)`, a.ID, a.Version, string(abody))
	exec(`INSERT INTO account_contacts (tenant_id, account_id, id) VALUES ('acme', $1, $2)`, testAccount, testContact)
	d, _ := testDeal(t, deal.DefaultPipeline(), "ana", 1)
	d.PipelineVersion = 3
	body, err := json.Marshal(d)
	require.NoError(t, err)
	exec(`INSERT INTO deals (tenant_id, id, version, pipeline, stage, status, owner, body, account_id, contact_id)
		VALUES ('acme', $1, 1, 'default', 0, 'open', 'ana', $2::jsonb, $3, $4)`, d.ID, string(body), testAccount, testContact)

	err = db.Migrate(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "crmkit migration 8: 1 deals run on a stored pipeline version")
	assert.Contains(t, err.Error(), "acme/"+d.ID.String())
	v, err := db.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, 7, v, "the failed migration changed nothing")

	exec(`UPDATE deals SET body = body - 'pipeline_version' WHERE id = $1`, d.ID)
	require.NoError(t, db.Migrate(ctx))
	v, err = db.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, postgres.SchemaVersion, v)
	var version *int64
	require.NoError(t, db.Pool().QueryRow(ctx, `SELECT pipeline_version FROM deals WHERE id = $1`, d.ID).Scan(&version))
	assert.Nil(t, version, "version 0 is NULL")
}
