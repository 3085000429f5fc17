package funnel

import (
	"encoding/json"
	"fmt"
	"iter"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/google/uuid"
)

// EventMap adapts crmkit.Event envelopes (the history of leads and deals)
// to Records. It is configuration as data: which event types mean which
// record kind, and where the payload keeps the fields funnel needs.
// DealEvents and LeadEvents return the maps of package deal's and package
// lead's histories; a hand-written map for deal events could read:
//
//	funnel.EventMap{
//		Pipeline: pipeline,
//		Kinds: map[string]funnel.Kind{
//			"DealCreated": funnel.Created, "StageChanged": funnel.StageEntered,
//			"DealWon": funnel.Won, "DealLost": funnel.Lost,
//			"DealSuspended": funnel.Suspended, "DealReactivated": funnel.Reactivated,
//			"DealReopened": funnel.Reactivated, "DealTerminated": funnel.Terminated,
//			"AmountChanged": funnel.AmountChanged, "CloseDateChanged": funnel.CloseDateChanged,
//			"ActivityLogged": funnel.Activity, "DealTransferred": funnel.DimsChanged,
//		},
//		AmountField: "amount", DateField: "close_date", StageField: "stage", OwnerField: "owner",
//		OwnerFromTo: map[string]bool{"DealTransferred": true},
//	}
type EventMap struct {
	// Pipeline resolves stage names (an event's To, or StageField) to
	// stage indices, as deal.Pipeline.StageIndex does.
	Pipeline *deal.Pipeline
	// Kinds maps an event type, or "type:to" for events told apart by
	// their To (a generic "StatusChanged"), to a record kind; "type:to"
	// is looked up first. Events of other types are skipped.
	Kinds map[string]Kind
	// AmountField names the payload field holding a crmkit.Money (as
	// {"amount":"12.34","currency":"EUR"}); empty for none.
	AmountField string
	// DateField names the payload field holding the expected close date
	// (RFC 3339) of a CloseDateChanged event, or of a Created event: the
	// CloseDateChanged record of a created entity's close date follows its
	// Created record (and the entry into its first stage) at the same time.
	DateField string
	// StageField names the payload field of a Created event holding the
	// stage the entity starts in; the record of that entry follows the
	// Created record at the same time.
	StageField string
	// OwnerField names the payload field holding the owner.
	OwnerField string
	// CompetitorField names the payload field of a Lost event holding the
	// competitor who won; empty for none.
	CompetitorField string
	// OwnerFromTo lists the event types whose To is the new owner (a
	// hand-over).
	OwnerFromTo map[string]bool
	// StageFromTo lists the event types whose To, when it names a stage
	// of Pipeline, is the stage the entity is in after the event (a lead
	// captured as a suspect, a nurtured lead recycled to mql): when that
	// stage differs from the entity's current one, a StageEntered record
	// follows the event's record at the same time. A Created event's
	// StageField, when set in its payload, takes precedence.
	StageFromTo map[string]bool
	// Archived and Restored, when Archived is not empty, are the event
	// types that archive an entity and restore it (lead.EventLeadArchived
	// and lead.EventLeadRestored). An entity whose history leaves it
	// archived (an Archived event with no Restored after it) yields no
	// record at all: archived records are hidden from reports, as the
	// stores' Sources and Lists hide them, whatever the report's AsOf. The
	// Reader then holds one entity's records at a time.
	Archived, Restored string
}

// EventReader turns a sequence of events into records (see
// EventMap.Reader). Like bufio.Scanner, it reports its error after the
// sequence ends: check Err after the report.
type EventReader struct {
	m      EventMap
	events iter.Seq[crmkit.Event]
	err    error
}

// Reader returns a reader of events through m. Events must come in the
// order a report reads records: grouped by aggregate, aggregates in
// ascending ID order, each in version order.
func (m EventMap) Reader(events iter.Seq[crmkit.Event]) *EventReader {
	return &EventReader{m: m, events: events}
}

// Err returns the first error met converting an event (a nil or zero
// Pipeline, an invalid event, an unknown stage name, a malformed payload
// field), or nil. A nil reader, or one over a nil sequence, reports
// crmkit.ErrInvalid.
func (r *EventReader) Err() error {
	if r == nil {
		return crmkit.Invalid("event reader", "nil reader")
	}
	return r.err
}

