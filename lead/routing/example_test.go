package routing_test

import (
	"fmt"

	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/routing"
)

// Routing: a DACH team by territory, everybody else to the pool, with
// capacities; the capacity view shows who is full and what waits.
func ExampleRouter() {
	router, err := routing.NewRouter(routing.Plan{
		Strategy: routing.StrategyRoundRobin,
		Reps: []routing.Rep{
			{ID: "anna", Team: "dach", Capacity: 1},
			{ID: "ben", Team: "dach", Capacity: 2, Open: 1},
			{ID: "cleo", Team: "inside"},
		},
		Rules: []routing.Rule{{Name: "dach", Territories: []string{"DE", "AT", "CH"}, Reps: []string{"anna", "ben"}}},
		Pool:  []string{"cleo"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, country := range []string{"DE", "FR", "AT", "CH", "US"} {
		l := lead.Lead{Who: lead.Person{Name: "lead from " + country, Country: country}}
		a, err := router.Route(&l)
		if err != nil {
			fmt.Println(err)
			return
		}
		if a.Assigned() {
			fmt.Printf("%s -> %s (%s)\n", country, a.Rep, a.Team)
		} else {
			fmt.Printf("%s -> unassigned: %s\n", country, a.Reason)
		}
	}
	view, err := router.Capacity()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range view.Teams {
		fmt.Printf("team %s: %d open, %d free, unlimited %t\n", t.Team, t.Open, t.Free, t.Unlimited)
	}
	for _, b := range view.Backlog {
		fmt.Printf("rule %s: %d waiting, %d free\n", b.Rule, b.Waiting, b.Free)
	}
	// Output:
	// DE -> anna (dach)
	// FR -> cleo (inside)
	// AT -> ben (dach)
	// CH -> unassigned: every rep of the rule is full
	// US -> cleo (inside)
	// team dach: 3 open, 0 free, unlimited false
	// team inside: 2 open, 0 free, unlimited true
	// rule dach: 1 waiting, 0 free
}
