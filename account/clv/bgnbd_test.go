package clv_test

import (
	"errors"
	"math"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account/clv"
)

// Fits on the shipped CDNOW summary, shared by the tests (each is computed
// once).
var (
	bgOnce sync.Once
	bgFit  clv.BGNBD
	bgRes  clv.FitResult
	bgErr  error
)

func cdnowBGNBD(t *testing.T) (clv.BGNBD, clv.FitResult) {
	t.Helper()
	cs := cdnowCustomers(t)
	bgOnce.Do(func() { bgFit, bgRes, bgErr = clv.FitBGNBD(cs, clv.FitOptions{}) })
	require.NoError(t, bgErr)
	return bgFit, bgRes
}

func TestFitBGNBDReproducesPaper(t *testing.T) {
	// Fader, Hardie and Lee (2005), section 4: r = 0.243, alpha = 4.414,
	// a = 0.793, b = 2.426, LL = -9582.4.
	m, res := cdnowBGNBD(t)
	assert.InDelta(t, 0.243, m.R, 0.0005)
	assert.InDelta(t, 4.414, m.Alpha, 0.0005)
	assert.InDelta(t, 0.793, m.A, 0.0005)
	assert.InDelta(t, 2.426, m.B, 0.0005)
	assert.InDelta(t, -9582.4, res.LogLikelihood, 0.05)
	assert.Less(t, res.GradientNorm, 1e-6)

	ll, err := m.LogLikelihood(cdnowCustomers(t), nil)
	require.NoError(t, err)
	assert.InDelta(t, res.LogLikelihood, ll, 1e-9)

	// The same figures from the summary rebuilt from the transactions
	// (exact days / 7 rather than the shipped 2-decimal values).
	s, err := clv.Summarize(sampleTransactions(t), cdnowOptions())
	require.NoError(t, err)
	m2, res2, err := clv.FitBGNBD(s.Customers, clv.FitOptions{})
	require.NoError(t, err)
	assert.InDelta(t, 0.243, m2.R, 0.0005)
	assert.InDelta(t, 4.414, m2.Alpha, 0.0005)
	assert.InDelta(t, 0.793, m2.A, 0.0005)
	assert.InDelta(t, 2.426, m2.B, 0.0005)
	assert.InDelta(t, -9582.4, res2.LogLikelihood, 0.05)
}

func TestBGNBDPublishedPredictions(t *testing.T) {
	m, _ := cdnowBGNBD(t)
	// Fader, Hardie and Lee (2005), section 5: a customer with x = 2,
	// t_x = 30.43, T = 38.86 is expected to make 1.226 purchases in the
	// next 39 weeks.
	e, err := m.ConditionalExpectedPurchases(39, clv.Customer{Frequency: 2, Recency: 30.43, T: 38.86})
	require.NoError(t, err)
	assert.InDelta(t, 1.226, e, 0.0005)

	// Customer 1516 of the summary (x = 26, t_x = 30.86, T = 31), lifetimes'
	// quickstart: 25.76 purchases in the next 52 weeks, P(alive) 0.9689.
	c := clv.Customer{ID: "1516", Frequency: 26, Recency: 30.86, T: 31}
	var row summaryRow
	for _, r := range cdnowSummary(t) {
		if r.ID == 1516 {
			row = r
		}
	}
	require.Equal(t, summaryRow{ID: 1516, X: 26, Tx: 30.86, T: 31, Zbar: 39.97}, row)
	e, err = m.ConditionalExpectedPurchases(52, c)
	require.NoError(t, err)
	assert.InDelta(t, 25.76, e, 0.005)
	p, err := m.ProbAlive(c)
	require.NoError(t, err)
	assert.InDelta(t, 0.9689, p, 0.00005)
}

func TestBGNBDClosedForms(t *testing.T) {
	m := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	// P(X(t) = 0) = B(a, b)/B(a, b) (α/(α+t))^r: only the first term.
	p0, err := m.ProbPurchases(0, 10)
	require.NoError(t, err)
	assert.InDelta(t, math.Pow(4.414/14.414, 0.243), p0, 1e-12)
	// Nothing can happen in no time.
	for _, n := range []int{0, 1, 5} {
		p, err := m.ProbPurchases(n, 0)
		require.NoError(t, err)
		assert.Equal(t, map[bool]float64{true: 1, false: 0}[n == 0], p)
	}
	e, err := m.ExpectedPurchases(0)
	require.NoError(t, err)
	assert.Zero(t, e)
	// P(alive) of a customer who never bought again is 1.
	a, err := m.ProbAlive(clv.Customer{T: 20})
	require.NoError(t, err)
	assert.Equal(t, 1.0, a)
	// P(alive) by hand for x = 1, t_x = 1, T = 10:
	// 1 / (1 + a/b ((α+10)/(α+1))^(r+1)).
	a, err = m.ProbAlive(clv.Customer{Frequency: 1, Recency: 1, T: 10})
	require.NoError(t, err)
	assert.InDelta(t, 1/(1+0.793/2.426*math.Pow(14.414/5.414, 1.243)), a, 1e-12)
}

