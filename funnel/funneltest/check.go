package funneltest

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// CheckCounts checks the bookkeeping of a Summary: the statuses add up to
// the entities; in every stage Advanced, Won, DroppedOff and Open are at
// most Reached, which is at most Entities; and, when forward is true (a
// strictly forward pipeline: no skip, no move back), the counts never
// increase down the funnel.
func CheckCounts(s funnel.Summary, forward bool) error {
	if got := s.Open + s.Suspended + s.Won + s.Lost + s.Terminated; got != s.Entities {
		return fmt.Errorf("statuses add up to %d, not %d entities", got, s.Entities)
	}
	var open int64
	for i, st := range s.Stages {
		for _, c := range []struct {
			name string
			v    int64
		}{{"advanced", st.Advanced}, {"won", st.Won}, {"dropped off", st.DroppedOff}, {"open", st.Open}} {
			if c.v < 0 || c.v > st.Reached {
				return fmt.Errorf("stage %q: %s %d is outside [0, reached %d]", st.Name, c.name, c.v, st.Reached)
			}
		}
		if st.Reached > s.Entities {
			return fmt.Errorf("stage %q: reached %d > %d entities", st.Name, st.Reached, s.Entities)
		}
		if st.Won > s.Won {
			return fmt.Errorf("stage %q: won %d > %d won in all", st.Name, st.Won, s.Won)
		}
		open += st.Open
		if forward && i > 0 {
			prev := s.Stages[i-1]
			if st.Reached > prev.Reached || st.Won > prev.Won || st.Reached > prev.Advanced {
				return fmt.Errorf("stage %q: reached %d, won %d exceed stage %q's reached %d, advanced %d, won %d",
					st.Name, st.Reached, st.Won, prev.Name, prev.Reached, prev.Advanced, prev.Won)
			}
		}
	}
	if open > s.Open+s.Suspended {
		return fmt.Errorf("stages hold %d open entities, more than %d open and suspended", open, s.Open+s.Suspended)
	}
	return nil
}

