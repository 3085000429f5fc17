package quote_test

import (
	"math/big"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuoteLineLimitMessages pins the messages of the quote line limits,
// which go through crmkit.CheckDecimal: quantities positive, at most 10^12
// with 6 places, discounts fractions with 6 places. Each message is
// derived by hand from CheckDecimal's rules: the sign first, then
// digits+exponent against the digits of the limit (13 for 10^12, 1 for
// 1), then the places, then the value against the limit.
func TestQuoteLineLimitMessages(t *testing.T) {
	cases := []struct {
		name string
		line quote.Line
		want string
	}{
		// -1: negative, refused before any other rule.
		{"negative quantity", line("seat", "-1", "10.00", "EUR", "0"),
			`product "seat": invalid line.quantity: -1 is negative`},
		// 1.0000001: 8 digits, exponent -7; rounded to 6 places it is 1.
		{"quantity too precise", line("seat", "1.0000001", "10.00", "EUR", "0"),
			`product "seat": invalid line.quantity: 1.0000001 has more than 6 decimal places`},
		// 10^12 + 1: 13 digits, exponent 0, so 13 <= 13 passes the digit
		// rule; it is then above the limit.
		{"quantity too large", line("seat", "1000000000001", "10.00", "EUR", "0"),
			`product "seat": invalid line.quantity: 1000000000001 is above 1000000000000`},
		// 10^13: 2 digits, exponent 12, 14 > 13 digits.
		{"quantity far too large", quote.Line{Product: "seat", Quantity: decimal.New(10, 12), UnitPrice: crmkit.MustMoney("1", "EUR")},
			`product "seat": invalid line.quantity: 10000000000000 is above 1000000000000`},
		// 1e-400000000: exponent far below -6-1, shown in short form.
		{"quantity absurd exponent", quote.Line{Product: "seat", Quantity: decimal.New(1, -400000000), UnitPrice: crmkit.MustMoney("1", "EUR")},
			`product "seat": invalid line.quantity: 1e-400000000 has more than 6 decimal places`},
		// Zero passes CheckDecimal and is refused as not positive.
		{"zero quantity", line("seat", "0", "10.00", "EUR", "0"),
			`invalid line.quantity: quantity 0 of "seat" is not positive`},
		// 15: 2 digits > 1 digit of the limit 1.
		{"discount in percent", line("seat", "1", "10.00", "EUR", "15"),
			`product "seat": invalid line.discount: 15 is above 1 (a fraction, not a percentage: 0.25 is 25 %)`},
		// 0.1234567: 7 places; rounded to 6 it is 0.123457.
		{"discount too precise", line("seat", "1", "10.00", "EUR", "0.1234567"),
			`product "seat": invalid line.discount: 0.1234567 has more than 6 decimal places`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := c.line.Totals()
			require.ErrorIs(t, err, crmkit.ErrInvalid)
			assert.EqualError(t, err, c.want)
		})
	}
	// One written as 10^20 x 10^-20: 21 digits and 20 places, but the
	// places beyond 6 are trailing zeros, the same value as 1 (the
	// decimal path, as the coefficient passes int64): 1 x 10.00 = 10.00.
	one := quote.Line{Product: "seat", Quantity: decimal.NewFromBigInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(20), nil), -20), UnitPrice: crmkit.MustMoney("10.00", "EUR")}
	gross, net, err := one.Totals()
	require.NoError(t, err)
	assert.Equal(t, crmkit.MustMoney("10.00", "EUR"), gross)
	assert.Equal(t, crmkit.MustMoney("10.00", "EUR"), net)

	// The limits themselves are accepted: 10^12 units, 6 places each.
	for _, l := range []quote.Line{
		line("seat", "1000000000000", "0.01", "EUR", "0.999999"),
		line("seat", "0.000001", "1.00", "EUR", "1"),
	} {
		_, _, err := l.Totals()
		assert.NoError(t, err, "%s less %s", l.Quantity, l.Discount)
	}
}
