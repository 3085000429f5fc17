package clv

import (
	"cmp"
	"iter"
	"math"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
)

// Transaction is one purchase: who bought, when, and for how much.
//
// Amount is a float64 in the currency's major unit (dollars, euros), not a
// crmkit.Money. The CLV models are float64 statistical models and every
// figure derived from amounts (the mean order value, the Gamma-Gamma
// estimate, CLV itself) is an estimate, never a ledger sum that must be exact
// to the minor unit; converting at this edge keeps the models free of
// currency bookkeeping. A caller holding a crmkit.Money m converts once with
// m.Decimal().InexactFloat64() and must not mix currencies in one summary.
type Transaction struct {
	// Customer is the customer's key in the host application; it must not be
	// empty.
	Customer string
	// Time is when the purchase happened. Purchases on the same calendar day
	// (in SummaryOptions.Location) are merged into one transaction.
	Time time.Time
	// Amount is the value of the purchase, finite and not negative.
	Amount float64
}

// Unit is the length of the models' time unit, in days. The CDNOW papers
// measure time in weeks of seven days (Week): a purchase 10 days after the
// first one has recency 10/7 = 1.43, whatever the calendar week it falls in.
type Unit float64

// Common time units.
const (
	Day  Unit = 1
	Week Unit = 7
)

// SummaryOptions says how Summarize turns transactions into per-customer
// summaries.
type SummaryOptions struct {
	// CalibrationEnd is the last day of the calibration period (inclusive).
	// Only its calendar date in Location matters. Customers whose first
	// purchase falls after it are not part of the cohort and are left out.
	CalibrationEnd time.Time
	// HoldoutEnd is the last day of the holdout period (inclusive). The zero
	// time means no holdout period. Transactions after the last day
	// observed are ignored.
	HoldoutEnd time.Time
	// Unit is the time unit of recency, age and the holdout length; it must
	// be positive. Use Week for the CDNOW convention.
	Unit Unit
	// Location sets the day boundaries used to merge same-day purchases and
	// to count days. Nil means UTC.
	Location *time.Location
}

// Customer is the per-customer summary the purchase models are fitted to:
// Fader, Hardie and Lee's (x, t_x, T) plus the mean order value and the
// holdout counts.
type Customer struct {
	// ID is the customer's key.
	ID string
	// Frequency is x, the number of repeat purchases (distinct purchase days
	// after the first) in the calibration period.
	Frequency int
	// Recency is t_x, the time of the last calibration purchase measured from
	// the first purchase, in the summary's unit; 0 when Frequency is 0.
	Recency float64
	// T is the customer's age: the time from the first purchase to the end of
	// the calibration period, in the summary's unit. Recency <= T.
	T float64
	// MonetaryValue is the mean value of the repeat purchases (same-day
	// purchases summed) in the calibration period, the first purchase
	// excluded; 0 when Frequency is 0. It is the Gamma-Gamma model's m.
	MonetaryValue float64
	// FirstPurchase is the calendar day of the first purchase (midnight in
	// the summary's location). Summaries built by hand may leave it zero.
	FirstPurchase time.Time
	// HoldoutFrequency is the number of purchase days in the holdout period.
	HoldoutFrequency int
	// HoldoutMonetaryValue is the mean value of the holdout purchase days; 0
	// when HoldoutFrequency is 0.
	HoldoutMonetaryValue float64
}

// Summary is the result of Summarize: the cohort's per-customer summaries
// and what the tracking comparison needs.
type Summary struct {
	// Customers holds one summary per customer whose first purchase falls in
	// the calibration period, sorted by ID.
	Customers []Customer
	// Start is the day of the cohort's earliest first purchase, the origin of
	// the tracking time axis.
	Start time.Time
	// CalibrationEnd and HoldoutEnd are the last days of the two periods
	// (HoldoutEnd equals CalibrationEnd when there is no holdout).
	CalibrationEnd, HoldoutEnd time.Time
	// Unit is the time unit of every duration in the summary.
	Unit Unit
	// Holdout is the length of the holdout period in Unit.
	Holdout float64
	// Excluded counts the customers of the transactions left out because
	// their first purchase falls after the calibration period, with or
	// without a holdout period and wherever after it the purchase falls.
	Excluded int

	// repeats holds the day (counted from Start) of every repeat purchase
	// of the cohort, calibration and holdout, in increasing order; nil when
	// the summary was not built by Summarize.
	repeats []int64
	// days is the number of days from Start to HoldoutEnd, inclusive.
	days int64
}

type dayAmount struct {
	customer int32
	day      int64
	amount   float64
}

// civilDay returns the number of days from 1970-01-01 to t's calendar date
// in loc.
func civilDay(t time.Time, loc *time.Location) int64 {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func dayTime(day int64, loc *time.Location) time.Time {
	u := time.Unix(day*86400, 0).UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, loc)
}

