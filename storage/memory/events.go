package memory

import (
	"bytes"
	"context"
	"iter"
	"slices"
	"sort"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// eventLog is one tenant's append-only event history. Appended events are
// never changed, so a reader can copy them out under the read lock and
// yield them after releasing it.
type eventLog struct {
	all    []crmkit.Event
	ids    map[uuid.UUID]struct{}
	byAgg  map[uuid.UUID][]int // positions in all, in aggregate order
	byTime []int               // positions in all, in time order
	// wake is closed (and replaced) by every append of events: the
	// change feed's Wait listens on it.
	wake chan struct{}
}

func newEventLog() eventLog {
	return eventLog{ids: make(map[uuid.UUID]struct{}), byAgg: make(map[uuid.UUID][]int), wake: make(chan struct{})}
}

// compareAgg orders one aggregate's events: Version, then At, then ID.
func compareAgg(a, b *crmkit.Event) int {
	if a.Version != b.Version {
		if a.Version < b.Version {
			return -1
		}
		return 1
	}
	return compareTime(a, b)
}

// compareTime orders events by At, then ID.
func compareTime(a, b *crmkit.Event) int {
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	return compareID(a.ID, b.ID)
}

// checkNew reports the first event whose ID is already in the log.
func (l *eventLog) checkNew(events []crmkit.Event) error {
	for _, e := range events {
		if _, ok := l.ids[e.ID]; ok {
			return storage.DuplicateEvent(e.ID)
		}
	}
	return nil
}

// append adds events (private copies, already checked) and wakes the
// feed's waiters.
func (l *eventLog) append(events []crmkit.Event) {
	if len(events) > 0 {
		close(l.wake)
		l.wake = make(chan struct{})
	}
	for _, e := range events {
		p := len(l.all)
		l.all = append(l.all, e)
		l.ids[e.ID] = struct{}{}
		l.byAgg[e.AggregateID] = insertSorted(l.all, l.byAgg[e.AggregateID], p, compareAgg)
		l.byTime = insertSorted(l.all, l.byTime, p, compareTime)
	}
}

// insertSorted inserts position p into idx, kept sorted by cmp over all.
// Events mostly arrive in order, so the end is tried first.
func insertSorted(all []crmkit.Event, idx []int, p int, cmp func(a, b *crmkit.Event) int) []int {
	n := len(idx)
	if n == 0 || cmp(&all[idx[n-1]], &all[p]) < 0 {
		return append(idx, p)
	}
	i := sort.Search(n, func(i int) bool { return cmp(&all[idx[i]], &all[p]) > 0 })
	return slices.Insert(idx, i, p)
}

// cloneEvents copies events and their payloads.
func cloneEvents(events []crmkit.Event) []crmkit.Event {
	if len(events) == 0 {
		return nil
	}
	out := slices.Clone(events)
	for i := range out {
		out[i].Payload = bytes.Clone(out[i].Payload)
	}
	return out
}

// batchSize is how many events a stream copies out per read lock.
const batchSize = 256

// eventQuery describes one stream: which index to walk, how it is ordered,
// where it starts and where it stops.
type eventQuery struct {
	index func(*eventLog) []int
	cmp   func(a, b *crmkit.Event) int
	// from reports whether e is at or after the start (nil: from the
	// first); stop whether e is past the end (nil: to the last).
	from func(e *crmkit.Event) bool
	stop func(e *crmkit.Event) bool
	// match filters pending events of a transaction.
	match func(e *crmkit.Event) bool
}

// scan streams the committed events of q in batches, copying each batch
// under the read lock and yielding it after releasing the lock; it
// resumes after the last yielded event (keyset), so it never holds the
// whole history.
func (st *state) scan(ctx context.Context, q eventQuery) iter.Seq2[crmkit.Event, error] {
	return func(yield func(crmkit.Event, error) bool) {
		var (
			last    crmkit.Event
			started bool
			buf     []crmkit.Event
		)
		for {
			if err := ctx.Err(); err != nil {
				yield(crmkit.Event{}, storage.Stopped(err))
				return
			}
			buf = buf[:0]
			st.mu.RLock()
			all := st.events.all
			idx := q.index(&st.events)
			var start int
			switch {
			case started:
				start = sort.Search(len(idx), func(i int) bool { return q.cmp(&all[idx[i]], &last) > 0 })
			case q.from != nil:
				start = sort.Search(len(idx), func(i int) bool { return q.from(&all[idx[i]]) })
			}
			for _, p := range idx[start:min(start+batchSize, len(idx))] {
				if q.stop != nil && q.stop(&all[p]) {
					break
				}
				buf = append(buf, all[p])
			}
			st.mu.RUnlock()
			if len(buf) == 0 {
				return
			}
			for _, e := range buf {
				e.Payload = bytes.Clone(e.Payload)
				if !yield(e, nil) {
					return
				}
			}
			last, started = buf[len(buf)-1], true
			if len(buf) < batchSize {
				return
			}
		}
	}
}

// byAggregate is the query of EventLog.ByAggregate.
func byAggregate(id uuid.UUID) eventQuery {
	return eventQuery{
		index: func(l *eventLog) []int { return l.byAgg[id] },
		cmp:   compareAgg,
		match: func(e *crmkit.Event) bool { return e.AggregateID == id },
	}
}

// between is the query of EventLog.Between.
func between(p crmkit.Period) eventQuery {
	return eventQuery{
		index: func(l *eventLog) []int { return l.byTime },
		cmp:   compareTime,
		from:  func(e *crmkit.Event) bool { return !e.At.Before(p.Start) },
		stop:  func(e *crmkit.Event) bool { return !e.At.Before(p.End) },
		match: func(e *crmkit.Event) bool { return p.Contains(e.At) },
	}
}

// errSeq yields one error.
func errSeq(err error) iter.Seq2[crmkit.Event, error] {
	return func(yield func(crmkit.Event, error) bool) { yield(crmkit.Event{}, err) }
}

// mergeEvents yields the committed stream and the (sorted, private)
// pending events of a transaction in cmp order.
func mergeEvents(committed iter.Seq2[crmkit.Event, error], pending []crmkit.Event, cmp func(a, b *crmkit.Event) int) iter.Seq2[crmkit.Event, error] {
	return func(yield func(crmkit.Event, error) bool) {
		i := 0
		for e, err := range committed {
			if err != nil {
				yield(e, err)
				return
			}
			for ; i < len(pending) && cmp(&pending[i], &e) < 0; i++ {
				if !yield(pending[i], nil) {
					return
				}
			}
			if !yield(e, nil) {
				return
			}
		}
		for ; i < len(pending); i++ {
			if !yield(pending[i], nil) {
				return
			}
		}
	}
}
