package routing

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// RepLoad is one rep's line of a CapacityView.
type RepLoad struct {
	Rep, Team string
	// Open is how many open leads the rep holds: the leads waiting on the
	// rep's desk.
	Open int
	// Capacity is the most open leads the rep may hold (0 with Unlimited).
	Capacity int
	// Free is Capacity - Open, not below zero (0 with Unlimited).
	Free int
	// Over is Open - Capacity when the rep holds more than the capacity
	// (reps are never routed past it, but a capacity can be lowered).
	Over int
	// Unlimited reports a rep without a capacity.
	Unlimited bool
	// Utilisation is Open / Capacity (crmkit.Ratio); zero with
	// Unlimited. Above 1 means overloaded.
	Utilisation decimal.Decimal
}

// TeamLoad is one team's line of a CapacityView: the sums over its reps.
type TeamLoad struct {
	// Team is the team's key ("" gathers reps without a team).
	Team string
	// Reps is how many reps the team has.
	Reps int
	// Open, Capacity and Free add up the reps' lines (Capacity and Free
	// over the reps that have a capacity).
	Open, Capacity, Free int
	// Unlimited reports that some rep of the team has no capacity.
	Unlimited bool
	// Utilisation is Open / Capacity (crmkit.Ratio), zero when the team is Unlimited or has no capacity.
	Utilisation decimal.Decimal
}

// Backlog is the number of leads waiting unassigned for one routing
// group, beside the free places of the group's reps.
type Backlog struct {
	// Rule is the rule's name; "" for the pool.
	Rule string
	// Waiting is how many of the group's leads stayed unassigned.
	Waiting int
	// Free is the free places of the group's reps now.
	Free int
	// Unlimited reports that some rep of the group has no capacity.
	Unlimited bool
}

// CapacityView sets the leads waiting against the capacity to work them,
// per rep, per team and in total: a flood of leads with too little
// capacity loses customers, so a team must see it coming.
type CapacityView struct {
	// Reps in the order given, Teams sorted by key.
	Reps  []RepLoad
	Teams []TeamLoad
	// Backlog lists, for a Router's view, the routing groups with leads
	// left unassigned, in rule order with the pool last.
	Backlog []Backlog
	// Open, Capacity and Free add up every rep (Capacity and Free over
	// the reps that have a capacity); Unlimited reports a rep without one.
	Open, Capacity, Free int
	Unlimited            bool
	// Waiting is how many leads wait without a rep.
	Waiting int
	// Shortfall is how many waiting leads exceed the free places: zero
	// when there is room for all of them (or a rep without a limit).
	Shortfall int
}

// NewCapacityView builds the capacity view of reps (with their current
// Open counts) and waiting leads without a rep. A rep without an ID or
// with a negative capacity or open count, a repeated rep, and a negative
// waiting count are errors matching crmkit.ErrInvalid; totals that do not
// fit an int are crmkit.ErrOverflow.
func NewCapacityView(reps []Rep, waiting int) (CapacityView, error) {
	if waiting < 0 {
		return CapacityView{}, crmkit.Invalid("waiting", "negative count %d", waiting)
	}
	seen := make(map[string]bool, len(reps))
	for i, r := range reps {
		field := fmt.Sprintf("reps[%d]", i)
		if err := r.validate(field); err != nil {
			return CapacityView{}, err
		}
		if seen[r.ID] {
			return CapacityView{}, crmkit.Invalid(field, "rep %q listed twice", r.ID)
		}
		seen[r.ID] = true
	}
	return capacityView(reps, waiting)
}

// capacityView builds the view of validated reps.
func capacityView(reps []Rep, waiting int) (CapacityView, error) {
	v := CapacityView{Reps: make([]RepLoad, len(reps)), Waiting: waiting}
	teams := make(map[string]*TeamLoad)
	for i, r := range reps {
		rl := RepLoad{Rep: r.ID, Team: r.Team, Open: r.Open, Capacity: r.Capacity, Unlimited: r.Capacity == 0}
		if !rl.Unlimited {
			rl.Free = max(r.Capacity-r.Open, 0)
			rl.Over = max(r.Open-r.Capacity, 0)
			rl.Utilisation = ratio(r.Open, r.Capacity)
		}
		v.Reps[i] = rl
		t := teams[r.Team]
		if t == nil {
			t = &TeamLoad{Team: r.Team}
			teams[r.Team] = t
		}
		t.Reps++
		var ok bool
		if t.Open, ok = addInt(t.Open, rl.Open); !ok {
			return CapacityView{}, fmt.Errorf("capacity view: open leads of team %q: %w", r.Team, crmkit.ErrOverflow)
		}
		if t.Capacity, ok = addInt(t.Capacity, rl.Capacity); !ok {
			return CapacityView{}, fmt.Errorf("capacity view: capacity of team %q: %w", r.Team, crmkit.ErrOverflow)
		}
		t.Free += rl.Free // Free <= Capacity: cannot overflow once Capacity did not
		t.Unlimited = t.Unlimited || rl.Unlimited
	}
	v.Teams = make([]TeamLoad, 0, len(teams))
	for _, t := range teams {
		if !t.Unlimited {
			t.Utilisation = ratio(t.Open, t.Capacity)
		}
		var ok bool
		if v.Open, ok = addInt(v.Open, t.Open); !ok {
			return CapacityView{}, fmt.Errorf("capacity view: open leads: %w", crmkit.ErrOverflow)
		}
		if v.Capacity, ok = addInt(v.Capacity, t.Capacity); !ok {
			return CapacityView{}, fmt.Errorf("capacity view: capacity: %w", crmkit.ErrOverflow)
		}
		v.Free += t.Free
		v.Unlimited = v.Unlimited || t.Unlimited
		v.Teams = append(v.Teams, *t)
	}
	slices.SortFunc(v.Teams, func(a, b TeamLoad) int { return cmp.Compare(a.Team, b.Team) })
	if !v.Unlimited {
		v.Shortfall = max(waiting-v.Free, 0)
	}
	return v, nil
}

// ratio returns a/b (crmkit.Ratio), zero when b is zero.
func ratio(a, b int) decimal.Decimal {
	r, err := crmkit.Ratio(decimal.NewFromInt(int64(a)), decimal.NewFromInt(int64(b)))
	if err != nil { // b == 0
		return decimal.Zero
	}
	return r
}

// addInt adds non-negative ints, reporting false on overflow.
func addInt(a, b int) (int, bool) {
	if b > math.MaxInt-a {
		return 0, false
	}
	return a + b, true
}

// Capacity returns the router's capacity view: every rep's current load,
// per team and in total, with the leads left unassigned so far as Waiting
// and, per routing group that has any, as a Backlog beside the group's
// free places.
func (r *Router) Capacity() (CapacityView, error) {
	if err := r.check(); err != nil {
		return CapacityView{}, err
	}
	waiting := r.pool.waiting
	for i := range r.rules {
		waiting += r.rules[i].waiting
	}
	v, err := capacityView(r.reps, waiting)
	if err != nil {
		return CapacityView{}, err
	}
	for k := 0; k <= len(r.rules); k++ {
		g := &r.pool
		if k < len(r.rules) {
			g = &r.rules[k]
		}
		if g.waiting == 0 {
			continue
		}
		b := Backlog{Rule: g.name, Waiting: g.waiting}
		for _, i := range g.members {
			if f := r.reps[i].Free(); f < 0 {
				b.Unlimited = true
			} else {
				b.Free += f
			}
		}
		v.Backlog = append(v.Backlog, b)
	}
	return v, nil
}
