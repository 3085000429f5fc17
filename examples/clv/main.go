// Command clv is a short tutorial of package account/clv: it turns a file
// of purchases into per-customer summaries, scores them with the BG/NBD
// purchase model and the Gamma-Gamma spend model, and prints each
// customer's probability of still being a customer and 12-month CLV.
//
//	go run ./examples/clv -in examples/clv/testdata/tiny.csv -calibration-end 2024-03-31
//
// For real files (other column names, bad rows, a holdout check, fitted
// models, JSON and SVG output) use the crmkit command:
//
//	go install github.com/crmkit/crmkit/cmd/crmkit@latest
//	crmkit clv -in purchases.csv
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account/clv"
)

func main() {
	in := flag.String("in", "examples/clv/testdata/tiny.csv", "purchases: customer,date,amount with a header row")
	calEnd := flag.String("calibration-end", "2024-03-31", "last day of the calibration period")
	flag.Parse()
	if err := run(*in, *calEnd, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "clv:", err)
		os.Exit(1)
	}
}

func run(path, calibrationEnd string, w io.Writer) error {
	end, err := time.Parse(time.DateOnly, calibrationEnd)
	if err != nil {
		return err
	}
	// 1. Read the purchases. Amounts are read exactly as crmkit.Money and
	// handed to the models as float64: the models are estimates.
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return err
	}
	var txs []clv.Transaction
	for i, r := range rows[1:] { // rows[0] is the header
		t, err := time.Parse(time.DateOnly, r[1])
		if err != nil {
			return fmt.Errorf("line %d: %w", i+2, err)
		}
		m, err := crmkit.ParseMoney(r[2], crmkit.MustCurrency("USD"))
		if err != nil {
			return fmt.Errorf("line %d: %w", i+2, err)
		}
		txs = append(txs, clv.Transaction{Customer: r[0], Time: t, Amount: m.Decimal().InexactFloat64()})
	}

	// 2. Summarise: per customer, repeat purchases x, recency t_x and age T
	// in weeks, and the mean repeat spend m, over the calibration period.
	s, err := clv.Summarize(func(yield func(clv.Transaction) bool) {
		for _, tx := range txs {
			if !yield(tx) {
				return
			}
		}
	}, clv.SummaryOptions{CalibrationEnd: end, Unit: clv.Week})
	if err != nil {
		return err
	}

	// 3. The models. With a few hundred customers or more, fit them:
	// bg, _, err := clv.FitBGNBD(s.Customers, clv.FitOptions{}). Three
	// customers cannot identify a model, so this tutorial uses the estimates
	// Fader, Hardie and Lee published for the CDNOW data.
	bg := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	gg := clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}

	// 4. Score every customer: 12 months of 4.345 weeks, 1% a month.
	opts := clv.CLVOptions{Periods: 12, PeriodLength: 4.345, DiscountRate: 0.01, Margin: 1}
	fmt.Fprintf(w, "%-8s %2s %8s %8s\n", "customer", "x", "P(alive)", "CLV")
	for _, c := range s.Customers {
		alive, err := bg.ProbAlive(c)
		if err != nil {
			return err
		}
		v, err := gg.CLV(bg, c, opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%-8s %2d %8.3f %8.2f\n", c.ID, c.Frequency, alive, v)
	}
	return nil
}
