package lead_test

import (
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

const day = 24 * time.Hour

func TestTemperatureDefaults(t *testing.T) {
	r := lead.TemperatureRules{}
	cases := []struct {
		name  string
		buyBy time.Time
		want  lead.Temperature
	}{
		{"no time frame", time.Time{}, lead.TemperatureCold},
		{"buy now", t0, lead.TemperatureHot},
		{"lapsed time frame is due now", t0.Add(-3 * day), lead.TemperatureHot},
		{"within a week", t0.Add(7 * day), lead.TemperatureHot},
		{"a week and a second", t0.Add(7*day + time.Second), lead.TemperatureWarm},
		{"about two months", t0.Add(60 * day), lead.TemperatureWarm},
		{"past 60 days", t0.Add(60*day + time.Second), lead.TemperatureCold},
		{"next year", t0.AddDate(1, 0, 0), lead.TemperatureCold},
	}
	for _, c := range cases {
		got, err := r.Temperature(c.buyBy, t0)
		require.NoError(t, err)
		assert.Equal(t, c.want, got, c.name)
	}
}

func TestTemperatureConfigurable(t *testing.T) {
	r := lead.TemperatureRules{HotWithin: 14 * day, WarmWithin: 90 * day}
	got, err := r.Temperature(t0.Add(10*day), t0)
	require.NoError(t, err)
	assert.Equal(t, lead.TemperatureHot, got)
	got, err = r.Temperature(t0.Add(80*day), t0)
	require.NoError(t, err)
	assert.Equal(t, lead.TemperatureWarm, got)

	for _, bad := range []lead.TemperatureRules{
		{HotWithin: -time.Second},
		{WarmWithin: -time.Second},
		{HotWithin: 30 * day, WarmWithin: 10 * day},
		{HotWithin: 90 * day}, // above the default warm threshold
	} {
		_, err := bad.Temperature(t0, t0)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "%+v", bad)
	}
	assert.Equal(t, lead.TemperatureRules{HotWithin: 7 * day, WarmWithin: 60 * day}, lead.DefaultTemperatureRules())
}

// A lead cools as its time frame gets later, and warms as the clock
// approaches a stated date (until the date passes).
func TestTemperatureMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := lead.TemperatureRules{
			HotWithin:  time.Duration(rapid.Int64Range(0, 30).Draw(t, "hot days")) * day,
			WarmWithin: time.Duration(rapid.Int64Range(30, 120).Draw(t, "warm days")) * day,
		}
		now := t0
		a := now.Add(time.Duration(rapid.Int64Range(-1000, 200*24).Draw(t, "a hours")) * time.Hour)
		b := a.Add(time.Duration(rapid.Int64Range(0, 200*24).Draw(t, "later hours")) * time.Hour)
		ta, err := r.Temperature(a, now)
		require.NoError(t, err)
		tb, err := r.Temperature(b, now)
		require.NoError(t, err)
		if tb > ta {
			t.Fatalf("buying later (%s) is hotter (%s) than sooner (%s, %s)", b, tb, a, ta)
		}
		later := now.Add(time.Duration(rapid.Int64Range(0, 200*24).Draw(t, "clock hours")) * time.Hour)
		tl, err := r.Temperature(a, later)
		require.NoError(t, err)
		if tl < ta {
			t.Fatalf("the same date got colder as time passed: %s then %s", ta, tl)
		}
	})
}

func TestTemperatureNames(t *testing.T) {
	for _, tc := range []lead.Temperature{lead.TemperatureCold, lead.TemperatureWarm, lead.TemperatureHot} {
		b, err := tc.MarshalText()
		require.NoError(t, err)
		var back lead.Temperature
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, tc, back)
	}
	got, err := lead.ParseTemperature(" HOT ")
	require.NoError(t, err)
	assert.Equal(t, lead.TemperatureHot, got)
	_, err = lead.ParseTemperature("lukewarm")
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	b, err := lead.Temperature(0).MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "unset", string(b), "the zero Temperature is the explicit unset")
	_, err = lead.Temperature(4).MarshalText()
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Equal(t, "Temperature(9)", lead.Temperature(9).String())
}

func TestStateTimeframeAndRefresh(t *testing.T) {
	clock := crmkit.NewFakeClock(t0)
	l := captured(t, clock)
	require.Equal(t, lead.TemperatureCold, l.Temperature)

	// "We will buy in about 45 days": warm.
	clock.Advance(time.Hour)
	w, ev, err := l.StateTimeframe(lead.TemperatureRules{}, clock.Now().Add(45*day), crmkit.Cmd{By: "rep", At: clock.Now()})
	require.NoError(t, err)
	assert.Equal(t, lead.TemperatureWarm, w.Temperature)
	assert.Equal(t, lead.EventTimeframeStated, ev.Type)
	assert.Equal(t, "cold", ev.From)
	assert.Equal(t, "warm", ev.To)
	assert.Equal(t, l.Version+1, w.Version)
	var p lead.TimeframePayload
	require.NoError(t, ev.DecodePayload(&p))
	assert.Equal(t, lead.TemperatureWarm, p.Temperature)

	// Nothing changes a day later.
	clock.Advance(day)
	same, ev, err := w.RefreshTemperature(lead.TemperatureRules{}, crmkit.Cmd{By: "job", At: clock.Now()})
	require.NoError(t, err)
	assert.Equal(t, crmkit.Event{}, ev)
	assert.Equal(t, w, same)

	// 40 days on, the date is within a week: hot.
	clock.Advance(40 * day)
	h, ev, err := w.RefreshTemperature(lead.TemperatureRules{}, crmkit.Cmd{By: "job", At: clock.Now()})
	require.NoError(t, err)
	assert.Equal(t, lead.TemperatureHot, h.Temperature)
	assert.Equal(t, lead.EventTemperatureChanged, ev.Type)
	assert.Equal(t, "warm", ev.From)
	assert.Equal(t, "hot", ev.To)
	tt, err := h.TemperatureAt(lead.TemperatureRules{}, clock.Now())
	require.NoError(t, err)
	assert.Equal(t, lead.TemperatureHot, tt)

	// Withdrawing the time frame makes it cold again.
	c, _, err := h.StateTimeframe(lead.TemperatureRules{}, time.Time{}, crmkit.Cmd{By: "rep", At: clock.Now()})
	require.NoError(t, err)
	assert.Equal(t, lead.TemperatureCold, c.Temperature)

	_, _, err = h.StateTimeframe(lead.TemperatureRules{HotWithin: -1}, time.Time{}, crmkit.Cmd{By: "rep", At: clock.Now()})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = h.StateTimeframe(lead.TemperatureRules{}, time.Time{}, crmkit.Cmd{By: "rep", At: time.Time{}})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	lad := newLadder(t, clock)
	d, _, err := lad.Fire(t.Context(), h, lead.Command{Cmd: crmkit.Cmd{By: "rep", Reason: "no intent", At: clock.Now()}, Action: lead.ActionDisqualify})
	require.NoError(t, err)
	_, _, err = d.StateTimeframe(lead.TemperatureRules{}, clock.Now(), crmkit.Cmd{By: "rep", At: clock.Now()})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
}
