package quota

import (
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// DimPeriod is the dimension name of cells that split their parent over
// time (halves, quarters, months). Every other dimension name (such as
// "region", "rep", "product", "channel") is the host application's.
const DimPeriod = "period"

// Grain is the size of the periods a period split produces.
type Grain uint8

// The grains of period splits.
const (
	// Halves splits into fiscal half-years, labelled H1 and H2.
	Halves Grain = iota + 1
	// Quarters splits into fiscal quarters, labelled Q1 to Q4.
	Quarters
	// Months splits into fiscal months, labelled M01 to M12.
	Months
)

// periods splits p at the grain's boundaries of cal.
func (g Grain) periods(cal crmkit.Calendar, p crmkit.Period) []crmkit.Period {
	switch g {
	case Halves:
		return cal.Halves(p)
	case Quarters:
		return cal.Quarters(p)
	}
	return cal.Months(p)
}

// label names the fiscal period of grain g that starts at t: H1, Q3, M07.
func (g Grain) label(cal crmkit.Calendar, t time.Time) string {
	switch g {
	case Halves:
		return fmt.Sprintf("H%d", (cal.FiscalMonth(t)-1)/6+1)
	case Quarters:
		return fmt.Sprintf("Q%d", cal.FiscalQuarter(t))
	}
	return fmt.Sprintf("M%02d", cal.FiscalMonth(t))
}

// Cell is one node of a plan's target tree: the whole plan (the root), a
// member of a dimension (region EMEA, rep ana, product X, channel partner
// P) or a period (Q1, M07), with its target. A cell's children split it
// along one dimension, or over periods, and their targets sum exactly to
// its own; leaves are the finest cells. Any nesting works: region -> rep ->
// month, or quarter -> product -> month.
type Cell struct {
	// Key identifies the cell in its plan: the path of dim=member segments
	// from the root, such as "region=EMEA/rep=ana/period=M03". The root's
	// key is "". Keys of period cells name the fiscal period, not the year,
	// so the same cell of last year's plan has the same key.
	Key string `json:"key"`
	// Dim and Member name the cell within its parent ("rep", "ana"; or
	// DimPeriod, "Q1"). Both are empty for the root.
	Dim    string `json:"dim,omitempty"`
	Member string `json:"member,omitempty"`
	// Period is the cell's time span: the fiscal year for the root, the
	// split period for period cells, the parent's period for the others.
	Period crmkit.Period `json:"period"`
	// Target is the allocated target in the plan's Unit. Children's
	// targets sum exactly to it. In JSON it is stored as a string of the
	// unit's smallest steps ("target":"120000000" for 1,200,000.00 EUR, as
	// plans have always been stored); Plan's UnmarshalJSON gives it back
	// its unit, the plan's.
	Target Quantity `json:"target"`
	// Weight is the cell's share among its siblings as split: its target,
	// in the plan's smallest steps, when the parent was split. It is a
	// share, not an amount: only the ratios of siblings' weights count. A
	// change that keeps the parent's total
	// is spread over the unlocked siblings in proportion to their weights,
	// and a change to a cell is spread over its unlocked children the same
	// way, so that a change followed by its opposite restores every cell.
	Weight int64 `json:"weight,string"`
	// Risk is the completion-risk coefficient: the target assigned to the
	// cell's owner is Target x Risk (see Plan.Assigned), so a manager can
	// assign more than the allocation (1.1 assigns 10% more) and the sum
	// of assigned targets may deliberately exceed the parent. Zero means 1.
	Risk decimal.Decimal `json:"risk,omitzero"`
	// Locked cells never move: adjustments that would change them fail,
	// and spreads skip them.
	Locked bool `json:"locked,omitempty"`
	// Children split the cell along one dimension or over periods.
	Children []Cell `json:"children,omitempty"`
}

// cellJSON is the stored form of a Cell: the target as a string of
// smallest steps of the plan's unit, which the plan carries.
type cellJSON struct {
	Key      string          `json:"key"`
	Dim      string          `json:"dim,omitempty"`
	Member   string          `json:"member,omitempty"`
	Period   crmkit.Period   `json:"period"`
	Target   int64           `json:"target,string"`
	Weight   int64           `json:"weight,string"`
	Risk     decimal.Decimal `json:"risk,omitzero"`
	Locked   bool            `json:"locked,omitempty"`
	Children []Cell          `json:"children,omitempty"`
}

// MarshalJSON encodes the cell in the stored form of plans: the target as
// a string of smallest steps of the plan's unit (the unit is the plan's).
func (c Cell) MarshalJSON() ([]byte, error) {
	return json.Marshal(cellJSON{Key: c.Key, Dim: c.Dim, Member: c.Member, Period: c.Period, Target: c.Target.n,
		Weight: c.Weight, Risk: c.Risk, Locked: c.Locked, Children: c.Children})
}

// UnmarshalJSON decodes what MarshalJSON writes. The target has no unit
// until the plan that holds the cell sets it (Plan.UnmarshalJSON does).
// Malformed JSON is an error matching crmkit.ErrInvalid; on error c is
// unchanged.
func (c *Cell) UnmarshalJSON(b []byte) error {
	if c == nil {
		return crmkit.Invalid("cell", "decode into a nil *Cell")
	}
	var v cellJSON
	if err := json.Unmarshal(b, &v); err != nil {
		var ve *crmkit.ValidationError
		if errors.As(err, &ve) {
			return err
		}
		return crmkit.Invalid("cell", "malformed JSON: %v", err)
	}
	*c = Cell{Key: v.Key, Dim: v.Dim, Member: v.Member, Period: v.Period, Target: Quantity{n: v.Target},
		Weight: v.Weight, Risk: v.Risk, Locked: v.Locked, Children: v.Children}
	return nil
}

// setUnit gives every target of the subtree c the unit u.
func setUnit(c *Cell, u Unit) {
	c.Target.unit = u
	for i := range c.Children {
		setUnit(&c.Children[i], u)
	}
}

// IsLeaf reports whether the cell has no children.
func (c Cell) IsLeaf() bool { return len(c.Children) == 0 }

func (c Cell) clone() Cell {
	out := c
	if c.Children != nil {
		out.Children = make([]Cell, len(c.Children))
		for i := range c.Children {
			out.Children[i] = c.Children[i].clone()
		}
	}
	return out
}

// KeyStep is one step of a cell key: a dimension and a member.
type KeyStep struct {
	Dim    string
	Member string
}

// ParseKey splits a cell key into its steps; the root key "" has none.
func ParseKey(key string) ([]KeyStep, error) {
	if key == "" {
		return nil, nil
	}
	parts := strings.Split(key, "/")
	out := make([]KeyStep, len(parts))
	for i, p := range parts {
		d, m, ok := strings.Cut(p, "=")
		if !ok || d == "" || m == "" {
			return nil, crmkit.Invalid("key", "segment %q of %q is not dim=member", p, key)
		}
		out[i] = KeyStep{Dim: d, Member: m}
	}
	return out, nil
}

// ChildKey returns the key of the child dim=member of the cell parent.
func ChildKey(parent, dim, member string) string {
	if parent == "" {
		return dim + "=" + member
	}
	return parent + "/" + dim + "=" + member
}

// checkName rejects dimension and member names that cannot be part of a
// key.
func checkName(field, s string) error {
	switch {
	case s == "":
		return crmkit.Invalid(field, "empty")
	case len(s) > 200:
		return crmkit.Invalid(field, "%.20q... is longer than 200 bytes", s)
	case strings.ContainsAny(s, "/="):
		return crmkit.Invalid(field, "%q contains '/' or '='", s)
	case strings.TrimSpace(s) != s:
		return crmkit.Invalid(field, "%q has leading or trailing spaces", s)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return crmkit.Invalid(field, "%q contains a control character", s)
		}
	}
	return nil
}

