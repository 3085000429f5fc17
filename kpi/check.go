package kpi

import (
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

var one = decimal.NewFromInt(1)

// dec returns n as a decimal.
func dec(n int64) decimal.Decimal { return decimal.NewFromInt(n) }

// minor returns the amount of m in minor units as a decimal. Ratios of two
// amounts of one currency are ratios of their minor units.
func minor(m crmkit.Money) decimal.Decimal { return decimal.NewFromInt(m.Minor()) }

// count rejects a negative count.
func count(field string, n int64) error {
	if n < 0 {
		return crmkit.Invalid(field, "negative count %d", n)
	}
	return nil
}

// positive rejects a count that is zero or negative.
func positive(field string, n int64, why string) error {
	if n < 0 {
		return crmkit.Invalid(field, "negative count %d", n)
	}
	if n == 0 {
		return crmkit.Invalid(field, "zero: %s", why)
	}
	return nil
}

// atMost rejects part > whole.
func atMost(partField string, part int64, wholeField string, whole int64) error {
	if part > whole {
		return crmkit.Invalid(partField, "%d is more than %s %d", part, wholeField, whole)
	}
	return nil
}

// wrap prefixes err with the name of the KPI, keeping it matchable with
// errors.Is and errors.As.
func wrap(kpi string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", kpi, err)
}

// amount names a Money argument for validation messages.
type amount struct {
	field string
	m     crmkit.Money
}

// sameCurrency returns the one currency of the amounts. A zero Money
// without currency counts as zero of any currency, as in crmkit's Add;
// two amounts in different currencies are ErrCurrencyMismatch. When every
// amount is currency-less zero the zero Currency is returned.
func sameCurrency(amounts ...amount) (crmkit.Currency, error) {
	var cur crmkit.Currency
	var first amount
	for _, a := range amounts {
		c := a.m.Currency()
		if c.IsZero() {
			continue
		}
		if cur.IsZero() {
			cur, first = c, a
			continue
		}
		if c != cur {
			return crmkit.Currency{}, fmt.Errorf("%s %s and %s %s: %w",
				first.field, first.m, a.field, a.m, crmkit.ErrCurrencyMismatch)
		}
	}
	return cur, nil
}

// nonNegative rejects a negative amount.
func nonNegative(a amount) error {
	if a.m.Sign() < 0 {
		return crmkit.Invalid(a.field, "negative amount %s", a.m)
	}
	return nil
}

// positiveAmount rejects a zero or negative amount.
func positiveAmount(a amount, why string) error {
	switch a.m.Sign() {
	case -1:
		return crmkit.Invalid(a.field, "negative amount %s", a.m)
	case 0:
		return crmkit.Invalid(a.field, "zero: %s", why)
	}
	return nil
}

// share returns part/whole for counts with 0 <= part <= whole, whole > 0.
func share(partField string, part int64, wholeField string, whole int64, why string) (decimal.Decimal, error) {
	if err := count(partField, part); err != nil {
		return decimal.Decimal{}, err
	}
	if err := positive(wholeField, whole, why); err != nil {
		return decimal.Decimal{}, err
	}
	if err := atMost(partField, part, wholeField, whole); err != nil {
		return decimal.Decimal{}, err
	}
	return crmkit.Ratio(dec(part), dec(whole))
}
