package routing

import (
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/internal/leadfield"
	"github.com/google/uuid"
)

// Strategy is how a Router spreads leads over the reps of a group.
type Strategy string

// The routing strategies. Every strategy skips full reps (see Rep).
const (
	// StrategyRoundRobin deals leads to the group's reps in turn: after n
	// leads to k reps with room, each has n/k rounded down or up.
	StrategyRoundRobin Strategy = "round_robin"
	// StrategyWeighted deals leads in proportion to the reps' weights with
	// smooth weighted round robin (the nginx upstream algorithm): within
	// every run of W leads, W the sum of the weights, a rep of weight w
	// gets exactly w, spread out rather than in a block. Reps of weight 0
	// get none.
	StrategyWeighted Strategy = "weighted_round_robin"
	// StrategyCapacity gives each lead to the rep with the lowest load,
	// Open/Capacity (ties to the rep listed first), so that reps fill up
	// evenly in proportion to their capacity. Every rep needs a capacity.
	StrategyCapacity Strategy = "capacity"
)

// Rep is a sales representative leads can be routed to, with the load they
// carry. Reps are the host application's: ID is its key.
type Rep struct {
	// ID is the host application's key of the rep; unique in a plan.
	ID string `json:"id"`
	// Team is the host application's key of the rep's team (optional).
	Team string `json:"team,omitempty"`
	// Weight is the rep's share under StrategyWeighted; not negative.
	Weight int `json:"weight,omitempty"`
	// Capacity is the most open leads the rep may hold; 0 means no limit.
	// A rep whose Open reached Capacity is full and is skipped. Not
	// negative.
	Capacity int `json:"capacity,omitempty"`
	// Open is how many open leads the rep holds now; not negative.
	Open int `json:"open,omitempty"`
}

// Full reports whether the rep has a capacity and reached it.
func (r Rep) Full() bool { return r.Capacity > 0 && r.Open >= r.Capacity }

// Free returns how many more leads the rep can take: Capacity - Open, not
// below zero, and -1 for a rep without a limit.
func (r Rep) Free() int {
	switch {
	case r.Capacity == 0:
		return -1
	case r.Open >= r.Capacity:
		return 0
	}
	return r.Capacity - r.Open
}

func (r Rep) validate(field string) error {
	switch {
	case strings.TrimSpace(r.ID) == "":
		return crmkit.Invalid(field, "rep without an id")
	case r.Weight < 0:
		return crmkit.Invalid(field+" ("+r.ID+")", "negative weight %d", r.Weight)
	case r.Capacity < 0:
		return crmkit.Invalid(field+" ("+r.ID+")", "negative capacity %d", r.Capacity)
	case r.Open < 0:
		return crmkit.Invalid(field+" ("+r.ID+")", "negative open lead count %d", r.Open)
	}
	return nil
}

// Rule sends the leads it matches to its reps: a territory, a
// segment or a language team. A rule matches a lead when every list that
// is not empty contains the lead's value (ignoring case); a rule with all
// lists empty matches every lead. Rules are tried in order and the first
// match wins.
type Rule struct {
	// Name identifies the rule in assignments; unique and not empty.
	Name string `json:"name"`
	// Territories are compared with the plan's TerritoryField (country by
	// default).
	Territories []string `json:"territories,omitempty"`
	// Segments are compared with the plan's SegmentField (attr.segment by
	// default).
	Segments []string `json:"segments,omitempty"`
	// Languages are compared with the plan's LanguageField (attr.language
	// by default).
	Languages []string `json:"languages,omitempty"`
	// Reps are the IDs of the reps the rule's leads go to.
	Reps []string `json:"reps"`
	// Overflow sends the rule's leads to the pool when all of its reps are
	// full; without it they stay unassigned.
	Overflow bool `json:"overflow,omitempty"`
}

// The default fields Plan reads for its rules.
const (
	DefaultTerritoryField = lead.FieldCountry
	DefaultSegmentField   = lead.FieldAttrPrefix + "segment"
	DefaultLanguageField  = lead.FieldAttrPrefix + "language"
)

