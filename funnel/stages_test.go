package funnel_test

import (
	"slices"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every entry point refuses a nil or zero pipeline with ErrInvalid rather
// than panicking; stage rules themselves are deal.NewPipeline's.
func TestNilOrZeroPipelineRefused(t *testing.T) {
	opps := slices.Values([]funnel.Opportunity(nil))
	recs := slices.Values([]funnel.Record(nil))
	q := funnel.Query{AsOf: at(20)}
	for _, p := range []*deal.Pipeline{nil, {}} {
		_, err := funnel.SummarizeRecords(p, recs, q)
		assert.ErrorIs(t, err, crmkit.ErrInvalid)
		_, err = funnel.Summarize(p, opps, q)
		assert.ErrorIs(t, err, crmkit.ErrInvalid)
		_, err = funnel.Summarize(p, slices.Values([]funnel.Opportunity(nil)), q)
		assert.ErrorIs(t, err, crmkit.ErrInvalid)
		_, err = replayAll(p, recs, at(20))
		assert.ErrorIs(t, err, crmkit.ErrInvalid)
		_, err = funnel.Movement(p, recs, at(1), at(20))
		assert.ErrorIs(t, err, crmkit.ErrInvalid)
		_, err = funnel.NewForecast(p, opps, crmkit.Period{Start: at(0), End: at(30)}, at(20), funnel.ForecastOptions{})
		assert.ErrorIs(t, err, crmkit.ErrInvalid)
		_, err = funnel.CheckCadence(p, recs, at(20))
		assert.ErrorIs(t, err, crmkit.ErrInvalid)
		_, err = funnel.StuckDeals(p, opps, at(20))
		assert.ErrorIs(t, err, crmkit.ErrInvalid)
		_, err = funnel.StageShortfalls(p, funnel.Summary{})
		assert.ErrorIs(t, err, crmkit.ErrInvalid)
		r := funnel.DealEvents(p).Reader(slices.Values([]crmkit.Event(nil)))
		for range r.Records() {
		}
		assert.ErrorIs(t, r.Err(), crmkit.ErrInvalid)
	}
	// Stage names resolve as deal.Pipeline.StageIndex resolves them.
	i, err := testStages().StageIndex("Proposal")
	require.NoError(t, err)
	assert.Equal(t, 2, i)
}

func TestMergeRejects(t *testing.T) {
	rep, err := funnel.SummarizeRecords(testStages(), slices.Values(history(t)), funnel.Query{AsOf: at(20)})
	require.NoError(t, err)
	other, err := funnel.Summarize(pipelineOf(deal.Stage{Name: "x"}), slices.Values([]funnel.Opportunity(nil)), funnel.Query{AsOf: at(20)})
	require.NoError(t, err)
	_, err = rep.Total.Merge(other.Total)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	exact, err := funnel.SummarizeRecords(testStages(), slices.Values(history(t)), funnel.Query{AsOf: at(20), Quantiles: crmkit.QuantilesExact})
	require.NoError(t, err)
	_, err = rep.Total.Merge(exact.Total)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "quantile modes differ")

	usd := []funnel.Opportunity{{Entity: id(9), Stage: 0, Reached: 1, Amount: crmkit.MustMoney("5", "USD"), Origin: at(0), Entered: at(0)}}
	inUSD, err := funnel.Summarize(testStages(), slices.Values(usd), funnel.Query{AsOf: at(20)})
	require.NoError(t, err)
	_, err = rep.Total.Merge(inUSD.Total)
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)

	st, err := rep.Total.Stage("qualified")
	require.NoError(t, err)
	assert.Equal(t, int64(3), st.Reached)
	_, err = rep.Total.Stage("bidding")
	assert.ErrorIs(t, err, crmkit.ErrNotFound)

	// An empty stage has no rates: errors, not NaN or zero.
	empty := funnel.StageSummary{Name: "x"}
	_, err = empty.Conversion()
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = funnel.Summary{}.WinRate()
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}
