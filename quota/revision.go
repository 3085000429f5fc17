package quota

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// Revision is one version of a plan: the command that made it (By, At and
// Reason of its crmkit.Cmd), what was done (Action, such as "adjust
// region=EMEA by +5% keeping the parent's total") and every cell that
// moved. The plan's event of that version carries the same.
type Revision struct {
	Version int64     `json:"version"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	// Reason is the command's Reason. It is stored under the key "why",
	// the key plans were first written with, so that stored plans read
	// back unchanged without a migration.
	Reason  string   `json:"why,omitempty"`
	Action  string   `json:"action"`
	Changes []Change `json:"changes,omitempty"`
}

// Change is what one revision did to one cell: created it, or moved its
// target (in the plan's Unit), lock or risk coefficient from Before to
// After.
//
// In JSON (a plan's history, a plan event's payload) Before and After are
// stored as strings of smallest steps of the plan's unit ("before":"50000"
// for 500.00 EUR), as plans have always been stored; the unit is the
// plan's, written once beside the changes, and Plan.UnmarshalJSON and the
// payloads' UnmarshalJSON give it back.
type Change struct {
	Key          string          `json:"key"`
	Created      bool            `json:"created,omitempty"`
	Before       Quantity        `json:"before"`
	After        Quantity        `json:"after"`
	LockedBefore bool            `json:"locked_before,omitempty"`
	LockedAfter  bool            `json:"locked_after,omitempty"`
	RiskBefore   decimal.Decimal `json:"risk_before,omitzero"`
	RiskAfter    decimal.Decimal `json:"risk_after,omitzero"`
}

// changeJSON is the stored form of a Change.
type changeJSON struct {
	Key          string          `json:"key"`
	Created      bool            `json:"created,omitempty"`
	Before       int64           `json:"before,string"`
	After        int64           `json:"after,string"`
	LockedBefore bool            `json:"locked_before,omitempty"`
	LockedAfter  bool            `json:"locked_after,omitempty"`
	RiskBefore   decimal.Decimal `json:"risk_before,omitzero"`
	RiskAfter    decimal.Decimal `json:"risk_after,omitzero"`
}

// MarshalJSON encodes the change in its stored form: Before and After as
// strings of smallest steps of the plan's unit.
func (ch Change) MarshalJSON() ([]byte, error) {
	return ch.appendJSON(nil), nil
}

// UnmarshalJSON decodes what MarshalJSON writes. Before and After have no
// unit until the plan or payload that holds the change sets it. Malformed
// JSON is an error matching crmkit.ErrInvalid; on error ch is unchanged.
func (ch *Change) UnmarshalJSON(b []byte) error {
	if ch == nil {
		return crmkit.Invalid("change", "decode into a nil *Change")
	}
	var v changeJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return crmkit.Invalid("change", "malformed JSON: %v", err)
	}
	*ch = Change{Key: v.Key, Created: v.Created, Before: Quantity{n: v.Before}, After: Quantity{n: v.After},
		LockedBefore: v.LockedBefore, LockedAfter: v.LockedAfter, RiskBefore: v.RiskBefore, RiskAfter: v.RiskAfter}
	return nil
}

// setChangeUnits gives the amounts of changes the unit u.
func setChangeUnits(changes []Change, u Unit) {
	for i := range changes {
		changes[i].Before.unit, changes[i].After.unit = u, u
	}
}

// AtVersion rebuilds version v of the plan by undoing, newest first, the
// changes of every later revision. Its history ends at v. A version
// outside 1..p.Version is an error matching crmkit.ErrNotFound.
func (p Plan) AtVersion(v int64) (Plan, error) {
	if v < 1 || v > p.Version {
		return Plan{}, fmt.Errorf("plan %s has versions 1 to %d, not %d: %w", p.ID, p.Version, v, crmkit.ErrNotFound)
	}
	if v == p.Version {
		return p, nil
	}
	q := p.clone()
	for r := len(q.History) - 1; r >= int(v); r-- {
		idx := q.index()
		changes := q.History[r].Changes
		stale := false
		for i := len(changes) - 1; i >= 0; i-- {
			ch := changes[i]
			if stale {
				idx, stale = q.index(), false
			}
			e, err := idx.get(&q, ch.Key)
			if err != nil {
				return Plan{}, fmt.Errorf("undo revision %d: %w", q.History[r].Version, err)
			}
			if !ch.Created {
				e.cell.Target.n, e.cell.Locked, e.cell.Risk = ch.Before.n, ch.LockedBefore, ch.RiskBefore
				continue
			}
			if e.parent == nil {
				return Plan{}, crmkit.Invalid("history", "revision %d created the root", q.History[r].Version)
			}
			kids := e.parent.Children
			if n := len(kids); kids[n-1].Key == ch.Key {
				// Splits create children in order, so undoing them removes
				// the last child and the other pointers stay valid.
				kids = kids[:n-1]
			} else {
				kids = slices.DeleteFunc(kids, func(c Cell) bool { return c.Key == ch.Key })
				stale = true
			}
			if len(kids) == 0 {
				kids = nil
			}
			e.parent.Children = kids
		}
	}
	q.History = slices.Clip(q.History[:v])
	q.Version = v
	return q, nil
}

// CellDiff is the difference of one cell between two plans: its target
// (in its plan's Unit; zero of that unit where the cell is missing), lock
// and risk coefficient in each, or its absence from one of them.
type CellDiff struct {
	Key          string
	InBefore     bool
	InAfter      bool
	Before       Quantity
	After        Quantity
	LockedBefore bool
	LockedAfter  bool
	RiskBefore   decimal.Decimal
	RiskAfter    decimal.Decimal
}

// Delta returns After - Before (a missing cell counts as 0). Plans of two
// units have no delta: an error matching crmkit.ErrInvalid
// (crmkit.ErrCurrencyMismatch between currencies).
func (d CellDiff) Delta() (Quantity, error) { return d.After.Sub(d.Before) }

// Diff compares two plans (usually two versions of one plan) cell by cell
// and returns the cells that differ: added, removed, or with another
// target, lock or risk coefficient. Cells are listed in the tree order of
// from, then the cells only in to in their order.
func Diff(from, to Plan) []CellDiff {
	after := make(map[string]Cell)
	for c := range to.Cells() {
		c.Children = nil
		after[c.Key] = c
	}
	var out []CellDiff
	seen := make(map[string]bool, len(after))
	for c := range from.Cells() {
		seen[c.Key] = true
		d := CellDiff{Key: c.Key, InBefore: true, Before: c.Target, After: to.Unit.Zero(), LockedBefore: c.Locked, RiskBefore: c.Risk}
		if a, ok := after[c.Key]; ok {
			d.InAfter, d.After, d.LockedAfter, d.RiskAfter = true, a.Target, a.Locked, a.Risk
		}
		if !d.InAfter || d.Before != d.After || d.LockedBefore != d.LockedAfter || !d.RiskBefore.Equal(d.RiskAfter) {
			out = append(out, d)
		}
	}
	for c := range to.Cells() {
		if !seen[c.Key] {
			out = append(out, CellDiff{Key: c.Key, InAfter: true, Before: from.Unit.Zero(), After: c.Target, LockedAfter: c.Locked, RiskAfter: c.Risk})
		}
	}
	return out
}

// DiffVersions compares versions v1 and v2 of the plan cell by cell (see
// Diff and AtVersion).
func (p Plan) DiffVersions(v1, v2 int64) ([]CellDiff, error) {
	a, err := p.AtVersion(v1)
	if err != nil {
		return nil, err
	}
	b, err := p.AtVersion(v2)
	if err != nil {
		return nil, err
	}
	return Diff(a, b), nil
}
