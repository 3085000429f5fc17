package clv_test

import (
	"math"
	"testing"

	"github.com/crmkit/crmkit/account/clv"
	"github.com/crmkit/crmkit/internal/harness"
)

// checkPrediction fails t when a prediction is refused with an error that
// does not match exactly one root sentinel (ErrInvalid), or accepted with
// a value that is not finite or, for a probability, outside [0, 1].
func checkPrediction(t *testing.T, what string, v float64, err error, probability bool) {
	t.Helper()
	if err != nil {
		if e := harness.Check(err, nil); e != nil {
			t.Fatalf("%s: %v", what, e)
		}
		return
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		t.Fatalf("%s: %v without an error", what, v)
	}
	// A sum of terms may round a hair beyond 1.
	if probability && (v < -1e-9 || v > 1+1e-9) {
		t.Fatalf("%s: probability %v outside [0, 1]", what, v)
	}
}

// FuzzCLVModels feeds arbitrary parameters and customer summaries to every
// prediction of the CLV models (BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma,
// BG/BB): each returns a finite value (a probability in [0, 1]) or an
// error matching crmkit.ErrInvalid, never panics, +Inf or NaN. The seeds
// run as a test; the papers' estimates and the bounds are among them.
func FuzzCLVModels(f *testing.F) {
	f.Add(0.243, 4.414, 0.793, 2.426, 2, 30.43, 38.86, 3, 39.0, 12, 0.01, 6)
	f.Add(0.553, 10.58, 0.606, 11.67, 0, 0.0, 38.86, 0, 52.0, 1, 0.0, 0)
	f.Add(1.204, 0.750, 0.657, 2.783, 3, 4.0, 6.0, 2, 5.0, 5, 0.1, 1)
	f.Add(6.25, 3.74, 15.44, 1.0, clv.MaxPurchases, 50.0, 52.0, clv.MaxProbPurchases, 52.0, clv.MaxCLVPeriods, 0.01, clv.MaxOpportunities)
	// Pareto/NBD's P(X(t) = n) at the bound, with parameters whose series
	// converge slowly.
	f.Add(0.8928571428571429, 6.74, 2.5733333333333333, 75.0, 9994, 50.0, 17.333333333333332, clv.MaxProbPurchases, 52.0, 10000, 0.01, 10000)
	f.Add(1e-300, 1e300, math.MaxFloat64, 1e-300, 1<<40, 1e300, 1e308, math.MaxInt, math.MaxFloat64, math.MaxInt, 1e300, math.MinInt)
	f.Add(1.0, 1.0, 1.0, 1.0, 1, 1.0, 1.0, 1, 1.0, 1, 0.0, 1)
	f.Fuzz(func(t *testing.T, p1, p2, p3, p4 float64, x int, tx, T float64, n int, horizon float64, periods int, discount float64, future int) {
		c := clv.Customer{Frequency: x, Recency: tx, T: T, MonetaryValue: p4}
		for _, m := range []clv.PurchaseModel{
			clv.BGNBD{R: p1, Alpha: p2, A: p3, B: p4},
			clv.MBGNBD{R: p1, Alpha: p2, A: p3, B: p4},
			clv.ParetoNBD{R: p1, Alpha: p2, S: p3, Beta: p4},
		} {
			v, err := m.ExpectedPurchases(horizon)
			checkPrediction(t, "ExpectedPurchases", v, err, false)
			v, err = m.ConditionalExpectedPurchases(horizon, c)
			checkPrediction(t, "ConditionalExpectedPurchases", v, err, false)
			v, err = m.ProbAlive(c)
			checkPrediction(t, "ProbAlive", v, err, true)
			v, err = m.ProbPurchases(n, horizon)
			checkPrediction(t, "ProbPurchases", v, err, true)
			gg := clv.GammaGamma{P: p1, Q: p2, Gamma: p3}
			v, err = gg.CLV(m, c, clv.CLVOptions{Periods: periods, PeriodLength: horizon, DiscountRate: discount, Margin: 0.5})
			checkPrediction(t, "CLV", v, err, false)
		}
		gg := clv.GammaGamma{P: p1, Q: p2, Gamma: p3}
		v, err := gg.ExpectedSpend()
		checkPrediction(t, "ExpectedSpend", v, err, false)
		v, err = gg.ConditionalExpectedSpend(c)
		checkPrediction(t, "ConditionalExpectedSpend", v, err, false)
		v, err = gg.LogLikelihood([]clv.Customer{c}, nil)
		checkPrediction(t, "GammaGamma.LogLikelihood", v, err, false)

		bgbb := clv.BGBB{Alpha: p1, Beta: p2, Gamma: p3, Delta: p4}
		d := clv.DiscreteCustomer{Frequency: x, Recency: int(tx), Periods: n}
		v, err = bgbb.ExpectedTransactions(n)
		checkPrediction(t, "BGBB.ExpectedTransactions", v, err, false)
		v, err = bgbb.ProbTransactions(x, n)
		checkPrediction(t, "BGBB.ProbTransactions", v, err, true)
		v, err = bgbb.ProbAlive(d)
		checkPrediction(t, "BGBB.ProbAlive", v, err, true)
		v, err = bgbb.ConditionalExpectedTransactions(future, d)
		checkPrediction(t, "BGBB.ConditionalExpectedTransactions", v, err, false)
		v, err = bgbb.LogLikelihood([]clv.DiscreteCustomer{d}, nil)
		checkPrediction(t, "BGBB.LogLikelihood", v, err, false)
	})
}

