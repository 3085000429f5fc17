package funnel

import (
	"fmt"
	"iter"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/shopspring/decimal"
)

// Figure names one of the numbers a Forecast computes.
type Figure uint8

// The forecast figures. All include what was already won in the period.
const (
	_ Figure = iota
	// Weighted: won + the open amounts weighted by their stage's
	// probability.
	Weighted
	// Historical: won + the open amounts weighted by their stage's
	// historical stage-to-won rate.
	Historical
	// CommitFigure: won + the open amounts in stages of forecast category
	// deal.ForecastCommit or deal.ForecastClosed (a stage whose open deals
	// count as good as closed).
	CommitFigure
	// BestCaseFigure: CommitFigure + the open amounts in
	// deal.ForecastBestCase stages.
	BestCaseFigure
	// PipelineFigure: BestCaseFigure + the open amounts in
	// deal.ForecastPipeline stages (everything not deal.ForecastOmitted).
	PipelineFigure
	numFigures
)

// CategoryForecast is what one forecast category (one category of
// customers) contributes: how many open opportunities, their amount and
// their probability-weighted amount.
type CategoryForecast struct {
	Count    int64
	Amount   crmkit.Money
	Weighted crmkit.Money
}

// Adjustment is a manager's change to a computed forecast figure, kept
// beside it with who made it, when and why.
type Adjustment struct {
	// Figure is the figure adjusted.
	Figure Figure
	// Amount is added to the figure (negative to lower it).
	Amount crmkit.Money
	// By is who adjusted (the host application's user key).
	By string
	// Why is the stated reason.
	Why string
	// At is when.
	At time.Time
}

// Forecast is the revenue forecast of a period as of a date: the deals
// already won in the period and the open deals expected to close in it
// (their expected close date is in the period), weighted several ways,
// with the managers' adjustments kept beside the computed figures.
// Suspended deals are out of the forecast; open deals whose close date
// has passed by AsOf (Overdue: slipping, their date needs a decision) or is
// unknown (NoCloseDate), and open deals in no stage (Unstaged), are counted
// apart and left out.
type Forecast struct {
	// Period is the forecast period; AsOf the date of the forecast.
	Period crmkit.Period
	AsOf   time.Time
	// Won holds the deals won in the period up to AsOf.
	Won Flow
	// Open holds the open deals expected to close in the period.
	Open Flow
	// Categories holds what each forecast category of the pipeline's
	// stages contributes (deal.ForecastPipeline: potential customers,
	// ForecastBestCase: the most promising, ForecastCommit: about to close,
	// ForecastClosed, ForecastOmitted). Every category a stage of the
	// pipeline uses is present; one without open deals in the period has
	// zero amounts in the forecast's currency (the currency of its other
	// amounts: a report never mixes "0" and "0.00 EUR").
	Categories map[deal.ForecastCategory]CategoryForecast
	// Overdue holds open deals whose close date is before AsOf;
	// NoCloseDate those without one; Unstaged those expected to close in
	// the period but in no stage (no probability or category).
	Overdue, NoCloseDate, Unstaged Flow
	// Adjustments are the managers' changes, in the order made.
	Adjustments []Adjustment

	weighted, historical crmkit.Money
	hasHistorical        bool
}

// ForecastOptions are the optional inputs of NewForecast.
type ForecastOptions struct {
	// Rates are historical stage-to-won rates, one per stage in [0, 1]
	// (see HistoricalRates); nil leaves the Historical figure out.
	Rates []decimal.Decimal
	// Rounding rounds weighted amounts to the minor unit, once per
	// stage; zero means crmkit.RoundHalfEven.
	Rounding crmkit.RoundingMode
}

