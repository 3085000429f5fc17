package account_test

import (
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJourney(t *testing.T) {
	acc := crmkit.NewID()
	at := t0.Add(9 * time.Hour)
	log := []account.Interaction{
		// A ticket answered by an autoresponder at once, by a person after 2h, solved after 5h.
		{AccountID: acc, Channel: "email", Category: "billing", Severity: account.Major, Outcome: account.Resolved, Who: "agent-1",
			At: at, AutoReplyAt: at.Add(time.Second), FirstResponseAt: at.Add(2 * time.Hour), ResolvedAt: at.Add(5 * time.Hour), Satisfaction: 4, FirstLine: true},
		// A small problem solved on the spot, informally, but recorded.
		{AccountID: acc, Channel: "visit", Severity: account.Minor, Outcome: account.Resolved, Who: "rep-1",
			At: at, FirstResponseAt: at, ResolvedAt: at.Add(10 * time.Minute), Satisfaction: 5, Informal: true},
		// Only an autoresponder so far: not service.
		{AccountID: acc, Channel: "email", Severity: account.Minor, Outcome: account.Pending, Who: "system",
			At: at, AutoReplyAt: at.Add(time.Second), FirstLine: true},
		{AccountID: acc, Channel: "phone", Severity: account.Info, Outcome: account.Resolved, Who: "agent-2",
			At: at, FirstResponseAt: at.Add(4 * time.Hour), ResolvedAt: at.Add(4 * time.Hour), Satisfaction: 2, FirstLine: true},
	}
	for i := range log {
		rec, e, err := account.RecordInteraction(log[i], crmkit.Cmd{By: log[i].Who, At: log[i].At})
		require.NoError(t, err)
		assert.Equal(t, account.EventInteractionRecorded, e.Type)
		assert.NotEqual(t, uuid.Nil, rec.ID)
		log[i] = rec
	}
	s, err := account.JourneyStatsOf(slices.Values(log))
	require.NoError(t, err)
	assert.Equal(t, int64(4), s.Interactions)
	assert.Equal(t, int64(1), s.Informal)
	assert.Equal(t, int64(3), s.Rated)
	assert.True(t, s.MeanSatisfaction.Equal(d("3.6666666666666667")), s.MeanSatisfaction.String()) // 11/3 = 3.666..., 16 places, last rounded up
	assert.Equal(t, int64(3), s.FirstResponse.Count(), "the autoresponder is not a response")
	assert.Equal(t, int64(1), s.AutoReplyOnly)
	assert.Equal(t, int64(3), s.Resolution.Count())
	meanMedian := func(d crmkit.Durations) (time.Duration, time.Duration) {
		t.Helper()
		mean, err := d.Mean()
		require.NoError(t, err)
		median, err := d.Median()
		require.NoError(t, err)
		return mean, median
	}
	mean, median := meanMedian(s.FirstResponse)
	assert.Equal(t, 2*time.Hour, median) // 0, 2h, 4h
	assert.Equal(t, 2*time.Hour, mean)   // 6h / 3
	mean, median = meanMedian(s.Resolution)
	assert.Equal(t, 4*time.Hour, median)                // 10m, 4h, 5h
	assert.Equal(t, 3*time.Hour+10*time.Minute/3, mean) // (10m + 9h) / 3

	// Only the autoresponder-only interaction: no response, no resolution.
	s, err = account.JourneyStatsOf(slices.Values(log[2:3]))
	require.NoError(t, err)
	assert.Equal(t, int64(1), s.AutoReplyOnly)
	assert.Equal(t, int64(0), s.FirstResponse.Count())
	assert.Equal(t, int64(0), s.Resolution.Count())
	_, err = s.FirstResponse.Mean()
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "no responses: no mean")
	_, err = s.Resolution.Median()
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "no resolutions: no median")

	recorder := crmkit.Cmd{By: "agent-1", At: at}
	bad := log[0]
	bad.FirstResponseAt = at.Add(-time.Minute)
	_, _, err = account.RecordInteraction(bad, recorder)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	bad = log[0]
	bad.Satisfaction = 6
	_, _, err = account.RecordInteraction(bad, recorder)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	bad = log[0]
	bad.ResolvedAt = time.Time{}
	_, _, err = account.RecordInteraction(bad, recorder)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "resolved without a time")

	// Repeat first-line contacts of a regular customer are a churn signal.
	other := crmkit.NewID()
	more := append(slices.Clone(log), account.Interaction{AccountID: other, Channel: "phone", Severity: account.Minor, Outcome: account.Resolved,
		Who: "agent-1", At: at, FirstResponseAt: at, ResolvedAt: at, FirstLine: true})
	sig, err := account.RepeatSupportSignals(slices.Values(more), map[uuid.UUID]bool{acc: true, other: true},
		crmkit.Period{Start: t0, End: t0.AddDate(0, 1, 0)}, 3)
	require.NoError(t, err)
	require.Len(t, sig, 1)
	assert.Equal(t, acc, sig[0].AccountID)
	assert.Equal(t, 3, sig[0].Contacts)
	sig, _ = account.RepeatSupportSignals(slices.Values(more), map[uuid.UUID]bool{other: true}, crmkit.Period{Start: t0, End: t0.AddDate(0, 1, 0)}, 2)
	assert.Empty(t, sig, "only regular customers count")
	_, err = account.RepeatSupportSignals(slices.Values(more), nil, crmkit.Period{}, 1)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestLogCompleteness(t *testing.T) {
	c, err := account.LogCompleteness(100, 65)
	require.NoError(t, err)
	assert.True(t, c.Equal(d("0.35")), "65 of 100 solved informally -> 35%% logged, got %s", c)
	_, err = account.LogCompleteness(0, 0)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = account.LogCompleteness(10, 11)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }
