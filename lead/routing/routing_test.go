package routing_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/routing"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// rtLeads returns n leads with distinct IDs (1, 2, ...) from country.
func rtLeads(n int, country string) []lead.Lead {
	out := make([]lead.Lead, n)
	for i := range out {
		out[i] = rtLead(i+1, country, "", "")
	}
	return out
}

func rtLead(id int, country, segment, language string) lead.Lead {
	l := lead.Lead{ID: uuid.UUID{15: byte(id), 14: byte(id >> 8), 13: byte(id >> 16)}, Who: lead.Person{Name: "x", Country: country}}
	if segment != "" || language != "" {
		l.Who.Attributes = map[string]string{"segment": segment, "language": language}
	}
	return l
}

// routeOnce routes leads with a new Router for plan: NewRouter, then
// RouteAll.
func routeOnce(plan routing.Plan, leads []lead.Lead) (routing.Result, error) {
	r, err := routing.NewRouter(plan)
	if err != nil {
		return routing.Result{}, err
	}
	return r.RouteAll(slices.Values(leads))
}

// rtReps returns the rep IDs of assignments in order.
func rtReps(as []routing.Assignment) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Rep
	}
	return out
}

func TestRoundRobin(t *testing.T) {
	res, err := routeOnce(routing.Plan{
		Reps: []routing.Rep{{ID: "ann", Team: "north"}, {ID: "bob", Team: "north"}, {ID: "cy", Team: "south"}},
	}, rtLeads(7, "DE"))
	require.NoError(t, err)
	assert.Equal(t, []string{"ann", "bob", "cy", "ann", "bob", "cy", "ann"}, rtReps(res.Assigned))
	assert.Empty(t, res.Unassigned)
	assert.Equal(t, "south", res.Assigned[2].Team)
	assert.Equal(t, "", res.Assigned[2].Rule)
	assert.Equal(t, rtLead(3, "", "", "").ID, res.Assigned[2].Lead)
	assert.Equal(t, []int{3, 2, 2}, []int{res.Reps[0].Open, res.Reps[1].Open, res.Reps[2].Open})
}

func TestRoundRobinSkipsFullReps(t *testing.T) {
	r, err := routing.NewRouter(routing.Plan{
		Strategy: routing.StrategyRoundRobin,
		Reps:     []routing.Rep{{ID: "ann", Capacity: 2}, {ID: "bob", Capacity: 1, Open: 1}, {ID: "cy", Capacity: 3, Open: 1}},
	})
	require.NoError(t, err)
	res, err := r.RouteAll(slices.Values(rtLeads(6, "DE")))
	require.NoError(t, err)
	// bob is full from the start; ann takes 2, cy takes 2, then all full.
	assert.Equal(t, []string{"ann", "cy", "ann", "cy"}, rtReps(res.Assigned))
	require.Len(t, res.Unassigned, 2)
	assert.Equal(t, "every pool rep is full", res.Unassigned[0].Reason)
	assert.False(t, res.Unassigned[0].Assigned())
	assert.Equal(t, rtLead(5, "", "", "").ID, res.Unassigned[0].Lead)

	// Freeing a place lets the next lead in.
	require.NoError(t, r.Release("bob"))
	l := rtLead(7, "DE", "", "")
	a, err := r.Route(&l)
	require.NoError(t, err)
	assert.Equal(t, "bob", a.Rep)
	assert.ErrorIs(t, r.Release("dan"), crmkit.ErrInvalid)
	require.NoError(t, r.Release("ann"))
	require.NoError(t, r.Release("ann"))
	err = r.Release("ann")
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Equal(t, 0, r.Reps()[0].Open, "a failed release changes nothing")
}

func TestWeightedRoundRobinNginxSequence(t *testing.T) {
	// The example of nginx's smooth weighted round robin (commit 52327e0,
	// ngx_http_upstream_round_robin.c): weights 5, 1, 1 give
	// a a b a c a a.
	res, err := routeOnce(routing.Plan{
		Strategy: routing.StrategyWeighted,
		Reps:     []routing.Rep{{ID: "a", Weight: 5}, {ID: "b", Weight: 1}, {ID: "c", Weight: 1}},
	}, rtLeads(14, "DE"))
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "a", "b", "a", "c", "a", "a", "a", "a", "b", "a", "c", "a", "a"}, rtReps(res.Assigned))
}

