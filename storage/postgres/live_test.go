package postgres_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/postgres"
	"github.com/crmkit/crmkit/storage/storagetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A reporting currency is converted by funnel with Go rates: the
// Aggregator declines it, and SummarizeSource scans instead.
func TestAggregateFunnelDeclinesReportingCurrency(t *testing.T) {
	s, err := newDB(t).Tenant("reporting")
	require.NoError(t, err)
	q := funnel.Query{AsOf: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Quantiles: crmkit.QuantilesNone,
		Reporting: funnel.Reporting{Currency: crmkit.MustCurrency("EUR"), Rates: &crmkit.RateTable{}, Rounding: crmkit.RoundHalfEven}}
	_, err = s.AggregateFunnel(context.Background(), deal.DefaultPipeline(), q)
	assert.True(t, errors.Is(err, errors.ErrUnsupported), "got %v", err)
	rep, err := funnel.SummarizeSource(context.Background(), deal.DefaultPipeline(), s, q)
	require.NoError(t, err, "scanned instead")
	assert.Equal(t, int64(0), rep.Total.Entities)
}

// Deals stored before the live summary existed (migration 11 not yet
// applied) are in it once it is: the migration folds the stored deals in,
// and the triggers keep it from then on.
func TestMigrateBackfillsLiveDeals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, schema := openSchema(t, testDSN(t))
	_, err := db.Pool().Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	_, err = db.Pool().Exec(ctx, `CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
	require.NoError(t, err)
	// Every migration but those of the live summary (0011_live_deals and
	// the later ones that change it), which run after the deals are
	// written: this code writes the columns and tables of the others.
	var liveMigs []postgres.Migration
	for _, m := range postgres.Migrations() {
		if strings.Contains(m.Name, "_live_deals") {
			liveMigs = append(liveMigs, m)
			continue
		}
		_, err := db.Pool().Exec(ctx, m.SQL)
		require.NoError(t, err, m.Name)
	}
	require.Len(t, liveMigs, 4, "0011, 0015, 0016, 0018")
	s, err := db.Tenant("acme")
	require.NoError(t, err)
	storeTestAccount(t, s)
	p := deal.DefaultPipeline()
	for i, owner := range []string{"ana", "ana", "ben"} {
		d, e := testDeal(t, p, owner, i)
		_, err := s.Deals().Create(ctx, d, "", e)
		require.NoError(t, err)
	}
	for _, m := range liveMigs {
		require.NotEmpty(t, m.SQL)
		_, err = db.Pool().Exec(ctx, m.SQL)
		require.NoError(t, err, m.Name)
	}
	for _, m := range postgres.Migrations() {
		_, err = db.Pool().Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name)
		require.NoError(t, err)
	}
	require.NoError(t, db.Migrate(ctx), "nothing left to apply")
	// One more after the migration: the triggers count it.
	d, e := testDeal(t, p, "cem", 3)
	_, err = s.Deals().Create(ctx, d, "", e)
	require.NoError(t, err)

	live, err := s.LiveDeals(ctx)
	require.NoError(t, err)
	q := funnel.Query{AsOf: time.Now().AddDate(10, 0, 0), By: []funnel.Dimension{funnel.ByOwner}, Quantiles: crmkit.QuantilesNone}
	got, err := live.Report(p, q)
	require.NoError(t, err)
	var opps []funnel.Opportunity
	var readErr error
	opps = slices.Collect(funnel.Values(ctx, s, &readErr))
	require.NoError(t, readErr)
	want, err := funnel.Summarize(p, slices.Values(opps), q)
	require.NoError(t, err)
	assert.Equal(t, int64(4), got.Total.Entities)
	require.Len(t, got.Groups, 3, "ana, ben, cem")
	assert.Equal(t, int64(2), got.Groups[0].Summary.Entities)
	assert.Equal(t, want.Total.OpenAmount, got.Total.OpenAmount)
	assert.Equal(t, want.Total.Stages[0].ReachedAmount, got.Total.Stages[0].ReachedAmount)
}

// A DB's cached live summary sees the writes of another DB on the same
// schema.
func TestLiveAcrossHandles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, schema := openSchema(t, testDSN(t))
	require.NoError(t, db.Migrate(ctx))
	other, err := postgres.Open(ctx, testDSN(t), postgres.Schema(schema))
	require.NoError(t, err)
	t.Cleanup(other.Close)
	a, err := db.Tenant("acme")
	require.NoError(t, err)
	b, err := other.Tenant("acme")
	require.NoError(t, err)
	storagetest.LiveAcrossHandles(t, a, b)
}

// A DB's cached live summary sees a write of another DB on the same
// schema that was in progress during its last read and committed after a
// later writer did.
func TestLiveInProgress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, schema := openSchema(t, testDSN(t))
	require.NoError(t, db.Migrate(ctx))
	other, err := postgres.Open(ctx, testDSN(t), postgres.Schema(schema))
	require.NoError(t, err)
	t.Cleanup(other.Close)
	a, err := db.Tenant("acme")
	require.NoError(t, err)
	b, err := other.Tenant("acme")
	require.NoError(t, err)
	storagetest.LiveInProgress(t, a, b, true)
}

// Two Updates each moving two deals of two groups, in opposite orders,
// lock the groups' live_deals rows in opposite orders across their
// statements (each statement in key order): PostgreSQL may abort one as a
// deadlock, which comes back retryable (storage.ErrSerialization), and
// storage.Retry gets both through with the live summary right.
func TestLiveConcurrentMultiDealUpdates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := newDB(t)
	s, err := db.Tenant("acme")
	require.NoError(t, err)
	storeTestAccount(t, s)
	p := deal.DefaultPipeline()
	var deals [2][2]deal.Deal // [worker][owner]
	for w := range deals {
		for o, owner := range []string{"ana", "ben"} {
			d, e := testDeal(t, p, owner, 10*w+o)
			deals[w][o], err = s.Deals().Create(ctx, d, "", e)
			require.NoError(t, err)
		}
	}
	c := deal.Cmd{Cmd: crmkit.Cmd{By: "t", At: t0.Add(time.Hour)}}
	var (
		locked [2]chan struct{}
		once   [2]sync.Once
		errs   [2]error
		wg     sync.WaitGroup
	)
	for w := range locked {
		locked[w] = make(chan struct{})
	}
	for w := range 2 {
		wg.Go(func() {
			order := []int{w, 1 - w} // worker 0: ana's group first; worker 1: ben's
			errs[w] = storage.Retry(ctx, storage.Policy{MaxAttempts: 5}, func(ctx context.Context) error {
				first := true
				return s.Update(ctx, func(tx storage.Tx) error {
					for _, o := range order {
						d := deals[w][o]
						next, e, err := p.Move(d, p.Stages()[1].Name, c)
						if err != nil {
							return err
						}
						if err := tx.Deals().Save(ctx, next, d.Version, e); err != nil {
							return err
						}
						if first { // the first attempt waits for the other's first save
							first = false
							once[w].Do(func() { close(locked[w]) })
							<-locked[1-w]
						}
					}
					return nil
				})
			})
		})
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	var current []funnel.Opportunity
	for d, err := range storage.All(ctx, s.Deals(), storage.DealFilter{}, storage.MaxPageSize) {
		require.NoError(t, err)
		require.Equal(t, 1, d.Stage, "every deal moved")
		current = append(current, funnel.OpportunityOf(&d))
	}
	require.Len(t, current, 4)
	live, err := s.LiveDeals(ctx)
	require.NoError(t, err)
	q := funnel.Query{AsOf: t0.AddDate(1, 0, 0), By: []funnel.Dimension{funnel.ByOwner}, Quantiles: crmkit.QuantilesNone}
	want, err := funnel.Summarize(p, slices.Values(current), q)
	require.NoError(t, err)
	got, err := live.Report(p, q)
	require.NoError(t, err)
	assert.Equal(t, want.Total.Entities, got.Total.Entities)
	for i := range want.Total.Stages {
		assert.Equal(t, want.Total.Stages[i].Reached, got.Total.Stages[i].Reached, "stage %d", i)
		assert.Equal(t, want.Total.Stages[i].Open, got.Total.Stages[i].Open, "stage %d", i)
		assert.Equal(t, want.Total.Stages[i].ReachedAmount, got.Total.Stages[i].ReachedAmount, "stage %d", i)
	}
	assert.Equal(t, int64(4), got.Total.Stages[1].Open, "all four open in the second stage")
}