// NewForecast computes the forecast of period as of asOf from the
// opportunities' states (typically Replay(asOf) or a store's current
// deals), against the stages of pipeline p: each stage's probability and
// forecast category. Weighted amounts are computed per stage, sum of the
// amounts times the probability, rounded once with opt.Rounding. A nil or
// zero pipeline, an empty period, a zero asOf, rates of the wrong length
// or outside [0, 1] (crmkit.CheckFraction), invalid opportunities and
// amounts in two currencies are errors.
func NewForecast(p *deal.Pipeline, opportunities iter.Seq[Opportunity], period crmkit.Period, asOf time.Time, opt ForecastOptions) (Forecast, error) {
	if opportunities == nil {
		return Forecast{}, crmkit.Invalid("opportunities", "nil sequence")
	}
	stages, err := policyOf(p)
	if err != nil {
		return Forecast{}, err
	}
	if period.IsEmpty() {
		return Forecast{}, crmkit.Invalid("period", "empty period %s", period)
	}
	if asOf.IsZero() {
		return Forecast{}, crmkit.Invalid("as of", "zero forecast date")
	}
	n := stages.Len()
	if opt.Rates != nil {
		if len(opt.Rates) != n {
			return Forecast{}, crmkit.Invalid("rates", "%d rates for %d stages", len(opt.Rates), n)
		}
		for i, r := range opt.Rates {
			if err := crmkit.CheckFraction(fmt.Sprintf("rates[%d]", i), r); err != nil {
				return Forecast{}, fmt.Errorf("stage %q: %w", stages.Name(i), err)
			}
		}
	}
	mode := opt.Rounding
	if mode == 0 {
		mode = crmkit.RoundHalfEven
	}
	f := Forecast{Period: period, AsOf: asOf, Categories: make(map[deal.ForecastCategory]CategoryForecast)}
	perStage := make([]crmkit.Money, n)
	for o := range opportunities {
		if err := o.validate(n); err != nil {
			return Forecast{}, err
		}
		if err := f.add(&o, stages, perStage); err != nil {
			return Forecast{}, fmt.Errorf("forecast: entity %s: %w", o.Entity, err)
		}
	}
	f.weighted, f.historical = f.Won.Amount, f.Won.Amount
	for i, sum := range perStage {
		if sum.Currency().IsZero() {
			continue
		}
		st := stages.Stage(i)
		w, err := sum.Mul(st.Probability, mode)
		if err != nil {
			return Forecast{}, err
		}
		c := f.Categories[st.Forecast]
		if c.Weighted, err = c.Weighted.Add(w); err != nil {
			return Forecast{}, err
		}
		f.Categories[st.Forecast] = c
		if st.Forecast == deal.ForecastOmitted {
			continue
		}
		if f.weighted, err = f.weighted.Add(w); err != nil {
			return Forecast{}, err
		}
		if opt.Rates != nil {
			h, err := sum.Mul(opt.Rates[i], mode)
			if err != nil {
				return Forecast{}, err
			}
			if f.historical, err = f.historical.Add(h); err != nil {
				return Forecast{}, err
			}
		}
	}
	f.hasHistorical = opt.Rates != nil
	f.fillCurrency(stages, n)
	return f, nil
}

// fillCurrency gives every empty figure of f a zero in the forecast's
// currency, and every forecast category the pipeline's stages use an
// entry, so that a report never prints a currency-less "0" beside
// "18000.00 EUR". A forecast with no amount at all has no currency and
// keeps its currency-less zeros.
func (f *Forecast) fillCurrency(stages stageList, n int) {
	var cur crmkit.Currency
	for _, m := range []crmkit.Money{f.Won.Amount, f.Open.Amount, f.Overdue.Amount, f.NoCloseDate.Amount, f.Unstaged.Amount} {
		if cur.IsZero() {
			cur = m.Currency()
		}
	}
	for _, c := range f.Categories {
		if cur.IsZero() {
			cur = c.Amount.Currency()
		}
	}
	if cur.IsZero() {
		return
	}
	zero, err := crmkit.NewMoney(0, cur)
	if err != nil {
		return
	}
	fill := func(m *crmkit.Money) {
		if m.Currency().IsZero() {
			*m = zero
		}
	}
	for _, fl := range []*Flow{&f.Won, &f.Open, &f.Overdue, &f.NoCloseDate, &f.Unstaged} {
		fill(&fl.Amount)
	}
	for i := range n {
		cat := stages.Stage(i).Forecast
		c := f.Categories[cat]
		fill(&c.Amount)
		fill(&c.Weighted)
		f.Categories[cat] = c
	}
	fill(&f.weighted)
	fill(&f.historical)
}

