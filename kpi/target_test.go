package kpi_test

import (
	"math"
	"math/big"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/kpi"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestAttainment(t *testing.T) {
	tests := []struct {
		actual, target crmkit.Money
		want           string
	}{
		{eur("110000"), eur("100000"), "1.1"},
		{eur("75000"), eur("100000"), "0.75"},
		{eur("0"), eur("1000"), "0"},
		{crmkit.Money{}, eur("1000"), "0"},
		{eur("-500"), eur("1000"), "-0.5"},
		{eur("1"), eur("3"), "0.3333333333333333"},
	}
	for _, tt := range tests {
		got, err := kpi.Attainment(tt.actual, tt.target)
		require.NoError(t, err)
		assertDec(t, tt.want, got, tt.actual, tt.target)
	}
	_, err := kpi.Attainment(eur("1"), eur("0"))
	requireInvalid(t, err, "target")
	_, err = kpi.Attainment(eur("1"), eur("-10"))
	requireInvalid(t, err, "target")
	_, err = kpi.Attainment(usd("1"), eur("10"))
	requireMismatch(t, err)

	c, err := kpi.AttainmentCount(7, 10)
	require.NoError(t, err)
	assertDec(t, "0.7", c)
	c, err = kpi.AttainmentCount(12, 10)
	require.NoError(t, err)
	assertDec(t, "1.2", c)
	_, err = kpi.AttainmentCount(-1, 10)
	requireInvalid(t, err, "actual")
	_, err = kpi.AttainmentCount(1, 0)
	requireInvalid(t, err, "target")
}

func TestGrowth(t *testing.T) {
	tests := []struct {
		current, previous crmkit.Money
		want              string
	}{
		{eur("125"), eur("100"), "0.25"},
		{eur("90"), eur("100"), "-0.1"},
		{eur("100"), eur("100"), "0"},
		{eur("-50"), eur("100"), "-1.5"},
		{eur("0"), eur("100"), "-1"},
		{eur("300"), eur("100"), "2"},
		// This year's 1 200 000.00 against last year's 960 000.00: +25% YoY.
		{eur("1200000"), eur("960000"), "0.25"},
	}
	for _, tt := range tests {
		got, err := kpi.Growth(tt.current, tt.previous)
		require.NoError(t, err)
		assertDec(t, tt.want, got, tt.current, tt.previous)
	}
	_, err := kpi.Growth(eur("1"), eur("0"))
	requireInvalid(t, err, "previous")
	_, err = kpi.Growth(eur("1"), crmkit.Money{})
	requireInvalid(t, err, "previous")
	_, err = kpi.Growth(eur("1"), eur("-3"))
	requireInvalid(t, err, "previous")
	_, err = kpi.Growth(eur("1"), usd("3"))
	requireMismatch(t, err)

	counts := []struct {
		current, previous int64
		want              string
	}{
		{3, 3, "0"},
		{0, 5, "-1"},
		{1, 3, "-0.6666666666666667"},
		{2, 3, "-0.3333333333333333"},
		// −1/2^17 = −0.00000762939453125: a tie, half to even (2 stays).
		{131071, 131072, "-0.0000076293945312"},
		// −3/2^17 = −0.00002288818359375: a tie, the odd 7 goes away from zero.
		{131069, 131072, "-0.0000228881835938"},
		{150, 120, "0.25"},
	}
	for _, tt := range counts {
		got, err := kpi.GrowthCount(tt.current, tt.previous)
		require.NoError(t, err)
		assertDec(t, tt.want, got, tt.current, tt.previous)
	}
	_, err = kpi.GrowthCount(-1, 5)
	requireInvalid(t, err, "current")
	_, err = kpi.GrowthCount(1, 0)
	requireInvalid(t, err, "previous")
}

func TestGrowthProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		x := drawEUR(t, 1, math.MaxInt64, "x")
		g, err := kpi.Growth(x, x)
		if err != nil || !g.IsZero() {
			t.Fatalf("growth of %s over itself: %s %v", x, g, err)
		}
		n := rapid.Int64Range(1, math.MaxInt64).Draw(t, "n")
		if g, err := kpi.GrowthCount(n, n); err != nil || !g.IsZero() {
			t.Fatalf("growth of %d over itself: %s %v", n, g, err)
		}
		// The sign of growth is the sign of the change (exact for moderate sizes).
		prev := drawEUR(t, 1, 1e12, "previous")
		cur := drawEUR(t, -1e12, 1e12, "current")
		g, err = kpi.Growth(cur, prev)
		if err != nil {
			t.Fatal(err)
		}
		cmp, _ := cur.Cmp(prev)
		if g.Sign() != cmp {
			t.Fatalf("growth %s of %s over %s has the wrong sign", g, cur, prev)
		}
		// Growth is attainment − 1 when the previous period is the target.
		a, err := kpi.Attainment(cur, prev)
		if err != nil {
			t.Fatal(err)
		}
		if !a.Sub(decimal.NewFromInt(1)).Equal(g) {
			t.Fatalf("attainment %s − 1 != growth %s", a, g)
		}
	})
}

