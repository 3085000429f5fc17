package funnel

import (
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/kpi"
	"github.com/shopspring/decimal"
)

// Summary is the funnel report of one set of entities: per stage how many
// reached it and with what amount, how many moved on, were won, dropped off
// or are still in it, and how long they stayed; over the whole set the
// outcomes, the amounts won and lost and the length of the sales cycle.
//
// Summaries are mergeable: the Summary of the union of two disjoint sets is
// Merge of their Summaries. The figures are counts and exact sums; rates,
// means and quantiles are computed from them by the methods.
//
// All amounts are in Currency. A report meeting a second currency stops
// with crmkit.ErrCurrencyMismatch unless the query names a reporting
// currency (Query.Reporting), into which every amount is then converted at
// dated rates: it never adds two currencies.
type Summary struct {
	// Stages holds the per-stage figures, in stage order.
	Stages []StageSummary
	// Currency is the currency of every amount (zero if no amount was
	// seen).
	Currency crmkit.Currency
	// Entities is the number of entities in the set.
	Entities int64
	// NoStage counts entities that never entered a stage (for example a
	// deal imported as won).
	NoStage int64
	// Open, Suspended, Won, Lost and Terminated count the entities by
	// status as of the report time; they add up to Entities.
	Open, Suspended, Won, Lost, Terminated int64
	// OpenAmount is the amount of the open and suspended entities.
	OpenAmount crmkit.Money
	// WonAmount is the amount won (the revenue of the set).
	WonAmount crmkit.Money
	// LostAmount is the amount of the lost entities.
	LostAmount crmkit.Money
	// Cycle holds the sales cycles of the won entities: from the origin
	// (first recorded touch) to the win. A win recorded before the first
	// touch gives a negative cycle, counted in Cycle.Negative().
	Cycle crmkit.Durations
	// LossCycle holds the time from origin to loss of the lost entities.
	LossCycle crmkit.Durations
}

// StageSummary is one stage's row of a Summary.
type StageSummary struct {
	// Name is the stage's name.
	Name string
	// Reached counts the entities that entered the stage at least once
	// ("count entering the stage"); ReachedAmount is their amount.
	Reached       int64
	ReachedAmount crmkit.Money
	// Advanced counts the entities that entered the stage and, at any
	// time after, entered a later stage or were won.
	Advanced int64
	// Won counts the entities that entered the stage and were won;
	// WonAmount is their amount.
	Won       int64
	WonAmount crmkit.Money
	// DroppedOff counts the entities lost or terminated while in this
	// stage.
	DroppedOff int64
	// Open counts the entities open or suspended in this stage as of the
	// report time; OpenAmount is their amount.
	Open       int64
	OpenAmount crmkit.Money
	// Stay holds the completed stays in the stage (entered, then left
	// for another stage or a close); a suspension does not stop the
	// clock. It is empty in a Summary built from Opportunity values,
	// which carry no history.
	Stay crmkit.Durations
	// OpenStay holds the ages, as of the report time, of the stays still
	// going on (open or suspended entities): reported apart from Stay,
	// never mixed in.
	OpenStay crmkit.Durations
}

// Conversion is the stage-to-stage conversion rate Advanced / Reached: the
// share of the entities entering the stage that went on to a later stage
// or a win. An empty stage is ErrInvalid.
func (s StageSummary) Conversion() (decimal.Decimal, error) {
	r, err := kpi.ConversionRate(s.Advanced, s.Reached)
	return r, s.wrap("conversion", err)
}

// ToWon is the stage-to-won conversion rate Won / Reached. An empty stage
// is ErrInvalid.
func (s StageSummary) ToWon() (decimal.Decimal, error) {
	r, err := kpi.ConversionRate(s.Won, s.Reached)
	return r, s.wrap("stage-to-won conversion", err)
}

// DropOff is the drop-off rate DroppedOff / Reached: the share of the
// entities entering the stage that were lost or terminated in it. An empty
// stage is ErrInvalid.
func (s StageSummary) DropOff() (decimal.Decimal, error) {
	r, err := kpi.ConversionRate(s.DroppedOff, s.Reached)
	return r, s.wrap("drop-off", err)
}

func (s StageSummary) wrap(what string, err error) error {
	if err != nil {
		return fmt.Errorf("stage %q %s: %w", s.Name, what, err)
	}
	return nil
}

