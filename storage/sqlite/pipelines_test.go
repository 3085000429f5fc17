package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/sqlite"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fleetPipeline defines pipeline "fleet" at version 1 and stores it in s.
func fleetPipeline(t *testing.T, s *sqlite.Store) *deal.Pipeline {
	t.Helper()
	spec := deal.DefaultPipeline().Spec()
	spec.ID, spec.Name = "fleet", "Fleet sales"
	p, e, err := deal.DefinePipeline(spec, crmkit.Cmd{By: "ana", At: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	_, err = s.Pipelines().Create(context.Background(), p, "", e)
	require.NoError(t, err)
	return p
}

// countRows returns the number of rows query (a count) finds.
func countRows(t *testing.T, raw *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, raw.QueryRowContext(context.Background(), query, args...).Scan(&n))
	return n
}

// The triggers that stand for PostgreSQL's deals_pipeline_fk refuse any
// other writer of the file what the store's own check refuses: a deal on
// a pipeline version not stored in its tenant, and removing a version a
// deal runs on. A version no deal runs on can go: the triggers are not a
// blanket refusal.
func TestPipelineVersionTriggers(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Migrate(ctx))
	s, err := db.Tenant("acme")
	require.NoError(t, err)
	acc, _ := seedAccount(t, s)
	p := fleetPipeline(t, s)
	// Version 2, on which no deal runs.
	next, ne, err := p.Revise(p.Spec(), crmkit.Cmd{By: "ana", At: time.Date(2026, 1, 6, 9, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	require.NoError(t, s.Pipelines().Save(ctx, next, 1, ne))

	d, de, err := deal.New(p, deal.NewDeal{Name: "Fleet", Type: deal.NewBusiness, Amount: crmkit.MustMoney("1000.00", "EUR"),
		AccountID: acc, Owner: "ana"}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)}})
	require.NoError(t, err)
	require.Equal(t, int64(1), d.PipelineVersion)
	_, err = s.Deals().Create(ctx, d, "", de)
	require.NoError(t, err)

	raw, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer raw.Close()
	// What the store wrote: both versions, the deal's column.
	assert.Equal(t, 2, countRows(t, raw, `SELECT count(*) FROM pipeline_versions WHERE tenant_id = 'acme' AND pipeline = 'fleet'`))
	assert.Equal(t, 1, countRows(t, raw, `SELECT count(*) FROM deals WHERE id = ? AND pipeline_version = 1`, d.ID[:]))

	fresh := crmkit.NewID()
	for _, bad := range []struct {
		what, sql string
		args      []any
	}{
		{"a version not stored", `UPDATE deals SET pipeline_version = 3 WHERE id = ?`, []any{d.ID[:]}},
		{"another pipeline's key", `UPDATE deals SET pipeline = 'other' WHERE id = ?`, []any{d.ID[:]}},
		{"another tenant", `UPDATE deals SET tenant_id = 'globex' WHERE id = ?`, []any{d.ID[:]}},
		{"a new row on a version not stored", `INSERT INTO deals (tenant_id, id, version, pipeline, stage, status, owner, account_id, body, pipeline_version)
			SELECT tenant_id, ?, version, pipeline, stage, status, owner, account_id, body, 5 FROM deals WHERE id = ?`, []any{fresh[:], d.ID[:]}},
		{"the version a deal runs on", `DELETE FROM pipeline_versions WHERE tenant_id = 'acme' AND pipeline = 'fleet' AND version = 1`, nil},
		{"renumbering it", `UPDATE pipeline_versions SET version = 7 WHERE tenant_id = 'acme' AND pipeline = 'fleet' AND version = 1`, nil},
	} {
		_, err := raw.ExecContext(ctx, bad.sql, bad.args...)
		assert.ErrorContains(t, err, "deals_pipeline_fk", bad.what)
	}
	assert.Equal(t, 1, countRows(t, raw, `SELECT count(*) FROM deals WHERE id = ? AND tenant_id = 'acme' AND pipeline = 'fleet' AND pipeline_version = 1`, d.ID[:]), "the deal as it was")
	assert.Equal(t, 1, countRows(t, raw, `SELECT count(*) FROM deals`), "no row added")
	assert.Equal(t, 2, countRows(t, raw, `SELECT count(*) FROM pipeline_versions`), "no version removed")

	// Version 0 (a pipeline never stored) is NULL, unchecked; version 2
	// has no deal and can go.
	_, err = raw.ExecContext(ctx, `UPDATE deals SET pipeline = 'anything', pipeline_version = NULL WHERE id = ?`, d.ID[:])
	assert.NoError(t, err)
	_, err = raw.ExecContext(ctx, `DELETE FROM pipeline_versions WHERE version = 2`)
	assert.NoError(t, err)
}

