package storage

import (
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/quota"
)

// PlanRepository stores quota.Plan aggregates: the whole plan (its cell
// tree and revision history) under its ID and Version (Tx.Plans). Inside
// Update, use the tx's so that the plan's writes land with the others:
//
//	err := tx.Plans().Save(ctx, next, p.Version, ev)
type PlanRepository = Repository[quota.Plan, PlanFilter]

// PlanFilter selects plans for List. A zero field matches every plan; the
// zero PlanFilter matches all.
type PlanFilter struct {
	// FiscalYear, if not zero, selects plans of that fiscal year; it must
	// be in 1..9998, as a plan's.
	FiscalYear int
	// Unit, if not zero, selects plans in that unit (one currency, or one
	// count such as "new logos"); it must be a valid quota.Unit.
	Unit quota.Unit
}

// ValidatePlan checks a plan before it is stored: a non-nil ID, a version
// of at least 1, the plan's own invariants (quota.Plan.Validate: unit,
// calendar, rounding, a cell tree whose children sum to their parent, one
// revision per version), a count unit of at most MaxKeyLen bytes, and
// every string within the stored domain (see ValidateValue).
func ValidatePlan(p quota.Plan) error {
	if err := ValidateID(quota.PlanKind, p.ID); err != nil {
		return err
	}
	if p.Version < 1 {
		return crmkit.Invalid("version", "plan %s: version %d is below 1", p.ID, p.Version)
	}
	if err := p.Validate(); err != nil {
		return fmt.Errorf("plan %s: %w", p.ID, err)
	}
	if err := checkString("unit", p.Unit.Count, MaxKeyLen); err != nil {
		return fmt.Errorf("plan %s: %w", p.ID, err)
	}
	if err := ValidateValue("plan", p); err != nil {
		return fmt.Errorf("plan %s: %w", p.ID, err)
	}
	return nil
}

// Validate checks the filter: a zero fiscal year or one in 1..9998, and a
// zero or valid unit whose count is at most MaxKeyLen bytes of valid
// UTF-8 without NUL bytes.
func (f PlanFilter) Validate() error {
	if f.FiscalYear != 0 && (f.FiscalYear < 1 || f.FiscalYear > 9998) {
		return crmkit.Invalid("fiscal year filter", "%d is outside 1..9998", f.FiscalYear)
	}
	if f.Unit == (quota.Unit{}) {
		return nil
	}
	if err := checkString("unit filter", f.Unit.Count, MaxKeyLen); err != nil {
		return err
	}
	if err := f.Unit.Validate(); err != nil {
		return fmt.Errorf("unit filter: %w", err)
	}
	return nil
}

// Match reports whether p passes the filter. A nil filter passes every
// plan, as the zero filter does; a nil p passes none.
func (f *PlanFilter) Match(p *quota.Plan) bool {
	if f == nil || p == nil {
		return p != nil
	}
	return (f.FiscalYear == 0 || p.FiscalYear == f.FiscalYear) &&
		(f.Unit == quota.Unit{} || p.Unit == f.Unit)
}
