package funnel_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

func ExampleLiveSummary() {
	stages := pipelineOf(deal.Stage{Name: "tracking"}, deal.Stage{Name: "bidding"})
	day := func(d int) time.Time { return time.Date(2025, 3, d, 0, 0, 0, 0, time.UTC) }
	var live funnel.LiveSummary
	// A deal is created in tracking, then won from bidding: two state
	// changes, each applied as it is saved.
	created := funnel.Opportunity{Entity: uuid.UUID{15: 1}, Stage: 0, Reached: 1, Origin: day(1), Entered: day(1),
		Amount: crmkit.MustMoney("1000", "EUR"), Dims: funnel.Dims{Owner: "ann"}}
	won := created
	won.Stage, won.Reached, won.Status, won.Closed = 1, 3, funnel.ClosedWon, day(20)
	other := funnel.Opportunity{Entity: uuid.UUID{15: 2}, Stage: 0, Reached: 1, Origin: day(2), Entered: day(2),
		Amount: crmkit.MustMoney("400", "EUR"), Dims: funnel.Dims{Owner: "bob"}}
	for _, c := range [][2]*funnel.Opportunity{{nil, &created}, {nil, &other}, {&created, &won}} {
		if err := live.Apply(c[0], c[1]); err != nil {
			fmt.Println(err)
			return
		}
	}
	// The dashboard's read: O(groups), whatever the number of deals.
	rep, err := live.Report(stages, funnel.Query{AsOf: day(31), By: []funnel.Dimension{funnel.ByOwner}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("groups", live.Len(), "won", rep.Total.WonAmount, "open", rep.Total.OpenAmount)
	for _, g := range rep.Groups {
		fmt.Println(g.Key, "reached tracking", g.Summary.Stages[0].Reached, "won", g.Summary.Won)
	}
	// Output:
	// groups 2 won 1000.00 EUR open 400.00 EUR
	// owner=ann reached tracking 1 won 1
	// owner=bob reached tracking 1 won 0
}

func ExampleReporting() {
	stages := pipelineOf(deal.Stage{Name: "tracking"})
	var rates crmkit.RateTable
	_ = rates.Set(crmkit.MustCurrency("USD"), crmkit.MustCurrency("EUR"),
		time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), decimal.RequireFromString("0.90"))
	won := func(n byte, amount crmkit.Money) funnel.Opportunity {
		return funnel.Opportunity{Entity: uuid.UUID{15: n}, Stage: 0, Reached: 1, Status: funnel.ClosedWon, Amount: amount,
			Origin: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), Closed: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)}
	}
	deals := []funnel.Opportunity{won(1, crmkit.MustMoney("100.00", "EUR")), won(2, crmkit.MustMoney("50.00", "USD"))}
	q := funnel.Query{AsOf: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)}
	_, err := funnel.Summarize(stages, slices.Values(deals), q)
	fmt.Println(err != nil)
	// Each won amount at the rate of the day it was won.
	q.Reporting = funnel.Reporting{Currency: crmkit.MustCurrency("EUR"), Rates: &rates, AtClose: true, Rounding: crmkit.RoundHalfEven}
	rep, err := funnel.Summarize(stages, slices.Values(deals), q)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Total.WonAmount)
	// Output:
	// true
	// 145.00 EUR
}
