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
