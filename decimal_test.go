package crmkit_test

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
)

func TestCheckDecimal(t *testing.T) {
	cases := []struct {
		d    decimal.Decimal
		ok   bool
		want string
	}{
		{decimal.Zero, true, "0"},
		{decimal.RequireFromString("0.8"), true, "0.8"},
		{decimal.RequireFromString("1"), true, "1"},
		{decimal.RequireFromString("1.000000000000000000000000"), true, "1"},              // trailing zeros: the same value
		{decimal.RequireFromString("0.123456789012345678"), true, "0.123456789012345678"}, // 18 places
		{decimal.RequireFromString("0.1234567890123456789"), false, ""},                   // 19 places
		{decimal.RequireFromString("1.0000000000000000001"), false, ""},
		{decimal.RequireFromString("-0.1"), false, ""},
		{decimal.RequireFromString("1.5"), false, ""}, // above 1
		{decimal.RequireFromString("10"), false, ""},
		{decimal.New(1, -2000000000), false, ""},
		{decimal.New(1, 2000000000), false, ""},
		{decimal.New(-1, 2000000000), false, ""},
		{decimal.New(100, -2), true, "1"}, // 1.00
	}
	for _, c := range cases {
		got, err := crmkit.CheckDecimal("rate", c.d, 18, 1)
		if !c.ok {
			assert.ErrorIs(t, err, crmkit.ErrInvalid, "%s", crmkit.ShowDecimal(c.d))
			var ve *crmkit.ValidationError
			assert.True(t, errors.As(err, &ve) && ve.Field == "rate")
			continue
		}
		require.NoError(t, err, "%s", c.d)
		assert.True(t, got.Equal(c.d), "%s changed to %s", c.d, got)
		assert.Equal(t, c.want, got.String())
	}
	assert.Equal(t, "1e-2000000000", crmkit.ShowDecimal(decimal.New(1, -2000000000)))
	assert.Equal(t, "0.25", crmkit.ShowDecimal(decimal.RequireFromString("0.25")))
}

// TestPropertyCheckDecimal: a decimal within the bounds is accepted as the
// same value with at most the places; one outside is refused; decided
// against big-number comparisons made here independently.
func TestPropertyCheckDecimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		coef := rapid.Int64Range(-1_000_000, 1_000_000).Draw(t, "coefficient")
		exp := rapid.Int32Range(-30, 10).Draw(t, "exponent")
		places := rapid.Int32Range(0, 20).Draw(t, "places")
		most := rapid.Int64Range(1, 10_000).Draw(t, "most")
		d := decimal.New(coef, exp)
		got, err := crmkit.CheckDecimal("x", d, places, most)
		inRange := d.Sign() >= 0 && d.LessThanOrEqual(decimal.NewFromInt(most))
		fits := d.Mul(decimal.New(1, places)).IsInteger() // at most places decimal places
		if !inRange || !fits {
			require.ErrorIs(t, err, crmkit.ErrInvalid, "%s accepted (places %d, most %d)", d, places, most)
			return
		}
		require.NoError(t, err, "%s refused (places %d, most %d)", d, places, most)
		require.True(t, got.Equal(d))
		require.GreaterOrEqual(t, got.Exponent(), -places)
	})
}
