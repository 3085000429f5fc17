// Package forecast holds the time-series models that shape quota targets:
// MovingAverage, SeasonalIndex with multiplicative indices from several
// past years, and HoltWinters with FitHoltWinters, adjusted by Factors for
// product life cycle and market. Predict reports the backtest MAPE with
// the forecast; Result.Targets rounds it to targets in a plan's quota.Unit
// explicitly, and Result.Weights or SeasonalWeights feed quota.Plan.Split.
//
// The models compute in float64; money enters through Series and leaves
// through Targets. The work a caller sizes is bounded before anything is
// allocated (MaxHorizon, MaxSeason, histories within ±2^53, MaxFactors):
// beyond is crmkit.ErrInvalid, and a forecast that would leave float64 is
// crmkit.ErrOverflow, never ±Inf.
//
// forecast imports quota for Unit, Quantity and Weights; quota does not
// import forecast.
package forecast

import (
	"fmt"
	"math"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/quota"
	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/optimize"
)

// Short-term targets from models. The models work on float64 series of
// per-period amounts in minor units (or counts), as statistical models do;
// Series converts money to such a series exactly, and Result.Targets
// converts the forecast back to Quantities of a plan's unit (money or
// counts) with one explicit rounding per period.

// maxExactFloat is the largest integer every smaller one of which a
// float64 holds exactly (2^53).
const maxExactFloat = 1 << 53

// Bounds of the caller-sized work of the forecasting models, checked
// before anything is allocated: a larger horizon or season is an error
// matching crmkit.ErrInvalid.
const (
	// MaxHorizon is the most periods a model forecasts in one call
	// (833 years of months).
	MaxHorizon = 10_000
	// MaxSeason is the longest season a seasonal model takes (hours in a
	// year fit).
	MaxSeason = 10_000
)

// Series converts per-period amounts of one currency to a float64 series
// of minor units. Another currency is crmkit.ErrCurrencyMismatch; an
// amount beyond 2^53 minor units, which float64 cannot hold exactly, is
// crmkit.ErrOverflow.
func Series(amounts []crmkit.Money) ([]float64, error) {
	out := make([]float64, len(amounts))
	for i, a := range amounts {
		if a.Currency() != amounts[0].Currency() {
			return nil, fmt.Errorf("series: amount %d is %s, amount 0 %s: %w", i, a, amounts[0], crmkit.ErrCurrencyMismatch)
		}
		if a.Minor() > maxExactFloat || a.Minor() < -maxExactFloat {
			return nil, fmt.Errorf("series: amount %d (%s) is beyond 2^53 minor units: %w", i, a, crmkit.ErrOverflow)
		}
		out[i] = float64(a.Minor())
	}
	return out, nil
}

// Model forecasts the next periods of a series of per-period amounts.
type Model interface {
	// Forecast returns the next horizon values after history.
	Forecast(history []float64, horizon int) ([]float64, error)
	// MinHistory is the shortest history the model can forecast from.
	MinHistory() int
	// String names the model and its parameters.
	String() string
}

// Compile-time checks that the models implement Model.
var (
	_ Model = MovingAverage{}
	_ Model = SeasonalIndex{}
	_ Model = HoltWinters{}
)

// checkSeries validates a forecast's inputs: a horizon in 1..MaxHorizon,
// at least least periods of history, every value a number within
// ±2^53 (what Series gives; the bound keeps every sum finite).
func checkSeries(history []float64, horizon, least int, positive bool) error {
	if horizon < 1 {
		return crmkit.Invalid("horizon", "%d periods: forecast at least one", horizon)
	}
	if horizon > MaxHorizon {
		return crmkit.Invalid("horizon", "%d periods is more than %d", horizon, MaxHorizon)
	}
	if len(history) < least {
		return crmkit.Invalid("history", "%d periods, the model needs at least %d", len(history), least)
	}
	for i, x := range history {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return crmkit.Invalid(fmt.Sprintf("history[%d]", i), "%v is not a number", x)
		}
		if x > maxExactFloat || x < -maxExactFloat {
			return crmkit.Invalid(fmt.Sprintf("history[%d]", i), "%v is beyond 2^53", x)
		}
		if positive && x < 0 {
			return crmkit.Invalid(fmt.Sprintf("history[%d]", i), "negative %v: multiplicative seasonality needs amounts >= 0", x)
		}
	}
	return nil
}

