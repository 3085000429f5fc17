package predict_test

import (
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/funneltest"
	"github.com/crmkit/crmkit/funnel/predict"
	"github.com/shopspring/decimal"
)

// exampleHistory is two years of a four-stage pipeline with known rates.
func exampleHistory() (*deal.Pipeline, funneltest.Markov) {
	day := 24 * time.Hour
	p := deal.MustPipeline(deal.PipelineSpec{ID: "sales", Stages: []deal.Stage{
		{Name: "qualify", Probability: decimal.RequireFromString("0.3"), Forecast: deal.ForecastPipeline},
		{Name: "propose", Probability: decimal.RequireFromString("0.5"), Forecast: deal.ForecastPipeline},
		{Name: "negotiate", Probability: decimal.RequireFromString("0.7"), Forecast: deal.ForecastBestCase},
		{Name: "contract", Probability: decimal.RequireFromString("0.9"), Forecast: deal.ForecastCommit},
	}})
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	return p, funneltest.Markov{
		Pipeline: p, Advance: []float64{0.6, 0.7, 0.8, 0.9},
		MeanStay: []time.Duration{5 * day, 10 * day, 10 * day, 7 * day},
		PerDay:   5, Start: start, End: start.AddDate(2, 0, 0),
		MinAmount: 1000_00, MaxAmount: 9000_00, Currency: crmkit.MustCurrency("EUR"),
		Owners: []string{"ann", "bob"}, Types: []string{"new", "renewal"}, Seed: 1,
	}
}

// A Monte Carlo forecast of the next quarter's months: train on the
// history as of today, simulate 2,000 futures, read the P10-P90 ranges.
func ExampleModel_Simulate() {
	p, h := exampleHistory()
	asOf := h.End
	m, err := predict.Train(p, h.Records(), asOf, predict.TrainOptions{Segment: funnel.ByType})
	if err != nil {
		fmt.Println(err)
		return
	}
	cal, _ := crmkit.Gregorian(time.UTC)
	f, err := m.Simulate(predict.SimOptions{Periods: cal.Months(cal.Quarter(asOf)), Simulations: 2000, Seed: 7})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range f.Total {
		fmt.Printf("%s: P10 %s, P50 %s, P90 %s\n", r.Period.Start.Format("Jan"), r.P10, r.P50, r.P90)
	}
	fmt.Println(len(f.Segments), "segments,", len(f.Deals), "open deals, fallbacks:", len(f.Fallbacks))
	// Output:
	// Jan: P10 171864.00 EUR, P50 205842.50 EUR, P90 240362.13 EUR
	// Feb: P10 161653.47 EUR, P50 205693.91 EUR, P90 250979.42 EUR
	// Mar: P10 184134.19 EUR, P50 232467.76 EUR, P90 281743.90 EUR
	// 2 segments, 79 open deals, fallbacks: 0
}

// A win probability per open deal, with the features that explain it.
func ExampleWinModel_Predict() {
	p, h := exampleHistory()
	w, err := predict.TrainWin(p, h.Records(), h.End, predict.WinOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	chances, err := w.Predict(p, h.Records(), h.End)
	if err != nil {
		fmt.Println(err)
		return
	}
	c := chances[0]
	fmt.Printf("stage %s: chance %s (stage probability %s)\n", p.StageName(c.Stage), c.Probability, c.Baseline)
	for _, t := range c.Top {
		fmt.Printf("  %s: %s\n", t.Feature, t.LogOdds)
	}
	// Output:
	// stage contract: chance 0.9015 (stage probability 0.9)
	//   stage=contract: 1.9666
	//   hours in stage: -0.0717
	//   type=new: 0.0244
}

// Calibration on a held-out time split: the model's Brier score beside
// the stage probabilities'.
func ExampleCalibrate() {
	p, h := exampleHistory()
	split := h.End.AddDate(0, -6, 0)
	c, err := predict.Calibrate(p, h.Records(), split, h.End, predict.WinOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d deals tested: Brier %s, stage probabilities %s\n", c.Tested, c.Brier, c.BaselineBrier)
	// Output:
	// 90 deals tested: Brier 0.2413, stage probabilities 0.2376
}

// A backtest on one's own history: coverage of the P10-P90 range and the
// mean absolute errors beside the weighted and category forecasts.
func ExampleRunBacktest() {
	p, h := exampleHistory()
	cal, _ := crmkit.Gregorian(time.UTC)
	months := cal.Months(crmkit.Period{Start: h.End.AddDate(0, -6, 0), End: h.End})
	bt, err := predict.RunBacktest(p, h.Records(), predict.BacktestOptions{Periods: months, Simulations: 1000, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("coverage", bt.Coverage)
	fmt.Println("MAE of P50", bt.MAE.P50, "weighted", bt.MAE.Weighted, "commit", bt.MAE.Commit)
	// Output:
	// coverage 0.6667
	// MAE of P50 34202.84 EUR weighted 47624.60 EUR commit 180136.15 EUR
}
