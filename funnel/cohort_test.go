package funnel_test

import (
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCohortsHandComputed(t *testing.T) {
	weeks := func(tt time.Time) time.Time { return t0.Add(tt.Sub(t0) / (7 * day) * 7 * day) }
	cs, err := funnel.CohortsOfRecords(testStages(), slices.Values(history(t)),
		funnel.Query{AsOf: at(20), Bucket: weeks, Quantiles: crmkit.QuantilesExact, By: []funnel.Dimension{funnel.ByOwner}})
	require.NoError(t, err)
	require.Len(t, cs, 2)
	// Week of day 0: A, B, C, E (origins 0, 1, 2, 4); A won after 15 days.
	assert.Equal(t, at(0), cs[0].Period)
	assert.Equal(t, int64(4), cs[0].Summary.Entities)
	conv, err := cs[0].Conversion()
	require.NoError(t, err)
	assert.True(t, conv.Equal(dec("0.25")))
	assertDurations(t, cs[0].Summary.Cycle, 1, 0, 15*day, 15*day, 15*day)
	// Week of day 7: D, whose origin (first touch) is day 12, won on day
	// 6: converted, with a negative time to win.
	assert.Equal(t, at(7), cs[1].Period)
	conv, err = cs[1].Conversion()
	require.NoError(t, err)
	assert.True(t, conv.Equal(dec("1")))
	assertDurations(t, cs[1].Summary.Cycle, 1, 1, -6*day, -6*day, -6*day)

	states, err := replayAll(testStages(), slices.Values(history(t)), at(20))
	require.NoError(t, err)
	fromValues, err := funnel.Cohorts(testStages(), slices.Values(states), funnel.Query{AsOf: at(20), Bucket: weeks})
	require.NoError(t, err)
	require.Len(t, fromValues, 2)
	assert.Equal(t, int64(4), fromValues[0].Summary.Entities)
}

func TestBuckets(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip("no time zone database")
	}
	// 2025-01-31 20:00 UTC is already February 1 in Tokyo.
	greg, err := crmkit.Gregorian(tokyo)
	require.NoError(t, err)
	m := funnel.Months(greg)(time.Date(2025, 1, 31, 20, 0, 0, 0, time.UTC))
	assert.True(t, m.Equal(time.Date(2025, 2, 1, 0, 0, 0, 0, tokyo)), "%s", m)
	// A fiscal year starting in April: Feb 10 is in the quarter starting
	// January 1, May 5 in the one starting April 1.
	cal, err := crmkit.NewFiscalCalendar(time.April, time.UTC)
	require.NoError(t, err)
	q := funnel.Quarters(cal)
	assert.Equal(t, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), q(time.Date(2025, 2, 10, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), q(time.Date(2025, 5, 5, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC), q(time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), funnel.Months(cal)(time.Date(2025, 2, 10, 0, 0, 0, 0, time.UTC)))
}
