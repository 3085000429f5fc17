package value_test

import (
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account/value"
	"github.com/shopspring/decimal"
)

// Scoring three customers with two bins per dimension.
func ExampleScoreRFM() {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
	scores, err := value.ScoreRFM([]value.RFMInput{
		{Customer: "a", Last: day(1), Frequency: 1, Monetary: crmkit.MustMoney("20", "EUR")},
		{Customer: "b", Last: day(20), Frequency: 6, Monetary: crmkit.MustMoney("900", "EUR")},
		{Customer: "c", Last: day(28), Frequency: 1, Monetary: crmkit.MustMoney("35", "EUR")},
	}, value.RFMConfig{RecencyBins: 2, FrequencyBins: 2, MonetaryBins: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range scores {
		fmt.Println(s.Customer, s.Code, s.Segment)
	}
	// Output:
	// a 111 lost
	// b 122 can't lose them
	// c 211 new customer
}

// A customer who bought 1,000 a month and now buys 100 is in decline and
// flagged as once big, now small.
func ExampleClassifier_Classify() {
	c, _ := value.NewClassifier(value.LifecycleRules{})
	var history []crmkit.Money
	for _, v := range []string{"1000", "1000", "1000", "1000", "1000", "1000", "100", "100", "100"} {
		history = append(history, crmkit.MustMoney(v, "EUR"))
	}
	a, _ := c.Classify(history)
	fmt.Println(a.Stage, a.FallenFromPeak)
	fmt.Println(a.Play())
	// Output:
	// decline true
	// find the reasons for the decline
}

// Four customers ranked by revenue: the top two make 80% of it.
func ExamplePareto() {
	eur := func(s string) crmkit.Money { return crmkit.MustMoney(s, "EUR") }
	r, err := value.Pareto(crmkit.MustCurrency("EUR"), []value.ParetoInput{
		{Customer: "c", Revenue: eur("15")}, {Customer: "a", Revenue: eur("50")},
		{Customer: "d", Revenue: eur("5")}, {Customer: "b", Revenue: eur("30")},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, e := range r.Entries {
		fmt.Println(e.Customer, e.Revenue, e.Cumulative, r.Share(i).StringFixed(2))
	}
	k, _ := r.KeyCustomers(decimal.New(8, -1))
	fmt.Println("key customers:", k)
	// Output:
	// a 50.00 EUR 50.00 EUR 0.50
	// b 30.00 EUR 80.00 EUR 0.80
	// c 15.00 EUR 95.00 EUR 0.95
	// d 5.00 EUR 100.00 EUR 1.00
	// key customers: 2
}
