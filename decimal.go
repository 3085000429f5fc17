package crmkit

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// CheckDecimal validates d as a rate, share or multiplier that exact
// decimal arithmetic can afford: 0 <= d <= most, with at most places
// decimal places (trailing zeros beyond them are the same value and
// allowed). It returns d with at most places decimal places, the same
// value in a compact form, or a *ValidationError naming field (it matches
// ErrInvalid).
//
// The exponent and the number of digits are checked before any
// comparison: comparing or rounding a decimal rescales it, so
// 1e-2000000000, one digit, would otherwise build a power of ten two
// billion digits long.
func CheckDecimal(field string, d decimal.Decimal, places int32, most int64) (decimal.Decimal, error) {
	if d.IsZero() {
		return decimal.Zero, nil
	}
	if d.Sign() < 0 {
		return decimal.Decimal{}, Invalid(field, "%s is negative", ShowDecimal(d))
	}
	above := "%s is above %d"
	if most == 1 {
		above += " (a fraction, not a percentage: 0.25 is 25 %%)"
	}
	mostDigits := int64(len(fmt.Sprint(most)))
	digits, exp := int64(d.NumDigits()), int64(d.Exponent())
	if digits+exp > mostDigits {
		return decimal.Decimal{}, Invalid(field, above, ShowDecimal(d), most)
	}
	// Trailing zeros of the coefficient may make up for a small exponent;
	// beyond its digits they cannot.
	if exp < -int64(places)-digits {
		return decimal.Decimal{}, Invalid(field, "%s has more than %d decimal places", ShowDecimal(d), places)
	}
	r := d.Round(places)
	if !r.Equal(d) {
		return decimal.Decimal{}, Invalid(field, "%s has more than %d decimal places", ShowDecimal(d), places)
	}
	if r.GreaterThan(decimal.NewFromInt(most)) {
		return decimal.Decimal{}, Invalid(field, above, ShowDecimal(d), most)
	}
	return r, nil
}

// ShowDecimal formats d for a message without expanding an extreme
// exponent into millions of zeros: "1e-2000000000" stays that short.
func ShowDecimal(d decimal.Decimal) string {
	if d.NumDigits() > 40 {
		return fmt.Sprintf("(a %d-digit number)", d.NumDigits())
	}
	if e := d.Exponent(); e < -40 || e > 40 {
		return fmt.Sprintf("%se%d", d.Coefficient(), e)
	}
	return d.String()
}
