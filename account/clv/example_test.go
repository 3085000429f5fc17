package clv_test

import (
	"encoding/csv"
	"fmt"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/crmkit/crmkit/account/clv"
)

func Example() {
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	txs := []clv.Transaction{
		{Customer: "ann", Time: day("2024-01-02"), Amount: 30},
		{Customer: "ann", Time: day("2024-01-23"), Amount: 25},
		{Customer: "ann", Time: day("2024-01-23"), Amount: 5}, // same day: one purchase of 30
		{Customer: "ann", Time: day("2024-03-12"), Amount: 42},
		{Customer: "bob", Time: day("2024-02-06"), Amount: 12},
		{Customer: "ann", Time: day("2024-04-09"), Amount: 18}, // holdout
	}
	s, err := clv.Summarize(slices.Values(txs), clv.SummaryOptions{
		CalibrationEnd: day("2024-03-26"),
		HoldoutEnd:     day("2024-06-25"),
		Unit:           clv.Week,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range s.Customers {
		fmt.Printf("%s: x=%d t_x=%.2f T=%.2f m=%.2f holdout=%d\n",
			c.ID, c.Frequency, c.Recency, c.T, c.MonetaryValue, c.HoldoutFrequency)
	}

	// The BG/NBD parameters Fader, Hardie and Lee estimated on CDNOW (weeks).
	m := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	for _, c := range s.Customers {
		e, _ := m.ConditionalExpectedPurchases(52, c)
		p, _ := m.ProbAlive(c)
		fmt.Printf("%s: %.2f purchases expected next year, P(alive) %.2f\n", c.ID, e, p)
	}
	// Output:
	// ann: x=2 t_x=10.00 T=12.00 m=36.00 holdout=1
	// bob: x=0 t_x=0.00 T=7.00 m=0.00 holdout=0
	// ann: 3.42 purchases expected next year, P(alive) 0.76
	// bob: 0.75 purchases expected next year, P(alive) 1.00
}

// loadCDNOW reads the shipped CDNOW calibration summary.
func loadCDNOW() ([]clv.Customer, error) {
	f, err := os.Open("testdata/cdnow_customers_summary_with_transactions.csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	var cs []clv.Customer
	for _, r := range recs[1:] {
		x, _ := strconv.Atoi(r[1])
		tx, _ := strconv.ParseFloat(r[2], 64)
		t, _ := strconv.ParseFloat(r[3], 64)
		m, _ := strconv.ParseFloat(r[4], 64)
		cs = append(cs, clv.Customer{ID: r[0], Frequency: x, Recency: tx, T: t, MonetaryValue: m})
	}
	return cs, nil
}

func ExampleFitBGNBD() {
	customers, err := loadCDNOW()
	if err != nil {
		fmt.Println(err)
		return
	}
	m, res, err := clv.FitBGNBD(customers, clv.FitOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("r=%.3f alpha=%.3f a=%.3f b=%.3f LL=%.1f\n", m.R, m.Alpha, m.A, m.B, res.LogLikelihood)

	bins, _ := clv.FrequencyFit(m, customers, 7)
	for _, b := range bins[:3] {
		fmt.Printf("%d repeat purchases: %d customers, %.0f expected\n", b.Frequency, b.Actual, b.Expected)
	}
	// Output:
	// r=0.243 alpha=4.414 a=0.793 b=2.426 LL=-9582.4
	// 0 repeat purchases: 1411 customers, 1408 expected
	// 1 repeat purchases: 439 customers, 460 expected
	// 2 repeat purchases: 214 customers, 192 expected
}

func ExampleGammaGamma_CLV() {
	purchases := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	spend := clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	c := clv.Customer{Frequency: 2, Recency: 30.43, T: 38.86, MonetaryValue: 22.35}

	m, _ := spend.ConditionalExpectedSpend(c)
	v, err := spend.CLV(purchases, c, clv.CLVOptions{
		Periods:      12,    // a year
		PeriodLength: 4.345, // weeks in a month
		DiscountRate: 0.01,  // per month
		Margin:       0.3,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("expected spend per purchase %.2f, 12-month CLV %.2f\n", m, v)
	// Output:
	// expected spend per purchase 24.66, 12-month CLV 10.89
}
