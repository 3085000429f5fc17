package funnel

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
)

// stay is one completed stay of an entity in a stage: its stage and its
// length (left - entered, as sub computes it).
type stay struct {
	stage int
	d     time.Duration
}

// replayer rebuilds entity states from records read in report order,
// checking that order. It holds one entity at a time: O(stages) memory
// plus the current entity's completed stays, in a buffer reused from one
// entity to the next.
type replayer struct {
	n     int
	asOf  time.Time
	o     Opportunity
	live  bool // o holds an entity with at least one record at or before asOf
	seen  bool // prev is valid
	prev  Record
	stays []stay
	// keepStays says whether the completed stays are collected (only a
	// report reads them).
	keepStays bool

	// With a mark, snap is the entity's state as of mark (snapLive false
	// when it did not exist yet) and openDuring says whether it was open
	// at some time in (mark, asOf].
	mark       time.Time
	marked     bool
	snap       Opportunity
	snapLive   bool
	openDuring bool
}

func newReplayer(stages stageList, asOf time.Time) (*replayer, error) {
	if asOf.IsZero() {
		return nil, crmkit.Invalid("as of", "zero report time")
	}
	return &replayer{n: stages.Len(), asOf: asOf}, nil
}

// legal[status][kind] says which records may follow an entity's status.
var legal = func() (t [numStatuses][numKinds]bool) {
	for _, s := range []Status{Open, Paused} {
		for _, k := range []Kind{Lost, Terminated, CloseDateChanged, AmountChanged} {
			t[s][k] = true
		}
	}
	t[Open][StageEntered] = true
	t[Open][Won] = true
	t[Open][Suspended] = true
	t[Paused][Reactivated] = true
	t[ClosedLost][Reactivated] = true
	for s := range t {
		t[s][Activity] = true
		t[s][DimsChanged] = true
	}
	return t
}()

// order checks r against the previous record and reports whether r is the
// first record of a new entity.
func (p *replayer) order(r *Record) (bool, error) {
	if r.Kind == 0 || r.Kind >= numKinds {
		return false, crmkit.Invalid("kind", "entity %s at %s: unknown record kind %d", r.Entity, stamp(r.At), r.Kind)
	}
	if r.At.IsZero() {
		return false, crmkit.Invalid("at", "entity %s: %s record with zero time", r.Entity, r.Kind)
	}
	if !p.seen {
		p.seen = true
		p.prev = *r
		return true, nil
	}
	c := compareIDs(&r.Entity, &p.prev.Entity)
	switch {
	case c < 0:
		return false, crmkit.Invalid("records", "out of order: entity %s after entity %s (records must be grouped by entity in ascending id order; see SortRecords)", r.Entity, p.prev.Entity)
	case c > 0:
		p.prev = *r
		return true, nil
	case r.At.Before(p.prev.At):
		return false, crmkit.Invalid("records", "out of order: entity %s: %s record at %s after a %s record at %s", r.Entity, r.Kind, stamp(r.At), p.prev.Kind, stamp(p.prev.At))
	case r.Kind != Activity && r.Kind == p.prev.Kind && r.Stage == p.prev.Stage && r.At.Equal(p.prev.At) &&
		r.Date.Equal(p.prev.Date) && r.Amount == p.prev.Amount && r.Dims == p.prev.Dims:
		return false, fmt.Errorf("entity %s: duplicate %s record at %s: %w", r.Entity, r.Kind, stamp(r.At), crmkit.ErrConflict)
	}
	p.prev = *r
	return false, nil
}