// Plan says how leads are distributed to reps: the reps with their
// loads, first-match rules (territory, segment, language) each with its
// reps, the pool that takes leads no rule matched, and the strategy that
// spreads a group's leads over its reps. It is configuration as data,
// JSON-ready; NewRouter validates and compiles it.
type Plan struct {
	// Strategy spreads leads within a group; empty means round robin.
	Strategy Strategy `json:"strategy,omitempty"`
	// Reps are every rep leads may go to, with their current loads.
	Reps []Rep `json:"reps"`
	// Rules are tried in order; the first that matches a lead decides its
	// group.
	Rules []Rule `json:"rules,omitempty"`
	// Pool are the IDs of the reps that take leads no rule matched; empty
	// means every rep.
	Pool []string `json:"pool,omitempty"`
	// TerritoryField, SegmentField and LanguageField name the lead fields
	// (see the lead.Field names) rules compare; empty means
	// DefaultTerritoryField, DefaultSegmentField and DefaultLanguageField.
	TerritoryField string `json:"territory_field,omitempty"`
	SegmentField   string `json:"segment_field,omitempty"`
	LanguageField  string `json:"language_field,omitempty"`
}

// Validate reports the first problem of the plan, as an error matching
// crmkit.ErrInvalid: an unknown strategy, no reps, a rep without an ID or
// with a repeated one, a negative weight, capacity or open count, a rule
// without a name or with a repeated one, without reps or naming an unknown
// rep, an unknown pool rep, an unknown field, a group whose reps all have
// weight 0 under StrategyWeighted, and a rep without a capacity under
// StrategyCapacity.
func (p Plan) Validate() error {
	_, err := NewRouter(p)
	return err
}

// group is a compiled rule, or the pool.
type group struct {
	name        string
	territories []string
	segments    []string
	languages   []string
	members     []int   // rep indexes
	current     []int64 // smooth weighted round robin state, per member
	cursor      int     // round robin: the member to try first
	overflow    bool
	waiting     int // leads left unassigned in this group
}

// Router assigns leads to reps following a Plan, and keeps the
// reps' loads and its round-robin positions between calls, so routing a
// stream lead by lead or in batches gives the same assignments. It is
// deterministic: the same plan and the same leads in the same order give
// the same assignments. It never modifies the leads: assignments are
// values. A Router is not safe for concurrent use.
type Router struct {
	strategy Strategy
	reps     []Rep
	index    map[string]int
	rules    []group
	pool     group
	fields   [3]leadfield.Ref // territory, segment, language
}

// NewRouter validates plan (see Plan.Validate) and returns a router
// starting from the plan's loads. The router keeps its own copy of the
// plan.
func NewRouter(plan Plan) (*Router, error) {
	r := &Router{strategy: plan.Strategy}
	if r.strategy == "" {
		r.strategy = StrategyRoundRobin
	}
	switch r.strategy {
	case StrategyRoundRobin, StrategyWeighted, StrategyCapacity:
	default:
		return nil, crmkit.Invalid("strategy", "unknown strategy %q (want round_robin, weighted_round_robin or capacity)", string(plan.Strategy))
	}
	if len(plan.Reps) == 0 {
		return nil, crmkit.Invalid("reps", "a routing plan needs at least one rep")
	}
	r.reps = slices.Clone(plan.Reps)
	r.index = make(map[string]int, len(r.reps))
	for i, rep := range r.reps {
		field := fmt.Sprintf("reps[%d]", i)
		if err := rep.validate(field); err != nil {
			return nil, err
		}
		if _, dup := r.index[rep.ID]; dup {
			return nil, crmkit.Invalid(field, "rep %q listed twice", rep.ID)
		}
		if r.strategy == StrategyCapacity && rep.Capacity == 0 {
			return nil, crmkit.Invalid(field+" ("+rep.ID+")", "the capacity strategy needs a capacity for every rep")
		}
		r.index[rep.ID] = i
	}
	for i, def := range [3]struct{ name, given, fallback string }{
		{"territory field", plan.TerritoryField, DefaultTerritoryField},
		{"segment field", plan.SegmentField, DefaultSegmentField},
		{"language field", plan.LanguageField, DefaultLanguageField},
	} {
		name := def.given
		if name == "" {
			name = def.fallback
		}
		f, err := leadfield.Parse(def.name, name)
		if err != nil {
			return nil, err
		}
		r.fields[i] = f
	}
	names := make(map[string]bool, len(plan.Rules))
	for i, rule := range plan.Rules {
		field := fmt.Sprintf("rules[%d]", i)
		if strings.TrimSpace(rule.Name) == "" {
			return nil, crmkit.Invalid(field, "rule without a name")
		}
		if names[rule.Name] {
			return nil, crmkit.Invalid(field, "rule name %q used twice", rule.Name)
		}
		names[rule.Name] = true
		field += " (" + rule.Name + ")"
		if len(rule.Reps) == 0 {
			return nil, crmkit.Invalid(field, "rule without reps")
		}
		g, err := r.newGroup(field, rule.Name, rule.Reps)
		if err != nil {
			return nil, err
		}
		g.overflow = rule.Overflow
		for _, l := range []struct {
			dst *[]string
			src []string
			n   string
		}{{&g.territories, rule.Territories, "territories"}, {&g.segments, rule.Segments, "segments"}, {&g.languages, rule.Languages, "languages"}} {
			for j, v := range l.src {
				v = strings.TrimSpace(v)
				if v == "" {
					return nil, crmkit.Invalid(field, "%s[%d] is empty", l.n, j)
				}
				*l.dst = append(*l.dst, v)
			}
		}
		r.rules = append(r.rules, g)
	}
	pool := plan.Pool
	if len(pool) == 0 {
		pool = make([]string, len(r.reps))
		for i, rep := range r.reps {
			pool[i] = rep.ID
		}
	}
	g, err := r.newGroup("pool", "", pool)
	if err != nil {
		return nil, err
	}
	r.pool = g
	return r, nil
}

