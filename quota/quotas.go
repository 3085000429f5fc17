package quota

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/kpi"
	"github.com/shopspring/decimal"
)

// Quotas beyond money: a rep carries several quotas per period (revenue,
// deals, meetings, new logos), each a Quota with its own Unit; new hires
// ramp up, partial periods are prorated, managers' quotas roll up from
// their teams or are set on their own, and a Scorecard weighs the
// attainments of several quota types into one score.

// Quota is one target of one type for one rep and period: 250,000.00 EUR
// of revenue, 12 deals, 40 meetings, 3 new logos. The target carries its
// unit.
type Quota struct {
	Rep    string        `json:"rep"`
	Type   string        `json:"type"`
	Period crmkit.Period `json:"period"`
	Target Quantity      `json:"target"`
}

// Attainment is actual / Target (kpi.Attainment for money,
// kpi.AttainmentCount for counts), invalid when the target is zero (or,
// for counts, the actual negative). An actual in another unit than the
// target's is an error matching crmkit.ErrInvalid
// (crmkit.ErrCurrencyMismatch between currencies).
func (q Quota) Attainment(actual Quantity) (decimal.NullDecimal, error) {
	u, err := q.Target.sameUnit(actual, "attainment of")
	if err != nil {
		return decimal.NullDecimal{}, fmt.Errorf("quota %s of %q: %w", q.Type, q.Rep, err)
	}
	if u.IsMoney() {
		return ratio(kpi.Attainment(u.carrier(actual.n), u.carrier(q.Target.n))), nil
	}
	return ratio(kpi.AttainmentCount(actual.n, q.Target.n)), nil
}

// Ramp is the share of full quota a new hire carries by month of tenure:
// Ramp[0] in the month they start, Ramp[1] in the next, and 100% after
// the last. A common ramp is 25%, 50%, 75%.
type Ramp []decimal.Decimal

// Validate rejects shares below 0 or above 1.
func (r Ramp) Validate() error {
	for i, s := range r {
		if s.Sign() < 0 || s.GreaterThan(decimal.NewFromInt(1)) {
			return crmkit.Invalid(fmt.Sprintf("ramp[%d]", i), "%s is outside 0..1", s)
		}
	}
	return nil
}

// Member is a quota carrier: a rep or a manager, whom they report to, when
// they started and left (zero when outside the periods of interest) and
// their ramp.
type Member struct {
	Rep     string    `json:"rep"`
	Manager string    `json:"manager,omitempty"`
	Start   time.Time `json:"start,omitzero"`
	End     time.Time `json:"end,omitzero"`
	Ramp    Ramp      `json:"ramp,omitempty"`
}

// QuotaStep explains one month of an effective quota.
type QuotaStep struct {
	Month crmkit.Period
	// Full is the month's part of the full quota (the full quota shared
	// equally over the period's months, exactly).
	Full Quantity
	// Tenure is the month of tenure (1 is the month of the start; 0 for a
	// month before it); Ramp the share of full quota it carries.
	Tenure int
	Ramp   decimal.Decimal
	// Active and Length are the time employed in the month and the month's
	// length, in whole days or parts of days as durations.
	Active, Length time.Duration
	// Effective is Full x Ramp x Active / Length, rounded once.
	Effective Quantity
}

// EffectiveQuota returns what a member carries of a full quota for period
// (in full's unit, rounded with mode): the full quota shared equally over the
// fiscal months of the period, each month times the ramp share for the
// member's month of tenure and times the part of the month they were
// employed (proration), with the steps that explain it. A member employed
// throughout without a ramp carries the full quota.
//
// A negative full quota or one without a unit, an invalid ramp, an empty
// period, an end before the start and a zero rounding mode are errors
// matching crmkit.ErrInvalid.
func EffectiveQuota(cal crmkit.Calendar, fullQuota Quantity, period crmkit.Period, m Member, mode crmkit.RoundingMode) (Quantity, []QuotaStep, error) {
	n, steps, err := effectiveQuota(cal, fullQuota, period, m, mode)
	if err != nil {
		return Quantity{}, nil, err
	}
	return fullQuota.unit.of(n), steps, nil
}

