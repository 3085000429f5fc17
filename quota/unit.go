package quota

import (
	"fmt"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
)

// Unit is what a plan's numbers count: money of one currency (a revenue
// plan) or a count of things (deals, meetings, new logos). Exactly one of
// Currency and Count is set. Amounts in a unit are Quantities.
type Unit struct {
	// Currency is the currency of a money plan.
	Currency crmkit.Currency `json:"currency,omitzero"`
	// Count names what a count plan counts, such as "deals" or "meetings".
	Count string `json:"count,omitempty"`
}

// MoneyUnit returns the unit of a money plan in cur.
func MoneyUnit(cur crmkit.Currency) Unit { return Unit{Currency: cur} }

// CountUnit returns the unit of a plan that counts what (for example
// "deals", "meetings", "new logos").
func CountUnit(what string) Unit { return Unit{Count: what} }

// IsMoney reports whether u is a currency.
func (u Unit) IsMoney() bool { return !u.Currency.IsZero() }

// Validate reports a unit that is neither or both a currency and a count.
func (u Unit) Validate() error {
	switch {
	case u.IsMoney() && u.Count != "":
		return crmkit.Invalid("unit", "both a currency (%s) and a count (%q)", u.Currency, u.Count)
	case !u.IsMoney() && strings.TrimSpace(u.Count) == "":
		return crmkit.Invalid("unit", "neither a currency nor a count")
	}
	return nil
}

// String returns the currency code or the count's name.
func (u Unit) String() string {
	if u.IsMoney() {
		return u.Currency.Code()
	}
	return u.Count
}

// countCarrier is the currency under which counts are handed to the
// crmkit.Money and kpi functions (Allocate, Attainment, Pacing, ...),
// which only look at the minor units of one currency. Its digits and code
// never show: amounts are converted back to counts before anything leaves
// the package.
var countCarrier = crmkit.MustCurrency("JPY")

// carrier returns n as a Money the crmkit and kpi functions can work on:
// the unit's currency, or the count carrier.
func (u Unit) carrier(n int64) crmkit.Money {
	cur := u.Currency
	if cur.IsZero() {
		cur = countCarrier
	}
	m, _ := crmkit.NewMoney(n, cur) // cur is never zero here
	return m
}

// value returns a record's amount in unit u, in smallest steps: another
// currency is crmkit.ErrCurrencyMismatch, another unit and a negative
// count crmkit.ErrInvalid. The zero Quantity is zero in any unit.
func (u Unit) value(r Record) (int64, error) {
	q := r.Amount
	switch ru := q.unit; {
	case ru == u, ru == Unit{} && q.n == 0:
	case ru.IsMoney() && u.IsMoney():
		return 0, fmt.Errorf("record at %s: amount %s in a %s plan: %w",
			r.At.Format(time.RFC3339), q, u, crmkit.ErrCurrencyMismatch)
	default:
		return 0, crmkit.Invalid("record", "at %s: %s in a plan of %s", r.At.Format(time.RFC3339), q, u)
	}
	if !u.IsMoney() && q.n < 0 {
		return 0, crmkit.Invalid("count", "record at %s: negative count %s", r.At.Format(time.RFC3339), q)
	}
	return q.n, nil
}

// Record is one actual: an amount (a won deal, an invoice, any amount
// stream: Amount(money)) or a count (a deal, a meeting, a new logo:
// Count(1, "deals")) at an instant, with the dimension members it belongs
// to, such as {"region": "EMEA", "rep": "ana"}. Its Amount must be in the
// plan's unit (money may be negative, as a refund; counts may not).
//
// Records feed contribution-share splits (which member or month brought
// how much in a reference window) and evaluation (actuals against the
// plan).
type Record struct {
	At     time.Time
	Amount Quantity
	Dims   map[string]string
}

// CalendarSpec describes a crmkit.Calendar as data, so that a plan can be
// stored as JSON and rebuilt: crmkit.Calendar itself is an opaque value.
//
// Kind "fiscal" (the default) uses StartMonth (January when zero); kind
// "retail" uses Pattern ("4-4-5", "4-5-4" or "5-4-4"), YearEndMonth,
// YearEndWeekday and Rule ("last" or "nearest"). Location is an IANA time
// zone name, UTC when empty.
type CalendarSpec struct {
	Kind           string       `json:"kind,omitempty"`
	StartMonth     time.Month   `json:"start_month,omitempty"`
	Pattern        string       `json:"pattern,omitempty"`
	YearEndMonth   time.Month   `json:"year_end_month,omitempty"`
	YearEndWeekday time.Weekday `json:"year_end_weekday,omitempty"`
	Rule           string       `json:"rule,omitempty"`
	Location       string       `json:"location,omitempty"`
}

// Fiscal returns the spec of a fiscal calendar starting in start, in the
// IANA zone loc ("" for UTC).
func Fiscal(start time.Month, loc string) CalendarSpec {
	return CalendarSpec{Kind: "fiscal", StartMonth: start, Location: loc}
}

// Calendar builds the calendar. An unknown kind, pattern, rule or time
// zone is an error matching crmkit.ErrInvalid. Time zones are looked up
// with time.LoadLocation, which reads the system's zone database (or the
// one embedded by importing time/tzdata).
func (s CalendarSpec) Calendar() (crmkit.Calendar, error) {
	loc := time.UTC
	if s.Location != "" && s.Location != "UTC" {
		l, err := time.LoadLocation(s.Location)
		if err != nil {
			return crmkit.Calendar{}, crmkit.Invalid("calendar location", "unknown time zone %q", s.Location)
		}
		loc = l
	}
	switch s.Kind {
	case "", "fiscal":
		start := s.StartMonth
		if start == 0 {
			start = time.January
		}
		return crmkit.NewFiscalCalendar(start, loc)
	case "retail":
		var p crmkit.RetailPattern
		for _, c := range []crmkit.RetailPattern{crmkit.Pattern445, crmkit.Pattern454, crmkit.Pattern544} {
			if c.String() == s.Pattern {
				p = c
			}
		}
		if p == 0 {
			return crmkit.Calendar{}, crmkit.Invalid("calendar pattern", "%q is not 4-4-5, 4-5-4 or 5-4-4", s.Pattern)
		}
		var r crmkit.YearEndRule
		switch s.Rule {
		case "last":
			r = crmkit.LastWeekday
		case "nearest":
			r = crmkit.NearestWeekday
		default:
			return crmkit.Calendar{}, crmkit.Invalid("calendar rule", "%q is not last or nearest", s.Rule)
		}
		return crmkit.NewRetailCalendar(p, s.YearEndMonth, s.YearEndWeekday, r, loc)
	}
	return crmkit.Calendar{}, crmkit.Invalid("calendar kind", "%q is not fiscal or retail", s.Kind)
}