func TestWeightedSkipsZeroWeightAndFullReps(t *testing.T) {
	res, err := routeOnce(routing.Plan{
		Strategy: routing.StrategyWeighted,
		Reps:     []routing.Rep{{ID: "a", Weight: 2, Capacity: 2}, {ID: "b", Weight: 1}, {ID: "z", Weight: 0}},
	}, rtLeads(5, "DE"))
	require.NoError(t, err)
	// a (cur 2,1 -> a: 2-3=-1), b? cur a=1,b=2 -> b: b=-1; a=3,b=0 -> a
	// (full now); then only b.
	assert.Equal(t, []string{"a", "b", "a", "b", "b"}, rtReps(res.Assigned))
}

func TestCapacityStrategyFillsEvenly(t *testing.T) {
	r, err := routing.NewRouter(routing.Plan{
		Strategy: routing.StrategyCapacity,
		Reps:     []routing.Rep{{ID: "ann", Team: "t", Capacity: 2, Open: 1}, {ID: "bob", Team: "t", Capacity: 4}},
	})
	require.NoError(t, err)
	res, err := r.RouteAll(slices.Values(rtLeads(7, "DE")))
	require.NoError(t, err)
	// Loads: ann 1/2, bob 0/4 -> bob (1/4) -> bob (2/4) -> tie 1/2 vs
	// 2/4: ann, listed first (2/2, full) -> bob (3/4) -> bob (4/4) -> none.
	assert.Equal(t, []string{"bob", "bob", "ann", "bob", "bob"}, rtReps(res.Assigned))
	assert.Len(t, res.Unassigned, 2)

	v, err := r.Capacity()
	require.NoError(t, err)
	assert.Equal(t, 6, v.Open)
	assert.Equal(t, 6, v.Capacity)
	assert.Equal(t, 0, v.Free)
	assert.Equal(t, 2, v.Waiting)
	assert.Equal(t, 2, v.Shortfall)
	require.Len(t, v.Backlog, 1)
	assert.Equal(t, routing.Backlog{Rule: "", Waiting: 2, Free: 0}, v.Backlog[0])
}

func rtRulesPlan() routing.Plan {
	return routing.Plan{
		Reps: []routing.Rep{
			{ID: "dach1", Team: "dach", Capacity: 1}, {ID: "dach2", Team: "dach", Capacity: 1},
			{ID: "es1", Team: "iberia"}, {ID: "ent1", Team: "enterprise"},
			{ID: "pool1", Team: "inside"}, {ID: "pool2", Team: "inside"},
		},
		Rules: []routing.Rule{
			{Name: "enterprise", Segments: []string{"Enterprise"}, Reps: []string{"ent1"}},
			{Name: "dach", Territories: []string{"DE", "AT", "CH"}, Reps: []string{"dach1", "dach2"}},
			{Name: "spanish", Languages: []string{"es"}, Territories: []string{"ES", "MX"}, Reps: []string{"es1"}},
			{Name: "swiss-overflow", Territories: []string{"LI"}, Reps: []string{"dach1"}, Overflow: true},
		},
		Pool: []string{"pool1", "pool2"},
	}
}

func TestRulesFirstMatchWithPoolFallback(t *testing.T) {
	leads := []lead.Lead{
		rtLead(1, "de", "", ""),           // dach
		rtLead(2, "AT", "enterprise", ""), // enterprise matches first
		rtLead(3, "MX", "", "ES"),         // spanish: territory and language
		rtLead(4, "MX", "", "en"),         // language fails: pool
		rtLead(5, "CH", "", ""),           // dach
		rtLead(6, "DE", "", ""),           // dach, both full: unassigned
		rtLead(7, "LI", "", ""),           // dach1 full: overflow to the pool
		rtLead(8, "", "", ""),             // no country: pool
	}
	res, err := routeOnce(rtRulesPlan(), leads)
	require.NoError(t, err)
	type got struct{ rep, rule string }
	var as []got
	for _, a := range res.Assigned {
		as = append(as, got{a.Rep, a.Rule})
	}
	assert.Equal(t, []got{
		{"dach1", "dach"}, {"ent1", "enterprise"}, {"es1", "spanish"}, {"pool1", ""},
		{"dach2", "dach"}, {"pool2", "swiss-overflow"}, {"pool1", ""},
	}, as)
	require.Len(t, res.Unassigned, 1)
	assert.Equal(t, rtLead(6, "", "", "").ID, res.Unassigned[0].Lead)
	assert.Equal(t, "dach", res.Unassigned[0].Rule)
	assert.Equal(t, "every rep of the rule is full", res.Unassigned[0].Reason)
}