// checkSeason validates a season length: 2..MaxSeason periods.
func checkSeason(season int) error {
	if season < 2 {
		return crmkit.Invalid("season", "%d periods: a season has at least 2", season)
	}
	if season > MaxSeason {
		return crmkit.Invalid("season", "%d periods is more than %d", season, MaxSeason)
	}
	return nil
}

// checkFinite rejects a forecast that left float64: extreme seasonal
// factors can blow a finite history up to ±Inf or NaN.
func checkFinite(out []float64) error {
	for i, v := range out {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("forecast value %d is %v, beyond float64: %w", i, v, crmkit.ErrOverflow)
		}
	}
	return nil
}

// MovingAverage forecasts every next period as the mean of the last Window
// periods:
//
//	forecast(t+h) = (x(t) + x(t-1) + ... + x(t-Window+1)) / Window
//
// Source: the simple moving average of Hyndman & Athanasopoulos,
// Forecasting: Principles and Practice (3rd ed.), section 3.3.
type MovingAverage struct{ Window int }

// MinHistory is the window.
func (m MovingAverage) MinHistory() int { return max(m.Window, 1) }

// String names the model and its window.
func (m MovingAverage) String() string { return fmt.Sprintf("moving average (window %d)", m.Window) }

// Forecast implements Model. A window below 1, a horizon outside
// 1..MaxHorizon, a history shorter than the window and values that are not
// numbers within ±2^53 are errors matching crmkit.ErrInvalid.
func (m MovingAverage) Forecast(history []float64, horizon int) ([]float64, error) {
	if m.Window < 1 {
		return nil, crmkit.Invalid("window", "%d periods: average at least one", m.Window)
	}
	if err := checkSeries(history, horizon, m.Window, false); err != nil {
		return nil, err
	}
	var s float64
	for _, x := range history[len(history)-m.Window:] {
		s += x
	}
	out := make([]float64, horizon)
	for i := range out {
		out[i] = s / float64(m.Window)
	}
	return out, nil
}

// SeasonalIndices computes multiplicative seasonal indices from several
// past years: for every complete season (year) of history, which starts
// at the season's first position (M01), each period's ratio to that
// year's mean; the index of a position is the mean of its ratios over the
// years, normalised so that the indices average 1. A trailing incomplete
// year is left out; years whose mean is zero carry no ratios.
//
//	index(k) = mean over years y of x(y,k) / mean(x(y,.))
//
// Source: the classical ratio-to-average seasonal index (Hyndman &
// Athanasopoulos, FPP3, section 3.4, classical multiplicative
// decomposition, here with yearly means for the trend).
//
// Fewer than one complete year, a season outside 2..MaxSeason, negative,
// NaN or infinite values or values beyond 2^53 and no year with a
// positive mean are errors matching crmkit.ErrInvalid.
func SeasonalIndices(history []float64, season int) ([]float64, error) {
	if err := checkSeason(season); err != nil {
		return nil, err
	}
	if err := checkSeries(history, 1, season, true); err != nil {
		return nil, err
	}
	idx := make([]float64, season)
	years := 0
	for y := 0; (y+1)*season <= len(history); y++ {
		year := history[y*season : (y+1)*season]
		var s float64
		for _, x := range year {
			s += x
		}
		if s == 0 {
			continue
		}
		mean := s / float64(season)
		for k, x := range year {
			idx[k] += x / mean
		}
		years++
	}
	if years == 0 {
		return nil, crmkit.Invalid("history", "no year with sales: seasonal indices are undefined")
	}
	var total float64
	for k := range idx {
		idx[k] /= float64(years)
		total += idx[k]
	}
	for k := range idx {
		idx[k] = idx[k] * float64(season) / total
	}
	return idx, nil
}

// SeasonalWeights returns the seasonal index of a monthly history that
// starts at fiscal month M01 as split weights for quota.Plan.Split (see
// SeasonalIndices), each rounded to 6 decimal places.
func SeasonalWeights(history []crmkit.Money) (quota.Weights, error) {
	xs, err := Series(history)
	if err != nil {
		return quota.Weights{}, err
	}
	idx, err := SeasonalIndices(xs, 12)
	if err != nil {
		return quota.Weights{}, err
	}
	ws := make([]decimal.Decimal, len(idx))
	for i, v := range idx {
		ws[i] = decimal.NewFromFloat(v).Round(6)
	}
	return quota.SeasonalWeights(ws), nil
}

