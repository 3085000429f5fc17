package storage

import (
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
)

// CheckHistory checks that events are the history of one write of the
// aggregate id of the given kind ("lead", "deal", ...) from version from
// (the stored version, 0 for a Create) to version to (the version of the
// value written): exactly to-from events, the i-th of them (from 0) at
// version from+1+i, each with AggregateID id and AggregateKind kind. So a
// change always comes with its events, and the event log replays to the
// stored state.
//
// Anything else is a *crmkit.ValidationError (it matches
// crmkit.ErrInvalid) naming the event at fault ("events[2].version"), what
// was expected and what was given; a write it refuses writes nothing.
// Every backend's Create and Save call it after their input checks, with
// from 0 for a Create and the expected version for a Save. EventLog.Append
// does not: it takes events that describe no state change (history
// imports).
func CheckHistory(kind string, id uuid.UUID, from, to int64, events []crmkit.Event) error {
	if from < 0 || to <= from {
		return crmkit.Invalid("version", "%s %s: version %d does not follow version %d", kind, id, to, from)
	}
	for i := range events {
		e := &events[i]
		field := fmt.Sprintf("events[%d]", i)
		switch want := from + 1 + int64(i); {
		case e.AggregateKind != kind:
			return crmkit.Invalid(field+".aggregate_kind", "%s %s: event %s is of kind %q, not %q", kind, id, e.ID, truncate(e.AggregateKind), kind)
		case e.AggregateID != id:
			return crmkit.Invalid(field+".aggregate_id", "%s %s: event %s belongs to aggregate %s", kind, id, e.ID, e.AggregateID)
		case want > to:
			return crmkit.Invalid(field, "%s %s: event %s at version %d is beyond the written version %d: one event per version from %d to %d", kind, id, e.ID, e.Version, to, from+1, to)
		case e.Version != want:
			return crmkit.Invalid(field+".version", "%s %s: event %s has version %d, expected %d (one event per version, in order, from %d to %d)", kind, id, e.ID, e.Version, want, from+1, to)
		}
	}
	if n := int64(len(events)); n != to-from {
		return crmkit.Invalid("events", "%s %s: version %d to %d needs %d events, one per version; got %d", kind, id, from, to, to-from, n)
	}
	return nil
}

// EventOfStored returns the error of EventLog.Append for events[i], e,
// whose aggregate is stored (of a kind the store keeps, under e's
// AggregateID): a stored aggregate's events go with its Create or Save,
// which check them against its state (CheckHistory), so Append refuses
// them, appending nothing. It matches crmkit.ErrInvalid.
func EventOfStored(i int, e crmkit.Event) error {
	return crmkit.Invalid(fmt.Sprintf("events[%d].aggregate_id", i),
		"event %s: %s %s is stored: its events go with its Create or Save, not Append", e.ID, truncate(e.AggregateKind), e.AggregateID)
}

// HistoryExists returns the error of a Create of the aggregate id of the
// given kind whose events the log already holds (appended without its
// Create): a Create starts an aggregate's history, so it is refused,
// writing nothing. It matches crmkit.ErrInvalid.
func HistoryExists(kind string, id uuid.UUID) error {
	return crmkit.Invalid("id", "%s %s: the event log already holds events of it: a Create starts an aggregate's history", kind, id)
}