func TestRoutingFieldsAreConfigurable(t *testing.T) {
	plan := routing.Plan{
		Reps:           []routing.Rep{{ID: "fin"}, {ID: "other"}},
		Rules:          []routing.Rule{{Name: "finance", Segments: []string{"banking", "insurance"}, Territories: []string{"51-200"}, Reps: []string{"fin"}}},
		Pool:           []string{"other"},
		SegmentField:   "industry",
		TerritoryField: "company_size",
	}
	l1 := lead.Lead{Who: lead.Person{Industry: "Banking", CompanySize: 120}}
	l2 := lead.Lead{Who: lead.Person{Industry: "Banking", CompanySize: 1200}}
	res, err := routeOnce(plan, []lead.Lead{l1, l2})
	require.NoError(t, err)
	assert.Equal(t, []string{"fin", "other"}, rtReps(res.Assigned))
}

func TestPlanValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(*routing.Plan)
		want   string
	}{
		{"unknown strategy", func(p *routing.Plan) { p.Strategy = "random" }, "unknown strategy"},
		{"no reps", func(p *routing.Plan) { p.Reps = nil; p.Rules = nil; p.Pool = nil }, "at least one rep"},
		{"rep without id", func(p *routing.Plan) { p.Reps[2].ID = " " }, "without an id"},
		{"repeated rep", func(p *routing.Plan) { p.Reps[3].ID = "es1" }, "listed twice"},
		{"negative capacity", func(p *routing.Plan) { p.Reps[0].Capacity = -1 }, "negative capacity"},
		{"negative weight", func(p *routing.Plan) { p.Reps[1].Weight = -2 }, "negative weight"},
		{"negative open", func(p *routing.Plan) { p.Reps[1].Open = -1 }, "negative open"},
		{"rule without name", func(p *routing.Plan) { p.Rules[1].Name = "" }, "without a name"},
		{"repeated rule", func(p *routing.Plan) { p.Rules[1].Name = "enterprise" }, "used twice"},
		{"rule without reps", func(p *routing.Plan) { p.Rules[2].Reps = nil }, "without reps"},
		{"rule with unknown rep", func(p *routing.Plan) { p.Rules[2].Reps = []string{"es1", "es9"} }, `unknown rep "es9"`},
		{"rule repeating a rep", func(p *routing.Plan) { p.Rules[1].Reps = []string{"dach1", "dach1"} }, "listed twice"},
		{"empty territory", func(p *routing.Plan) { p.Rules[1].Territories = []string{"DE", ""} }, "territories[1] is empty"},
		{"unknown pool rep", func(p *routing.Plan) { p.Pool = []string{"pool1", "nobody"} }, `unknown rep "nobody"`},
		{"unknown field", func(p *routing.Plan) { p.LanguageField = "tongue" }, "unknown field"},
		{"weighted without weights", func(p *routing.Plan) { p.Strategy = routing.StrategyWeighted }, "weight 0"},
		{"capacity without capacity", func(p *routing.Plan) { p.Strategy = routing.StrategyCapacity }, "needs a capacity"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := rtRulesPlan()
			c.change(&p)
			before := fmt.Sprintf("%#v", p)
			err := p.Validate()
			assert.ErrorIs(t, err, crmkit.ErrInvalid)
			if err != nil {
				assert.Contains(t, err.Error(), c.want)
			}
			r, err := routing.NewRouter(p)
			assert.Nil(t, r)
			assert.ErrorIs(t, err, crmkit.ErrInvalid)
			_, err = routeOnce(p, rtLeads(3, "DE"))
			assert.ErrorIs(t, err, crmkit.ErrInvalid)
			assert.Equal(t, before, fmt.Sprintf("%#v", p), "validation changed the plan")
		})
	}
	require.NoError(t, rtRulesPlan().Validate())
}

func TestRouterDoesNotChangeLeadsOrPlan(t *testing.T) {
	p := rtRulesPlan()
	leads := []lead.Lead{rtLead(1, "DE", "x", "de"), rtLead(2, "FR", "", "")}
	before := fmt.Sprintf("%#v %#v", p, leads)
	_, err := routeOnce(p, leads)
	require.NoError(t, err)
	assert.Equal(t, before, fmt.Sprintf("%#v %#v", p, leads))
}

// Properties.

