package value

import (
	"fmt"
	"iter"
	"math/bits"
	"sort"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// Stage is a customer's lifecycle stage, derived from its revenue.
type Stage uint8

// The lifecycle stages, in the order a customer passes through them.
const (
	_ Stage = iota
	// StageTooNew: too new to judge; its value and tendency to switch
	// cannot be measured yet.
	StageTooNew
	// StageGrowth: revenue is rising.
	StageGrowth
	// StageMaturity: revenue is steady.
	StageMaturity
	// StageDecline: revenue is falling.
	StageDecline
	// StageLost: no revenue for a long time (worthless or lost).
	StageLost
)

var stagePlays = [...]string{
	"",
	"observe: value and tendency to switch cannot be measured yet",
	"grow: keep the customer growing",
	"raise margin, retain, cross-sell and up-sell",
	"find the reasons for the decline",
	"collect debts and stop service",
}

// Play returns what to do with a customer in stage s (DOMAIN.md section
// 5): grow; raise margin, retain, cross-sell and up-sell; find the
// reasons; collect debts and stop service.
func (s Stage) Play() string {
	if s != 0 && int(s) < len(stagePlays) {
		return stagePlays[s]
	}
	return ""
}

// LifecycleRules say how a stage is derived from monthly revenue. Zero
// fields take the defaults in brackets. The rules apply in this order:
//
//  1. Lost: no revenue in the last LostAfter months [6] after revenue
//     before them.
//  2. Too new: no revenue at all, or fewer than MinHistory months [6]
//     since the first month with revenue.
//  3. Otherwise compare the revenue of the last Window months [3]
//     (recent) with the Window months before (prior): growth when recent >
//     prior × (1 + GrowthAbove [0.10]) or prior is zero; decline when
//     recent < prior × (1 − DeclineBelow [0.10]); maturity otherwise.
//
// Independently of the stage, a customer is flagged FallenFromPeak when
// its best Window-month revenue ever (the peak) is positive and the recent
// revenue is at most FallenShare [0.5] of it: it once bought big and now
// buys little, and is not to be ignored.
//
// Ratios must be in [0, 1) with at most 6 decimal places; MinHistory must
// be at least 2 × Window.
type LifecycleRules struct {
	Window       int
	MinHistory   int
	LostAfter    int
	GrowthAbove  decimal.Decimal
	DeclineBelow decimal.Decimal
	FallenShare  decimal.Decimal
}

// Assessment is the outcome of classifying one customer: the stage and
// its play, the recent, prior and peak window revenue, and the
// once-big-now-small flag.
type Assessment struct {
	Stage          Stage
	Recent         crmkit.Money
	Prior          crmkit.Money
	Peak           crmkit.Money
	FallenFromPeak bool
}

// Play returns the play of the assessed stage.
func (a Assessment) Play() string { return a.Stage.Play() }

// Classifier applies checked LifecycleRules; build it once with
// NewClassifier and classify many accounts with it.
type Classifier struct {
	window, minHistory, lostAfter int
	growth, decline, fallen       uint64 // parts per million
}

const ppm = 1_000_000

func ratioPPM(field string, d, def decimal.Decimal) (uint64, error) {
	if d.IsZero() {
		d = def
	}
	d, err := checkRate(field, d)
	if err != nil {
		return 0, err
	}
	if d.Sign() < 0 || !d.LessThan(decimal.NewFromInt(1)) {
		return 0, crmkit.Invalid(field, "%s is outside [0, 1)", d)
	}
	s := d.Shift(6)
	if !s.Equal(s.Truncate(0)) {
		return 0, crmkit.Invalid(field, "%s has more than 6 decimal places", d)
	}
	return uint64(s.IntPart()), nil
}

// NewClassifier checks rules, filling in the defaults.
func NewClassifier(rules LifecycleRules) (*Classifier, error) {
	c := &Classifier{window: rules.Window, minHistory: rules.MinHistory, lostAfter: rules.LostAfter}
	if c.window == 0 {
		c.window = 3
	}
	if c.minHistory == 0 {
		c.minHistory = 6
	}
	if c.lostAfter == 0 {
		c.lostAfter = 6
	}
	switch {
	case c.window < 1 || c.window > 120:
		return nil, crmkit.Invalid("window", "%d months: want 1..120", c.window)
	case c.minHistory < 2*c.window:
		return nil, crmkit.Invalid("min history", "%d months is less than two windows of %d", c.minHistory, c.window)
	case c.lostAfter < 1:
		return nil, crmkit.Invalid("lost after", "%d months", c.lostAfter)
	}
	var err error
	if c.growth, err = ratioPPM("growth above", rules.GrowthAbove, decimal.New(1, -1)); err != nil {
		return nil, err
	}
	if c.decline, err = ratioPPM("decline below", rules.DeclineBelow, decimal.New(1, -1)); err != nil {
		return nil, err
	}
	if c.fallen, err = ratioPPM("fallen share", rules.FallenShare, decimal.New(5, -1)); err != nil {
		return nil, err
	}
	return c, nil
}

// cmpScaled compares a·x with b·y exactly (128-bit products).
func cmpScaled(a, x, b, y uint64) int {
	h1, l1 := bits.Mul64(a, x)
	h2, l2 := bits.Mul64(b, y)
	switch {
	case h1 != h2:
		if h1 < h2 {
			return -1
		}
		return 1
	case l1 < l2:
		return -1
	case l1 > l2:
		return 1
	}
	return 0
}

// Classify derives the stage of a customer from its monthly revenue,
// oldest month first, the last being the latest complete month. All
// amounts must be in one currency (ErrCurrencyMismatch) and non-negative
// (ErrInvalid); an empty history is ErrInvalid; window sums beyond int64
// are ErrOverflow. The result depends on the history and the rules only.
// A nil or zero Classifier (not built by NewClassifier) is ErrInvalid.
func (c *Classifier) Classify(history []crmkit.Money) (Assessment, error) {
	if c == nil || c.window == 0 {
		return Assessment{}, crmkit.Invalid("classifier", "nil or zero classifier: build it with NewClassifier")
	}
	n := len(history)
	if n == 0 {
		return Assessment{}, crmkit.Invalid("history", "no months of revenue")
	}
	cur := history[0].Currency()
	if cur.IsZero() {
		return Assessment{}, crmkit.Invalid("history", "revenue without currency")
	}
	first := -1
	lastPaid := -1
	for i := range history {
		m := history[i]
		if m.Currency() != cur {
			return Assessment{}, fmt.Errorf("lifecycle: month %d in %s, month 0 in %s: %w", i, m.Currency(), cur, crmkit.ErrCurrencyMismatch)
		}
		if v := m.Minor(); v < 0 {
			return Assessment{}, crmkit.Invalid(fmt.Sprintf("history[%d]", i), "negative monthly revenue %s", m)
		} else if v > 0 {
			if first < 0 {
				first = i
			}
			lastPaid = i
		}
	}
	w := c.window
	// Window sums: recent, prior and the peak of every w-month window.
	var run, peak, recent, prior uint64
	for i := range history {
		v := uint64(history[i].Minor())
		if run += v; run < v || run > 1<<63-1 {
			return Assessment{}, fmt.Errorf("lifecycle: window revenue: %w", crmkit.ErrOverflow)
		}
		if i >= w {
			run -= uint64(history[i-w].Minor())
		}
		if i >= w-1 && run > peak {
			peak = run
		}
		if i == n-1-w {
			prior = run
		}
	}
	recent = run
	if n < w {
		peak = run
	}
	if n < 2*w {
		prior = 0
		if n > w {
			for _, m := range history[:n-w] {
				prior += uint64(m.Minor())
			}
		}
	}
	a := Assessment{Recent: money(recent, cur), Prior: money(prior, cur), Peak: money(peak, cur)}
	a.FallenFromPeak = peak > 0 && cmpScaled(recent, ppm, peak, c.fallen) <= 0
	switch {
	case first >= 0 && n-1-lastPaid >= c.lostAfter:
		a.Stage = StageLost
	case first < 0 || n-first < c.minHistory:
		a.Stage = StageTooNew
	case prior == 0 || cmpScaled(recent, ppm, prior, ppm+c.growth) > 0:
		a.Stage = StageGrowth
	case cmpScaled(recent, ppm, prior, ppm-c.decline) < 0:
		a.Stage = StageDecline
	default:
		a.Stage = StageMaturity
	}
	return a, nil
}

func money(v uint64, cur crmkit.Currency) crmkit.Money {
	m, _ := crmkit.NewMoney(int64(v), cur)
	return m
}

// MonthlyRevenue buckets dated amounts (invoices, recognised revenue) into
// the months of cal from the one containing since to the one containing
// asOf, oldest first: the history Classify takes, as of asOf. Amounts at or
// after since and at or before asOf count (a sale at exactly asOf is in
// the last month, as "as of" means in every crmkit package); others are
// left out. A partial first or last month is a bucket of its own. A zero
// asOf, one before since and nil amounts are ErrInvalid; amounts must be in cur
// (ErrCurrencyMismatch); a month's sum beyond int64 is ErrOverflow.
func MonthlyRevenue(cal crmkit.Calendar, since, asOf time.Time, cur crmkit.Currency, amounts iter.Seq2[time.Time, crmkit.Money]) ([]crmkit.Money, error) {
	if cur.IsZero() {
		return nil, crmkit.Invalid("currency", "monthly revenue without currency")
	}
	if asOf.IsZero() {
		return nil, crmkit.Invalid("as of", "zero time")
	}
	if asOf.Before(since) {
		return nil, crmkit.Invalid("as of", "%s is before since %s", asOf.Format(time.RFC3339Nano), since.Format(time.RFC3339Nano))
	}
	if amounts == nil {
		return nil, crmkit.Invalid("amounts", "nil iterator")
	}
	// Times have nanosecond resolution: [since, asOf] is the half-open
	// period that ends one nanosecond after asOf.
	p := crmkit.Period{Start: since, End: asOf.Add(time.Nanosecond)}
	months := cal.Months(p)
	out := make([]crmkit.Money, len(months))
	for i := range out {
		out[i], _ = crmkit.NewMoney(0, cur)
	}
	for at, m := range amounts {
		if !p.Contains(at) {
			continue
		}
		i := sort.Search(len(months), func(i int) bool { return at.Before(months[i].End) })
		s, err := out[i].Add(m)
		if err != nil {
			return nil, fmt.Errorf("monthly revenue of %s: %w", months[i], err)
		}
		out[i] = s
	}
	return out, nil
}
