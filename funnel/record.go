package funnel

import (
	"bytes"
	"math/bits"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/field"
	"github.com/google/uuid"
)

// Kind says what a Record reports.
type Kind uint8

// The record kinds. The zero Kind is not a kind: a record with it is
// rejected.
const (
	_ Kind = iota
	// Created: the entity (a lead or a deal) was created. Date, when set,
	// is its origin, the first recorded touch, from which the sales cycle
	// is measured; it may lie after At (a touch logged late), and the cycle
	// is then reported negative rather than hidden. Amount, when set, is
	// its first amount.
	Created
	// StageEntered: the entity entered stage Stage. Amount, when set, is
	// its amount from now on.
	StageEntered
	// Won: the entity closed won. Amount, when set, is the final amount.
	Won
	// Lost: the entity closed lost; Dims.Competitor and Dims.Reason say to
	// whom and why.
	Lost
	// Suspended: work on the entity was paused; it can be reactivated.
	Suspended
	// Reactivated: a suspended or lost entity was opened again.
	Reactivated
	// Terminated: the entity will never be followed again; no record may
	// follow.
	Terminated
	// CloseDateChanged: the expected close date became Date; a zero Date
	// clears it (the date is no longer known).
	CloseDateChanged
	// AmountChanged: the amount became Amount.
	AmountChanged
	// Activity: an activity (a visit, a call) was done on the entity. It
	// changes nothing but is counted by the stage policy checks.
	Activity
	// DimsChanged: only the entity's dimensions changed (a hand-over to
	// another owner, a new product line); Dims holds the new values.
	DimsChanged
	numKinds
)

// Status is where an entity stands: open in a stage, suspended, or closed.
type Status uint8

// The statuses. The zero Status is Open.
const (
	// Open: being worked in its current stage.
	Open Status = iota
	// Paused: suspended, waiting for reactivation.
	Paused
	// ClosedWon: won.
	ClosedWon
	// ClosedLost: lost (it may be reopened by a Reactivated record).
	ClosedLost
	// Dead: terminated; never followed again.
	Dead
	numStatuses
)

// Closed reports whether the status is won, lost or terminated.
func (s Status) Closed() bool { return s >= ClosedWon && s < numStatuses }

// Dims are the dimensions a report can be split by. They are the host
// application's own keys (strings), empty when unknown.
type Dims struct {
	// Owner is the responsible rep.
	Owner string
	// Source is the lead source or channel.
	Source string
	// Campaign is the campaign that produced the entity.
	Campaign string
	// Product is the product or product line.
	Product string
	// Pipeline names the pipeline, when a company runs several.
	Pipeline string
	// Type is the deal type: new business, expansion, renewal, cross-sell.
	Type string
	// Competitor is who won a lost deal.
	Competitor string
	// Reason is the loss (or win) reason.
	Reason string
	// Custom is the value of a custom enum field (package field), for
	// reports split ByCustom: set it in records, or let the report read
	// it from Opportunity.Custom by Query.CustomField.
	Custom string
}

// merge overwrites the fields of d with the non-empty fields of o.
func (d *Dims) merge(o *Dims) {
	if o.Owner != "" {
		d.Owner = o.Owner
	}
	if o.Source != "" {
		d.Source = o.Source
	}
	if o.Campaign != "" {
		d.Campaign = o.Campaign
	}
	if o.Product != "" {
		d.Product = o.Product
	}
	if o.Pipeline != "" {
		d.Pipeline = o.Pipeline
	}
	if o.Type != "" {
		d.Type = o.Type
	}
	if o.Competitor != "" {
		d.Competitor = o.Competitor
	}
	if o.Reason != "" {
		d.Reason = o.Reason
	}
	if o.Custom != "" {
		d.Custom = o.Custom
	}
}

// Record is one neutral fact of an entity's history: a stage entered at a
// time with an amount, a close with an outcome, a suspension, a changed
// close date. Adapters turn lead and deal events into records (see
// FromEvents); funnel reads them through iter.Seq, so the same code runs on
// a slice, a store cursor or a CSV stream.
//
// A report reads records grouped by entity, entities in ascending byte
// order of their IDs (uuid order, which is PostgreSQL's uuid order), and
// each entity's records in the order they happened, At never decreasing:
// "ORDER BY entity, at, version". SortRecords puts a slice in that order.
// A record out of that order is an error, never a wrong number.
type Record struct {
	// Entity is the lead or deal the record is about.
	Entity uuid.UUID
	// At is when it happened.
	At time.Time
	// Date is the origin of a Created record and the new expected close
	// date of a CloseDateChanged record.
	Date time.Time
	// Amount, when it has a currency, is the entity's amount from this
	// record on (zero included); the zero Money means unchanged.
	Amount crmkit.Money
	// Kind says what happened.
	Kind Kind
	// Stage is the index, in the report's pipeline, of the stage entered
	// by a StageEntered record.
	Stage int
	// Dims are the entity's dimensions; non-empty fields override the
	// entity's earlier values, so only changes need be set.
	Dims Dims
}

