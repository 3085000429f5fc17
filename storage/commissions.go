package storage

import (
	"errors"
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/quota"
)

// CommissionPlanRepository stores quota.CommissionPlan aggregates
// (Tx.CommissionPlans). quota.NewCommissionPlan returns a plan at Version
// 1 with its creation event; CommissionPlan.Revise returns the next
// version with its event to Save with. Every version's terms stay
// readable from the plan's events (their payload is the whole plan).
type CommissionPlanRepository = Repository[quota.CommissionPlan, CommissionPlanFilter]

// CommissionPlanFilter selects commission plans for List. A zero field
// matches every plan; the zero CommissionPlanFilter matches all.
type CommissionPlanFilter struct {
	// Currency, if not zero, selects plans paying in that currency.
	Currency crmkit.Currency
	// Name, if not empty, selects the plans with that name.
	Name string
}

// ValidateCommissionPlan checks a commission plan before it is stored: a
// non-nil ID, a version of at least 1, the plan's own invariants
// (quota.CommissionPlan.Validate; its errors match crmkit.ErrInvalid here
// even when they match crmkit.ErrCurrencyMismatch too), a name of at most MaxKeyLen bytes (a
// filter selects by it), and every string within the stored domain (see
// ValidateValue). It holds no domain rule of its own.
func ValidateCommissionPlan(cp quota.CommissionPlan) error {
	if err := ValidateID(quota.CommissionPlanKind, cp.ID); err != nil {
		return err
	}
	if cp.Version < 1 {
		return crmkit.Invalid("version", "commission plan %s: version %d is below 1", cp.ID, cp.Version)
	}
	if err := cp.Validate(); err != nil {
		if !errors.Is(err, crmkit.ErrInvalid) { // a cap in another currency: ErrCurrencyMismatch
			return fmt.Errorf("commission plan %s: %w: %w", cp.ID, crmkit.ErrInvalid, err)
		}
		return fmt.Errorf("commission plan %s: %w", cp.ID, err)
	}
	if err := checkString("name", cp.Name, MaxKeyLen); err != nil {
		return fmt.Errorf("commission plan %s: %w", cp.ID, err)
	}
	if err := ValidateValue("commission plan", cp); err != nil {
		return fmt.Errorf("commission plan %s: %w", cp.ID, err)
	}
	return nil
}

// Validate checks the filter: a name of at most MaxKeyLen bytes of valid
// UTF-8 without NUL bytes (any currency value is a valid selection).
func (f CommissionPlanFilter) Validate() error {
	return checkString("name filter", f.Name, MaxKeyLen)
}

// Match reports whether cp passes the filter. A nil filter passes every
// plan, as the zero filter does; a nil cp passes none.
func (f *CommissionPlanFilter) Match(cp *quota.CommissionPlan) bool {
	if f == nil || cp == nil {
		return cp != nil
	}
	return (f.Currency.IsZero() || cp.Currency == f.Currency) && (f.Name == "" || cp.Name == f.Name)
}
