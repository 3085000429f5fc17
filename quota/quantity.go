package quota

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// Quantity is an amount in a plan's Unit: money of one currency (a revenue
// plan's targets and actuals) or a count of things (deals, meetings, new
// logos). Everything quota hands out or takes in a plan's unit is a
// Quantity, so a caller never reads minor units: Money returns the amount
// of a money quantity as crmkit.Money, Count the number of a count.
//
// Quantity is an immutable value. The zero Quantity is zero of no unit: the
// identity of Add and Sub for any unit, as the zero crmkit.Money is for any
// currency. Arithmetic and comparison across units is an error
// (crmkit.ErrCurrencyMismatch between currencies, crmkit.ErrInvalid
// between counts or between a count and money); a result outside int64 is
// crmkit.ErrOverflow.
type Quantity struct {
	unit Unit
	n    int64 // minor units of the currency, or the count
}

// Amount returns m as a Quantity of the money unit of m's currency. The
// zero Money (no currency) is the zero Quantity.
func Amount(m crmkit.Money) Quantity {
	if m.Currency().IsZero() {
		return Quantity{}
	}
	return Quantity{unit: MoneyUnit(m.Currency()), n: m.Minor()}
}

// Count returns n things of the count unit what: Count(12, "deals").
func Count(n int64, what string) Quantity { return Quantity{unit: CountUnit(what), n: n} }

// Zero returns zero in unit u.
func (u Unit) Zero() Quantity { return Quantity{unit: u} }

// Quantity returns d, a number in unit u as Quantity.Decimal gives it
// (major units of a currency, or a count), as a Quantity of u rounded once
// with mode to a whole minor unit or count. An invalid unit or rounding
// mode is crmkit.ErrInvalid; a result beyond int64 minor units or counts
// crmkit.ErrOverflow.
func (u Unit) Quantity(d decimal.Decimal, mode crmkit.RoundingMode) (Quantity, error) {
	if err := u.Validate(); err != nil {
		return Quantity{}, err
	}
	if err := checkRounding(mode); err != nil {
		return Quantity{}, err
	}
	cur := u.Currency
	if !u.IsMoney() {
		cur = countCarrier
	}
	m, err := crmkit.MoneyFromDecimal(d, cur, mode)
	if err != nil {
		return Quantity{}, fmt.Errorf("%s in %s: %w", d, u, err)
	}
	return u.of(m.Minor()), nil
}

// of returns n minor units or things of unit u.
func (u Unit) of(n int64) Quantity { return Quantity{unit: u, n: n} }

// Unit returns the unit of q (the zero Unit for the zero Quantity).
func (q Quantity) Unit() Unit { return q.unit }

// Money returns a money quantity as crmkit.Money. A count, or an amount
// without a unit, is an error matching crmkit.ErrInvalid; the zero
// Quantity is the zero Money.
func (q Quantity) Money() (crmkit.Money, error) {
	if q.unit == (Unit{}) {
		if q.n != 0 {
			return crmkit.Money{}, crmkit.Invalid("quantity", "%d has no unit", q.n)
		}
		return crmkit.Money{}, nil
	}
	if !q.unit.IsMoney() {
		return crmkit.Money{}, crmkit.Invalid("quantity", "%s counts %s, not money", q, q.unit.Count)
	}
	return crmkit.NewMoney(q.n, q.unit.Currency)
}

// Count returns the number of things a count quantity counts. Money, or
// an amount without a unit, is an error matching crmkit.ErrInvalid; the
// zero Quantity counts 0.
func (q Quantity) Count() (int64, error) {
	if q.unit.IsMoney() {
		return 0, crmkit.Invalid("quantity", "%s is money, not a count", q)
	}
	if q.unit == (Unit{}) && q.n != 0 {
		return 0, crmkit.Invalid("quantity", "%d has no unit", q.n)
	}
	return q.n, nil
}

// Decimal returns q as a number in its unit: major units of a currency
// (1200.50 for "1200.50 EUR") or the count.
func (q Quantity) Decimal() decimal.Decimal {
	if q.unit.IsMoney() {
		m, err := q.Money()
		if err == nil {
			return m.Decimal()
		}
	}
	return decimal.NewFromInt(q.n)
}

// IsZero reports whether q is zero, in any unit.
func (q Quantity) IsZero() bool { return q.n == 0 }

// Sign returns -1, 0 or +1 as q is negative, zero or positive.
func (q Quantity) Sign() int {
	switch {
	case q.n < 0:
		return -1
	case q.n > 0:
		return 1
	}
	return 0
}

// Equal reports whether q and o are the same amount of the same unit. Zero
// of any unit equals the zero Quantity.
func (q Quantity) Equal(o Quantity) bool {
	if q.n == 0 && o.n == 0 && (q.unit == (Unit{}) || o.unit == (Unit{})) {
		return true
	}
	return q == o
}

