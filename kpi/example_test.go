package kpi_test

import (
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/kpi"
	"github.com/shopspring/decimal"
)

func Example() {
	// 1200 leads became 84 customers at a cost of 42 000.00 EUR.
	spend := crmkit.MustMoney("42000", "EUR")
	conv, _ := kpi.ConversionRate(84, 1200)
	cpl, _ := kpi.CostPerLead(spend, 1200, crmkit.RoundHalfEven)
	cac, _ := kpi.CAC(spend, 84, crmkit.RoundHalfEven)
	fmt.Println("conversion:", conv)
	fmt.Println("cost per lead:", cpl)
	fmt.Println("CAC:", cac)

	// Each new customer pays 250.00 EUR a month at 80% gross margin.
	payback, _ := kpi.CACPaybackMonths(cac, crmkit.MustMoney("250", "EUR"), decimal.RequireFromString("0.8"))
	fmt.Println("CAC payback months:", payback)

	// Revenue retention of last year's customers.
	b := kpi.RevenueBridge{
		Start:       crmkit.MustMoney("100000", "EUR"),
		Expansion:   crmkit.MustMoney("18000", "EUR"),
		Contraction: crmkit.MustMoney("3000", "EUR"),
		Churned:     crmkit.MustMoney("7000", "EUR"),
	}
	nrr, _ := kpi.NRR(b)
	grr, _ := kpi.GRR(b)
	fmt.Println("NRR:", nrr, "GRR:", grr)

	// A fully prepaid order that is not delivered yet is no revenue.
	o := kpi.Order{Amount: crmkit.MustMoney("5000", "EUR"), Prepaid: crmkit.MustMoney("5000", "EUR")}
	rev, _ := kpi.RecognisedRevenue(o)
	def, _ := kpi.DeferredRevenue(o)
	fmt.Println("recognised:", rev, "deferred:", def)

	cycle, _ := kpi.SalesCycle([]time.Duration{10 * 24 * time.Hour, 20 * 24 * time.Hour, 90 * 24 * time.Hour})
	mean, _ := cycle.Mean()
	median, _ := cycle.Median()
	fmt.Println("sales cycle mean:", mean, "median:", median)
	// Output:
	// conversion: 0.07
	// cost per lead: 35.00 EUR
	// CAC: 500.00 EUR
	// CAC payback months: 2.5
	// NRR: 1.08 GRR: 0.9
	// recognised: 0.00 EUR deferred: 5000.00 EUR
	// sales cycle mean: 960h0m0s median: 480h0m0s
}

func ExampleRecognisedRevenue() {
	// A 100% prepaid order is not revenue until delivered with its closing
	// documents; until then the prepayment is deferred.
	o := kpi.Order{Amount: crmkit.MustMoney("1200", "EUR"), Prepaid: crmkit.MustMoney("1200", "EUR")}
	for _, step := range []string{"prepaid", "delivered", "documents closed"} {
		switch step {
		case "delivered":
			o.Delivered = true
		case "documents closed":
			o.DocumentsClosed = true
		}
		rev, _ := kpi.RecognisedRevenue(o)
		def, _ := kpi.DeferredRevenue(o)
		fmt.Printf("%-16s recognised %s, deferred %s\n", step, rev, def)
	}
	// Output:
	// prepaid          recognised 0.00 EUR, deferred 1200.00 EUR
	// delivered        recognised 0.00 EUR, deferred 1200.00 EUR
	// documents closed recognised 1200.00 EUR, deferred 0.00 EUR
}

func ExamplePacing() {
	// Ten working days into a 20-working-day month with a 50 000 EUR target.
	target := crmkit.MustMoney("50000", "EUR")
	actual := crmkit.MustMoney("20000", "EUR")
	expected, _ := kpi.ExpectedToDate(target, 10, 20, crmkit.RoundHalfEven)
	pace, _ := kpi.Pacing(actual, target, 10, 20)
	gap, _ := kpi.GapToTarget(actual, target)
	att, _ := kpi.Attainment(actual, target)
	fmt.Println("expected to date:", expected)
	fmt.Println("pacing:", pace)
	fmt.Println("attainment:", att, "gap:", gap)
	// Output:
	// expected to date: 25000.00 EUR
	// pacing: 0.8
	// attainment: 0.4 gap: 30000.00 EUR
}
