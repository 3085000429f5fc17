package funnel_test

import (
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/funneltest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func date(m time.Month, d int) time.Time { return time.Date(2025, m, d, 0, 0, 0, 0, time.UTC) }

func q1(t *testing.T) crmkit.Period {
	p, err := crmkit.NewPeriod(date(1, 1), date(4, 1))
	require.NoError(t, err)
	return p
}

// forecastDeals, as of 2025-02-15 (amounts in cents):
//
//	1 won 2025-01-20, 1000.00         -> won in Q1
//	2 won 2024-12-20                  -> not in Q1
//	3 open negotiation, close Mar 10, 2000.00 (commit)
//	4 open proposal, close Mar 31, 1500.00    (best case)
//	5 open qualified, close Feb 28, 1000.00   (pipeline)
//	6 open lead, close Apr 5          -> after Q1
//	7 open lead, close Jan 5, 300.00  -> overdue (before Feb 15)
//	8 open qualified, no close date, 400.00
//	9 suspended negotiation, close Mar 1 -> out
func forecastDeals(t *testing.T) []funnel.Opportunity {
	o := func(n byte, st funnel.Status, stage int, amount int64, closeDate, closed time.Time) funnel.Opportunity {
		return funnel.Opportunity{Entity: id(n), Status: st, Stage: stage, Reached: 1<<uint(stage+1) - 1,
			Amount: money(t, amount), Origin: date(1, 1), Entered: date(1, 2), CloseDate: closeDate, Closed: closed}
	}
	return []funnel.Opportunity{
		o(1, funnel.ClosedWon, 3, 100000, time.Time{}, date(1, 20)),
		o(2, funnel.ClosedWon, 3, 50000, time.Time{}, time.Date(2024, 12, 20, 0, 0, 0, 0, time.UTC)),
		o(3, funnel.Open, 3, 200000, date(3, 10), time.Time{}),
		o(4, funnel.Open, 2, 150000, date(3, 31), time.Time{}),
		o(5, funnel.Open, 1, 100000, date(2, 28), time.Time{}),
		o(6, funnel.Open, 0, 70000, date(4, 5), time.Time{}),
		o(7, funnel.Open, 0, 30000, date(1, 5), time.Time{}),
		o(8, funnel.Open, 1, 40000, time.Time{}, time.Time{}),
		o(9, funnel.Paused, 3, 90000, date(3, 1), time.Time{}),
	}
}

func TestForecastHandComputed(t *testing.T) {
	rates := []decimal.Decimal{dec("0.2"), dec("0.25"), dec("0.5"), dec("0.7")}
	f, err := funnel.NewForecast(testStages(), slices.Values(forecastDeals(t)), q1(t), date(2, 15), funnel.ForecastOptions{Rates: rates})
	require.NoError(t, err)
	assert.Equal(t, funnel.Flow{Count: 1, Amount: money(t, 100000)}, f.Won)
	assert.Equal(t, funnel.Flow{Count: 3, Amount: money(t, 450000)}, f.Open)
	assert.Equal(t, funnel.Flow{Count: 1, Amount: money(t, 30000)}, f.Overdue)
	assert.Equal(t, funnel.Flow{Count: 1, Amount: money(t, 40000)}, f.NoCloseDate)
	assert.Equal(t, funnel.CategoryForecast{Count: 1, Amount: money(t, 200000), Weighted: money(t, 160000)}, f.Categories[deal.ForecastCommit])
	assert.Equal(t, funnel.CategoryForecast{Count: 1, Amount: money(t, 150000), Weighted: money(t, 90000)}, f.Categories[deal.ForecastBestCase])
	assert.Equal(t, funnel.CategoryForecast{Count: 1, Amount: money(t, 100000), Weighted: money(t, 30000)}, f.Categories[deal.ForecastPipeline])
	for fig, want := range map[funnel.Figure]int64{
		funnel.Weighted:       380000, // 1000 + 2000×0.8 + 1500×0.6 + 1000×0.3
		funnel.Historical:     340000, // 1000 + 2000×0.7 + 1500×0.5 + 1000×0.25
		funnel.CommitFigure:   300000,
		funnel.BestCaseFigure: 450000,
		funnel.PipelineFigure: 550000,
	} {
		got, err := f.Computed(fig)
		require.NoError(t, err)
		assert.Equal(t, money(t, want), got, fig.String())
	}
	cov, err := f.Coverage(money(t, 600000)) // 4500 open / (6000 - 1000)
	require.NoError(t, err)
	assert.True(t, cov.Equal(dec("0.9")), "coverage %s", cov)
	_, err = f.Coverage(money(t, 100000))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	adj, err := f.Adjust(funnel.Adjustment{Figure: funnel.CommitFigure, Amount: money(t, 50000), By: "carol", Why: "verbal yes on deal 4", At: date(2, 16)})
	require.NoError(t, err)
	c, _ := adj.Computed(funnel.CommitFigure)
	a, _ := adj.Adjusted(funnel.CommitFigure)
	assert.Equal(t, money(t, 300000), c, "the computed figure stays")
	assert.Equal(t, money(t, 350000), a)
	assert.Empty(t, f.Adjustments, "the original forecast is unchanged")
	_, err = f.Adjust(funnel.Adjustment{Figure: funnel.CommitFigure, Amount: money(t, 1), By: "carol", At: date(2, 16)})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "a reason is required")
	_, err = f.Adjust(funnel.Adjustment{Figure: funnel.CommitFigure, Amount: crmkit.MustMoney("1", "USD"), By: "carol", Why: "x", At: date(2, 16)})
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)

	snap, err := adj.Snapshot(funnel.CommitFigure, true)
	require.NoError(t, err)
	acc, err := funnel.MeasureAccuracy(snap, money(t, 320000))
	require.NoError(t, err)
	assert.Equal(t, money(t, -30000), acc.Error)
	assert.True(t, acc.APE.Equal(dec("0.09375")), "ape %s", acc.APE)
	assert.True(t, acc.Accuracy.Equal(dec("0.90625")), "accuracy %s", acc.Accuracy)
	_, err = funnel.MeasureAccuracy(snap, money(t, 0))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	won, err := funnel.WonIn(slices.Values(forecastDeals(t)), q1(t))
	require.NoError(t, err)
	assert.Equal(t, funnel.Flow{Count: 1, Amount: money(t, 100000)}, won)

	f2, err := funnel.NewForecast(testStages(), slices.Values(forecastDeals(t)), q1(t), date(2, 15), funnel.ForecastOptions{})
	require.NoError(t, err)
	_, err = f2.Computed(funnel.Historical)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = funnel.NewForecast(testStages(), slices.Values(forecastDeals(t)), q1(t), date(2, 15), funnel.ForecastOptions{Rates: rates[:2]})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = funnel.NewForecast(testStages(), slices.Values(forecastDeals(t)), crmkit.Period{}, date(2, 15), funnel.ForecastOptions{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestHistoricalRates(t *testing.T) {
	rep, err := funnel.SummarizeRecords(testStages(), slices.Values(history(t)), funnel.Query{AsOf: at(20)})
	require.NoError(t, err)
	rates, err := funnel.HistoricalRates(rep.Total)
	require.NoError(t, err)
	for i, want := range []string{"0.4", "0.3333333333333333", "0.5", "1"} {
		assert.True(t, rates[i].Equal(dec(want)), "stage %d: %s", i, rates[i])
	}
	rep, err = funnel.SummarizeRecords(testStages(), slices.Values(history(t)), funnel.Query{AsOf: at(1)})
	require.NoError(t, err)
	_, err = funnel.HistoricalRates(rep.Total)
	assert.ErrorContains(t, err, "qualified", "a stage without history is named")
}

func TestVelocity(t *testing.T) {
	v, err := funnel.Velocity(10, dec("0.25"), money(t, 100000), 50*day, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, money(t, 5000), v) // 10 × 0.25 × 1000.00 / 50 days = 50.00 a day
	// 3 × 0.3 × 1000.00 / 7 days = 128.5714...
	v, err = funnel.Velocity(3, dec("0.3"), money(t, 100000), 7*day, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, money(t, 12857), v)
	v, err = funnel.Velocity(3, dec("0.3"), money(t, 100000), 7*day, crmkit.RoundUp)
	require.NoError(t, err)
	assert.Equal(t, money(t, 12858), v)
	for _, bad := range []func() error{
		func() error {
			_, err := funnel.Velocity(-1, dec("0.3"), money(t, 1), day, crmkit.RoundHalfEven)
			return err
		},
		func() error {
			_, err := funnel.Velocity(1, dec("1.3"), money(t, 1), day, crmkit.RoundHalfEven)
			return err
		},
		func() error {
			_, err := funnel.Velocity(1, dec("0.3"), money(t, 1), 0, crmkit.RoundHalfEven)
			return err
		},
		func() error { _, err := funnel.Velocity(1, dec("0.3"), money(t, 1), day, 0); return err },
	} {
		assert.ErrorIs(t, bad(), crmkit.ErrInvalid)
	}
	// From the hand-computed report (amounts in cents): 1 open × 2/3 ×
	// 7.50 / 4.5 days = 1.1111 a day.
	rep, err := funnel.SummarizeRecords(testStages(), slices.Values(history(t)), funnel.Query{AsOf: at(20)})
	require.NoError(t, err)
	v, err = rep.Total.Velocity(crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, money(t, 111), v)
}

// The figures are ordered: won <= commit <= best case <= pipeline, and
// won <= weighted <= pipeline (probabilities are at most 1).
func TestPropertyForecastFiguresOrdered(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := funneltest.Histories(funneltest.Config{MaxEntities: 12}).Draw(t, "history")
		asOf := asOfIn(t, h)
		states, err := replayAll(h.Pipeline, h.Seq(), asOf)
		if err != nil {
			t.Fatal(err)
		}
		start := asOf.Add(-time.Duration(rapid.IntRange(0, 90).Draw(t, "back days")) * 24 * time.Hour)
		period, err := crmkit.NewPeriod(start, start.Add(90*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		f, err := funnel.NewForecast(h.Pipeline, slices.Values(states), period, asOf, funnel.ForecastOptions{})
		if err != nil {
			t.Fatal(err)
		}
		get := func(fig funnel.Figure) int64 {
			m, err := f.Computed(fig)
			if err != nil {
				t.Fatal(err)
			}
			return m.Minor()
		}
		won, w := f.Won.Amount.Minor(), get(funnel.Weighted)
		c, b, p := get(funnel.CommitFigure), get(funnel.BestCaseFigure), get(funnel.PipelineFigure)
		if !(won <= c && c <= b && b <= p && won <= w && w <= p) {
			t.Fatalf("won %d, commit %d, best case %d, pipeline %d, weighted %d", won, c, b, p, w)
		}
		if p-won != f.Open.Amount.Minor() {
			t.Fatalf("pipeline %d - won %d != open %d", p, won, f.Open.Amount.Minor())
		}
	})
}

// A forecast whose only open deal is in a commit stage still reports the
// best-case and pipeline categories, with zeros in the forecast's currency
// (euro here), and so do its empty flows: a report never prints "0"
// beside "2000.00 EUR". A forecast with no amount at all has no currency.
func TestForecastEmptyFiguresInTheForecastCurrency(t *testing.T) {
	open := forecastDeals(t)[2] // open, negotiation (commit), 2000.00 EUR, closes 10 March
	f, err := funnel.NewForecast(testStages(), slices.Values([]funnel.Opportunity{open}), q1(t), date(2, 15), funnel.ForecastOptions{})
	require.NoError(t, err)
	zero := money(t, 0)
	assert.Equal(t, "0.00 EUR", zero.String())
	assert.Equal(t, funnel.CategoryForecast{Count: 1, Amount: money(t, 200000), Weighted: money(t, 160000)}, f.Categories[deal.ForecastCommit])
	for _, c := range []deal.ForecastCategory{deal.ForecastBestCase, deal.ForecastPipeline} {
		got, ok := f.Categories[c]
		require.True(t, ok, "%s present", c)
		assert.Equal(t, funnel.CategoryForecast{Amount: zero, Weighted: zero}, got, c.String())
	}
	assert.Equal(t, funnel.Flow{Amount: zero}, f.Won)
	assert.Equal(t, funnel.Flow{Amount: zero}, f.Overdue)

	none, err := funnel.NewForecast(testStages(), slices.Values([]funnel.Opportunity{}), q1(t), date(2, 15), funnel.ForecastOptions{})
	require.NoError(t, err)
	assert.True(t, none.Won.Amount.Currency().IsZero())
}
