package quota

import (
	"fmt"
	"iter"
	"slices"
	"sort"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/kpi"
	"github.com/shopspring/decimal"
)

// EvalOptions are the inputs of Plan.Evaluate besides the actuals.
type EvalOptions struct {
	// AsOf is the instant of the evaluation: actuals at or before it
	// count, later ones are ignored (as "as of" means in every crmkit
	// package), and MTD, QTD and YTD are the month, quarter and year of the
	// plan's calendar that contain it. After the fiscal year's end the
	// whole year is evaluated. It must be after the year's start.
	AsOf time.Time
	// LastYear is last year's plan, if any: its targets are compared with
	// this year's, cell by cell (keys of period cells name the fiscal
	// period, so they match across years). It must count the same unit.
	LastYear *Plan
}

// Evaluation is the state of one cell of a plan as of an instant: its
// target, its actuals this year and last, the ratios between them, and the
// same for the month, quarter and year to date. Its Children evaluate the
// cell's children; every amount of a cell is the sum of its children's
// plus its own Unplanned actuals (roll-ups equal the sums of the leaves).
//
// Ratios are decimal.NullDecimal, invalid where the ratio is undefined (no
// target, nothing last year, nothing elapsed). They follow package kpi:
// 1 is 100%.
type Evaluation struct {
	Key    string
	Dim    string
	Member string
	Period crmkit.Period
	// Target is the cell's allocated target, Assigned its target times the
	// completion-risk coefficient.
	Target   Quantity
	Assigned Quantity
	// LastYearTarget is the same cell's target in last year's plan, when
	// one was given and it has the cell (HasLastYearTarget).
	LastYearTarget    Quantity
	HasLastYearTarget bool
	// Actual sums the records of the cell's period at or before AsOf.
	Actual Quantity
	// Unplanned is the part of Actual from records that belong to this
	// cell but to none of its children (a rep or a product not in the
	// plan); zero for leaves.
	Unplanned Quantity
	// LastYearActual sums the records of the same period last year;
	// LastYearToDate those of its part at or before AsOf's counterpart.
	LastYearActual Quantity
	LastYearToDate Quantity
	// Attainment is Actual / Target (kpi.Attainment); AssignedAttainment
	// is Actual / Assigned.
	Attainment         decimal.NullDecimal
	AssignedAttainment decimal.NullDecimal
	// Growth is the year-over-year growth of the actuals to date
	// (kpi.Growth of Actual and LastYearToDate).
	Growth decimal.NullDecimal
	// TargetVsLastYear is the growth the target asks for over last year's
	// actual (kpi.Growth of Target and LastYearActual); TargetChange is
	// this year's target against last year's target.
	TargetVsLastYear decimal.NullDecimal
	TargetChange     decimal.NullDecimal
	// MTD, QTD and YTD are the month, quarter and year to date.
	MTD, QTD, YTD ToDate
	Children      []Evaluation
}

// ToDate is a cell's month, quarter or year to date.
type ToDate struct {
	// Window is the whole month, quarter or year that contains AsOf.
	Window crmkit.Period
	// Target is the part of the cell's target that falls in Window: the
	// targets of its leaves inside the window, leaves partly inside it
	// pro rata of time.
	Target Quantity
	// Expected is the part of Target due by AsOf: the leaves' targets pro
	// rata of the time elapsed in each, so it follows the plan's own
	// seasonality.
	Expected Quantity
	// Actual sums the cell's records from the window's start to AsOf,
	// inclusive; LastYear those of the same part of the window last year.
	Actual   Quantity
	LastYear Quantity
	// Projected is the run rate carried to the window's end: Actual x
	// window length / elapsed time.
	Projected Quantity
	// Gap is what is left to close: Target - Actual (kpi.GapToTarget);
	// negative when the target is exceeded.
	Gap Quantity
	// Attainment is Actual / Target, Pacing is Actual / Expected (1 is on
	// pace), Growth is Actual against LastYear.
	Attainment decimal.NullDecimal
	Pacing     decimal.NullDecimal
	Growth     decimal.NullDecimal
}

// accumulators of one cell, in this order: actual, MTD, QTD, YTD this
// year; full, to date, MTD, QTD, YTD last year.
const (
	aActual = iota
	aMTD
	aQTD
	aYTD
	aLY
	aLYToDate
	aLYMTD
	aLYQTD
	aLYYTD
	nAcc
)

