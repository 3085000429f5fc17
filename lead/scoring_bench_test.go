package lead_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/crmkit/crmkit/lead"
	"github.com/google/uuid"
)

// The scoring and routing benchmarks work on one million leads built once
// (outside the timer) from a seeded generator: each b.N iteration scores
// or routes the next lead of the pre-built slice, so ns/op and allocs/op
// are per lead.

const benchLeads = 1_000_000

var benchAt = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)

var (
	benchOnce sync.Once
	benchData []lead.Lead
)

// benchLeadSet returns a million leads with realistic spreads: 13 sources,
// 6 countries, 8 industries, company sizes from 1 to 20 000, a segment and
// a language attribute, and journeys of 0 to 12 touches over a year.
func benchLeadSet() []lead.Lead {
	benchOnce.Do(func() {
		rng := rand.New(rand.NewPCG(1, 2))
		sources := lead.Channels()
		countries := []string{"de", "at", "ch", "fr", "es", "us"}
		industries := []string{"software", "retail", "banking", "insurance", "manufacturing", "health", "education", "public"}
		titles := []string{"vp sales", "head of it", "cto", "engineer", "analyst", "office manager"}
		segments := []string{"smb", "mid-market", "enterprise"}
		languages := []string{"de", "fr", "es", "en"}
		kinds := lead.TouchKinds()
		attrs := make([]map[string]string, 0, len(segments)*len(languages))
		for _, s := range segments {
			for _, l := range languages {
				attrs = append(attrs, map[string]string{"segment": s, "language": l})
			}
		}
		benchData = make([]lead.Lead, benchLeads)
		for i := range benchData {
			l := lead.Lead{
				ID:     uuid.UUID{12: byte(i >> 24), 13: byte(i >> 16), 14: byte(i >> 8), 15: byte(i)},
				Source: sources[rng.IntN(len(sources))],
				Who: lead.Person{
					Name: "lead", Title: titles[rng.IntN(len(titles))],
					Industry: industries[rng.IntN(len(industries))], Country: countries[rng.IntN(len(countries))],
					CompanySize: 1 + rng.IntN(20000), Attributes: attrs[rng.IntN(len(attrs))],
				},
				Stage:     lead.StageMQL,
				CreatedAt: benchAt.AddDate(-1, 0, 0),
			}
			n := rng.IntN(13)
			l.Journey = make([]lead.Touchpoint, n)
			for j := range l.Journey {
				l.Journey[j] = lead.Touchpoint{
					Channel: sources[rng.IntN(len(sources))], Kind: kinds[rng.IntN(len(kinds))],
					At: benchAt.Add(-time.Duration(rng.Int64N(int64(365 * 24 * time.Hour)))),
				}
			}
			slices.SortFunc(l.Journey, func(a, b lead.Touchpoint) int { return a.At.Compare(b.At) })
			switch rng.IntN(10) {
			case 0, 1:
				l.Stage = lead.StageConverted
			case 2, 3, 4:
				l.Stage = lead.StageDisqualified
			}
			benchData[i] = l
		}
	})
	return benchData
}

func benchScorer(b *testing.B) *lead.Scorer {
	s, err := lead.NewScorer(lead.ScoringModel{
		Fit: []lead.FitRule{
			{Name: "software", Field: "industry", Op: lead.OpEquals, Values: []string{"software", "saas"}, Points: 10},
			{Name: "mid-size", Field: "company_size", Op: lead.OpBetween, Min: ptr(50), Max: ptr(1000), Points: 15},
			{Name: "senior", Field: "title", Op: lead.OpContains, Values: []string{"vp", "head of"}, Points: 5},
			{Name: "dach", Field: "country", Op: lead.OpEquals, Values: []string{"de", "at", "ch"}, Points: 5},
			{Name: "enterprise", Field: "attr.segment", Op: lead.OpEquals, Values: []string{"enterprise"}, Points: 8},
		},
		Engagement: []lead.EngagementRule{
			{Name: "form", Kind: lead.TouchForm, Points: 10},
			{Name: "visit", Kind: lead.TouchVisit, Points: 2},
			{Name: "meeting", Kind: lead.TouchMeeting, Points: 15},
			{Name: "event", Channel: lead.ChannelEvent, Points: 5},
		},
		HalfLife: 30 * 24 * time.Hour, MQL: 20, SQL: 40,
	})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkRuleScore scores one lead per iteration with Scorer.Total (the
// bulk path: fit rules plus decayed engagement, no explanation).
func BenchmarkRuleScore(b *testing.B) {
	leads := benchLeadSet()
	s := benchScorer(b)
	b.ReportAllocs()
	runtime.GC() // collect the set-up garbage outside the timer
	b.ResetTimer()
	var sink float64
	for i := 0; i < b.N; i++ {
		v, err := s.Total(&leads[i%len(leads)], benchAt)
		if err != nil {
			b.Fatal(err)
		}
		sink += v
	}
	_ = sink
}

// BenchmarkRuleScoreExplained scores one lead per iteration with
// Scorer.Score, which also builds the rule-by-rule explanation.
func BenchmarkRuleScoreExplained(b *testing.B) {
	leads := benchLeadSet()
	s := benchScorer(b)
	b.ReportAllocs()
	runtime.GC() // collect the set-up garbage outside the timer
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Score(leads[i%len(leads)], benchAt); err != nil {
			b.Fatal(err)
		}
	}
}

func benchModel(b *testing.B) *lead.PredictiveModel {
	m, err := lead.TrainPredictive(lead.PredictiveConfig{
		Fields: []string{"source", "country", "industry", "company_size", "title", "attr.segment"},
	}, slices.Values(benchLeadSet()))
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkPredictiveTrain streams the million leads through the naive
// Bayes trainer once per iteration (half of them converted or
// disqualified, so 500 000 observations); ns/op is per training run.
func BenchmarkPredictiveTrain(b *testing.B) {
	benchLeadSet()
	b.ReportAllocs()
	runtime.GC() // collect the set-up garbage outside the timer
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		benchModel(b)
	}
}

// BenchmarkPredictiveScore computes the conversion probability of one lead
// per iteration over six fields (the bulk path).
func BenchmarkPredictiveScore(b *testing.B) {
	leads := benchLeadSet()
	m := benchModel(b)
	b.ReportAllocs()
	runtime.GC() // collect the set-up garbage outside the timer
	b.ResetTimer()
	var sink float64
	for i := 0; i < b.N; i++ {
		p, err := m.Probability(&leads[i%len(leads)])
		if err != nil {
			b.Fatal(err)
		}
		sink += p
	}
	_ = sink
}

// BenchmarkPredictiveExplained is Predict: the probability with the
// per-field contributions.
func BenchmarkPredictiveExplained(b *testing.B) {
	leads := benchLeadSet()
	m := benchModel(b)
	b.ReportAllocs()
	runtime.GC() // collect the set-up garbage outside the timer
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Predict(leads[i%len(leads)]); err != nil {
			b.Fatal(err)
		}
	}
}