// newGroup resolves rep IDs to indexes.
func (r *Router) newGroup(field, name string, ids []string) (group, error) {
	g := group{name: name, members: make([]int, 0, len(ids)), current: make([]int64, len(ids))}
	seen := make(map[int]bool, len(ids))
	weight := 0
	for j, id := range ids {
		i, ok := r.index[id]
		if !ok {
			return group{}, crmkit.Invalid(fmt.Sprintf("%s reps[%d]", field, j), "unknown rep %q", id)
		}
		if seen[i] {
			return group{}, crmkit.Invalid(fmt.Sprintf("%s reps[%d]", field, j), "rep %q listed twice", id)
		}
		seen[i] = true
		g.members = append(g.members, i)
		weight += r.reps[i].Weight
	}
	if r.strategy == StrategyWeighted && weight == 0 {
		return group{}, crmkit.Invalid(field, "every rep has weight 0, so weighted round robin cannot route to it")
	}
	return g, nil
}

// Assignment is the routing of one lead: to which rep (and team) by which
// rule, or why it stayed unassigned.
type Assignment struct {
	// Lead is the lead's ID.
	Lead uuid.UUID
	// Rep is the ID of the rep the lead goes to; "" when unassigned.
	Rep string
	// Team is the rep's team.
	Team string
	// Rule is the name of the rule that matched; "" for the pool.
	Rule string
	// Reason says why the lead stayed unassigned; "" when assigned.
	Reason string
}

// Assigned reports whether the lead got a rep.
func (a Assignment) Assigned() bool { return a.Rep != "" }

// Route assigns one lead: the first rule that matches it names the group
// (the pool when none does), and the strategy picks a rep of the group
// that is not full. When every rep of the group is full the lead stays
// unassigned and the assignment says why (a rule with Overflow tries the
// pool first). The chosen rep's Open count goes up by one. Route reads l
// through a pointer to copy nothing and does not modify it; it does not
// allocate. A nil lead stays unassigned with the reason "nil lead". A nil
// router, or a zero Router not built by NewRouter, is an error matching
// crmkit.ErrInvalid.
func (r *Router) Route(l *lead.Lead) (Assignment, error) {
	if err := r.check(); err != nil {
		return Assignment{}, err
	}
	if l == nil {
		return Assignment{Reason: "nil lead"}, nil
	}
	return r.route(l), nil
}

// check rejects a nil router and a zero one, which NewRouter never returns
// (it always holds at least one rep).
func (r *Router) check() error {
	if r == nil || r.index == nil {
		return crmkit.Invalid("router", "nil or zero router: build it with NewRouter")
	}
	return nil
}

