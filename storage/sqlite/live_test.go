package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/sqlite"
	"github.com/crmkit/crmkit/storage/storagetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Deals stored before the live summary existed (schema version 4) are in
// it once the file is migrated: the migration folds the stored deals in.
func TestMigrateBackfillsLiveDeals(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v4.db")
	raw, err := sql.Open("sqlite", path+"?_pragma=foreign_keys(1)")
	require.NoError(t, err)
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	_, err = raw.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT '') STRICT`)
	require.NoError(t, err)
	for _, m := range sqlite.Migrations()[:4] {
		_, err := raw.ExecContext(ctx, m.SQL)
		require.NoError(t, err, m.Name)
		_, err = raw.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.Version, m.Name)
		require.NoError(t, err)
	}
	acc := crmkit.NewID()
	_, err = raw.ExecContext(ctx, `INSERT INTO accounts (tenant_id, id, version, owner, segment, relations, domain, contact_emails, contact_phones, body)
		VALUES ('acme', ?, 1, 'ana', '', ',', '', '[]', '[]', '{}')`, acc[:])
	require.NoError(t, err)
	// Three deals as the store writes them: two of ana's in January (one
	// won from bidding, 100.00 and 50.00 EUR), one of ben's in February.
	p := deal.DefaultPipeline()
	at := time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)
	mk := func(owner string, amount string, created time.Time) deal.Deal {
		d, _, err := deal.New(p, deal.NewDeal{Name: "d " + owner + amount, Type: deal.NewBusiness, Amount: crmkit.MustMoney(amount, "EUR"),
			AccountID: acc, Owner: owner}, deal.Cmd{Cmd: crmkit.Cmd{By: "t", At: created}})
		require.NoError(t, err)
		return d
	}
	won := mk("ana", "100.00", at)
	won.ContactID = crmkit.NewID() // bidding needs a contact; the raw row does not check it
	won, _, err = p.Move(won, "bidding", deal.Cmd{Cmd: crmkit.Cmd{By: "t", At: at}})
	require.NoError(t, err)
	won, _, err = p.Win(won, deal.Outcome{Summary: "signed"}, deal.Cmd{Cmd: crmkit.Cmd{By: "t", At: at.Add(time.Hour)}})
	require.NoError(t, err)
	deals := []deal.Deal{won, mk("ana", "50.00", at), mk("ben", "70.00", at.AddDate(0, 1, 0))}
	for _, d := range deals {
		d = storage.Canonical(d)
		body, err := json.Marshal(d)
		require.NoError(t, err)
		_, err = raw.ExecContext(ctx, `INSERT INTO deals (tenant_id, id, version, pipeline, stage, status, owner, account_id, body)
			VALUES ('acme', ?, ?, ?, ?, ?, ?, ?, ?)`, d.ID[:], d.Version, d.PipelineID, d.Stage, d.Status.String(), d.Owner, acc[:], string(body))
		require.NoError(t, err)
	}
	require.NoError(t, raw.Close())

	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Migrate(ctx))
	s, err := db.Tenant("acme")
	require.NoError(t, err)
	live, err := s.LiveDeals(ctx)
	require.NoError(t, err)
	q := funnel.Query{AsOf: at.AddDate(1, 0, 0), By: []funnel.Dimension{funnel.ByOwner, funnel.ByPeriod}, Quantiles: crmkit.QuantilesNone}
	got, err := live.Report(p, q)
	require.NoError(t, err)
	// By hand: 3 deals, 1 won (100.00), 2 open (120.00); groups ana/Jan and ben/Feb.
	assert.Equal(t, int64(3), got.Total.Entities)
	assert.Equal(t, crmkit.MustMoney("100.00", "EUR"), got.Total.WonAmount)
	assert.Equal(t, crmkit.MustMoney("120.00", "EUR"), got.Total.OpenAmount)
	require.Len(t, got.Groups, 2)
	assert.Equal(t, "ana", got.Groups[0].Key.Owner)
	assert.Equal(t, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), got.Groups[0].Key.Period)
	assert.Equal(t, int64(2), got.Groups[0].Summary.Entities)
	assert.Equal(t, time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), got.Groups[1].Key.Period)

	opps := make([]funnel.Opportunity, len(deals))
	for i := range deals {
		opps[i] = funnel.OpportunityOf(&deals[i])
	}
	want, err := funnel.Summarize(p, slices.Values(opps), q)
	require.NoError(t, err)
	assert.Equal(t, want.Total.Stages[1].ReachedAmount, got.Total.Stages[1].ReachedAmount, "bidding reached by the won deal")
}

// A DB's cached live summary sees the writes of another DB on the same
// file.
func TestLiveAcrossHandles(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crm.db")
	var stores [2]storage.Store
	for i := range stores {
		db, err := sqlite.Open(ctx, path)
		require.NoError(t, err)
		t.Cleanup(db.Close)
		require.NoError(t, db.Migrate(ctx))
		stores[i], err = db.Tenant("acme")
		require.NoError(t, err)
	}
	storagetest.LiveAcrossHandles(t, stores[0], stores[1])
}

// A DB's cached live summary sees a write of another DB on the same file
// that was in progress during its last read.
func TestLiveInProgress(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crm.db")
	var stores [2]storage.Store
	for i := range stores {
		db, err := sqlite.Open(ctx, path)
		require.NoError(t, err)
		t.Cleanup(db.Close)
		require.NoError(t, db.Migrate(ctx))
		stores[i], err = db.Tenant("acme")
		require.NoError(t, err)
	}
	storagetest.LiveInProgress(t, stores[0], stores[1], false)
}
