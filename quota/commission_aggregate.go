package quota

import (
	"fmt"
	"slices"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
)

// CommissionPlanKind is the AggregateKind of commission plan events.
const CommissionPlanKind = "commission_plan"

// Event types of the "commission_plan" aggregate. Both carry the plan's
// ID as aggregate ID, its Version after the event, the command's By, At
// and Reason, and the whole plan as it is after the event as payload
// (a CommissionPlan in JSON), so that every version of the plan can be
// read from its history.
const (
	// EventCommissionPlanCreated opens the history (NewCommissionPlan).
	EventCommissionPlanCreated = "CommissionPlanCreated"
	// EventCommissionPlanRevised records new terms (CommissionPlan.Revise):
	// new tiers, a new cap or draw, ...
	EventCommissionPlanRevised = "CommissionPlanRevised"
)

// NewCommissionPlan creates a commission plan from spec, by c.By at c.At,
// and returns it at Version 1 with its EventCommissionPlanCreated event.
// spec.ID is kept when set, otherwise one is drawn from c; spec.Version
// is ignored. A plan spec.Validate refuses, or an invalid c, is an error
// matching crmkit.ErrInvalid naming the field.
func NewCommissionPlan(spec CommissionPlan, c crmkit.Cmd) (CommissionPlan, crmkit.Event, error) {
	if err := c.Validate(); err != nil {
		return CommissionPlan{}, crmkit.Event{}, fmt.Errorf("new commission plan %q: %w", spec.Name, err)
	}
	if err := spec.Validate(); err != nil {
		return CommissionPlan{}, crmkit.Event{}, fmt.Errorf("new commission plan %q: %w", spec.Name, err)
	}
	out := spec.Clone()
	if out.ID == uuid.Nil {
		out.ID = c.NewID()
	}
	out.Version = 1
	e, err := c.NewEvent(CommissionPlanKind, out.ID, EventCommissionPlanCreated, out.Version, out)
	if err != nil {
		return CommissionPlan{}, crmkit.Event{}, fmt.Errorf("new commission plan %q: %w", spec.Name, err)
	}
	return out, e, nil
}

// Revise replaces the plan's terms with next's (its name, tiers, cap,
// draw, ...), by c.By at c.At, and returns the plan at the next version
// with its EventCommissionPlanRevised event. The ID and the version are
// cp's: next.ID and next.Version are ignored. Statements already paid are
// not recomputed; they name the version they ran on. An invalid c, a
// next that Validate refuses, or a cp without an ID or a version is an
// error matching crmkit.ErrInvalid; cp is unchanged either way.
func (cp CommissionPlan) Revise(next CommissionPlan, c crmkit.Cmd) (CommissionPlan, crmkit.Event, error) {
	if err := c.Validate(); err != nil {
		return cp, crmkit.Event{}, fmt.Errorf("revise commission plan %s: %w", cp.ID, err)
	}
	if cp.ID == uuid.Nil || cp.Version < 1 {
		return cp, crmkit.Event{}, crmkit.Invalid("version", "commission plan %s at version %d was not created with NewCommissionPlan", cp.ID, cp.Version)
	}
	if err := next.Validate(); err != nil {
		return cp, crmkit.Event{}, fmt.Errorf("revise commission plan %s: %w", cp.ID, err)
	}
	out := next.Clone()
	out.ID, out.Version = cp.ID, cp.Version+1
	e, err := c.NewEvent(CommissionPlanKind, out.ID, EventCommissionPlanRevised, out.Version, out)
	if err != nil {
		return cp, crmkit.Event{}, fmt.Errorf("revise commission plan %s: %w", cp.ID, err)
	}
	return out, e, nil
}

// Clone returns a deep copy of cp: its tiers are not shared with cp.
func (cp CommissionPlan) Clone() CommissionPlan {
	cp.Tiers = slices.Clone(cp.Tiers)
	return cp
}
