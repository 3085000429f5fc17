package quote

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// DiscountBasis says which discount an ApprovalRule looks at.
type DiscountBasis uint8

// The discount bases.
const (
	_ DiscountBasis = iota
	// MaxLineDiscount is the largest Discount of any line.
	MaxLineDiscount
	// OverallDiscount is (Gross − Net) / Gross of the whole quote,
	// compared exactly (never rounded).
	OverallDiscount
)

// ApprovalRule says that a quote whose discount (on Basis) is strictly
// above Above, a fraction in [0, 1) (0.15 is 15 %), needs the approval of
// somebody holding Role.
type ApprovalRule struct {
	Basis DiscountBasis   `json:"basis"`
	Above decimal.Decimal `json:"above"`
	Role  string          `json:"role"`
}

// ApprovalPolicy decides which approvals a quote needs before it may
// be sent. It is data: build it in code or load it from JSON, then
// Validate it.
//
// Every rule whose threshold the quote exceeds adds its role; the roles
// form one approval chain ordered by threshold, lowest first (a manager
// before a director), each role once. With HighestOnly, only the role of
// the highest exceeded threshold is asked. A quote that exceeds no rule
// needs no approval: Submit approves it at once.
//
// The approval request expires at the quote's ValidUntil, or earlier after
// TTL if TTL is positive; zero for both means it never expires.
type ApprovalPolicy struct {
	Rules       []ApprovalRule `json:"rules"`
	HighestOnly bool           `json:"highest_only,omitempty"`
	TTL         time.Duration  `json:"ttl,omitempty"`
}

// DefaultApprovalPolicy is the usual discount ladder: a line discount
// above 15% needs a "manager", above 30% also a "director".
func DefaultApprovalPolicy() ApprovalPolicy {
	return ApprovalPolicy{Rules: []ApprovalRule{
		{Basis: MaxLineDiscount, Above: decimal.New(15, -2), Role: "manager"},
		{Basis: MaxLineDiscount, Above: decimal.New(30, -2), Role: "director"},
	}}
}

// Validate reports the first malformed rule: an unknown basis, an empty
// role, a threshold outside [0, 1) or with more than 6 decimal places; or
// a negative TTL.
func (p ApprovalPolicy) Validate() error {
	if p.TTL < 0 {
		return crmkit.Invalid("ttl", "negative approval ttl %s", p.TTL)
	}
	for i, r := range p.Rules {
		field := fmt.Sprintf("rules[%d]", i)
		switch {
		case !r.Basis.Valid():
			return crmkit.Invalid(field+".basis", "%s is not a discount basis", r.Basis)
		case strings.TrimSpace(r.Role) == "":
			return crmkit.Invalid(field+".role", "empty role")
		}
		if err := checkDiscount(field+".above", r.Above); err != nil {
			return err
		}
		if r.Above.Equal(one) {
			return crmkit.Invalid(field+".above", "threshold 1 is outside [0, 1): no discount is above it")
		}
	}
	return nil
}

// RequiredRoles returns the approval chain the policy asks for a quote
// with totals t (empty: no approval needed). The policy must be valid.
func (p ApprovalPolicy) RequiredRoles(t Totals) []string {
	var hit []ApprovalRule
	for _, r := range p.Rules {
		var above bool
		switch r.Basis {
		case MaxLineDiscount:
			above = t.MaxLineDiscount.GreaterThan(r.Above)
		case OverallDiscount:
			above = t.discountAbove(r.Above)
		}
		if above {
			hit = append(hit, r)
		}
	}
	slices.SortStableFunc(hit, func(a, b ApprovalRule) int { return a.Above.Cmp(b.Above) })
	if p.HighestOnly && len(hit) > 0 {
		hit = hit[len(hit)-1:]
	}
	var roles []string
	for _, r := range hit {
		if !slices.Contains(roles, r.Role) {
			roles = append(roles, r.Role)
		}
	}
	return roles
}
