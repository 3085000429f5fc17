package quota_test

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/quota"
	"github.com/shopspring/decimal"
)

// Example sets a plan in stages: the annual target split over regions by
// last year's contribution (EMEA 600,000 : APAC 400,000, so 720,000 and
// 480,000) and EMEA over quarters (180,000 each); EMEA's Q4 moved up 10%
// (+18,000) keeping EMEA's total, so Q1 to Q3 give 6,000 each; then
// evaluated on 16 May: EMEA has 190,000 of 720,000, against 600,000 by
// the same day last year; in Q2 (174,000 over 91 days) 45 days are gone,
// so 174,000 x 45/91 = 86,043.96 is expected and 90,000 is done.
func Example() {
	cfo := crmkit.Cmd{By: "cfo", At: time.Date(2024, 12, 1, 9, 0, 0, 0, time.UTC), Reason: "FY2025 targets"}
	p, _, err := quota.NewPlan(quota.PlanSpec{Name: "FY2025", FiscalYear: 2025, Calendar: quota.Fiscal(time.January, ""),
		Target: quota.Amount(crmkit.MustMoney("1200000", "EUR")), Rounding: crmkit.RoundHalfEven}, cfo)
	if err != nil {
		panic(err)
	}
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }
	sale := func(t time.Time, amount, region string) quota.Record {
		return quota.Record{At: t, Amount: quota.Amount(crmkit.MustMoney(amount, "EUR")), Dims: map[string]string{"region": region}}
	}
	lastYear := []quota.Record{sale(at(2024, 3, 1), "600000", "EMEA"), sale(at(2024, 9, 1), "400000", "APAC")}

	p, _, err = p.Split(cfo,
		quota.Split{Dim: "region", Members: []string{"EMEA", "APAC"}, Weights: quota.ContributionWeights(lastYear, crmkit.Period{})},
		quota.Split{Key: "region=EMEA", Grain: quota.Quarters, Weights: quota.EqualWeights()},
	)
	if err != nil {
		panic(err)
	}
	vp := crmkit.Cmd{By: "vp-emea", At: time.Date(2024, 12, 5, 9, 0, 0, 0, time.UTC), Reason: "big renewal in Q4"}
	p, _, err = p.Adjust(vp, quota.ByRate("region=EMEA/period=Q4", decimal.RequireFromString("0.1"), quota.KeepTotal))
	if err != nil {
		panic(err)
	}
	for c := range p.Leaves() {
		m, _ := p.Target(c.Key)
		fmt.Printf("%-22s %s\n", c.Key, m)
	}
	last := p.History[len(p.History)-1]
	fmt.Printf("version %d by %s: %s (%s)\n", p.Version, last.By, last.Action, last.Reason)

	actuals := append(lastYear, sale(at(2025, 2, 10), "100000", "EMEA"), sale(at(2025, 4, 20), "90000", "EMEA"))
	ev, err := p.Evaluate(slices.Values(actuals), quota.EvalOptions{AsOf: time.Date(2025, 5, 16, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		panic(err)
	}
	emea, _ := ev.Find("region=EMEA")
	fmt.Printf("EMEA YTD %s of %s: attainment %s, growth %s\n",
		emea.YTD.Actual, emea.YTD.Target, emea.Attainment.Decimal, emea.Growth.Decimal)
	fmt.Printf("EMEA QTD %s of %s expected by now, pacing %s\n",
		emea.QTD.Actual, emea.QTD.Expected, emea.QTD.Pacing.Decimal.StringFixed(4))
	// Output:
	// region=EMEA/period=Q1  174000.00 EUR
	// region=EMEA/period=Q2  174000.00 EUR
	// region=EMEA/period=Q3  174000.00 EUR
	// region=EMEA/period=Q4  198000.00 EUR
	// region=APAC            480000.00 EUR
	// version 3 by vp-emea: adjust region=EMEA/period=Q4 by +10% (keep total) (big renewal in Q4)
	// EMEA YTD 190000.00 EUR of 720000.00 EUR: attainment 0.2638888888888889, growth -0.6833333333333333
	// EMEA QTD 90000.00 EUR of 86043.96 EUR expected by now, pacing 1.0460
}

// ExampleCommissionPlan_Commission pays 130% attainment under a plan
// with a decelerator, a base rate and an accelerator, tier by tier.
func ExampleCommissionPlan_Commission() {
	cp := quota.CommissionPlan{Name: "AE", Currency: crmkit.MustCurrency("EUR"), Basis: quota.OnAttainment, Method: quota.Marginal,
		Tiers: []quota.Tier{
			{From: decimal.Zero, To: decimal.NewNullDecimal(decimal.RequireFromString("0.5")), Rate: decimal.RequireFromString("0.04"), Label: "decelerator"},
			{From: decimal.RequireFromString("0.5"), To: decimal.NewNullDecimal(decimal.NewFromInt(1)), Rate: decimal.RequireFromString("0.08"), Label: "base"},
			{From: decimal.NewFromInt(1), Rate: decimal.RequireFromString("0.12"), Label: "accelerator"},
		},
		Rounding: crmkit.RoundHalfEven, Calendar: quota.Fiscal(time.January, ""), Grain: quota.Months}
	total, lines, err := cp.Commission(crmkit.MustMoney("130000", "EUR"), crmkit.MustMoney("100000", "EUR"))
	if err != nil {
		panic(err)
	}
	for _, l := range lines {
		fmt.Println(l.Text)
	}
	fmt.Println("total", total)
	// Output:
	// decelerator (0% to 50% of quota 100000.00 EUR): 50000.00 EUR x 4% = 2000.00 EUR
	// base (50% to 100% of quota 100000.00 EUR): 50000.00 EUR x 8% = 4000.00 EUR
	// accelerator (from 100% of quota 100000.00 EUR): 30000.00 EUR x 12% = 3600.00 EUR
	// total 9600.00 EUR
}

// ExamplePlan_SetTarget sets a target of a count plan outright and
// evaluates it: every amount is a Quantity in the plan's unit.
func ExamplePlan_SetTarget() {
	cfo := crmkit.Cmd{By: "cfo", At: time.Date(2024, 12, 1, 9, 0, 0, 0, time.UTC)}
	p, _, err := quota.NewPlan(quota.PlanSpec{Name: "New logos 2025", FiscalYear: 2025,
		Target: quota.Count(120, "new logos"), Rounding: crmkit.RoundHalfEven}, cfo)
	if err != nil {
		panic(err)
	}
	p, _, err = p.Split(cfo, quota.Split{Grain: quota.Quarters, Weights: quota.EqualWeights()})
	if err != nil {
		panic(err)
	}
	// 30 a quarter; Q1 to 36 keeping the year's 120 takes 2 from each
	// other quarter.
	p, _, err = p.SetTarget(cfo, "period=Q1", quota.Count(36, "new logos"), quota.KeepTotal)
	if err != nil {
		panic(err)
	}
	for c := range p.Leaves() {
		fmt.Println(c.Key, c.Target)
	}
	_, _, err = p.SetTarget(cfo, "period=Q2", quota.Amount(crmkit.MustMoney("1000", "EUR")), quota.KeepTotal)
	fmt.Println("money on a count plan refused:", errors.Is(err, crmkit.ErrInvalid))

	var won []quota.Record
	for day := range 10 {
		won = append(won, quota.Record{At: time.Date(2025, 1, 1+day, 12, 0, 0, 0, time.UTC), Amount: quota.Count(1, "new logos")})
	}
	ev, err := p.Evaluate(slices.Values(won), quota.EvalOptions{AsOf: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		panic(err)
	}
	fmt.Println("year:", ev.Actual, "of", ev.Target, "- gap", ev.YTD.Gap)
	// Output:
	// period=Q1 36 new logos
	// period=Q2 28 new logos
	// period=Q3 28 new logos
	// period=Q4 28 new logos
	// money on a count plan refused: true
	// year: 10 new logos of 120 new logos - gap 110 new logos
}
