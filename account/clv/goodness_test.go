package clv_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account/clv"
)

func TestFrequencyFitCDNOW(t *testing.T) {
	cs := cdnowCustomers(t)
	bg, _ := cdnowBGNBD(t)
	pnbd, _ := cdnowPareto(t)
	// Counted with awk over the shipped summary: customers with 0..6 and 7+
	// repeat purchases (Fader, Hardie and Lee 2005, figure 3).
	actual := []int{1411, 439, 214, 100, 62, 38, 29, 64}
	for name, m := range map[string]clv.PurchaseModel{"BG/NBD": bg, "Pareto/NBD": pnbd} {
		bins, err := clv.FrequencyFit(m, cs, 7)
		require.NoError(t, err, name)
		require.Len(t, bins, 8)
		total := 0.0
		for i, b := range bins {
			assert.Equal(t, i, b.Frequency)
			assert.Equal(t, i == 7, b.OrMore)
			assert.Equal(t, actual[i], b.Actual, "%s bin %d", name, i)
			assert.GreaterOrEqual(t, b.Expected, 0.0)
			total += b.Expected
		}
		assert.InDelta(t, 2357, total, 1e-6, name)
		// Both models fit the histogram closely: within 50 customers per bin.
		for _, b := range bins {
			assert.InDelta(t, float64(b.Actual), b.Expected, 50, "%s bin %d", name, b.Frequency)
		}
	}

	_, err := clv.FrequencyFit(bg, cs, 0)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = clv.FrequencyFit(nil, cs, 3)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = clv.FrequencyFit(bg, nil, 3)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = clv.FrequencyFit(bg, []clv.Customer{{Frequency: 1, Recency: 2, T: 1}}, 3)
	var ve *crmkit.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, "customers[0].recency", ve.Field)
}

func TestTrackingCDNOW(t *testing.T) {
	s := cdnowExact(t)
	bg, _ := cdnowBGNBD(t)
	pts, err := s.Tracking(bg)
	require.NoError(t, err)
	require.Len(t, pts, 78) // 546 days from 1997-01-01 to 1998-06-30

	// Counted with awk over the distinct (customer, day) pairs of
	// CDNOW_sample.txt: no repeat purchase in the first week, 19 by the end
	// of the second, 2,457 by the end of the calibration period (week 39)
	// and 4,339 by the end of the holdout period (week 78).
	assert.Equal(t, 0, pts[0].Actual)
	assert.Equal(t, 19, pts[1].Actual)
	assert.Equal(t, 2457, pts[38].Actual)
	assert.Equal(t, 4339, pts[77].Actual)
	for i, p := range pts {
		assert.InDelta(t, float64(i+1), p.Time, 1e-12)
		assert.Equal(t, i >= 39, p.Holdout, "week %d", i+1)
		if i > 0 {
			assert.GreaterOrEqual(t, p.Actual, pts[i-1].Actual)
			assert.Greater(t, p.Expected, pts[i-1].Expected)
		}
	}
	// At the end of the calibration period and of the holdout period the
	// expectation is Σ_i E[X(T_i + 1/7)] and Σ_i E[X(T_i + 1/7 + 39)]
	// (periods end the day after the last day they cover).
	var cal, all float64
	for _, c := range s.Customers {
		e, err := bg.ExpectedPurchases(c.T + 1.0/7)
		require.NoError(t, err)
		cal += e
		e, err = bg.ExpectedPurchases(c.T + 1.0/7 + 39)
		require.NoError(t, err)
		all += e
	}
	assert.InDelta(t, cal, pts[38].Expected, 1e-6)
	assert.InDelta(t, all, pts[77].Expected, 1e-6)
	// The forecast of the 1,882 holdout purchases is close (within 15%).
	assert.InDelta(t, 1882, pts[77].Expected-pts[38].Expected, 0.15*1882)

	edited := s
	edited.Customers = slices.Clone(s.Customers)
	edited.Customers[3].FirstPurchase = time.Time{}
	_, err = edited.Tracking(bg)
	var ve *crmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "customers[3].first purchase", ve.Field)

	_, err = clv.Summary{Customers: s.Customers}.Tracking(bg)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = s.Tracking(nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestTrackingPartialLastPeriod(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, d) }
	txs := []clv.Transaction{
		{Customer: "a", Time: day(0), Amount: 1},
		{Customer: "a", Time: day(3), Amount: 1},
		{Customer: "a", Time: day(9), Amount: 1}, // holdout
		{Customer: "b", Time: day(2), Amount: 1},
	}
	s, err := clv.Summarize(slices.Values(txs), clv.SummaryOptions{CalibrationEnd: day(6), HoldoutEnd: day(9), Unit: clv.Week})
	require.NoError(t, err)
	pts, err := s.Tracking(clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426})
	require.NoError(t, err)
	// 10 days: one full week and a partial one ending at day 10.
	require.Len(t, pts, 2)
	assert.Equal(t, clv.TrackingPoint{Time: 1, Holdout: false, Actual: 1, Expected: pts[0].Expected}, pts[0])
	assert.InDelta(t, 10.0/7, pts[1].Time, 1e-12)
	assert.True(t, pts[1].Holdout)
	assert.Equal(t, 2, pts[1].Actual)
}