func (f *Forecast) add(o *Opportunity, stages stageList, perStage []crmkit.Money) error {
	switch o.Status {
	case ClosedWon:
		if f.Period.Contains(o.Closed) && !o.Closed.After(f.AsOf) {
			return f.Won.add(o.Amount)
		}
		return nil
	case Open:
	default:
		return nil
	}
	switch {
	case o.CloseDate.IsZero():
		return f.NoCloseDate.add(o.Amount)
	case o.CloseDate.Before(f.AsOf):
		return f.Overdue.add(o.Amount)
	case !f.Period.Contains(o.CloseDate):
		return nil
	}
	if o.Stage < 0 {
		return f.Unstaged.add(o.Amount)
	}
	cat := stages.Stage(o.Stage).Forecast
	c := f.Categories[cat]
	var err error
	if c.Amount, err = c.Amount.Add(o.Amount); err != nil {
		return err
	}
	c.Count++
	f.Categories[cat] = c
	if perStage[o.Stage], err = perStage[o.Stage].Add(o.Amount); err != nil {
		return err
	}
	if cat == deal.ForecastOmitted {
		return nil
	}
	return f.Open.add(o.Amount)
}

// Computed returns a figure as computed, without adjustments. The
// Historical figure of a forecast made without rates is ErrInvalid.
func (f Forecast) Computed(fig Figure) (crmkit.Money, error) {
	sum := func(cats ...deal.ForecastCategory) (crmkit.Money, error) {
		m := f.Won.Amount
		for _, c := range cats {
			var err error
			if m, err = m.Add(f.Categories[c].Amount); err != nil {
				return crmkit.Money{}, err
			}
		}
		return m, nil
	}
	switch fig {
	case Weighted:
		return f.weighted, nil
	case Historical:
		if !f.hasHistorical {
			return crmkit.Money{}, crmkit.Invalid("figure", "forecast made without historical rates")
		}
		return f.historical, nil
	case CommitFigure:
		return sum(deal.ForecastClosed, deal.ForecastCommit)
	case BestCaseFigure:
		return sum(deal.ForecastClosed, deal.ForecastCommit, deal.ForecastBestCase)
	case PipelineFigure:
		return sum(deal.ForecastClosed, deal.ForecastCommit, deal.ForecastBestCase, deal.ForecastPipeline)
	}
	return crmkit.Money{}, crmkit.Invalid("figure", "unknown figure %d", fig)
}

// Adjusted returns a figure with the adjustments made to it added.
func (f Forecast) Adjusted(fig Figure) (crmkit.Money, error) {
	m, err := f.Computed(fig)
	if err != nil {
		return crmkit.Money{}, err
	}
	for _, a := range f.Adjustments {
		if a.Figure == fig {
			if m, err = m.Add(a.Amount); err != nil {
				return crmkit.Money{}, fmt.Errorf("adjustment by %s: %w", a.By, err)
			}
		}
	}
	return m, nil
}

// Adjust returns a copy of f with the adjustment a added beside the
// computed figures (f is unchanged). An unknown figure, an amount without
// currency or in another currency, an empty By or Why and a zero time are
// errors.
func (f Forecast) Adjust(a Adjustment) (Forecast, error) {
	switch {
	case a.Figure == 0 || a.Figure >= numFigures:
		return Forecast{}, crmkit.Invalid("figure", "unknown figure %d", a.Figure)
	case a.Amount.Currency().IsZero():
		return Forecast{}, crmkit.Invalid("amount", "adjustment without currency")
	case a.By == "":
		return Forecast{}, crmkit.Invalid("by", "adjustment without author")
	case a.Why == "":
		return Forecast{}, crmkit.Invalid("why", "adjustment by %s without a reason", a.By)
	case a.At.IsZero():
		return Forecast{}, crmkit.Invalid("at", "adjustment by %s without time", a.By)
	}
	cur, err := f.Computed(a.Figure)
	if err != nil {
		return Forecast{}, err
	}
	if _, err := cur.Add(a.Amount); err != nil {
		return Forecast{}, fmt.Errorf("adjustment by %s: %w", a.By, err)
	}
	f.Adjustments = append(f.Adjustments[:len(f.Adjustments):len(f.Adjustments)], a)
	return f, nil
}

