package funnel_test

import (
	"slices"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewStagesRejects(t *testing.T) {
	for name, stages := range map[string][]funnel.Stage{
		"none":          nil,
		"empty name":    {{Name: " "}},
		"duplicate":     {{Name: "a"}, {Name: "a"}},
		"probability":   {{Name: "a", Probability: dec("1.5")}},
		"negative prob": {{Name: "a", Probability: dec("-0.1")}},
		"category":      {{Name: "a", Category: 9}},
		"expected":      {{Name: "a", Expected: -day}},
		"cadence":       {{Name: "a", VisitsPerWeek: -1}},
		"minimum":       {{Name: "a", MinOpen: -1}},
		"too many":      slices.Repeat([]funnel.Stage{{}}, funnel.MaxStages+1),
	} {
		_, err := funnel.NewStages(stages...)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
	s := testStages()
	i, ok := s.Index("proposal")
	assert.True(t, ok)
	assert.Equal(t, 2, i)
	_, ok = s.Index("bidding")
	assert.False(t, ok)
	assert.Equal(t, "stage 9", s.Name(9))
	assert.Equal(t, "about to close", funnel.Commit.CustomerCategory())
	assert.Equal(t, "most promising", funnel.BestCase.CustomerCategory())
	assert.Equal(t, "potential", funnel.Pipeline.CustomerCategory())
}

func TestMergeRejects(t *testing.T) {
	rep, err := funnel.Analyze(testStages(), slices.Values(history(t)), funnel.Query{AsOf: at(20)})
	require.NoError(t, err)
	other, err := funnel.Summarize(funnel.MustStages(funnel.Stage{Name: "x"}), slices.Values([]funnel.Opportunity(nil)), funnel.Query{AsOf: at(20)})
	require.NoError(t, err)
	_, err = rep.Total.Merge(other.Total)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	exact, err := funnel.Analyze(testStages(), slices.Values(history(t)), funnel.Query{AsOf: at(20), Quantiles: crmkit.QuantilesExact})
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