// SeasonalIndex forecasts with multiplicative seasonal indices from
// several past years (SeasonalIndices): the last Season periods, divided
// by their indices, give the deseasonalised level, and each next period is
// that level times its position's index. History starts at the season's
// first position.
//
//	forecast(t+h) = level x index((t+h) mod Season)
type SeasonalIndex struct{ Season int }

// MinHistory is one season (clamped to 2..MaxSeason).
func (m SeasonalIndex) MinHistory() int { return min(max(m.Season, 2), MaxSeason) }

// String names the model and its season.
func (m SeasonalIndex) String() string { return fmt.Sprintf("seasonal index (season %d)", m.Season) }

// Forecast implements Model. Besides the series checks (see
// MovingAverage.Forecast), a season outside 2..MaxSeason is an error
// matching crmkit.ErrInvalid, and a forecast beyond float64
// crmkit.ErrOverflow.
func (m SeasonalIndex) Forecast(history []float64, horizon int) ([]float64, error) {
	if err := checkSeason(m.Season); err != nil {
		return nil, err
	}
	if err := checkSeries(history, horizon, m.MinHistory(), true); err != nil {
		return nil, err
	}
	idx, err := SeasonalIndices(history, m.Season)
	if err != nil {
		return nil, err
	}
	n := len(history)
	var level float64
	var used int
	for t := n - m.Season; t < n; t++ {
		if i := idx[t%m.Season]; i > 0 {
			level += history[t] / i
			used++
		}
	}
	if used > 0 {
		level /= float64(used)
	}
	out := make([]float64, horizon)
	for h := range out {
		out[h] = level * idx[(n+h)%m.Season]
	}
	if err := checkFinite(out); err != nil {
		return nil, err
	}
	return out, nil
}

// HoltWinters is Holt-Winters exponential smoothing with an additive
// trend and multiplicative seasonality, in error-correction form:
//
//	level(t)  = level(t-1) + trend(t-1) + Alpha (x(t)/s(t-m) - level(t-1) - trend(t-1))
//	trend(t)  = trend(t-1) + Beta (level(t) - level(t-1) - trend(t-1))
//	s(t)      = s(t-m) + Gamma (x(t)/level(t) - s(t-m))
//	forecast(t+h) = (level(t) + h trend(t)) s(t+h-m(k+1)),  k = (h-1) div m
//
// The states start from the first two seasons: level the first season's
// mean, trend the difference of the two seasons' means over m, seasonal
// factors the first season over its mean; smoothing runs from the second
// season on. Source: Holt (1957) and Winters (1960); the notation of
// Hyndman & Athanasopoulos, FPP3, section 8.3.
//
// Alpha, Beta and Gamma lie in [0, 1]; FitHoltWinters chooses them.
type HoltWinters struct {
	Season             int
	Alpha, Beta, Gamma float64
}

// MinHistory is two seasons (the season clamped to 2..MaxSeason).
func (m HoltWinters) MinHistory() int { return 2 * min(max(m.Season, 2), MaxSeason) }

// String names the model and its parameters.
func (m HoltWinters) String() string {
	return fmt.Sprintf("Holt-Winters (season %d, alpha %.4g, beta %.4g, gamma %.4g)", m.Season, m.Alpha, m.Beta, m.Gamma)
}

// Forecast implements Model. Besides the series checks (see
// MovingAverage.Forecast), a season outside 2..MaxSeason, parameters
// outside [0, 1] and a first season without sales are errors matching
// crmkit.ErrInvalid; a forecast beyond float64 is crmkit.ErrOverflow.
func (m HoltWinters) Forecast(history []float64, horizon int) ([]float64, error) {
	out, _, err := m.run(history, horizon)
	return out, err
}