// benchRouter builds a router over 100 reps in 5 teams: territory rules
// for DACH, France and Spain, an enterprise segment rule, the rest to
// the pool. Capacities are large enough that a million leads fit, so the
// benchmark measures routing, not an ever-full team; capacity checks
// still run on every lead.
func benchRouter(b *testing.B, strategy lead.Strategy) *lead.Router {
	var reps []lead.Rep
	team := func(k int) []string {
		var ids []string
		for j := range 20 {
			ids = append(ids, fmt.Sprintf("rep%02d", k*20+j))
		}
		return ids
	}
	for i := range 100 {
		reps = append(reps, lead.Rep{ID: fmt.Sprintf("rep%02d", i), Team: fmt.Sprintf("team%d", i/20), Weight: 1 + i%3, Capacity: 1 << 30})
	}
	r, err := lead.NewRouter(lead.RoutingPlan{
		Strategy: strategy,
		Reps:     reps,
		Rules: []lead.RoutingRule{
			{Name: "enterprise", Segments: []string{"enterprise"}, Reps: team(0)},
			{Name: "dach", Territories: []string{"de", "at", "ch"}, Reps: team(1)},
			{Name: "france", Territories: []string{"fr"}, Languages: []string{"fr"}, Reps: team(2)},
			{Name: "spain", Territories: []string{"es"}, Reps: team(3)},
		},
		Pool: team(4),
	})
	if err != nil {
		b.Fatal(err)
	}
	return r
}

func benchRoute(b *testing.B, strategy lead.Strategy) {
	leads := benchLeadSet()
	r := benchRouter(b, strategy)
	b.ReportAllocs()
	runtime.GC() // collect the set-up garbage outside the timer
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		if a, _ := r.Route(&leads[i%len(leads)]); a.Assigned() {
			n++
		}
	}
	if n != b.N {
		b.Fatalf("%d of %d leads assigned", n, b.N)
	}
}

// BenchmarkRouteRoundRobin routes one lead per iteration to 100 reps.
func BenchmarkRouteRoundRobin(b *testing.B) { benchRoute(b, lead.StrategyRoundRobin) }

// BenchmarkRouteWeighted routes one lead per iteration with smooth
// weighted round robin (O(reps in the group) per lead).
func BenchmarkRouteWeighted(b *testing.B) { benchRoute(b, lead.StrategyWeighted) }

// BenchmarkRouteCapacity routes one lead per iteration to the least
// loaded rep (O(reps in the group) per lead).
func BenchmarkRouteCapacity(b *testing.B) { benchRoute(b, lead.StrategyCapacity) }

// BenchmarkLeadScanBaseline is the floor the scoring benchmarks stand on:
// it only reads, per lead, the fields rule scoring reads (industry, title,
// country, size, one attribute, every touch's kind, channel and time),
// doing no arithmetic. The difference to BenchmarkRuleScore is the cost
// of the rules and the decay.
func BenchmarkLeadScanBaseline(b *testing.B) {
	leads := benchLeadSet()
	b.ReportAllocs()
	runtime.GC() // collect the set-up garbage outside the timer
	b.ResetTimer()
	var n int64
	for i := 0; i < b.N; i++ {
		l := &leads[i%len(leads)]
		n += int64(len(l.Who.Industry) + len(l.Who.Title) + len(l.Who.Country) + l.Who.CompanySize + len(l.Who.Attributes["segment"]))
		for j := range l.Journey {
			tp := &l.Journey[j]
			n += int64(len(tp.Kind)+len(tp.Channel)) + tp.At.Unix()
		}
	}
	if n == 42 {
		b.Log(n)
	}
}
