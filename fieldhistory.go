package crmkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"iter"
	"time"

	"github.com/google/uuid"
)

// FieldChange is one field an edit changed: the field's name as the
// aggregate's JSON names it ("name", "email", "account_id"), and its value
// before and after as text ("" for empty or unset). Item names the part of
// the aggregate the field belongs to when it is not the aggregate itself
// (a contact inside an account); uuid.Nil otherwise.
type FieldChange struct {
	Field string    `json:"field"`
	Item  uuid.UUID `json:"item,omitzero"`
	From  string    `json:"from"`
	To    string    `json:"to"`
}

// EditPayload is the payload of every edit event (lead.EventLeadEdited,
// deal.EventDealEdited, account.EventAccountEdited,
// account.EventContactEdited): the fields the edit changed, each with its
// old and new value, in the order the aggregate declares its fields. An
// edit that changes nothing has no event. FieldHistory reads it from any
// event whose payload is a JSON object with the key "field_changes".
type EditPayload struct {
	Changes []FieldChange `json:"field_changes"`
}

// FieldEntry is one line of a field history: which field (of which item,
// see FieldChange) changed from what to what, by whom, when, and the
// event (its ID and the aggregate's version after it) that says so.
type FieldEntry struct {
	Field   string
	Item    uuid.UUID
	From    string
	To      string
	By      string
	At      time.Time
	Version int64
	Event   uuid.UUID
}

// FieldTransitions maps an event type whose From and To are the old and
// new value of one field to that field's name, for the commands that
// change one field without an EditPayload (lead.EventLeadAssigned is
// "owner"). Each domain package exports its own (lead.FieldTransitions,
// deal.FieldTransitions, account.FieldTransitions).
type FieldTransitions map[string]string

// FieldHistory returns who changed which field of an aggregate from what
// to what, and when, from its events in the order given (a store's
// EventLog.ByAggregate yields them by version): one entry per FieldChange
// of every event with an EditPayload, and one per event whose type
// transitions names (its From and To), in event order. Other events are
// skipped. A nil events, an error from events (returned as is, wrapped
// with the event count read) and an edit payload that is not an
// EditPayload (crmkit.ErrInvalid naming the event) end it with no
// history.
func FieldHistory(events iter.Seq2[Event, error], transitions FieldTransitions) ([]FieldEntry, error) {
	if events == nil {
		return nil, Invalid("events", "nil sequence")
	}
	var out []FieldEntry
	n := 0
	for e, err := range events {
		if err != nil {
			return nil, fmt.Errorf("field history after %d events: %w", n, err)
		}
		n++
		if field, ok := transitions[e.Type]; ok && field != "" {
			out = append(out, FieldEntry{Field: field, From: e.From, To: e.To, By: e.Actor, At: e.At, Version: e.Version, Event: e.ID})
			continue
		}
		if !bytes.Contains(e.Payload, []byte(`"field_changes"`)) {
			continue
		}
		var p EditPayload
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return nil, Invalid("payload", "event %s (%s): not an edit payload: %v", e.ID, e.Type, err)
		}
		for _, c := range p.Changes {
			out = append(out, FieldEntry{Field: c.Field, Item: c.Item, From: c.From, To: c.To, By: e.Actor, At: e.At, Version: e.Version, Event: e.ID})
		}
	}
	return out, nil
}

// EventsOf returns events as a sequence without errors, in slice order:
// the shape FieldHistory and the other readers of an event stream take.
func EventsOf(events []Event) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		for _, e := range events {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// ArchivedError reports a command on an archived record (a lead, a deal,
// an account) other than restoring it: archived records keep their state
// and history but take no change until restored. It matches
// ErrIllegalTransition. Nothing was changed.
type ArchivedError struct {
	// Kind and ID name the archived record ("lead", its ID).
	Kind string
	ID   uuid.UUID
	// What names the refused command ("edit", "assign").
	What string
}

// Error implements error.
func (e *ArchivedError) Error() string {
	if e == nil {
		return "archived record: " + ErrIllegalTransition.Error()
	}
	return fmt.Sprintf("%s %s is archived: cannot %s (restore it first): %v", e.Kind, e.ID, e.What, ErrIllegalTransition)
}

// Is reports whether target is ErrIllegalTransition, the root sentinel of
// every *ArchivedError.
func (e *ArchivedError) Is(target error) bool { return target == ErrIllegalTransition }