// Plan is a target plan: an annual target in a fiscal calendar, split into
// a tree of cells over periods and dimensions, set in stages and adjusted.
// Every change (Split, Adjust, SetTarget, Lock, SetRisk) takes a
// crmkit.Cmd (who, when, why) and returns a new Plan with the next Version,
// a Revision saying who, when, why and which cells moved, and the
// crmkit.Event that records it (see the Event constants); the plan it was
// called on is unchanged, also on error. AtVersion rebuilds any earlier
// version and Diff compares two versions cell by cell.
//
// Plan is a value that can be stored as JSON (the calendar as a
// CalendarSpec); UnmarshalJSON validates what it reads. Build one with
// NewPlan; the zero Plan is not a plan.
type Plan struct {
	ID         uuid.UUID           `json:"id"`
	Version    int64               `json:"version"`
	Name       string              `json:"name"`
	FiscalYear int                 `json:"fiscal_year"`
	Calendar   CalendarSpec        `json:"calendar"`
	Unit       Unit                `json:"unit"`
	Rounding   crmkit.RoundingMode `json:"rounding"`
	Root       Cell                `json:"root"`
	History    []Revision          `json:"history"`

	cal    crmkit.Calendar // built from Calendar by NewPlan and UnmarshalJSON
	hasCal bool
}

