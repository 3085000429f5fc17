package predict

import (
	"fmt"
	"iter"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/google/uuid"
)

// Outcome targets of a stay, after the stage indices 0..n-1.
const (
	toWon  = -2
	toLost = -3
	// toOpen marks a stay still running at the as-of time (censored).
	toOpen = -4
)

// stay is one stay of an entity in a state: a stage index, or n for
// "created, in no stage yet". to is the stage entered next, toWon, toLost
// or toOpen.
type stay struct {
	from, to      int
	entered, left time.Time
	// activities counts the entity's activities before left, actIn
	// those before entered.
	activities, actIn int
	amount            int64
}

// entity is one entity's history as of the scan's as-of time: its state
// (funnel.Replay's, so the rules of funnel apply) and its stays.
type entity struct {
	o          funnel.Opportunity
	created    time.Time
	createdIn  bool // created at or after the scan start (a Created record or first record)
	stays      []stay
	activities int
	wonAmount  int64 // minor units of the amount when won (o.Amount)
}

// scanner follows records as funnel.Replay reads them and cuts each
// entity's history into stays. Replay checks every record (order, legal
// transitions, stages, currencies are left to the caller) before the
// scanner sees it, so the scanner repeats no rule of funnel.
type scanner struct {
	n    int
	asOf time.Time
	cur  entity
	has  bool // cur holds an entity not yet handed out
	// state of cur: current state index, when entered, whether lost.
	state   int
	entered time.Time
	lost    bool
	actIn   int
	cur0    crmkit.Currency
	amount  int64
	first   time.Time // earliest record seen
}

// observe applies r (already accepted by Replay, at or before asOf).
func (s *scanner) observe(r *funnel.Record) error {
	if r.At.After(s.asOf) {
		return nil
	}
	if !s.has || s.cur.o.Entity != r.Entity {
		s.cur.stays = s.cur.stays[:0]
		s.cur.o = funnel.Opportunity{Entity: r.Entity}
		s.cur.created, s.cur.createdIn, s.cur.activities, s.cur.wonAmount = r.At, true, 0, 0
		s.has = true
		s.state, s.entered, s.lost, s.amount, s.actIn = s.n, r.At, false, 0, 0
		if s.first.IsZero() || r.At.Before(s.first) {
			s.first = r.At
		}
	}
	if c := r.Amount.Currency(); !c.IsZero() {
		if s.cur0.IsZero() {
			s.cur0 = c
		} else if c != s.cur0 {
			return fmt.Errorf("entity %s at %s: amount in %s beside amounts in %s: %w", r.Entity, r.At.Format(time.RFC3339), c, s.cur0, crmkit.ErrCurrencyMismatch)
		}
		s.amount = r.Amount.Minor()
	}
	leave := func(to int) {
		if !s.lost {
			s.cur.stays = append(s.cur.stays, stay{from: s.state, to: to, entered: s.entered, left: r.At, activities: s.cur.activities, actIn: s.actIn, amount: s.amount})
		}
	}
	switch r.Kind {
	case funnel.StageEntered:
		leave(r.Stage)
		s.state, s.entered, s.actIn = r.Stage, r.At, s.cur.activities
	case funnel.Won:
		leave(toWon)
		s.cur.wonAmount = s.amount
	case funnel.Lost, funnel.Terminated:
		leave(toLost)
		s.lost = true
	case funnel.Reactivated:
		if s.lost {
			s.lost, s.entered, s.actIn = false, r.At, s.cur.activities
		}
	case funnel.Activity:
		s.cur.activities++
	}
	return nil
}

// scan reads records once as of asOf and calls each with every entity
// that has a record at or before asOf, in entity order. An open entity's
// last stay ends at asOf with to == toOpen. each must not keep the entity.
// Memory is one entity's stays; a nil sequence, a nil or empty pipeline
// and a zero asOf are ErrInvalid, and so is a history without an entity
// at or before asOf ("empty history").
func scan(p *deal.Pipeline, records iter.Seq[funnel.Record], asOf time.Time, each func(*entity) error) (first time.Time, cur crmkit.Currency, err error) {
	switch {
	case records == nil:
		return time.Time{}, crmkit.Currency{}, crmkit.Invalid("records", "nil history")
	case p == nil || p.Len() == 0:
		return time.Time{}, crmkit.Currency{}, crmkit.Invalid("pipeline", "no pipeline")
	case asOf.IsZero():
		return time.Time{}, crmkit.Currency{}, crmkit.Invalid("as of", "zero time")
	}
	s := &scanner{n: p.Len(), asOf: asOf}
	var obsErr error
	tap := func(yield func(funnel.Record) bool) {
		for r := range records {
			if !yield(r) {
				return
			}
			if obsErr = s.observe(&r); obsErr != nil {
				return
			}
		}
	}
	count := 0
	for o, err := range funnel.Replay(p, tap, asOf) {
		if err != nil {
			return time.Time{}, crmkit.Currency{}, err
		}
		if !s.has || s.cur.o.Entity != o.Entity {
			continue // cannot happen: Replay yields the entity the scanner holds
		}
		e := &s.cur
		e.o = o
		if o.Status == funnel.Open || o.Status == funnel.Paused {
			if !s.lost {
				e.stays = append(e.stays, stay{from: s.state, to: toOpen, entered: s.entered, left: asOf, activities: e.activities, actIn: s.actIn, amount: s.amount})
			}
		}
		count++
		if err := each(e); err != nil {
			return time.Time{}, crmkit.Currency{}, err
		}
		s.has = false
	}
	if obsErr != nil {
		return time.Time{}, crmkit.Currency{}, obsErr
	}
	if count == 0 {
		return time.Time{}, crmkit.Currency{}, crmkit.Invalid("records", "empty history: no entity has a record at or before %s", asOf.Format(time.RFC3339))
	}
	return s.first, s.cur0, nil
}

// segmenter names the segment of an entity.
type segmenter struct {
	by   funnel.Dimension
	keys map[uuid.UUID]string
}

func (g segmenter) key(o *funnel.Opportunity) string {
	if g.keys != nil {
		return g.keys[o.Entity]
	}
	if g.by == 0 {
		return ""
	}
	return o.Dims.Value(g.by)
}

func (g segmenter) check() error {
	if g.by != 0 && (!g.by.Valid() || g.by == funnel.ByPeriod) {
		return crmkit.Invalid("segment", "cannot split by %s", g.by)
	}
	return nil
}