func TestPMFSumsToOneWithMeanEqualToExpectation(t *testing.T) {
	models := map[string]clv.PurchaseModel{
		"BG/NBD":     clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426},
		"MBG/NBD":    clv.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614},
		"Pareto/NBD": clv.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669},
	}
	for name, m := range models {
		for _, horizon := range []float64{0.5, 10, 39} {
			sum, mean := 0.0, 0.0
			for n := range 150 {
				p, err := m.ProbPurchases(n, horizon)
				require.NoError(t, err)
				require.GreaterOrEqual(t, p, 0.0)
				sum += p
				mean += float64(n) * p
			}
			e, err := m.ExpectedPurchases(horizon)
			require.NoError(t, err)
			assert.InDelta(t, 1, sum, 1e-9, "%s t=%v", name, horizon)
			assert.InDelta(t, e, mean, 1e-6, "%s t=%v", name, horizon)
		}
	}
}

func TestFitOptionsWeightsStartAndPenalty(t *testing.T) {
	cs := cdnowCustomers(t)
	m, res := cdnowBGNBD(t)

	// Compress identical (x, t_x, T) rows into weighted rows: same optimum.
	type key struct {
		x     int
		tx, t float64
	}
	idx := map[key]int{}
	var rows []clv.Customer
	var ws []float64
	for _, c := range cs {
		k := key{c.Frequency, c.Recency, c.T}
		i, ok := idx[k]
		if !ok {
			i = len(rows)
			idx[k] = i
			rows = append(rows, clv.Customer{Frequency: c.Frequency, Recency: c.Recency, T: c.T})
			ws = append(ws, 0)
		}
		ws[i]++
	}
	require.Less(t, len(rows), len(cs))
	mw, resw, err := clv.FitBGNBD(rows, clv.FitOptions{Weights: ws})
	require.NoError(t, err)
	assert.InDelta(t, res.LogLikelihood, resw.LogLikelihood, 1e-6)
	assert.InDelta(t, m.R, mw.R, 1e-5)
	assert.InDelta(t, m.B, mw.B, 1e-5)

	// Another starting point reaches the same optimum.
	ms, ress, err := clv.FitBGNBD(cs, clv.FitOptions{Start: []float64{0.1, 20, 3, 0.5}})
	require.NoError(t, err)
	assert.InDelta(t, res.LogLikelihood, ress.LogLikelihood, 1e-6)
	assert.InDelta(t, m.Alpha, ms.Alpha, 1e-4)

	// An L2 penalty shrinks the parameters and costs likelihood.
	mp, resp, err := clv.FitBGNBD(cs, clv.FitOptions{Penalty: 0.01})
	require.NoError(t, err)
	sq := func(v ...float64) (s float64) {
		for _, x := range v {
			s += x * x
		}
		return s
	}
	assert.Less(t, sq(mp.R, mp.Alpha, mp.A, mp.B), sq(m.R, m.Alpha, m.A, m.B))
	assert.Less(t, resp.LogLikelihood, res.LogLikelihood)
}