// WinRate is Won / (Won + Lost) (kpi.WinRate). Terminated entities count
// in neither. No closed entity is ErrInvalid.
func (s Summary) WinRate() (decimal.Decimal, error) { return kpi.WinRate(s.Won, s.Lost) }

// AverageDealSize is WonAmount / Won rounded to the minor unit with mode
// (kpi.AverageDealSize). No win is ErrInvalid.
func (s Summary) AverageDealSize(mode crmkit.RoundingMode) (crmkit.Money, error) {
	return kpi.AverageDealSize(s.WonAmount, s.Won, mode)
}

// Stage returns the row of the stage named name.
func (s Summary) Stage(name string) (StageSummary, error) {
	for _, r := range s.Stages {
		if r.Name == name {
			return r, nil
		}
	}
	return StageSummary{}, fmt.Errorf("stage %q: %w", name, crmkit.ErrNotFound)
}

// Merge returns the Summary of the union of the two (disjoint) sets s and
// o. The stage names must agree, and so must the currencies when both saw
// an amount (else crmkit.ErrCurrencyMismatch); neither s nor o is changed.
// Their durations must be kept in the same crmkit.Quantiles mode.
func (s Summary) Merge(o Summary) (Summary, error) {
	if len(s.Stages) != len(o.Stages) {
		return Summary{}, crmkit.Invalid("summary", "%d stages merged with %d", len(s.Stages), len(o.Stages))
	}
	for i := range s.Stages {
		if s.Stages[i].Name != o.Stages[i].Name {
			return Summary{}, crmkit.Invalid("summary", "stage %d is %q in one summary and %q in the other", i, s.Stages[i].Name, o.Stages[i].Name)
		}
	}
	if s.Cycle.Mode() != o.Cycle.Mode() {
		return Summary{}, crmkit.Invalid("summary", "quantile modes %s and %s differ", s.Cycle.Mode(), o.Cycle.Mode())
	}
	cur := s.Currency
	if cur.IsZero() {
		cur = o.Currency
	} else if !o.Currency.IsZero() && o.Currency != cur {
		return Summary{}, fmt.Errorf("merge summaries in %s and %s: %w", s.Currency, o.Currency, crmkit.ErrCurrencyMismatch)
	}
	r := s.clone()
	r.Currency = cur
	r.Entities += o.Entities
	r.NoStage += o.NoStage
	r.Open += o.Open
	r.Suspended += o.Suspended
	r.Won += o.Won
	r.Lost += o.Lost
	r.Terminated += o.Terminated
	var err error
	add := func(a *crmkit.Money, b crmkit.Money) {
		if err == nil {
			*a, err = a.Add(b)
		}
	}
	merge := func(a *crmkit.Durations, b crmkit.Durations) {
		if err == nil {
			err = a.Merge(b)
		}
	}
	add(&r.OpenAmount, o.OpenAmount)
	add(&r.WonAmount, o.WonAmount)
	add(&r.LostAmount, o.LostAmount)
	merge(&r.Cycle, o.Cycle)
	merge(&r.LossCycle, o.LossCycle)
	for i := range r.Stages {
		a, b := &r.Stages[i], &o.Stages[i]
		a.Reached += b.Reached
		a.Advanced += b.Advanced
		a.Won += b.Won
		a.DroppedOff += b.DroppedOff
		a.Open += b.Open
		add(&a.ReachedAmount, b.ReachedAmount)
		add(&a.WonAmount, b.WonAmount)
		add(&a.OpenAmount, b.OpenAmount)
		merge(&a.Stay, b.Stay)
		merge(&a.OpenStay, b.OpenStay)
	}
	if err != nil {
		return Summary{}, fmt.Errorf("merge summaries: %w", err)
	}
	r.finish()
	return r, nil
}

func (s Summary) clone() Summary {
	s.Stages = append([]StageSummary(nil), s.Stages...)
	for i := range s.Stages {
		s.Stages[i].Stay = s.Stages[i].Stay.Clone()
		s.Stages[i].OpenStay = s.Stages[i].OpenStay.Clone()
	}
	s.Cycle = s.Cycle.Clone()
	s.LossCycle = s.LossCycle.Clone()
	return s
}

func (s *Summary) finish() {
	s.Cycle.Sort()
	s.LossCycle.Sort()
	for i := range s.Stages {
		s.Stages[i].Stay.Sort()
		s.Stages[i].OpenStay.Sort()
	}
}