// sameUnit returns the unit of an operation on q and o: the zero Quantity
// takes the other's unit.
func (q Quantity) sameUnit(o Quantity, op string) (Unit, error) {
	switch {
	case q.unit == o.unit:
		return q.unit, nil
	case q.unit == (Unit{}) && q.n == 0:
		return o.unit, nil
	case o.unit == (Unit{}) && o.n == 0:
		return q.unit, nil
	case q.unit.IsMoney() && o.unit.IsMoney():
		return Unit{}, fmt.Errorf("%s %s %s: %w", q, op, o, crmkit.ErrCurrencyMismatch)
	}
	return Unit{}, crmkit.Invalid("quantity", "%s %s %s: units differ (%q, %q)", q, op, o, q.unit, o.unit)
}

// Add returns q + o.
func (q Quantity) Add(o Quantity) (Quantity, error) {
	u, err := q.sameUnit(o, "+")
	if err != nil {
		return Quantity{}, err
	}
	s, err := addUnits(q.n, o.n)
	if err != nil {
		return Quantity{}, fmt.Errorf("%s + %s: %w", q, o, crmkit.ErrOverflow)
	}
	return u.of(s), nil
}

// Sub returns q - o.
func (q Quantity) Sub(o Quantity) (Quantity, error) {
	neg, err := o.neg()
	if err != nil {
		return Quantity{}, err
	}
	u, err := q.sameUnit(o, "-")
	if err != nil {
		return Quantity{}, err
	}
	s, err := addUnits(q.n, neg.n)
	if err != nil {
		return Quantity{}, fmt.Errorf("%s - %s: %w", q, o, crmkit.ErrOverflow)
	}
	return u.of(s), nil
}

// neg returns -q.
func (q Quantity) neg() (Quantity, error) {
	n, err := negate(q.n)
	if err != nil {
		return Quantity{}, err
	}
	return q.unit.of(n), nil
}

// Cmp compares q and o: -1, 0 or +1 as q is less than, equal to or more
// than o.
func (q Quantity) Cmp(o Quantity) (int, error) {
	if _, err := q.sameUnit(o, "cmp"); err != nil {
		return 0, err
	}
	switch {
	case q.n < o.n:
		return -1, nil
	case q.n > o.n:
		return 1, nil
	}
	return 0, nil
}

// String writes q in its unit: "1200000.00 EUR" or "120 deals"; the zero
// Quantity is "0".
func (q Quantity) String() string {
	switch {
	case q.unit == (Unit{}):
		return strconv.FormatInt(q.n, 10)
	case q.unit.IsMoney():
		m, err := crmkit.NewMoney(q.n, q.unit.Currency)
		if err != nil {
			return strconv.FormatInt(q.n, 10) + " (minor units of " + q.unit.Currency.Code() + ")"
		}
		return m.String()
	}
	return strconv.FormatInt(q.n, 10) + " " + q.unit.Count
}

// quantityJSON is the JSON form of a Quantity: the amount as a decimal
// string in its unit (major units of a currency) beside the unit's fields.
type quantityJSON struct {
	Amount string `json:"amount"`
	Unit
}

// MarshalJSON encodes q as {"amount":"1200.50","currency":"EUR"} or
// {"amount":"12","count":"deals"}; the zero Quantity as {"amount":"0"}. An
// amount without a unit (a Cell's target decoded without its plan) is an
// error matching crmkit.ErrInvalid.
func (q Quantity) MarshalJSON() ([]byte, error) {
	if q.unit == (Unit{}) && q.n != 0 {
		return nil, crmkit.Invalid("quantity", "%d has no unit", q.n)
	}
	a := strconv.FormatInt(q.n, 10)
	if q.unit.IsMoney() {
		m, err := q.Money()
		if err != nil {
			return nil, err
		}
		a = m.Decimal().StringFixed(int32(q.unit.Currency.Digits()))
	}
	return json.Marshal(quantityJSON{Amount: a, Unit: q.unit})
}

// UnmarshalJSON decodes what MarshalJSON writes. A unit that is neither or
// both a currency and a count (other than the zero Quantity), an amount
// that is not a decimal number of the unit (more decimal places than the
// currency has, a fraction of a count) are errors matching
// crmkit.ErrInvalid; on error q is unchanged.
func (q *Quantity) UnmarshalJSON(b []byte) error {
	if q == nil {
		return crmkit.Invalid("quantity", "decode into a nil *Quantity")
	}
	var v quantityJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return crmkit.Invalid("quantity", "%v", err)
	}
	if v.Unit == (Unit{}) {
		if v.Amount != "0" {
			return crmkit.Invalid("quantity", "amount %q without a unit", v.Amount)
		}
		*q = Quantity{}
		return nil
	}
	if err := v.Unit.Validate(); err != nil {
		return err
	}
	if v.Unit.IsMoney() {
		m, err := crmkit.ParseMoney(v.Amount, v.Unit.Currency)
		if err != nil {
			return err
		}
		*q = Amount(m)
		return nil
	}
	n, err := strconv.ParseInt(v.Amount, 10, 64)
	if err != nil {
		return crmkit.Invalid("quantity", "count %q is not a whole number", v.Amount)
	}
	*q = v.Unit.of(n)
	return nil
}
