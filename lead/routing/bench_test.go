package routing_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/crmkit/crmkit/lead/internal/benchdata"
	"github.com/crmkit/crmkit/lead/routing"
)

// The routing benchmarks work on the million leads of benchdata.Leads:
// each b.N iteration routes the next lead of the pre-built slice, so
// ns/op and allocs/op are per lead.

// benchRouter builds a router over 100 reps in 5 teams: territory rules
// for DACH, France and Spain, an enterprise segment rule, the rest to
// the pool. Capacities are large enough that a million leads fit, so the
// benchmark measures routing, not an ever-full team; capacity checks
// still run on every lead.
func benchRouter(b *testing.B, strategy routing.Strategy) *routing.Router {
	var reps []routing.Rep
	team := func(k int) []string {
		var ids []string
		for j := range 20 {
			ids = append(ids, fmt.Sprintf("rep%02d", k*20+j))
		}
		return ids
	}
	for i := range 100 {
		reps = append(reps, routing.Rep{ID: fmt.Sprintf("rep%02d", i), Team: fmt.Sprintf("team%d", i/20), Weight: 1 + i%3, Capacity: 1 << 30})
	}
	r, err := routing.NewRouter(routing.Plan{
		Strategy: strategy,
		Reps:     reps,
		Rules: []routing.Rule{
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

func benchRoute(b *testing.B, strategy routing.Strategy) {
	leads := benchdata.Leads()
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
func BenchmarkRouteRoundRobin(b *testing.B) { benchRoute(b, routing.StrategyRoundRobin) }

// BenchmarkRouteWeighted routes one lead per iteration with smooth
// weighted round robin (O(reps in the group) per lead).
func BenchmarkRouteWeighted(b *testing.B) { benchRoute(b, routing.StrategyWeighted) }

// BenchmarkRouteCapacity routes one lead per iteration to the least
// loaded rep (O(reps in the group) per lead).
func BenchmarkRouteCapacity(b *testing.B) { benchRoute(b, routing.StrategyCapacity) }
