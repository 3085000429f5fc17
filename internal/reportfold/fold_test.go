package reportfold_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/funneltest"
	"github.com/crmkit/crmkit/internal/reportfold"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

type key struct {
	reached uint64
	stage   int
	status  funnel.Status
	cur     crmkit.Currency
}

// groups does in Go what a GROUP BY does in SQL: one Group per reached
// set, stage, status and currency, with the durations in microseconds.
func groups(opps []funnel.Opportunity, asOf time.Time) []reportfold.Group {
	byKey := map[key]*reportfold.Group{}
	sums := map[key]int64{}
	var order []key
	for _, o := range opps {
		k := key{o.Reached, o.Stage, o.Status, o.Amount.Currency()}
		g, ok := byKey[k]
		if !ok {
			g = &reportfold.Group{Reached: k.reached, Stage: k.stage, Status: k.status, Currency: k.cur}
			byKey[k] = g
			order = append(order, k)
		}
		g.Count++
		g.Amount += o.Amount.Minor()
		var d time.Duration
		switch {
		case o.Status <= funnel.Paused && o.Stage >= 0:
			d = asOf.Sub(o.Entered)
		case o.Status == funnel.ClosedWon || o.Status == funnel.ClosedLost:
			d = o.Closed.Sub(o.Origin)
		default:
			continue
		}
		us := d.Microseconds()
		if g.N == 0 || us < g.MinMicros {
			g.MinMicros = us
		}
		if g.N == 0 || us > g.MaxMicros {
			g.MaxMicros = us
		}
		g.N++
		if us < 0 {
			g.Negative++
		}
		sums[k] += us
	}
	out := make([]reportfold.Group, 0, len(order))
	for _, k := range order {
		g := byKey[k]
		g.SumMicros = strconv.FormatInt(sums[k], 10)
		out = append(out, *g)
	}
	return out
}

// Folding the groups of any set of opportunities, in any order, gives the
// report funnel.Summarize computes over them (without quantiles).
func TestFoldEqualsSummarize(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := funneltest.Pipelines(1, 8).Draw(t, "pipeline")
		opps := funneltest.SyntheticDeals(p, start, rapid.IntRange(0, 200).Draw(t, "deals"))
		asOf := start.AddDate(rapid.IntRange(2, 4).Draw(t, "years"), 0, 0)
		q := funnel.Query{AsOf: asOf, Quantiles: crmkit.QuantilesNone}
		want, wantErr := funnel.Summarize(p, slices.Values(opps), q)
		gs := groups(opps, asOf)
		perm := rapid.Permutation(gs).Draw(t, "order")
		fo, err := reportfold.New(p, asOf)
		require.NoError(t, err)
		for _, g := range perm {
			if err = fo.Add(g); err != nil {
				break
			}
		}
		var got funnel.Report
		if err == nil {
			got, err = fo.Report()
		}
		require.Equal(t, wantErr == nil, err == nil, "fold: %v, Summarize: %v", err, wantErr)
		if wantErr == nil {
			require.NoError(t, funneltest.DiffSummaries(want.Total, got.Total))
		}
	})
}

// What Summarize refuses, the fold refuses, naming the sentinel.
func TestFoldRefuses(t *testing.T) {
	p := deal.DefaultPipeline() // 4 stages
	asOf := start.AddDate(1, 0, 0)
	_, err := reportfold.New(p, time.Time{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = reportfold.New(nil, asOf)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	eur, usd := crmkit.MustMoney("1", "EUR").Currency(), crmkit.MustMoney("1", "USD").Currency()
	fo, err := reportfold.New(p, asOf)
	require.NoError(t, err)
	require.NoError(t, fo.Add(reportfold.Group{Reached: 1, Stage: 0, Currency: eur, Count: 1, Amount: 100, SumMicros: "0"}))
	assert.ErrorIs(t, fo.Add(reportfold.Group{Reached: 1, Stage: 0, Currency: usd, Count: 1, Amount: 100, SumMicros: "0"}), crmkit.ErrCurrencyMismatch)
	assert.ErrorIs(t, fo.Add(reportfold.Group{Reached: 1 << 4, Stage: 4, Count: 1, SumMicros: "0"}), crmkit.ErrInvalid, "stage 4 of 4")
	assert.ErrorIs(t, fo.Add(reportfold.Group{Reached: 1, Stage: 0, Count: 1, N: 1, Negative: 1, SumMicros: "-5", MinMicros: -5, MaxMicros: -5}),
		crmkit.ErrInvalid, "open and entered after the report time")
	assert.ErrorIs(t, fo.Add(reportfold.Group{Reached: 1, Stage: 0, Status: funnel.ClosedWon, Count: 1, SumMicros: "x"}), crmkit.ErrInvalid)
	require.NoError(t, fo.Add(reportfold.Group{Reached: 1, Stage: 0, Currency: eur, Count: 1, Amount: 1 << 62, SumMicros: "0"}))
	assert.ErrorIs(t, fo.Add(reportfold.Group{Reached: 1, Stage: 0, Currency: eur, Count: 1, Amount: 1 << 62, SumMicros: "0"}), crmkit.ErrOverflow)
}