// Records yields the records of the events, stopping at the first error
// (see Err). A nil reader yields nothing.
func (r *EventReader) Records() iter.Seq[Record] {
	return func(yield func(Record) bool) {
		if r == nil {
			return
		}
		r.err = nil
		if r.events == nil {
			r.err = crmkit.Invalid("events", "nil sequence")
			return
		}
		stages, err := stagesOf(r.m.Pipeline)
		if r.err = err; err != nil {
			return
		}
		// The current stage of the current aggregate, for StageFromTo.
		var agg uuid.UUID
		stage := -1
		// With Archived set, the current aggregate's records wait in held
		// until its history ends, and go only if it is not archived then.
		hide := r.m.Archived != ""
		var held []Record
		archived := false
		flush := func() bool {
			defer func() { held, archived = held[:0], false }()
			if archived {
				return true
			}
			for _, rec := range held {
				if !yield(rec) {
					return false
				}
			}
			return true
		}
		for e := range r.events {
			if e.AggregateID != agg {
				if hide && !flush() {
					return
				}
				agg, stage = e.AggregateID, -1
			}
			if hide {
				switch e.Type {
				case r.m.Archived:
					archived = true
				case r.m.Restored:
					archived = false
				}
			}
			recs, n, err := r.m.convert(stages, e, stage)
			if err != nil {
				r.err = err
				return
			}
			for i := range n {
				if recs[i].Kind == StageEntered {
					stage = recs[i].Stage
				}
				if hide {
					held = append(held, recs[i])
				} else if !yield(recs[i]) {
					return
				}
			}
		}
		if hide {
			flush()
		}
	}
}

// convert returns the records of one event (zero to three), given the
// index of the stage its entity is in (-1 for none or unknown).
func (m EventMap) convert(stages stageList, e crmkit.Event, stage int) ([3]Record, int, error) {
	var out [3]Record
	if err := e.Validate(); err != nil {
		return out, 0, fmt.Errorf("event %s: %w", e.ID, err)
	}
	k, ok := m.Kinds[e.Type+":"+e.To]
	if !ok {
		k, ok = m.Kinds[e.Type]
	}
	if !ok {
		return out, 0, nil
	}
	if k == 0 || k >= numKinds {
		return out, 0, crmkit.Invalid("kinds", "event type %q maps to unknown kind %d", e.Type, k)
	}
	r := Record{Entity: e.AggregateID, At: e.At, Kind: k}
	var payload map[string]json.RawMessage
	if len(e.Payload) > 0 && (m.AmountField != "" || m.DateField != "" || m.StageField != "" || m.OwnerField != "" || m.CompetitorField != "") {
		if err := json.Unmarshal(e.Payload, &payload); err != nil {
			// A payload that is not an object has none of the fields.
			payload = nil
		}
	}
	field := func(name string, v any) (bool, error) {
		raw, ok := payload[name]
		if name == "" || !ok || string(raw) == "null" {
			return false, nil
		}
		if err := json.Unmarshal(raw, v); err != nil {
			return false, fmt.Errorf("event %s (%s): payload field %q: %w", e.ID, e.Type, name, &crmkit.ValidationError{Field: name, Reason: err.Error()})
		}
		return true, nil
	}
	if _, err := field(m.AmountField, &r.Amount); err != nil {
		return out, 0, err
	}
	if _, err := field(m.OwnerField, &r.Dims.Owner); err != nil {
		return out, 0, err
	}
	if m.OwnerFromTo[e.Type] {
		r.Dims.Owner = e.To
	}
	switch k {
	case StageEntered:
		i, ok := stages.Index(e.To)
		if !ok {
			return out, 0, crmkit.Invalid("to", "event %s (%s) of %s: unknown stage %q", e.ID, e.Type, e.AggregateID, e.To)
		}
		r.Stage = i
	case Lost:
		r.Dims.Reason = e.Reason
		if _, err := field(m.CompetitorField, &r.Dims.Competitor); err != nil {
			return out, 0, err
		}
	case CloseDateChanged:
		var d time.Time
		if _, err := field(m.DateField, &d); err != nil {
			return out, 0, err
		}
		r.Date = d
	}
	out[0] = r
	n := 1
	entered := false
	if k == Created {
		var name string
		if ok, err := field(m.StageField, &name); err != nil {
			return out, 0, err
		} else if ok && name != "" {
			i, known := stages.Index(name)
			if !known {
				return out, 0, crmkit.Invalid(m.StageField, "event %s (%s) of %s: unknown stage %q", e.ID, e.Type, e.AggregateID, name)
			}
			out[n] = Record{Entity: e.AggregateID, At: e.At, Kind: StageEntered, Stage: i}
			n++
			entered = true
		}
	}
	if !entered && k != StageEntered && m.StageFromTo[e.Type] {
		if i, known := stages.Index(e.To); known && (k == Created || i != stage) {
			out[n] = Record{Entity: e.AggregateID, At: e.At, Kind: StageEntered, Stage: i}
			n++
		}
	}
	if k == Created {
		var d time.Time
		if ok, err := field(m.DateField, &d); err != nil {
			return out, 0, err
		} else if ok && !d.IsZero() {
			out[n] = Record{Entity: e.AggregateID, At: e.At, Kind: CloseDateChanged, Date: d}
			n++
		}
	}
	return out, n, nil
}
