package funnel

import (
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
)

var errStop = errors.New("stop")

// Replay rebuilds the pipeline as of asOf, the state of every entity on
// any past date, from its records,
// read in report order (see Record), and yields them one at a time in
// entity order; entities whose first record is after asOf are left out.
// Closed entities are yielded too (filter on Status for the open pipeline).
// The first error ends the sequence: it is yielded with a zero
// Opportunity. Memory is O(stages), whatever the number of records.
func Replay(p *deal.Pipeline, records iter.Seq[Record], asOf time.Time) iter.Seq2[Opportunity, error] {
	return func(yield func(Opportunity, error) bool) {
		stages, err := stagesOf(p)
		if err != nil {
			yield(Opportunity{}, err)
			return
		}
		r, err := newReplayer(stages, asOf)
		if err != nil {
			yield(Opportunity{}, err)
			return
		}
		err = r.replay(records, func(o *Opportunity, _ []stay) error {
			if !yield(*o, nil) {
				return errStop
			}
			return nil
		})
		if err != nil && err != errStop {
			yield(Opportunity{}, err)
		}
	}
}

// Flow is a count of entities and their amount.
type Flow struct {
	Count  int64
	Amount crmkit.Money
}

func (f *Flow) add(m crmkit.Money) error {
	s, err := f.Amount.Add(m)
	if err != nil {
		return err
	}
	f.Count++
	f.Amount = s
	return nil
}

// Waterfall is the movement of the open pipeline between two dates: what
// was open at From (Start), what came in, moved or went out, and what is
// open at To (End). Suspended entities are out of the open pipeline.
//
// The buckets reconcile exactly:
//
//	End = Start + New + Reactivated + AmountChange
//	          - Won - Lost - Suspended - Terminated
//
// with the amounts of entries and exits taken as of To and AmountChange
// the change, between From and To, of the amounts of the entities open at
// From. An entity that came in and went out between the dates counts in
// both its entry and its exit bucket.
type Waterfall struct {
	// From and To are the two dates.
	From, To time.Time
	// Start is the open pipeline at From; End at To.
	Start, End Flow
	// New counts entities created after From and open at some time up to
	// To; Reactivated those suspended or lost at From and reopened.
	New, Reactivated Flow
	// Advanced, MovedBack and Unchanged split the entities open at both
	// dates by their stage at To against their stage at From.
	Advanced, MovedBack, Unchanged Flow
	// Slipped counts the entities open at both dates whose expected close
	// date moved later (they are also in one of the three above).
	Slipped Flow
	// Won, Lost, Suspended and Terminated count the entities that left
	// the open pipeline between the dates, by their status at To.
	Won, Lost, Suspended, Terminated Flow
	// AmountChange is the change in amount of the entities open at From,
	// from From to To (negative when amounts fell).
	AmountChange crmkit.Money
}

// Movement returns the Waterfall of the open pipeline between from and to
// (from before to), rebuilt from records in one pass (see SummarizeRecords for the
// order and the errors).
func Movement(pl *deal.Pipeline, records iter.Seq[Record], from, to time.Time) (Waterfall, error) {
	if from.IsZero() || !from.Before(to) {
		return Waterfall{}, crmkit.Invalid("from", "%s is not before to %s", stamp(from), stamp(to))
	}
	stages, err := stagesOf(pl)
	if err != nil {
		return Waterfall{}, err
	}
	p, err := newReplayer(stages, to)
	if err != nil {
		return Waterfall{}, err
	}
	p.mark = from
	w := Waterfall{From: from, To: to}
	err = p.replay(records, func(o *Opportunity, _ []stay) error {
		return w.add(&p.snap, p.snapLive, o, p.openDuring)
	})
	if err != nil {
		return Waterfall{}, err
	}
	return w, nil
}

func (w *Waterfall) add(s1 *Opportunity, existed bool, s2 *Opportunity, openDuring bool) error {
	in1 := existed && s1.Status == Open
	in2 := s2.Status == Open
	var errs [4]error
	if in1 {
		errs[0] = w.Start.add(s1.Amount)
		d, err := s2.Amount.Sub(s1.Amount)
		if err == nil {
			w.AmountChange, err = w.AmountChange.Add(d)
		}
		errs[1] = err
	}
	if in2 {
		errs[2] = w.End.add(s2.Amount)
	}
	entered := !in1 && (in2 || openDuring)
	if entered {
		if existed {
			errs[3] = w.Reactivated.add(s2.Amount)
		} else {
			errs[3] = w.New.add(s2.Amount)
		}
	}
	if err := errors.Join(errs[:]...); err != nil {
		return fmt.Errorf("entity %s: %w", s2.Entity, err)
	}
	var bucket *Flow
	switch {
	case in1 && in2:
		switch {
		case s2.Stage > s1.Stage:
			bucket = &w.Advanced
		case s2.Stage < s1.Stage:
			bucket = &w.MovedBack
		default:
			bucket = &w.Unchanged
		}
		if !s1.CloseDate.IsZero() && s2.CloseDate.After(s1.CloseDate) {
			if err := w.Slipped.add(s2.Amount); err != nil {
				return fmt.Errorf("entity %s: %w", s2.Entity, err)
			}
		}
	case in1 || entered:
		switch s2.Status {
		case ClosedWon:
			bucket = &w.Won
		case ClosedLost:
			bucket = &w.Lost
		case Paused:
			bucket = &w.Suspended
		case Dead:
			bucket = &w.Terminated
		}
	}
	if bucket != nil {
		if err := bucket.add(s2.Amount); err != nil {
			return fmt.Errorf("entity %s: %w", s2.Entity, err)
		}
	}
	return nil
}
