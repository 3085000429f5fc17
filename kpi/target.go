package kpi

import (
	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// Attainment is how much of a target was achieved:
//
//	attainment = actual / target
//
// rounded by crmkit.Ratio: 1 is exactly on target, 1.1 is 110%.
// actual may be negative (net bookings after cancellations), giving a
// negative attainment. Source: the standard quota attainment definition
// (actual sales over quota for the same period).
//
// actual and target must be in one currency (else
// crmkit.ErrCurrencyMismatch); target <= 0 is an error matching
// crmkit.ErrInvalid.
func Attainment(actual, target crmkit.Money) (decimal.Decimal, error) {
	a, t := amount{"actual", actual}, amount{"target", target}
	if _, err := sameCurrency(a, t); err != nil {
		return decimal.Decimal{}, wrap("attainment", err)
	}
	if err := positiveAmount(t, "no target to attain"); err != nil {
		return decimal.Decimal{}, wrap("attainment", err)
	}
	return crmkit.Ratio(minor(actual), minor(target))
}

// AttainmentCount is Attainment for targets counted in units (deals,
// visits, demos):
//
//	attainment = actual / target
//
// Negative counts and target = 0 are errors matching crmkit.ErrInvalid.
func AttainmentCount(actual, target int64) (decimal.Decimal, error) {
	if err := count("actual", actual); err != nil {
		return decimal.Decimal{}, wrap("attainment", err)
	}
	if err := positive("target", target, "no target to attain"); err != nil {
		return decimal.Decimal{}, wrap("attainment", err)
	}
	return crmkit.Ratio(dec(actual), dec(target))
}

// Growth is the relative change from a previous period to the current one:
//
//	growth = (current − previous) / previous
//
// rounded by crmkit.Ratio: 0.25 is 25% up, −0.1 is 10% down.
// Period over period compares consecutive periods (this month and last);
// year-over-year growth is Growth of a period and the same period a year
// earlier (this year's Q2 and last year's Q2, or YTD and last year's YTD to
// the same day). Source: the standard percentage-change definition of
// growth rate.
//
// current may be negative. current and previous must be in one currency
// (else crmkit.ErrCurrencyMismatch); previous <= 0 is an error matching
// crmkit.ErrInvalid, because growth from nothing, or from a loss, has no
// meaningful sign or size.
func Growth(current, previous crmkit.Money) (decimal.Decimal, error) {
	c, p := amount{"current", current}, amount{"previous", previous}
	if _, err := sameCurrency(c, p); err != nil {
		return decimal.Decimal{}, wrap("growth", err)
	}
	if err := positiveAmount(p, "growth from nothing is undefined"); err != nil {
		return decimal.Decimal{}, wrap("growth", err)
	}
	return crmkit.Ratio(minor(current).Sub(minor(previous)), minor(previous))
}

// GrowthCount is Growth for counts (leads, customers, deals):
//
//	growth = (current − previous) / previous
//
// Negative counts and previous = 0 are errors matching crmkit.ErrInvalid.
func GrowthCount(current, previous int64) (decimal.Decimal, error) {
	if err := count("current", current); err != nil {
		return decimal.Decimal{}, wrap("growth", err)
	}
	if err := positive("previous", previous, "growth from nothing is undefined"); err != nil {
		return decimal.Decimal{}, wrap("growth", err)
	}
	return crmkit.Ratio(dec(current).Sub(dec(previous)), dec(previous))
}

// checkElapsed validates the part of a period elapsed, in any one unit.
func checkElapsed(elapsed, total int64, allowZero bool) error {
	if err := positive("total", total, "a period of no length"); err != nil {
		return err
	}
	if allowZero {
		if err := count("elapsed", elapsed); err != nil {
			return err
		}
	} else if err := positive("elapsed", elapsed, "nothing is expected before the period starts"); err != nil {
		return err
	}
	return atMost("elapsed", elapsed, "total", total)
}

// ExpectedToDate is the part of a target a straight-line plan expects by
// now:
//
//	expected to date = target × elapsed / total
//
// rounded to the minor unit with mode, once, from the exact value. elapsed
// and total measure the period in any one unit: calendar days, working
// days, hours.
//
// target <= 0, total <= 0, a negative elapsed, elapsed > total and an
// invalid mode are errors matching crmkit.ErrInvalid.
func ExpectedToDate(target crmkit.Money, elapsed, total int64, mode crmkit.RoundingMode) (crmkit.Money, error) {
	if err := positiveAmount(amount{"target", target}, "no target to pace against"); err != nil {
		return crmkit.Money{}, wrap("expected to date", err)
	}
	if err := checkElapsed(elapsed, total, true); err != nil {
		return crmkit.Money{}, wrap("expected to date", err)
	}
	m, err := target.MulRatio(dec(elapsed), dec(total), mode)
	return m, wrap("expected to date", err)
}

// Pacing compares what was achieved so far in a period with what a
// straight-line plan expects by now:
//
//	pacing = actual / (target × elapsed / total) = (actual × total) / (target × elapsed)
//
// rounded by crmkit.Ratio: 1 is on pace, 0.8 is 20% behind.
// elapsed and total measure the period in any one unit (calendar days,
// working days, hours); at the end of the period (elapsed = total) pacing
// equals Attainment. actual may be negative, as for Attainment. Source: the
// standard run-rate pacing of sales operations (actual to date over the
// pro-rated target).
//
// actual and target must be in one currency (else
// crmkit.ErrCurrencyMismatch). target <= 0, total <= 0, elapsed <= 0
// (nothing is expected yet) and elapsed > total are errors matching
// crmkit.ErrInvalid.
func Pacing(actual, target crmkit.Money, elapsed, total int64) (decimal.Decimal, error) {
	a, t := amount{"actual", actual}, amount{"target", target}
	if _, err := sameCurrency(a, t); err != nil {
		return decimal.Decimal{}, wrap("pacing", err)
	}
	if err := positiveAmount(t, "no target to pace against"); err != nil {
		return decimal.Decimal{}, wrap("pacing", err)
	}
	if err := checkElapsed(elapsed, total, false); err != nil {
		return decimal.Decimal{}, wrap("pacing", err)
	}
	return crmkit.Ratio(minor(actual).Mul(dec(total)), minor(target).Mul(dec(elapsed)))
}

// GapToTarget is what is still missing to reach a target:
//
//	gap = target − actual
//
// Positive means still to go; zero or negative means the target is met
// (a negative gap is the surplus). Source: the standard definition of the
// gap to quota.
//
// actual and target must be in one currency (else
// crmkit.ErrCurrencyMismatch); target <= 0 is an error matching
// crmkit.ErrInvalid; a gap outside int64 minor units is crmkit.ErrOverflow.
func GapToTarget(actual, target crmkit.Money) (crmkit.Money, error) {
	a, t := amount{"actual", actual}, amount{"target", target}
	if _, err := sameCurrency(a, t); err != nil {
		return crmkit.Money{}, wrap("gap to target", err)
	}
	if err := positiveAmount(t, "no target"); err != nil {
		return crmkit.Money{}, wrap("gap to target", err)
	}
	g, err := target.Sub(actual)
	return g, wrap("gap to target", err)
}