// run smooths history and forecasts horizon periods; sse is the sum of
// squared one-step errors over the smoothed part.
func (m HoltWinters) run(history []float64, horizon int) (out []float64, sse float64, err error) {
	if err := checkSeason(m.Season); err != nil {
		return nil, 0, err
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"alpha", m.Alpha}, {"beta", m.Beta}, {"gamma", m.Gamma}} {
		if !(p.v >= 0 && p.v <= 1) {
			return nil, 0, crmkit.Invalid(p.name, "%v is outside [0, 1]", p.v)
		}
	}
	if err := checkSeries(history, horizon, m.MinHistory(), true); err != nil {
		return nil, 0, err
	}
	s := m.Season
	mean := func(xs []float64) float64 {
		var t float64
		for _, x := range xs {
			t += x
		}
		return t / float64(len(xs))
	}
	level := mean(history[:s])
	if level <= 0 {
		return nil, 0, crmkit.Invalid("history", "no sales in the first season: multiplicative seasonality is undefined")
	}
	trend := (mean(history[s:2*s]) - level) / float64(s)
	seas := make([]float64, len(history)+horizon)
	for k := range s {
		seas[k] = history[k] / level
	}
	for t := s; t < len(history); t++ {
		x, prev := history[t], seas[t-s]
		f := (level + trend) * prev
		sse += (x - f) * (x - f)
		oldLevel := level
		if prev > 0 {
			level = oldLevel + trend + m.Alpha*(x/prev-oldLevel-trend)
		} else {
			level = oldLevel + trend
		}
		trend += m.Beta * (level - oldLevel - trend)
		if level > 0 {
			seas[t] = prev + m.Gamma*(x/level-prev)
		} else {
			seas[t] = prev
		}
	}
	n := len(history)
	out = make([]float64, horizon)
	for h := 1; h <= horizon; h++ {
		k := (h - 1) / s
		out[h-1] = (level + float64(h)*trend) * seas[n+h-s*(k+1)-1]
	}
	if err := checkFinite(out); err != nil {
		return nil, 0, err
	}
	return out, sse, nil
}

// FitHoltWinters chooses Alpha, Beta and Gamma for a season length by
// minimising the sum of squared one-step errors over history, with
// gonum's Nelder-Mead simplex on the parameters mapped into [0, 1]
// (logistic), starting from 0.3, 0.1, 0.1. It is deterministic.
func FitHoltWinters(history []float64, season int) (HoltWinters, error) {
	base := HoltWinters{Season: season, Alpha: 0.3, Beta: 0.1, Gamma: 0.1}
	if _, _, err := base.run(history, 1); err != nil {
		return HoltWinters{}, err
	}
	logistic := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
	logit := func(p float64) float64 { return math.Log(p / (1 - p)) }
	params := func(z []float64) HoltWinters {
		return HoltWinters{Season: season, Alpha: logistic(z[0]), Beta: logistic(z[1]), Gamma: logistic(z[2])}
	}
	problem := optimize.Problem{Func: func(z []float64) float64 {
		_, sse, err := params(z).run(history, 1)
		if err != nil || math.IsNaN(sse) {
			return math.Inf(1)
		}
		return sse
	}}
	// Minimize reports hitting the iteration limit as an error but still
	// returns the best point found, which is what we want.
	res, _ := optimize.Minimize(problem, []float64{logit(0.3), logit(0.1), logit(0.1)},
		&optimize.Settings{MajorIterations: 500, Concurrent: 1}, &optimize.NelderMead{})
	if res == nil || math.IsInf(res.F, 1) {
		return base, nil
	}
	return params(res.X), nil
}

// Factor adjusts a model's forecast for something the history does not
// show: the product's life cycle (1.15 in growth, 0.9 in decline), the
// market or the social environment. Multiplier must be in
// [0, MaxMultiplier] with at most MaxMultiplierPlaces decimal places, and
// a forecast takes at most MaxFactors factors: their product stays a
// number exact arithmetic can afford.
type Factor struct {
	Name       string
	Multiplier decimal.Decimal
}

// Bounds of a forecast's factors.
const (
	MaxFactors          = 32
	MaxMultiplier       = 1000
	MaxMultiplierPlaces = 18
)

// factorProduct validates factors and returns the product of their
// multipliers.
func factorProduct(factors []Factor) (decimal.Decimal, error) {
	if len(factors) > MaxFactors {
		return decimal.Decimal{}, crmkit.Invalid("factors", "%d factors, more than %d", len(factors), MaxFactors)
	}
	mult := decimal.NewFromInt(1)
	for i, f := range factors {
		m, err := crmkit.CheckDecimal(fmt.Sprintf("factors[%d] (%s) multiplier", i, f.Name), f.Multiplier, MaxMultiplierPlaces, MaxMultiplier)
		if err != nil {
			return decimal.Decimal{}, err
		}
		mult = mult.Mul(m)
	}
	return mult, nil
}

