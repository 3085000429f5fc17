package memory

import (
	"context"
	"maps"
	"slices"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/deletion"
	"github.com/google/uuid"
)

var _ deletion.Deleter = (*Store)(nil)

// Delete removes a lead, deal or account created by mistake with its
// events and leaves a tombstone (see deletion.Deleter). It holds the
// tenant's write lock throughout, so it is atomic against every commit;
// an Update that read the record and commits after it fails as its
// version checks fail. The change feed's positions move down by the
// number of removed events before them, so every consumer keeps its
// place; a Consume in flight meanwhile fails with crmkit.ErrConflict and
// is run again.
func (s *Store) Delete(ctx context.Context, kind string, id uuid.UUID, c crmkit.Cmd) error {
	if err := storage.CheckContext(ctx); err != nil {
		return err
	}
	if s.state() == nil {
		return errZeroStore()
	}
	if err := deletion.Validate(kind, id, c); err != nil {
		return err
	}
	st := s.st
	st.mu.Lock()
	defer st.mu.Unlock()
	var version int64
	switch kind {
	case lead.LeadKind:
		version = tableOf(st, &leadKind.ops).storedVersion(id)
	case deal.DealKind:
		version = tableOf(st, &dealKind.ops).storedVersion(id)
	case account.AccountKind:
		version = tableOf(st, &accountKind.ops).storedVersion(id)
	}
	if version == 0 {
		return storage.NotFound(kind, id)
	}
	for _, r := range deletion.Referrers(kind) {
		if by, ok := st.referrer(nil, r, id); ok {
			return &deletion.InUseError{Kind: kind, ID: id, By: by, Field: r.Field, ByKind: r.Kind}
		}
	}
	tomb, err := deletion.Tombstone(kind, id, version, c)
	if err != nil {
		return err
	}
	if err := st.events.checkNew([]crmkit.Event{tomb}); err != nil {
		return err
	}
	st.events.dropAggregate(st, kind, id)
	switch kind {
	case lead.LeadKind:
		tableOf(st, &leadKind.ops).remove(id)
	case deal.DealKind:
		tableOf(st, &dealKind.ops).remove(id)
	case account.AccountKind:
		tableOf(st, &accountKind.ops).remove(id)
	}
	st.events.append([]crmkit.Event{tomb})
	return nil
}

// referrer returns the first record that refers to id as r says (see
// deletion.Referrers), as tx sees them (stored rows, with tx's own
// writes over them; nil tx for the stored rows only). st.mu is held.
func (st *state) referrer(tx *txn, r deletion.Referrer, id uuid.UUID) (uuid.UUID, bool) {
	match := func(refs []storage.Reference) bool {
		return slices.ContainsFunc(refs, func(ref storage.Reference) bool { return ref.Field == r.Field && ref.ID == id })
	}
	switch r.Kind {
	case deal.DealKind:
		return first(st, tx, &dealKind.ops, func(d *deal.Deal) bool { return match(storage.DealReferences(d)) })
	case account.ContractKind:
		return first(st, tx, &contractKind.ops, func(k *account.Contract) bool { return match(storage.ContractReferences(k)) })
	case account.InteractionKind:
		return first(st, tx, &interactionKind.ops, func(i *account.Interaction) bool { return match(storage.InteractionReferences(i)) })
	case lead.LeadKind:
		return first(st, tx, &leadKind.ops, func(l *lead.Lead) bool { return match(storage.LeadReferences(l)) })
	case account.AccountKind: // the parent of a child account
		return first(st, tx, &accountKind.ops, func(a *account.Account) bool { return r.Field == "parent" && a.Parent == id })
	default: // quotes
		return first(st, tx, &quoteKind.ops, func(q *quote.Quote) bool { return match(storage.QuoteReferences(q)) })
	}
}

// first returns the ID of a row of o's kind for which refers is true:
// of tx's own writes first (deleted ones left out), then the stored rows
// tx does not write. tx may be nil. st.mu is held.
func first[T any](st *state, tx *txn, o *ops[T], refers func(*T) bool) (uuid.UUID, bool) {
	var own *pendingTable[T]
	if tx != nil {
		own = peekPending(tx, o)
	}
	if own != nil {
		for _, id := range slices.SortedFunc(maps.Keys(own.rows), compareID) {
			if row := own.rows[id]; !row.deleted && refers(&row.v) {
				return id, true
			}
		}
	}
	t := tableOf(st, o)
	for i := range t.rows {
		if own != nil && own.has(t.ops.id(&t.rows[i])) {
			continue
		}
		if refers(&t.rows[i]) {
			return t.ops.id(&t.rows[i]), true
		}
	}
	return uuid.Nil, false
}

// remove removes the row with id and the idempotency keys of its create.
// The rows slice is replaced, not changed in place, as every write does.
func (t *table[T]) remove(id uuid.UUID) {
	if i, ok := t.find(id); ok {
		t.rows = slices.Concat(t.rows[:i], t.rows[i+1:])
	}
	for k, v := range t.keys {
		if v == id {
			delete(t.keys, k)
		}
	}
}

// dropAggregate removes the events of the aggregate kind/id from the log
// and moves the feed positions of st's consumers down by the number of
// removed events before them, dropping their parked entries of removed
// events. The log's slice is replaced, not changed in place: readers copy
// out of the slice they read under the lock. st.mu is held.
func (l *eventLog) dropAggregate(st *state, kind string, id uuid.UUID) {
	old := l.all
	// before[i] is the number of removed events among old[:i].
	before := make([]int64, len(old)+1)
	keep := make([]crmkit.Event, 0, len(old))
	var removed int64
	for i := range old {
		before[i] = removed
		if e := &old[i]; e.AggregateID == id && e.AggregateKind == kind {
			removed++
			delete(l.ids, e.ID)
			continue
		}
		keep = append(keep, old[i])
	}
	before[len(old)] = removed
	if removed == 0 {
		return
	}
	gone := func(p int) bool { return old[p].AggregateID == id && old[p].AggregateKind == kind }
	moved := func(idx []int) []int {
		out := make([]int, 0, len(idx))
		for _, p := range idx {
			if !gone(p) {
				out = append(out, p-int(before[p]))
			}
		}
		return out
	}
	byAgg := make(map[uuid.UUID][]int, len(l.byAgg))
	for agg, idx := range l.byAgg {
		if idx = moved(idx); len(idx) > 0 {
			byAgg[agg] = idx
		}
	}
	l.all, l.byAgg, l.byTime = keep, byAgg, moved(l.byTime)
	for _, c := range st.consumers {
		c.pos -= before[c.pos]
		parked := make([]parkedEntry, 0, len(c.parked))
		for _, p := range c.parked {
			if !gone(int(p.pos - 1)) {
				p.pos -= before[p.pos-1]
				parked = append(parked, p)
			}
		}
		c.parked = parked
	}
}
