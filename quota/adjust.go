package quota

import (
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// TotalPolicy says what happens to the parent's total when a cell moves.
type TotalPolicy uint8

// The total policies.
const (
	// KeepTotal keeps the parent's total: the difference is spread over the
	// cell's unlocked siblings in proportion to their weights (each
	// sibling's subtree follows, see Cell.Weight).
	KeepTotal TotalPolicy = iota + 1
	// ChangeTotal lets the total change: the parent and every ancestor up
	// to the root move by the same amount, so sums stay exact.
	ChangeTotal
)

// Adjustment moves one cell's target up or down, by a relative change (the
// usual +5%, +10%, -5%, -10%, or any: ByRate) or by an amount in the plan's
// Unit (ByAmount: money in a money plan, a count in a count plan). The
// cell's own children follow in proportion to their weights; Total says
// whether the siblings absorb the change or the parent's total moves with
// it.
type Adjustment struct {
	Key string
	// Relative is the change as a fraction of the cell's target: 0.05
	// moves it up 5%, -0.1 down 10%. The new target is rounded with the
	// plan's rounding mode. Below -1 (more than -100%) is an error.
	Relative decimal.Decimal
	// Amount is the change in the plan's Unit, used instead of Relative
	// when Absolute is true: money of the plan's currency in a money plan
	// (another currency is crmkit.ErrCurrencyMismatch), a count of what
	// the plan counts in a count plan. Money on a count plan, a count on a
	// money plan or a count of something else is an error matching
	// crmkit.ErrInvalid.
	Amount   Quantity
	Absolute bool
	Total    TotalPolicy
}

// ByRate returns the adjustment of key by the relative change rate, a
// fraction of the cell's target (0.05 for +5 %, -0.1 for -10 %; percent
// exists only in formatting). A change is not a share: it may exceed 1,
// and below -1 is an error when applied.
func ByRate(key string, rate decimal.Decimal, total TotalPolicy) Adjustment {
	return Adjustment{Key: key, Relative: rate, Total: total}
}

// ByAmount returns the adjustment of the cell key by amount, in the plan's
// Unit: Amount(money) in a money plan, Count(n, what) in a count plan.
func ByAmount(key string, amount Quantity, total TotalPolicy) Adjustment {
	return Adjustment{Key: key, Amount: amount, Absolute: true, Total: total}
}

// Inverse returns the adjustment that undoes a: the opposite amount, or
// the relative change -r/(1+r) (crmkit.Ratio), so that
// +10% is undone by -9.0909...%. An amount adjustment followed by its
// inverse restores every cell exactly. A relative one restores every cell
// to within one unit: the first change was rounded, so the inverse may
// move the cell one unit more than it moved, and fails (below zero) when a
// sibling left at zero would have to give up that unit. A relative change of -100% or below has no
// inverse: an error matching crmkit.ErrInvalid.
func (a Adjustment) Inverse() (Adjustment, error) {
	if a.Absolute {
		var err error
		if a.Amount, err = a.Amount.neg(); err != nil {
			return Adjustment{}, fmt.Errorf("inverse: %w", err)
		}
		return a, nil
	}
	one := decimal.NewFromInt(1)
	f := one.Add(a.Relative)
	if f.Sign() <= 0 {
		return Adjustment{}, crmkit.Invalid("relative change", "%s%% cannot be undone", a.Relative.Shift(2))
	}
	inv, err := crmkit.Ratio(a.Relative.Neg(), f)
	if err != nil {
		return Adjustment{}, err
	}
	a.Relative = inv
	return a, nil
}

// String describes the adjustment, as revisions record it.
func (a Adjustment) String() string {
	at := a.Key
	if at == "" {
		at = "the plan"
	}
	by := a.Relative.Shift(2).String() + "%"
	if a.Relative.Sign() >= 0 {
		by = "+" + by
	}
	if a.Absolute {
		by = a.Amount.String()
		if a.Amount.Sign() >= 0 {
			by = "+" + by
		}
	}
	return fmt.Sprintf("adjust %s by %s (%s)", at, by, a.Total)
}

// Adjust applies adjustments in order, all in one new version by c, and
// returns the new plan with its EventPlanAdjusted event.
// Locked cells never move: adjusting one is crmkit.ErrConflict, and so is
// a change that must be absorbed where every candidate is locked (all
// siblings under KeepTotal, an ancestor under ChangeTotal, all children).
// A relative change below -100%, a result below zero, the root under
// KeepTotal (it has no siblings), an unknown policy and an invalid command
// are errors matching crmkit.ErrInvalid; an unknown key is
// crmkit.ErrNotFound. On any error the plan is unchanged.
func (p Plan) Adjust(c crmkit.Cmd, adjustments ...Adjustment) (Plan, crmkit.Event, error) {
	var none crmkit.Event
	if err := checkCmd(c, "adjust", &p); err != nil {
		return Plan{}, none, err
	}
	if len(adjustments) == 0 {
		return Plan{}, none, crmkit.Invalid("adjustments", "nothing to adjust")
	}
	q := p.clone()
	idx := q.index()
	tr := newTracker()
	for i, a := range adjustments {
		if err := q.adjust(idx, tr, a); err != nil {
			return Plan{}, none, fmt.Errorf("adjustment %d (%s): %w", i, a, err)
		}
	}
	action := adjustments[0].String()
	if len(adjustments) > 1 {
		action = fmt.Sprintf("%s and %d more adjustments", action, len(adjustments)-1)
	}
	e, err := q.commit(c, EventPlanAdjusted, action, tr.changes())
	if err != nil {
		return Plan{}, none, err
	}
	return q, e, nil
}

// SetTarget sets the target of the cell key to target, in the plan's Unit
// (Amount(money) in a money plan, Count(n, what) in a count plan), keeping
// or changing the parent's total; it is Adjust with ByAmount(target -
// current), and returns the same EventPlanAdjusted event. A target in
// another currency is crmkit.ErrCurrencyMismatch; a negative target or one
// in another unit crmkit.ErrInvalid.
func (p Plan) SetTarget(c crmkit.Cmd, key string, target Quantity, total TotalPolicy) (Plan, crmkit.Event, error) {
	var none crmkit.Event
	n, err := p.inUnit(target, "target")
	if err != nil {
		return Plan{}, none, fmt.Errorf("set target of %q: %w", key, err)
	}
	cell, err := p.find(key)
	if err != nil {
		return Plan{}, none, err
	}
	if n < 0 {
		return Plan{}, none, crmkit.Invalid("target", "negative target %s for %q", target, key)
	}
	delta, err := addUnits(n, -cell.Target.n) // targets are never negative
	if err != nil {
		return Plan{}, none, err
	}
	return p.Adjust(c, ByAmount(key, p.Unit.of(delta), total))
}

// inUnit returns q's minor units or count if q is in the plan's unit (the
// zero Quantity is zero in any unit): another currency is
// crmkit.ErrCurrencyMismatch, money in a count plan, a count in a money
// plan or a count of something else crmkit.ErrInvalid.
func (p *Plan) inUnit(q Quantity, field string) (int64, error) {
	switch u := q.Unit(); {
	case u == p.Unit, u == Unit{} && q.IsZero():
		return q.n, nil
	case u.IsMoney() && p.Unit.IsMoney():
		return 0, fmt.Errorf("%s %s on a plan in %s: %w", field, q, p.Unit, crmkit.ErrCurrencyMismatch)
	default:
		return 0, crmkit.Invalid(field, "%s on a plan in %s", q, p.Unit)
	}
}

// absolute returns the change of an absolute adjustment in the plan's
// unit: minor units of its currency in a money plan, a count in a count
// plan.
func (p *Plan) absolute(a Adjustment) (int64, error) {
	return p.inUnit(a.Amount, "adjustment")
}

// tracker records each touched cell's state before its first change.
type tracker struct {
	order  []*Cell
	before map[*Cell]Change
}

func newTracker() *tracker { return &tracker{before: make(map[*Cell]Change)} }

func (t *tracker) touch(c *Cell) {
	if _, ok := t.before[c]; ok {
		return
	}
	t.order = append(t.order, c)
	t.before[c] = Change{Key: c.Key, Before: c.Target, LockedBefore: c.Locked, RiskBefore: c.Risk}
}

func (t *tracker) changes() []Change {
	out := make([]Change, 0, len(t.order))
	for _, c := range t.order {
		ch := t.before[c]
		ch.After, ch.LockedAfter, ch.RiskAfter = c.Target, c.Locked, c.Risk
		if ch.Before != ch.After || ch.LockedBefore != ch.LockedAfter || !ch.RiskBefore.Equal(ch.RiskAfter) {
			out = append(out, ch)
		}
	}
	return out
}

func (p *Plan) adjust(idx index, tr *tracker, a Adjustment) error {
	// An amount in another unit is wrong whatever the plan's state.
	var delta int64
	var err error
	if a.Absolute {
		if delta, err = p.absolute(a); err != nil {
			return err
		}
	}
	e, err := idx.get(p, a.Key)
	if err != nil {
		return err
	}
	c := e.cell
	if c.Locked {
		return fmt.Errorf("cell %q is locked: %w", a.Key, crmkit.ErrConflict)
	}
	if !a.Absolute {
		if a.Relative.LessThan(decimal.NewFromInt(-1)) {
			return crmkit.Invalid("relative change", "%s%% is below -100%%", a.Relative.Shift(2))
		}
		m, err := p.Unit.carrier(c.Target.n).Mul(decimal.NewFromInt(1).Add(a.Relative), p.Rounding)
		if err != nil {
			return err
		}
		delta = m.Minor() - c.Target.n
	}
	// Feasibility does not depend on the size of the change, so a change
	// that happens to round to zero fails where its inverse would.
	switch a.Total {
	case KeepTotal:
		if e.parent == nil {
			return crmkit.Invalid("total policy", "the plan's root has no siblings to keep its total; use change total")
		}
		if !hasUnlocked(e.parent, c) {
			return fmt.Errorf("cell %q has no unlocked sibling to keep %q's total: %w", a.Key, e.parent.Key, crmkit.ErrConflict)
		}
	case ChangeTotal:
		for anc := e.parent; anc != nil; anc = idx[anc.Key].parent {
			if anc.Locked {
				return fmt.Errorf("cell %q is locked and cannot take %q's change: %w", anc.Key, a.Key, crmkit.ErrConflict)
			}
		}
	default:
		return crmkit.Invalid("total policy", "%s is not keep total or change total", a.Total)
	}
	if !c.IsLeaf() && !hasUnlocked(c, nil) {
		return fmt.Errorf("every child of cell %q is locked: %w", a.Key, crmkit.ErrConflict)
	}
	if delta == 0 {
		return nil
	}
	if err := p.move(tr, c, delta); err != nil {
		return err
	}
	if a.Total == KeepTotal {
		neg, err := negate(delta)
		if err != nil {
			return err
		}
		return p.spread(tr, e.parent, neg, c)
	}
	for anc := e.parent; anc != nil; anc = idx[anc.Key].parent {
		tr.touch(anc)
		if anc.Target.n, err = addUnits(anc.Target.n, delta); err != nil {
			return err
		}
	}
	return nil
}

// hasUnlocked reports whether parent has an unlocked child other than
// skip.
func hasUnlocked(parent, skip *Cell) bool {
	for i := range parent.Children {
		if ch := &parent.Children[i]; ch != skip && !ch.Locked {
			return true
		}
	}
	return false
}

// move changes c's target by delta and spreads delta over its children.
func (p *Plan) move(tr *tracker, c *Cell, delta int64) error {
	if c.Locked {
		return fmt.Errorf("cell %q is locked: %w", c.Key, crmkit.ErrConflict)
	}
	tr.touch(c)
	t, err := addUnits(c.Target.n, delta)
	if err != nil {
		return err
	}
	if t < 0 {
		return crmkit.Invalid("target", "cell %q would fall to %s", c.Key, p.Unit.of(t))
	}
	c.Target.n = t
	if c.IsLeaf() {
		return nil
	}
	return p.spread(tr, c, delta, nil)
}

// spread shares delta over the unlocked children of parent other than
// skip, in proportion to their weights (equally when those are all zero),
// and moves each by its share.
func (p *Plan) spread(tr *tracker, parent *Cell, delta int64, skip *Cell) error {
	var who []*Cell
	var ws []int64
	var total int64
	for i := range parent.Children {
		ch := &parent.Children[i]
		if ch == skip || ch.Locked {
			continue
		}
		who = append(who, ch)
		ws = append(ws, ch.Weight)
		total += ch.Weight
	}
	if len(who) == 0 {
		return fmt.Errorf("cell %q has no unlocked cell to take a change of %s: %w", parent.Key, p.Unit.of(delta), crmkit.ErrConflict)
	}
	if total == 0 {
		for i := range ws {
			ws[i] = 1
		}
	}
	parts, err := p.Unit.carrier(delta).Allocate(ws...)
	if err != nil {
		return err
	}
	for i, c := range who {
		if d := parts[i].Minor(); d != 0 {
			if err := p.move(tr, c, d); err != nil {
				return err
			}
		}
	}
	return nil
}

func addUnits(a, b int64) (int64, error) {
	s := a + b
	if (s > a) != (b > 0) {
		return 0, fmt.Errorf("%d + %d: %w", a, b, crmkit.ErrOverflow)
	}
	return s, nil
}

func negate(a int64) (int64, error) {
	if a != 0 && a == -a {
		return 0, fmt.Errorf("negate %d: %w", a, crmkit.ErrOverflow)
	}
	return -a, nil
}

// Lock locks (or, with locked false, unlocks) the cells keys in one new
// version by c, and returns the new plan with its EventCellsLocked (or
// EventCellsUnlocked) event. Locked cells never move. An unknown key is
// crmkit.ErrNotFound, no keys or an invalid command crmkit.ErrInvalid; on
// error the plan is unchanged.
func (p Plan) Lock(c crmkit.Cmd, locked bool, keys ...string) (Plan, crmkit.Event, error) {
	var none crmkit.Event
	if err := checkCmd(c, "lock", &p); err != nil {
		return Plan{}, none, err
	}
	if len(keys) == 0 {
		return Plan{}, none, crmkit.Invalid("keys", "no cells to lock")
	}
	q := p.clone()
	idx := q.index()
	tr := newTracker()
	for _, k := range keys {
		e, err := idx.get(&q, k)
		if err != nil {
			return Plan{}, none, err
		}
		tr.touch(e.cell)
		e.cell.Locked = locked
	}
	verb, typ := "lock", EventCellsLocked
	if !locked {
		verb, typ = "unlock", EventCellsUnlocked
	}
	e, err := q.commit(c, typ, fmt.Sprintf("%s %d cells", verb, len(keys)), tr.changes())
	if err != nil {
		return Plan{}, none, err
	}
	return q, e, nil
}

// SetRisk sets the completion-risk coefficient of key (see Cell.Risk) in
// a new version by c, and returns the new plan with its
// EventRiskCoefficientSet event: 1.1 assigns 10% more than the cell's
// allocated target; zero clears it. A negative coefficient and an invalid
// command are errors matching crmkit.ErrInvalid; an unknown key is
// crmkit.ErrNotFound. On error the plan is unchanged.
func (p Plan) SetRisk(c crmkit.Cmd, key string, coefficient decimal.Decimal) (Plan, crmkit.Event, error) {
	var none crmkit.Event
	if err := checkCmd(c, "set risk in", &p); err != nil {
		return Plan{}, none, err
	}
	if coefficient.Sign() < 0 {
		return Plan{}, none, crmkit.Invalid("risk", "negative coefficient %s for %q", coefficient, key)
	}
	q := p.clone()
	cell, err := q.find(key)
	if err != nil {
		return Plan{}, none, err
	}
	tr := newTracker()
	tr.touch(cell)
	cell.Risk = coefficient
	e, err := q.commit(c, EventRiskCoefficientSet, fmt.Sprintf("set risk coefficient of %q to %s", key, coefficient), tr.changes())
	if err != nil {
		return Plan{}, none, err
	}
	return q, e, nil
}
