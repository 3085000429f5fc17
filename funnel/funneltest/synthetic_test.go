package funneltest_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/funneltest"
)

func TestSyntheticDataIsValidAndRepeatable(t *testing.T) {
	stages := pipelineOf(deal.Stage{Name: "a"}, deal.Stage{Name: "b"}, deal.Stage{Name: "c"}, deal.Stage{Name: "d"})
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	asOf := start.AddDate(3, 0, 0)

	deals := funneltest.SyntheticDeals(stages, start, 500)
	require.Len(t, deals, 500)
	assert.Equal(t, deals, funneltest.SyntheticDeals(stages, start, 500), "same arguments, same data")
	rep, err := funnel.Summarize(stages, slices.Values(deals), funnel.Query{AsOf: asOf})
	require.NoError(t, err, "the report accepts every generated deal")
	assert.EqualValues(t, 500, rep.Total.Stages[0].Reached, "every deal reaches the first stage")

	records := slices.Collect(funneltest.SyntheticEvents(stages, start, 2000))
	assert.GreaterOrEqual(t, len(records), 2000)
	assert.Less(t, len(records), 2000+stages.Len()+2, "at most one deal's records past n")
	_, err = funnel.SummarizeRecords(stages, slices.Values(records), funnel.Query{AsOf: asOf})
	require.NoError(t, err, "records come in report order and replay legally")
}
