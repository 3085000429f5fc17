package crmkit_test

import (
	"math"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
)

const oneDay = 24 * time.Hour

func TestDurationsMedianAndQuantiles(t *testing.T) {
	for _, c := range []struct {
		name           string
		in             []time.Duration
		mean, median   time.Duration
		q              float64
		quantile       time.Duration
		negative, nmin int64
	}{
		// The example: cycles of 10 and 20 days have a median of
		// 15 days (the mean of the two middle values), not 10.
		{name: "two cycles", in: []time.Duration{10 * oneDay, 20 * oneDay}, mean: 15 * oneDay, median: 15 * oneDay, q: 0.9, quantile: 19 * oneDay},
		// {1, 2, 3, 10} h: median (2 + 3) / 2; p25 at h = 0.75: 1 + 0.75.
		{name: "even count", in: []time.Duration{10 * time.Hour, time.Hour, 3 * time.Hour, 2 * time.Hour}, mean: 4 * time.Hour,
			median: 2*time.Hour + 30*time.Minute, q: 0.25, quantile: time.Hour + 45*time.Minute},
		{name: "odd count", in: []time.Duration{90 * oneDay, 10 * oneDay, 20 * oneDay}, mean: 40 * oneDay, median: 20 * oneDay, q: 1, quantile: 90 * oneDay},
		// 1.5 ns rounds to the even 2, 2.5 ns to the even 2, -2.5 ns to -2.
		{name: "half up to even", in: []time.Duration{1, 2}, mean: 2, median: 2, q: 0, quantile: 1},
		{name: "half down to even", in: []time.Duration{2, 3}, mean: 2, median: 2, q: 1, quantile: 3},
		{name: "negative half to even", in: []time.Duration{-3, -2}, mean: -2, median: -2, q: 0.5, quantile: -2, negative: 2},
		// {-6, 15} days: p90 = -6 + 0.9 x 21 = 12.9 days.
		{name: "a negative cycle", in: []time.Duration{15 * oneDay, -6 * oneDay}, mean: 4*oneDay + 12*time.Hour, median: 4*oneDay + 12*time.Hour,
			q: 0.9, quantile: 12*oneDay + 21*time.Hour + 36*time.Minute, negative: 1},
		// The sum exceeds int64; the middle values are far apart.
		{name: "extremes", in: []time.Duration{math.MaxInt64, math.MinInt64 + 1, math.MaxInt64}, mean: math.MaxInt64/3 + 0, median: math.MaxInt64,
			q: 0.25, quantile: 0, negative: 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := slices.Clone(c.in)
			d, err := crmkit.DurationsOf(crmkit.QuantilesExact, in...)
			require.NoError(t, err)
			assert.Equal(t, c.in, in, "input unchanged")
			assert.Equal(t, int64(len(c.in)), d.Count())
			assert.Equal(t, c.negative, d.Negative())
			mean, err := d.Mean()
			require.NoError(t, err)
			assert.Equal(t, c.mean, mean, "mean")
			median, err := d.Median()
			require.NoError(t, err)
			assert.Equal(t, c.median, median, "median")
			q, err := d.Quantile(c.q)
			require.NoError(t, err)
			assert.Equal(t, c.quantile, q, "quantile %v", c.q)
		})
	}
}

func TestDurationsErrors(t *testing.T) {
	var empty crmkit.Durations
	assert.Equal(t, crmkit.QuantilesApprox, empty.Mode())
	for _, f := range []func(crmkit.Durations) (time.Duration, error){
		crmkit.Durations.Mean, crmkit.Durations.Median, crmkit.Durations.Min, crmkit.Durations.Max,
	} {
		_, err := f(empty)
		assert.ErrorIs(t, err, crmkit.ErrInvalid)
	}
	d, err := crmkit.DurationsOf(crmkit.QuantilesExact, time.Hour)
	require.NoError(t, err)
	for _, q := range []float64{-0.1, 1.1, math.NaN(), math.Inf(1)} {
		_, err := d.Quantile(q)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "q %v", q)
	}
	_, err = crmkit.DurationsOf(crmkit.Quantiles(9))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.False(t, crmkit.Quantiles(9).Valid())
	none, err := crmkit.DurationsOf(crmkit.QuantilesNone, time.Hour, 3*time.Hour)
	require.NoError(t, err)
	_, err = none.Median()
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "no quantiles kept")
	m, err := none.Mean()
	require.NoError(t, err)
	assert.Equal(t, 2*time.Hour, m)
	assert.ErrorIs(t, d.Merge(none), crmkit.ErrInvalid, "modes differ")
	assert.Equal(t, int64(1), d.Count(), "unchanged after a refused merge")
	var nilD *crmkit.Durations
	assert.ErrorIs(t, nilD.Merge(d), crmkit.ErrInvalid)
	nilD.Add(time.Hour) // ignored, no panic
	nilD.Sort()
	assert.Equal(t, "approx", crmkit.QuantilesApprox.String())
	assert.Equal(t, "exact", crmkit.QuantilesExact.String())
	assert.Equal(t, "none", crmkit.QuantilesNone.String())
}