// PlanSpec is the input of NewPlan: Target is the annual target, whose
// unit becomes the plan's, Amount(money) for a money plan or Count(n, what)
// for a count plan (120 new logos a year).
type PlanSpec struct {
	// ID identifies the plan; a nil ID gets a new crmkit.NewID.
	ID         uuid.UUID
	Name       string
	FiscalYear int
	Calendar   CalendarSpec
	// Target is the annual target in the plan's unit.
	Target Quantity
	// Rounding rounds everything the plan computes that is not an exact
	// split: percentage adjustments, assigned targets, prorations.
	Rounding crmkit.RoundingMode
}

// NewPlan returns version 1 of a plan, one root cell holding the annual
// target for the fiscal year, created by c, and its EventPlanCreated
// event. A negative target, a target without a unit, an invalid calendar,
// rounding mode or command (crmkit.Cmd.Validate) are errors matching
// crmkit.ErrInvalid.
func NewPlan(spec PlanSpec, c crmkit.Cmd) (Plan, crmkit.Event, error) {
	var none crmkit.Event
	if err := c.Validate(); err != nil {
		return Plan{}, none, fmt.Errorf("new plan: %w", err)
	}
	p := Plan{ID: spec.ID, Name: spec.Name, FiscalYear: spec.FiscalYear,
		Calendar: spec.Calendar, Rounding: spec.Rounding}
	if p.ID == uuid.Nil {
		p.ID = c.NewID()
	}
	target := spec.Target.n
	p.Unit = spec.Target.unit
	if err := p.Unit.Validate(); err != nil {
		return Plan{}, none, fmt.Errorf("new plan: target %s: %w", spec.Target, err)
	}
	if target < 0 {
		return Plan{}, none, crmkit.Invalid("target", "negative annual target %s", p.Unit.of(target).String())
	}
	if err := checkRounding(p.Rounding); err != nil {
		return Plan{}, none, err
	}
	cal, err := spec.Calendar.Calendar()
	if err != nil {
		return Plan{}, none, fmt.Errorf("new plan: %w", err)
	}
	if spec.FiscalYear < 1 || spec.FiscalYear > 9998 {
		return Plan{}, none, crmkit.Invalid("fiscal year", "%d is outside 1..9998", spec.FiscalYear)
	}
	p.cal, p.hasCal = cal, true
	p.Root = Cell{Period: cal.YearPeriod(spec.FiscalYear), Target: p.Unit.of(target), Weight: target}
	e, err := p.commit(c, EventPlanCreated, "create plan with target "+p.Unit.of(target).String(),
		[]Change{{Key: "", Created: true, Before: p.Unit.Zero(), After: p.Unit.of(target)}})
	if err != nil {
		return Plan{}, none, err
	}
	return p, e, nil
}