func (r *Router) route(l *lead.Lead) Assignment {
	a := Assignment{Lead: l.ID}
	g := &r.pool
	for i := range r.rules {
		if r.matches(&r.rules[i], l) {
			g = &r.rules[i]
			break
		}
	}
	a.Rule = g.name
	i := r.pick(g)
	if i < 0 && g.overflow {
		i = r.pick(&r.pool)
	}
	if i < 0 {
		g.waiting++
		if g == &r.pool {
			a.Reason = "every pool rep is full"
		} else if g.overflow {
			a.Reason = "every rep of the rule and of the pool is full"
		} else {
			a.Reason = "every rep of the rule is full"
		}
		return a
	}
	r.reps[i].Open++
	a.Rep, a.Team = r.reps[i].ID, r.reps[i].Team
	return a
}

func (r *Router) matches(g *group, l *lead.Lead) bool {
	for k, list := range [3][]string{g.territories, g.segments, g.languages} {
		if len(list) == 0 {
			continue
		}
		v := r.fields[k].Text(l)
		if !equalsAnyFold(list, v) {
			return false
		}
	}
	return true
}

// equalsAnyFold reports whether v equals one of list, ignoring case.
func equalsAnyFold(list []string, v string) bool {
	for _, s := range list {
		if strings.EqualFold(s, v) {
			return true
		}
	}
	return false
}

// pick returns the index of the rep that gets the group's next lead, or
// -1 when every rep of the group is full.
func (r *Router) pick(g *group) int {
	n := len(g.members)
	switch r.strategy {
	case StrategyWeighted:
		best, total := -1, int64(0)
		for k, i := range g.members {
			rep := &r.reps[i]
			if rep.Weight == 0 || rep.Full() {
				continue
			}
			g.current[k] += int64(rep.Weight)
			total += int64(rep.Weight)
			if best < 0 || g.current[k] > g.current[best] {
				best = k
			}
		}
		if best < 0 {
			return -1
		}
		g.current[best] -= total
		return g.members[best]
	case StrategyCapacity:
		best := -1
		for _, i := range g.members {
			rep := &r.reps[i]
			if rep.Full() {
				continue
			}
			// rep.Open/rep.Capacity < best.Open/best.Capacity, exactly.
			if best < 0 || int64(rep.Open)*int64(r.reps[best].Capacity) < int64(r.reps[best].Open)*int64(rep.Capacity) {
				best = i
			}
		}
		return best
	default:
		for k := range n {
			m := (g.cursor + k) % n
			if i := g.members[m]; !r.reps[i].Full() {
				g.cursor = (m + 1) % n
				return i
			}
		}
		return -1
	}
}

// Release records that one open lead of rep was closed (converted,
// disqualified, handed over), freeing a place. An unknown rep, or one
// without open leads, is an error matching crmkit.ErrInvalid and changes
// nothing.
func (r *Router) Release(rep string) error {
	if err := r.check(); err != nil {
		return err
	}
	i, ok := r.index[rep]
	if !ok {
		return crmkit.Invalid("rep", "unknown rep %q", rep)
	}
	if r.reps[i].Open == 0 {
		return crmkit.Invalid("rep", "rep %q holds no open lead to release", rep)
	}
	r.reps[i].Open--
	return nil
}

// Reps returns the reps with their current loads, in the plan's order
// (none for a nil router).
func (r *Router) Reps() []Rep {
	if r == nil {
		return nil
	}
	return slices.Clone(r.reps)
}

// Result is the outcome of routing a batch of leads.
type Result struct {
	// Assigned are the leads that got a rep, in input order.
	Assigned []Assignment
	// Unassigned are the leads that stayed unassigned because every rep
	// they could go to was full, in input order.
	Unassigned []Assignment
	// Reps are the reps with their loads after the batch.
	Reps []Rep
}

// RouteAll routes a stream of leads with Route and collects the result.
// A nil or zero router and a nil sequence are errors matching
// crmkit.ErrInvalid.
func (r *Router) RouteAll(leads iter.Seq[lead.Lead]) (Result, error) {
	if err := r.check(); err != nil {
		return Result{}, err
	}
	if leads == nil {
		return Result{}, crmkit.Invalid("leads", "nil sequence")
	}
	var res Result
	for l := range leads {
		if a := r.route(&l); a.Assigned() {
			res.Assigned = append(res.Assigned, a)
		} else {
			res.Unassigned = append(res.Unassigned, a)
		}
	}
	res.Reps = r.Reps()
	return res, nil
}
