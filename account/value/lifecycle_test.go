package value_test

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account/accounttest"
	"github.com/crmkit/crmkit/account/value"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func months(vals ...int64) []crmkit.Money {
	out := make([]crmkit.Money, len(vals))
	for i, v := range vals {
		out[i], _ = crmkit.NewMoney(v*100, crmkit.MustCurrency("EUR"))
	}
	return out
}

func rep(v int64, n int) []int64 { return slices.Repeat([]int64{v}, n) }

func TestClassify(t *testing.T) {
	c, err := value.NewClassifier(value.LifecycleRules{})
	require.NoError(t, err)
	cases := []struct {
		name   string
		months []int64
		stage  value.Stage
		fallen bool
	}{
		{"steady", rep(100, 12), value.StageMaturity, false},
		{"rising: 600 > 300 x 1.1", append(rep(100, 9), 200, 200, 200), value.StageGrowth, false},
		{"falling: 150 < 300 x 0.9, half the peak", append(rep(100, 9), 50, 50, 50), value.StageDecline, true},
		{"at +10% exactly is maturity", append(rep(100, 9), 110, 110, 110), value.StageMaturity, false},
		{"at -10% exactly is maturity", append(rep(100, 9), 90, 90, 90), value.StageMaturity, false},
		{"four months old is too new", append(rep(0, 4), rep(100, 4)...), value.StageTooNew, false},
		{"never bought is too new", rep(0, 12), value.StageTooNew, false},
		{"six silent months is lost", append(rep(100, 6), rep(0, 6)...), value.StageLost, true},
		{"five silent months is not lost yet", append(rep(100, 7), rep(0, 5)...), value.StageDecline, true},
		{"once big, now small and steady", []int64{1000, 1000, 1000, 10, 10, 10, 10, 10, 10}, value.StageMaturity, true},
		{"growth from nothing", append(rep(100, 3), 0, 0, 0, 0, 0, 100), value.StageGrowth, true},
	}
	for _, tc := range cases {
		a, err := c.Classify(months(tc.months...))
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.stage, a.Stage, tc.name)
		assert.Equal(t, tc.fallen, a.FallenFromPeak, tc.name)
	}
	a, _ := c.Classify(months(append(rep(100, 9), 50, 50, 50)...))
	assert.Equal(t, "find the reasons for the decline", a.Play())
	assert.Equal(t, crmkit.MustMoney("150", "EUR"), a.Recent)
	assert.Equal(t, crmkit.MustMoney("300", "EUR"), a.Prior)
	assert.Equal(t, crmkit.MustMoney("300", "EUR"), a.Peak)
	assert.Equal(t, "collect debts and stop service", value.StageLost.Play())
	assert.Equal(t, "raise margin, retain, cross-sell and up-sell", value.StageMaturity.Play())

	_, err = c.Classify(nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = c.Classify(months(1, -1))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = c.Classify(append(months(1), crmkit.MustMoney("1", "USD")))
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)

	for _, r := range []value.LifecycleRules{
		{Window: 4, MinHistory: 6}, {GrowthAbove: d("1")}, {DeclineBelow: d("-0.1")}, {FallenShare: d("0.1234567")},
	} {
		_, err := value.NewClassifier(r)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "%+v", r)
	}
	// Custom rules: 1-month windows, 25% growth threshold.
	c2, err := value.NewClassifier(value.LifecycleRules{Window: 1, MinHistory: 2, GrowthAbove: d("0.25")})
	require.NoError(t, err)
	a, _ = c2.Classify(months(100, 125))
	assert.Equal(t, value.StageMaturity, a.Stage)
	a, _ = c2.Classify(months(100, 126))
	assert.Equal(t, value.StageGrowth, a.Stage)
}

// Classification is deterministic and depends on ratios only: the same
// history gives the same assessment, and scaling every month by k keeps
// the stage and the flag.
func TestClassifyDeterministicProperty(t *testing.T) {
	c, err := value.NewClassifier(value.LifecycleRules{})
	require.NoError(t, err)
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 36).Draw(t, "months")
		h := accounttest.RevenueHistory(crmkit.MustCurrency("EUR"), n, 1_000_000).Draw(t, "history")
		a, err := c.Classify(h)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := c.Classify(slices.Clone(h))
		if a != b {
			t.Fatalf("two runs: %+v vs %+v", a, b)
		}
		k := rapid.Int64Range(2, 1000).Draw(t, "k")
		scaled := make([]crmkit.Money, n)
		for i, m := range h {
			scaled[i], _ = crmkit.NewMoney(m.Minor()*k, m.Currency())
		}
		s, _ := c.Classify(scaled)
		if s.Stage != a.Stage || s.FallenFromPeak != a.FallenFromPeak {
			t.Fatalf("x%d: %s/%v, original %s/%v", k, s.Stage, s.FallenFromPeak, a.Stage, a.FallenFromPeak)
		}
	})
}

func TestMonthlyRevenue(t *testing.T) {
	cal, err := crmkit.Gregorian(time.UTC)
	require.NoError(t, err)
	since := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	asOf := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
	sales := map[time.Time]crmkit.Money{
		since: eur("10.00"), // at since: counts
		time.Date(2026, 1, 31, 23, 0, 0, 0, time.UTC): eur("5.00"),
		asOf:                      eur("7.50"),  // at exactly as of: counts
		asOf.Add(time.Nanosecond): eur("99.00"), // after
		time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC): eur("99.00"), // after
		since.Add(-time.Nanosecond):                 eur("99.00"), // before since
	}
	// January 10.00 + 5.00, February nothing, March 1 to 15 (as of) 7.50.
	h, err := value.MonthlyRevenue(cal, since, asOf, crmkit.MustCurrency("EUR"), maps.All(sales))
	require.NoError(t, err)
	assert.Equal(t, []crmkit.Money{eur("15.00"), eur("0.00"), eur("7.50")}, h)
	_, err = value.MonthlyRevenue(cal, asOf, since, crmkit.MustCurrency("EUR"), maps.All(sales))
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "as of before since")
	_, err = value.MonthlyRevenue(cal, since, time.Time{}, crmkit.MustCurrency("EUR"), maps.All(sales))
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "zero as of")
	sales[time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)] = crmkit.MustMoney("1", "USD")
	_, err = value.MonthlyRevenue(cal, since, asOf, crmkit.MustCurrency("EUR"), maps.All(sales))
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
}
