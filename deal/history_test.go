package deal_test

import (
	"slices"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// storyHistory runs one deal through every kind of command and returns it
// with its history.
func storyHistory(t *testing.T) (*deal.Pipeline, deal.Deal, []crmkit.Event) {
	t.Helper()
	p := deal.DefaultPipeline()
	d, e, err := deal.New(p, deal.NewDeal{
		ID:   uuid.MustParse("0195f000-0000-7000-8000-000000000009"),
		Name: "Story", Type: deal.CrossSell, Amount: crmkit.MustMoney("40000.00", "EUR"),
		AccountID: uuid.MustParse("0195f000-0000-7000-8000-0000000000aa"),
		ContactID: uuid.MustParse("0195f000-0000-7000-8000-0000000000cc"),
		Owner:     "ana", Probability: decimal.NewNullDecimal(decimal.RequireFromString("0.125")),
	}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: dealStart}})
	require.NoError(t, err)
	h := []crmkit.Event{e}
	step := func(next deal.Deal, e crmkit.Event, err error) {
		t.Helper()
		require.NoError(t, err)
		d = next
		h = append(h, e)
	}
	step(p.Move(d, "bidding", by("ana", 1)))
	step(d.SetTeam([]deal.Member{{Rep: "ana", Split: bp(8000)}, {Rep: "ben", Split: bp(2000), Overlay: bp(1500)}}, by("ana", 2)))
	step(d.SetCloseDate(dealStart.AddDate(0, 2, 0), by("ana", 2)))
	step(p.Move(d, "negotiation", by("ana", 3)))
	step(d.LogActivity(deal.Activity{Kind: deal.ActivityVisit, Result: "demo", Cost: crmkit.MustMoney("80.00", "EUR")}, by("ana", 4)))
	step(p.Suspend(d, dealStart.AddDate(0, 1, 0), by("ana", 5)))
	step(d.SetAmount(crmkit.MustMoney("42000.00", "EUR"), by("ana", 6)))
	step(p.Reactivate(d, by("ana", 7)))
	step(d.SetProbability(decimal.NullDecimal{}, by("ana", 8)))
	step(p.Move(d, "bidding", by("ana", 9)))
	step(p.Lose(d, deal.Outcome{Reason: deal.LossBadDemo, Summary: "the demo crashed"}, by("ana", 10)))
	step(p.Reopen(d, by("ana", 40)))
	step(d.Transfer("cai", by("lead", 41)))
	step(p.Win(d, deal.Outcome{Reason: "fixed demo", Summary: "won back"}, by("cai", 50)))
	return p, d, h
}

func TestReplayRebuildsTheDeal(t *testing.T) {
	p, d, h := storyHistory(t)
	got, err := p.Replay(h)
	require.NoError(t, err)
	assert.Equal(t, dealSnapshot(t, d), dealSnapshot(t, got))
	assert.Equal(t, int64(len(h)), got.Version)
	assert.Equal(t, "cai", got.Owner)
	assert.Equal(t, []deal.Member{{Rep: "cai", Split: dec("0.8")}, {Rep: "ben", Split: dec("0.2"), Overlay: dec("0.15")}}, got.Team, "as read back from the events' JSON")

	// The loss reopened away is still in the history.
	var lost deal.Outcome
	for _, e := range h {
		if e.Type == deal.EventDealLost {
			require.NoError(t, e.DecodePayload(&lost))
		}
	}
	assert.Equal(t, "the demo crashed", lost.Summary)
	assert.Equal(t, "won back", got.Outcome.Summary)

	// Apply, one event at a time, gives the same.
	cur, err := p.Replay(h[:1])
	require.NoError(t, err)
	for _, e := range h[1:] {
		cur, err = p.Apply(cur, e)
		require.NoError(t, err, e.Type)
	}
	assert.Equal(t, dealSnapshot(t, d), dealSnapshot(t, cur))
}

