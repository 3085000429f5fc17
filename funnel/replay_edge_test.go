package funnel_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
)

// Two calls logged in one command are identical activity records: they
// are not duplicates. A close date changed to the zero time clears it.
func TestReplayRepeatedActivitiesAndClearedCloseDate(t *testing.T) {
	stages := pipelineOf(deal.Stage{Name: "tracking"}, deal.Stage{Name: "bidding"})
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	id := uuid.UUID{15: 7}
	records := []funnel.Record{
		{Entity: id, Kind: funnel.Created, At: at, Amount: crmkit.MustMoney("100", "EUR")},
		{Entity: id, Kind: funnel.StageEntered, At: at, Stage: 0},
		{Entity: id, Kind: funnel.CloseDateChanged, At: at, Date: at.AddDate(0, 1, 0)},
		{Entity: id, Kind: funnel.Activity, At: at.Add(time.Hour)},
		{Entity: id, Kind: funnel.Activity, At: at.Add(time.Hour)},
	}
	open, err := replayAll(stages, slices.Values(records), at.Add(2*time.Hour))
	require.NoError(t, err)
	require.Len(t, open, 1)
	assert.True(t, open[0].CloseDate.Equal(at.AddDate(0, 1, 0)))

	records = append(records, funnel.Record{Entity: id, Kind: funnel.CloseDateChanged, At: at.Add(3 * time.Hour)})
	open, err = replayAll(stages, slices.Values(records), at.Add(4*time.Hour))
	require.NoError(t, err)
	require.Len(t, open, 1)
	assert.True(t, open[0].CloseDate.IsZero(), "the zero date clears the close date")

	// Two identical stage records at one instant are still a duplicate.
	dup := []funnel.Record{records[0], records[1], records[2], records[2]}
	_, err = replayAll(stages, slices.Values(dup), at.Add(time.Hour))
	assert.ErrorIs(t, err, crmkit.ErrConflict)
}