// sample draws durations: often small and repeated, sometimes extreme.
func sample(t *rapid.T, label string) []time.Duration {
	gen := rapid.OneOf(
		rapid.Int64Range(-5, 5),
		rapid.Int64Range(-int64(400*oneDay), int64(400*oneDay)),
		rapid.Int64Range(math.MinInt64+1, math.MaxInt64),
	)
	vals := rapid.SliceOfN(gen, 1, 60).Draw(t, label)
	out := make([]time.Duration, len(vals))
	for i, v := range vals {
		out[i] = time.Duration(v)
	}
	return out
}

// roundHalfEven rounds a rational to the nearest integer, ties to even,
// from its floor and the fraction left: the second method the tests
// compare Durations with.
func roundHalfEven(r *big.Rat) *big.Int {
	fl := new(big.Int).Div(r.Num(), r.Denom()) // Euclidean: the floor, as Denom > 0
	frac := new(big.Rat).Sub(r, new(big.Rat).SetInt(fl))
	switch frac.Cmp(big.NewRat(1, 2)) {
	case 1:
		fl.Add(fl, big.NewInt(1))
	case 0:
		if fl.Bit(0) == 1 {
			fl.Add(fl, big.NewInt(1))
		}
	}
	return fl
}

// definition7 is Hyndman and Fan's quantile 7 over sorted values in exact
// rational arithmetic, rounded half to even.
func definition7(sorted []time.Duration, q float64) time.Duration {
	h := new(big.Rat).Mul(new(big.Rat).SetFloat64(q), new(big.Rat).SetInt64(int64(len(sorted)-1)))
	i := new(big.Int).Div(h.Num(), h.Denom()).Int64()
	v := new(big.Rat).SetInt64(int64(sorted[i]))
	if i+1 < int64(len(sorted)) {
		f := new(big.Rat).Sub(h, new(big.Rat).SetInt64(i))
		gap := new(big.Rat).SetInt(new(big.Int).Sub(big.NewInt(int64(sorted[i+1])), big.NewInt(int64(sorted[i]))))
		v.Add(v, gap.Mul(gap, f))
	}
	return time.Duration(roundHalfEven(v).Int64())
}

// TestPropertyDurationsExact checks every statistic of an exact set
// against an independent computation: sort, then the definitions (the
// median as the middle value or the mean of the two middle ones, the mean
// as an exact rational).
func TestPropertyDurationsExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		vals := sample(t, "durations")
		d, err := crmkit.DurationsOf(crmkit.QuantilesExact, vals...)
		require.NoError(t, err)
		sorted := slices.Clone(vals)
		slices.Sort(sorted)
		n := len(sorted)

		sum := new(big.Int)
		for _, v := range vals {
			sum.Add(sum, big.NewInt(int64(v)))
		}
		require.Equal(t, 0, sum.Cmp(d.Sum()))
		mean, err := d.Mean()
		require.NoError(t, err)
		require.Equal(t, time.Duration(roundHalfEven(new(big.Rat).SetFrac(sum, big.NewInt(int64(n)))).Int64()), mean, "mean")

		var wantMedian time.Duration
		if n%2 == 1 {
			wantMedian = sorted[n/2]
		} else {
			two := new(big.Int).Add(big.NewInt(int64(sorted[n/2-1])), big.NewInt(int64(sorted[n/2])))
			wantMedian = time.Duration(roundHalfEven(new(big.Rat).SetFrac(two, big.NewInt(2))).Int64())
		}
		median, err := d.Median()
		require.NoError(t, err)
		require.Equal(t, wantMedian, median, "median of %v", sorted)

		for _, q := range []float64{0, 0.1, 0.25, 0.9, 0.99, 1, rapid.Float64Range(0, 1).Draw(t, "q")} {
			got, err := d.Quantile(q)
			require.NoError(t, err)
			require.Equal(t, definition7(sorted, q), got, "quantile %v of %v", q, sorted)
		}
		lo, _ := d.Min()
		hi, _ := d.Max()
		require.Equal(t, sorted[0], lo)
		require.Equal(t, sorted[n-1], hi)
	})
}