// rtGenPlan draws reps (some with capacities and loads) and, maybe, rules
// by country.
func rtGenPlan(t *rapid.T, strategy routing.Strategy) routing.Plan {
	n := rapid.IntRange(1, 8).Draw(t, "reps")
	p := routing.Plan{Strategy: strategy}
	for i := range n {
		rep := routing.Rep{ID: fmt.Sprintf("r%d", i), Team: rapid.SampledFrom([]string{"", "a", "b"}).Draw(t, "team")}
		rep.Weight = rapid.IntRange(0, 5).Draw(t, "weight")
		if strategy == routing.StrategyCapacity || rapid.Bool().Draw(t, "limited") {
			rep.Capacity = rapid.IntRange(1, 6).Draw(t, "capacity")
		}
		rep.Open = rapid.IntRange(0, 7).Draw(t, "open")
		p.Reps = append(p.Reps, rep)
	}
	if strategy == routing.StrategyWeighted {
		p.Reps[0].Weight = rapid.IntRange(1, 5).Draw(t, "weight0")
	}
	for i := range rapid.IntRange(0, 2).Draw(t, "rules") {
		members := rapid.SliceOfNDistinct(rapid.IntRange(1, n-1+1), 1, n, func(k int) int { return k }).Draw(t, "members")
		rule := routing.Rule{
			Name:        fmt.Sprintf("rule%d", i),
			Territories: []string{rapid.SampledFrom([]string{"DE", "FR"}).Draw(t, "territory")},
			Overflow:    rapid.Bool().Draw(t, "overflow"),
		}
		weight := 0
		for _, k := range members {
			rule.Reps = append(rule.Reps, p.Reps[k-1].ID)
			weight += p.Reps[k-1].Weight
		}
		if strategy == routing.StrategyWeighted && weight == 0 {
			rule.Reps = append(rule.Reps[:0], p.Reps[0].ID)
		}
		p.Rules = append(p.Rules, rule)
	}
	return p
}

func rtGenLeads(t *rapid.T) []lead.Lead {
	countries := rapid.SliceOfN(rapid.SampledFrom([]string{"DE", "FR", "US"}), 0, 60).Draw(t, "countries")
	out := make([]lead.Lead, len(countries))
	for i, c := range countries {
		out[i] = rtLead(i+1, c, "", "")
	}
	return out
}

var rtStrategies = []routing.Strategy{routing.StrategyRoundRobin, routing.StrategyWeighted, routing.StrategyCapacity}

func TestPropertyRoundRobinCountsDifferByAtMostOne(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 12).Draw(t, "reps")
		var reps []routing.Rep
		for i := range n {
			reps = append(reps, routing.Rep{ID: fmt.Sprintf("r%d", i), Open: rapid.IntRange(0, 50).Draw(t, "open")})
		}
		leads := rapid.IntRange(0, 200).Draw(t, "leads")
		res, err := routeOnce(routing.Plan{Reps: reps}, rtLeads(leads, "DE"))
		require.NoError(t, err)
		require.Len(t, res.Assigned, leads)
		counts := make(map[string]int)
		for _, a := range res.Assigned {
			counts[a.Rep]++
		}
		lo, hi := leads, 0
		for _, r := range reps {
			lo, hi = min(lo, counts[r.ID]), max(hi, counts[r.ID])
		}
		if hi-lo > 1 {
			t.Fatalf("round robin counts %v differ by %d", counts, hi-lo)
		}
	})
}

func TestPropertyCapacityIsNeverExceeded(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		strategy := rapid.SampledFrom(rtStrategies).Draw(t, "strategy")
		p := rtGenPlan(t, strategy)
		leads := rtGenLeads(t)
		r, err := routing.NewRouter(p)
		require.NoError(t, err)
		got := make(map[string]int)
		for i := range leads {
			a, err := r.Route(&leads[i])
			require.NoError(t, err)
			if a.Assigned() {
				got[a.Rep]++
				// The rep had room: after the lead it holds at most its capacity.
				for _, rep := range r.Reps() {
					if rep.ID == a.Rep && rep.Capacity > 0 && rep.Open > rep.Capacity {
						t.Fatalf("lead %d took %s to %d open leads, capacity %d", i, rep.ID, rep.Open, rep.Capacity)
					}
				}
			} else {
				assert.NotEmpty(t, a.Reason)
			}
			// Release a lead now and then, as reps close them.
			if a.Assigned() && rapid.IntRange(0, 9).Draw(t, "release") == 0 {
				require.NoError(t, r.Release(a.Rep))
				got[a.Rep]--
			}
		}
		for i, rep := range r.Reps() {
			start := p.Reps[i].Open
			assert.Equal(t, start+got[rep.ID], rep.Open, rep.ID)
		}
	})
}

