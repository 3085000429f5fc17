package funnel_test

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/lead"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLeadPipeline(t *testing.T) {
	p := funnel.LeadPipeline()
	require.Equal(t, 3, p.Len())
	assert.Same(t, p, funnel.LeadPipeline(), "one immutable pipeline")
	for i, name := range []string{"suspect", "mql", "sql"} {
		s, ok := p.Stage(i)
		require.True(t, ok)
		assert.Equal(t, name, s.Name)
		assert.Equal(t, deal.ForecastOmitted, s.Forecast)
		assert.True(t, s.Probability.IsZero())
	}
}

// leadHistories builds four leads with package lead and returns their
// events in report order and the leads' IDs:
//
//	L1: captured day 0, mql day 1, sql day 2, converted day 3.
//	L2: captured day 0, mql day 1, sql day 2, nurtured day 4, recycled to
//	    mql day 10; open in mql.
//	L3: captured day 0, mql day 1, nurtured day 2, recycled day 5 (still
//	    mql), disqualified day 6 ("no budget").
//	L4: captured day 0, assigned to ben day 1; open in suspect.
func leadHistories(t *testing.T) ([]crmkit.Event, [4]uuid.UUID) {
	t.Helper()
	ctx := context.Background()
	clock := crmkit.NewFakeClock(dday(0))
	ladder, err := lead.NewLadder()
	require.NoError(t, err)
	var events []crmkit.Event
	var ids [4]uuid.UUID
	leads := make([]lead.Lead, 4)
	for i := range leads {
		l, e, err := lead.New(lead.Capture{
			Who:    lead.Person{Name: "Ada", Email: "ada" + string(rune('a'+i)) + "@acme.example", Company: "Acme"},
			Source: lead.ChannelInboundContent,
			Owner:  "ana",
		}, crmkit.Cmd{By: "marketing", At: clock.Now()})
		require.NoError(t, err)
		leads[i], ids[i] = l, l.ID
		events = append(events, e)
	}
	clock.Set(dday(1))
	_, e, err := leads[3].Assign("ben", crmkit.Cmd{By: "router", At: clock.Now()})
	require.NoError(t, err)
	events = append(events, e)

	clock.Set(dday(200))
	fire := func(i int, a lead.Action, day int, reason string) {
		t.Helper()
		cmd := lead.Command{Cmd: crmkit.Cmd{By: "ana", At: dday(day), Reason: reason}, Action: a}
		if a == lead.ActionNurture {
			cmd.RevisitAt = dday(day + 60)
		}
		l, e, err := ladder.Fire(ctx, leads[i], cmd)
		require.NoError(t, err)
		leads[i] = l
		events = append(events, e)
	}
	fire(0, lead.ActionQualify, 1, "")
	fire(0, lead.ActionAccept, 2, "")
	conv, err := ladder.Convert(ctx, leads[0], lead.ConvertInput{Cmd: crmkit.Cmd{By: "ana", At: dday(3)}, Amount: euros("10000.00")})
	require.NoError(t, err)
	events = append(events, conv.Event)

	fire(1, lead.ActionQualify, 1, "")
	fire(1, lead.ActionAccept, 2, "")
	fire(1, lead.ActionNurture, 4, "not this quarter")
	fire(1, lead.ActionRecycle, 10, "")

	fire(2, lead.ActionQualify, 1, "")
	fire(2, lead.ActionNurture, 2, "not now")
	fire(2, lead.ActionRecycle, 5, "")
	fire(2, lead.ActionDisqualify, 6, "no budget")

	slices.SortStableFunc(events, func(a, b crmkit.Event) int {
		return bytes.Compare(a.AggregateID[:], b.AggregateID[:])
	})
	return events, ids
}

