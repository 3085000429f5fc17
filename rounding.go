package crmkit

import (
	"github.com/shopspring/decimal"
)

// RoundingMode says how an exact result is rounded to the minor unit. The
// zero RoundingMode is deliberately not a mode: crmkit never picks one for
// you, and operations given it return ErrInvalid.
type RoundingMode uint8

// The rounding modes. "Half" modes decide ties; the others round every
// inexact result the same way.
const (
	_ RoundingMode = iota
	// RoundHalfEven rounds to nearest, ties to even (banker's rounding,
	// IEEE 754 default): 2.5 -> 2, 3.5 -> 4, -2.5 -> -2.
	RoundHalfEven
	// RoundHalfUp rounds to nearest, ties away from zero (commercial
	// rounding): 2.5 -> 3, -2.5 -> -3.
	RoundHalfUp
	// RoundDown rounds toward zero (truncation): 2.9 -> 2, -2.9 -> -2.
	RoundDown
	// RoundUp rounds away from zero: 2.1 -> 3, -2.1 -> -3.
	RoundUp
	// RoundFloor rounds toward negative infinity: 2.9 -> 2, -2.1 -> -3.
	RoundFloor
	// RoundCeiling rounds toward positive infinity: 2.1 -> 3, -2.9 -> -2.
	RoundCeiling
)

func (r RoundingMode) validate() error {
	if !r.Valid() {
		return Invalid("rounding mode", "%s is not a rounding mode", r)
	}
	return nil
}

// round rounds d to an integer with the mode.
func (r RoundingMode) round(d decimal.Decimal) decimal.Decimal {
	switch r {
	case RoundHalfEven:
		return d.RoundBank(0)
	case RoundHalfUp:
		return d.Round(0)
	case RoundDown:
		return d.RoundDown(0)
	case RoundUp:
		return d.RoundUp(0)
	case RoundFloor:
		return d.RoundFloor(0)
	default:
		return d.RoundCeil(0)
	}
}

// roundQuotient adjusts a quotient q truncated toward zero, given whether
// the exact value is negative and how twice the remainder compares with the
// divisor (-1 below half, 0 exactly half, +1 above half).
func (r RoundingMode) roundQuotient(q decimal.Decimal, neg bool, half int) decimal.Decimal {
	away := false
	switch r {
	case RoundHalfEven:
		away = half > 0 || (half == 0 && q.IntPart()%2 != 0)
	case RoundHalfUp:
		away = half >= 0
	case RoundDown:
	case RoundUp:
		away = true
	case RoundFloor:
		away = neg
	case RoundCeiling:
		away = !neg
	}
	if !away {
		return q
	}
	if neg {
		return q.Sub(decimal.NewFromInt(1))
	}
	return q.Add(decimal.NewFromInt(1))
}