// Coverage is pipeline coverage: the open amount expected to close in the
// period divided by what remains of the target after the wins,
// Open / (target - Won) (crmkit.Ratio). A ratio of 3
// means three times the remaining target is in the pipeline. A target
// already met (nothing remains) and a target in another currency are
// errors.
func (f Forecast) Coverage(target crmkit.Money) (decimal.Decimal, error) {
	rest, err := target.Sub(f.Won.Amount)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("coverage: %w", err)
	}
	if rest.Sign() <= 0 {
		return decimal.Decimal{}, crmkit.Invalid("target", "target %s is already met by %s won", target, f.Won.Amount)
	}
	if _, err := rest.Add(f.Open.Amount); err != nil {
		return decimal.Decimal{}, fmt.Errorf("coverage: %w", err)
	}
	return crmkit.Ratio(decimal.NewFromInt(f.Open.Amount.Minor()), decimal.NewFromInt(rest.Minor()))
}

// Snapshot records what a forecast figure said on its date, to be
// compared with what closed (Accuracy).
type Snapshot struct {
	// Taken is the forecast's date; Period its period.
	Taken  time.Time
	Period crmkit.Period
	// Figure is the figure recorded and Adjusted whether the managers'
	// adjustments were included.
	Figure   Figure
	Adjusted bool
	// Amount is what the figure said.
	Amount crmkit.Money
}

// Snapshot returns the snapshot of a figure, adjusted or as computed.
func (f Forecast) Snapshot(fig Figure, adjusted bool) (Snapshot, error) {
	get := f.Computed
	if adjusted {
		get = f.Adjusted
	}
	m, err := get(fig)
	if err != nil {
		return Snapshot{}, err
	}
	return Snapshot{Taken: f.AsOf, Period: f.Period, Figure: fig, Adjusted: adjusted, Amount: m}, nil
}

// Accuracy compares a snapshot with what was actually won in its period.
type Accuracy struct {
	Snapshot Snapshot
	// Actual is the amount won in the period.
	Actual crmkit.Money
	// Error is Actual - Snapshot.Amount: positive when the forecast was
	// too low.
	Error crmkit.Money
	// APE is the absolute percentage error |Error| / Actual, and
	// Accuracy is 1 - APE (negative when the forecast missed by more than
	// the actual amount); APE is computed by crmkit.Ratio.
	APE, Accuracy decimal.Decimal
}

// MeasureAccuracy compares a snapshot with the actual amount won in its
// period (see WonIn). An actual amount that is not positive (APE divides
// by it) and amounts in two currencies are errors.
func MeasureAccuracy(s Snapshot, actual crmkit.Money) (Accuracy, error) {
	e, err := actual.Sub(s.Amount)
	if err != nil {
		return Accuracy{}, fmt.Errorf("forecast accuracy: %w", err)
	}
	if actual.Sign() <= 0 {
		return Accuracy{}, crmkit.Invalid("actual", "actual %s is not positive: no percentage error", actual)
	}
	abs, err := e.Abs()
	if err != nil {
		return Accuracy{}, err
	}
	ape, err := crmkit.Ratio(decimal.NewFromInt(abs.Minor()), decimal.NewFromInt(actual.Minor()))
	if err != nil {
		return Accuracy{}, err
	}
	return Accuracy{Snapshot: s, Actual: actual, Error: e, APE: ape, Accuracy: decimal.NewFromInt(1).Sub(ape)}, nil
}

