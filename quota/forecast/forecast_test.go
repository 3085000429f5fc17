package forecast_test

import (
	"math"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/quota/forecast"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestMovingAverage(t *testing.T) {
	f, err := forecast.Predict(forecast.MovingAverage{Window: 3}, []float64{10, 20, 30, 40}, 2)
	require.NoError(t, err)
	assert.Equal(t, []float64{30, 30}, f.Values, "(20+30+40)/3")
	// Backtest: from [10, 20] the model needs 3 periods, so none.
	assert.False(t, f.Backtest.Valid)

	// Window 2 on 10 10 20 20, horizon 2: backtest forecasts 10 10 from
	// the first two periods against 20 20: MAPE (10/20 + 10/20)/2 = 0.5.
	f, err = forecast.Predict(forecast.MovingAverage{Window: 2}, []float64{10, 10, 20, 20}, 2)
	require.NoError(t, err)
	assert.Equal(t, []float64{20, 20}, f.Values)
	require.True(t, f.Backtest.Valid)
	assert.InDelta(t, 0.5, f.Backtest.MAPE, 1e-15)
	assert.Equal(t, []float64{10, 10}, f.Backtest.Predicted)
}

func TestSeasonalIndex(t *testing.T) {
	// Two years of four quarters: 10 20 30 40 (mean 25) and 20 40 60 80
	// (mean 50): ratios 0.4 0.8 1.2 1.6 both years, so those are the
	// indices; the last year deseasonalised is 50 throughout.
	h := []float64{10, 20, 30, 40, 20, 40, 60, 80}
	idx, err := forecast.SeasonalIndices(h, 4)
	require.NoError(t, err)
	for i, want := range []float64{0.4, 0.8, 1.2, 1.6} {
		assert.InDelta(t, want, idx[i], 1e-12)
	}
	f, err := forecast.Predict(forecast.SeasonalIndex{Season: 4}, h, 5)
	require.NoError(t, err)
	for i, want := range []float64{20, 40, 60, 80, 20} {
		assert.InDelta(t, want, f.Values[i], 1e-9)
	}
	// Backtest on the last 5 from the first 3 is impossible (one season
	// needed), so no MAPE; with horizon 4 it forecasts year 2 from year 1:
	// 10 20 30 40 against 20 40 60 80, 50% off everywhere.
	assert.False(t, f.Backtest.Valid)
	f, err = forecast.Predict(forecast.SeasonalIndex{Season: 4}, h, 4)
	require.NoError(t, err)
	require.True(t, f.Backtest.Valid)
	assert.InDelta(t, 0.5, f.Backtest.MAPE, 1e-12)

	// Monthly history of last year as split weights.
	var months []crmkit.Money
	for i := range 12 {
		a := "100"
		if i == 11 {
			a = "200" // December sells double: index 2 x 12/13
		}
		months = append(months, eurs(a))
	}
	w, err := forecast.SeasonalWeights(months)
	require.NoError(t, err)
	assert.True(t, w.Values[11].Equal(d("1.846154")), "24/13 = %s", w.Values[11])
	assert.True(t, w.Values[0].Equal(d("0.923077")), "12/13 = %s", w.Values[0])
}

