package quota

import (
	"fmt"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// WeightKind says how a split weighs its children.
type WeightKind uint8

// The kinds of split weights, each named Weight plus how it weighs (the
// constructors EqualWeights, CustomWeights, SeasonalWeights and
// ContributionWeights build the Weights of each).
const (
	// WeightEqual gives every child the same share.
	WeightEqual WeightKind = iota + 1
	// WeightCustom takes one non-negative weight per child from Values, in
	// the order of the members (or of the periods).
	WeightCustom
	// WeightSeasonal weighs periods by a seasonal index: Values holds twelve
	// non-negative indices, one per fiscal month (M01 first), and a
	// child's weight is the sum of the indices of its months. Only for
	// period splits. forecast.SeasonalWeights computes them from history.
	WeightSeasonal
	// WeightContribution weighs each child by its contribution share: the
	// sum of the Records that belong to it in a reference window. For a dimension
	// split the window is Window (last year's period, or an MTD, QTD or YTD
	// period of the calendar), by default the cell's period one year
	// earlier; for a period split each period's window is the same period
	// last year, so an annual target follows last year's monthly shares.
	WeightContribution
)

// Weights is how a split shares its parent's target among the children.
type Weights struct {
	Kind    WeightKind
	Values  []decimal.Decimal
	Records []Record
	Window  crmkit.Period
}

// EqualWeights shares equally.
func EqualWeights() Weights { return Weights{Kind: WeightEqual} }

// CustomWeights shares in proportion to values, one per child.
func CustomWeights(values ...decimal.Decimal) Weights {
	return Weights{Kind: WeightCustom, Values: values}
}

// SeasonalWeights shares periods by twelve monthly indices (fiscal month
// order).
func SeasonalWeights(indices []decimal.Decimal) Weights {
	return Weights{Kind: WeightSeasonal, Values: indices}
}

// ContributionWeights shares by each child's contribution in records
// during window (the zero window means the cell's period last year; period
// splits always use each period's last-year counterpart).
func ContributionWeights(records []Record, window crmkit.Period) Weights {
	return Weights{Kind: WeightContribution, Records: records, Window: window}
}

// Split splits the leaf cell Key into children: over periods when Grain
// is set, else over Members of dimension Dim. The children's targets sum
// exactly to the cell's, to the minor unit (largest remainder, see
// crmkit.Money.Allocate).
type Split struct {
	Key     string
	Dim     string
	Members []string
	Grain   Grain
	Weights Weights
}

// String describes the split, as revisions record it.
func (s Split) String() string {
	at := s.Key
	if at == "" {
		at = "the plan"
	}
	if s.Grain != 0 {
		return fmt.Sprintf("split %s into %s (%s)", at, s.Grain, s.Weights.Kind)
	}
	return fmt.Sprintf("split %s by %s into %d (%s)", at, s.Dim, len(s.Members), s.Weights.Kind)
}

// Split applies splits in order, all in one new version by c, and returns
// the new plan with its EventPlanSplit event: each split divides one leaf
// cell (possibly one created by an earlier split of the same call). An unknown key is crmkit.ErrNotFound, a cell that already
// has children crmkit.ErrConflict; bad members, grains or weights
// (negative, of the wrong count, summing to zero, a currency other than
// the plan's) are errors matching crmkit.ErrInvalid or
// crmkit.ErrCurrencyMismatch. On any error the plan is unchanged.
func (p Plan) Split(c crmkit.Cmd, splits ...Split) (Plan, crmkit.Event, error) {
	var none crmkit.Event
	if err := checkCmd(c, "split", &p); err != nil {
		return Plan{}, none, err
	}
	if len(splits) == 0 {
		return Plan{}, none, crmkit.Invalid("splits", "nothing to split")
	}
	q := p.clone()
	if _, err := q.calendar(); err != nil {
		return Plan{}, none, fmt.Errorf("split plan %s: %w", p.ID, err)
	}
	idx := q.index()
	sp := splitter{plan: &q, periods: make(map[periodKey]*periodSplit)}
	var split []*Cell // the cells split, in order
	created := 0
	// Children created here are indexed only when a later split looks for
	// one of them: most are never looked up (the months of 10,000 reps).
	unindexed := map[string]*Cell{}
	lookup := func(key string) (entry, error) {
		if e, ok := idx[key]; ok {
			return e, nil
		}
		// A cell created by this call has a parent split by this call.
		if parent, ok := unindexed[parentKey(key)]; ok && key != "" {
			delete(unindexed, parent.Key)
			for j := range parent.Children {
				idx[parent.Children[j].Key] = entry{cell: &parent.Children[j], parent: parent}
			}
		}
		return idx.get(&q, key)
	}
	for i, s := range splits {
		e, err := lookup(s.Key)
		if err != nil {
			return Plan{}, none, fmt.Errorf("split %d: %w", i, err)
		}
		if !e.cell.IsLeaf() {
			return Plan{}, none, fmt.Errorf("split %d: cell %q is already split by %s: %w", i, s.Key, e.cell.Children[0].Dim, crmkit.ErrConflict)
		}
		kids, err := sp.split(*e.cell, s)
		if err != nil {
			return Plan{}, none, fmt.Errorf("split %d of cell %q: %w", i, s.Key, err)
		}
		e.cell.Children = kids
		unindexed[s.Key] = e.cell
		split = append(split, e.cell)
		created += len(kids)
	}
	changes := make([]Change, 0, created)
	for _, c := range split {
		for j := range c.Children {
			changes = append(changes, Change{Key: c.Children[j].Key, Created: true, Before: sp.plan.Unit.Zero(), After: c.Children[j].Target})
		}
	}
	action := splits[0].String()
	if len(splits) > 1 {
		action = fmt.Sprintf("%s and %d more splits", action, len(splits)-1)
	}
	e, err := q.commit(c, EventPlanSplit, action, changes)
	if err != nil {
		return Plan{}, none, err
	}
	return q, e, nil
}

type periodKey struct {
	start, end int64
	grain      Grain
}

type splitter struct {
	plan    *Plan
	periods map[periodKey]*periodSplit
}

// periodSplit caches what a period split of one period needs: the
// periods, their labels and the fiscal months (1..12) each covers.
type periodSplit struct {
	periods []crmkit.Period
	labels  []string
	months  [][]int
}

func (sp splitter) split(c Cell, s Split) ([]Cell, error) {
	if s.Grain != 0 {
		return sp.splitPeriods(c, s)
	}
	return sp.splitMembers(c, s)
}

func (sp splitter) splitPeriods(c Cell, s Split) ([]Cell, error) {
	cal := sp.plan.cal
	if !s.Grain.Valid() {
		return nil, crmkit.Invalid("grain", "%s is not halves, quarters or months", s.Grain)
	}
	if s.Dim != "" && s.Dim != DimPeriod {
		return nil, crmkit.Invalid("dimension", "a period split has dimension %q", s.Dim)
	}
	if len(s.Members) > 0 {
		return nil, crmkit.Invalid("members", "a period split names no members")
	}
	k := periodKey{c.Period.Start.UnixNano(), c.Period.End.UnixNano(), s.Grain}
	cached, ok := sp.periods[k]
	if !ok {
		cached = &periodSplit{periods: s.Grain.periods(cal, c.Period)}
		for _, per := range cached.periods {
			cached.labels = append(cached.labels, s.Grain.label(cal, per.Start))
			var ms []int
			for _, m := range cal.Months(per) {
				ms = append(ms, cal.FiscalMonth(m.Start))
			}
			cached.months = append(cached.months, ms)
		}
		sp.periods[k] = cached
	}
	ps := cached.periods
	if len(ps) == 0 {
		return nil, crmkit.Invalid("period", "cell %q has an empty period", c.Key)
	}
	kids := make([]Cell, len(ps))
	for i, per := range ps {
		m := cached.labels[i]
		kids[i] = Cell{Key: ChildKey(c.Key, DimPeriod, m), Dim: DimPeriod, Member: m, Period: per}
	}
	w := s.Weights
	var err error
	switch w.Kind {
	case WeightEqual:
		err = sp.allocateInts(c, kids, nil)
	case WeightCustom:
		err = sp.allocateDecimals(c, kids, w.Values)
	case WeightSeasonal:
		if len(w.Values) != 12 {
			return nil, crmkit.Invalid("seasonal index", "%d values, want 12 (one per fiscal month)", len(w.Values))
		}
		for i, v := range w.Values {
			if v.Sign() < 0 {
				return nil, crmkit.Invalid(fmt.Sprintf("seasonal index[%d]", i), "negative index %s", v)
			}
		}
		ws := make([]decimal.Decimal, len(ps))
		for i := range ps {
			if ms := cached.months[i]; len(ms) == 1 {
				ws[i] = w.Values[ms[0]-1]
				continue
			}
			for _, fm := range cached.months[i] {
				ws[i] = ws[i].Add(w.Values[fm-1])
			}
		}
		err = sp.allocateDecimals(c, kids, ws)
	case WeightContribution:
		if !w.Window.Start.IsZero() || !w.Window.End.IsZero() {
			return nil, crmkit.Invalid("window", "a period split weighs each period by the same period last year; leave the window zero")
		}
		dims, derr := dimsOf(c.Key)
		if derr != nil {
			return nil, derr
		}
		windows := make([]crmkit.Period, len(ps))
		for i, per := range ps {
			windows[i] = cal.LastYear(per)
		}
		ws := make([]int64, len(ps))
		for _, r := range w.Records {
			if !matches(r, dims) {
				continue
			}
			for i, win := range windows {
				if win.Contains(r.At) {
					if ws[i], err = sp.add(ws[i], r); err != nil {
						return nil, err
					}
					break
				}
			}
		}
		if err = checkContributions(kids, ws); err != nil {
			return nil, err
		}
		err = sp.allocateInts(c, kids, ws)
	default:
		return nil, crmkit.Invalid("weights", "unknown kind %s", w.Kind)
	}
	return kids, err
}

func (sp splitter) splitMembers(c Cell, s Split) ([]Cell, error) {
	if err := checkName("dimension", s.Dim); err != nil {
		return nil, err
	}
	if s.Dim == DimPeriod {
		return nil, crmkit.Invalid("dimension", "split over periods with a Grain")
	}
	if len(s.Members) == 0 {
		return nil, crmkit.Invalid("members", "no members to split %q into", c.Key)
	}
	dims, err := dimsOf(c.Key)
	if err != nil {
		return nil, err
	}
	for _, d := range dims {
		if d.Dim == s.Dim {
			return nil, crmkit.Invalid("dimension", "cell %q is already within %s %q", c.Key, d.Dim, d.Member)
		}
	}
	kids := make([]Cell, len(s.Members))
	pos := make(map[string]int, len(s.Members))
	for i, m := range s.Members {
		if err := checkName("member", m); err != nil {
			return nil, fmt.Errorf("members[%d]: %w", i, err)
		}
		if _, dup := pos[m]; dup {
			return nil, crmkit.Invalid(fmt.Sprintf("members[%d]", i), "%q appears twice", m)
		}
		pos[m] = i
		kids[i] = Cell{Key: ChildKey(c.Key, s.Dim, m), Dim: s.Dim, Member: m, Period: c.Period}
	}
	w := s.Weights
	switch w.Kind {
	case WeightEqual:
		return kids, sp.allocateInts(c, kids, nil)
	case WeightCustom:
		return kids, sp.allocateDecimals(c, kids, w.Values)
	case WeightSeasonal:
		return nil, crmkit.Invalid("weights", "a seasonal index weighs periods, not %s members", s.Dim)
	case WeightContribution:
		win := w.Window
		if win.Start.IsZero() && win.End.IsZero() {
			win = sp.plan.cal.LastYear(c.Period)
		} else if win.End.Before(win.Start) {
			return nil, crmkit.Invalid("window", "end %s before start", win)
		}
		ws := make([]int64, len(kids))
		for _, r := range w.Records {
			if !win.Contains(r.At) || !matches(r, dims) {
				continue
			}
			i, ok := pos[r.Dims[s.Dim]]
			if !ok {
				continue
			}
			if ws[i], err = sp.add(ws[i], r); err != nil {
				return nil, err
			}
		}
		if err := checkContributions(kids, ws); err != nil {
			return nil, err
		}
		return kids, sp.allocateInts(c, kids, ws)
	}
	return nil, crmkit.Invalid("weights", "unknown kind %s", w.Kind)
}

// add adds the record's value to a contribution sum.
func (sp splitter) add(sum int64, r Record) (int64, error) {
	v, err := sp.plan.Unit.value(r)
	if err != nil {
		return 0, err
	}
	t := sum + v
	if (t > sum) != (v > 0) {
		return 0, fmt.Errorf("contribution sum: %w", crmkit.ErrOverflow)
	}
	return t, nil
}

func checkContributions(kids []Cell, ws []int64) error {
	for i, w := range ws {
		if w < 0 {
			return crmkit.Invalid("weights", "contribution of %q is negative (%d): net refunds cannot carry a share", kids[i].Key, w)
		}
	}
	return nil
}

// allocateInts shares c's target over kids by integer weights (nil means
// equal) and records each child's target as its weight.
func (sp splitter) allocateInts(c Cell, kids []Cell, ws []int64) error {
	if ws == nil {
		ws = make([]int64, len(kids))
		for i := range ws {
			ws[i] = 1
		}
	}
	parts, err := sp.plan.Unit.carrier(c.Target.n).Allocate(ws...)
	if err != nil {
		return err
	}
	setTargets(kids, parts, sp.plan.Unit)
	return nil
}

func (sp splitter) allocateDecimals(c Cell, kids []Cell, ws []decimal.Decimal) error {
	if len(ws) != len(kids) {
		return crmkit.Invalid("weights", "%d weights for %d children", len(ws), len(kids))
	}
	parts, err := sp.plan.Unit.carrier(c.Target.n).AllocateRatios(ws)
	if err != nil {
		return err
	}
	setTargets(kids, parts, sp.plan.Unit)
	return nil
}

func setTargets(kids []Cell, parts []crmkit.Money, u Unit) {
	for i := range kids {
		kids[i].Target = u.of(parts[i].Minor())
		kids[i].Weight = parts[i].Minor()
	}
}

// parentKey returns the key of a key's parent ("" for the root's
// children and the root itself).
func parentKey(key string) string {
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		return key[:i]
	}
	return ""
}

// dimsOf returns the dimension segments of a key (period segments left
// out): the members a record must belong to.
func dimsOf(key string) ([]KeyStep, error) {
	segs, err := ParseKey(key)
	if err != nil {
		return nil, err
	}
	out := segs[:0]
	for _, s := range segs {
		if s.Dim != DimPeriod {
			out = append(out, s)
		}
	}
	return out, nil
}

// matches reports whether the record belongs to every segment.
func matches(r Record, dims []KeyStep) bool {
	for _, d := range dims {
		if r.Dims[d.Dim] != d.Member {
			return false
		}
	}
	return true
}
