package funnel

import (
	"context"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// Reporting says how a report brings amounts in several currencies into
// one reporting currency. The zero Reporting converts nothing: a report
// meeting two currencies then stops with crmkit.ErrCurrencyMismatch.
//
// With Currency set, every entity's amount is converted into Currency
// with crmkit.Convert before it is counted, through Rates, at one of two
// dates:
//
//   - AtClose false (the default): every amount at the same date, At, or
//     the report time Query.AsOf when At is zero. Reports at one date
//     restate the whole funnel at today's (or a chosen day's) rates.
//   - AtClose true: each amount at its entity's close: the time it was
//     won, lost or terminated (Opportunity.Closed); for an entity still
//     open or suspended its expected close date (Opportunity.CloseDate),
//     or the report time when it has none. Revenue is then booked at the
//     rate of the day it was won.
//
// Each amount is converted, and rounded to the minor unit of Currency with
// Rounding, on its own, then summed (as a CRM converts each record): with
// rates that convert exactly, the sum of the converted amounts equals the
// per-currency sums converted; otherwise each converted amount is off by
// at most half a minor unit (RoundHalfEven, RoundHalfUp) or one (the
// directed modes), and so is a sum of n amounts by at most n times that.
//
// A missing rate stops the report with the error of the RateSource, which
// for a crmkit.RateTable matches crmkit.ErrNotFound and names both
// currencies and the date; the error names the entity too. Rates are asked
// with context.Background(), since reports do no I/O: give a source that
// answers from memory, such as a crmkit.RateTable loaded beforehand.
type Reporting struct {
	// Currency is the reporting currency; zero for no conversion.
	Currency crmkit.Currency
	// Rates gives the exchange rates; required with Currency.
	Rates crmkit.RateSource
	// AtClose converts at each entity's close date instead of at one date.
	AtClose bool
	// At is the one date of the rates when AtClose is false; zero means
	// the report time.
	At time.Time
	// Rounding rounds each converted amount to the minor unit; required
	// with Currency (crmkit picks no rounding mode for the caller).
	Rounding crmkit.RoundingMode
}

func (r *Reporting) validate() error {
	switch {
	case r.Currency.IsZero():
		if r.Rates != nil || r.AtClose || !r.At.IsZero() || r.Rounding != 0 {
			return crmkit.Invalid("reporting currency", "rates or rate date given without a reporting currency")
		}
	case r.Rates == nil:
		return crmkit.Invalid("reporting rates", "reporting currency %s without a rate source", r.Currency)
	case !r.Rounding.Valid():
		return crmkit.Invalid("reporting rounding", "reporting currency %s: unknown rounding mode %d", r.Currency, r.Rounding)
	case r.AtClose && !r.At.IsZero():
		return crmkit.Invalid("reporting at", "a rate date %s with rates at each close date", stamp(r.At))
	}
	return nil
}

// converter converts the amounts of one report into its reporting
// currency. At one date it remembers each currency's rate.
type converter struct {
	to    crmkit.Currency
	src   crmkit.RateSource
	mode  crmkit.RoundingMode
	asOf  time.Time
	close bool
	at    time.Time
	rates map[crmkit.Currency]decimal.Decimal
}

// newConverter returns nil when r converts nothing; r is valid.
func newConverter(r *Reporting, asOf time.Time) *converter {
	if r.Currency.IsZero() {
		return nil
	}
	c := &converter{to: r.Currency, src: r.Rates, mode: r.Rounding, asOf: asOf, close: r.AtClose, at: r.At}
	if c.at.IsZero() {
		c.at = asOf
	}
	if !c.close {
		c.rates = make(map[crmkit.Currency]decimal.Decimal)
	}
	return c
}

// date returns the date o's amount is converted at.
func (c *converter) date(o *Opportunity) time.Time {
	switch {
	case !c.close:
		return c.at
	case o.Status.Closed() && !o.Closed.IsZero():
		return o.Closed
	case !o.CloseDate.IsZero():
		return o.CloseDate
	}
	return c.asOf
}

// Rate implements crmkit.RateSource for one date, asking the source once
// per currency.
func (c *converter) Rate(ctx context.Context, from, to crmkit.Currency, at time.Time) (decimal.Decimal, error) {
	if r, ok := c.rates[from]; ok {
		return r, nil
	}
	r, err := c.src.Rate(ctx, from, to, at)
	if err != nil {
		return r, err
	}
	c.rates[from] = r
	return r, nil
}

// convert returns o with its amount in the reporting currency: o itself
// when nothing changes, else a pointer to a copy in *buf.
func (c *converter) convert(o *Opportunity, buf *Opportunity) (*Opportunity, error) {
	cur := o.Amount.Currency()
	if cur.IsZero() || cur == c.to {
		return o, nil
	}
	var src crmkit.RateSource = c.src
	if !c.close {
		src = c
	}
	at := c.date(o)
	m, err := crmkit.Convert(context.Background(), src, o.Amount, c.to, at, c.mode)
	if err != nil {
		return nil, fmt.Errorf("entity %s: amount %s into the reporting currency %s at %s: %w",
			o.Entity, o.Amount, c.to, stamp(at), err)
	}
	*buf = *o
	buf.Amount = m
	return buf, nil
}