// TestHoltWinters checks one hand-computed run with season 2 and alpha =
// beta = gamma = 0.5 on 10 20 12 24:
//
//	start: level 15 (mean 10, 20), trend (18 - 15)/2 = 1.5, seasonal 10/15, 20/15
//	t=2, x=12: level 16.5 + 0.5(12/(2/3) - 16.5) = 17.25
//	           trend 1.5 + 0.5(17.25 - 15 - 1.5) = 1.875
//	           s     2/3 + 0.5(12/17.25 - 2/3) = 0.681159420289855...
//	t=3, x=24: level 19.125 + 0.5(24/(4/3) - 19.125) = 18.5625
//	           trend 1.875 + 0.5(18.5625 - 17.25 - 1.875) = 1.59375
//	           s     4/3 + 0.5(24/18.5625 - 4/3) = 1.313131...
//	h=1: (18.5625 + 1.59375) x 0.681159... = 13.729619565...
//	h=2: (18.5625 + 3.1875) x 1.313131... = 28.560606060...
//	h=3: (18.5625 + 4.78125) x 0.681159... = 15.900815217...
func TestHoltWinters(t *testing.T) {
	m := forecast.HoltWinters{Season: 2, Alpha: 0.5, Beta: 0.5, Gamma: 0.5}
	got, err := m.Forecast([]float64{10, 20, 12, 24}, 3)
	require.NoError(t, err)
	for i, want := range []float64{13.729619565217391, 28.560606060606062, 15.900815217391305} {
		assert.InDelta(t, want, got[i], 1e-9, "h=%d", i+1)
	}

	// A trending seasonal series: fitted parameters forecast it closely.
	var h []float64
	for y := range 4 {
		for k, s := range []float64{0.8, 1.0, 1.3, 0.9} {
			h = append(h, (1000+50*float64(4*y+k))*s)
		}
	}
	fit, err := forecast.FitHoltWinters(h, 4)
	require.NoError(t, err)
	f, err := forecast.Predict(fit, h, 4)
	require.NoError(t, err)
	require.True(t, f.Backtest.Valid)
	assert.Less(t, f.Backtest.MAPE, 0.05, "%s", fit)
	for k, s := range []float64{0.8, 1.0, 1.3, 0.9} {
		assert.InEpsilon(t, (1000+50*float64(16+k))*s, f.Values[k], 0.05)
	}
}

func TestForecastTargets(t *testing.T) {
	f, err := forecast.Predict(forecast.MovingAverage{Window: 3}, []float64{100000, 100001, 100001}, 2,
		forecast.Factor{Name: "growth stage", Multiplier: d("1.1")}, forecast.Factor{Name: "market", Multiplier: d("0.95")})
	require.NoError(t, err)
	// 300002/3 = 100000.666... cents x 1.1 x 0.95 = 104500.69666... cents
	// -> 104501 cents, 1045.01 EUR (1045.00 rounded down).
	eur := quota.MoneyUnit(crmkit.MustCurrency("EUR"))
	got, err := f.Targets(eur, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, []quota.Quantity{quota.Amount(eurs("1045.01")), quota.Amount(eurs("1045.01"))}, got)
	got, err = f.Targets(eur, crmkit.RoundDown)
	require.NoError(t, err)
	assert.Equal(t, []quota.Quantity{quota.Amount(eurs("1045.00")), quota.Amount(eurs("1045.00"))}, got)
	_, err = f.Targets(eur, 0)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "no rounding mode")
	_, err = f.Targets(quota.Unit{}, crmkit.RoundHalfEven)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "no unit")
	// The same series as counts: 104500.69666... -> 104501 (104500 down).
	deals := quota.CountUnit("deals")
	counts, err := f.Targets(deals, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, []quota.Quantity{quota.Count(104501, "deals"), quota.Count(104501, "deals")}, counts)
	counts, err = f.Targets(deals, crmkit.RoundDown)
	require.NoError(t, err)
	assert.Equal(t, []quota.Quantity{quota.Count(104500, "deals"), quota.Count(104500, "deals")}, counts)
	w, err := f.Weights()
	require.NoError(t, err)
	assert.Len(t, w.Values, 2)

	// A falling trend below zero gives zero targets.
	neg := forecast.Result{Values: []float64{-5, 7.5}}
	counts, err = neg.Targets(deals, crmkit.RoundHalfUp)
	require.NoError(t, err)
	assert.Equal(t, []quota.Quantity{quota.Count(0, "deals"), quota.Count(8, "deals")}, counts)
	got, err = neg.Targets(eur, crmkit.RoundHalfUp)
	require.NoError(t, err)
	assert.Equal(t, []quota.Quantity{quota.Amount(eurs("0.00")), quota.Amount(eurs("0.08"))}, got)
}

