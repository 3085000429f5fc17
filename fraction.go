package crmkit

import "github.com/shopspring/decimal"

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
// It is CheckDecimal(field, d, MaxFractionPlaces, 1): the representation is
// looked at before any value is compared, so a decimal with a huge exponent
// (1e-1000000000) is refused at once instead of being rescaled. Use
// CheckDecimal directly for the compact form of the accepted value.
func CheckFraction(field string, d decimal.Decimal) error {
	_, err := CheckDecimal(field, d, MaxFractionPlaces, 1)
	return err
}