// WonIn sums the amounts of the opportunities won within period (their
// Closed time in it): the actual to measure a forecast against.
func WonIn(opportunities iter.Seq[Opportunity], period crmkit.Period) (Flow, error) {
	if opportunities == nil {
		return Flow{}, crmkit.Invalid("opportunities", "nil sequence")
	}
	var f Flow
	for o := range opportunities {
		if o.Status == ClosedWon && period.Contains(o.Closed) {
			if err := f.add(o.Amount); err != nil {
				return Flow{}, fmt.Errorf("entity %s: %w", o.Entity, err)
			}
		}
	}
	return f, nil
}

// HistoricalRates returns each stage's historical stage-to-won rate
// (StageSummary.ToWon) from a past report, for ForecastOptions.Rates. A
// stage no entity ever reached has no rate: ErrInvalid naming it (set
// that rate by hand rather than let it be zero silently).
func HistoricalRates(s Summary) ([]decimal.Decimal, error) {
	rates := make([]decimal.Decimal, len(s.Stages))
	for i, st := range s.Stages {
		r, err := st.ToWon()
		if err != nil {
			return nil, err
		}
		rates[i] = r
	}
	return rates, nil
}

// Velocity is sales velocity, the revenue the pipeline produces per day:
//
//	velocity = opportunities × win rate × average deal size / cycle length in days
//
// (the standard sales-velocity equation), rounded to the minor unit with
// mode. A negative count, a win rate outside [0, 1], a negative deal
// size, a cycle that is not positive and a zero mode are errors.
func Velocity(opportunities int64, winRate decimal.Decimal, averageDeal crmkit.Money, cycle time.Duration, mode crmkit.RoundingMode) (crmkit.Money, error) {
	if err := crmkit.CheckFraction("win rate", winRate); err != nil {
		return crmkit.Money{}, err
	}
	switch {
	case opportunities < 0:
		return crmkit.Money{}, crmkit.Invalid("opportunities", "negative count %d", opportunities)
	case averageDeal.Sign() < 0:
		return crmkit.Money{}, crmkit.Invalid("average deal", "negative amount %s", averageDeal)
	case cycle <= 0:
		return crmkit.Money{}, crmkit.Invalid("cycle", "cycle length %s is not positive", cycle)
	}
	if mode < crmkit.RoundHalfEven || mode > crmkit.RoundCeiling {
		return crmkit.Money{}, crmkit.Invalid("rounding mode", "%s is not a rounding mode", mode)
	}
	if averageDeal.Currency().IsZero() {
		return crmkit.Money{}, crmkit.Invalid("average deal", "amount without currency")
	}
	// velocity per day = a × (n × w × ns per day) / cycle in ns, rounded
	// once from the exact value.
	perDay := decimal.NewFromInt(opportunities).Mul(winRate).Mul(decimal.NewFromInt(int64(24 * time.Hour)))
	v, err := averageDeal.MulRatio(perDay, decimal.NewFromInt(int64(cycle)), mode)
	if err != nil {
		return crmkit.Money{}, fmt.Errorf("velocity of %d opportunities of %s: %w", opportunities, averageDeal, err)
	}
	return v, nil
}

// Velocity computes sales velocity from a report: its open opportunities,
// win rate, average won deal size and mean sales cycle (see Velocity).
func (s Summary) Velocity(mode crmkit.RoundingMode) (crmkit.Money, error) {
	wr, err := s.WinRate()
	if err != nil {
		return crmkit.Money{}, fmt.Errorf("velocity: %w", err)
	}
	avg, err := s.AverageDealSize(mode)
	if err != nil {
		return crmkit.Money{}, fmt.Errorf("velocity: %w", err)
	}
	cycle, err := s.Cycle.Mean()
	if err != nil {
		return crmkit.Money{}, fmt.Errorf("velocity: %w", err)
	}
	return Velocity(s.Open, wr, avg, cycle, mode)
}
