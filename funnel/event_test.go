package funnel_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func dealEventMap() funnel.EventMap {
	return funnel.EventMap{
		Pipeline: testStages(),
		Kinds: map[string]funnel.Kind{
			"DealCreated": funnel.Created, "StageChanged": funnel.StageEntered,
			"DealWon": funnel.Won, "DealLost": funnel.Lost, "DealSuspended": funnel.Suspended,
			"AmountChanged": funnel.AmountChanged, "CloseDateChanged": funnel.CloseDateChanged,
			"ActivityLogged": funnel.Activity, "DealTransferred": funnel.DimsChanged,
			"StatusChanged:terminated": funnel.Terminated,
		},
		AmountField: "amount", DateField: "close_date", StageField: "stage", OwnerField: "owner",
		OwnerFromTo: map[string]bool{"DealTransferred": true},
	}
}

func event(t *testing.T, agg uuid.UUID, typ string, days int, version int64, from, to, reason string, payload any) crmkit.Event {
	e, err := crmkit.NewEvent("deal", agg, typ, "ann", at(days), version, payload)
	require.NoError(t, err)
	e.From, e.To, e.Reason = from, to, reason
	return e
}

func TestEventReader(t *testing.T) {
	a, b := id(1), id(2)
	events := []crmkit.Event{
		event(t, a, "DealCreated", 0, 1, "", "", "", map[string]any{"stage": "lead", "owner": "ann", "amount": money(t, 1000)}),
		event(t, a, "StageChanged", 2, 2, "lead", "qualified", "", nil),
		event(t, a, "NoteAdded", 3, 3, "", "", "", nil), // skipped
		event(t, a, "CloseDateChanged", 3, 4, "", "", "", map[string]any{"close_date": at(30)}),
		event(t, a, "DealTransferred", 4, 5, "ann", "bob", "", nil),
		event(t, a, "AmountChanged", 5, 6, "", "", "", map[string]any{"amount": money(t, 1500)}),
		event(t, a, "DealWon", 9, 7, "", "", "", nil),
		event(t, b, "DealCreated", 1, 1, "", "", "", map[string]any{"stage": "lead", "amount": money(t, 500)}),
		event(t, b, "DealLost", 4, 2, "", "", "price", nil),
	}
	r := dealEventMap().Reader(slices.Values(events))
	states, err := replayAll(testStages(), r.Records(), at(20))
	require.NoError(t, err)
	require.NoError(t, r.Err())
	require.Len(t, states, 2)
	assert.Equal(t, funnel.ClosedWon, states[0].Status)
	assert.Equal(t, 1, states[0].Stage)
	assert.Equal(t, money(t, 1500), states[0].Amount)
	assert.Equal(t, "bob", states[0].Dims.Owner)
	assert.Equal(t, at(30), states[0].CloseDate)
	assert.Equal(t, at(9), states[0].Closed)
	assert.Equal(t, funnel.ClosedLost, states[1].Status)
	assert.Equal(t, "price", states[1].Dims.Reason)

	term := event(t, b, "StatusChanged", 5, 3, "open", "terminated", "", nil)
	recs := slices.Collect(dealEventMap().Reader(slices.Values([]crmkit.Event{term})).Records())
	require.Len(t, recs, 1)
	assert.Equal(t, funnel.Terminated, recs[0].Kind)

	bad := event(t, a, "StageChanged", 2, 2, "lead", "bidding", "", nil)
	r = dealEventMap().Reader(slices.Values([]crmkit.Event{events[0], bad}))
	_, err = funnel.SummarizeRecords(testStages(), r.Records(), funnel.Query{AsOf: at(20)})
	require.NoError(t, err, "the reader stops; the report sees fewer records")
	assert.ErrorIs(t, r.Err(), crmkit.ErrInvalid)
	assert.ErrorContains(t, r.Err(), `unknown stage "bidding"`)

	malformed := events[5]
	malformed.Payload = json.RawMessage(`{"amount": 12}`)
	r = dealEventMap().Reader(slices.Values([]crmkit.Event{malformed}))
	for range r.Records() {
	}
	assert.ErrorIs(t, r.Err(), crmkit.ErrInvalid)
}

// A deal created with a close date and never given another is in the
// forecast with that date, not as having none.
func TestEventReaderCreatedCloseDate(t *testing.T) {
	a := id(1)
	events := []crmkit.Event{
		event(t, a, "DealCreated", 0, 1, "", "", "", map[string]any{"stage": "lead", "amount": money(t, 1000), "close_date": at(40)}),
		event(t, a, "StageChanged", 2, 2, "lead", "qualified", "", nil),
	}
	r := dealEventMap().Reader(slices.Values(events))
	states, err := replayAll(testStages(), r.Records(), at(10))
	require.NoError(t, err)
	require.NoError(t, r.Err())
	require.Len(t, states, 1)
	assert.Equal(t, at(40), states[0].CloseDate)
	assert.Equal(t, at(0), states[0].Origin, "the close date is not the origin")
	assert.Equal(t, 1, states[0].Stage)

	recs := slices.Collect(dealEventMap().Reader(slices.Values(events[:1])).Records())
	require.Len(t, recs, 3)
	assert.Equal(t, []funnel.Kind{funnel.Created, funnel.StageEntered, funnel.CloseDateChanged},
		[]funnel.Kind{recs[0].Kind, recs[1].Kind, recs[2].Kind})
	assert.Equal(t, at(40), recs[2].Date)
	assert.Equal(t, at(0), recs[2].At)

	bad := event(t, a, "DealCreated", 0, 1, "", "", "", map[string]any{"close_date": "soon"})
	r = dealEventMap().Reader(slices.Values([]crmkit.Event{bad}))
	for range r.Records() {
	}
	assert.ErrorIs(t, r.Err(), crmkit.ErrInvalid)
	assert.ErrorContains(t, r.Err(), `"close_date"`)
}