// checkRounding rejects the zero and unknown rounding modes.
func checkRounding(m crmkit.RoundingMode) error {
	// Money.Mul validates the mode before anything else.
	if _, err := countCarrier1().Mul(decimal.NewFromInt(1), m); err != nil {
		return fmt.Errorf("plan rounding: %w", err)
	}
	return nil
}

func countCarrier1() crmkit.Money { return Unit{}.carrier(1) }

// CalendarValue returns the plan's calendar (the Gregorian calendar in
// UTC if its CalendarSpec is invalid).
func (p Plan) CalendarValue() crmkit.Calendar {
	c, _ := p.calendar()
	return c
}

// calendar returns the calendar built when the plan was made or decoded,
// or builds it from the spec for a plan assembled by hand.
func (p *Plan) calendar() (crmkit.Calendar, error) {
	if p.hasCal {
		return p.cal, nil
	}
	c, err := p.Calendar.Calendar()
	if err != nil {
		return crmkit.Calendar{}, err
	}
	p.cal, p.hasCal = c, true
	return c, nil
}

// Cell returns the cell with the given key; an unknown key is an error
// matching crmkit.ErrNotFound.
func (p Plan) Cell(key string) (Cell, error) {
	c, err := p.find(key)
	if err != nil {
		return Cell{}, err
	}
	return *c, nil
}

// find walks the tree to key without building an index.
func (p *Plan) find(key string) (*Cell, error) {
	c := &p.Root
	if key == "" {
		return c, nil
	}
	rest := key
	for {
		seg, tail, more := strings.Cut(rest, "/")
		want := seg
		if c.Key != "" {
			want = c.Key + "/" + seg
		}
		var next *Cell
		for i := range c.Children {
			if c.Children[i].Key == want {
				next = &c.Children[i]
				break
			}
		}
		if next == nil {
			return nil, fmt.Errorf("plan %s: cell %q: %w", p.ID, key, crmkit.ErrNotFound)
		}
		c = next
		if !more {
			return c, nil
		}
		rest = tail
	}
}

// Target returns the target of the cell key in the plan's Unit. An unknown
// key is an error matching crmkit.ErrNotFound.
func (p Plan) Target(key string) (Quantity, error) {
	c, err := p.find(key)
	if err != nil {
		return Quantity{}, err
	}
	return c.Target, nil
}

// Assigned returns the target assigned to the owner of cell key, in the
// plan's Unit: Target x Risk, rounded with the plan's rounding mode (Target
// when Risk is zero). An unknown key is an error matching
// crmkit.ErrNotFound.
func (p Plan) Assigned(key string) (Quantity, error) {
	c, err := p.find(key)
	if err != nil {
		return Quantity{}, err
	}
	n, err := p.assigned(*c)
	if err != nil {
		return Quantity{}, err
	}
	return p.Unit.of(n), nil
}

func (p Plan) assigned(c Cell) (int64, error) {
	if c.Risk.IsZero() {
		return c.Target.n, nil
	}
	m, err := p.Unit.carrier(c.Target.n).Mul(c.Risk, p.Rounding)
	if err != nil {
		return 0, fmt.Errorf("assigned target of %q: %w", c.Key, err)
	}
	return m.Minor(), nil
}

// Cells yields every cell of the plan, parents before children, in tree
// order (each cell without its subtree is the same value with Children).
func (p Plan) Cells() iter.Seq[Cell] {
	return func(yield func(Cell) bool) {
		walk(p.Root, yield)
	}
}

