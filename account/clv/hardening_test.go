package clv_test

import (
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit/account/clv"
	"github.com/crmkit/crmkit/internal/harness"
)

func errOf[T any](_ T, err error) error { return err }

// Models at the papers' estimates.
var (
	hBGBB   = clv.BGBB{Alpha: 1.204, Beta: 0.750, Gamma: 0.657, Delta: 2.783}
	hBGNBD  = clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	hMBGNBD = clv.MBGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	hPareto = clv.ParetoNBD{R: 0.553, Alpha: 10.58, S: 0.606, Beta: 11.67}
	hGG     = clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
)

func name(prefix string, n int) string {
	switch n {
	case math.MaxInt:
		return prefix + " MaxInt"
	case math.MinInt:
		return prefix + " MinInt"
	}
	return prefix + " " + strconv.Itoa(n)
}

// TestHardening covers the caller-sized work of the CLV models: numbers of
// opportunities, purchases, CLV periods, frequency bins, tracking points
// and optimiser iterations beyond their bounds (and at MaxInt), nil
// models and sequences, and parameters whose predictions leave float64.
// Each is refused with ErrInvalid before the work starts: no panic, no
// hang, no +Inf or NaN.
func TestHardening(t *testing.T) {
	models := []clv.PurchaseModel{hBGNBD, hMBGNBD, hPareto}
	buyer := clv.Customer{Frequency: 2, Recency: 10, T: 20, MonetaryValue: 30}
	var cases []harness.Case
	add := func(n string, call func() error) { cases = append(cases, harness.Case{Name: n, Call: call}) }
	for _, n := range []int{clv.MaxOpportunities + 1, 1 << 30, math.MaxInt, math.MinInt} {
		d := clv.DiscreteCustomer{Frequency: 1, Recency: 1, Periods: n}
		add(name("BGBB ProbTransactions n", n), func() error { return errOf(hBGBB.ProbTransactions(0, n)) })
		add(name("BGBB ExpectedTransactions n", n), func() error { return errOf(hBGBB.ExpectedTransactions(n)) })
		add(name("BGBB ProbAlive periods", n), func() error { return errOf(hBGBB.ProbAlive(d)) })
		add(name("BGBB ConditionalExpectedTransactions periods", n), func() error { return errOf(hBGBB.ConditionalExpectedTransactions(1, d)) })
		add(name("BGBB ConditionalExpectedTransactions future", n), func() error {
			return errOf(hBGBB.ConditionalExpectedTransactions(n, clv.DiscreteCustomer{Frequency: 1, Recency: 1, Periods: 2}))
		})
		add(name("BGBB LogLikelihood periods", n), func() error { return errOf(hBGBB.LogLikelihood([]clv.DiscreteCustomer{d}, nil)) })
		add(name("FitBGBB periods", n), func() error {
			_, _, err := clv.FitBGBB([]clv.DiscreteCustomer{d, {Periods: 3}}, clv.FitOptions{})
			return err
		})
	}
	for _, n := range []int{clv.MaxProbPurchases + 1, 1 << 30, math.MaxInt, math.MinInt} {
		for _, m := range models {
			add(name(typeName(m)+" ProbPurchases n", n), func() error { return errOf(m.ProbPurchases(n, 10)) })
		}
	}
	for _, n := range []int{clv.MaxPurchases + 1, 1 << 30, math.MaxInt, math.MinInt} {
		c := clv.Customer{Frequency: n, Recency: 10, T: 20, MonetaryValue: 30}
		for _, m := range models {
			add(name(typeName(m)+" ProbAlive frequency", n), func() error { return errOf(m.ProbAlive(c)) })
			add(name(typeName(m)+" ConditionalExpectedPurchases frequency", n), func() error { return errOf(m.ConditionalExpectedPurchases(10, c)) })
		}
		add(name("FitParetoNBD frequency", n), func() error {
			_, _, err := clv.FitParetoNBD([]clv.Customer{c, buyer}, clv.FitOptions{})
			return err
		})
	}
	for _, n := range []int{clv.MaxCLVPeriods + 1, 1 << 40, math.MaxInt, math.MinInt, 0} {
		for _, m := range models {
			add(name(typeName(m)+" CLV periods", n), func() error {
				return errOf(hGG.CLV(m, buyer, clv.CLVOptions{Periods: n, PeriodLength: 4.345, DiscountRate: 0.01, Margin: 0.2}))
			})
		}
	}
	for _, n := range []int{clv.MaxFrequencyBins + 1, 1 << 40, math.MaxInt, math.MinInt, 0} {
		for _, m := range models {
			add(name(typeName(m)+" FrequencyFit bins", n), func() error { return errOf(clv.FrequencyFit(m, []clv.Customer{buyer}, n)) })
		}
	}
	for _, n := range []int{clv.MaxFitIterations + 1, math.MaxInt, math.MinInt} {
		add(name("FitBGNBD max iterations", n), func() error {
			_, _, err := clv.FitBGNBD([]clv.Customer{buyer, {T: 20}}, clv.FitOptions{MaxIterations: n})
			return err
		})
	}
	// Nil models, sequences and summaries not built by Summarize.
	add("CLV nil model", func() error {
		return errOf(hGG.CLV(nil, buyer, clv.CLVOptions{Periods: 1, PeriodLength: 1, Margin: 1}))
	})
	add("FrequencyFit nil model", func() error { return errOf(clv.FrequencyFit(nil, []clv.Customer{buyer}, 3)) })
	add("Summarize nil transactions", func() error {
		return errOf(clv.Summarize(nil, clv.SummaryOptions{CalibrationEnd: time.Now(), Unit: clv.Week}))
	})
	add("zero Summary Tracking", func() error { return errOf(clv.Summary{}.Tracking(hBGNBD)) })
	add("zero models", func() error {
		for _, m := range []clv.PurchaseModel{clv.BGNBD{}, clv.MBGNBD{}, clv.ParetoNBD{}} {
			if _, err := m.ExpectedPurchases(1); err == nil {
				return nil
			}
		}
		return errOf(clv.BGBB{}.ExpectedTransactions(1))
	})
	// Tracking with a unit of a picosecond's worth of days would return
	// one point per unit: 3e16 of them.
	add("Tracking tiny unit", func() error {
		at := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		txs := []clv.Transaction{{Customer: "a", Time: at, Amount: 1}, {Customer: "a", Time: at.AddDate(1, 0, 0), Amount: 1}}
		s, err := clv.Summarize(slices.Values(txs), clv.SummaryOptions{CalibrationEnd: at.AddDate(2, 0, 0), Unit: 1e-12})
		if err != nil {
			return err
		}
		return errOf(s.Tracking(hBGNBD))
	})
	// Parameters that are valid (positive, finite) but whose predictions
	// leave float64: an error, never +Inf or NaN.
	for _, p := range []float64{1e-300, 1e300, math.MaxFloat64} {
		add("GammaGamma ExpectedSpend params "+strconv.FormatFloat(p, 'g', -1, 64), func() error {
			v, err := clv.GammaGamma{P: p, Q: p, Gamma: p}.ExpectedSpend()
			return finiteOr(v, err)
		})
	}
	add("GammaGamma ConditionalExpectedSpend huge mean", func() error {
		v, err := hGG.ConditionalExpectedSpend(clv.Customer{Frequency: 3, Recency: 1, T: 2, MonetaryValue: math.MaxFloat64})
		return finiteOr(v, err)
	})
	add("BGNBD ExpectedPurchases huge t", func() error { return finiteOr(hBGNBD.ExpectedPurchases(math.MaxFloat64)) })
	add("BGBB ProbTransactions tiny params", func() error {
		return finiteOr(clv.BGBB{Alpha: 1e-300, Beta: 1e-300, Gamma: 1e-300, Delta: 1e-300}.ProbTransactions(3, 6))
	})
	harness.Run(t, cases)
}

