package clv_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/crmkit/crmkit/account/clv"
)

// ExampleSummary_HoldoutFit checks a model out of sample: customers are
// grouped by calibration repeat purchases, and their holdout purchases are
// set beside the model's conditional expectation (0.27 and 0.78 agree with
// an independent transcription of Fader, Hardie and Lee's equation 10).
func ExampleSummary_HoldoutFit() {
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	txs := []clv.Transaction{
		{Customer: "a", Time: day("2024-01-01"), Amount: 10},
		{Customer: "a", Time: day("2024-01-15"), Amount: 20},
		{Customer: "a", Time: day("2024-02-20"), Amount: 20}, // holdout
		{Customer: "b", Time: day("2024-01-10"), Amount: 15},
		{Customer: "c", Time: day("2024-03-01"), Amount: 15}, // first bought after calibration
	}
	s, err := clv.Summarize(slices.Values(txs), clv.SummaryOptions{
		CalibrationEnd: day("2024-01-28"), HoldoutEnd: day("2024-03-31"), Unit: clv.Week,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d customers, %d excluded, holdout %.1f weeks\n", len(s.Customers), s.Excluded, s.Holdout)
	bins, err := s.HoldoutFit(clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, b := range bins {
		fmt.Printf("x=%d or more=%t customers=%d actual=%d expected=%.2f\n", b.Frequency, b.OrMore, b.Customers, b.Actual, b.Expected)
	}
	// Output:
	// 2 customers, 1 excluded, holdout 9.0 weeks
	// x=0 or more=false customers=1 actual=0 expected=0.27
	// x=1 or more=true customers=1 actual=1 expected=0.78
}

// ExampleGammaGammaCustomers leaves out of the spend model a repeat
// customer whose repeat order was free, and counts them.
func ExampleGammaGammaCustomers() {
	cs := []clv.Customer{
		{ID: "a", Frequency: 2, Recency: 3, T: 10, MonetaryValue: 25},
		{ID: "b", Frequency: 1, Recency: 2, T: 10, MonetaryValue: 0},
		{ID: "c", T: 10},
	}
	fit, excluded := clv.GammaGammaCustomers(cs)
	fmt.Println(len(fit), fit[0].ID, excluded)
	// Output: 1 a 1
}
