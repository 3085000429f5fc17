package sqlbench_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/funneltest"
	"github.com/crmkit/crmkit/internal/sqlbench"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var summaryQuery = funnel.Query{AsOf: benchAsOf, Quantiles: crmkit.QuantilesNone}

// The SQL aggregate of 2,000 generated deals is the report funnel
// computes in memory over the same values: the GROUP BY is the same
// report.
func TestSummarizeEqualsFunnel(t *testing.T) {
	ctx := context.Background()
	s := store(t)
	deals := benchDeals(2000)
	n, err := s.Load(ctx, deals)
	require.NoError(t, err)
	require.Equal(t, int64(2000), n)

	want, err := funnel.Summarize(benchStages, slices.Values(deals), summaryQuery)
	require.NoError(t, err)
	got, err := s.Summarize(ctx, benchStages, benchAsOf)
	require.NoError(t, err)
	require.NoError(t, funneltest.DiffSummaries(want.Total, got.Total))
	assert.True(t, got.AsOf.Equal(benchAsOf))
	require.Positive(t, got.Total.Won)
	for i, st := range got.Total.Stages {
		wc, err := want.Total.Stages[i].Conversion()
		require.NoError(t, err)
		gc, err := st.Conversion()
		require.NoError(t, err)
		assert.True(t, wc.Equal(gc), "stage %s conversion %s vs %s", st.Name, wc, gc)
	}
	wm, err := want.Total.Cycle.Mean()
	require.NoError(t, err)
	gm, err := got.Total.Cycle.Mean()
	require.NoError(t, err)
	assert.Equal(t, wm, gm, "mean time to close")
}

// Three deals whose figures are worked out by hand.
func TestSummarizeByHand(t *testing.T) {
	ctx := context.Background()
	s := store(t)
	eur := crmkit.MustCurrency("EUR")
	t0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	asOf := t0.Add(100 * 24 * time.Hour)
	m := func(v int64) crmkit.Money { x, _ := crmkit.NewMoney(v, eur); return x }
	deals := []funnel.Opportunity{
		// won from stage 2 after 10 days
		{Entity: funneltest.EntityID(0), Reached: 0b111, Stage: 2, Status: funnel.ClosedWon, Amount: m(1000),
			Origin: t0, Entered: t0.Add(5 * 24 * time.Hour), Closed: t0.Add(10 * 24 * time.Hour)},
		// open in stage 1 since day 40: age 60 days
		{Entity: funneltest.EntityID(1), Reached: 0b011, Stage: 1, Status: funnel.Open, Amount: m(300),
			Origin: t0, Entered: t0.Add(40 * 24 * time.Hour)},
		// lost in stage 0 after 4 days
		{Entity: funneltest.EntityID(2), Reached: 0b001, Stage: 0, Status: funnel.ClosedLost, Amount: m(50),
			Origin: t0, Entered: t0, Closed: t0.Add(4 * 24 * time.Hour)},
	}
	_, err := s.Load(ctx, deals)
	require.NoError(t, err)
	stages := pipelineOf(deal.Stage{Name: "a"}, deal.Stage{Name: "b"}, deal.Stage{Name: "c"})
	r, err := s.Summarize(ctx, stages, asOf)
	require.NoError(t, err)
	sum := r.Total
	assert.Equal(t, [5]int64{3, 1, 1, 1, 0}, [5]int64{sum.Entities, sum.Open, sum.Won, sum.Lost, sum.Terminated})
	assert.Equal(t, []int64{3, 2, 1}, []int64{sum.Stages[0].Reached, sum.Stages[1].Reached, sum.Stages[2].Reached})
	assert.Equal(t, []int64{2, 1, 1}, []int64{sum.Stages[0].Advanced, sum.Stages[1].Advanced, sum.Stages[2].Advanced})
	assert.Equal(t, int64(1350), sum.Stages[0].ReachedAmount.Minor())
	assert.Equal(t, int64(1300), sum.Stages[1].ReachedAmount.Minor())
	assert.Equal(t, int64(1000), sum.WonAmount.Minor())
	assert.Equal(t, int64(300), sum.OpenAmount.Minor())
	assert.Equal(t, int64(1), sum.Stages[0].DroppedOff)
	mean, err := sum.Cycle.Mean()
	require.NoError(t, err)
	assert.Equal(t, 10*24*time.Hour, mean)
	loss, err := sum.LossCycle.Mean()
	require.NoError(t, err)
	assert.Equal(t, 4*24*time.Hour, loss)
	age, err := sum.Stages[1].OpenStay.Mean()
	require.NoError(t, err)
	assert.Equal(t, 60*24*time.Hour, age)
	conv, err := sum.Stages[0].Conversion()
	require.NoError(t, err)
	assert.Equal(t, "0.6667", conv.StringFixed(4))
}

// Over random legal histories (skips, moves back, suspensions,
// reactivations, late first touches), the states funnel replays, loaded
// into PostgreSQL, aggregate to funnel's summary of the same states.
func TestPropertySummarizeMatchesFunnel(t *testing.T) {
	ctx := context.Background()
	s := store(t)
	rapid.Check(t, func(rt *rapid.T) {
		h := funneltest.Histories(funneltest.Config{MaxEntities: 12}).Draw(rt, "history")
		var opps []funnel.Opportunity
		for o, err := range funnel.Replay(h.Pipeline, h.Seq(), h.Last) {
			if err != nil {
				rt.Fatal(err)
			}
			opps = append(opps, o)
		}
		if _, err := s.DB.Exec(ctx, "TRUNCATE "+s.Table()); err != nil {
			rt.Fatal(err)
		}
		if _, err := s.Load(ctx, opps); err != nil {
			rt.Fatal(err)
		}
		q := funnel.Query{AsOf: h.Last, Quantiles: crmkit.QuantilesNone}
		want, err := funnel.Summarize(h.Pipeline, slices.Values(opps), q)
		if err != nil {
			rt.Fatal(err)
		}
		got, err := s.Summarize(ctx, h.Pipeline, h.Last)
		if err != nil {
			rt.Fatal(err)
		}
		if err := funneltest.DiffSummaries(want.Total, got.Total); err != nil {
			rt.Fatal(err)
		}
	})
}

// A zero report time is refused before any statement is run.
func TestSummarizeRefusesZeroTime(t *testing.T) {
	s := sqlbench.Store{Schema: "unused"} // no DB: nothing may be run
	_, err := s.Summarize(context.Background(), benchStages, time.Time{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "zero report time")
}
