package forecast_test

import (
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/quota/forecast"
	"github.com/shopspring/decimal"
)

// ExamplePredict forecasts next month's target from four months of sales
// (1000, 1200, 1100, 1300 EUR) with a three-month moving average:
// (1200 + 1100 + 1300) / 3 = 1200 EUR, times 1.1 for a product in its
// growth stage = 1320.00 EUR. The backtest forecasts the last month from
// the three before it, (1000 + 1200 + 1100) / 3 = 1100 against 1300
// sold: MAPE 200/1300 = 0.1538.
func ExamplePredict() {
	var sales []crmkit.Money
	for _, s := range []string{"1000", "1200", "1100", "1300"} {
		sales = append(sales, crmkit.MustMoney(s, "EUR"))
	}
	history, err := forecast.Series(sales)
	if err != nil {
		panic(err)
	}
	r, err := forecast.Predict(forecast.MovingAverage{Window: 3}, history, 1,
		forecast.Factor{Name: "growth stage", Multiplier: decimal.RequireFromString("1.1")})
	if err != nil {
		panic(err)
	}
	targets, err := r.Targets(quota.MoneyUnit(crmkit.MustCurrency("EUR")), crmkit.RoundHalfEven)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Model)
	fmt.Println(targets[0])
	fmt.Printf("backtest MAPE %.4f\n", r.Backtest.MAPE)
	// Output:
	// moving average (window 3)
	// 1320.00 EUR
	// backtest MAPE 0.1538
}

// ExampleSeasonalWeights turns last year's months into split weights:
// eleven months of 100 EUR and a December of 200 average 1300/12, so
// December weighs 200 / (1300/12) = 24/13 = 1.846154 and every other
// month 12/13 = 0.923077.
func ExampleSeasonalWeights() {
	var months []crmkit.Money
	for i := range 12 {
		a := "100"
		if i == 11 {
			a = "200"
		}
		months = append(months, crmkit.MustMoney(a, "EUR"))
	}
	w, err := forecast.SeasonalWeights(months)
	if err != nil {
		panic(err)
	}
	fmt.Println(w.Kind, w.Values[0], w.Values[11])
	// Output:
	// seasonal 0.923077 1.846154
}