func TestForecastBadInput(t *testing.T) {
	nan := math.NaN()
	cases := map[string]func() error{
		"window 0":      func() error { _, err := forecast.MovingAverage{}.Forecast([]float64{1}, 1); return err },
		"short history": func() error { _, err := forecast.MovingAverage{Window: 3}.Forecast([]float64{1, 2}, 1); return err },
		"horizon 0":     func() error { _, err := forecast.MovingAverage{Window: 1}.Forecast([]float64{1}, 0); return err },
		"NaN":           func() error { _, err := forecast.MovingAverage{Window: 1}.Forecast([]float64{nan}, 1); return err },
		"Inf": func() error {
			_, err := forecast.SeasonalIndex{Season: 2}.Forecast([]float64{1, math.Inf(1)}, 1)
			return err
		},
		"negative": func() error { _, err := forecast.SeasonalIndex{Season: 2}.Forecast([]float64{1, -1}, 1); return err },
		"season 1": func() error { _, err := forecast.SeasonalIndices([]float64{1, 2}, 1); return err },
		"no sales": func() error { _, err := forecast.SeasonalIndices([]float64{0, 0}, 2); return err },
		"alpha": func() error {
			_, err := forecast.HoltWinters{Season: 2, Alpha: 1.5}.Forecast([]float64{1, 2, 3, 4}, 1)
			return err
		},
		"alpha NaN": func() error {
			_, err := forecast.HoltWinters{Season: 2, Alpha: nan}.Forecast([]float64{1, 2, 3, 4}, 1)
			return err
		},
		"HW short":       func() error { _, err := forecast.HoltWinters{Season: 2}.Forecast([]float64{1, 2, 3}, 1); return err },
		"HW no season 1": func() error { _, err := forecast.HoltWinters{Season: 2}.Forecast([]float64{0, 0, 3, 4}, 1); return err },
		"fit":            func() error { _, err := forecast.FitHoltWinters([]float64{1, 2}, 2); return err },
		"factor": func() error {
			_, err := forecast.Predict(forecast.MovingAverage{Window: 1}, []float64{1}, 1, forecast.Factor{Name: "x", Multiplier: d("-1")})
			return err
		},
	}
	for name, f := range cases {
		assert.ErrorIs(t, f(), crmkit.ErrInvalid, name)
	}
	_, err := forecast.Series([]crmkit.Money{eurs("1"), crmkit.MustMoney("1", "USD")})
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
	_, err = forecast.Series([]crmkit.Money{eurs("100000000000000")})
	assert.ErrorIs(t, err, crmkit.ErrOverflow)
}

func TestPropertyForecastOfConstantIsConstant(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := float64(rapid.Int64Range(1, 1e12).Draw(t, "constant"))
		season := rapid.IntRange(2, 12).Draw(t, "season")
		n := rapid.IntRange(2*season, 6*season).Draw(t, "periods")
		h := make([]float64, n)
		for i := range h {
			h[i] = c
		}
		horizon := rapid.IntRange(1, 24).Draw(t, "horizon")
		models := []forecast.Model{
			forecast.MovingAverage{Window: rapid.IntRange(1, n).Draw(t, "window")},
			forecast.SeasonalIndex{Season: season},
			forecast.HoltWinters{Season: season, Alpha: rapid.Float64Range(0, 1).Draw(t, "alpha"),
				Beta: rapid.Float64Range(0, 1).Draw(t, "beta"), Gamma: rapid.Float64Range(0, 1).Draw(t, "gamma")},
		}
		for _, m := range models {
			f, err := forecast.Predict(m, h, horizon)
			require.NoError(t, err, "%s", m)
			for i, v := range f.Values {
				if v != c {
					t.Fatalf("%s: forecast %d of constant %v is %v", m, i, c, v)
				}
			}
			if f.Backtest.Valid && f.Backtest.MAPE != 0 {
				t.Fatalf("%s: backtest MAPE %v on a constant", m, f.Backtest.MAPE)
			}
			got, err := f.Targets(quota.CountUnit("units"), crmkit.RoundHalfEven)
			require.NoError(t, err)
			for _, g := range got {
				if !g.Equal(quota.Count(int64(c), "units")) {
					t.Fatalf("%s: target %s, want %v", m, g, c)
				}
			}
		}
	})
}

func eurs(s string) crmkit.Money { return crmkit.MustMoney(s, "EUR") }

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }
