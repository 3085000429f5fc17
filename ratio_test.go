package crmkit_test

import (
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
)

func TestRatioExamples(t *testing.T) {
	d := decimal.RequireFromString
	for _, c := range []struct{ num, den, want string }{
		{"1", "4", "0.25"},
		{"1", "3", "0.3333333333333333"},   // ...33|3 rounds down
		{"2", "3", "0.6666666666666667"},   // ...66|6 rounds up
		{"-2", "3", "-0.6666666666666667"}, // symmetric
		{"2", "-3", "-0.6666666666666667"},
		// 1/2^17 = 0.00000762939453125 exactly: a tie at the 17th place,
		// kept at the even 2; 131071/2^17 = 0.99999237060546875, a tie
		// after an odd 7, rounded up to 8. Half-up would give ...313 and
		// ...688, which add up to 1.0000000000000001.
		{"1", "131072", "0.0000076293945312"},
		{"131071", "131072", "0.9999923706054688"},
		{"-1", "131072", "-0.0000076293945312"},
		{"3", "131072", "0.0000228881835938"}, // 0.00002288818359375: tie after 7, up
		{"0", "7", "0"},
		{"10", "4", "2.5"},
		{"1", "0.00000000000000003", "33333333333333333.3333333333333333"},
	} {
		got, err := crmkit.Ratio(d(c.num), d(c.den))
		require.NoError(t, err)
		assert.True(t, got.Equal(d(c.want)), "%s/%s = %s, want %s", c.num, c.den, got, c.want)
	}
	a, _ := crmkit.Ratio(d("1"), d("131072"))
	b, _ := crmkit.Ratio(d("131071"), d("131072"))
	assert.True(t, a.Add(b).Equal(decimal.NewFromInt(1)))
	_, err := crmkit.Ratio(d("1"), decimal.Zero)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

// TestRatioIsCorrectlyRounded checks Ratio against exact rational
// arithmetic (math/big.Rat): the result is num/den scaled by 10^16 and
// rounded to the nearest integer, ties to the even one.
func TestRatioIsCorrectlyRounded(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		num := decimal.New(rapid.Int64().Draw(t, "num"), int32(rapid.IntRange(-20, 20).Draw(t, "num exp")))
		den := decimal.New(rapid.Int64().Filter(func(v int64) bool { return v != 0 }).Draw(t, "den"), int32(rapid.IntRange(-20, 20).Draw(t, "den exp")))
		got, err := crmkit.Ratio(num, den)
		require.NoError(t, err)

		exact := new(big.Rat).Quo(num.Rat(), den.Rat())
		scaled := exact.Mul(exact, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(crmkit.RatioPlaces), nil)))
		// Floor division, then the rounding decision on the remainder.
		q, m := new(big.Int).DivMod(scaled.Num(), scaled.Denom(), new(big.Int))
		twice := new(big.Int).Lsh(m, 1)
		if c := twice.Cmp(scaled.Denom()); c > 0 || (c == 0 && q.Bit(0) == 1) {
			q.Add(q, big.NewInt(1))
		}
		want := decimal.NewFromBigInt(q, -crmkit.RatioPlaces)
		require.True(t, got.Equal(want), "%s/%s = %s, want %s", num, den, got, want)
	})
}

func TestMulRatioExamples(t *testing.T) {
	eur := crmkit.MustCurrency("EUR")
	d := decimal.RequireFromString
	// 100.00 × 0.8 / 0.3 = 266.666... -> 266.67 (CLV, Gupta and Lehmann).
	m, err := crmkit.MustMoney("100", "EUR").MulRatio(d("0.8"), d("0.3"), crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, crmkit.MustMoney("266.67", "EUR"), m)
	// 0.05 × 1 / 2 = 0.025: a tie at the cent, to even 0.02 or up 0.03.
	for mode, want := range map[crmkit.RoundingMode]string{crmkit.RoundHalfEven: "0.02", crmkit.RoundHalfUp: "0.03", crmkit.RoundDown: "0.02", crmkit.RoundCeiling: "0.03"} {
		m, err := crmkit.MustMoney("0.05", "EUR").MulRatio(d("1"), d("2"), mode)
		require.NoError(t, err)
		assert.Equal(t, crmkit.MustMoney(want, "EUR"), m, "%s", mode)
	}
	_, err = crmkit.MustMoney("1", "EUR").MulRatio(d("1"), decimal.Zero, crmkit.RoundHalfEven)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = crmkit.Money{}.MulRatio(d("1"), d("2"), crmkit.RoundHalfEven)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = crmkit.MustMoney("1", "EUR").MulRatio(d("1"), d("2"), 0)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	big, _ := crmkit.NewMoney(1<<62, eur)
	_, err = big.MulRatio(d("4"), d("1"), crmkit.RoundHalfEven)
	assert.ErrorIs(t, err, crmkit.ErrOverflow)
}

// TestPropertyMulRatioRoundsOnce compares MulRatio with exact rational
// arithmetic rounded by each mode's definition.
func TestPropertyMulRatioRoundsOnce(t *testing.T) {
	eur := crmkit.MustCurrency("EUR")
	rapid.Check(t, func(t *rapid.T) {
		minor := rapid.Int64Range(-1e12, 1e12).Draw(t, "minor")
		num := decimal.New(rapid.Int64Range(-1e9, 1e9).Draw(t, "num"), int32(rapid.IntRange(-6, 0).Draw(t, "num exp")))
		den := decimal.New(rapid.Int64Range(1, 1e9).Draw(t, "den")*int64(rapid.SampledFrom([]int{-1, 1}).Draw(t, "sign")), int32(rapid.IntRange(-6, 0).Draw(t, "den exp")))
		mode := rapid.SampledFrom([]crmkit.RoundingMode{crmkit.RoundHalfEven, crmkit.RoundHalfUp, crmkit.RoundDown, crmkit.RoundUp, crmkit.RoundFloor, crmkit.RoundCeiling}).Draw(t, "mode")
		m, err := crmkit.NewMoney(minor, eur)
		require.NoError(t, err)
		got, err := m.MulRatio(num, den, mode)

		exact := new(big.Rat).Mul(new(big.Rat).SetInt64(minor), num.Rat())
		exact.Quo(exact, den.Rat())
		fl := new(big.Int).Div(exact.Num(), exact.Denom()) // floor
		frac := new(big.Rat).Sub(exact, new(big.Rat).SetInt(fl))
		ce := new(big.Int).Set(fl)
		if frac.Sign() != 0 {
			ce.Add(ce, big.NewInt(1))
		}
		var want *big.Int
		half := frac.Cmp(big.NewRat(1, 2))
		switch mode {
		case crmkit.RoundFloor:
			want = fl
		case crmkit.RoundCeiling:
			want = ce
		case crmkit.RoundDown:
			want = fl
			if exact.Sign() < 0 {
				want = ce
			}
		case crmkit.RoundUp:
			want = ce
			if exact.Sign() < 0 {
				want = fl
			}
		case crmkit.RoundHalfEven:
			want = fl
			if half > 0 || (half == 0 && fl.Bit(0) == 1) {
				want = ce
			}
		case crmkit.RoundHalfUp: // ties away from zero
			want = fl
			if half > 0 || (half == 0 && exact.Sign() > 0) {
				want = ce
			}
		}
		if !want.IsInt64() {
			require.ErrorIs(t, err, crmkit.ErrOverflow)
			return
		}
		require.NoError(t, err)
		require.Equal(t, want.Int64(), got.Minor(), "%d × %s / %s (%s)", minor, num, den, mode)
	})
}
