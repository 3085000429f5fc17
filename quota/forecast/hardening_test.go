package forecast_test

import (
	"math"
	"strconv"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/internal/harness"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/quota/forecast"
)

func errOf[T any](_ T, err error) error { return err }

// TestHardening covers caller-sized forecasts (horizons, seasons, factors)
// far beyond their bounds or at MaxInt, and histories that overflow
// float64. Each is refused with a root sentinel before it allocates, none
// panics or hangs.
func TestHardening(t *testing.T) {
	h := []float64{10, 20, 30, 40, 12, 22, 33, 41}
	huge := []float64{math.MaxFloat64, math.MaxFloat64, math.MaxFloat64, math.MaxFloat64}
	// Season 2 with a first period near zero: its seasonal factor is
	// ~1e-300, so the second year's level, x / factor, leaves float64.
	blowUp := []float64{1e-300, 1, 1e15, 1}
	var cases []harness.Case
	add := func(name string, want error, call func() error) {
		cases = append(cases, harness.Case{Name: name, Want: want, Call: call})
	}
	add("Predict nil model", nil, func() error { return errOf(forecast.Predict(nil, h, 1)) })
	for _, horizon := range []int{forecast.MaxHorizon + 1, 1 << 40, math.MaxInt, math.MinInt, -1, 0} {
		for _, m := range []forecast.Model{forecast.MovingAverage{Window: 2}, forecast.SeasonalIndex{Season: 4}, forecast.HoltWinters{Season: 4, Alpha: 0.3, Beta: 0.1, Gamma: 0.1}} {
			add(m.String()+" horizon "+itoa(horizon), nil, func() error { return errOf(m.Forecast(h, horizon)) })
			add("Predict "+m.String()+" horizon "+itoa(horizon), nil, func() error { return errOf(forecast.Predict(m, h, horizon)) })
		}
	}
	for _, season := range []int{forecast.MaxSeason + 1, 1 << 40, math.MaxInt, math.MinInt, -1, 0, 1} {
		add("SeasonalIndex season "+itoa(season), nil, func() error { return errOf(forecast.SeasonalIndex{Season: season}.Forecast(h, 1)) })
		add("HoltWinters season "+itoa(season), nil, func() error {
			return errOf(forecast.HoltWinters{Season: season, Alpha: 0.3, Beta: 0.1, Gamma: 0.1}.Forecast(h, 1))
		})
		add("SeasonalIndices season "+itoa(season), nil, func() error { return errOf(forecast.SeasonalIndices(h, season)) })
		add("FitHoltWinters season "+itoa(season), nil, func() error { return errOf(forecast.FitHoltWinters(h, season)) })
		add("Predict SeasonalIndex season "+itoa(season), nil, func() error { return errOf(forecast.Predict(forecast.SeasonalIndex{Season: season}, h, 1)) })
	}
	for _, w := range []int{0, -1, math.MinInt, math.MaxInt} {
		add("MovingAverage window "+itoa(w), nil, func() error { return errOf(forecast.MovingAverage{Window: w}.Forecast(h, 1)) })
	}
	add("MovingAverage history beyond 2^53", nil, func() error { return errOf(forecast.MovingAverage{Window: 4}.Forecast(huge, 1)) })
	add("SeasonalIndex history beyond 2^53", nil, func() error { return errOf(forecast.SeasonalIndex{Season: 2}.Forecast(huge, 1)) })
	add("HoltWinters history beyond 2^53", nil, func() error {
		return errOf(forecast.HoltWinters{Season: 2, Alpha: 0.5, Beta: 0.5, Gamma: 0.5}.Forecast(huge, 1))
	})
	add("HoltWinters forecast beyond float64", crmkit.ErrOverflow, func() error {
		return errOf(forecast.HoltWinters{Season: 2, Alpha: 1, Beta: 1, Gamma: 0}.Forecast(blowUp, 3))
	})
	eur := crmkit.MustCurrency("EUR")
	for label, m := range map[string]decimal.Decimal{
		"1e-2000000000": decimal.New(1, -2000000000),
		"1e2000000000":  decimal.New(1, 2000000000),
		"-1":            decimal.New(-1, 0),
		"1001":          decimal.NewFromInt(forecast.MaxMultiplier + 1),
		"19 places":     decimal.New(1, -19),
	} {
		fs := []forecast.Factor{{Name: label, Multiplier: m}}
		fc := forecast.Result{Values: []float64{100, 200}, Factors: fs}
		add("Predict factor "+label, nil, func() error { return errOf(forecast.Predict(forecast.MovingAverage{Window: 2}, h, 1, fs...)) })
		add("Targets factor "+label, nil, func() error { return errOf(fc.Targets(quota.MoneyUnit(eur), crmkit.RoundHalfEven)) })
		add("Weights factor "+label, nil, func() error { return errOf(fc.Weights()) })
	}
	many := make([]forecast.Factor, forecast.MaxFactors+1)
	for i := range many {
		many[i] = forecast.Factor{Name: "x", Multiplier: decimal.New(9, -1)}
	}
	add("Predict too many factors", nil, func() error { return errOf(forecast.Predict(forecast.MovingAverage{Window: 2}, h, 1, many...)) })
	harness.Run(t, cases)
}

func itoa(n int) string {
	switch n {
	case math.MaxInt:
		return "MaxInt"
	case math.MinInt:
		return "MinInt"
	}
	return strconv.Itoa(n)
}

// TestPropertyForecastsWithinBounds: for any history of amounts and any
// window, season and horizon, a model either forecasts horizon finite
// values or refuses with one root sentinel; the moving average accepts
// exactly the inputs within its documented bounds and forecasts the mean
// of the last window, computed here independently.
func TestPropertyForecastsWithinBounds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := rapid.SliceOfN(rapid.Float64Range(0, 1e12), 0, 60).Draw(t, "history")
		horizon := rapid.OneOf(rapid.IntRange(-2, 200), rapid.SampledFrom([]int{forecast.MaxHorizon, forecast.MaxHorizon + 1, math.MaxInt})).Draw(t, "horizon")
		season := rapid.OneOf(rapid.IntRange(-2, 13), rapid.SampledFrom([]int{forecast.MaxSeason + 1, math.MaxInt})).Draw(t, "season")
		window := rapid.IntRange(-2, 13).Draw(t, "window")

		vals, err := forecast.MovingAverage{Window: window}.Forecast(h, horizon)
		within := window >= 1 && horizon >= 1 && horizon <= forecast.MaxHorizon && len(h) >= window
		if !within {
			require.ErrorIs(t, err, crmkit.ErrInvalid)
		} else {
			require.NoError(t, err)
			require.Len(t, vals, horizon)
			var sum float64
			for _, x := range h[len(h)-window:] {
				sum += x
			}
			for _, v := range vals {
				require.InDelta(t, sum/float64(window), v, 1e-6*math.Max(1, sum))
			}
		}
		for _, m := range []forecast.Model{
			forecast.SeasonalIndex{Season: season},
			forecast.HoltWinters{Season: season, Alpha: 0.3, Beta: 0.1, Gamma: 0.1},
		} {
			vals, err := m.Forecast(h, horizon)
			if err != nil {
				require.NoError(t, harness.Check(err, harness.ErrAny), m.String())
				continue
			}
			require.Len(t, vals, horizon)
			for i, v := range vals {
				require.False(t, math.IsNaN(v) || math.IsInf(v, 0), "%s value %d is %v", m, i, v)
			}
		}
	})
}
