package crmkit

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/shopspring/decimal"
)

// RateSource gives the exchange rate from one currency to another in force
// at a given time: one unit of from buys rate units of to. Money changes
// currency only through a RateSource, so a report can fix its rates at a
// date. A source that does I/O honours ctx. When it has no rate it returns
// an error matching ErrNotFound.
type RateSource interface {
	Rate(ctx context.Context, from, to Currency, at time.Time) (decimal.Decimal, error)
}

// Convert converts m into currency to with the rate src gives for time at,
// rounding to the minor unit of to with mode. Converting into m's own
// currency returns m unchanged without asking src.
func Convert(ctx context.Context, src RateSource, m Money, to Currency, at time.Time, mode RoundingMode) (Money, error) {
	if err := mode.validate(); err != nil {
		return Money{}, err
	}
	if m.cur.IsZero() || to.IsZero() {
		return Money{}, Invalid("currency", "convert needs both currencies")
	}
	if m.cur == to {
		return m, nil
	}
	rate, err := src.Rate(ctx, m.cur, to, at)
	if err != nil {
		return Money{}, fmt.Errorf("convert %s to %s at %s: %w", m, to, at.Format(time.RFC3339), err)
	}
	if rate.Sign() <= 0 {
		return Money{}, Invalid("rate", "%s to %s rate %s is not positive", m.cur, to, rate)
	}
	// Scale by the difference in minor-unit digits, then multiply exactly.
	p := decimal.NewFromInt(m.minor).Mul(rate).Shift(int32(to.digits()) - int32(m.cur.digits()))
	p = mode.round(p)
	if p.GreaterThan(decMaxInt64) || p.LessThan(decMinInt64) {
		return Money{}, fmt.Errorf("convert %s to %s: %w", m, to, ErrOverflow)
	}
	return Money{minor: p.IntPart(), cur: to}, nil
}

// RateTable is a RateSource of dated rates: each rate is in force from its
// date until the next rate of the same pair. A pair with only the reverse
// rate is answered with its inverse (1 / rate, by Ratio). It is
// safe for concurrent use; the zero RateTable is empty and ready to use.
// A nil *RateTable refuses Set and Rate with errors matching ErrInvalid.
type RateTable struct {
	mu    sync.RWMutex
	pairs map[[2]Currency][]datedRate
}

var errNilRateTable = Invalid("rates", "nil RateTable")

type datedRate struct {
	from time.Time
	rate decimal.Decimal
}

// Set records that from one unit of from buys rate units of to, effective
// at effective. Setting the same pair and time again replaces the rate.
func (t *RateTable) Set(from, to Currency, effective time.Time, rate decimal.Decimal) error {
	if t == nil {
		return errNilRateTable
	}
	if from.IsZero() || to.IsZero() {
		return Invalid("currency", "rate needs both currencies")
	}
	if from == to {
		return Invalid("currency", "rate from %s to itself", from)
	}
	if rate.Sign() <= 0 {
		return Invalid("rate", "%s to %s rate %s is not positive", from, to, rate)
	}
	if effective.IsZero() {
		return Invalid("effective", "zero time")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.pairs == nil {
		t.pairs = make(map[[2]Currency][]datedRate)
	}
	k := [2]Currency{from, to}
	rs := t.pairs[k]
	i, found := slices.BinarySearchFunc(rs, effective, func(r datedRate, at time.Time) int { return r.from.Compare(at) })
	if found {
		rs[i].rate = rate
	} else {
		rs = slices.Insert(rs, i, datedRate{from: effective, rate: rate})
	}
	t.pairs[k] = rs
	return nil
}

// Rate implements RateSource. It returns ErrNotFound when no rate for the
// pair (or its reverse) is in force at at; a nil table or a nil ctx is
// an error matching ErrInvalid; a ctx that has ended, an error matching
// both ctx.Err() and ErrUnavailable, as a store's is.
func (t *RateTable) Rate(ctx context.Context, from, to Currency, at time.Time) (decimal.Decimal, error) {
	switch {
	case t == nil:
		return decimal.Decimal{}, errNilRateTable
	case ctx == nil:
		return decimal.Decimal{}, Invalid("ctx", "nil context")
	}
	if err := ctx.Err(); err != nil {
		return decimal.Decimal{}, fmt.Errorf("rate %s/%s: %w: %w", from, to, ErrUnavailable, err)
	}
	if from == to && !from.IsZero() {
		return decimal.NewFromInt(1), nil
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	if r, ok := lookupRate(t.pairs[[2]Currency{from, to}], at); ok {
		return r, nil
	}
	if r, ok := lookupRate(t.pairs[[2]Currency{to, from}], at); ok {
		return Ratio(decimal.NewFromInt(1), r)
	}
	return decimal.Decimal{}, fmt.Errorf("no %s to %s rate in force at %s: %w", from, to, at.Format(time.RFC3339), ErrNotFound)
}

func lookupRate(rs []datedRate, at time.Time) (decimal.Decimal, bool) {
	// The last rate whose effective time is at or before at.
	i, found := slices.BinarySearchFunc(rs, at, func(r datedRate, at time.Time) int { return r.from.Compare(at) })
	if found {
		return rs[i].rate, true
	}
	if i == 0 {
		return decimal.Decimal{}, false
	}
	return rs[i-1].rate, true
}