// CompareRecords orders records by entity ID bytes, then time: the order a
// report reads. Records of one entity at the same instant compare equal, so
// a stable sort keeps their recorded order.
func CompareRecords(a, b Record) int {
	if c := bytes.Compare(a.Entity[:], b.Entity[:]); c != 0 {
		return c
	}
	return a.At.Compare(b.At)
}

// SortRecords sorts records in place into the order a report reads (see
// CompareRecords), keeping the recorded order of same-instant records.
func SortRecords(records []Record) {
	slices.SortStableFunc(records, CompareRecords)
}

// Opportunity is the neutral current state of one entity (a deal or a
// lead) as funnel sees it: where it stands, the stages it has entered and
// its amount. Replaying records gives one per entity (Pipeline, AsOf); a
// store holding deals as values can adapt them to Opportunity directly and
// summarise without records.
type Opportunity struct {
	// The fields a summary reads come first, so that they share cache
	// lines when opportunities are scanned in a slice.

	// Reached is the set of stage indices entered: bit i set when stage
	// i was entered at least once.
	Reached uint64
	// Stage is the index of the current (last entered) stage, or -1 when
	// no stage was entered.
	Stage int
	// Status is open, suspended, won, lost or terminated.
	Status Status
	// Amount is the current amount (the zero Money when unknown).
	Amount crmkit.Money
	// Origin is the first recorded touch (or creation), the start of the
	// sales cycle.
	Origin time.Time
	// Entered is when the current stage was entered.
	Entered time.Time
	// Closed is when the entity was won, lost or terminated (zero while
	// open or suspended).
	Closed time.Time
	// CloseDate is the expected close date (zero when unknown).
	CloseDate time.Time
	// Entity is the deal or lead.
	Entity uuid.UUID
	// Dims are the entity's dimensions.
	Dims Dims
	// Custom are the entity's custom field values (a deal's Custom), read
	// by a report split ByCustom (Query.CustomField). The report does not
	// change them.
	Custom field.Values
}

// HasReached reports whether stage i was entered. A nil opportunity has
// entered no stage.
func (o *Opportunity) HasReached(i int) bool {
	return o != nil && i >= 0 && i < deal.MaxStages && o.Reached&(1<<uint(i)) != 0
}

// Furthest returns the index of the furthest stage entered, or -1 (also
// for a nil opportunity).
func (o *Opportunity) Furthest() int {
	if o == nil {
		return -1
	}
	return bits.Len64(o.Reached) - 1
}

// Cycle returns Closed - Origin, the length of the sales cycle of a closed
// entity; it is negative when the close was recorded before the origin.
// It is 0 for an entity that is not closed, and for a nil opportunity.
func (o *Opportunity) Cycle() time.Duration {
	if o == nil || !o.Status.Closed() || o.Closed.IsZero() || o.Origin.IsZero() {
		return 0
	}
	return o.Closed.Sub(o.Origin)
}

// validate checks an opportunity given by a caller against stages.
func (o *Opportunity) validate(n int) error {
	switch {
	case o.Status >= numStatuses:
		return crmkit.Invalid("status", "entity %s: unknown status %d", o.Entity, o.Status)
	case o.Stage < -1 || o.Stage >= n:
		return crmkit.Invalid("stage", "entity %s: unknown stage index %d (%d stages)", o.Entity, o.Stage, n)
	case n < deal.MaxStages && o.Reached>>uint(n) != 0:
		return crmkit.Invalid("reached", "entity %s: stage set %#x names a stage beyond the %d stages", o.Entity, o.Reached, n)
	case o.Stage >= 0 && o.Reached&(1<<uint(o.Stage)) == 0:
		return crmkit.Invalid("reached", "entity %s: current stage %d is not in the reached set %#x", o.Entity, o.Stage, o.Reached)
	}
	return nil
}
