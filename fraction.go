package crmkit

import (
	"math/big"
	"strconv"

	"github.com/shopspring/decimal"
)

// MaxFractionPlaces is the most decimal places a probability, rate or
// share may carry (trailing zeros not counted): enough for every ratio
// crmkit computes, and a bound every store can keep.
const MaxFractionPlaces = 20

// CheckFraction accepts a probability, rate or share: a decimal fraction
// in [0, 1] (0.25 is 25 %) with at most MaxFractionPlaces significant
// decimal places. Anything else, 25 meant as 25 % included, is a
// *ValidationError naming field and matching ErrInvalid. Every package that
// takes a probability, rate or share checks it here, so the unit and the
// bounds are the same everywhere; percent exists only in formatting.
//
// The check looks at the representation before comparing values, so a
// decimal with a huge exponent (1e-1000000000) is refused at once instead
// of being rescaled.
func CheckFraction(field string, d decimal.Decimal) error {
	if d.Sign() < 0 {
		return Invalid(field, "%s is negative, outside [0, 1]", fractionText(d))
	}
	if d.Sign() == 0 {
		return nil
	}
	exp := d.Exponent()
	if exp > 0 {
		// A non-zero coefficient times 10 or more.
		return Invalid(field, "%s is above 1, outside [0, 1] (fractions, not percentages: 0.25 is 25 %%)", fractionText(d))
	}
	if exp < -MaxFractionPlaces && !trailingZeros(d.Coefficient(), int64(-MaxFractionPlaces)-int64(exp)) {
		return Invalid(field, "%s has more than %d decimal places", fractionText(d), MaxFractionPlaces)
	}
	if d.GreaterThan(decimal.New(1, 0)) {
		return Invalid(field, "%s is above 1, outside [0, 1] (fractions, not percentages: 0.25 is 25 %%)", d)
	}
	return nil
}

// fractionText prints d for a message without expanding a huge exponent.
func fractionText(d decimal.Decimal) string {
	if e := d.Exponent(); e > 40 || e < -40 || d.Coefficient().BitLen() > 200 {
		c := d.Coefficient().String()
		if len(c) > 30 {
			c = c[:30] + "..."
		}
		return c + "e" + strconv.Itoa(int(e))
	}
	return d.String()
}

// trailingZeros reports whether c (non-zero) ends in at least n decimal
// zeros, without building 10^n when c has fewer digits than n.
func trailingZeros(c *big.Int, n int64) bool {
	// c has at most BitLen·log10(2)+1 < BitLen/3+1 digits.
	if n > int64(c.BitLen())/3+1 {
		return false
	}
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil)
	return new(big.Int).Rem(c, p).Sign() == 0
}
