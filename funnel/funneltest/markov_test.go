package funneltest_test

import (
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/funneltest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A Markov history is a valid funnel history in report order, and the
// share of its closed deals won is the product of the advance chances
// (0.5 × 0.8 = 0.4 by hand).
func TestMarkovHistory(t *testing.T) {
	p := deal.MustPipeline(deal.PipelineSpec{ID: "two", Stages: []deal.Stage{
		{Name: "a", Probability: decimal.RequireFromString("0.4"), Forecast: deal.ForecastPipeline},
		{Name: "b", Probability: decimal.RequireFromString("0.8"), Forecast: deal.ForecastCommit},
	}})
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	m := funneltest.Markov{Pipeline: p, Advance: []float64{0.5, 0.8}, MeanStay: []time.Duration{24 * time.Hour, 48 * time.Hour},
		PerDay: 20, Start: start, End: start.AddDate(1, 0, 0), MinAmount: 100, MaxAmount: 200,
		Currency: crmkit.MustCurrency("EUR"), ActivityPerDay: 1, Seed: 3}
	assert.InDelta(t, 0.4, m.WinChance(0), 1e-12)
	var won, closed int
	for o, err := range funnel.Replay(p, m.Records(), m.End) {
		require.NoError(t, err)
		switch o.Status {
		case funnel.ClosedWon:
			won++
			closed++
		case funnel.ClosedLost:
			closed++
		}
		assert.True(t, o.Amount.Minor() >= 100 && o.Amount.Minor() <= 200)
	}
	require.Greater(t, closed, 5000)
	assert.InDelta(t, 0.4, float64(won)/float64(closed), 0.02)
	// Same seed, same history; a bad description yields nothing.
	var a, b int
	for range m.Records() {
		a++
	}
	for range m.Records() {
		b++
	}
	assert.Equal(t, a, b)
	m.Advance = nil
	for range m.Records() {
		t.Fatal("records from a Markov without advance chances")
	}
}
