package funnel_test

import (
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/funneltest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestCheckCadenceHandComputed(t *testing.T) {
	x, y := id(1), id(2)
	act := func(e [16]byte, d int) funnel.Record {
		return funnel.Record{Entity: e, Kind: funnel.Activity, At: at(d)}
	}
	recs := []funnel.Record{
		// X in negotiation (3 visits a week) from day 0: days 1, 2, 3 in
		// week one (met), days 8, 9 in week two (two visits: a breach);
		// won on day 14, so week three is not judged.
		{Entity: x, Kind: funnel.Created, At: at(0), Dims: funnel.Dims{Owner: "ann"}},
		{Entity: x, Kind: funnel.StageEntered, At: at(0), Stage: 3},
		act(x, 1), act(x, 2), act(x, 3), act(x, 8), act(x, 9),
		{Entity: x, Kind: funnel.Won, At: at(14)},
		// Y in proposal (2 a week) from day 0, suspended days 3 to 10:
		// weeks one and two overlap the suspension and are not judged;
		// week three (days 14 to 21) has one visit: a breach. As of day
		// 22 the fourth week is still going on.
		{Entity: y, Kind: funnel.Created, At: at(0), Dims: funnel.Dims{Owner: "bob"}},
		{Entity: y, Kind: funnel.StageEntered, At: at(0), Stage: 2},
		act(y, 1),
		{Entity: y, Kind: funnel.Suspended, At: at(3)},
		{Entity: y, Kind: funnel.Reactivated, At: at(10)},
		act(y, 15), act(y, 21),
	}
	c, err := funnel.CheckCadence(testStages(), slices.Values(recs), at(22))
	require.NoError(t, err)
	assert.Equal(t, funnel.CadenceStage{Name: "negotiation", Cadence: weekly(3), Windows: 2, Activities: 5, Breaches: 1}, c.Stages[3])
	assert.Equal(t, funnel.CadenceStage{Name: "proposal", Cadence: weekly(2), Windows: 1, Activities: 1, Breaches: 1}, c.Stages[2])
	assert.Equal(t, []funnel.Breach{
		{Entity: x, Stage: 3, Window: at(7), Visits: 2, Required: 3, Owner: "ann"},
		{Entity: y, Stage: 2, Window: at(14), Visits: 1, Required: 2, Owner: "bob"},
	}, c.Breaches)

	// As of day 13 X's second week is not over: nothing breached yet.
	c, err = funnel.CheckCadence(testStages(), slices.Values(recs), at(13))
	require.NoError(t, err)
	assert.Equal(t, int64(1), c.Stages[3].Windows)
	assert.Empty(t, c.Breaches)

	_, err = funnel.CheckCadence(testStages(), slices.Values(slices.Concat(recs[8:], recs[:8])), at(22))
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "records out of order")
}

func TestStuckDeals(t *testing.T) {
	// ExpectedDuration: lead 3 days, qualified 3, proposal 30, negotiation 7
	// ("bidding -> negotiation averages one month: longer is stuck").
	o := func(n byte, stage int, entered int, st funnel.Status) funnel.Opportunity {
		return funnel.Opportunity{Entity: id(n), Stage: stage, Reached: 1<<uint(stage+1) - 1, Status: st, Amount: money(t, 100),
			Origin: at(0), Entered: at(entered), Dims: funnel.Dims{Owner: "ann"}}
	}
	opps := []funnel.Opportunity{
		o(1, 2, 0, funnel.Open),   // proposal 40 days: 10 over
		o(2, 2, 15, funnel.Open),  // proposal 25 days: fine
		o(3, 3, 20, funnel.Open),  // negotiation 20 days: 13 over
		o(4, 0, 30, funnel.Open),  // lead 10 days: 7 over
		o(5, 0, 0, funnel.Paused), // suspended: not stuck
		o(6, 1, 39, funnel.Open),  // qualified 1 day
	}
	got, err := funnel.StuckDeals(testStages(), slices.Values(opps), at(40))
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, []byte{3, 1, 4}, []byte{got[0].Entity[15], got[1].Entity[15], got[2].Entity[15]})
	assert.Equal(t, 20*day, got[0].InStage)
	assert.Equal(t, 7*day, got[0].Expected)
	_, err = funnel.StuckDeals(testStages(), slices.Values(opps), time.Time{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestStageShortfalls(t *testing.T) {
	stages := pipelineOf(
		deal.Stage{Name: "lead", MinOpen: 2},
		deal.Stage{Name: "proposal", MinOpen: 1, MinOpenAmount: money(t, 1000)},
		deal.Stage{Name: "negotiation"},
	)
	opps := []funnel.Opportunity{
		{Entity: id(1), Stage: 0, Reached: 1, Amount: money(t, 100), Origin: at(0), Entered: at(0)},
		{Entity: id(2), Stage: 1, Reached: 3, Amount: money(t, 600), Origin: at(0), Entered: at(0)},
		{Entity: id(3), Stage: 1, Reached: 3, Amount: money(t, 300), Origin: at(0), Entered: at(0)},
	}
	rep, err := funnel.Summarize(stages, slices.Values(opps), funnel.Query{AsOf: at(1)})
	require.NoError(t, err)
	got, err := funnel.StageShortfalls(stages, rep.Total)
	require.NoError(t, err)
	assert.Equal(t, []funnel.Shortfall{
		{Stage: 0, Name: "lead", Open: 1, OpenAmount: money(t, 100), MinOpen: 2, CountShort: true},
		{Stage: 1, Name: "proposal", Open: 2, OpenAmount: money(t, 900), MinOpen: 1, MinOpenAmount: money(t, 1000), AmountShort: true},
	}, got)
	_, err = funnel.StageShortfalls(testStages(), rep.Total)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestPropertyCadenceBookkeeping(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := funneltest.Histories(funneltest.Config{MaxSteps: 30}).Draw(t, "history")
		asOf := asOfIn(t, h)
		c, err := funnel.CheckCadence(h.Pipeline, h.Seq(), asOf)
		if err != nil {
			t.Fatal(err)
		}
		var breaches, activities int64
		for i, s := range c.Stages {
			if s.Breaches > s.Windows || (s.Cadence.Visits == 0 && s.Windows != 0) {
				t.Fatalf("stage %d: %+v", i, s)
			}
			breaches += s.Breaches
			activities += s.Activities
		}
		if breaches != int64(len(c.Breaches)) {
			t.Fatalf("%d breaches counted, %d listed", breaches, len(c.Breaches))
		}
		for _, b := range c.Breaches {
			if b.Visits >= b.Required || b.Window.Add(7*24*time.Hour).After(asOf) {
				t.Fatalf("not a breach: %+v (as of %s)", b, asOf)
			}
		}
		var recorded int64
		for _, r := range h.Records {
			if r.Kind == funnel.Activity && !r.At.After(asOf) {
				recorded++
			}
		}
		if activities > recorded {
			t.Fatalf("%d activities counted, %d recorded", activities, recorded)
		}
	})
}