// compareIDs compares two IDs by their bytes, as bytes.Compare does, in
// two 64-bit big-endian halves.
func compareIDs(a, b *uuid.UUID) int {
	if x, y := binary.BigEndian.Uint64(a[:8]), binary.BigEndian.Uint64(b[:8]); x != y {
		if x < y {
			return -1
		}
		return 1
	}
	x, y := binary.BigEndian.Uint64(a[8:]), binary.BigEndian.Uint64(b[8:])
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func stamp(t time.Time) string { return t.Format(time.RFC3339Nano) }

// start begins a new entity with its first record at or before asOf.
func (p *replayer) start(r *Record) {
	p.o = Opportunity{Entity: r.Entity, Origin: r.At, Stage: -1}
	p.stays = p.stays[:0]
	p.live = true
}

// apply applies r, at or before asOf, to the current entity.
func (p *replayer) apply(r *Record, first bool) error {
	o := &p.o
	if r.Amount.Sign() < 0 {
		return crmkit.Invalid("amount", "entity %s at %s: negative amount %s", r.Entity, stamp(r.At), r.Amount)
	}
	if r.Kind == Created {
		if !first {
			return fmt.Errorf("entity %s at %s: created record after other records: %w", r.Entity, stamp(r.At), crmkit.ErrIllegalTransition)
		}
		if !r.Date.IsZero() {
			o.Origin = r.Date
		}
	} else if !legal[o.Status][r.Kind] {
		return fmt.Errorf("entity %s at %s: %s record while %s: %w", r.Entity, stamp(r.At), r.Kind, o.Status, crmkit.ErrIllegalTransition)
	}
	switch r.Kind {
	case StageEntered:
		if r.Stage < 0 || r.Stage >= p.n {
			return crmkit.Invalid("stage", "entity %s at %s: unknown stage index %d (%d stages)", r.Entity, stamp(r.At), r.Stage, p.n)
		}
		if r.Stage == o.Stage {
			return fmt.Errorf("entity %s at %s: entered stage %d it is already in: %w", r.Entity, stamp(r.At), r.Stage, crmkit.ErrIllegalTransition)
		}
		p.leave(r.At)
		o.Stage, o.Entered = r.Stage, r.At
		o.Reached |= 1 << uint(r.Stage)
	case Won, Lost, Terminated:
		p.leave(r.At)
		o.Closed = r.At
		o.Status = [...]Status{Won: ClosedWon, Lost: ClosedLost, Terminated: Dead}[r.Kind]
	case Suspended:
		o.Status = Paused
	case Reactivated:
		if o.Status == ClosedLost {
			o.Entered, o.Closed = r.At, time.Time{}
		}
		o.Status = Open
	case CloseDateChanged:
		o.CloseDate = r.Date // the zero time clears it: the date is not known any more
	}
	if !r.Amount.Currency().IsZero() {
		o.Amount = r.Amount
	}
	o.Dims.merge(&r.Dims)
	return nil
}

// leave ends the stay in the current stage at t.
func (p *replayer) leave(t time.Time) {
	if p.keepStays && p.o.Stage >= 0 && p.o.Status != ClosedLost {
		p.stays = append(p.stays, stay{stage: p.o.Stage, d: sub(t, p.o.Entered)})
	}
}

// replay reads records and calls emit with the state of each entity as of
// asOf and its completed stays. emit must not keep the stays slice.
func (p *replayer) replay(records func(func(Record) bool), emit func(*Opportunity, []stay) error) error {
	if records == nil {
		return crmkit.Invalid("records", "nil sequence")
	}
	var err error
	first := false
	hasMark := !p.mark.IsZero()
	records(func(r Record) bool {
		var isNew bool
		if isNew, err = p.order(&r); err != nil {
			return false
		}
		if isNew {
			if p.live {
				if err = p.emit(emit); err != nil {
					return false
				}
			}
			p.marked, p.openDuring = false, false
		}
		if r.At.After(p.asOf) {
			return true
		}
		if hasMark && !p.marked && r.At.After(p.mark) {
			p.snap, p.snapLive, p.marked = p.o, p.live, true
		}
		first = !p.live
		if first {
			p.start(&r)
		}
		if err = p.apply(&r, first); err != nil {
			return false
		}
		if p.marked && p.o.Status == Open {
			p.openDuring = true
		}
		return true
	})
	if err != nil {
		return err
	}
	if p.live {
		return p.emit(emit)
	}
	return nil
}

// emit hands the current entity to the caller's emit. Only a replay with a
// mark (Movement) reads snap, so only then is the state copied into it.
func (p *replayer) emit(emit func(*Opportunity, []stay) error) error {
	p.live = false
	if !p.marked && !p.mark.IsZero() {
		// Nothing happened after the mark: the state then is the state now.
		p.snap, p.snapLive = p.o, true
	}
	return emit(&p.o, p.stays)
}