func effectiveQuota(cal crmkit.Calendar, fullQuota Quantity, period crmkit.Period, m Member, mode crmkit.RoundingMode) (int64, []QuotaStep, error) {
	u, full := fullQuota.unit, fullQuota.n
	if err := u.Validate(); err != nil {
		return 0, nil, fmt.Errorf("full quota %s: %w", fullQuota, err)
	}
	if err := checkRounding(mode); err != nil {
		return 0, nil, err
	}
	if full < 0 {
		return 0, nil, crmkit.Invalid("full quota", "negative %s", fullQuota)
	}
	if period.IsEmpty() {
		return 0, nil, crmkit.Invalid("period", "empty period %s", period)
	}
	if err := m.Ramp.Validate(); err != nil {
		return 0, nil, fmt.Errorf("rep %q: %w", m.Rep, err)
	}
	if !m.Start.IsZero() && !m.End.IsZero() && m.End.Before(m.Start) {
		return 0, nil, crmkit.Invalid("end", "rep %q leaves before starting", m.Rep)
	}
	months := cal.Months(period)
	parts, err := u.carrier(full).Allocate(slices.Repeat([]int64{1}, len(months))...)
	if err != nil {
		return 0, nil, err
	}
	employed := crmkit.Period{Start: m.Start, End: m.End}
	if m.Start.IsZero() {
		employed.Start = period.Start
	}
	if m.End.IsZero() {
		employed.End = period.End
	}
	startMonth := 0
	if !m.Start.IsZero() {
		startMonth = fiscalIndex(cal, m.Start)
	}
	steps := make([]QuotaStep, len(months))
	var total int64
	one := decimal.NewFromInt(1)
	for i, mo := range months {
		st := QuotaStep{Month: mo, Full: u.of(parts[i].Minor()), Effective: u.Zero(), Ramp: one, Length: mo.Duration()}
		if in, ok := mo.Intersect(employed); ok {
			st.Active = in.Duration()
		}
		if !m.Start.IsZero() {
			st.Tenure = fiscalIndex(cal, mo.Start) - startMonth + 1
			switch {
			case st.Tenure < 1:
				st.Tenure, st.Ramp = 0, decimal.Zero
			case st.Tenure <= len(m.Ramp):
				st.Ramp = m.Ramp[st.Tenure-1]
			}
		}
		if st.Active > 0 && st.Length > 0 {
			x := st.Ramp.Mul(decimal.NewFromInt(int64(st.Active / time.Millisecond)))
			eff, err := mulDiv(st.Full.n, x, decimal.NewFromInt(int64(st.Length/time.Millisecond)), u, mode)
			if err != nil {
				return 0, nil, err
			}
			st.Effective = u.of(eff)
		}
		if total, err = addUnits(total, st.Effective.n); err != nil {
			return 0, nil, err
		}
		steps[i] = st
	}
	return total, steps, nil
}

// fiscalIndex numbers fiscal months consecutively across years.
func fiscalIndex(cal crmkit.Calendar, t time.Time) int {
	return cal.FiscalYear(t)*12 + cal.FiscalMonth(t) - 1
}

// ManagerMode says how a manager's quota is set.
type ManagerMode uint8

// The manager modes.
const (
	// RollUp sets a manager's quota to the sum of the quotas of everyone
	// reporting to them (managers below included, rolled up first), plus
	// the manager's own personal quota, if any.
	RollUp ManagerMode = iota + 1
	// Own sets a manager's quota on its own, whatever the team carries.
	Own
)

// Manager is how one manager's quota is set: rolled up from the team or
// their own, and the personal or own quota.
type Manager struct {
	Rep   string      `json:"rep"`
	Mode  ManagerMode `json:"mode"`
	Quota Quantity    `json:"quota"`
}

