package crmkit

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Event is the envelope of one state change of an aggregate (a lead, a
// deal, a contract, ...): what happened, to what, by whom, when, the
// aggregate's version after it, and a typed payload as JSON. Events are the
// history: funnel analytics, audit trails, "pipeline as of a date" and
// stage durations are computed from them. Domain packages produce Events;
// storage appends them in the same transaction as the state they describe.
//
// From, To and Reason carry the transition for the many events that are
// one (a stage change, a status change); they are empty otherwise.
type Event struct {
	// ID identifies the event itself (a UUIDv7).
	ID uuid.UUID `json:"id"`
	// AggregateID is the changed entity.
	AggregateID uuid.UUID `json:"aggregate_id"`
	// AggregateKind names the kind of entity, such as "lead" or "deal".
	AggregateKind string `json:"aggregate_kind"`
	// Type names what happened, in the past tense: "LeadQualified",
	// "StageChanged", "DealSuspended".
	Type string `json:"type"`
	// Actor is the host application's key of who did it (a user or a
	// system job).
	Actor string `json:"actor"`
	// At is when it happened.
	At time.Time `json:"at"`
	// Version is the aggregate's version after the event, starting at 1.
	Version int64 `json:"version"`
	// From and To are the states before and after a transition.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Reason is the stated reason, if any.
	Reason string `json:"reason,omitempty"`
	// Payload holds the event type's own fields as JSON (may be empty).
	Payload json.RawMessage `json:"payload,omitempty"`
}

// NewEvent builds an event as NewEventFrom does, its ID from NewID (a
// UUIDv7 on the system clock). Code that has a Clock, and every command
// that must replay deterministically, calls NewEventFrom with its
// IDSource instead.
func NewEvent(kind string, aggregate uuid.UUID, typ, actor string, at time.Time, version int64, payload any) (Event, error) {
	return NewEventFrom(&systemIDs, kind, aggregate, typ, actor, at, version, payload)
}

// NewEventFrom builds an event with a new ID from ids, marshalling payload
// (nil for none) to JSON. It rejects a nil ids, a nil aggregate ID, an
// empty kind or type, a zero time, a version below 1 and a nil ID from ids
// (all ErrInvalid). With a DeterministicIDs source on a FakeClock the same
// calls give byte-identical events every time.
func NewEventFrom(ids IDSource, kind string, aggregate uuid.UUID, typ, actor string, at time.Time, version int64, payload any) (Event, error) {
	if ids == nil {
		return Event{}, Invalid("id source", "nil")
	}
	e := Event{
		ID: ids.NewID(), AggregateID: aggregate, AggregateKind: kind, Type: typ,
		Actor: actor, At: at, Version: version,
	}
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return Event{}, Invalid("payload", "cannot marshal %T: %v", payload, err)
		}
		e.Payload = b
	}
	if err := e.Validate(); err != nil {
		return Event{}, err
	}
	return e, nil
}

// Validate reports the first missing or malformed field of e.
func (e Event) Validate() error {
	switch {
	case e.ID == uuid.Nil:
		return Invalid("event id", "nil UUID")
	case e.AggregateID == uuid.Nil:
		return Invalid("aggregate id", "nil UUID")
	case e.AggregateKind == "":
		return Invalid("aggregate kind", "empty")
	case e.Type == "":
		return Invalid("event type", "empty")
	case e.At.IsZero():
		return Invalid("event time", "zero time")
	case e.Version < 1:
		return Invalid("version", "%d is below 1", e.Version)
	}
	return nil
}

// DecodePayload unmarshals the event's payload into v.
func (e Event) DecodePayload(v any) error {
	if len(e.Payload) == 0 {
		return Invalid("payload", "event %s (%s) has no payload", e.ID, e.Type)
	}
	if err := json.Unmarshal(e.Payload, v); err != nil {
		return fmt.Errorf("decode payload of event %s (%s): %w", e.ID, e.Type, &ValidationError{Field: "payload", Reason: err.Error()})
	}
	return nil
}