func TestExpectedToDate(t *testing.T) {
	tests := []struct {
		target         crmkit.Money
		elapsed, total int64
		mode           crmkit.RoundingMode
		want           crmkit.Money
	}{
		{eur("100000"), 10, 30, crmkit.RoundHalfEven, eur("33333.33")},
		{eur("100000"), 20, 30, crmkit.RoundHalfEven, eur("66666.67")},
		{eur("100000"), 20, 30, crmkit.RoundDown, eur("66666.66")},
		{eur("100000"), 0, 30, crmkit.RoundHalfEven, eur("0")},
		{eur("100000"), 30, 30, crmkit.RoundHalfEven, eur("100000")},
		{eur("0.01"), 1, 2, crmkit.RoundHalfEven, eur("0")}, // half a cent, to even
		{eur("0.03"), 1, 2, crmkit.RoundHalfEven, eur("0.02")},
		{eur("0.01"), 1, 2, crmkit.RoundHalfUp, eur("0.01")},
		{eur("0.01"), 1, 3, crmkit.RoundCeiling, eur("0.01")},
		{eur("0.01"), 1, 3, crmkit.RoundHalfUp, eur("0")},
		// Just above half a cent: 0.0100000001 is not a tie.
		{eur("0.01"), 1000000001, 2000000000, crmkit.RoundHalfEven, eur("0.01")},
		// Just below: 0.0099999999 rounds down, half-up included.
		{eur("0.01"), 999999999, 2000000000, crmkit.RoundHalfUp, eur("0")},
		{crmkit.MustMoney("1000", "JPY"), 2, 3, crmkit.RoundHalfEven, crmkit.MustMoney("667", "JPY")},
		// target × elapsed overflows int64 minor units; the product is exact.
		{minorEUR(math.MaxInt64), math.MaxInt64 - 1, math.MaxInt64, crmkit.RoundHalfEven, minorEUR(math.MaxInt64 - 1)},
	}
	for _, tt := range tests {
		got, err := kpi.ExpectedToDate(tt.target, tt.elapsed, tt.total, tt.mode)
		require.NoError(t, err)
		assert.True(t, got.Equal(tt.want), "%s × %d/%d %s: want %s, got %s", tt.target, tt.elapsed, tt.total, tt.mode, tt.want, got)
	}
	_, err := kpi.ExpectedToDate(eur("100"), 31, 30, crmkit.RoundHalfEven)
	requireInvalid(t, err, "elapsed")
	_, err = kpi.ExpectedToDate(eur("100"), -1, 30, crmkit.RoundHalfEven)
	requireInvalid(t, err, "elapsed")
	_, err = kpi.ExpectedToDate(eur("100"), 0, 0, crmkit.RoundHalfEven)
	requireInvalid(t, err, "total")
	_, err = kpi.ExpectedToDate(eur("0"), 1, 30, crmkit.RoundHalfEven)
	requireInvalid(t, err, "target")
	_, err = kpi.ExpectedToDate(eur("100"), 1, 30, 0)
	requireInvalid(t, err, "rounding mode")
}

func TestExpectedToDateRounding(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		target := drawEUR(t, 1, math.MaxInt64, "target")
		total := rapid.OneOf(rapid.Int64Range(1, 400), rapid.Int64Range(1, math.MaxInt64)).Draw(t, "total")
		elapsed := rapid.Int64Range(0, total).Draw(t, "elapsed")
		var got [3]crmkit.Money
		for i, mode := range []crmkit.RoundingMode{crmkit.RoundFloor, crmkit.RoundCeiling, crmkit.RoundHalfEven} {
			m, err := kpi.ExpectedToDate(target, elapsed, total, mode)
			if err != nil {
				t.Fatal(err)
			}
			got[i] = m
		}
		// The exact value target·elapsed/total, by big integers.
		num := new(big.Int).Mul(big.NewInt(target.Minor()), big.NewInt(elapsed))
		q, r := new(big.Int).QuoRem(num, big.NewInt(total), new(big.Int))
		floor, ceil, near := got[0].Minor(), got[1].Minor(), got[2].Minor()
		if q.Int64() != floor {
			t.Fatalf("floor %d, want %s", floor, q)
		}
		wantCeil := floor
		if r.Sign() != 0 {
			wantCeil++
		}
		if ceil != wantCeil {
			t.Fatalf("ceil %d, want %d", ceil, wantCeil)
		}
		// Nearest: compare 2r with total, ties to even.
		twice := new(big.Int).Lsh(r, 1)
		c := twice.Cmp(big.NewInt(total))
		wantNear := floor
		if c > 0 || (c == 0 && floor%2 != 0) {
			wantNear++
		}
		if near != wantNear {
			t.Fatalf("half-even %d, want %d (%s·%d/%d)", near, wantNear, target, elapsed, total)
		}
	})
}

