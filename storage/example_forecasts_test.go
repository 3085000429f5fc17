package storage_test

import (
	"context"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
)

// Forecast snapshots are put as the forecast job takes them and listed
// by period and figure when the quarter has closed, to measure how good
// the forecast was: the commit figure said 120,000.00 on 2 January and
// 150,000.00 was won, so the error is 30,000.00, the absolute percentage
// error 30,000 / 150,000 = 0.2 and the accuracy 0.8.
func ExampleForecastSnapshotRepository() {
	ctx := context.Background()
	store, _ := memory.New().Tenant("acme")
	q1 := crmkit.Period{Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
	taken := time.Date(2026, 1, 2, 6, 0, 0, 0, time.UTC)

	commit := storage.NewForecastSnapshot(funnel.Snapshot{Taken: taken, Period: q1, Figure: funnel.CommitFigure,
		Amount: crmkit.MustMoney("120000.00", "EUR")}, "forecast-job", "", "")
	best := storage.NewForecastSnapshot(funnel.Snapshot{Taken: taken, Period: q1, Figure: funnel.BestCaseFigure,
		Amount: crmkit.MustMoney("180000.00", "EUR")}, "forecast-job", "", "")
	fmt.Println(store.ForecastSnapshots().Put(ctx, commit), store.ForecastSnapshots().Put(ctx, best))
	commit.Amount = crmkit.MustMoney("1.00", "EUR")
	fmt.Println("replace:", store.ForecastSnapshots().Put(ctx, commit) != nil)

	page, _, _ := store.ForecastSnapshots().List(ctx, storage.ForecastSnapshotFilter{Within: q1, Figure: funnel.CommitFigure}, storage.Page{})
	acc, _ := funnel.MeasureAccuracy(page[0].Snapshot(), crmkit.MustMoney("150000.00", "EUR"))
	fmt.Println(len(page), page[0].Amount, "error", acc.Error, "accuracy", acc.Accuracy)
	// Output:
	// <nil> <nil>
	// replace: true
	// 1 120000.00 EUR error 30000.00 EUR accuracy 0.8
}
