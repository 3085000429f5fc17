package crmkit_test

import (
	"iter"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account/value"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/quota"
)

// TestAsOfMeansAtOrBefore drives funnel, quota and account with the same
// sales and the same "as of" instant, often exactly the time of a sale:
// each counts every sale at or before it and none after, so all three
// report the same revenue, equal to the sum computed here by filtering the
// sales by hand.
func TestAsOfMeansAtOrBefore(t *testing.T) {
	eur := crmkit.MustCurrency("EUR")
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	cal, err := crmkit.Gregorian(time.UTC)
	require.NoError(t, err)
	rev := crmkit.Cmd{By: "cfo", At: start.AddDate(0, -1, 0), Reason: "FY2025"}
	plan, _, err := quota.NewPlan(quota.PlanSpec{Name: "FY2025", FiscalYear: 2025, Calendar: quota.Fiscal(time.January, ""),
		Target: quota.Amount(crmkit.MustMoney("1000000", "EUR")), Rounding: crmkit.RoundHalfEven}, rev)
	require.NoError(t, err)
	stages := deal.MustPipeline(deal.PipelineSpec{ID: "asof", Stages: []deal.Stage{{Name: "open", Probability: decimal.RequireFromString("0.5"), Forecast: deal.ForecastPipeline}}})

	type sale struct {
		at    time.Time
		minor int64
	}
	rapid.Check(t, func(t *rapid.T) {
		// Sales at whole minutes of the first 200 days, so that several
		// can share an instant.
		n := rapid.IntRange(1, 30).Draw(t, "sales")
		sales := make([]sale, n)
		for i := range sales {
			sales[i] = sale{
				at:    start.Add(time.Duration(rapid.Int64Range(1, 200*24*60).Draw(t, "minute")) * time.Minute),
				minor: rapid.Int64Range(1, 10_000_000).Draw(t, "cents"),
			}
		}
		asOf := sales[rapid.IntRange(0, n-1).Draw(t, "as of the sale")].at
		if rapid.Bool().Draw(t, "between sales") {
			asOf = start.Add(time.Duration(rapid.Int64Range(1, 200*24*60).Draw(t, "as of minute"))*time.Minute + time.Second)
		}
		var want int64
		for _, s := range sales {
			if !s.at.After(asOf) {
				want += s.minor
			}
		}
		money := func(minor int64) crmkit.Money {
			m, err := crmkit.NewMoney(minor, eur)
			require.NoError(t, err)
			return m
		}

		// funnel: each sale is a deal created at the year's start and won
		// at the sale's time (records grouped by entity, in ID order).
		var records []funnel.Record
		for i, s := range sales {
			id := uuid.UUID{14: byte(i >> 8), 15: byte(i + 1)}
			records = append(records,
				funnel.Record{Entity: id, Kind: funnel.Created, At: start, Amount: money(s.minor)},
				funnel.Record{Entity: id, Kind: funnel.StageEntered, At: start, Stage: 0},
				funnel.Record{Entity: id, Kind: funnel.Won, At: s.at})
		}
		rep, err := funnel.SummarizeRecords(stages, slices.Values(records), funnel.Query{AsOf: asOf})
		require.NoError(t, err)
		require.Equal(t, want, rep.Total.WonAmount.Minor(), "funnel won as of %s", asOf)

		// quota: the sales are the actuals of a one-cell plan.
		recs := make([]quota.Record, n)
		for i, s := range sales {
			recs[i] = quota.Record{At: s.at, Amount: quota.Amount(money(s.minor))}
		}
		ev, err := plan.Evaluate(slices.Values(recs), quota.EvalOptions{AsOf: asOf})
		require.NoError(t, err)
		require.Equal(t, quota.Amount(money(want)), ev.Actual, "quota actual as of %s", asOf)

		// account: the sales are the revenue of one customer.
		hist, err := value.MonthlyRevenue(cal, start, asOf, eur, func(yield func(time.Time, crmkit.Money) bool) {
			for _, s := range sales {
				if !yield(s.at, money(s.minor)) {
					return
				}
			}
		})
		require.NoError(t, err)
		total, err := crmkit.SumSeq(eur, iter.Seq[crmkit.Money](slices.Values(hist)))
		require.NoError(t, err)
		require.Equal(t, want, total.Minor(), "account revenue as of %s", asOf)
	})
}