// CheckRates checks that every rate of a Summary (stage conversion,
// stage-to-won, drop-off, win rate) is in [0, 1], and that a rate is
// refused with crmkit.ErrInvalid exactly when its denominator is zero.
func CheckRates(s funnel.Summary) error {
	one := decimal.NewFromInt(1)
	check := func(name string, v decimal.Decimal, err error, empty bool) error {
		if empty {
			if !errors.Is(err, crmkit.ErrInvalid) {
				return fmt.Errorf("%s of nothing: got %s, %v; want ErrInvalid", name, v, err)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if v.Sign() < 0 || v.GreaterThan(one) {
			return fmt.Errorf("%s %s is outside [0, 1]", name, v)
		}
		return nil
	}
	for _, st := range s.Stages {
		empty := st.Reached == 0
		v, err := st.Conversion()
		if e := check("stage "+st.Name+" conversion", v, err, empty); e != nil {
			return e
		}
		v, err = st.ToWon()
		if e := check("stage "+st.Name+" to won", v, err, empty); e != nil {
			return e
		}
		v, err = st.DropOff()
		if e := check("stage "+st.Name+" drop-off", v, err, empty); e != nil {
			return e
		}
	}
	v, err := s.WinRate()
	return check("win rate", v, err, s.Won+s.Lost == 0)
}

// DiffSummaries returns an error describing the first difference between
// two summaries (counts, amounts, and for every set of durations its count,
// negatives, sum, minimum, maximum, mean and, when kept, median and 90th
// percentile), or nil when they agree.
func DiffSummaries(a, b funnel.Summary) error {
	if a.Currency != b.Currency && !a.Currency.IsZero() && !b.Currency.IsZero() {
		return fmt.Errorf("currency %s vs %s", a.Currency, b.Currency)
	}
	ints := func(s funnel.Summary) [7]int64 {
		return [7]int64{s.Entities, s.NoStage, s.Open, s.Suspended, s.Won, s.Lost, s.Terminated}
	}
	if ints(a) != ints(b) {
		return fmt.Errorf("entities, no stage, open, suspended, won, lost, terminated: %v vs %v", ints(a), ints(b))
	}
	for _, m := range [][3]any{{"open amount", a.OpenAmount, b.OpenAmount}, {"won amount", a.WonAmount, b.WonAmount}, {"lost amount", a.LostAmount, b.LostAmount}} {
		if err := diffMoney(m[0].(string), m[1].(crmkit.Money), m[2].(crmkit.Money)); err != nil {
			return err
		}
	}
	if err := DiffDurations("cycle", a.Cycle, b.Cycle); err != nil {
		return err
	}
	if err := DiffDurations("loss cycle", a.LossCycle, b.LossCycle); err != nil {
		return err
	}
	if len(a.Stages) != len(b.Stages) {
		return fmt.Errorf("%d stages vs %d", len(a.Stages), len(b.Stages))
	}
	for i := range a.Stages {
		x, y := a.Stages[i], b.Stages[i]
		cx := [5]int64{x.Reached, x.Advanced, x.Won, x.DroppedOff, x.Open}
		cy := [5]int64{y.Reached, y.Advanced, y.Won, y.DroppedOff, y.Open}
		if x.Name != y.Name || cx != cy {
			return fmt.Errorf("stage %d %q: reached, advanced, won, dropped off, open %v vs %q %v", i, x.Name, cx, y.Name, cy)
		}
		for _, m := range [][3]any{{"reached amount", x.ReachedAmount, y.ReachedAmount}, {"won amount", x.WonAmount, y.WonAmount}, {"open amount", x.OpenAmount, y.OpenAmount}} {
			if err := diffMoney("stage "+x.Name+" "+m[0].(string), m[1].(crmkit.Money), m[2].(crmkit.Money)); err != nil {
				return err
			}
		}
		if err := DiffDurations("stage "+x.Name+" stay", x.Stay, y.Stay); err != nil {
			return err
		}
		if err := DiffDurations("stage "+x.Name+" open stay", x.OpenStay, y.OpenStay); err != nil {
			return err
		}
	}
	return nil
}

func diffMoney(name string, a, b crmkit.Money) error {
	if a.Minor() != b.Minor() || (a.Minor() != 0 && a.Currency() != b.Currency()) {
		return fmt.Errorf("%s: %s vs %s", name, a, b)
	}
	return nil
}

// DiffDurations compares two sets of durations by everything they report.
func DiffDurations(name string, a, b crmkit.Durations) error {
	if a.Count() != b.Count() || a.Negative() != b.Negative() || a.Sum().Cmp(b.Sum()) != 0 {
		return fmt.Errorf("%s: count %d/%d, negative %d/%d, sum %s/%s", name, a.Count(), b.Count(), a.Negative(), b.Negative(), a.Sum(), b.Sum())
	}
	if a.Count() == 0 {
		return nil
	}
	type stat struct {
		name string
		f    func(crmkit.Durations) (time.Duration, error)
	}
	stats := []stat{{"min", crmkit.Durations.Min}, {"max", crmkit.Durations.Max}, {"mean", crmkit.Durations.Mean}}
	if a.Mode() != crmkit.QuantilesNone && b.Mode() != crmkit.QuantilesNone {
		p90 := func(d crmkit.Durations) (time.Duration, error) { return d.Quantile(0.9) }
		stats = append(stats, stat{"median", crmkit.Durations.Median}, stat{"p90", p90})
	}
	for _, s := range stats {
		x, errx := s.f(a)
		y, erry := s.f(b)
		if errx != nil || erry != nil || x != y {
			return fmt.Errorf("%s %s: %v (%v) vs %v (%v)", name, s.name, x, errx, y, erry)
		}
	}
	return nil
}

// CheckMerge checks that the report over records equals the merge of the
// reports over the two disjoint sets of entities that inA splits them
// into, for the Total and for every group. A nil inA is
// crmkit.ErrInvalid.
func CheckMerge(p *deal.Pipeline, records []funnel.Record, inA func(uuid.UUID) bool, q funnel.Query) error {
	if inA == nil {
		return crmkit.Invalid("in a", "nil split function")
	}
	var a, b []funnel.Record
	for _, r := range records {
		if inA(r.Entity) {
			a = append(a, r)
		} else {
			b = append(b, r)
		}
	}
	all, err := funnel.SummarizeRecords(p, slices.Values(records), q)
	if err != nil {
		return fmt.Errorf("report over the union: %w", err)
	}
	ra, err := funnel.SummarizeRecords(p, slices.Values(a), q)
	if err != nil {
		return fmt.Errorf("report over the first set: %w", err)
	}
	rb, err := funnel.SummarizeRecords(p, slices.Values(b), q)
	if err != nil {
		return fmt.Errorf("report over the second set: %w", err)
	}
	m, err := ra.Total.Merge(rb.Total)
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	if err := DiffSummaries(all.Total, m); err != nil {
		return fmt.Errorf("total: union vs merge: %w", err)
	}
	for _, g := range all.Groups {
		x, okA := ra.Group(g.Key)
		y, okB := rb.Group(g.Key)
		var m funnel.Summary
		switch {
		case okA && okB:
			if m, err = x.Merge(y); err != nil {
				return fmt.Errorf("group %s: merge: %w", g.Key, err)
			}
		case okA:
			m = x
		case okB:
			m = y
		default:
			return fmt.Errorf("group %s is in neither part", g.Key)
		}
		if err := DiffSummaries(g.Summary, m); err != nil {
			return fmt.Errorf("group %s: union vs merge: %w", g.Key, err)
		}
	}
	if len(all.Groups) < max(len(ra.Groups), len(rb.Groups)) {
		return fmt.Errorf("%d groups in the union, %d and %d in the parts", len(all.Groups), len(ra.Groups), len(rb.Groups))
	}
	return nil
}

// CheckFinalState checks that the pipeline rebuilt from the history's
// records as of its last record equals the state the generator's model
// recorded for every entity.
func CheckFinalState(h History) error {
	var got []funnel.Opportunity
	for o, err := range funnel.Replay(h.Pipeline, slices.Values(h.Records), h.Last) {
		if err != nil {
			return err
		}
		got = append(got, o)
	}
	return DiffStates(got, h.Final)
}

// DiffStates compares two lists of entity states, entity by entity.
func DiffStates(got, want []funnel.Opportunity) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d entities, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Entity != w.Entity || g.Stage != w.Stage || g.Reached != w.Reached || g.Status != w.Status ||
			g.Amount != w.Amount || g.Dims != w.Dims || !g.Origin.Equal(w.Origin) ||
			!g.Entered.Equal(w.Entered) || !g.Closed.Equal(w.Closed) || !g.CloseDate.Equal(w.CloseDate) {
			return fmt.Errorf("entity %d:\n got  %+v\n want %+v", i, g, w)
		}
	}
	return nil
}

