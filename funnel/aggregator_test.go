package funnel_test

import (
	"context"
	"errors"
	"iter"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/funneltest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// store is a Source; pushdown adds an Aggregator that answers from a
// precomputed report, or declines.
type store struct {
	opps []funnel.Opportunity
	err  error
}

func (s *store) Opportunities(context.Context) iter.Seq2[funnel.Opportunity, error] {
	return func(yield func(funnel.Opportunity, error) bool) {
		for _, o := range s.opps {
			if !yield(o, nil) {
				return
			}
		}
		if s.err != nil {
			yield(funnel.Opportunity{}, s.err)
		}
	}
}

type pushdown struct {
	store
	answer  funnel.Report
	decline bool
	calls   int
}

func (p *pushdown) AggregateFunnel(_ context.Context, _ *deal.Pipeline, _ funnel.Query) (funnel.Report, error) {
	p.calls++
	if p.decline {
		return funnel.Report{}, errors.ErrUnsupported
	}
	return p.answer, nil
}

var _ funnel.Aggregator = (*pushdown)(nil)

func TestSummarizeSource(t *testing.T) {
	ctx := context.Background()
	opps := forecastDeals(t)
	q := funnel.Query{AsOf: date(2, 15)}
	want, err := funnel.Summarize(testStages(), slices.Values(opps), q)
	require.NoError(t, err)

	got, err := funnel.SummarizeSource(ctx, testStages(), &store{opps: opps}, q)
	require.NoError(t, err)
	require.NoError(t, funneltest.DiffSummaries(want.Total, got.Total))

	p := &pushdown{store: store{opps: opps}, answer: funnel.Report{AsOf: q.AsOf, Total: funnel.Summary{Entities: 42}}}
	got, err = funnel.SummarizeSource(ctx, testStages(), p, q)
	require.NoError(t, err)
	assert.Equal(t, int64(42), got.Total.Entities, "pushed down")
	assert.Equal(t, 1, p.calls)

	p.decline = true
	got, err = funnel.SummarizeSource(ctx, testStages(), p, q)
	require.NoError(t, err)
	require.NoError(t, funneltest.DiffSummaries(want.Total, got.Total), "declined: scanned")

	p.decline = false
	q.Where = func(*funnel.Opportunity) bool { return true }
	_, err = funnel.SummarizeSource(ctx, testStages(), p, q)
	require.NoError(t, err)
	assert.Equal(t, 2, p.calls, "a Where function is never pushed down")

	broken := errors.New("connection reset")
	_, err = funnel.SummarizeSource(ctx, testStages(), &store{opps: opps, err: broken}, funnel.Query{AsOf: date(2, 15)})
	assert.ErrorIs(t, err, broken)
}

// A backend's Durations built from count, sum, min and max give the same
// mean as the durations themselves.
func TestPropertyNewDurationsRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		vals := rapid.SliceOf(rapid.Int64Range(-int64(100*365*24*time.Hour), int64(100*365*24*time.Hour))).Draw(t, "ns")
		ds := make([]time.Duration, len(vals))
		for i, v := range vals {
			ds[i] = time.Duration(v)
		}
		d, err := crmkit.DurationsOf(crmkit.QuantilesNone, ds...)
		if err != nil {
			t.Fatal(err)
		}
		var mn, mx time.Duration
		if len(ds) > 0 {
			mn, _ = d.Min()
			mx, _ = d.Max()
		}
		e, err := crmkit.DurationsFromSummary(d.Count(), d.Negative(), d.Sum(), mn, mx)
		if err != nil {
			t.Fatal(err)
		}
		if err := funneltest.DiffDurations("round trip", d, e); err != nil {
			t.Fatal(err)
		}
		sum := new(big.Int)
		for _, v := range vals {
			sum.Add(sum, big.NewInt(v))
		}
		if d.Sum().Cmp(sum) != 0 {
			t.Fatalf("sum %s, want %s", d.Sum(), sum)
		}
	})
}

func TestNewDurationsRejectsInconsistency(t *testing.T) {
	for _, c := range []struct {
		n, neg   int64
		sum      int64
		min, max time.Duration
	}{
		{-1, 0, 0, 0, 0},
		{1, 2, 0, 0, 0},
		{0, 0, 5, 0, 0},
		{2, 0, 10, 6, 4},
		{2, 0, 100, 1, 4},
		{2, 1, 0, 1, 4},
	} {
		_, err := crmkit.DurationsFromSummary(c.n, c.neg, big.NewInt(c.sum), c.min, c.max)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "%+v", c)
	}
	d, err := crmkit.DurationsFromSummary(2, 1, big.NewInt(int64(2*time.Hour)), -time.Hour, 3*time.Hour)
	require.NoError(t, err)
	m, err := d.Mean()
	require.NoError(t, err)
	assert.Equal(t, time.Hour, m)
	_, err = d.Median()
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "no quantiles without the values")
}
