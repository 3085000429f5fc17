package storagetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// event returns a valid event of aggregate id at time at and version v.
func event(id uuid.UUID, typ string, at time.Time, v int64) crmkit.Event {
	e, err := crmkit.NewEvent("lead", id, typ, actor, at, v, map[string]any{"n": v, "note": "x"})
	if err != nil {
		panic(err) // the suite's own events are valid
	}
	return e
}

func eventIDs(es []crmkit.Event) []uuid.UUID {
	out := make([]uuid.UUID, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func testEvents(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	a, b := crmkit.NewID(), crmkit.NewID()
	t0 := base
	// Appended out of order, on purpose.
	a2 := event(a, "LeadQualified", t0.Add(2*time.Hour), 2)
	a1 := event(a, "LeadCaptured", t0, 1)
	b1 := event(b, "LeadCaptured", t0.Add(time.Hour), 1)
	a3 := event(a, "LeadAccepted", t0.Add(3*time.Hour), 3)
	b2 := event(b, "LeadAssigned", t0.Add(3*time.Hour), 2) // same instant as a3
	b2.From, b2.To, b2.Reason = "ana", "bo", "territory change"
	b2.Payload = nil
	require.NoError(t, s.Events().Append(ctx, a2, a1))
	require.NoError(t, s.Events().Append(ctx, b1, a3, b2))

	gotA := collect(t, s.Events().ByAggregate(ctx, a))
	assert.Equal(t, eventIDs([]crmkit.Event{a1, a2, a3}), eventIDs(gotA), "by version")
	same(t, []crmkit.Event{a1, a2, a3}, gotA)
	gotB := collect(t, s.Events().ByAggregate(ctx, b))
	same(t, []crmkit.Event{b1, b2}, gotB)

	// a3 and b2 share an instant: the ID breaks the tie.
	last := []crmkit.Event{a3, b2}
	if compareID(a3.ID, b2.ID) > 0 {
		last = []crmkit.Event{b2, a3}
	}
	all := collect(t, s.Events().Between(ctx, everything))
	assert.Equal(t, eventIDs(append([]crmkit.Event{a1, b1, a2}, last...)), eventIDs(all), "by time, then ID")

	// Half-open: [t0+1h, t0+3h) holds b1 and a2, not a3 or b2.
	p := crmkit.Period{Start: t0.Add(time.Hour), End: t0.Add(3 * time.Hour)}
	assert.Equal(t, eventIDs([]crmkit.Event{b1, a2}), eventIDs(collect(t, s.Events().Between(ctx, p))))
	p = crmkit.Period{Start: t0.Add(3 * time.Hour), End: t0.Add(3*time.Hour + time.Microsecond)}
	assert.Len(t, collect(t, s.Events().Between(ctx, p)), 2, "a one-microsecond range at the shared instant")
	p = crmkit.Period{Start: t0, End: t0}
	assert.Empty(t, collect(t, s.Events().Between(ctx, p)), "an empty range")
	cet := time.FixedZone("CET", 3600)
	p = crmkit.Period{Start: t0.In(cet), End: t0.Add(time.Hour).In(cet)}
	assert.Equal(t, eventIDs([]crmkit.Event{a1}), eventIDs(collect(t, s.Events().Between(ctx, p))), "bounds in another zone")

	// Duplicates: an ID already in the log, or twice in one call, is a
	// conflict and nothing of the call is appended.
	c1 := event(crmkit.NewID(), "LeadCaptured", t0, 1)
	err := s.Events().Append(ctx, c1, a1)
	assert.ErrorIs(t, err, crmkit.ErrConflict)
	assert.ErrorIs(t, s.Events().Append(ctx, c1, c1), crmkit.ErrConflict)
	assert.Empty(t, collect(t, s.Events().ByAggregate(ctx, c1.AggregateID)))
	assert.Len(t, collect(t, s.Events().Between(ctx, everything)), 5)

	// A save whose event duplicates a logged one fails whole.
	l, ev := newLead("Ada", "ana", lead.StageSuspect, lead.ChannelEmail)
	_, err = s.Leads().Create(ctx, l, "", ev)
	require.NoError(t, err)
	next, _ := changed(l, "bo", lead.StageMQL)
	dup := a1
	dup.AggregateID, dup.Version = l.ID, 2
	assert.ErrorIs(t, s.Leads().Save(ctx, next, 1, dup), crmkit.ErrConflict)
	got, err := s.Leads().Get(ctx, l.ID)
	require.NoError(t, err)
	same(t, l, got)

	// Payloads come back as the same JSON.
	var payload map[string]any
	require.NoError(t, json.Unmarshal(gotA[1].Payload, &payload))
	assert.Equal(t, map[string]any{"n": 2.0, "note": "x"}, payload)
}

func testEventStreams(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	// 700 events: longer than a batch of any sensible backend.
	const n = 700
	id, other := crmkit.NewID(), crmkit.NewID()
	events := make([]crmkit.Event, 0, n)
	for i := range n {
		agg := id
		if i%7 == 6 {
			agg = other // 100 of them
		}
		events = append(events, event(agg, "TouchpointRecorded", base.Add(time.Duration(i)*time.Second), int64(i+1)))
	}
	require.NoError(t, s.Events().Append(ctx, events[:350]...))
	require.NoError(t, s.Events().Append(ctx, events[350:]...))

	got := collect(t, s.Events().ByAggregate(ctx, id))
	require.Len(t, got, 600)
	for i := 1; i < len(got); i++ {
		require.Less(t, got[i-1].Version, got[i].Version)
	}
	assert.Len(t, collect(t, s.Events().ByAggregate(ctx, other)), 100)
	all := collect(t, s.Events().Between(ctx, everything))
	assert.Equal(t, eventIDs(events), eventIDs(all))
	// [100 s, 600 s): events 100 to 599.
	part := collect(t, s.Events().Between(ctx, crmkit.Period{Start: base.Add(100 * time.Second), End: base.Add(600 * time.Second)}))
	assert.Equal(t, eventIDs(events[100:600]), eventIDs(part))

	// Stopping early is fine, and a stream can be ranged twice.
	seq := s.Events().Between(ctx, everything)
	k := 0
	for range seq {
		k++
		if k == 300 {
			break
		}
	}
	assert.Equal(t, 300, k)
	assert.Len(t, collect(t, seq), n)

	// A cancelled context ends a stream with its error.
	cctx, cancel := context.WithCancel(ctx)
	k = 0
	var last error
	for _, err := range s.Events().Between(cctx, everything) {
		if err != nil {
			last = err
			break
		}
		k++
		if k == 10 {
			cancel()
		}
	}
	cancel()
	assert.ErrorIs(t, last, context.Canceled)
	assert.Less(t, k, n, "the stream stopped")

	// Appending while streaming: everything there at the start is yielded
	// exactly once.
	seen := map[uuid.UUID]int{}
	extra := 0
	for e, err := range s.Events().Between(ctx, everything) {
		require.NoError(t, err)
		seen[e.ID]++
		if extra < 5 {
			extra++
			require.NoError(t, s.Events().Append(ctx, event(crmkit.NewID(), "LeadCaptured", base.Add(time.Duration(extra)*time.Millisecond), 1)))
		}
	}
	for _, e := range events {
		assert.Equal(t, 1, seen[e.ID])
	}
	for id, c := range seen {
		assert.Equal(t, 1, c, "event %s yielded more than once", id)
	}
}
