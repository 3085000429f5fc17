package crmkit

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// RatioPlaces is the number of decimal places of every ratio crmkit
// computes (conversion and win rates, attainment, shares, growth, retention,
// inverse exchange rates, ...): Ratio rounds to it, once, from the exact
// quotient.
const RatioPlaces = 16

// ratioULP is one unit in the last place of a ratio.
var ratioULP = decimal.New(1, -RatioPlaces)

// Ratio returns num / den rounded to RatioPlaces decimal places, ties to
// even (banker's rounding, the IEEE 754 default), from the exact quotient.
// It is the one ratio helper of crmkit: every package divides through it,
// so a figure reads the same wherever it is computed.
//
// Half-even, not half away from zero: two complementary ratios such as
// retention and churn, or GRR and revenue churn, then always add up to
// exactly 1, which half-up rounding breaks (1/131072 and 131071/131072
// both end in an exact 5 at the 17th place and would both round up).
// Ratio never reads or changes decimal.DivisionPrecision.
//
// A zero den is an error matching ErrInvalid.
func Ratio(num, den decimal.Decimal) (decimal.Decimal, error) {
	if den.IsZero() {
		return decimal.Decimal{}, Invalid("denominator", "ratio %s / 0", num)
	}
	q, r := num.QuoRem(den, RatioPlaces)
	if r.IsZero() {
		return q, nil
	}
	// QuoRem truncates toward zero and |r| < |den|·ulp; compare 2|r| with
	// |den|·ulp to see whether the dropped part is below, at or above half.
	half := r.Abs().Add(r.Abs()).Cmp(den.Abs().Mul(ratioULP))
	if half < 0 || (half == 0 && q.Shift(RatioPlaces).BigInt().Bit(0) == 0) {
		return q, nil
	}
	if num.Sign()*den.Sign() < 0 {
		return q.Sub(ratioULP), nil
	}
	return q.Add(ratioULP), nil
}

// MulRatio returns m × num / den rounded to the minor unit with mode, once,
// from the exact value (no intermediate rounding, so no double rounding):
// a share of an amount (expected to date = target × elapsed / total), a
// lifetime value (margin × r / (1 + d − r)). A zero den, an invalid mode
// and m without currency are ErrInvalid; a result outside int64 minor
// units is ErrOverflow.
func (m Money) MulRatio(num, den decimal.Decimal, mode RoundingMode) (Money, error) {
	if err := mode.validate(); err != nil {
		return Money{}, err
	}
	if m.cur.IsZero() {
		return Money{}, Invalid("currency", "scale a money amount without currency")
	}
	if den.IsZero() {
		return Money{}, Invalid("denominator", "%s × %s / 0", m, num)
	}
	q, r := decimal.NewFromInt(m.minor).Mul(num).QuoRem(den, 0)
	if !r.IsZero() {
		// |r| < |den|; compare 2|r| with |den| to decide halves.
		half := r.Abs().Add(r.Abs()).Cmp(den.Abs())
		neg := r.Sign() != den.Sign() // the sign of the exact quotient's fraction
		q = mode.roundQuotient(q, neg, half)
	}
	if q.GreaterThan(decMaxInt64) || q.LessThan(decMinInt64) {
		return Money{}, fmt.Errorf("%s × %s / %s: %w", m, num, den, ErrOverflow)
	}
	return Money{minor: q.IntPart(), cur: m.cur}, nil
}