// Backtest is how well the model forecast the last Holdout periods of the
// history from the periods before them. MAPE is the mean absolute
// percentage error over the held-out periods with a non-zero actual, as a
// fraction (0.05 is 5%):
//
//	MAPE = mean over t of |actual(t) - predicted(t)| / |actual(t)|
//
// Valid is false when the history is too short to hold periods out,
// every held-out actual is zero or the error is beyond float64.
type Backtest struct {
	Holdout   int
	Actual    []float64
	Predicted []float64
	MAPE      float64
	Valid     bool
}

// Result is a model's forecast of the next periods, the factors to apply
// to it and its backtest error.
type Result struct {
	Model    string
	Values   []float64
	Factors  []Factor
	Backtest Backtest
}

// Predict forecasts horizon periods after history with model, records the
// factors to apply (see Result.Targets), and backtests the model by
// forecasting the last horizon periods of history from the ones before
// them (when the history is long enough). Errors are the model's, or a
// nil model or a factor outside its bounds (see Factor; crmkit.ErrInvalid).
func Predict(model Model, history []float64, horizon int, factors ...Factor) (Result, error) {
	if model == nil {
		return Result{}, crmkit.Invalid("model", "nil model")
	}
	if _, err := factorProduct(factors); err != nil {
		return Result{}, err
	}
	vals, err := model.Forecast(history, horizon)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", model, err)
	}
	f := Result{Model: model.String(), Values: vals, Factors: factors}
	if n := len(history) - horizon; n >= model.MinHistory() {
		pred, err := model.Forecast(history[:n], horizon)
		if err == nil {
			f.Backtest = backtest(history[n:], pred)
		}
	}
	return f, nil
}

func backtest(actual, pred []float64) Backtest {
	b := Backtest{Holdout: len(actual), Actual: actual, Predicted: pred}
	var s float64
	var n int
	for i, a := range actual {
		if a == 0 {
			continue
		}
		s += math.Abs(a-pred[i]) / math.Abs(a)
		n++
	}
	if n > 0 && !math.IsInf(s, 0) && !math.IsNaN(s) {
		b.MAPE, b.Valid = s/float64(n), true
	}
	return b
}

// Targets converts the forecast to targets in unit u, ready for
// quota.Plan.SetTarget: a money series (minor units of u's currency, as
// Series writes them) to money, a count series (deals, meetings, new
// logos) to whole counts. Each value is multiplied by the product of the
// factors and rounded once with mode to a whole minor unit or count
// (quota.Unit.Quantity); a negative forecast (a falling trend) becomes a
// zero target. An invalid unit or rounding mode, a value that is not a
// number and factors outside their bounds (see Factor) are errors
// matching crmkit.ErrInvalid; values beyond int64 minor units
// crmkit.ErrOverflow.
func (f Result) Targets(u quota.Unit, mode crmkit.RoundingMode) ([]quota.Quantity, error) {
	if _, err := u.Quantity(decimal.Zero, mode); err != nil {
		return nil, fmt.Errorf("forecast targets: %w", err)
	}
	mult, err := factorProduct(f.Factors)
	if err != nil {
		return nil, err
	}
	var shift int32
	if u.IsMoney() {
		shift = -int32(u.Currency.Digits())
	}
	out := make([]quota.Quantity, len(f.Values))
	for i, v := range f.Values {
		out[i] = u.Zero()
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, crmkit.Invalid("forecast", "value %d is %v", i, v)
		}
		if v < 0 {
			continue
		}
		q, err := u.Quantity(decimal.NewFromFloat(v).Mul(mult).Shift(shift), mode)
		if err != nil {
			return nil, fmt.Errorf("forecast value %d: %w", i, err)
		}
		out[i] = q
	}
	return out, nil
}

// Weights returns the forecast, with its factors, as custom split weights
// (quota.CustomWeights) for the periods it covers (negative values weigh
// zero). Factors outside their bounds (see Factor) are crmkit.ErrInvalid.
func (f Result) Weights() (quota.Weights, error) {
	mult, err := factorProduct(f.Factors)
	if err != nil {
		return quota.Weights{}, err
	}
	ws := make([]decimal.Decimal, len(f.Values))
	for i, v := range f.Values {
		if v > 0 && !math.IsInf(v, 0) {
			ws[i] = decimal.NewFromFloat(v).Mul(mult).Round(6)
		}
	}
	return quota.CustomWeights(ws...), nil
}
