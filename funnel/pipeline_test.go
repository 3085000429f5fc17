package funnel_test

import (
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/funneltest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestReplayHandComputed(t *testing.T) {
	got, err := replayAll(testStages(), slices.Values(history(t)), at(5))
	require.NoError(t, err)
	require.Len(t, got, 5)
	// Day 5: A in proposal since day 5, B and C in qualified, D and E in
	// lead, all open.
	for i, want := range []struct {
		stage   int
		entered time.Time
		amount  int64
	}{{2, at(5), 1000}, {1, at(4), 500}, {1, at(3), 800}, {0, at(3), 300}, {0, at(4), 400}} {
		assert.Equal(t, funnel.Open, got[i].Status, "entity %d", i)
		assert.Equal(t, want.stage, got[i].Stage, "entity %d", i)
		assert.Equal(t, want.entered, got[i].Entered, "entity %d", i)
		assert.Equal(t, money(t, want.amount), got[i].Amount, "entity %d", i)
	}
	assert.Equal(t, at(12), got[3].Origin, "D's origin is its late first touch")

	// Replay stops when asked.
	n := 0
	for range funnel.Replay(testStages(), slices.Values(history(t)), at(20)) {
		n++
		break
	}
	assert.Equal(t, 1, n)
	for _, err := range funnel.Replay(testStages(), slices.Values(history(t)), time.Time{}) {
		assert.ErrorIs(t, err, crmkit.ErrInvalid)
	}
}

func TestWaterfallHandComputed(t *testing.T) {
	// Day 5 -> day 20: five open worth 30.00 at the start (A 10, B 5, C 8,
	// D 3, E 4); A won at 12.00 (+2.00 amount change), D won, B lost, E
	// suspended, C moved from qualified to proposal.
	w, err := funnel.Movement(testStages(), slices.Values(history(t)), at(5), at(20))
	require.NoError(t, err)
	flow := func(n, amount int64) funnel.Flow { return funnel.Flow{Count: n, Amount: money(t, amount)} }
	assert.Equal(t, flow(5, 3000), w.Start)
	assert.Equal(t, flow(1, 800), w.End)
	assert.Equal(t, flow(2, 1500), w.Won)
	assert.Equal(t, flow(1, 500), w.Lost)
	assert.Equal(t, flow(1, 400), w.Suspended)
	assert.Equal(t, flow(1, 800), w.Advanced)
	assert.Equal(t, money(t, 200), w.AmountChange)
	assert.Zero(t, w.New.Count)

	// Day 0 -> day 20: only A exists at day 0; B, C, D, E are new (B
	// then lost, D won, E suspended: each in its entry and exit bucket).
	w, err = funnel.Movement(testStages(), slices.Values(history(t)), at(0), at(20))
	require.NoError(t, err)
	assert.Equal(t, flow(1, 1000), w.Start)
	assert.Equal(t, flow(4, 2000), w.New)
	assert.Equal(t, flow(2, 1500), w.Won)
	assert.Equal(t, flow(1, 800), w.End)

	// Moved back with a slipped close date, and a reactivation.
	f, g := id(6), id(7)
	recs := []funnel.Record{
		{Entity: f, Kind: funnel.Created, At: at(0), Amount: money(t, 100)},
		{Entity: f, Kind: funnel.StageEntered, At: at(0), Stage: 2},
		{Entity: f, Kind: funnel.CloseDateChanged, At: at(1), Date: at(30)},
		{Entity: f, Kind: funnel.StageEntered, At: at(10), Stage: 1},
		{Entity: f, Kind: funnel.CloseDateChanged, At: at(11), Date: at(40)},
		{Entity: g, Kind: funnel.Created, At: at(0), Amount: money(t, 50)},
		{Entity: g, Kind: funnel.StageEntered, At: at(0), Stage: 0},
		{Entity: g, Kind: funnel.Suspended, At: at(2)},
		{Entity: g, Kind: funnel.Reactivated, At: at(12)},
	}
	w, err = funnel.Movement(testStages(), slices.Values(recs), at(5), at(20))
	require.NoError(t, err)
	assert.Equal(t, flow(1, 100), w.Start)
	assert.Equal(t, flow(1, 100), w.MovedBack)
	assert.Equal(t, flow(1, 100), w.Slipped)
	assert.Equal(t, flow(1, 50), w.Reactivated)
	assert.Equal(t, flow(2, 150), w.End)

	_, err = funnel.Movement(testStages(), slices.Values(recs), at(5), at(5))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

// The waterfall reconciles, and its start and end are the open pipeline
// rebuilt as of each date.
func TestPropertyWaterfallReconciles(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := funneltest.Histories(funneltest.Config{}).Draw(t, "history")
		from := asOfIn(t, h)
		to := from.Add(time.Duration(rapid.IntRange(1, 60*24*60).Draw(t, "span minutes")) * time.Minute)
		w, err := funnel.Movement(h.Pipeline, h.Seq(), from, to)
		if err != nil {
			t.Fatal(err)
		}
		if err := funneltest.CheckWaterfall(w); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			when time.Time
			flow funnel.Flow
		}{{from, w.Start}, {to, w.End}} {
			states, err := replayAll(h.Pipeline, h.Seq(), c.when)
			if err != nil {
				t.Fatal(err)
			}
			var open funnel.Flow
			for _, o := range states {
				if o.Status == funnel.Open {
					open.Count++
					if open.Amount, err = open.Amount.Add(o.Amount); err != nil {
						t.Fatal(err)
					}
				}
			}
			if open.Count != c.flow.Count || open.Amount.Minor() != c.flow.Amount.Minor() {
				t.Fatalf("open as of %s: %+v, waterfall says %+v", c.when, open, c.flow)
			}
		}
	})
}
