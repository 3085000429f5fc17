package predict

import (
	"fmt"
	"iter"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/shopspring/decimal"
)

// BacktestOptions are the inputs of RunBacktest.
type BacktestOptions struct {
	// Periods are the test periods, 1 to MaxPeriods of them: each is
	// forecast as of its start from the history up to then, and compared
	// with what was won in it.
	Periods []crmkit.Period
	// Train and Simulations, Seed are passed to Train and Simulate.
	Train       TrainOptions
	Simulations int
	Seed        uint64
}

// BacktestPeriod compares the forecasts of one period with what was won.
type BacktestPeriod struct {
	Period crmkit.Period
	// Range is the Monte Carlo forecast; Covered says whether Actual is
	// within [P10, P90].
	Range   Range
	Covered bool
	// Weighted, Commit and BestCase are funnel.NewForecast's figures as
	// of the period's start (funnel.Weighted, CommitFigure,
	// BestCaseFigure): they count the deals whose expected close date is
	// in the period.
	Weighted, Commit, BestCase crmkit.Money
	// Actual is the amount won in the period (funnel.WonIn).
	Actual crmkit.Money
}

// Backtest is the accuracy of the Monte Carlo forecast on a history,
// beside the weighted and category forecasts of the same periods.
type Backtest struct {
	Periods []BacktestPeriod
	// Coverage is the share of periods whose actual revenue is within the
	// forecast's P10-P90 range: about 0.8 for a well-calibrated forecast.
	Coverage decimal.Decimal
	// The mean absolute errors, |forecast - actual| averaged over the
	// periods (rounded half to even): of the Monte Carlo P50, of the
	// weighted, commit and best-case figures.
	MAE struct{ P50, Weighted, Commit, BestCase crmkit.Money }
}

// RunBacktest runs the Monte Carlo forecast on the caller's own history
// at several time splits: for each period it trains as of the period's
// start, forecasts the period, and compares with what was won in it,
// beside funnel.NewForecast's weighted, commit and best-case figures from
// the deals' state at the start. records is read four times per period.
// Invalid options and the errors of Train, Simulate and NewForecast are
// errors, each naming the period.
func RunBacktest(p *deal.Pipeline, records iter.Seq[funnel.Record], opt BacktestOptions) (Backtest, error) {
	if len(opt.Periods) < 1 || len(opt.Periods) > MaxPeriods {
		return Backtest{}, crmkit.Invalid("periods", "%d periods: want 1 to %d", len(opt.Periods), MaxPeriods)
	}
	var bt Backtest
	var errs [4]crmkit.Money
	covered := 0
	for _, per := range opt.Periods {
		wrap := func(err error) error { return fmt.Errorf("backtest of %s: %w", per, err) }
		m, err := Train(p, records, per.Start, opt.Train)
		if err != nil {
			return Backtest{}, wrap(err)
		}
		f, err := m.Simulate(SimOptions{Periods: []crmkit.Period{per}, Simulations: opt.Simulations, Seed: opt.Seed})
		if err != nil {
			return Backtest{}, wrap(err)
		}
		var replayErr error
		states := func(asOf time.Time) iter.Seq[funnel.Opportunity] {
			return func(yield func(funnel.Opportunity) bool) {
				for o, err := range funnel.Replay(p, records, asOf) {
					if err != nil {
						replayErr = err
						return
					}
					if !yield(o) {
						return
					}
				}
			}
		}
		fc, err := funnel.NewForecast(p, states(per.Start), per, per.Start, funnel.ForecastOptions{})
		if err == nil {
			err = replayErr
		}
		if err != nil {
			return Backtest{}, wrap(err)
		}
		won, err := funnel.WonIn(states(per.End), per)
		if err == nil {
			err = replayErr
		}
		if err != nil {
			return Backtest{}, wrap(err)
		}
		r := BacktestPeriod{Period: per, Range: f.Total[0], Actual: won.Amount}
		if r.Actual.Currency().IsZero() {
			r.Actual, _ = crmkit.NewMoney(0, m.cur)
		}
		for i, fig := range []funnel.Figure{funnel.Weighted, funnel.CommitFigure, funnel.BestCaseFigure} {
			v, err := fc.Computed(fig)
			if err != nil {
				return Backtest{}, wrap(err)
			}
			*[]*crmkit.Money{&r.Weighted, &r.Commit, &r.BestCase}[i] = v
		}
		lo, hi := r.Range.P10.Minor(), r.Range.P90.Minor()
		r.Covered = lo <= r.Actual.Minor() && r.Actual.Minor() <= hi
		if r.Covered {
			covered++
		}
		for i, v := range []crmkit.Money{r.Range.P50, r.Weighted, r.Commit, r.BestCase} {
			d, err := absDiff(v, r.Actual)
			if err != nil {
				return Backtest{}, wrap(err)
			}
			if errs[i], err = add(errs[i], d); err != nil {
				return Backtest{}, wrap(err)
			}
		}
		bt.Periods = append(bt.Periods, r)
	}
	k := decimal.NewFromInt(int64(len(opt.Periods)))
	bt.Coverage = decimal.NewFromInt(int64(covered)).DivRound(k, 4)
	for i, dst := range []*crmkit.Money{&bt.MAE.P50, &bt.MAE.Weighted, &bt.MAE.Commit, &bt.MAE.BestCase} {
		if errs[i].Currency().IsZero() {
			continue
		}
		v, err := errs[i].Div(k, crmkit.RoundHalfEven)
		if err != nil {
			return Backtest{}, err
		}
		*dst = v
	}
	return bt, nil
}

// absDiff is |a - b|; a zero Money without currency counts as zero.
func absDiff(a, b crmkit.Money) (crmkit.Money, error) {
	switch {
	case a.Currency().IsZero() && a.IsZero():
		return b.Abs()
	case b.Currency().IsZero() && b.IsZero():
		return a.Abs()
	}
	d, err := a.Sub(b)
	if err != nil {
		return crmkit.Money{}, err
	}
	return d.Abs()
}

func add(a, b crmkit.Money) (crmkit.Money, error) {
	if a.Currency().IsZero() && a.IsZero() {
		return b, nil
	}
	return a.Add(b)
}
