package predict_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/funneltest"
	"github.com/crmkit/crmkit/funnel/predict"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// A thin history falls back to the prior built from the configured stage
// probabilities: 0.2/0.5 = 0.4 from the first stage to the second,
// 0.5/0.8 = 0.625 from the second to the third, 0.8 from the last to won
// (by hand).
func TestPriorWhenThin(t *testing.T) {
	three := deal.MustPipeline(deal.PipelineSpec{ID: "three", Stages: []deal.Stage{
		{Name: "a", Probability: decimal.RequireFromString("0.2"), Forecast: deal.ForecastPipeline},
		{Name: "b", Probability: decimal.RequireFromString("0.5"), Forecast: deal.ForecastPipeline},
		{Name: "c", Probability: decimal.RequireFromString("0.8"), Forecast: deal.ForecastCommit},
	}})
	h := funneltestMarkov(three, 3)
	m, err := predict.Train(three, h.Records(), h.End, predict.TrainOptions{MinExits: 1_000_000})
	require.NoError(t, err)
	for _, c := range []struct {
		from, to int
		want     string
	}{{0, 1, "0.4"}, {0, predict.Lost, "0.6"}, {1, 2, "0.625"}, {1, predict.Lost, "0.375"}, {2, predict.Won, "0.8"}, {2, predict.Lost, "0.2"}, {predict.NoStage, 0, "1"}} {
		p, basis, err := m.Transition("", true, c.from, c.to)
		require.NoError(t, err)
		assert.Equal(t, predict.Prior, basis)
		assert.True(t, p.Equal(decimal.RequireFromString(c.want)), "%d->%d: %s, want %s", c.from, c.to, p, c.want)
	}
	fb := m.Fallbacks()
	require.NotEmpty(t, fb)
	assert.True(t, fb[0].Whole)
	assert.Equal(t, predict.Prior, fb[0].Used)
	assert.Contains(t, fb[0].String(), "whole history")
}

func funneltestMarkov(p *deal.Pipeline, n int) (h markovT) {
	h = markov(5, start.AddDate(0, 3, 0))
	h.Pipeline = p
	h.Advance = h.Advance[:n]
	h.MeanStay = h.MeanStay[:n]
	return h
}

// A thin segment uses the whole history's estimates and says so.
func TestSegmentFallsBackToWhole(t *testing.T) {
	asOf := start.AddDate(1, 0, 0)
	h := markov(2, asOf)
	// Segments by entity: one deal in segment "tiny", the rest in "big".
	keys := map[[16]byte]string{}
	n := 0
	for r := range h.Records() {
		if r.Kind == funnel.Created {
			keys[r.Entity] = "big"
			if n == 0 {
				keys[r.Entity] = "tiny"
			}
			n++
		}
	}
	m, err := predict.Train(four, h.Records(), asOf, predict.TrainOptions{SegmentOf: toUUIDMap(keys)})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"tiny", "big"}, m.Segments())
	whole, _, err := m.Transition("", true, 1, 2)
	require.NoError(t, err)
	tiny, basis, err := m.Transition("tiny", false, 1, 2)
	require.NoError(t, err)
	assert.Equal(t, predict.Whole, basis)
	assert.True(t, tiny.Equal(whole))
	_, basis, err = m.Transition("big", false, 1, 2)
	require.NoError(t, err)
	assert.Equal(t, predict.Own, basis)
	var saw bool
	for _, f := range m.Fallbacks() {
		saw = saw || (f.Segment == "tiny" && f.Used == predict.Whole)
		assert.NotEqual(t, "big", f.Segment)
	}
	assert.True(t, saw)
	_, _, err = m.Transition("nobody", false, 1, 2)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
}

// The chance of a deal in the last stage to be won within a week is, for
// the Markov history, 0.9 × (1 - e^(-7/7)) = 0.5689 (exponential stay of
// mean 7 days: memoryless, whatever its age); in the third stage, 0.8 ×
// 0.9 × P(X + Y < 7 days), X, Y exponential of means 10 and 7 days:
// 0.72 × (1 - (10e^(-0.7) - 7e^(-1))/3) = 0.1462 (by hand).
func TestDealChanceMatchesChain(t *testing.T) {
	asOf := start.AddDate(2, 0, 0)
	h := markov(4, asOf)
	h.PerDay = 40
	m, err := predict.Train(four, h.Records(), asOf, predict.TrainOptions{})
	require.NoError(t, err)
	f, err := m.Simulate(predict.SimOptions{Periods: []crmkit.Period{{Start: asOf, End: asOf.Add(7 * day)}}, Simulations: 4000, Seed: 3, NoNewDeals: true})
	require.NoError(t, err)
	var sum [4]float64
	var cnt [4]int
	for _, d := range f.Deals {
		sum[d.Stage] += d.Horizon.InexactFloat64()
		cnt[d.Stage]++
	}
	want3 := 0.9 * (1 - math.Exp(-1))
	want2 := 0.72 * (1 - (10*math.Exp(-0.7)-7*math.Exp(-1))/3)
	require.Positive(t, cnt[3])
	assert.InDelta(t, want3, sum[3]/float64(cnt[3]), 0.03)
	assert.InDelta(t, want2, sum[2]/float64(cnt[2]), 0.03)
}