func TestPropertyUnassignedOnlyWhenGroupFull(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		strategy := rapid.SampledFrom(rtStrategies).Draw(t, "strategy")
		p := rtGenPlan(t, strategy)
		p.Rules = nil // one group: every rep
		leads := rtGenLeads(t)
		res, err := routeOnce(p, leads)
		require.NoError(t, err)
		assert.Equal(t, len(leads), len(res.Assigned)+len(res.Unassigned))
		if len(res.Unassigned) > 0 {
			for _, rep := range res.Reps {
				if strategy == routing.StrategyWeighted && rep.Weight == 0 {
					continue
				}
				assert.True(t, rep.Full(), "lead left unassigned while %s has room (%d/%d)", rep.ID, rep.Open, rep.Capacity)
			}
		}
		v, err := routing.NewCapacityView(res.Reps, len(res.Unassigned))
		require.NoError(t, err)
		if len(res.Unassigned) > 0 && !v.Unlimited && strategy != routing.StrategyWeighted {
			assert.Equal(t, 0, v.Free)
			assert.Equal(t, len(res.Unassigned), v.Shortfall)
		}
	})
}

func TestPropertyRoutingIsDeterministicAndResumable(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		strategy := rapid.SampledFrom(rtStrategies).Draw(t, "strategy")
		p := rtGenPlan(t, strategy)
		leads := rtGenLeads(t)
		once, err := routeOnce(p, leads)
		require.NoError(t, err)
		again, err := routeOnce(p, leads)
		require.NoError(t, err)
		assert.Equal(t, once, again)

		// Routing in two batches with one router gives the same as one batch.
		cut := rapid.IntRange(0, len(leads)).Draw(t, "cut")
		r, err := routing.NewRouter(p)
		require.NoError(t, err)
		a, err := r.RouteAll(slices.Values(leads[:cut]))
		require.NoError(t, err)
		b, err := r.RouteAll(slices.Values(leads[cut:]))
		require.NoError(t, err)
		assert.Equal(t, once.Assigned, slices.Concat(a.Assigned, b.Assigned))
		assert.Equal(t, once.Unassigned, slices.Concat(a.Unassigned, b.Unassigned))
		assert.Equal(t, once.Reps, b.Reps)
	})
}

func TestPropertyWeightedSharesAreExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		weights := rapid.SliceOfN(rapid.IntRange(0, 6), 1, 6).Draw(t, "weights")
		weights[0]++
		var reps []routing.Rep
		total := 0
		for i, w := range weights {
			reps = append(reps, routing.Rep{ID: fmt.Sprintf("r%d", i), Weight: w})
			total += w
		}
		rounds := rapid.IntRange(1, 4).Draw(t, "rounds")
		res, err := routeOnce(routing.Plan{Strategy: routing.StrategyWeighted, Reps: reps}, rtLeads(rounds*total, "DE"))
		require.NoError(t, err)
		for i, w := range weights {
			assert.Equal(t, rounds*w, res.Reps[i].Open, "rep %d of weight %d", i, w)
		}
	})
}

func TestPlanFromJSON(t *testing.T) {
	const text = `{
	  "strategy": "weighted_round_robin",
	  "reps": [
	    {"id": "ann", "team": "dach", "weight": 2, "capacity": 10},
	    {"id": "bob", "team": "dach", "weight": 1, "capacity": 10, "open": 3},
	    {"id": "cy", "team": "inside", "weight": 1}
	  ],
	  "rules": [{"name": "dach", "territories": ["DE", "AT", "CH"], "reps": ["ann", "bob"], "overflow": true}],
	  "pool": ["cy"],
	  "language_field": "attr.lang"
	}`
	var p routing.Plan
	require.NoError(t, json.Unmarshal([]byte(text), &p))
	require.NoError(t, p.Validate())
	res, err := routeOnce(p, []lead.Lead{rtLead(1, "DE", "", ""), rtLead(2, "AT", "", ""), rtLead(3, "CH", "", ""), rtLead(4, "US", "", "")})
	require.NoError(t, err)
	// Weights 2 and 1: ann, bob, ann; then the pool.
	assert.Equal(t, []string{"ann", "bob", "ann", "cy"}, rtReps(res.Assigned))
	assert.Equal(t, 4, res.Reps[1].Open)

	b, err := json.Marshal(p)
	require.NoError(t, err)
	var back routing.Plan
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, p, back)
}

func TestRouteNilLeadStaysUnassigned(t *testing.T) {
	r, err := routing.NewRouter(routing.Plan{Reps: []routing.Rep{{ID: "ana", Capacity: 1}}})
	require.NoError(t, err)
	a, err := r.Route(nil)
	require.NoError(t, err)
	assert.False(t, a.Assigned())
	assert.Equal(t, "nil lead", a.Reason)
	// The rep's capacity is untouched: the next real lead still gets ana.
	a, err = r.Route(&lead.Lead{})
	require.NoError(t, err)
	assert.Equal(t, "ana", a.Rep)
}