// simulate draws X(t) for n customers of a purchase model from its
// generative story, with a seeded source.
func simulate(model clv.PurchaseModel, t float64, n int, seed uint64) []int {
	src := rand.NewPCG(seed, 1)
	rng := rand.New(src)
	counts := make([]int, n)
	for i := range counts {
		x := 0
		switch m := model.(type) {
		case clv.BGNBD, clv.MBGNBD:
			var r, alpha, a, b float64
			modified := false
			if bg, ok := m.(clv.BGNBD); ok {
				r, alpha, a, b = bg.R, bg.Alpha, bg.A, bg.B
			} else {
				mb := m.(clv.MBGNBD)
				r, alpha, a, b = mb.R, mb.Alpha, mb.A, mb.B
				modified = true
			}
			lambda := distuv.Gamma{Alpha: r, Beta: alpha, Src: src}.Rand()
			p := distuv.Beta{Alpha: a, Beta: b, Src: src}.Rand()
			if modified && rng.Float64() < p {
				break
			}
			for now := rng.ExpFloat64() / lambda; now <= t; now += rng.ExpFloat64() / lambda {
				x++
				if rng.Float64() < p {
					break
				}
			}
		case clv.ParetoNBD:
			lambda := distuv.Gamma{Alpha: m.R, Beta: m.Alpha, Src: src}.Rand()
			mu := distuv.Gamma{Alpha: m.S, Beta: m.Beta, Src: src}.Rand()
			life := math.Min(rng.ExpFloat64()/mu, t)
			for now := rng.ExpFloat64() / lambda; now <= life; now += rng.ExpFloat64() / lambda {
				x++
			}
		}
		counts[i] = x
	}
	return counts
}

func TestPMFAgreesWithSimulation(t *testing.T) {
	const n = 40000
	models := map[string]clv.PurchaseModel{
		"BG/NBD":     clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426},
		"MBG/NBD":    clv.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614},
		"Pareto/NBD": clv.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669},
	}
	seed := uint64(1)
	for name, m := range models {
		seed++
		counts := simulate(m, 39, n, seed)
		hist := make([]float64, 5)
		mean := 0.0
		for _, x := range counts {
			if x < len(hist) {
				hist[x]++
			}
			mean += float64(x)
		}
		for x := range hist {
			p, err := m.ProbPurchases(x, 39)
			require.NoError(t, err)
			// Four standard errors of a simulated frequency.
			tol := 4 * math.Sqrt(p*(1-p)/n)
			assert.InDelta(t, p, hist[x]/n, tol, "%s P(X(39)=%d)", name, x)
		}
		e, err := m.ExpectedPurchases(39)
		require.NoError(t, err)
		assert.InDelta(t, e, mean/n, 0.05*e, "%s E[X(39)]", name)
	}
}