// TeamQuotas returns every member's and manager's quota: members' quotas
// from quotas (missing ones are zero), managers' by their Manager rule
// (managers named only as a member's Manager roll up). Reporting lines
// come from the members' Manager fields and may nest.
//
// Every quota is in one unit, the result's (a rep or manager without one
// carries zero of it). A reporting cycle, a negative quota, quotas in two
// units, an unknown mode and a manager listed twice are errors matching
// crmkit.ErrInvalid (crmkit.ErrCurrencyMismatch between currencies); sums
// beyond int64 are crmkit.ErrOverflow.
func TeamQuotas(members []Member, quotas map[string]Quantity, managers []Manager) (map[string]Quantity, error) {
	var unit Quantity // zero of the quotas' unit, once one is seen
	same := func(who string, q Quantity) (int64, error) {
		u, err := unit.sameUnit(q, "beside")
		if err != nil {
			return 0, fmt.Errorf("quota of %q: %w", who, err)
		}
		unit = u.Zero()
		return q.n, nil
	}
	ns := make(map[string]int64, len(quotas))
	for _, rep := range slices.Sorted(maps.Keys(quotas)) {
		n, err := same(rep, quotas[rep])
		if err != nil {
			return nil, err
		}
		ns[rep] = n
	}
	rules := make(map[string]Manager, len(managers))
	own := make(map[string]int64, len(managers))
	for _, m := range managers {
		n, err := same(m.Rep, m.Quota)
		if err != nil {
			return nil, err
		}
		own[m.Rep] = n
		if _, dup := rules[m.Rep]; dup {
			return nil, crmkit.Invalid("managers", "%q listed twice", m.Rep)
		}
		if m.Mode != RollUp && m.Mode != Own {
			return nil, crmkit.Invalid("managers", "%q has unknown mode %d", m.Rep, m.Mode)
		}
		if n < 0 {
			return nil, crmkit.Invalid("managers", "%q has negative quota %s", m.Rep, m.Quota)
		}
		rules[m.Rep] = m
	}
	reports := map[string][]string{}
	for _, m := range members {
		if m.Manager != "" {
			reports[m.Manager] = append(reports[m.Manager], m.Rep)
		}
	}
	for rep, q := range quotas {
		if q.n < 0 {
			return nil, crmkit.Invalid("quotas", "%q has negative quota %s", rep, q)
		}
	}
	out := make(map[string]int64)
	const (
		visiting = 1
		done     = 2
	)
	state := map[string]int{}
	var visit func(rep string, path []string) (int64, error)
	visit = func(rep string, path []string) (int64, error) {
		switch state[rep] {
		case done:
			return out[rep], nil
		case visiting:
			return 0, crmkit.Invalid("managers", "reporting cycle %v", append(path, rep))
		}
		state[rep] = visiting
		rule, isRule := rules[rep]
		team := reports[rep]
		var q int64
		switch {
		case isRule && rule.Mode == Own:
			q = own[rep]
			// The team still gets its own quotas.
			for _, r := range team {
				if _, err := visit(r, append(path, rep)); err != nil {
					return 0, err
				}
			}
		case isRule || len(team) > 0:
			q = ns[rep] // a manager's personal quota, unless the rule sets it
			if isRule {
				q = own[rep]
			}
			for _, r := range team {
				v, err := visit(r, append(path, rep))
				if err != nil {
					return 0, err
				}
				if q, err = addUnits(q, v); err != nil {
					return 0, fmt.Errorf("team of %q: %w", rep, err)
				}
			}
		default:
			q = ns[rep]
		}
		state[rep] = done
		out[rep] = q
		return q, nil
	}
	var names []string
	for _, m := range members {
		names = append(names, m.Rep, m.Manager)
	}
	for _, m := range managers {
		names = append(names, m.Rep)
	}
	for rep := range quotas {
		names = append(names, rep)
	}
	slices.Sort(names)
	for _, rep := range slices.Compact(names) {
		if rep == "" {
			continue
		}
		if _, err := visit(rep, nil); err != nil {
			return nil, err
		}
	}
	typed := make(map[string]Quantity, len(out))
	for rep, n := range out {
		typed[rep] = unit.unit.of(n)
	}
	return typed, nil
}

// Measure is one quota type on a scorecard: its weight and the highest
// attainment it counts (no limit when Cap is null).
type Measure struct {
	Type   string              `json:"type"`
	Weight decimal.Decimal     `json:"weight"`
	Cap    decimal.NullDecimal `json:"cap"`
}

// Scorecard weighs the attainments of several quota types into one score:
//
//	score = sum of Weight(t) x min(attainment(t), Cap(t)) / sum of Weight(t)
//
// computed by crmkit.Ratio, so 1 is on target overall.
type Scorecard []Measure

// Score computes the score from the attainment of each measure's type.
// Negative weights or caps, weights summing to zero, a repeated type and a
// missing attainment are errors matching crmkit.ErrInvalid.
func (s Scorecard) Score(attainments map[string]decimal.Decimal) (decimal.Decimal, error) {
	var num, den decimal.Decimal
	seen := map[string]bool{}
	for i, m := range s {
		f := fmt.Sprintf("scorecard[%d]", i)
		if seen[m.Type] {
			return decimal.Decimal{}, crmkit.Invalid(f, "type %q appears twice", m.Type)
		}
		seen[m.Type] = true
		if m.Weight.Sign() < 0 {
			return decimal.Decimal{}, crmkit.Invalid(f, "negative weight %s", m.Weight)
		}
		if m.Cap.Valid && m.Cap.Decimal.Sign() < 0 {
			return decimal.Decimal{}, crmkit.Invalid(f, "negative cap %s", m.Cap.Decimal)
		}
		a, ok := attainments[m.Type]
		if !ok {
			return decimal.Decimal{}, crmkit.Invalid(f, "no attainment for %q", m.Type)
		}
		if m.Cap.Valid && a.GreaterThan(m.Cap.Decimal) {
			a = m.Cap.Decimal
		}
		num, den = num.Add(m.Weight.Mul(a)), den.Add(m.Weight)
	}
	if den.Sign() == 0 {
		return decimal.Decimal{}, crmkit.Invalid("scorecard", "weights sum to zero")
	}
	return crmkit.Ratio(num, den)
}
