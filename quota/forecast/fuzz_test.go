package forecast_test

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/internal/harness"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/quota/forecast"
)

// series decodes b as little-endian float64s (a trailing partial value is
// dropped), at most 512 of them.
func series(b []byte) []float64 {
	n := min(len(b)/8, 512)
	out := make([]float64, n)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return out
}

func floats(xs ...float64) []byte {
	b := make([]byte, 8*len(xs))
	for i, x := range xs {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
	}
	return b
}

// FuzzForecast runs every forecasting model, Predict, FitHoltWinters and
// Forecast.Targets on arbitrary histories, seasons, windows, smoothing
// parameters and horizons: each returns horizon finite values or an error
// matching one root sentinel, never panics or allocates beyond its bounds.
// The seeds run as a test.
func FuzzForecast(f *testing.F) {
	year := floats(10, 12, 15, 11, 9, 14, 20, 22, 18, 12, 10, 30, 11, 13, 16, 12, 10, 15, 22, 24, 19, 13, 11, 33)
	f.Add(year, 12, 3, 0.3, 0.1, 0.1, 6, "1.15")
	f.Add(year, 4, 1, 1.0, 1.0, 0.0, forecast.MaxHorizon, "0.9")
	f.Add(floats(1e-300, 1, 1e15, 1), 2, 2, 1.0, 1.0, 0.0, 3, "1")
	f.Add(floats(math.MaxFloat64, math.MaxFloat64, math.Inf(1), math.NaN()), 2, 2, 0.5, 0.5, 0.5, 1, "1")
	f.Add(year, math.MaxInt, math.MaxInt, 0.3, 0.1, 0.1, math.MaxInt, "1e400000000")
	f.Add(year, math.MinInt, math.MinInt, -1.0, 2.0, math.NaN(), 1<<40, "-1")
	f.Add([]byte{}, 2, 1, 0.3, 0.1, 0.1, 1, "1")
	f.Fuzz(func(t *testing.T, raw []byte, season, window int, alpha, beta, gamma float64, horizon int, factor string) {
		h := series(raw)
		refused := func(what string, err error) bool {
			t.Helper()
			if err == nil {
				return false
			}
			if e := harness.Check(err, harness.ErrAny); e != nil {
				t.Fatalf("%s: %v", what, e)
			}
			return true
		}
		finite := func(what string, vals []float64) {
			t.Helper()
			if len(vals) != horizon {
				t.Fatalf("%s: %d values for a horizon of %d", what, len(vals), horizon)
			}
			for i, v := range vals {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("%s: value %d is %v without an error", what, i, v)
				}
			}
		}
		models := []forecast.Model{
			forecast.MovingAverage{Window: window},
			forecast.SeasonalIndex{Season: season},
			forecast.HoltWinters{Season: season, Alpha: alpha, Beta: beta, Gamma: gamma},
		}
		if fit, err := forecast.FitHoltWinters(h, season); !refused("FitHoltWinters", err) {
			models = append(models, fit)
		}
		var factors []forecast.Factor
		if d, err := decimal.NewFromString(factor); err == nil && d.Exponent() > -30 && d.Exponent() < 30 {
			factors = append(factors, forecast.Factor{Name: "fuzz", Multiplier: d})
		}
		for _, m := range models {
			if vals, err := m.Forecast(h, horizon); !refused(m.String(), err) {
				finite(m.String(), vals)
			}
			fc, err := forecast.Predict(m, h, horizon, factors...)
			if refused("Predict "+m.String(), err) {
				continue
			}
			finite("Predict "+m.String(), fc.Values)
			if b := fc.Backtest; b.Valid && (math.IsNaN(b.MAPE) || math.IsInf(b.MAPE, 0)) {
				t.Fatalf("backtest MAPE %v marked valid", b.MAPE)
			}
			if targets, err := fc.Targets(quota.MoneyUnit(crmkit.MustCurrency("EUR")), crmkit.RoundHalfEven); !refused("Targets", err) && len(targets) != horizon {
				t.Fatalf("%d targets for a horizon of %d", len(targets), horizon)
			}
		}
		if idx, err := forecast.SeasonalIndices(h, season); !refused("SeasonalIndices", err) {
			for i, v := range idx {
				if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
					t.Fatalf("seasonal index %d is %v", i, v)
				}
			}
		}
	})
}