func TestSimulateDeterministic(t *testing.T) {
	asOf := start.AddDate(1, 0, 0)
	m, err := predict.Train(four, markov(6, asOf).Records(), asOf, predict.TrainOptions{Segment: funnel.ByOwner})
	require.NoError(t, err)
	periods := []crmkit.Period{{Start: asOf, End: asOf.AddDate(0, 1, 0)}, {Start: asOf.AddDate(0, 1, 0), End: asOf.AddDate(0, 2, 0)}}
	a, err := m.Simulate(predict.SimOptions{Periods: periods, Simulations: 300, Seed: 42, Workers: 1})
	require.NoError(t, err)
	b, err := m.Simulate(predict.SimOptions{Periods: periods, Simulations: 300, Seed: 42, Workers: 3})
	require.NoError(t, err)
	assert.Equal(t, a, b)
	c, err := m.Simulate(predict.SimOptions{Periods: periods, Simulations: 300, Seed: 43})
	require.NoError(t, err)
	assert.NotEqual(t, a.Total, c.Total)
}

// Properties of every forecast: ordered percentiles, chances in [0, 1]
// that add up over the periods to the horizon's, segments in the total.
func TestForecastProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := markov(rapid.Uint64().Draw(t, "seed"), time.Time{})
		for i := range h.Advance {
			h.Advance[i] = rapid.Float64Range(0, 1).Draw(t, "advance")
		}
		h.PerDay = rapid.Float64Range(0.2, 5).Draw(t, "per day")
		asOf := start.AddDate(0, rapid.IntRange(1, 6).Draw(t, "months"), 0)
		h.End = asOf.Add(time.Hour)
		m, err := predict.Train(four, h.Records(), asOf, predict.TrainOptions{Segment: funnel.ByType, MinExits: rapid.IntRange(0, 50).Draw(t, "min exits")})
		if err != nil {
			// Only an empty history may fail.
			if !errors.Is(err, crmkit.ErrInvalid) || !strings.Contains(err.Error(), "empty history") {
				t.Fatal(err)
			}
			return
		}
		k := rapid.IntRange(1, 4).Draw(t, "periods")
		var periods []crmkit.Period
		for i := range k {
			s := asOf.AddDate(0, i, 0)
			periods = append(periods, crmkit.Period{Start: s, End: s.AddDate(0, 1, 0)})
		}
		f, err := m.Simulate(predict.SimOptions{Periods: periods, Simulations: rapid.IntRange(1, 200).Draw(t, "sims"), Seed: rapid.Uint64().Draw(t, "sim seed")})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range f.Total {
			if r.P10.Minor() > r.P50.Minor() || r.P50.Minor() > r.P90.Minor() || r.P10.Minor() < 0 {
				t.Fatalf("percentiles out of order: %+v", r)
			}
		}
		for _, d := range f.Deals {
			sum := decimal.Zero
			for _, c := range d.Periods {
				require.NoError(t, crmkit.CheckFraction("chance", c))
				sum = sum.Add(c)
			}
			require.NoError(t, crmkit.CheckFraction("horizon", d.Horizon))
			if sum.Sub(d.Horizon).Abs().GreaterThan(decimal.New(1, -5)) {
				t.Fatalf("chances %v do not add up to %s", d.Periods, d.Horizon)
			}
		}
		open, _ := m.OpenDeals()
		assert.Len(t, f.Deals, open)
		// One segment: its ranges are the total's.
		if len(f.Segments) == 1 {
			assert.Equal(t, f.Total, f.Segments[0].Ranges)
		}
	})
}

type markovT = funneltest.Markov

func toUUIDMap(m map[[16]byte]string) map[uuid.UUID]string {
	out := make(map[uuid.UUID]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