type evalNode struct {
	cell     *Cell
	first    int // index of the first child in the flat list
	n        int // number of children
	byMember map[string]int
	periods  []crmkit.Period // children's periods (period splits)
	lyPer    []crmkit.Period // their counterparts last year
	own      [nAcc]int64
}

// Evaluate measures the actuals in records against the plan as of
// opts.AsOf, for every cell (see Evaluation). A record belongs to the
// deepest cell whose dimension members it carries (its Dims) and whose
// period (this year, or the same period last year) contains its time;
// records outside this fiscal year and the last, and records after
// opts.AsOf (or after its counterpart last year), are ignored; a record at
// exactly AsOf counts.
//
// A record in another currency than a money plan's is
// crmkit.ErrCurrencyMismatch; a negative count in a count plan, an AsOf
// not after the fiscal year's start and a last-year plan of another unit
// are errors matching crmkit.ErrInvalid. Sums outside int64 are
// crmkit.ErrOverflow.
func (p Plan) Evaluate(records iter.Seq[Record], opts EvalOptions) (Evaluation, error) {
	if records == nil {
		return Evaluation{}, crmkit.Invalid("records", "nil sequence")
	}
	root := p.Root.Period
	if !opts.AsOf.After(root.Start) {
		return Evaluation{}, crmkit.Invalid("as of", "%s is not after the start of fiscal year %d (%s)",
			opts.AsOf.Format(time.RFC3339), p.FiscalYear, root.Start.Format(time.RFC3339))
	}
	var lyTargets map[string]int64
	if opts.LastYear != nil {
		if opts.LastYear.Unit != p.Unit {
			if p.Unit.IsMoney() && opts.LastYear.Unit.IsMoney() {
				return Evaluation{}, fmt.Errorf("last year's plan in %s, this year's in %s: %w", opts.LastYear.Unit, p.Unit, crmkit.ErrCurrencyMismatch)
			}
			return Evaluation{}, crmkit.Invalid("last year", "plan counts %s, this one %s", opts.LastYear.Unit, p.Unit)
		}
		lyTargets = make(map[string]int64)
		for c := range opts.LastYear.Cells() {
			lyTargets[c.Key] = c.Target.n
		}
	}
	cal, err := p.calendar()
	if err != nil {
		return Evaluation{}, fmt.Errorf("evaluate plan %s: %w", p.ID, err)
	}
	asOf := opts.AsOf
	if asOf.After(root.End) {
		asOf = root.End
	}
	tw := asOf
	if !tw.Before(root.End) {
		tw = root.End.Add(-time.Nanosecond)
	}
	windows := [3]crmkit.Period{cal.Month(tw), cal.Quarter(tw), cal.Year(tw)}
	lyAsOf := cal.LastYear(crmkit.Period{Start: root.Start, End: asOf}).End
	var lyWindows [3]crmkit.Period
	for i, w := range windows {
		lyWindows[i] = cal.LastYear(crmkit.Period{Start: w.Start, End: asOf})
	}
	lyRoot := cal.LastYear(root)

	// Flatten the tree breadth-first so that children are contiguous.
	nodes := []evalNode{{cell: &p.Root}}
	for i := 0; i < len(nodes); i++ {
		c := nodes[i].cell
		nodes[i].first, nodes[i].n = len(nodes), len(c.Children)
		if c.IsLeaf() {
			continue
		}
		if c.Children[0].Dim == DimPeriod {
			nodes[i].periods = make([]crmkit.Period, len(c.Children))
			nodes[i].lyPer = make([]crmkit.Period, len(c.Children))
			for j := range c.Children {
				nodes[i].periods[j] = c.Children[j].Period
				nodes[i].lyPer[j] = cal.LastYear(c.Children[j].Period)
			}
		} else {
			nodes[i].byMember = make(map[string]int, len(c.Children))
			for j := range c.Children {
				nodes[i].byMember[c.Children[j].Member] = j
			}
		}
		for j := range c.Children {
			nodes = append(nodes, evalNode{cell: &c.Children[j]})
		}
	}

	n := 0
	for r := range records {
		n++
		v, err := p.Unit.value(r)
		if err != nil {
			return Evaluation{}, fmt.Errorf("evaluate plan %s: record %d: %w", p.ID, n-1, err)
		}
		var this bool
		switch {
		case root.Contains(r.At):
			if r.At.After(asOf) {
				continue
			}
			this = true
		case lyRoot.Contains(r.At):
		default:
			continue
		}
		i := 0
		for nodes[i].n > 0 {
			j := -1
			if nodes[i].byMember != nil {
				if k, ok := nodes[i].byMember[r.Dims[nodes[i].cell.Children[0].Dim]]; ok {
					j = k
				}
			} else {
				per := nodes[i].periods
				if !this {
					per = nodes[i].lyPer
				}
				k := sort.Search(len(per), func(k int) bool { return per[k].End.After(r.At) })
				if k < len(per) && per[k].Contains(r.At) {
					j = k
				}
			}
			if j < 0 {
				break
			}
			i = nodes[i].first + j
		}
		acc := &nodes[i].own
		add := func(k int) error {
			s, err := addUnits(acc[k], v)
			if err != nil {
				return fmt.Errorf("evaluate plan %s: actuals of %q: %w", p.ID, nodes[i].cell.Key, err)
			}
			acc[k] = s
			return nil
		}
		var ks []int
		if this {
			ks = append(ks, aActual)
			for w := range windows {
				if !r.At.Before(windows[w].Start) {
					ks = append(ks, aMTD+w)
				}
			}
		} else {
			ks = append(ks, aLY)
			// At or before the counterpart of AsOf, as this year.
			if !r.At.After(lyAsOf) {
				ks = append(ks, aLYToDate)
			}
			for w := range lyWindows {
				if lyWindows[w].Contains(r.At) || r.At.Equal(lyWindows[w].End) {
					ks = append(ks, aLYMTD+w)
				}
			}
		}
		for _, k := range ks {
			if err := add(k); err != nil {
				return Evaluation{}, err
			}
		}
	}

	ev := evaluator{plan: &p, nodes: nodes, windows: windows, asOf: asOf, lyTargets: lyTargets}
	return ev.build(0)
}