// A file at schema version 2 migrates to 3: its deals get a NULL
// pipeline_version. A deal that already names a stored pipeline version
// in its body (no pipeline was stored before version 3) fails the
// migration, which leaves the file at version 2.
func TestMigrateFromVersion2(t *testing.T) {
	for _, tc := range []struct {
		name    string
		version int64 // the deal body's pipeline_version
		ok      bool
	}{{"clean", 0, true}, {"deal on a version not stored", 3, false}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "v2.db")
			raw, err := sql.Open("sqlite", path+"?_pragma=foreign_keys(1)")
			require.NoError(t, err)
			defer raw.Close()
			raw.SetMaxOpenConns(1)
			_, err = raw.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT '') STRICT`)
			require.NoError(t, err)
			for _, m := range sqlite.Migrations()[:2] {
				_, err := raw.ExecContext(ctx, m.SQL)
				require.NoError(t, err, m.Name)
				_, err = raw.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.Version, m.Name)
				require.NoError(t, err)
			}
			acc, dealID := crmkit.NewID(), crmkit.NewID()
			_, err = raw.ExecContext(ctx, `INSERT INTO accounts (tenant_id, id, version, owner, segment, relations, domain, contact_emails, contact_phones, body)
				VALUES ('acme', ?, 1, 'ana', '', ',', '', '[]', '[]', '{}')`, acc[:])
			require.NoError(t, err)
			body := `{"name":"Fleet"}`
			if tc.version != 0 {
				body = `{"name":"Fleet","pipeline_version":3}`
			}
			_, err = raw.ExecContext(ctx, `INSERT INTO deals (tenant_id, id, version, pipeline, stage, status, owner, account_id, body)
				VALUES ('acme', ?, 1, 'fleet', 0, 'open', 'ana', ?, ?)`, dealID[:], acc[:], body)
			require.NoError(t, err)
			require.NoError(t, raw.Close())

			db, err := sqlite.Open(ctx, path)
			require.NoError(t, err)
			defer db.Close()
			err = db.Migrate(ctx)
			v, verr := db.Version(ctx)
			require.NoError(t, verr)
			if !tc.ok {
				assert.ErrorIs(t, err, crmkit.ErrInvalid)
				assert.ErrorContains(t, err, "deals_pipeline_fk")
				assert.Equal(t, 2, v, "nothing migrated")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, 3, v)
			check, err := sql.Open("sqlite", path)
			require.NoError(t, err)
			defer check.Close()
			assert.Equal(t, 1, countRows(t, check, `SELECT count(*) FROM deals WHERE id = ? AND pipeline_version IS NULL`, dealID[:]))
		})
	}
}

// ImportDeals checks a deal's pipeline version like Create: a version
// stored in the tenant imports, one that is not fails the whole import
// with crmkit.ErrInvalid and nothing written.
func TestImportPipelineVersion(t *testing.T) {
	ctx := context.Background()
	s, err := newDB(t).Tenant("acme")
	require.NoError(t, err)
	acc, _ := seedAccount(t, s)
	p := fleetPipeline(t, s)
	at := deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)}}
	nd := deal.NewDeal{Name: "Fleet", Type: deal.NewBusiness, Amount: crmkit.MustMoney("1000.00", "EUR"), AccountID: acc, Owner: "ana"}
	on1, e1, err := deal.New(p, nd, at)
	require.NoError(t, err)
	n, err := s.ImportDeals(ctx, []deal.Deal{on1}, []crmkit.Event{e1})
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)

	on2, e2, err := deal.New(p, nd, at)
	require.NoError(t, err)
	on2.PipelineVersion = 2 // not stored
	ok, eok, err := deal.New(p, nd, at)
	require.NoError(t, err)
	_, err = s.ImportDeals(ctx, []deal.Deal{ok, on2}, []crmkit.Event{eok, e2})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	var re *storage.ReferenceError
	if assert.ErrorAs(t, err, &re) {
		assert.Equal(t, "pipeline_version", re.Ref.Field)
		assert.Equal(t, int64(2), re.Ref.Version)
	}
	for _, id := range []uuid.UUID{ok.ID, on2.ID} {
		_, err = s.Deals().Get(ctx, id)
		assert.ErrorIs(t, err, crmkit.ErrNotFound)
	}
}