// stageAcc holds one stage's running figures. The d* fields are deltas
// for the contiguous reached sets {0..f}, kept at index f and turned into
// per-stage figures by suffix sums when the summary is finished.
type stageAcc struct {
	dReached, dAmount, dAdvanced, dWon, dWonAmount int64
	reached, amount, advanced, won, wonAmount      int64
	dropped, open, openAmount                      int64
	stay, openStay                                 crmkit.Durations
}

// acc accumulates a Summary one entity at a time.
type acc struct {
	st                                []stageAcc
	asOf                              time.Time
	cur                               crmkit.Currency
	entities, noStage                 int64
	open, paused, won, lost, dead     int64
	openAmount, wonAmount, lostAmount int64
	cycle, lossCycle                  crmkit.Durations
	mode                              crmkit.Quantiles
	// noDurations: the durations (cycles, open stays) are not added, only
	// checked; they are merged in later (mergeDurations).
	noDurations bool
}

// mergeDurations adds the durations of g (kept in the same mode) to a's.
func (a *acc) mergeDurations(g *acc) {
	// The modes agree (one query), so Merge cannot fail.
	_ = a.cycle.Merge(g.cycle)
	_ = a.lossCycle.Merge(g.lossCycle)
	for i := range a.st {
		_ = a.st[i].stay.Merge(g.st[i].stay)
		_ = a.st[i].openStay.Merge(g.st[i].openStay)
	}
}

// newAcc returns an empty accumulator; mode must be valid (Query.validate).
func newAcc(n int, mode crmkit.Quantiles, asOf time.Time) *acc {
	empty, _ := crmkit.DurationsOf(mode)
	a := &acc{st: make([]stageAcc, n), asOf: asOf, mode: mode, cycle: empty, lossCycle: empty}
	for i := range a.st {
		a.st[i].stay = empty
		a.st[i].openStay = empty
	}
	return a
}

func errOverflow(o *Opportunity) error {
	return fmt.Errorf("entity %s: sum of amounts: %w", o.Entity, crmkit.ErrOverflow)
}

// addAmount adds a non-negative v to *p, reporting overflow.
func addAmount(p *int64, v int64) bool {
	s := *p + v
	if s < *p {
		return false
	}
	*p = s
	return true
}

// currency admits the currency of o's amount or reports a mismatch.
func (a *acc) currency(o *Opportunity) error {
	c := o.Amount.Currency()
	switch {
	case c.IsZero():
		return nil
	case a.cur.IsZero():
		a.cur = c
		return nil
	}
	return fmt.Errorf("entity %s: amount %s in a report in %s: %w", o.Entity, o.Amount, a.cur, crmkit.ErrCurrencyMismatch)
}

// add counts one entity. It is the hot loop of every report: no
// allocation (beyond the lazily grown histograms), O(1) work for an
// entity whose reached stages are {0..f}, O(stages) otherwise.
func (a *acc) add(o *Opportunity) error {
	if o.Amount.Currency() != a.cur {
		if err := a.currency(o); err != nil {
			return err
		}
	}
	amt := o.Amount.Minor()
	if amt < 0 {
		return crmkit.Invalid("amount", "entity %s: negative amount %s", o.Entity, o.Amount)
	}
	a.entities++
	won := o.Status == ClosedWon
	if r := o.Reached; r != 0 {
		f := o.Furthest()
		if r&(r+1) == 0 { // r == {0..f}
			s := &a.st[f]
			s.dReached++
			s.dAdvanced++ // stages 0..f-1 advanced
			if !addAmount(&s.dAmount, amt) {
				return errOverflow(o)
			}
			if won {
				s.advanced++
				s.dWon++
				if !addAmount(&s.dWonAmount, amt) {
					return errOverflow(o)
				}
			}
		} else {
			for i := 0; i <= f; i++ {
				if r&(1<<uint(i)) == 0 {
					continue
				}
				s := &a.st[i]
				s.reached++
				if !addAmount(&s.amount, amt) {
					return errOverflow(o)
				}
				if i < f || won {
					s.advanced++
				}
				if won {
					s.won++
					if !addAmount(&s.wonAmount, amt) {
						return errOverflow(o)
					}
				}
			}
		}
	} else {
		a.noStage++
	}
	switch o.Status {
	case Open, Paused:
		if o.Status == Open {
			a.open++
		} else {
			a.paused++
		}
		if !addAmount(&a.openAmount, amt) {
			return errOverflow(o)
		}
		if o.Stage >= 0 {
			s := &a.st[o.Stage]
			s.open++
			if !addAmount(&s.openAmount, amt) {
				return errOverflow(o)
			}
			age := sub(a.asOf, o.Entered)
			if age < 0 {
				return crmkit.Invalid("entered", "entity %s entered stage %d at %s, after the report time %s",
					o.Entity, o.Stage, o.Entered.Format(time.RFC3339), a.asOf.Format(time.RFC3339))
			}
			if o.Entered.IsZero() {
				return crmkit.Invalid("entered", "entity %s: open in stage %d with no entry time", o.Entity, o.Stage)
			}
			if !a.noDurations {
				s.openStay.Add(age)
			}
		}
	case ClosedWon:
		a.won++
		if !addAmount(&a.wonAmount, amt) {
			return errOverflow(o)
		}
		if err := closedTimes(o); err != nil {
			return err
		}
		if !a.noDurations {
			a.cycle.Add(sub(o.Closed, o.Origin))
		}
	case ClosedLost:
		a.lost++
		if !addAmount(&a.lostAmount, amt) {
			return errOverflow(o)
		}
		if o.Stage >= 0 {
			a.st[o.Stage].dropped++
		}
		if err := closedTimes(o); err != nil {
			return err
		}
		if !a.noDurations {
			a.lossCycle.Add(sub(o.Closed, o.Origin))
		}
	case Dead:
		a.dead++
		if o.Stage >= 0 {
			a.st[o.Stage].dropped++
		}
	}
	return nil
}

