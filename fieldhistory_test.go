package crmkit_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFieldHistory(t *testing.T) {
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	agg := uuid.MustParse("0195f000-0000-7000-8000-000000000001")
	item := uuid.MustParse("0195f000-0000-7000-8000-0000000000c1")
	mk := func(typ string, v int64, payload any, from, to string) crmkit.Event {
		e, err := crmkit.Cmd{By: "rep", At: at.Add(time.Duration(v) * time.Hour)}.NewEvent("thing", agg, typ, v, payload)
		require.NoError(t, err)
		e.From, e.To = from, to
		return e
	}
	edit := mk("ThingEdited", 2, crmkit.EditPayload{Changes: []crmkit.FieldChange{
		{Field: "name", From: "a", To: "b"}, {Field: "email", Item: item, From: "", To: "x@y.example"},
	}}, "", "")
	events := []crmkit.Event{
		mk("ThingCreated", 1, map[string]string{"name": "a"}, "", ""),
		edit,
		mk("ThingAssigned", 3, nil, "ana", "bo"),
		mk("ThingMoved", 4, nil, "open", "won"), // not a field
	}
	got, err := crmkit.FieldHistory(crmkit.EventsOf(events), crmkit.FieldTransitions{"ThingAssigned": "owner"})
	require.NoError(t, err)
	assert.Equal(t, []crmkit.FieldEntry{
		{Field: "name", From: "a", To: "b", By: "rep", At: at.Add(2 * time.Hour), Version: 2, Event: edit.ID},
		{Field: "email", Item: item, From: "", To: "x@y.example", By: "rep", At: at.Add(2 * time.Hour), Version: 2, Event: edit.ID},
		{Field: "owner", From: "ana", To: "bo", By: "rep", At: at.Add(3 * time.Hour), Version: 3, Event: events[2].ID},
	}, got)

	// Without transitions only edits count; an empty history is empty.
	got, err = crmkit.FieldHistory(crmkit.EventsOf(events), nil)
	require.NoError(t, err)
	assert.Len(t, got, 2)
	got, err = crmkit.FieldHistory(crmkit.EventsOf(nil), nil)
	require.NoError(t, err)
	assert.Empty(t, got)

	// Refusals.
	_, err = crmkit.FieldHistory(nil, nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	bad := events[0]
	bad.Payload = json.RawMessage(`{"field_changes": "not a list"}`)
	_, err = crmkit.FieldHistory(crmkit.EventsOf([]crmkit.Event{bad}), nil)
	var ve *crmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "payload", ve.Field)
	boom := errors.New("read failed")
	_, err = crmkit.FieldHistory(func(yield func(crmkit.Event, error) bool) {
		if yield(events[0], nil) {
			yield(crmkit.Event{}, boom)
		}
	}, nil)
	assert.ErrorIs(t, err, boom)
	assert.ErrorContains(t, err, "after 1 events")
}

func TestArchivedError(t *testing.T) {
	id := uuid.MustParse("0195f000-0000-7000-8000-000000000001")
	var err error = &crmkit.ArchivedError{Kind: "lead", ID: id, What: "edit it"}
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	assert.NotErrorIs(t, err, crmkit.ErrInvalid)
	assert.Equal(t, "lead 0195f000-0000-7000-8000-000000000001 is archived: cannot edit it (restore it first): illegal transition", err.Error())
	var nilErr *crmkit.ArchivedError
	assert.NotPanics(t, func() { _ = nilErr.Error() })
}