// CheckCredits checks that credits sum exactly, to the minor unit, to
// amount, in its currency.
func CheckCredits(amount crmkit.Money, credits []crmkit.Money) error {
	sum, err := crmkit.Sum(amount.Currency(), credits...)
	if err != nil {
		return fmt.Errorf("sum of credits: %w", err)
	}
	if sum != amount {
		return fmt.Errorf("credits %v sum to %s, not %s", credits, sum, amount)
	}
	return nil
}

// Seq returns the records of h as a sequence (for reports).
func (h History) Seq() iter.Seq[funnel.Record] { return slices.Values(h.Records) }

// CheckWaterfall checks that a waterfall reconciles exactly, in counts
// and amounts: End = Start + New + Reactivated + AmountChange - Won - Lost
// - Suspended - Terminated (counts without AmountChange), and that the
// entities open at both dates are split exactly into Advanced, MovedBack
// and Unchanged, with Slipped among them.
func CheckWaterfall(w funnel.Waterfall) error {
	count := w.Start.Count + w.New.Count + w.Reactivated.Count - w.Won.Count - w.Lost.Count - w.Suspended.Count - w.Terminated.Count
	if count != w.End.Count {
		return fmt.Errorf("counts: start %d + in - out = %d, end %d", w.Start.Count, count, w.End.Count)
	}
	amount := w.Start.Amount
	var err error
	for _, m := range []crmkit.Money{w.New.Amount, w.Reactivated.Amount, w.AmountChange} {
		if amount, err = amount.Add(m); err != nil {
			return err
		}
	}
	for _, m := range []crmkit.Money{w.Won.Amount, w.Lost.Amount, w.Suspended.Amount, w.Terminated.Amount} {
		if amount, err = amount.Sub(m); err != nil {
			return err
		}
	}
	if amount.Minor() != w.End.Amount.Minor() {
		return fmt.Errorf("amounts: start %s + in - out = %s, end %s", w.Start.Amount, amount, w.End.Amount)
	}
	stayed := w.Advanced.Count + w.MovedBack.Count + w.Unchanged.Count
	if stayed > w.Start.Count || stayed > w.End.Count || w.Slipped.Count > stayed {
		return fmt.Errorf("%d open at both dates (advanced %d, back %d, unchanged %d; slipped %d) against start %d, end %d",
			stayed, w.Advanced.Count, w.MovedBack.Count, w.Unchanged.Count, w.Slipped.Count, w.Start.Count, w.End.Count)
	}
	return nil
}

// CheckPlan checks a reverse-funnel plan against its input: projecting the
// plan's top step forward (funnel.Project) meets the target and reaches
// every step's planned total; the per-period figures cover the totals;
// the reps cover the per-period figures.
func CheckPlan(in funnel.PlanInput, p funnel.Plan) error {
	if len(p.Steps) != len(in.Steps) {
		return fmt.Errorf("%d planned steps for %d", len(p.Steps), len(in.Steps))
	}
	proj, err := funnel.Project(in.Steps, p.Steps[0].Total, in.AverageDeal)
	if err != nil {
		return fmt.Errorf("project: %w", err)
	}
	if c, err := proj.Revenue.Cmp(in.Target); err != nil || c < 0 {
		return fmt.Errorf("projected revenue %s of %d deals falls short of the target %s (%v)", proj.Revenue, proj.Deals, in.Target, err)
	}
	if proj.Deals < p.Deals {
		return fmt.Errorf("projection wins %d deals, the plan needs %d", proj.Deals, p.Deals)
	}
	for i, s := range p.Steps {
		if proj.Counts[i] < s.Total {
			return fmt.Errorf("step %q: projection reaches %d, the plan needs %d", s.Name, proj.Counts[i], s.Total)
		}
		if s.PerPeriod*int64(in.Periods) < s.Total {
			return fmt.Errorf("step %q: %d per period × %d periods < %d", s.Name, s.PerPeriod, in.Periods, s.Total)
		}
		if per := in.Steps[i].PerRep; per > 0 && s.Reps*per < s.PerPeriod {
			return fmt.Errorf("step %q: %d reps × %d < %d per period", s.Name, s.Reps, per, s.PerPeriod)
		}
	}
	return nil
}