func TestLeadEvents(t *testing.T) {
	events, ids := leadHistories(t)
	stages := funnel.LeadPipeline()
	r := funnel.LeadEvents().Reader(slices.Values(events))
	states, err := replayAll(stages, r.Records(), dday(20))
	require.NoError(t, err)
	require.NoError(t, r.Err())
	require.Len(t, states, 4)
	byID := map[uuid.UUID]funnel.Opportunity{}
	for _, o := range states {
		byID[o.Entity] = o
	}
	l1, l2, l3, l4 := byID[ids[0]], byID[ids[1]], byID[ids[2]], byID[ids[3]]
	assert.Equal(t, funnel.ClosedWon, l1.Status)
	assert.Equal(t, 2, l1.Stage)
	assert.Equal(t, dday(3), l1.Closed)
	assert.Equal(t, funnel.Open, l2.Status)
	assert.Equal(t, 1, l2.Stage, "recycled to mql")
	assert.Equal(t, dday(10), l2.Entered)
	assert.Equal(t, uint64(0b111), l2.Reached)
	assert.Equal(t, funnel.ClosedLost, l3.Status)
	assert.Equal(t, 1, l3.Stage)
	assert.Equal(t, "no budget", l3.Dims.Reason)
	assert.Equal(t, funnel.Open, l4.Status)
	assert.Equal(t, 0, l4.Stage)
	assert.Equal(t, "ben", l4.Dims.Owner)
	assert.Equal(t, "ana", l1.Dims.Owner)

	// As of day 7, L2 is nurtured, still in sql.
	r = funnel.LeadEvents().Reader(slices.Values(events))
	states, err = replayAll(stages, r.Records(), dday(7))
	require.NoError(t, err)
	for _, o := range states {
		if o.Entity == ids[1] {
			assert.Equal(t, funnel.Paused, o.Status)
			assert.Equal(t, 2, o.Stage)
		}
	}

	r = funnel.LeadEvents().Reader(slices.Values(events))
	rep, err := funnel.SummarizeRecords(stages, r.Records(), funnel.Query{AsOf: dday(20)})
	require.NoError(t, err)
	require.NoError(t, r.Err())
	sum := rep.Total
	assert.Equal(t, int64(4), sum.Entities)
	assert.Equal(t, int64(1), sum.Won)
	assert.Equal(t, int64(1), sum.Lost)
	assert.Equal(t, int64(2), sum.Open)
	want := []struct{ reached, advanced, won, open, dropped int64 }{
		{4, 3, 1, 1, 0}, // suspect: all; L1-L3 went on; L4 open
		{3, 2, 1, 1, 1}, // mql: L1-L3; L1, L2 reached sql; L2 open; L3 disqualified
		{2, 1, 1, 0, 0}, // sql: L1, L2; L1 converted
	}
	for i, w := range want {
		st := sum.Stages[i]
		assert.Equal(t, w.reached, st.Reached, st.Name)
		assert.Equal(t, w.advanced, st.Advanced, st.Name)
		assert.Equal(t, w.won, st.Won, st.Name)
		assert.Equal(t, w.open, st.Open, st.Name)
		assert.Equal(t, w.dropped, st.DroppedOff, st.Name)
	}
	rate, err := sum.WinRate()
	require.NoError(t, err)
	assert.True(t, rate.Equal(dec("0.5")), "1 converted of 2 closed: %s", rate)
}

// A lead recycled from the stage it was nurtured in gets no second entry
// into it; one nurtured from sql comes back into mql.
func TestLeadRecycleStage(t *testing.T) {
	a := id(1)
	ev := func(typ string, day int, v int64, from, to string) crmkit.Event {
		return event(t, a, typ, day, v, from, to, "", nil)
	}
	events := []crmkit.Event{
		ev(lead.EventLeadCaptured, 0, 1, "", "suspect"),
		ev(lead.EventLeadQualified, 1, 2, "suspect", "mql"),
		ev(lead.EventLeadNurtured, 2, 3, "mql", "nurture"),
		ev(lead.EventLeadRecycled, 3, 4, "nurture", "mql"),
	}
	recs := slices.Collect(funnel.LeadEvents().Reader(slices.Values(events)).Records())
	kinds := make([]funnel.Kind, len(recs))
	for i, r := range recs {
		kinds[i] = r.Kind
	}
	assert.Equal(t, []funnel.Kind{funnel.Created, funnel.StageEntered, funnel.StageEntered, funnel.Suspended, funnel.Reactivated}, kinds)

	events[2].From = "sql"
	events = slices.Insert(events, 2, ev(lead.EventLeadAccepted, 1, 3, "mql", "sql"))
	events[3].Version, events[4].Version = 4, 5
	recs = slices.Collect(funnel.LeadEvents().Reader(slices.Values(events)).Records())
	require.Len(t, recs, 7)
	assert.Equal(t, funnel.Reactivated, recs[5].Kind)
	assert.Equal(t, funnel.StageEntered, recs[6].Kind)
	assert.Equal(t, 1, recs[6].Stage)
	assert.Equal(t, at(3), recs[6].At)
}
