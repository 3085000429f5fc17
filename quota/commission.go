package quota

import (
	"fmt"
	"iter"
	"maps"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/kpi"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// TierBasis says what a commission plan's tier bounds measure.
type TierBasis uint8

// The tier bases.
const (
	// OnAttainment bounds tiers by attainment: 0.5 is 50% of the rep's
	// quota for the period, 1 is 100%.
	OnAttainment TierBasis = iota + 1
	// OnRevenue bounds tiers by credited revenue in major units of the
	// plan's currency (no quota needed).
	OnRevenue
)

// TierMethod says how tiers apply to credited revenue.
type TierMethod uint8

// The tier methods.
const (
	// Marginal pays each slice of credited revenue at its own tier's rate,
	// like income tax brackets: commission is continuous and never falls
	// as revenue grows.
	Marginal TierMethod = iota + 1
	// Retroactive pays all credited revenue at the rate of the tier it
	// reaches: crossing a bound lifts the rate on everything below it too.
	Retroactive
)

// Tier is one band of a commission plan: credited revenue from From up
// to, not including, To (no upper bound when To is null) pays Rate, a
// fraction in [0, 1] (0.08 is 8%; crmkit.CheckFraction). A band below a threshold with a lower rate is a decelerator; a
// band above 100% attainment with a higher rate is an accelerator.
type Tier struct {
	From  decimal.Decimal     `json:"from"`
	To    decimal.NullDecimal `json:"to"`
	Rate  decimal.Decimal     `json:"rate"`
	Label string              `json:"label,omitempty"`
}

// Draw is an advance against future commission: each statement pays at
// least Amount. A recoverable draw is paid back from later earnings above
// it; a non-recoverable draw is a guarantee and is forgiven.
type Draw struct {
	Amount      crmkit.Money `json:"amount"`
	Recoverable bool         `json:"recoverable,omitempty"`
}

// CommissionPlan says how reps are paid on credited revenue: the tiers and
// how they apply, a cap, a draw, and how long a cancelled deal's
// commission can be clawed back. Statements cover the periods of Grain in
// Calendar. It is configuration as data: build it in code or load it from
// JSON, and Validate it.
type CommissionPlan struct {
	ID       uuid.UUID       `json:"id"`
	Version  int64           `json:"version"`
	Name     string          `json:"name"`
	Currency crmkit.Currency `json:"currency"`
	Basis    TierBasis       `json:"basis"`
	Method   TierMethod      `json:"method"`
	Tiers    []Tier          `json:"tiers"`
	// Cap is the most commission a statement pays before clawbacks and
	// draws; zero means no cap.
	Cap  crmkit.Money `json:"cap,omitzero"`
	Draw Draw         `json:"draw,omitzero"`
	// ClawbackDays is how long after closing a cancelled deal's commission
	// is taken back; zero means never.
	ClawbackDays int                 `json:"clawback_days,omitempty"`
	Rounding     crmkit.RoundingMode `json:"rounding"`
	Calendar     CalendarSpec        `json:"calendar"`
	Grain        Grain               `json:"grain"`
}

// Validate checks the plan: a currency, a known basis, method, grain,
// calendar and rounding mode; tiers that start at 0, follow each other
// without overlap or gap and end open; rates that are fractions in
// [0, 1] (crmkit.CheckFraction); a cap and a draw in the plan's currency,
// not negative. Errors match crmkit.ErrInvalid (a cap or draw in another
// currency crmkit.ErrCurrencyMismatch).
func (cp CommissionPlan) Validate() error {
	_, err := cp.calendar()
	return err
}

func (cp CommissionPlan) calendar() (crmkit.Calendar, error) {
	if cp.Currency.IsZero() {
		return crmkit.Calendar{}, crmkit.Invalid("currency", "commission plan %q has no currency", cp.Name)
	}
	if cp.Basis != OnAttainment && cp.Basis != OnRevenue {
		return crmkit.Calendar{}, crmkit.Invalid("basis", "%d is not attainment or revenue", cp.Basis)
	}
	if cp.Method != Marginal && cp.Method != Retroactive {
		return crmkit.Calendar{}, crmkit.Invalid("method", "%d is not marginal or retroactive", cp.Method)
	}
	if !cp.Grain.Valid() {
		return crmkit.Calendar{}, crmkit.Invalid("grain", "%s is not halves, quarters or months", cp.Grain)
	}
	if err := checkRounding(cp.Rounding); err != nil {
		return crmkit.Calendar{}, err
	}
	if len(cp.Tiers) == 0 {
		return crmkit.Calendar{}, crmkit.Invalid("tiers", "no tiers")
	}
	for i, t := range cp.Tiers {
		f := fmt.Sprintf("tiers[%d]", i)
		if err := crmkit.CheckFraction(f+".rate", t.Rate); err != nil {
			return crmkit.Calendar{}, err
		}
		if i == 0 && !t.From.IsZero() {
			return crmkit.Calendar{}, crmkit.Invalid(f, "the first tier starts at %s, not 0: a gap below it", t.From)
		}
		if t.To.Valid && !t.To.Decimal.GreaterThan(t.From) {
			return crmkit.Calendar{}, crmkit.Invalid(f, "ends at %s, not after its start %s", t.To.Decimal, t.From)
		}
		if i == len(cp.Tiers)-1 {
			if t.To.Valid {
				return crmkit.Calendar{}, crmkit.Invalid(f, "the last tier ends at %s: a gap above it (leave its end open)", t.To.Decimal)
			}
			break
		}
		if !t.To.Valid {
			return crmkit.Calendar{}, crmkit.Invalid(f, "has no end but tier %d follows: they overlap", i+1)
		}
		switch next := cp.Tiers[i+1].From; next.Cmp(t.To.Decimal) {
		case -1:
			return crmkit.Calendar{}, crmkit.Invalid(fmt.Sprintf("tiers[%d]", i+1), "starts at %s, before tier %d ends at %s: they overlap", next, i, t.To.Decimal)
		case 1:
			return crmkit.Calendar{}, crmkit.Invalid(fmt.Sprintf("tiers[%d]", i+1), "starts at %s, after tier %d ends at %s: a gap", next, i, t.To.Decimal)
		}
	}
	for _, m := range []struct {
		field string
		m     crmkit.Money
	}{{"cap", cp.Cap}, {"draw", cp.Draw.Amount}} {
		if m.m.IsZero() {
			continue
		}
		if m.m.Currency() != cp.Currency {
			return crmkit.Calendar{}, fmt.Errorf("%s %s in a %s plan: %w", m.field, m.m, cp.Currency, crmkit.ErrCurrencyMismatch)
		}
		if m.m.Sign() < 0 {
			return crmkit.Calendar{}, crmkit.Invalid(m.field, "negative %s", m.m)
		}
	}
	if cp.ClawbackDays < 0 {
		return crmkit.Calendar{}, crmkit.Invalid("clawback days", "negative %d", cp.ClawbackDays)
	}
	return cp.Calendar.Calendar()
}

// Period returns the statement period of the plan containing t.
func (cp CommissionPlan) Period(t time.Time) (crmkit.Period, error) {
	cal, err := cp.calendar()
	if err != nil {
		return crmkit.Period{}, err
	}
	return cp.period(cal, t), nil
}

func (cp CommissionPlan) period(cal crmkit.Calendar, t time.Time) crmkit.Period {
	switch cp.Grain {
	case Halves:
		return cal.Half(t)
	case Quarters:
		return cal.Quarter(t)
	}
	return cal.Month(t)
}

// LineKind says what a statement line is.
type LineKind uint8

// The kinds of statement lines, in the order they appear.
const (
	// LineTier pays a slice of credited revenue (marginal) or all of it
	// (retroactive) at a tier's rate.
	LineTier LineKind = iota + 1
	// LineCap takes back what the tiers paid above the cap.
	LineCap
	// LineClawback takes back the commission paid on a deal cancelled
	// within the clawback window.
	LineClawback
	// LineBalance recovers the balance the rep owed from earlier
	// statements (a recoverable draw, clawbacks not yet covered).
	LineBalance
	// LineDraw tops the payout up to the draw.
	LineDraw
	// LineCarry carries a negative result forward as a balance owed, so
	// that the payout is never negative.
	LineCarry
)

// Line is one line of a statement: an amount and the arithmetic behind it.
// The amounts of a statement's lines sum to its payout.
type Line struct {
	Kind LineKind
	// Tier is the index of the tier of a LineTier.
	Tier  int
	Label string
	// Deal is the cancelled deal of a LineClawback.
	Deal string
	// Base is what Rate applies to: the slice of credited revenue of a
	// tier line.
	Base   crmkit.Money
	Rate   decimal.Decimal
	Amount crmkit.Money
	// Text explains the line in words and numbers.
	Text string
}

// SaleSplit is one rep's share of a sale: revenue credit follows the
// deal's splits. Weight is a share, not an amount: weights are in any one
// unit (basis points, percent) and only their ratios count; a sale's
// credits are its amount shared by weight, exactly to the minor unit.
type SaleSplit struct {
	Rep    string
	Weight int64
}

// Sale is a won deal as commission sees it: an amount closed at a time,
// shared among reps by Splits, possibly cancelled later.
type Sale struct {
	ID        string
	Amount    crmkit.Money
	Closed    time.Time
	Cancelled time.Time
	Splits    []SaleSplit
}

// Credits shares the sale's amount among its reps by their split weights
// (largest remainder: the credits sum exactly to the amount), in the order
// of Splits. No splits, an empty or repeated rep, a negative weight or
// weights summing to zero are errors matching crmkit.ErrInvalid.
func (s Sale) Credits() ([]crmkit.Money, error) {
	if len(s.Splits) == 0 {
		return nil, crmkit.Invalid("splits", "sale %q has no rep to credit", s.ID)
	}
	ws := make([]int64, len(s.Splits))
	for i, sp := range s.Splits {
		if sp.Rep == "" {
			return nil, crmkit.Invalid(fmt.Sprintf("splits[%d]", i), "sale %q: empty rep", s.ID)
		}
		for _, o := range s.Splits[:i] {
			if o.Rep == sp.Rep {
				return nil, crmkit.Invalid(fmt.Sprintf("splits[%d]", i), "sale %q credits %q twice", s.ID, sp.Rep)
			}
		}
		ws[i] = sp.Weight
	}
	parts, err := s.Amount.Allocate(ws...)
	if err != nil {
		return nil, fmt.Errorf("credits of sale %q: %w", s.ID, err)
	}
	return parts, nil
}

func (cp CommissionPlan) checkSale(s Sale) error {
	if s.Amount.Currency() != cp.Currency {
		return fmt.Errorf("sale %q: amount %s in a %s plan: %w", s.ID, s.Amount, cp.Currency, crmkit.ErrCurrencyMismatch)
	}
	if s.Amount.Sign() < 0 {
		return crmkit.Invalid("amount", "sale %q: negative amount %s (cancel the sale instead)", s.ID, s.Amount)
	}
	if s.Closed.IsZero() {
		return crmkit.Invalid("closed", "sale %q has no closing time", s.ID)
	}
	if !s.Cancelled.IsZero() && s.Cancelled.Before(s.Closed) {
		return crmkit.Invalid("cancelled", "sale %q cancelled before it closed", s.ID)
	}
	return nil
}

// DealCredit is one deal credited to a rep in a statement: the deal's
// amount, the rep's split, the credit and the commission attributed to the
// deal (the statement's earnings shared by credit, exactly), which is what
// a clawback takes back. Weight is the rep's SaleSplit weight: a share,
// not an amount (only its ratio to the sale's other weights counts).
type DealCredit struct {
	Deal       string
	Amount     crmkit.Money
	Weight     int64
	Credit     crmkit.Money
	Commission crmkit.Money
}

// Statement is one rep's commission for one period, every amount
// explained: the deals credited, the tier lines, then cap, clawbacks,
// balance and draw. The amounts of Lines sum to Payout; the credits of
// Credits sum to Credited and their commissions to Earned.
type Statement struct {
	Rep        string
	Period     crmkit.Period
	Quota      crmkit.Money
	Credited   crmkit.Money
	Attainment decimal.NullDecimal
	Credits    []DealCredit
	Lines      []Line
	// Earned is what the tiers pay after the cap.
	Earned crmkit.Money
	// Clawback is the commission taken back on cancelled deals (<= 0).
	Clawback crmkit.Money
	// Opening and Closing are the balances the rep owes before and after
	// this statement (recoverable draws, uncovered clawbacks).
	Opening crmkit.Money
	Closing crmkit.Money
	Payout  crmkit.Money
}

// QuotaFunc returns a rep's quota for a statement period. Plans on revenue
// need none and may pass nil.
type QuotaFunc func(rep string, period crmkit.Period) (crmkit.Money, error)

// Commission computes what credited revenue pays under the tiers for a
// quota (ignored on a revenue basis), before clawbacks and draws: the tier
// lines, the cap line if any, and their total. Under Marginal tiers the
// result is continuous and non-decreasing in credited (each line is
// rounded once with the plan's rounding mode).
func (cp CommissionPlan) Commission(credited, quota crmkit.Money) (crmkit.Money, []Line, error) {
	if err := cp.Validate(); err != nil {
		return crmkit.Money{}, nil, err
	}
	return cp.commission(credited, quota)
}

func (cp CommissionPlan) commission(credited, quota crmkit.Money) (crmkit.Money, []Line, error) {
	zero, _ := crmkit.NewMoney(0, cp.Currency)
	if credited.Currency() != cp.Currency {
		return zero, nil, fmt.Errorf("credited %s in a %s plan: %w", credited, cp.Currency, crmkit.ErrCurrencyMismatch)
	}
	if credited.Sign() < 0 {
		return zero, nil, crmkit.Invalid("credited", "negative %s", credited)
	}
	scale := decimal.New(1, int32(cp.Currency.Digits()))
	what := "revenue"
	if cp.Basis == OnAttainment {
		if quota.Currency() != cp.Currency {
			return zero, nil, fmt.Errorf("quota %s in a %s plan: %w", quota, cp.Currency, crmkit.ErrCurrencyMismatch)
		}
		if quota.Sign() <= 0 {
			return zero, nil, crmkit.Invalid("quota", "%s: tiers on attainment need a positive quota", quota)
		}
		scale = decimal.NewFromInt(quota.Minor())
		what = "quota " + quota.String()
	}
	bound := func(b decimal.Decimal) int64 {
		v := b.Mul(scale).RoundBank(0)
		if v.GreaterThan(decimal.NewFromInt(1 << 62)) {
			return 1 << 62
		}
		return v.IntPart()
	}
	r := credited.Minor()
	var lines []Line
	total := zero
	pct := func(d decimal.Decimal) string { return d.Shift(2).String() + "%" }
	span := func(t Tier) string {
		f := t.From.String()
		if cp.Basis == OnAttainment {
			f = pct(t.From)
		}
		if !t.To.Valid {
			return "from " + f
		}
		to := t.To.Decimal.String()
		if cp.Basis == OnAttainment {
			to = pct(t.To.Decimal)
		}
		return f + " to " + to
	}
	addLine := func(i int, base int64) error {
		t := cp.Tiers[i]
		b, _ := crmkit.NewMoney(base, cp.Currency)
		amt, err := b.Mul(t.Rate, cp.Rounding)
		if err != nil {
			return err
		}
		if total, err = total.Add(amt); err != nil {
			return err
		}
		label := t.Label
		if label == "" {
			label = fmt.Sprintf("tier %d", i+1)
		}
		lines = append(lines, Line{Kind: LineTier, Tier: i, Label: label, Base: b, Rate: t.Rate, Amount: amt,
			Text: fmt.Sprintf("%s (%s of %s): %s x %s = %s", label, span(t), what, b, pct(t.Rate), amt)})
		return nil
	}
	for i, t := range cp.Tiers {
		lo := bound(t.From)
		hi := int64(1<<63 - 1)
		if t.To.Valid {
			hi = bound(t.To.Decimal)
		}
		if cp.Method == Retroactive {
			if (r >= lo && r < hi) || i == len(cp.Tiers)-1 {
				if err := addLine(i, r); err != nil {
					return zero, nil, err
				}
				break
			}
			continue
		}
		if r <= lo {
			break
		}
		if err := addLine(i, min(r, hi)-lo); err != nil {
			return zero, nil, err
		}
	}
	if !cp.Cap.IsZero() && total.Minor() > cp.Cap.Minor() {
		cut, _ := crmkit.NewMoney(cp.Cap.Minor()-total.Minor(), cp.Currency)
		lines = append(lines, Line{Kind: LineCap, Label: "cap", Amount: cut,
			Text: fmt.Sprintf("cap: tiers pay %s, the plan pays at most %s: %s", total, cp.Cap, cut)})
		total = cp.Cap
	}
	return total, lines, nil
}

// repCredits are one rep's deals credited in one period.
type repCredits struct {
	deals   []DealCredit
	credits []int64
	total   int64
}

func (rc *repCredits) add(s Sale, w int64, credit crmkit.Money) error {
	t, err := addUnits(rc.total, credit.Minor())
	if err != nil {
		return fmt.Errorf("credits: %w", err)
	}
	rc.total = t
	rc.deals = append(rc.deals, DealCredit{Deal: s.ID, Amount: s.Amount, Weight: w, Credit: credit})
	rc.credits = append(rc.credits, credit.Minor())
	return nil
}

// earn computes a rep's tier lines and earnings for a period and
// attributes them to the deals.
func (cp CommissionPlan) earn(rep string, per crmkit.Period, rc *repCredits, quotas QuotaFunc) (Statement, error) {
	st := Statement{Rep: rep, Period: per}
	st.Credited, _ = crmkit.NewMoney(rc.total, cp.Currency)
	if cp.Basis == OnAttainment {
		if quotas == nil {
			return Statement{}, crmkit.Invalid("quotas", "a plan on attainment needs a quota for rep %q", rep)
		}
		q, err := quotas(rep, per)
		if err != nil {
			return Statement{}, fmt.Errorf("quota of %q for %s: %w", rep, per, err)
		}
		st.Quota = q
		st.Attainment = ratio(kpi.Attainment(st.Credited, q))
	}
	earned, lines, err := cp.commission(st.Credited, st.Quota)
	if err != nil {
		return Statement{}, fmt.Errorf("rep %q, %s: %w", rep, per, err)
	}
	st.Earned, st.Lines, st.Credits = earned, lines, rc.deals
	if earned.Sign() > 0 && rc.total > 0 {
		parts, err := earned.Allocate(rc.credits...)
		if err != nil {
			return Statement{}, err
		}
		for i := range st.Credits {
			st.Credits[i].Commission = parts[i]
		}
	} else {
		for i := range st.Credits {
			st.Credits[i].Commission, _ = crmkit.NewMoney(0, cp.Currency)
		}
	}
	return st, nil
}

// Statement computes rep's statement for the plan period containing at
// (see Statements).
func (cp CommissionPlan) Statement(rep string, at time.Time, sales iter.Seq[Sale], quotas QuotaFunc, opening crmkit.Money) (Statement, error) {
	sts, err := cp.statements(at, sales, quotas, map[string]crmkit.Money{rep: opening}, rep)
	if err != nil {
		return Statement{}, err
	}
	return sts[0], nil
}

// Statements computes the statements of the plan period containing at for
// every rep credited on any of the sales or holding an opening balance in
// openings, ordered by rep.
//
// A sale is credited in the period it closed in, to its reps by their
// splits, unless it was cancelled before that period ended. A sale
// cancelled in this period that closed in an earlier one, within
// ClawbackDays, claws back the commission its statement attributed to it
// (recomputed from the sales as that period ended). Then the opening
// balance is recovered, the payout topped up to the draw, and a negative
// result carried forward as the closing balance.
//
// Sales in another currency (crmkit.ErrCurrencyMismatch), with negative
// amounts, bad splits or no closing time, an invalid plan, a missing quota
// on an attainment basis and negative balances are errors; nothing is
// computed for anyone.
func (cp CommissionPlan) Statements(at time.Time, sales iter.Seq[Sale], quotas QuotaFunc, openings map[string]crmkit.Money) ([]Statement, error) {
	return cp.statements(at, sales, quotas, openings, "")
}

func (cp CommissionPlan) statements(at time.Time, sales iter.Seq[Sale], quotas QuotaFunc, openings map[string]crmkit.Money, only string) ([]Statement, error) {
	if sales == nil {
		return nil, crmkit.Invalid("sales", "nil sequence")
	}
	cal, err := cp.calendar()
	if err != nil {
		return nil, err
	}
	for rep, b := range openings {
		if b.IsZero() {
			continue
		}
		if b.Currency() != cp.Currency {
			return nil, fmt.Errorf("opening balance of %q is %s in a %s plan: %w", rep, b, cp.Currency, crmkit.ErrCurrencyMismatch)
		}
		if b.Sign() < 0 {
			return nil, crmkit.Invalid("opening balance", "rep %q: negative %s (a balance is what the rep owes)", rep, b)
		}
	}
	per := cp.period(cal, at)
	window := time.Duration(cp.ClawbackDays) * 24 * time.Hour
	current := map[string]*repCredits{}
	type claw struct {
		sale Sale
		rep  string
		orig crmkit.Period
	}
	var claws []claw
	reps := map[string]bool{}
	var all []Sale // kept only when clawbacks need earlier periods
	for s := range sales {
		if err := cp.checkSale(s); err != nil {
			return nil, err
		}
		credits, err := s.Credits()
		if err != nil {
			return nil, err
		}
		for _, sp := range s.Splits {
			reps[sp.Rep] = true
		}
		if per.Contains(s.Closed) && (s.Cancelled.IsZero() || !s.Cancelled.Before(per.End)) {
			for i, sp := range s.Splits {
				if only != "" && sp.Rep != only {
					continue
				}
				rc := current[sp.Rep]
				if rc == nil {
					rc = &repCredits{}
					current[sp.Rep] = rc
				}
				if err := rc.add(s, sp.Weight, credits[i]); err != nil {
					return nil, fmt.Errorf("rep %q: %w", sp.Rep, err)
				}
			}
		}
		if cp.ClawbackDays > 0 && !s.Cancelled.IsZero() && per.Contains(s.Cancelled) && s.Closed.Before(per.Start) &&
			s.Cancelled.Sub(s.Closed) <= window {
			orig := cp.period(cal, s.Closed)
			for _, sp := range s.Splits {
				if only == "" || sp.Rep == only {
					claws = append(claws, claw{sale: s, rep: sp.Rep, orig: orig})
				}
			}
		}
		// A clawed-back deal closed at most window before this period; the
		// other deals of its period at most one period (half a year) before.
		if cp.ClawbackDays > 0 && s.Closed.Before(per.Start) && !s.Closed.Before(per.Start.Add(-window-190*24*time.Hour)) {
			all = append(all, s)
		}
	}
	// Earlier statements, as they stood when their period ended, for the
	// deals to claw back.
	type origKey struct {
		rep   string
		start int64
	}
	earlier := map[origKey]Statement{}
	for _, c := range claws {
		k := origKey{c.rep, c.orig.Start.UnixNano()}
		if _, ok := earlier[k]; ok {
			continue
		}
		rc := &repCredits{}
		for _, s := range all {
			if !c.orig.Contains(s.Closed) || (!s.Cancelled.IsZero() && s.Cancelled.Before(c.orig.End)) {
				continue
			}
			credits, _ := s.Credits() // checked above
			for i, sp := range s.Splits {
				if sp.Rep == c.rep {
					if err := rc.add(s, sp.Weight, credits[i]); err != nil {
						return nil, err
					}
				}
			}
		}
		st, err := cp.earn(c.rep, c.orig, rc, quotas)
		if err != nil {
			return nil, fmt.Errorf("clawback: %w", err)
		}
		earlier[k] = st
	}
	byRep := map[string][]clawItem{}
	for _, c := range claws {
		byRep[c.rep] = append(byRep[c.rep], clawItem{sale: c.sale, paid: earlier[origKey{c.rep, c.orig.Start.UnixNano()}]})
	}

	names := slices.Collect(maps.Keys(reps))
	for rep := range openings {
		if !reps[rep] {
			names = append(names, rep)
		}
	}
	if only != "" {
		names = []string{only}
	}
	slices.Sort(names)
	out := make([]Statement, 0, len(names))
	for _, rep := range names {
		rc := current[rep]
		if rc == nil {
			rc = &repCredits{}
		}
		st, err := cp.earn(rep, per, rc, quotas)
		if err != nil {
			return nil, err
		}
		if err := cp.settle(&st, openings[rep], byRep[rep]); err != nil {
			return nil, fmt.Errorf("rep %q: %w", rep, err)
		}
		out = append(out, st)
	}
	return out, nil
}

// clawItem is a cancelled deal and the statement that paid on it.
type clawItem struct {
	sale Sale
	paid Statement
}

// settle adds clawbacks, the balance and the draw to a statement and
// computes its payout and closing balance.
func (cp CommissionPlan) settle(st *Statement, opening crmkit.Money, claws []clawItem) error {
	zero, _ := crmkit.NewMoney(0, cp.Currency)
	st.Clawback, st.Opening = zero, zero
	if !opening.IsZero() {
		st.Opening = opening
	}
	for _, c := range claws {
		paid := zero
		for _, dc := range c.paid.Credits {
			if dc.Deal == c.sale.ID {
				paid = dc.Commission
			}
		}
		if paid.IsZero() {
			continue
		}
		neg, err := paid.Neg()
		if err != nil {
			return err
		}
		if st.Clawback, err = st.Clawback.Add(neg); err != nil {
			return err
		}
		st.Lines = append(st.Lines, Line{Kind: LineClawback, Label: "clawback", Deal: c.sale.ID, Amount: neg,
			Text: fmt.Sprintf("clawback: deal %s closed %s, cancelled %s; its commission in %s was %s",
				c.sale.ID, c.sale.Closed.Format(time.DateOnly), c.sale.Cancelled.Format(time.DateOnly),
				c.paid.Period.Start.Format(time.DateOnly), paid)})
	}
	avail, err := st.Earned.Add(st.Clawback)
	if err != nil {
		return err
	}
	if st.Opening.Sign() > 0 {
		rec, err := st.Opening.Neg()
		if err != nil {
			return err
		}
		st.Lines = append(st.Lines, Line{Kind: LineBalance, Label: "balance", Amount: rec,
			Text: fmt.Sprintf("balance owed from earlier statements: %s", rec)})
		if avail, err = avail.Add(rec); err != nil {
			return err
		}
	}
	payout := avail
	draw := cp.Draw.Amount
	if draw.IsZero() {
		draw = zero
	}
	if payout.Minor() < draw.Minor() {
		payout = draw
	}
	if payout.Sign() < 0 {
		payout = zero
	}
	st.Payout, st.Closing = payout, zero
	if gap := payout.Minor() - avail.Minor(); gap > 0 {
		g, _ := crmkit.NewMoney(gap, cp.Currency)
		debt := max(0, -avail.Minor()) // clawbacks and old balances stay owed
		switch {
		case payout.Sign() == 0:
			st.Lines = append(st.Lines, Line{Kind: LineCarry, Label: "carry forward", Amount: g,
				Text: fmt.Sprintf("carried forward as a balance owed: %s", g)})
			st.Closing = g
		case cp.Draw.Recoverable:
			st.Lines = append(st.Lines, Line{Kind: LineDraw, Label: "draw", Amount: g,
				Text: fmt.Sprintf("recoverable draw of %s: %s advanced, owed from later statements", draw, g)})
			st.Closing = g
		default:
			st.Lines = append(st.Lines, Line{Kind: LineDraw, Label: "draw", Amount: g,
				Text: fmt.Sprintf("guaranteed draw of %s: %s added", draw, g)})
			st.Closing, _ = crmkit.NewMoney(debt, cp.Currency)
		}
	}
	return nil
}

// String summarises the statement in one line.
func (st Statement) String() string {
	return fmt.Sprintf("%s %s: credited %s, earned %s, payout %s",
		st.Rep, st.Period.Start.Format(time.DateOnly), st.Credited, st.Earned, st.Payout)
}