// finiteOr passes err on, and turns a non-finite value returned without
// one into a failure of the case (harness.Check refuses a nil error).
func finiteOr(v float64, err error) error {
	if err != nil {
		return err
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		panic("non-finite result without an error: " + strconv.FormatFloat(v, 'g', -1, 64))
	}
	return nil
}

func typeName(m clv.PurchaseModel) string {
	switch m.(type) {
	case clv.BGNBD:
		return "BGNBD"
	case clv.MBGNBD:
		return "MBGNBD"
	}
	return "ParetoNBD"
}

// TestHardeningAtTheBounds: the largest accepted inputs still compute,
// to finite probabilities in [0, 1].
func TestHardeningAtTheBounds(t *testing.T) {
	p, err := hBGBB.ProbTransactions(0, clv.MaxOpportunities)
	require.NoError(t, err)
	assert.True(t, p >= 0 && p <= 1, "P(X(n)=0) = %v", p)
	a, err := hBGBB.ProbAlive(clv.DiscreteCustomer{Frequency: 1, Recency: 1, Periods: clv.MaxOpportunities})
	require.NoError(t, err)
	assert.True(t, a >= 0 && a <= 1, "P(alive) = %v", a)
	for _, m := range []clv.PurchaseModel{hBGNBD, hMBGNBD, hPareto} {
		p, err := m.ProbPurchases(clv.MaxProbPurchases, 52)
		require.NoError(t, err, "%T", m)
		assert.True(t, p >= 0 && p <= 1, "%T P(X=max) = %v", m, p)
		a, err := m.ProbAlive(clv.Customer{Frequency: clv.MaxPurchases, Recency: 50, T: 52})
		require.NoError(t, err, "%T", m)
		assert.True(t, a >= 0 && a <= 1, "%T P(alive) = %v", m, a)
	}
	v, err := hGG.CLV(hBGNBD, clv.Customer{Frequency: 2, Recency: 10, T: 20, MonetaryValue: 30},
		clv.CLVOptions{Periods: clv.MaxCLVPeriods, PeriodLength: 1, DiscountRate: 0.01, Margin: 0.2})
	require.NoError(t, err)
	assert.True(t, v > 0 && !math.IsInf(v, 0), "CLV = %v", v)
}