type evaluator struct {
	plan      *Plan
	nodes     []evalNode
	windows   [3]crmkit.Period
	asOf      time.Time
	lyTargets map[string]int64
}

// build evaluates node i and its subtree, rolling the sums up.
func (ev evaluator) build(i int) (Evaluation, error) {
	nd := ev.nodes[i]
	c := nd.cell
	u := ev.plan.Unit
	e := Evaluation{Key: c.Key, Dim: c.Dim, Member: c.Member, Period: c.Period, Target: c.Target, LastYearTarget: u.Zero()}
	assigned, err := ev.plan.assigned(*c)
	if err != nil {
		return Evaluation{}, err
	}
	e.Assigned = u.of(assigned)
	if t, ok := ev.lyTargets[c.Key]; ok {
		e.LastYearTarget, e.HasLastYearTarget = u.of(t), true
	}
	sum := nd.own
	var tgt, exp [3]int64
	var unplanned int64
	if nd.n == 0 {
		for w, win := range ev.windows {
			if tgt[w], err = ev.prorate(c, win); err != nil {
				return Evaluation{}, err
			}
			if exp[w], err = ev.prorate(c, crmkit.Period{Start: win.Start, End: ev.asOf}); err != nil {
				return Evaluation{}, err
			}
		}
	} else {
		unplanned = nd.own[aActual]
		e.Children = make([]Evaluation, nd.n)
		for j := range nd.n {
			ch, err := ev.build(nd.first + j)
			if err != nil {
				return Evaluation{}, err
			}
			e.Children[j] = ch
			for k, v := range [nAcc]Quantity{ch.Actual, ch.MTD.Actual, ch.QTD.Actual, ch.YTD.Actual,
				ch.LastYearActual, ch.LastYearToDate, ch.MTD.LastYear, ch.QTD.LastYear, ch.YTD.LastYear} {
				if sum[k], err = addUnits(sum[k], v.n); err != nil {
					return Evaluation{}, fmt.Errorf("roll up %q: %w", c.Key, err)
				}
			}
			for w, td := range []ToDate{ch.MTD, ch.QTD, ch.YTD} {
				if tgt[w], err = addUnits(tgt[w], td.Target.n); err != nil {
					return Evaluation{}, err
				}
				if exp[w], err = addUnits(exp[w], td.Expected.n); err != nil {
					return Evaluation{}, err
				}
			}
		}
	}
	e.Unplanned = u.of(unplanned)
	e.Actual, e.LastYearActual, e.LastYearToDate = u.of(sum[aActual]), u.of(sum[aLY]), u.of(sum[aLYToDate])
	e.Attainment = ratio(kpi.Attainment(u.carrier(sum[aActual]), u.carrier(c.Target.n)))
	e.AssignedAttainment = ratio(kpi.Attainment(u.carrier(sum[aActual]), u.carrier(assigned)))
	e.Growth = ratio(kpi.Growth(u.carrier(sum[aActual]), u.carrier(sum[aLYToDate])))
	e.TargetVsLastYear = ratio(kpi.Growth(u.carrier(c.Target.n), u.carrier(sum[aLY])))
	if e.HasLastYearTarget {
		e.TargetChange = ratio(kpi.Growth(u.carrier(c.Target.n), u.carrier(e.LastYearTarget.n)))
	}
	tds := [3]*ToDate{&e.MTD, &e.QTD, &e.YTD}
	for w, td := range tds {
		if err := ev.finish(td, w, tgt[w], exp[w], sum[aMTD+w], sum[aLYMTD+w]); err != nil {
			return Evaluation{}, fmt.Errorf("%q: %w", c.Key, err)
		}
	}
	return e, nil
}