func TestReplayRejectsBadHistories(t *testing.T) {
	p, _, h := storyHistory(t)
	edit := func(f func([]crmkit.Event) []crmkit.Event) []crmkit.Event {
		c := slices.Clone(h)
		return f(c)
	}
	cases := []struct {
		name string
		h    []crmkit.Event
		want error
	}{
		{"empty", nil, crmkit.ErrInvalid},
		{"no creation", h[1:], crmkit.ErrInvalid},
		{"skipped version", edit(func(c []crmkit.Event) []crmkit.Event { return slices.Delete(c, 2, 3) }), crmkit.ErrInvalid},
		{"foreign event", edit(func(c []crmkit.Event) []crmkit.Event { c[3].AggregateID = uuid.New(); return c }), crmkit.ErrInvalid},
		{"time going back", edit(func(c []crmkit.Event) []crmkit.Event { c[4].At = dealStart.AddDate(0, 0, -1); return c }), crmkit.ErrInvalid},
		{"unknown type", edit(func(c []crmkit.Event) []crmkit.Event { c[4].Type = "DealPainted"; return c }), crmkit.ErrInvalid},
		{"wrong from stage", edit(func(c []crmkit.Event) []crmkit.Event { c[1].From = "negotiation"; return c }), crmkit.ErrInvalid},
		{"unknown stage", edit(func(c []crmkit.Event) []crmkit.Event { c[1].To = "heaven"; return c }), crmkit.ErrInvalid},
		{"illegal move", edit(func(c []crmkit.Event) []crmkit.Event {
			// Reactivated while open: the table has no such transition.
			c[9].Type, c[9].From, c[9].To = deal.EventDealReactivated, "suspended", "open"
			c[9].Payload = nil
			return c
		}), crmkit.ErrIllegalTransition},
		{"event after termination", edit(func(c []crmkit.Event) []crmkit.Event {
			term := c[len(c)-1]
			term.Type, term.From, term.To, term.Payload, term.Reason = deal.EventDealTerminated, "open", "terminated", nil, "x"
			c[len(c)-1] = term
			next := term
			next.Version++
			next.Type, next.From, next.To = deal.EventStageChanged, "bidding", "negotiation"
			return append(c, next)
		}), crmkit.ErrIllegalTransition},
		{"splits not summing to 100%", edit(func(c []crmkit.Event) []crmkit.Event {
			c[2].Payload = []byte(`{"team":[{"rep":"ana","split":8000},{"rep":"ben","split":1999}]}`)
			return c
		}), crmkit.ErrInvalid},
	}
	for _, tc := range cases {
		_, err := p.Replay(tc.h)
		assert.ErrorIs(t, err, tc.want, tc.name)
	}
	other := deal.MustPipeline(deal.PipelineSpec{ID: "other", Stages: []deal.Stage{{Name: "tracking", Forecast: deal.ForecastPipeline}}})
	_, err := other.Replay(h)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "a deal of another pipeline")
}

func TestReplayAllInterleaved(t *testing.T) {
	p, d, h := storyHistory(t)
	_, d2 := fixture(t)
	_, created2, err := deal.New(p, creationInput(d2), deal.Cmd{Cmd: crmkit.Cmd{By: d2.CreatedBy, At: d2.CreatedAt}})
	require.NoError(t, err)
	moved, e2, err := p.Move(d2, "bidding", by("ana", 5))
	require.NoError(t, err)

	stream := []crmkit.Event{h[0], created2}
	stream = append(stream, h[1:5]...)
	stream = append(stream, e2)
	stream = append(stream, h[5:]...)
	deals, err := p.ReplayAll(slices.Values(stream))
	require.NoError(t, err)
	require.Len(t, deals, 2)
	assert.Equal(t, dealSnapshot(t, d), dealSnapshot(t, deals[0]))
	assert.Equal(t, dealSnapshot(t, moved), dealSnapshot(t, deals[1]))

	ps, err := deal.NewPipelines(p)
	require.NoError(t, err)
	deals, err = ps.ReplayAll(slices.Values(stream))
	require.NoError(t, err)
	require.Len(t, deals, 2)

	_, err = p.ReplayAll(slices.Values([]crmkit.Event{h[1]}))
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "an event before its deal's creation")
	_, err = p.ReplayAll(slices.Values([]crmkit.Event{h[0], h[0]}))
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "created twice")
	empty, err := deal.NewPipelines()
	require.NoError(t, err)
	_, err = empty.ReplayAll(slices.Values(h))
	assert.ErrorIs(t, err, crmkit.ErrNotFound, "an unknown pipeline")
}