func walk(c Cell, yield func(Cell) bool) bool {
	if !yield(c) {
		return false
	}
	for _, ch := range c.Children {
		if !walk(ch, yield) {
			return false
		}
	}
	return true
}

// Leaves yields the cells without children, in tree order.
func (p Plan) Leaves() iter.Seq[Cell] {
	return func(yield func(Cell) bool) {
		for c := range p.Cells() {
			if c.IsLeaf() && !yield(c) {
				return
			}
		}
	}
}

// clone returns a deep copy whose tree and history can be changed freely.
func (p Plan) clone() Plan {
	q := p
	q.Root = p.Root.clone()
	q.History = slices.Clip(p.History)
	return q
}

// index maps every key to its cell and parent in the (cloned) tree. The
// pointers stay valid while no Children slice is replaced above them.
type index map[string]entry

type entry struct {
	cell   *Cell
	parent *Cell
}

func (p *Plan) index() index {
	idx := make(index)
	var add func(c, parent *Cell)
	add = func(c, parent *Cell) {
		idx[c.Key] = entry{cell: c, parent: parent}
		for i := range c.Children {
			add(&c.Children[i], c)
		}
	}
	add(&p.Root, nil)
	return idx
}

func (idx index) get(p *Plan, key string) (entry, error) {
	e, ok := idx[key]
	if !ok {
		return entry{}, fmt.Errorf("plan %s: cell %q: %w", p.ID, key, crmkit.ErrNotFound)
	}
	return e, nil
}

// Validate checks the plan's invariants: a known unit, calendar and
// rounding mode; a root spanning the fiscal year; keys that follow the
// tree; children of one dimension, or periods that tile their parent;
// non-negative targets in the plan's Unit whose children sum exactly to
// their parent; a history with one revision per version. Errors match
// crmkit.ErrInvalid.
func (p Plan) Validate() error {
	if err := p.Unit.Validate(); err != nil {
		return err
	}
	if err := checkRounding(p.Rounding); err != nil {
		return err
	}
	cal, err := p.Calendar.Calendar()
	if err != nil {
		return err
	}
	if p.FiscalYear < 1 || p.FiscalYear > 9998 {
		return crmkit.Invalid("fiscal year", "%d is outside 1..9998", p.FiscalYear)
	}
	if p.Version < 1 || int64(len(p.History)) != p.Version {
		return crmkit.Invalid("version", "version %d with %d revisions", p.Version, len(p.History))
	}
	for i, r := range p.History {
		if r.Version != int64(i+1) {
			return crmkit.Invalid("history", "revision %d has version %d", i+1, r.Version)
		}
	}
	if p.Root.Key != "" || p.Root.Dim != "" || p.Root.Member != "" {
		return crmkit.Invalid("root", "root has key %q, dim %q, member %q", p.Root.Key, p.Root.Dim, p.Root.Member)
	}
	if y := cal.YearPeriod(p.FiscalYear); !p.Root.Period.Equal(y) {
		return crmkit.Invalid("root period", "%s is not fiscal year %d %s", p.Root.Period, p.FiscalYear, y)
	}
	return p.validateCell(cal, p.Root)
}

