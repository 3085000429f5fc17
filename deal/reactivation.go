package deal

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
)

// ReactivationRule is one rule of a ReactivationPolicy. It matches a
// suspended deal when every condition it sets holds:
//   - Within (if not zero): the deal has been suspended for less than
//     Within;
//   - Below (if not the zero Money): the deal's amount is in Below's
//     currency and strictly less than Below. A deal in another currency
//     does not match: no rule silently compares currencies.
//
// A matching rule with no Roles reactivates automatically; otherwise it
// needs an approval with one step per role, in order.
type ReactivationRule struct {
	Within time.Duration `json:"-"`
	Below  crmkit.Money  `json:"below,omitzero"`
	Roles  []string      `json:"roles,omitempty"`
}

type reactivationRuleJSON struct {
	Within string       `json:"within,omitempty"`
	Below  crmkit.Money `json:"below,omitzero"`
	Roles  []string     `json:"roles,omitempty"`
}

// MarshalJSON encodes Within as text such as "30d".
func (r ReactivationRule) MarshalJSON() ([]byte, error) {
	return json.Marshal(reactivationRuleJSON{Within: formatDuration(r.Within), Below: r.Below, Roles: r.Roles})
}

// UnmarshalJSON decodes the form MarshalJSON writes; unknown fields are
// errors.
func (r *ReactivationRule) UnmarshalJSON(b []byte) error {
	var v reactivationRuleJSON
	if err := decodeStrict(b, &v); err != nil {
		return err
	}
	w, err := parseDuration("within", v.Within)
	if err != nil {
		return err
	}
	*r = ReactivationRule{Within: w, Below: v.Below, Roles: v.Roles}
	return nil
}

// ReactivationPolicy decides how a suspended deal may be reactivated: the
// first rule that matches decides; when none matches, Otherwise lists the
// roles that must approve (empty: automatic). The zero policy reactivates
// every deal automatically. For example "automatic when suspended less
// than 30 days and below 50,000 EUR, otherwise a manager approves":
//
//	ReactivationPolicy{
//		Rules:     []ReactivationRule{{Within: 30 * 24 * time.Hour, Below: crmkit.MustMoney("50000", "EUR")}},
//		Otherwise: []string{"manager"},
//	}
type ReactivationPolicy struct {
	Rules     []ReactivationRule `json:"rules,omitempty"`
	Otherwise []string           `json:"otherwise,omitempty"`
}

// Clone returns a deep copy of p.
func (p ReactivationPolicy) Clone() ReactivationPolicy {
	p.Rules = slices.Clone(p.Rules)
	for i := range p.Rules {
		p.Rules[i].Roles = slices.Clone(p.Rules[i].Roles)
	}
	p.Otherwise = slices.Clone(p.Otherwise)
	return p
}

// Validate reports a negative Within, a negative Below and empty or
// malformed role names.
func (p ReactivationPolicy) Validate() error {
	for i, r := range p.Rules {
		f := fmt.Sprintf("reactivation.rules[%d]", i)
		if r.Within < 0 {
			return crmkit.Invalid(f+".within", "negative duration %s", r.Within)
		}
		if r.Below.Sign() < 0 {
			return crmkit.Invalid(f+".below", "negative amount %s", r.Below)
		}
		if r.Below.Currency().IsZero() && !r.Below.IsZero() {
			return crmkit.Invalid(f+".below", "amount without currency")
		}
		for j, role := range r.Roles {
			if err := validName(fmt.Sprintf("%s.roles[%d]", f, j), role); err != nil {
				return err
			}
		}
	}
	for j, role := range p.Otherwise {
		if err := validName(fmt.Sprintf("reactivation.otherwise[%d]", j), role); err != nil {
			return err
		}
	}
	return nil
}

// Reactivation is a ReactivationPolicy's decision for one deal: automatic,
// or an approval by Roles (one step per role, in order). Rule is the index
// of the matching rule, or -1 when Otherwise applied.
type Reactivation struct {
	Automatic bool
	Roles     []string
	Rule      int
}

// Decide applies the policy to the suspended deal d at time at. A deal that
// is not suspended, or an at before its suspension, is an error.
func (p ReactivationPolicy) Decide(d Deal, at time.Time) (Reactivation, error) {
	if d.Status != Suspended {
		return Reactivation{}, fmt.Errorf("deal %s is %s, not suspended: %w", d.ID, d.Status, crmkit.ErrIllegalTransition)
	}
	if at.Before(d.Suspension.At) {
		return Reactivation{}, crmkit.Invalid("at", "%s is before the suspension of deal %s at %s", at.Format(time.RFC3339), d.ID, d.Suspension.At.Format(time.RFC3339))
	}
	suspended := at.Sub(d.Suspension.At)
	for i, r := range p.Rules {
		if r.Within > 0 && suspended >= r.Within {
			continue
		}
		if !r.Below.IsZero() || !r.Below.Currency().IsZero() {
			if d.Amount.Currency() != r.Below.Currency() || d.Amount.Minor() >= r.Below.Minor() {
				continue
			}
		}
		return Reactivation{Automatic: len(r.Roles) == 0, Roles: slices.Clone(r.Roles), Rule: i}, nil
	}
	return Reactivation{Automatic: len(p.Otherwise) == 0, Roles: slices.Clone(p.Otherwise), Rule: -1}, nil
}
