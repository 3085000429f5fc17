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

func Example() {
	stages := pipelineOf(
		deal.Stage{Name: "tracking", Probability: decimal.RequireFromString("0.2")},
		deal.Stage{Name: "bidding", Probability: decimal.RequireFromString("0.5"), Forecast: deal.ForecastBestCase},
		deal.Stage{Name: "negotiation", Probability: decimal.RequireFromString("0.8"), Forecast: deal.ForecastCommit},
	)
	day := func(d int) time.Time { return time.Date(2025, 3, d, 0, 0, 0, 0, time.UTC) }
	won, open := uuid.UUID{15: 1}, uuid.UUID{15: 2}
	records := []funnel.Record{
		{Entity: won, Kind: funnel.Created, At: day(1), Amount: crmkit.MustMoney("1000", "EUR"), Dims: funnel.Dims{Owner: "ann"}},
		{Entity: won, Kind: funnel.StageEntered, At: day(1), Stage: 0},
		{Entity: won, Kind: funnel.StageEntered, At: day(3), Stage: 1},
		{Entity: won, Kind: funnel.StageEntered, At: day(17), Stage: 2},
		{Entity: won, Kind: funnel.Won, At: day(21)},
		{Entity: open, Kind: funnel.Created, At: day(2), Amount: crmkit.MustMoney("500", "EUR"), Dims: funnel.Dims{Owner: "bob"}},
		{Entity: open, Kind: funnel.StageEntered, At: day(2), Stage: 0},
	}
	rep, err := funnel.SummarizeRecords(stages, slices.Values(records), funnel.Query{AsOf: day(31), Quantiles: crmkit.QuantilesExact})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range rep.Total.Stages {
		conv, _ := s.Conversion()
		fmt.Printf("%-11s reached %d (%s), conversion %s, open %d\n", s.Name, s.Reached, s.ReachedAmount, conv, s.Open)
	}
	cycle, _ := rep.Total.Cycle.Mean()
	bidding, _ := rep.Total.Stages[1].Stay.Mean()
	waiting, _ := rep.Total.Stages[0].OpenStay.Mean()
	fmt.Println("won", rep.Total.WonAmount, "after", cycle)
	fmt.Println("time in bidding", bidding, "- still open in tracking for", waiting)
	// Output:
	// tracking    reached 2 (1500.00 EUR), conversion 0.5, open 1
	// bidding     reached 1 (1000.00 EUR), conversion 1, open 0
	// negotiation reached 1 (1000.00 EUR), conversion 1, open 0
	// won 1000.00 EUR after 480h0m0s
	// time in bidding 336h0m0s - still open in tracking for 696h0m0s
}