// TestPropertyDurationsApprox: an approximate quantile is within 1 s +
// max(|x_i|, |x_i+1|)/128 of the exact one, x_i and x_i+1 the order
// statistics it interpolates, and between the minimum and the maximum;
// count, sum, mean, minimum and maximum are exact.
func TestPropertyDurationsApprox(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		vals := sample(t, "durations")
		approx, err := crmkit.DurationsOf(crmkit.QuantilesApprox, vals...)
		require.NoError(t, err)
		exact, err := crmkit.DurationsOf(crmkit.QuantilesExact, vals...)
		require.NoError(t, err)
		sorted := slices.Clone(vals)
		slices.Sort(sorted)
		require.Equal(t, 0, approx.Sum().Cmp(exact.Sum()))
		for _, f := range []func(crmkit.Durations) (time.Duration, error){crmkit.Durations.Mean, crmkit.Durations.Min, crmkit.Durations.Max} {
			a, _ := f(approx)
			e, _ := f(exact)
			require.Equal(t, e, a)
		}
		abs := func(v time.Duration) *big.Int { return new(big.Int).Abs(big.NewInt(int64(v))) }
		for _, q := range []float64{0, 0.5, 0.9, 1, rapid.Float64Range(0, 1).Draw(t, "q")} {
			a, err := approx.Quantile(q)
			require.NoError(t, err)
			e, _ := exact.Quantile(q)
			h := new(big.Rat).Mul(new(big.Rat).SetFloat64(q), new(big.Rat).SetInt64(int64(len(sorted)-1)))
			i := int(new(big.Int).Div(h.Num(), h.Denom()).Int64())
			j := min(i+1, len(sorted)-1)
			mag := abs(sorted[i])
			if m := abs(sorted[j]); m.Cmp(mag) > 0 {
				mag = m
			}
			// |a - e| < 1 s + mag/128, in big integers (no overflow):
			// 128·|a - e| < 128 s + mag.
			diff := new(big.Int).Abs(new(big.Int).Sub(big.NewInt(int64(a)), big.NewInt(int64(e))))
			bound := new(big.Int).Add(big.NewInt(128*int64(time.Second)), mag)
			require.Negative(t, new(big.Int).Lsh(diff, 7).Cmp(bound), "q %v: approx %v, exact %v", q, a, e)
			require.True(t, a >= sorted[0] && a <= sorted[len(sorted)-1])
		}
	})
}

// TestPropertyDurationsMerge: merging two sets gives the set of all their
// durations, in every mode; the parts are not changed.
func TestPropertyDurationsMerge(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		mode := rapid.SampledFrom([]crmkit.Quantiles{crmkit.QuantilesApprox, crmkit.QuantilesExact, crmkit.QuantilesNone}).Draw(t, "mode")
		a, b := sample(t, "a"), sample(t, "b")
		da, _ := crmkit.DurationsOf(mode, a...)
		db, _ := crmkit.DurationsOf(mode, b...)
		whole, _ := crmkit.DurationsOf(mode, append(slices.Clone(a), b...)...)
		merged := da.Clone()
		require.NoError(t, merged.Merge(db))
		merged.Sort()
		require.Equal(t, whole.Count(), merged.Count())
		require.Equal(t, whole.Negative(), merged.Negative())
		require.Equal(t, 0, whole.Sum().Cmp(merged.Sum()))
		stats := []func(crmkit.Durations) (time.Duration, error){crmkit.Durations.Mean, crmkit.Durations.Min, crmkit.Durations.Max}
		if mode != crmkit.QuantilesNone {
			stats = append(stats, crmkit.Durations.Median, func(d crmkit.Durations) (time.Duration, error) { return d.Quantile(0.9) })
		}
		for _, f := range stats {
			w, _ := f(whole)
			m, _ := f(merged)
			require.Equal(t, w, m)
		}
		require.Equal(t, int64(len(a)), da.Count(), "a part is unchanged")

		// Adding one by one is DurationsOf.
		var one crmkit.Durations
		one, _ = crmkit.DurationsOf(mode)
		for _, v := range a {
			one.Add(v)
		}
		one.Sort()
		for _, f := range stats {
			w, _ := f(da)
			m, _ := f(one)
			require.Equal(t, w, m)
		}
	})
}