func TestPacing(t *testing.T) {
	tests := []struct {
		actual, target crmkit.Money
		elapsed, total int64
		want           string
	}{
		{eur("40000"), eur("100000"), 10, 30, "1.2"},
		{eur("20000"), eur("100000"), 15, 30, "0.4"},
		{eur("100000"), eur("100000"), 30, 30, "1"},
		{eur("0"), eur("100000"), 1, 30, "0"},
		{eur("10000"), eur("90000"), 7, 21, "0.3333333333333333"},
		{eur("-3000"), eur("90000"), 7, 21, "-0.1"},
	}
	for _, tt := range tests {
		got, err := kpi.Pacing(tt.actual, tt.target, tt.elapsed, tt.total)
		require.NoError(t, err)
		assertDec(t, tt.want, got, tt.actual, tt.target, tt.elapsed, tt.total)
	}
	_, err := kpi.Pacing(eur("1"), eur("100"), 0, 30)
	requireInvalid(t, err, "elapsed")
	_, err = kpi.Pacing(eur("1"), eur("100"), 31, 30)
	requireInvalid(t, err, "elapsed")
	_, err = kpi.Pacing(eur("1"), eur("100"), -2, 30)
	requireInvalid(t, err, "elapsed")
	_, err = kpi.Pacing(eur("1"), eur("100"), 1, 0)
	requireInvalid(t, err, "total")
	_, err = kpi.Pacing(eur("1"), eur("0"), 1, 30)
	requireInvalid(t, err, "target")
	_, err = kpi.Pacing(usd("1"), eur("100"), 1, 30)
	requireMismatch(t, err)
}

func TestPacingProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		target := drawEUR(t, 1, 1e15, "target")
		actual := drawEUR(t, 0, 1e15, "actual")
		total := rapid.Int64Range(1, 1000).Draw(t, "total")
		elapsed := rapid.Int64Range(1, total).Draw(t, "elapsed")
		p, err := kpi.Pacing(actual, target, elapsed, total)
		if err != nil {
			t.Fatal(err)
		}
		// At the end of the period pacing is attainment.
		end, err := kpi.Pacing(actual, target, total, total)
		if err != nil {
			t.Fatal(err)
		}
		a, err := kpi.Attainment(actual, target)
		if err != nil || !end.Equal(a) {
			t.Fatalf("pacing at the end %s, attainment %s, %v", end, a, err)
		}
		// The same actual earlier in the period is a better pace.
		if p.LessThan(a) {
			t.Fatalf("pacing %s after %d/%d below attainment %s", p, elapsed, total, a)
		}
		// Elapsed beyond the period is rejected.
		if _, err := kpi.Pacing(actual, target, total+1, total); err == nil {
			t.Fatal("elapsed > total accepted")
		}
	})
}

func TestGapToTarget(t *testing.T) {
	tests := []struct {
		actual, target, want crmkit.Money
	}{
		{eur("70000"), eur("100000"), eur("30000")},
		{eur("120000"), eur("100000"), eur("-20000")},
		{eur("100000"), eur("100000"), eur("0")},
		{crmkit.Money{}, eur("5.5"), eur("5.5")},
	}
	for _, tt := range tests {
		got, err := kpi.GapToTarget(tt.actual, tt.target)
		require.NoError(t, err)
		assert.True(t, got.Equal(tt.want), "gap of %s to %s: want %s, got %s", tt.actual, tt.target, tt.want, got)
	}
	_, err := kpi.GapToTarget(eur("1"), eur("0"))
	requireInvalid(t, err, "target")
	_, err = kpi.GapToTarget(usd("1"), eur("10"))
	requireMismatch(t, err)
	_, err = kpi.GapToTarget(minorEUR(math.MinInt64), eur("1"))
	assert.ErrorIs(t, err, crmkit.ErrOverflow)
}

func TestGapToTargetProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		target := drawEUR(t, 1, math.MaxInt64/2, "target")
		actual := drawEUR(t, -math.MaxInt64/2, math.MaxInt64/2, "actual")
		gap, err := kpi.GapToTarget(actual, target)
		if err != nil {
			t.Fatal(err)
		}
		back, err := actual.Add(gap)
		if err != nil || !back.Equal(target) {
			t.Fatalf("actual %s + gap %s = %s, want %s (%v)", actual, gap, back, target, err)
		}
		// The gap is positive exactly when attainment is below 1 (for targets
		// small enough that a gap of one minor unit shows in 16 places).
		if target.Minor() > 1e15 {
			return
		}
		a, err := kpi.Attainment(actual, target)
		if err != nil {
			t.Fatal(err)
		}
		if (gap.Sign() > 0) != a.LessThan(decimal.NewFromInt(1)) {
			t.Fatalf("gap %s but attainment %s", gap, a)
		}
	})
}