// sub returns t - u like t.Sub(u), from the wall clocks: cheaper than
// Sub, which checks its result by adding it back. Differences beyond 250
// years, where the multiplication could overflow, take Sub's saturating
// path.
func sub(t, u time.Time) time.Duration {
	const limit = 250 * 365 * 24 * 3600
	ds := t.Unix() - u.Unix()
	if ds > limit || ds < -limit {
		return t.Sub(u)
	}
	return time.Duration(ds)*time.Second + time.Duration(t.Nanosecond()-u.Nanosecond())
}

func closedTimes(o *Opportunity) error {
	if o.Closed.IsZero() || o.Origin.IsZero() {
		return crmkit.Invalid("closed", "entity %s: %s without close time or origin", o.Entity, o.Status)
	}
	return nil
}

// summary finishes the accumulated figures into a Summary.
func (a *acc) summary(stages stageList) (Summary, error) {
	s := Summary{
		Stages: make([]StageSummary, len(a.st)), Currency: a.cur,
		Entities: a.entities, NoStage: a.noStage,
		Open: a.open, Suspended: a.paused, Won: a.won, Lost: a.lost, Terminated: a.dead,
		Cycle: a.cycle.Clone(), LossCycle: a.lossCycle.Clone(),
	}
	money := func(v int64) crmkit.Money {
		if a.cur.IsZero() {
			return crmkit.Money{}
		}
		m, _ := crmkit.NewMoney(v, a.cur) // a.cur is not zero
		return m
	}
	s.OpenAmount, s.WonAmount, s.LostAmount = money(a.openAmount), money(a.wonAmount), money(a.lostAmount)
	var reached, amount, advanced, won, wonAmount int64
	overflow := false
	for i := len(a.st) - 1; i >= 0; i-- {
		t := &a.st[i]
		reached += t.dReached
		won += t.dWon
		overflow = overflow || !addAmount(&amount, t.dAmount) || !addAmount(&wonAmount, t.dWonAmount)
		r := StageSummary{
			Name:       stages.Name(i),
			Reached:    t.reached + reached,
			Advanced:   t.advanced + advanced,
			Won:        t.won + won,
			DroppedOff: t.dropped, Open: t.open,
			Stay: t.stay.Clone(), OpenStay: t.openStay.Clone(),
		}
		advanced += t.dAdvanced // counts for the stages before i
		ra, wa := amount, wonAmount
		overflow = overflow || !addAmount(&ra, t.amount) || !addAmount(&wa, t.wonAmount)
		r.ReachedAmount, r.WonAmount, r.OpenAmount = money(ra), money(wa), money(t.openAmount)
		s.Stages[i] = r
	}
	if overflow {
		return Summary{}, fmt.Errorf("summary: sum of stage amounts: %w", crmkit.ErrOverflow)
	}
	s.finish()
	return s, nil
}