func TestFitReportsNonConvergence(t *testing.T) {
	cs := cdnowCustomers(t)
	_, _, err := clv.FitBGNBD(cs, clv.FitOptions{MaxIterations: 2})
	require.Error(t, err)
	assert.ErrorIs(t, err, clv.ErrNotConverged)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	var ce *clv.ConvergenceError
	require.True(t, errors.As(err, &ce))
	assert.Equal(t, "BG/NBD", ce.Model)
	assert.Len(t, ce.Params, 4)
	assert.Greater(t, ce.GradientNorm, 1e-6)
	assert.Contains(t, err.Error(), "BG/NBD fit did not converge")

	// Nobody bought twice: the likelihood has no interior maximum, which is
	// known before fitting.
	none := []clv.Customer{{T: 10}, {T: 20}, {T: 30}}
	_, _, err = clv.FitBGNBD(none, clv.FitOptions{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.NotErrorIs(t, err, clv.ErrNotConverged)

	// One repeat purchase in four customers: the optimum runs to the edge
	// of the parameter space (b -> 0).
	one := append(none, clv.Customer{Frequency: 1, Recency: 5, T: 30})
	_, _, err = clv.FitBGNBD(one, clv.FitOptions{})
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, ce.Status, "edge of the parameter space")
}

func TestCountModelsRejectBadInput(t *testing.T) {
	good := clv.Customer{Frequency: 1, Recency: 1, T: 2}
	cases := []struct {
		name  string
		cs    []clv.Customer
		opts  clv.FitOptions
		field string
	}{
		{"empty", nil, clv.FitOptions{}, "customers"},
		{"negative frequency", []clv.Customer{good, {Frequency: -1, T: 1}}, clv.FitOptions{}, "customers[1].frequency"},
		{"recency above age", []clv.Customer{{Frequency: 1, Recency: 3, T: 2}}, clv.FitOptions{}, "customers[0].recency"},
		{"negative recency", []clv.Customer{{Frequency: 1, Recency: -1, T: 2}}, clv.FitOptions{}, "customers[0].recency"},
		{"recency without repeat", []clv.Customer{{Recency: 1, T: 2}}, clv.FitOptions{}, "customers[0].recency"},
		{"NaN age", []clv.Customer{{T: math.NaN()}}, clv.FitOptions{}, "customers[0].t"},
		{"infinite age", []clv.Customer{{T: math.Inf(1)}}, clv.FitOptions{}, "customers[0].t"},
		{"NaN recency", []clv.Customer{{Frequency: 1, Recency: math.NaN(), T: 2}}, clv.FitOptions{}, "customers[0].recency"},
		{"weights length", []clv.Customer{good}, clv.FitOptions{Weights: []float64{1, 2}}, "weights"},
		{"negative weight", []clv.Customer{good}, clv.FitOptions{Weights: []float64{-1}}, "weights[0]"},
		{"NaN weight", []clv.Customer{good}, clv.FitOptions{Weights: []float64{math.NaN()}}, "weights[0]"},
		{"zero weights", []clv.Customer{good}, clv.FitOptions{Weights: []float64{0}}, "weights"},
		{"start length", []clv.Customer{good}, clv.FitOptions{Start: []float64{1}}, "start"},
		{"start negative", []clv.Customer{good}, clv.FitOptions{Start: []float64{1, 1, -1, 1}}, "start[2]"},
		{"penalty NaN", []clv.Customer{good}, clv.FitOptions{Penalty: math.NaN()}, "penalty"},
		{"penalty negative", []clv.Customer{good}, clv.FitOptions{Penalty: -1}, "penalty"},
		{"iterations negative", []clv.Customer{good}, clv.FitOptions{MaxIterations: -1}, "max iterations"},
	}
	fits := map[string]func([]clv.Customer, clv.FitOptions) error{
		"BG/NBD": func(cs []clv.Customer, o clv.FitOptions) error { _, _, err := clv.FitBGNBD(cs, o); return err },
		"MBG/NBD": func(cs []clv.Customer, o clv.FitOptions) error {
			_, _, err := clv.FitMBGNBD(cs, o)
			return err
		},
		"Pareto/NBD": func(cs []clv.Customer, o clv.FitOptions) error {
			_, _, err := clv.FitParetoNBD(cs, o)
			return err
		},
	}
	for model, fit := range fits {
		for _, tc := range cases {
			t.Run(model+"/"+tc.name, func(t *testing.T) {
				err := fit(tc.cs, tc.opts)
				require.Error(t, err)
				assert.ErrorIs(t, err, crmkit.ErrInvalid)
				assert.NotErrorIs(t, err, clv.ErrNotConverged)
				var ve *crmkit.ValidationError
				require.True(t, errors.As(err, &ve), "%v", err)
				assert.Equal(t, tc.field, ve.Field)
			})
		}
	}
}

func TestPredictionsRejectBadInput(t *testing.T) {
	good := clv.Customer{Frequency: 1, Recency: 1, T: 2}
	models := map[string]clv.PurchaseModel{
		"BG/NBD":     clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426},
		"MBG/NBD":    clv.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614},
		"Pareto/NBD": clv.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669},
	}
	zero := map[string]clv.PurchaseModel{"BG/NBD": clv.BGNBD{}, "MBG/NBD": clv.MBGNBD{}, "Pareto/NBD": clv.ParetoNBD{}}
	for name, m := range models {
		calls := map[string]error{}
		_, calls["expected NaN t"] = m.ExpectedPurchases(math.NaN())
		_, calls["expected negative t"] = m.ExpectedPurchases(-1)
		_, calls["conditional infinite t"] = m.ConditionalExpectedPurchases(math.Inf(1), good)
		_, calls["conditional recency above age"] = m.ConditionalExpectedPurchases(1, clv.Customer{Frequency: 1, Recency: 3, T: 2})
		_, calls["alive negative frequency"] = m.ProbAlive(clv.Customer{Frequency: -2, T: 2})
		_, calls["pmf negative n"] = m.ProbPurchases(-1, 1)
		_, calls["pmf NaN t"] = m.ProbPurchases(1, math.NaN())
		_, calls["zero model expected"] = zero[name].ExpectedPurchases(1)
		_, calls["zero model alive"] = zero[name].ProbAlive(good)
		_, calls["zero model conditional"] = zero[name].ConditionalExpectedPurchases(1, good)
		_, calls["zero model pmf"] = zero[name].ProbPurchases(1, 1)
		for what, err := range calls {
			assert.ErrorIs(t, err, crmkit.ErrInvalid, "%s: %s", name, what)
		}
		_, err := m.ProbAlive(good)
		assert.NoError(t, err)
	}
	_, err := clv.BGNBD{R: math.NaN(), Alpha: 1, A: 1, B: 1}.LogLikelihood([]clv.Customer{good}, nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = clv.BGNBD{R: 1, Alpha: 1, A: 1, B: 1}.LogLikelihood(nil, nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}
