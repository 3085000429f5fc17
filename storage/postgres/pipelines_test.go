package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
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