// FuzzCLVFit fits the models to three arbitrary customers: a fit returns
// parameters with a finite log-likelihood, or an error matching
// crmkit.ErrInvalid (a *ConvergenceError for data that do not identify
// the model); it never panics or runs without bound.
func FuzzCLVFit(f *testing.F) {
	f.Add(2, 30.43, 38.86, 0, 0.0, 38.86, 5, 20.0, 30.0, 10.0)
	f.Add(1, 1.0, 2.0, 1, 1.0, 2.0, 1, 1.0, 2.0, 1.0)
	f.Add(clv.MaxPurchases, 1e300, 1e300, 0, 0.0, 1e-300, 1<<30, 5.0, 1.0, math.MaxFloat64)
	f.Fuzz(func(t *testing.T, x1 int, tx1, T1 float64, x2 int, tx2, T2 float64, x3 int, tx3, T3, spend float64) {
		cs := []clv.Customer{
			{Frequency: x1, Recency: tx1, T: T1, MonetaryValue: spend},
			{Frequency: x2, Recency: tx2, T: T2, MonetaryValue: spend},
			{Frequency: x3, Recency: tx3, T: T3, MonetaryValue: spend},
		}
		opts := clv.FitOptions{MaxIterations: 50}
		check := func(what string, r clv.FitResult, err error) {
			if err != nil {
				if e := harness.Check(err, nil); e != nil {
					t.Fatalf("%s: %v", what, e)
				}
				return
			}
			if math.IsNaN(r.LogLikelihood) || math.IsInf(r.LogLikelihood, 0) {
				t.Fatalf("%s: log-likelihood %v without an error", what, r.LogLikelihood)
			}
		}
		_, r, err := clv.FitBGNBD(cs, opts)
		check("FitBGNBD", r, err)
		_, r, err = clv.FitParetoNBD(cs, opts)
		check("FitParetoNBD", r, err)
		_, r, err = clv.FitGammaGamma(cs, opts)
		check("FitGammaGamma", r, err)
		ds := []clv.DiscreteCustomer{{Frequency: x1, Recency: int(tx1), Periods: int(T1)}, {Frequency: x2, Recency: int(tx2), Periods: int(T2)}}
		_, r, err = clv.FitBGBB(ds, opts)
		check("FitBGBB", r, err)
	})
}