// Summarize reads transactions once and returns each customer's summary
// over a calibration period and an optional holdout period, in the
// caller's time unit:
//
//	x   = distinct purchase days in the calibration period - 1
//	t_x = (last calibration purchase day - first purchase day) / unit
//	T   = (calibration end day - first purchase day) / unit
//	m   = mean value of the repeat calibration purchase days
//
// With SummaryOptions{CalibrationEnd: 1997-09-30, Unit: Week} the CDNOW
// sample gives the summary published with the BG/NBD paper. Transactions may
// come in any order. An empty id, a zero time, a negative or non-finite
// amount, a non-positive unit or a holdout ending before the calibration
// period are errors wrapping crmkit.ErrInvalid, as is a stream with no
// customer in the calibration period.
func Summarize(transactions iter.Seq[Transaction], opts SummaryOptions) (Summary, error) {
	u := float64(opts.Unit)
	if !(u > 0) || math.IsInf(u, 1) {
		return Summary{}, crmkit.Invalid("unit", "must be a positive number of days, got %v", u)
	}
	if opts.CalibrationEnd.IsZero() {
		return Summary{}, crmkit.Invalid("calibration end", "must be set")
	}
	if transactions == nil {
		return Summary{}, crmkit.Invalid("transactions", "nil sequence")
	}
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	calEnd := civilDay(opts.CalibrationEnd, loc)
	obsEnd := calEnd
	if !opts.HoldoutEnd.IsZero() {
		obsEnd = civilDay(opts.HoldoutEnd, loc)
		if obsEnd < calEnd {
			return Summary{}, crmkit.Invalid("holdout end", "%s is before the calibration end %s",
				opts.HoldoutEnd.Format(time.DateOnly), opts.CalibrationEnd.Format(time.DateOnly))
		}
	}

	index := make(map[string]int32)
	var ids []string
	var firstDay []int64 // per customer index: the earliest purchase day
	var recs []dayAmount
	n := 0
	for tx := range transactions {
		i := n
		n++
		if tx.Customer == "" {
			return Summary{}, crmkit.Invalid(field("transactions", i, "customer"), "empty customer id")
		}
		if tx.Time.IsZero() {
			return Summary{}, crmkit.Invalid(field("transactions", i, "time"), "zero time for customer %q", tx.Customer)
		}
		if math.IsNaN(tx.Amount) || math.IsInf(tx.Amount, 0) || tx.Amount < 0 {
			return Summary{}, crmkit.Invalid(field("transactions", i, "amount"), "must be finite and not negative, got %v for customer %q", tx.Amount, tx.Customer)
		}
		day := civilDay(tx.Time, loc)
		c, ok := index[tx.Customer]
		if !ok {
			c = int32(len(ids))
			index[tx.Customer] = c
			ids = append(ids, tx.Customer)
			firstDay = append(firstDay, day)
		}
		firstDay[c] = min(firstDay[c], day)
		if day > obsEnd {
			continue
		}
		recs = append(recs, dayAmount{customer: c, day: day, amount: tx.Amount})
	}
	slices.SortFunc(recs, func(a, b dayAmount) int {
		if c := cmp.Compare(a.customer, b.customer); c != 0 {
			return c
		}
		return cmp.Compare(a.day, b.day)
	})

	s := Summary{Unit: opts.Unit, Holdout: float64(obsEnd-calEnd) / u}
	var repeatDays []int64
	start := int64(math.MaxInt64)
	for i := 0; i < len(recs); {
		c := recs[i].customer
		first := recs[i].day
		if first > calEnd {
			for i < len(recs) && recs[i].customer == c {
				i++
			}
			continue
		}
		start = min(start, first)
		cust := Customer{ID: ids[c], FirstPurchase: dayTime(first, loc), T: float64(calEnd-first) / u}
		var calSum, holdSum float64
		for i < len(recs) && recs[i].customer == c {
			d := recs[i].day
			amount := 0.0
			for i < len(recs) && recs[i].customer == c && recs[i].day == d {
				amount += recs[i].amount
				i++
			}
			if d != first {
				repeatDays = append(repeatDays, d)
			}
			switch {
			case d == first:
			case d <= calEnd:
				cust.Frequency++
				cust.Recency = float64(d-first) / u
				calSum += amount
			default:
				cust.HoldoutFrequency++
				holdSum += amount
			}
		}
		if cust.Frequency > 0 {
			cust.MonetaryValue = calSum / float64(cust.Frequency)
		}
		if cust.HoldoutFrequency > 0 {
			cust.HoldoutMonetaryValue = holdSum / float64(cust.HoldoutFrequency)
		}
		s.Customers = append(s.Customers, cust)
	}
	for _, d := range firstDay {
		if d > calEnd {
			s.Excluded++
		}
	}
	if len(s.Customers) == 0 {
		return Summary{}, crmkit.Invalid("transactions", "no customer made a first purchase on or before the calibration end %s",
			opts.CalibrationEnd.Format(time.DateOnly))
	}
	slices.SortFunc(s.Customers, func(a, b Customer) int { return cmp.Compare(a.ID, b.ID) })
	s.Start = dayTime(start, loc)
	s.CalibrationEnd = dayTime(calEnd, loc)
	s.HoldoutEnd = dayTime(obsEnd, loc)
	for i := range repeatDays {
		repeatDays[i] -= start
	}
	slices.Sort(repeatDays)
	s.repeats = repeatDays
	if s.repeats == nil {
		s.repeats = []int64{}
	}
	s.days = obsEnd - start + 1
	return s, nil
}