// finish fills the to-date block of window w from its target, expected
// part, actual and last year's actual, computing the ratios, gap and
// projection.
func (ev evaluator) finish(td *ToDate, w int, tgt, exp, act, ly int64) error {
	u := ev.plan.Unit
	td.Window = ev.windows[w]
	td.Target, td.Expected, td.Actual, td.LastYear = u.of(tgt), u.of(exp), u.of(act), u.of(ly)
	actual, target := u.carrier(act), u.carrier(tgt)
	td.Attainment = ratio(kpi.Attainment(actual, target))
	td.Pacing = ratio(kpi.Attainment(actual, u.carrier(exp)))
	td.Growth = ratio(kpi.Growth(actual, u.carrier(ly)))
	gap, err := negate(act)
	if err != nil {
		return err
	}
	if tgt > 0 {
		g, err := kpi.GapToTarget(actual, target)
		if err != nil {
			return err
		}
		gap = g.Minor()
	}
	td.Gap = u.of(gap)
	td.Projected = u.Zero()
	elapsed := int64(ev.asOf.Sub(td.Window.Start) / time.Second)
	total := int64(td.Window.Duration() / time.Second)
	if elapsed > 0 && total > 0 {
		proj, err := mulDiv(act, decimal.NewFromInt(total), decimal.NewFromInt(elapsed), u, ev.plan.Rounding)
		if err != nil {
			return err
		}
		td.Projected = u.of(proj)
	}
	return nil
}

// prorate returns the part of c's target that falls in w, pro rata of
// time (kpi.ExpectedToDate), exact when c lies wholly inside or outside w.
func (ev evaluator) prorate(c *Cell, w crmkit.Period) (int64, error) {
	in, ok := c.Period.Intersect(w)
	if !ok || c.Target.n == 0 {
		return 0, nil
	}
	if in.Equal(c.Period) {
		return c.Target.n, nil
	}
	part := int64(in.Duration() / time.Millisecond)
	whole := int64(c.Period.Duration() / time.Millisecond)
	m, err := kpi.ExpectedToDate(ev.plan.Unit.carrier(c.Target.n), part, whole, ev.plan.Rounding)
	if err != nil {
		return 0, fmt.Errorf("prorate %q: %w", c.Key, err)
	}
	return m.Minor(), nil
}

// mulDiv returns a x num / den in unit u, rounded once with mode from the
// exact value (crmkit.Money.MulRatio); den must not be zero. Results beyond
// int64 are crmkit.ErrOverflow.
func mulDiv(a int64, num, den decimal.Decimal, u Unit, mode crmkit.RoundingMode) (int64, error) {
	m, err := u.carrier(a).MulRatio(num, den, mode)
	if err != nil {
		return 0, err
	}
	return m.Minor(), nil
}

// ratio turns a kpi result into a NullDecimal: invalid where the kpi
// function says the ratio is undefined.
func ratio(d decimal.Decimal, err error) decimal.NullDecimal {
	if err != nil {
		return decimal.NullDecimal{}
	}
	return decimal.NullDecimal{Decimal: d, Valid: true}
}

// Find returns the evaluation of the cell key within e.
func (e Evaluation) Find(key string) (Evaluation, bool) {
	if e.Key == key {
		return e, true
	}
	for _, c := range e.Children {
		if key == c.Key || (len(key) > len(c.Key) && key[:len(c.Key)] == c.Key && key[len(c.Key)] == '/') {
			return c.Find(key)
		}
	}
	return Evaluation{}, false
}

