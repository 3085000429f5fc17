package funnel

import (
	"cmp"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/google/uuid"
)

// CadenceStage is one stage's row of a CadenceCheck.
type CadenceStage struct {
	// Name is the stage; Cadence its visit policy as the pipeline
	// configures it (no visits: nothing checked).
	Name    string
	Cadence deal.VisitCadence
	// Windows counts the full cadence windows checked (days, weeks or
	// months, as the cadence says); Activities the visits in them;
	// Breaches the windows with fewer visits than the cadence asks.
	Windows, Activities, Breaches int64
}

// Breach is one cadence window in which an entity had fewer visits than
// its stage's cadence asks.
type Breach struct {
	Entity uuid.UUID
	// Stage is the stage's index; Window the start of the window.
	Stage  int
	Window time.Time
	// Visits is how many visits the window had; Required the cadence's.
	Visits, Required int
	// Owner is the entity's owner as of the end of the window's stay.
	Owner string
}

// CadenceCheck is the stage policy check of visit frequency: visits per
// cadence window against each stage's deal.VisitCadence.
type CadenceCheck struct {
	Stages   []CadenceStage
	Breaches []Breach
}

// CheckCadence counts, for every stay of an entity in a stage of pipeline
// p with a visit cadence, the visits (Activity records; DealEvents makes
// them of visits only) in each full window of the cadence, windows
// following each other from the entry into the stage
// (deal.VisitCadence.WindowEnd), and reports the windows the cadence
// judges breached (deal.VisitCadence.Breached): "twice a week, three times
// in negotiation", so two visits in a negotiation week is a breach. A
// monthly cadence is judged per calendar month from the entry, exactly as
// configured.
//
// Only full windows are judged: the last, partial window of a stay (or
// the window still going on as of asOf) is not. Windows in which the
// entity was suspended at any time are not judged either. Records are read
// in report order, with the errors of SummarizeRecords.
func CheckCadence(pl *deal.Pipeline, records iter.Seq[Record], asOf time.Time) (CadenceCheck, error) {
	if records == nil {
		return CadenceCheck{}, crmkit.Invalid("records", "nil sequence")
	}
	stages, err := policyOf(pl)
	if err != nil {
		return CadenceCheck{}, err
	}
	p, err := newReplayer(stages, asOf)
	if err != nil {
		return CadenceCheck{}, err
	}
	c := cadence{asOf: asOf, stage: -1, out: CadenceCheck{Stages: make([]CadenceStage, stages.Len())}}
	for i := range c.out.Stages {
		st := stages.Stage(i)
		c.out.Stages[i] = CadenceStage{Name: st.Name, Cadence: st.Visits}
	}
	// Observe every record after the replayer has applied it.
	observed := func(yield func(Record) bool) {
		for r := range records {
			if !yield(r) {
				return
			}
			c.observe(&r, p)
		}
	}
	err = p.replay(observed, func(*Opportunity, []stay) error { return nil })
	if err != nil {
		return CadenceCheck{}, err
	}
	c.flush(asOf)
	slices.SortFunc(c.out.Breaches, func(a, b Breach) int {
		if x := cmp.Compare(a.Stage, b.Stage); x != 0 {
			return -x // the last stages (closest to money) first
		}
		if x := a.Window.Compare(b.Window); x != 0 {
			return x
		}
		return slices.Compare(a.Entity[:], b.Entity[:])
	})
	return c.out, nil
}

// cadence follows the current entity's current stay: its activities and
// suspensions, in buffers reused across stays.
type cadence struct {
	asOf       time.Time
	out        CadenceCheck
	entity     uuid.UUID
	owner      string
	stage      int // -1: no stay followed
	entered    time.Time
	activities []time.Time
	pauses     [][2]time.Time // suspended intervals; an open one ends at the zero time
}

func (c *cadence) observe(r *Record, p *replayer) {
	if r.At.After(c.asOf) {
		return // ignored by the replayer too
	}
	o := &p.o
	if r.Entity != c.entity {
		c.flush(c.asOf)
		c.entity, c.stage = r.Entity, -1
	}
	c.owner = o.Dims.Owner
	switch r.Kind {
	case Activity:
		if c.stage >= 0 {
			c.activities = append(c.activities, r.At)
		}
	case StageEntered:
		c.flush(r.At)
		c.stage, c.entered = o.Stage, r.At
	case Won, Lost, Terminated:
		c.flush(r.At)
	case Suspended:
		c.pauses = append(c.pauses, [2]time.Time{r.At, {}})
	case Reactivated:
		if n := len(c.pauses); n > 0 && c.pauses[n-1][1].IsZero() {
			c.pauses[n-1][1] = r.At
		} else if c.stage < 0 && o.Stage >= 0 {
			// Reopened after a loss: a new stay in the same stage.
			c.stage, c.entered = o.Stage, r.At
		}
	}
}