func (p Plan) validateCell(cal crmkit.Calendar, c Cell) error {
	if c.Target.unit != p.Unit {
		return crmkit.Invalid("target", "cell %q has a target in %q, the plan counts %q", c.Key, c.Target.unit, p.Unit)
	}
	if c.Target.n < 0 {
		return crmkit.Invalid("target", "cell %q has negative target %s", c.Key, c.Target)
	}
	if c.Weight < 0 {
		return crmkit.Invalid("weight", "cell %q has negative weight %d", c.Key, c.Weight)
	}
	if c.Risk.Sign() < 0 {
		return crmkit.Invalid("risk", "cell %q has negative risk coefficient %s", c.Key, c.Risk)
	}
	if c.IsLeaf() {
		return nil
	}
	dim := c.Children[0].Dim
	var sum int64
	seen := make(map[string]bool, len(c.Children))
	var grainPeriods []crmkit.Period
	if dim == DimPeriod {
		g, ok := grainOf(c.Children[0].Member)
		if !ok {
			return crmkit.Invalid("member", "period cell %q is not H1, Q1 or M01 style", c.Children[0].Key)
		}
		grainPeriods = g.periods(cal, c.Period)
		if len(grainPeriods) != len(c.Children) {
			return crmkit.Invalid("children", "cell %q has %d period children, its %s are %d", c.Key, len(c.Children), g, len(grainPeriods))
		}
		for i, ch := range c.Children {
			if !ch.Period.Equal(grainPeriods[i]) || ch.Member != g.label(cal, grainPeriods[i].Start) {
				return crmkit.Invalid("children", "period cell %q does not match %s %s", ch.Key, g, grainPeriods[i])
			}
		}
	}
	for _, ch := range c.Children {
		if ch.Dim != dim {
			return crmkit.Invalid("children", "cell %q splits by %q and %q", c.Key, dim, ch.Dim)
		}
		if err := checkName("dimension", ch.Dim); err != nil {
			return err
		}
		if err := checkName("member", ch.Member); err != nil {
			return err
		}
		if ch.Key != ChildKey(c.Key, ch.Dim, ch.Member) {
			return crmkit.Invalid("key", "cell %q under %q should be %q", ch.Key, c.Key, ChildKey(c.Key, ch.Dim, ch.Member))
		}
		if seen[ch.Member] {
			return crmkit.Invalid("member", "cell %q has two children %q", c.Key, ch.Member)
		}
		seen[ch.Member] = true
		if dim != DimPeriod && !ch.Period.Equal(c.Period) {
			return crmkit.Invalid("period", "cell %q has period %s, its parent %s", ch.Key, ch.Period, c.Period)
		}
		if sum > 1<<62 || ch.Target.n > 1<<62 {
			return fmt.Errorf("children of %q: %w", c.Key, crmkit.ErrOverflow)
		}
		sum += ch.Target.n
		if err := p.validateCell(cal, ch); err != nil {
			return err
		}
	}
	if sum != c.Target.n {
		return crmkit.Invalid("children", "children of %q sum to %s, not its target %s", c.Key, p.Unit.of(sum), c.Target)
	}
	return nil
}

// grainOf tells the grain of a period member label.
func grainOf(label string) (Grain, bool) {
	if len(label) < 2 {
		return 0, false
	}
	switch label[0] {
	case 'H':
		return Halves, true
	case 'Q':
		return Quarters, true
	case 'M':
		return Months, true
	}
	return 0, false
}

// MarshalJSON encodes the plan; it is the default encoding, present so
// that Plan pairs with UnmarshalJSON.
func (p Plan) MarshalJSON() ([]byte, error) {
	type plain Plan
	return json.Marshal(plain(p))
}

// UnmarshalJSON decodes a plan written by MarshalJSON and validates it
// (see Validate); an invalid plan is an error and leaves p unchanged.
func (p *Plan) UnmarshalJSON(b []byte) error {
	type plain Plan
	var v plain
	if err := json.Unmarshal(b, &v); err != nil {
		var ve *crmkit.ValidationError
		if errors.As(err, &ve) {
			return fmt.Errorf("decode plan: %w", err)
		}
		return crmkit.Invalid("plan", "malformed JSON: %v", err)
	}
	q := Plan(v)
	setUnit(&q.Root, q.Unit)
	for i := range q.History {
		setChangeUnits(q.History[i].Changes, q.Unit)
	}
	if err := q.Validate(); err != nil {
		return fmt.Errorf("decode plan %s: %w", q.ID, err)
	}
	q.cal, _ = q.Calendar.Calendar() // Validate built it once already
	q.hasCal = true
	*p = q
	return nil
}