// Peer is one cell's standing among its siblings: the horizontal
// evaluation (reps against reps, regions against regions).
type Peer struct {
	Key    string
	Member string
	Target Quantity
	Actual Quantity
	// Attainment is the cell's Attainment; Rank orders the peers by it, 1
	// the highest (equal attainments share a rank; cells without a target
	// rank last).
	Attainment decimal.NullDecimal
	Rank       int
	// VsAverage is Attainment minus the peers' mean attainment (over those
	// that have one).
	VsAverage decimal.NullDecimal
	// Share is the cell's part of its peers' total actual.
	Share decimal.NullDecimal
}

// Peers ranks the children of the cell key by attainment. An unknown key
// is crmkit.ErrNotFound; a leaf has no peers below it (nil).
func (e Evaluation) Peers(key string) ([]Peer, error) {
	c, ok := e.Find(key)
	if !ok {
		return nil, fmt.Errorf("evaluation has no cell %q: %w", key, crmkit.ErrNotFound)
	}
	out := make([]Peer, len(c.Children))
	var sum decimal.Decimal
	var n, total int64
	for i, ch := range c.Children {
		out[i] = Peer{Key: ch.Key, Member: ch.Member, Target: ch.Target, Actual: ch.Actual, Attainment: ch.Attainment}
		if ch.Attainment.Valid {
			sum, n = sum.Add(ch.Attainment.Decimal), n+1
		}
		t, err := addUnits(total, ch.Actual.n)
		if err != nil {
			return nil, err
		}
		total = t
	}
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		x, y := out[a].Attainment, out[b].Attainment
		switch {
		case x.Valid && y.Valid:
			return -x.Decimal.Cmp(y.Decimal)
		case x.Valid:
			return -1
		case y.Valid:
			return 1
		}
		return 0
	})
	for r, i := range order {
		out[i].Rank = r + 1
		if r > 0 {
			prev := out[order[r-1]]
			if prev.Attainment.Valid == out[i].Attainment.Valid && (!prev.Attainment.Valid || prev.Attainment.Decimal.Equal(out[i].Attainment.Decimal)) {
				out[i].Rank = prev.Rank
			}
		}
	}
	if n > 0 {
		mean, err := crmkit.Ratio(sum, decimal.NewFromInt(n))
		if err != nil {
			return nil, err
		}
		for i := range out {
			if out[i].Attainment.Valid {
				out[i].VsAverage = decimal.NullDecimal{Decimal: out[i].Attainment.Decimal.Sub(mean), Valid: true}
			}
		}
	}
	u := Unit{}
	for i := range out {
		if total > 0 {
			out[i].Share = ratio(kpi.Attainment(u.carrier(out[i].Actual.n), u.carrier(total)))
		}
	}
	return out, nil
}

// TrendPoint is one period of a cell's vertical evaluation (over time).
type TrendPoint struct {
	Key            string
	Member         string
	Period         crmkit.Period
	Target         Quantity
	Actual         Quantity
	LastYearActual Quantity
	Attainment     decimal.NullDecimal
	// Growth is Actual against the same period last year, to the same
	// point in time.
	Growth decimal.NullDecimal
	// TargetVsLastYear is the growth the period's target asks for.
	TargetVsLastYear decimal.NullDecimal
}

// Trend returns the vertical evaluation of the cell key: its period
// children in order (the months of a rep, the quarters of a region), each
// with target, actual, attainment and growth over last year. A cell not
// split over periods is an error matching crmkit.ErrInvalid; an unknown
// key is crmkit.ErrNotFound.
func (e Evaluation) Trend(key string) ([]TrendPoint, error) {
	c, ok := e.Find(key)
	if !ok {
		return nil, fmt.Errorf("evaluation has no cell %q: %w", key, crmkit.ErrNotFound)
	}
	if len(c.Children) == 0 || c.Children[0].Dim != DimPeriod {
		return nil, crmkit.Invalid("key", "cell %q is not split over periods", key)
	}
	out := make([]TrendPoint, len(c.Children))
	for i, ch := range c.Children {
		out[i] = TrendPoint{Key: ch.Key, Member: ch.Member, Period: ch.Period, Target: ch.Target, Actual: ch.Actual,
			LastYearActual: ch.LastYearActual, Attainment: ch.Attainment, Growth: ch.Growth, TargetVsLastYear: ch.TargetVsLastYear}
	}
	return out, nil
}