// flush judges the full cadence windows of the current stay, which ends
// at end.
func (c *cadence) flush(end time.Time) {
	defer func() {
		c.stage = -1
		c.activities = c.activities[:0]
		c.pauses = c.pauses[:0]
	}()
	if c.stage < 0 {
		return
	}
	row := &c.out.Stages[c.stage]
	if row.Cadence.Visits <= 0 {
		return
	}
	a := 0
	for w := c.entered; !row.Cadence.WindowEnd(w).After(end); w = row.Cadence.WindowEnd(w) {
		we := row.Cadence.WindowEnd(w)
		n := 0
		for a < len(c.activities) && c.activities[a].Before(we) {
			if !c.activities[a].Before(w) {
				n++
			}
			a++
		}
		if c.paused(w, we) {
			continue
		}
		row.Windows++
		row.Activities += int64(n)
		if row.Cadence.Breached(n) {
			row.Breaches++
			c.out.Breaches = append(c.out.Breaches, Breach{Entity: c.entity, Stage: c.stage, Window: w, Visits: n, Required: row.Cadence.Visits, Owner: c.owner})
		}
	}
}

// paused reports whether a suspension overlaps [from, to).
func (c *cadence) paused(from, to time.Time) bool {
	for _, p := range c.pauses {
		if p[0].Before(to) && (p[1].IsZero() || p[1].After(from)) {
			return true
		}
	}
	return false
}

// Stuck is an open deal that has stayed in its stage longer than the
// stage's expected duration (deal.Stage.Stuck).
type Stuck struct {
	Entity uuid.UUID
	// Stage is the stage's index; Entered when the deal entered it.
	Stage   int
	Entered time.Time
	// InStage is how long it has been there as of the check; Expected the
	// stage's expected duration.
	InStage, Expected time.Duration
	// Amount and Owner say what is at stake and who should act.
	Amount crmkit.Money
	Owner  string
}

// StuckDeals lists the open deals (suspended ones excluded) that are
// stuck as of asOf by the rule of deal.Stage.Stuck (deal.Deal.Stuck
// applies the same rule): their time in their current stage of pipeline p
// exceeds the stage's ExpectedDuration (stages without one are not
// checked). The most overdue come first. A nil or zero pipeline, invalid
// opportunities and a zero asOf are ErrInvalid.
func StuckDeals(p *deal.Pipeline, opportunities iter.Seq[Opportunity], asOf time.Time) ([]Stuck, error) {
	stages, err := policyOf(p)
	if err != nil {
		return nil, err
	}
	if asOf.IsZero() {
		return nil, crmkit.Invalid("as of", "zero check time")
	}
	if opportunities == nil {
		return nil, crmkit.Invalid("opportunities", "nil sequence")
	}
	var out []Stuck
	n := stages.Len()
	for o := range opportunities {
		if err := o.validate(n); err != nil {
			return nil, err
		}
		if o.Status != Open || o.Stage < 0 {
			continue
		}
		st := stages.Stage(o.Stage)
		if in := asOf.Sub(o.Entered); st.Stuck(in) {
			out = append(out, Stuck{Entity: o.Entity, Stage: o.Stage, Entered: o.Entered, InStage: in, Expected: st.ExpectedDuration, Amount: o.Amount, Owner: o.Dims.Owner})
		}
	}
	slices.SortStableFunc(out, func(a, b Stuck) int { return cmp.Compare(b.InStage-b.Expected, a.InStage-a.Expected) })
	return out, nil
}

// Shortfall is a stage holding fewer open opportunities, or less open
// amount, than its stage policy's minimum (deal.Stage.MinOpen and
// MinOpenAmount): each stage should hold enough for sustained growth.
type Shortfall struct {
	Stage      int
	Name       string
	Open       int64
	OpenAmount crmkit.Money
	// MinOpen and MinOpenAmount are the policy's minimums; CountShort and
	// AmountShort say which is not met.
	MinOpen                 int64
	MinOpenAmount           crmkit.Money
	CountShort, AmountShort bool
}

// StageShortfalls compares each stage's open opportunities in a report
// (StageSummary.Open and OpenAmount) with the minimums of the stage in
// pipeline p and returns the stages short of one. A nil or zero pipeline,
// a report of other stages and a minimum amount in another currency are
// errors.
func StageShortfalls(p *deal.Pipeline, s Summary) ([]Shortfall, error) {
	stages, err := policyOf(p)
	if err != nil {
		return nil, err
	}
	if len(s.Stages) != stages.Len() {
		return nil, crmkit.Invalid("summary", "%d stages in the summary, %d in the policy", len(s.Stages), stages.Len())
	}
	var out []Shortfall
	for i, row := range s.Stages {
		st := stages.Stage(i)
		if row.Name != st.Name {
			return nil, crmkit.Invalid("summary", "stage %d is %q in the summary and %q in the policy", i, row.Name, st.Name)
		}
		f := Shortfall{Stage: i, Name: st.Name, Open: row.Open, OpenAmount: row.OpenAmount, MinOpen: st.MinOpen, MinOpenAmount: st.MinOpenAmount}
		f.CountShort = row.Open < st.MinOpen
		if !st.MinOpenAmount.IsZero() {
			c, err := row.OpenAmount.Cmp(st.MinOpenAmount)
			if err != nil {
				return nil, fmt.Errorf("stage %q: %w", st.Name, err)
			}
			f.AmountShort = c < 0
		}
		if f.CountShort || f.AmountShort {
			out = append(out, f)
		}
	}
	return out, nil
}
