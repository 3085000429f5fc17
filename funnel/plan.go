package funnel

import (
	"fmt"
	"math"

	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// PlanStep is one step of a reverse-funnel plan: a stage of the chain
// (leads, MQLs, SQLs, opportunities), its conversion rate to the next step
// (the last step converts to won deals) and how many of it one rep can
// handle in one period.
type PlanStep struct {
	// Name names the step, such as "leads" or "SQLs".
	Name string
	// Rate is the share of this step that reaches the next, in (0, 1].
	Rate decimal.Decimal
	// PerRep is how many of this step one rep can handle per period;
	// zero when the step takes no rep time (marketing automation, say).
	PerRep int64
}

// PlanInput is what a reverse-funnel plan starts from.
type PlanInput struct {
	// Target is the revenue to reach.
	Target crmkit.Money
	// AverageDeal is the average won deal size.
	AverageDeal crmkit.Money
	// Steps lists the chain from the top (leads) down; the last step's
	// rate is its win rate.
	Steps []PlanStep
	// Periods is the number of periods the target spans (12 for a year
	// planned by month); at least 1.
	Periods int
}

// PlannedStep is one step of a Plan.
type PlannedStep struct {
	Name string
	// Total is how many of this step the target needs over all periods;
	// PerPeriod is Total spread evenly over the periods, rounded up.
	Total, PerPeriod int64
	// Reps is the capacity the step takes: PerPeriod / PerRep rounded up
	// (0 when the step takes no rep time).
	Reps int64
}

// Plan is a reverse-funnel plan: from a revenue target back to the deals,
// opportunities, SQLs, MQLs and leads it needs, per period, and the reps
// it takes to handle them.
type Plan struct {
	// Deals is the number of won deals needed: Target / AverageDeal
	// rounded up.
	Deals int64
	// Steps follow the input's steps, top first.
	Steps []PlannedStep
}

// ReversePlan computes the plan (the reverse funnel):
//
//	deals     = ceil(target / average deal)
//	need[n]   = deals
//	need[i]   = ceil(need[i+1] / rate[i])      from the last step up
//	per period = ceil(need[i] / periods), reps = ceil(per period / per rep)
//
// Every quotient is rounded up, so the plan is never short: projecting its
// top step forward with Project meets the target. A target or average
// deal that is not positive, two currencies, no steps, a rate outside
// (0, 1], a negative PerRep, fewer than one period and a need beyond int64
// are errors.
func ReversePlan(in PlanInput) (Plan, error) {
	if in.Target.Sign() <= 0 || in.AverageDeal.Sign() <= 0 {
		return Plan{}, crmkit.Invalid("plan", "target %s and average deal %s must be positive", in.Target, in.AverageDeal)
	}
	if in.Target.Currency() != in.AverageDeal.Currency() {
		return Plan{}, fmt.Errorf("plan: target %s, average deal %s: %w", in.Target, in.AverageDeal, crmkit.ErrCurrencyMismatch)
	}
	if in.Periods < 1 {
		return Plan{}, crmkit.Invalid("periods", "%d periods", in.Periods)
	}
	if err := checkSteps(in.Steps); err != nil {
		return Plan{}, err
	}
	deals := ceilDiv(decimal.NewFromInt(in.Target.Minor()), decimal.NewFromInt(in.AverageDeal.Minor()))
	p := Plan{Steps: make([]PlannedStep, len(in.Steps))}
	var err error
	if p.Deals, err = toInt64(deals, "deals"); err != nil {
		return Plan{}, err
	}
	need := deals
	for i := len(in.Steps) - 1; i >= 0; i-- {
		s := in.Steps[i]
		need = ceilDiv(need, s.Rate)
		ps := PlannedStep{Name: s.Name}
		if ps.Total, err = toInt64(need, s.Name); err != nil {
			return Plan{}, err
		}
		ps.PerPeriod = (ps.Total + int64(in.Periods) - 1) / int64(in.Periods)
		if s.PerRep > 0 {
			ps.Reps = (ps.PerPeriod + s.PerRep - 1) / s.PerRep
		}
		p.Steps[i] = ps
	}
	return p, nil
}

func checkSteps(steps []PlanStep) error {
	if len(steps) == 0 {
		return crmkit.Invalid("steps", "no steps")
	}
	for i, s := range steps {
		field := fmt.Sprintf("steps[%d]", i)
		if err := crmkit.CheckFraction(field+".rate", s.Rate); err != nil {
			return fmt.Errorf("step %q: %w", s.Name, err)
		}
		if s.Rate.IsZero() {
			return crmkit.Invalid(field+".rate", "rate 0 of %q is outside (0, 1]", s.Name)
		}
		if s.PerRep < 0 {
			return crmkit.Invalid(field, "negative capacity %d of %q", s.PerRep, s.Name)
		}
	}
	return nil
}

// ceilDiv returns ceil(a / b) for a >= 0, b > 0, exactly.
func ceilDiv(a, b decimal.Decimal) decimal.Decimal {
	q, r := a.QuoRem(b, 0)
	if r.Sign() > 0 {
		q = q.Add(decimal.NewFromInt(1))
	}
	return q
}

func toInt64(d decimal.Decimal, what string) (int64, error) {
	if d.GreaterThan(decimal.NewFromInt(math.MaxInt64)) {
		return 0, fmt.Errorf("plan: %s needed %s: %w", what, d, crmkit.ErrOverflow)
	}
	return d.IntPart(), nil
}

// Projection is the forward funnel: how many reach each step from a number
// at the top, and the revenue of the won deals.
type Projection struct {
	// Counts holds, per step, how many reach it (Counts[0] is the
	// input); Deals is how many are won.
	Counts  []int64
	Deals   int64
	Revenue crmkit.Money
}

// Project runs the funnel forward from top entrants of the first step:
// each step passes floor(count × rate) on (whole people only), the last
// step's passes are won deals, each worth averageDeal. A negative top, a
// negative or currency-less average deal and invalid steps are errors.
func Project(steps []PlanStep, top int64, averageDeal crmkit.Money) (Projection, error) {
	if top < 0 {
		return Projection{}, crmkit.Invalid("top", "negative count %d", top)
	}
	if averageDeal.Sign() < 0 || averageDeal.Currency().IsZero() {
		return Projection{}, crmkit.Invalid("average deal", "%s is negative or has no currency", averageDeal)
	}
	if err := checkSteps(steps); err != nil {
		return Projection{}, err
	}
	p := Projection{Counts: make([]int64, len(steps))}
	n := top
	for i, s := range steps {
		p.Counts[i] = n
		n = decimal.NewFromInt(n).Mul(s.Rate).Floor().IntPart() // rate <= 1: fits
	}
	p.Deals = n
	rev := decimal.NewFromInt(n).Mul(decimal.NewFromInt(averageDeal.Minor()))
	if rev.GreaterThan(decimal.NewFromInt(math.MaxInt64)) {
		return Projection{}, fmt.Errorf("project: revenue of %d deals of %s: %w", n, averageDeal, crmkit.ErrOverflow)
	}
	m, err := crmkit.NewMoney(rev.IntPart(), averageDeal.Currency())
	if err != nil {
		return Projection{}, err
	}
	p.Revenue = m
	return p, nil
}
