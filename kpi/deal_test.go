package kpi_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/kpi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

const day = 24 * time.Hour

func TestAverageDealSize(t *testing.T) {
	tests := []struct {
		revenue crmkit.Money
		deals   int64
		mode    crmkit.RoundingMode
		want    crmkit.Money
	}{
		{eur("10000"), 3, crmkit.RoundHalfEven, eur("3333.33")},
		{eur("10000"), 3, crmkit.RoundUp, eur("3333.34")},
		{eur("0.05"), 2, crmkit.RoundHalfEven, eur("0.02")}, // 2.5 cents, tie to even
		{eur("0.05"), 2, crmkit.RoundHalfUp, eur("0.03")},
		{eur("0"), 7, crmkit.RoundHalfEven, eur("0")},
		{crmkit.MustMoney("1000", "JPY"), 3, crmkit.RoundHalfEven, crmkit.MustMoney("333", "JPY")},
		{eur("480000"), 12, crmkit.RoundHalfEven, eur("40000")},
	}
	for _, tt := range tests {
		got, err := kpi.AverageDealSize(tt.revenue, tt.deals, tt.mode)
		require.NoError(t, err)
		assert.True(t, got.Equal(tt.want), "%s / %d: want %s, got %s", tt.revenue, tt.deals, tt.want, got)
	}
}

func TestAverageDealSizeInvalid(t *testing.T) {
	_, err := kpi.AverageDealSize(eur("-1"), 3, crmkit.RoundHalfEven)
	requireInvalid(t, err, "wonRevenue")
	_, err = kpi.AverageDealSize(crmkit.Money{}, 3, crmkit.RoundHalfEven)
	requireInvalid(t, err, "wonRevenue")
	_, err = kpi.AverageDealSize(eur("100"), 0, crmkit.RoundHalfEven)
	requireInvalid(t, err, "wonDeals")
	_, err = kpi.AverageDealSize(eur("100"), -4, crmkit.RoundHalfEven)
	requireInvalid(t, err, "wonDeals")
	_, err = kpi.AverageDealSize(eur("100"), 3, 0)
	requireInvalid(t, err, "rounding mode")
}

func TestSalesCycle(t *testing.T) {
	const maxD = time.Duration(math.MaxInt64)
	tests := []struct {
		name         string
		in           []time.Duration
		mean, median time.Duration
	}{
		{"odd count, mean pulled by a stuck deal", []time.Duration{10 * day, 20 * day, 90 * day}, 40 * day, 20 * day},
		{"even count", []time.Duration{1 * time.Hour, 2 * time.Hour, 3 * time.Hour, 10 * time.Hour}, 4 * time.Hour, 2*time.Hour + 30*time.Minute},
		{"unsorted", []time.Duration{5 * time.Hour, 1 * time.Hour, 3 * time.Hour}, 3 * time.Hour, 3 * time.Hour},
		{"one", []time.Duration{0}, 0, 0},
		{"half nanosecond to even, up", []time.Duration{1, 2}, 2, 2},
		{"half nanosecond to even, down", []time.Duration{2, 3}, 2, 2},
		{"third of a nanosecond", []time.Duration{0, 0, 1}, 0, 0},
		{"two thirds of a nanosecond", []time.Duration{0, 1, 1}, 1, 1},
		{"sum beyond int64", []time.Duration{maxD, maxD, maxD}, maxD, maxD},
		{"tie at the top", []time.Duration{maxD, maxD - 1}, maxD - 1, maxD - 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.in)
			set, err := kpi.SalesCycle(in)
			require.NoError(t, err)
			assert.Equal(t, int64(len(tt.in)), set.Count(), "count")
			assert.Equal(t, crmkit.QuantilesExact, set.Mode(), "mode")
			mean, err := set.Mean()
			require.NoError(t, err)
			median, err := set.Median()
			require.NoError(t, err)
			assert.Equal(t, tt.mean, mean, "mean")
			assert.Equal(t, tt.median, median, "median")
			assert.Equal(t, tt.in, in, "input modified")
		})
	}
}

func TestSalesCycleInvalid(t *testing.T) {
	_, err := kpi.SalesCycle(nil)
	requireInvalid(t, err, "durations")
	_, err = kpi.SalesCycle([]time.Duration{day, -time.Second, day})
	requireInvalid(t, err, "durations[1]")
}

// cycleMeanMedian reads the mean and the median of kpi.SalesCycle(ds).
func cycleMeanMedian(ds []time.Duration) (mean, median time.Duration, err error) {
	set, err := kpi.SalesCycle(ds)
	if err != nil {
		return 0, 0, err
	}
	if mean, err = set.Mean(); err != nil {
		return 0, 0, err
	}
	median, err = set.Median()
	return mean, median, err
}

func TestSalesCycleProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		hi := rapid.SampledFrom([]int64{10, 1e6, math.MaxInt64}).Draw(t, "hi")
		raw := rapid.SliceOfN(rapid.Int64Range(0, hi), 1, 40).Draw(t, "durations")
		ds := make([]time.Duration, len(raw))
		for i, v := range raw {
			ds[i] = time.Duration(v)
		}
		mean, median, err := cycleMeanMedian(ds)
		if err != nil {
			t.Fatal(err)
		}
		lo, top := slices.Min(ds), slices.Max(ds)
		if mean < lo || mean > top || median < lo || median > top {
			t.Fatalf("mean %d, median %d outside [%d, %d]", mean, median, lo, top)
		}
		// The order of the input does not matter.
		perm := rapid.Permutation(ds).Draw(t, "perm")
		m2, med2, err := cycleMeanMedian(perm)
		if err != nil || m2 != mean || med2 != median {
			t.Fatalf("permuted: %d %d %v, want %d %d", m2, med2, err, mean, median)
		}
		// Equal cycles: mean = median = that cycle.
		same := slices.Repeat([]time.Duration{ds[0]}, len(ds))
		m3, med3, err := cycleMeanMedian(same)
		if err != nil || m3 != ds[0] || med3 != ds[0] {
			t.Fatalf("constant %d: %d %d %v", ds[0], m3, med3, err)
		}
		// The mean is within half a nanosecond of the exact mean when small.
		if hi <= 1e6 {
			var sum int64
			for _, v := range ds {
				sum += int64(v)
			}
			n := int64(len(ds))
			if diff := 2 * (int64(mean)*n - sum); diff > n || -diff > n {
				t.Fatalf("mean %d of sum %d over %d is not the nearest", mean, sum, n)
			}
		}
	})
}
