package deal_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
)

// The close-date rule reads both calendar days in the close date's own
// zone (issue 16: "2026-02-01 is before 2026-02-01").
func TestCloseDateIsACalendarDayInItsZone(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	p := deal.DefaultPipeline()
	newDeal := func(closeDate, at time.Time) error {
		_, _, err := deal.New(p, deal.NewDeal{
			Name: "Fleet", Type: deal.NewBusiness, Amount: crmkit.MustMoney("100.00", "EUR"),
			CloseDate: closeDate, AccountID: uuid.MustParse("0195f000-0000-7000-8000-0000000000aa"), Owner: "ana",
		}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at}})
		return err
	}
	// 10:00 UTC is 11:00 in CET: the same day, February 1, in CET.
	at := time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)
	require.NoError(t, newDeal(time.Date(2026, 2, 1, 0, 0, 0, 0, cet), at), "today in the date's zone")
	err := newDeal(time.Date(2026, 1, 31, 0, 0, 0, 0, cet), at)
	require.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.EqualError(t, err, "invalid close_date: 2026-01-31 is before today, 2026-02-01 (both in CET)")

	// 23:30 UTC on January 31 is already February 1 in CET: a UTC date
	// of January 31 is still today in UTC, a CET one is yesterday.
	late := time.Date(2026, 1, 31, 23, 30, 0, 0, time.UTC)
	require.NoError(t, newDeal(time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC), late))
	err = newDeal(time.Date(2026, 1, 31, 0, 0, 0, 0, cet), late)
	assert.EqualError(t, err, "invalid close_date: 2026-01-31 is before today, 2026-02-01 (both in CET)")

	_, d := fixture(t)
	_, _, err = d.SetCloseDate(time.Date(2025, 1, 6, 0, 0, 0, 0, cet), deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: dealStart}})
	require.NoError(t, err, "09:00 UTC on January 6 is January 6 in CET")
}

// TestPropertyCloseDateRule: a close date is accepted exactly when its
// calendar day, read in its own zone, is not before the day of the
// command's time read in that zone; checked against day numbers counted
// by hand (days since the epoch of the wall-clock date).
func TestPropertyCloseDateRule(t *testing.T) {
	p := deal.DefaultPipeline()
	rapid.Check(t, func(t *rapid.T) {
		loc := time.FixedZone("z", rapid.IntRange(-12, 14).Draw(t, "offset hours")*3600)
		at := time.Unix(rapid.Int64Range(1.7e9, 1.9e9).Draw(t, "at"), 0).UTC()
		date := at.In(loc).Add(time.Duration(rapid.IntRange(-72, 72).Draw(t, "hours")) * time.Hour)
		wall := func(x time.Time) int64 {
			y, m, d := x.Date()
			return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
		}
		accept := wall(date) >= wall(at.In(loc))
		_, _, err := deal.New(p, deal.NewDeal{
			Name: "x", Type: deal.NewBusiness, Amount: crmkit.MustMoney("1.00", "EUR"), CloseDate: date,
			AccountID: uuid.MustParse("0195f000-0000-7000-8000-0000000000aa"), Owner: "ana",
		}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at}})
		if accept != (err == nil) {
			t.Fatalf("close date %s at %s: accept %v, err %v", date, at, accept, err)
		}
	})
}
