package memory

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/erasure"
	"github.com/google/uuid"
)

// txn is the transaction of one Update: a private overlay of writes, and
// the stored versions they build on, checked and applied under the
// tenant's write lock at commit.
type txn struct {
	mu       sync.Mutex
	st       *state
	done     bool
	pending  [numKinds]pendingSet // by kind slot; nil until written
	events   []crmkit.Event
	eventIDs map[uuid.UUID]struct{}
	// appended are the events of Append, checked again at commit: their
	// aggregates must not be stored then either.
	appended []crmkit.Event
	feed     *feedWrite // set by the feed's Consume and Unpark
	// scrubs are the stored events ScrubEvents rewrites at commit, by ID.
	scrubs map[uuid.UUID]crmkit.Event
	// deleted are the records Delete removes at commit: ID to kind.
	deleted map[uuid.UUID]string
}

// pendingSet is one kind's overlay, seen without its type.
type pendingSet interface {
	// check reports a conflict with what is stored now.
	check(st *state) error
	// checkRefs reports a reference of the overlay that does not
	// resolve in the state the commit leaves (st.mu held).
	checkRefs(st *state, tx *txn) error
	// apply writes the overlay into st.
	apply(st *state)
	// has reports whether the overlay writes id.
	has(id uuid.UUID) bool
}

// pendingTable is one kind's overlay.
type pendingTable[T any] struct {
	ops  *ops[T]
	rows map[uuid.UUID]*pendingRow[T]
	keys map[string]uuid.UUID
}

// pendingRow is a value written by the transaction and the stored version
// it replaces (0 for a create).
type pendingRow[T any] struct {
	v    T
	base int64
	// deleted marks a Delete of the transaction (see txn.Delete): the
	// row is removed, with its events, at commit; v is its last value.
	deleted bool
}

func (p *pendingTable[T]) check(st *state) error {
	tb := tableOf(st, p.ops)
	for id, row := range p.rows {
		if stored := tb.storedVersion(id); stored != row.base {
			if row.base == 0 {
				return fmt.Errorf("commit: %w", storage.Exists(p.ops.name, id))
			}
			return fmt.Errorf("commit: %w", storage.Conflict(p.ops.name, id, row.base, stored))
		}
		if row.base == 0 && len(st.events.byAgg[id]) > 0 {
			return fmt.Errorf("commit: %w", storage.HistoryExists(p.ops.name, id))
		}
	}
	for key := range p.keys {
		if _, ok := tb.keys[key]; ok {
			return fmt.Errorf("commit: %s idempotency key %q used by a concurrent create: %w", p.ops.name, key, crmkit.ErrConflict)
		}
	}
	return nil
}

func (p *pendingTable[T]) has(id uuid.UUID) bool { _, ok := p.rows[id]; return ok }

func (p *pendingTable[T]) checkRefs(st *state, tx *txn) error {
	if p.ops.refs == nil {
		return nil
	}
	for _, row := range p.rows {
		if row.deleted {
			continue
		}
		if err := p.ops.refs(st, tx, &row.v, true); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
	}
	return nil
}

func (p *pendingTable[T]) apply(st *state) {
	tb := tableOf(st, p.ops)
	ids := slices.SortedFunc(maps.Keys(p.rows), compareID)
	var fresh []T // new IDs, merged in one pass (an import inside Update may bring many)
	for _, id := range ids {
		switch r := p.rows[id]; {
		case r.deleted:
			tb.remove(id)
			st.events.dropAggregate(st, p.ops.name, id)
		case tb.has(id):
			tb.put(r.v)
		default:
			fresh = append(fresh, r.v)
		}
	}
	tb.merge(fresh)
	maps.Copy(tb.keys, p.keys)
}

// Leads returns the lead repository of the transaction.
func (tx *txn) Leads() storage.LeadRepository {
	return &repo[lead.Lead, storage.LeadFilter]{st: tx.st, k: leadKind, tx: tx}
}

// Deals returns the deal repository of the transaction.
func (tx *txn) Deals() storage.DealRepository {
	return &repo[deal.Deal, storage.DealFilter]{st: tx.st, k: dealKind, tx: tx}
}

// Events returns the event log of the transaction.
func (tx *txn) Events() storage.EventLog { return &eventsRepo{st: tx.st, tx: tx} }

// errDone is returned by a transaction used after its Update returned.
func errDone() error {
	return crmkit.Invalid("transaction", "used after its Update returned")
}

// lock locks tx for one operation, failing if it has ended.
func (tx *txn) lock() error {
	tx.mu.Lock()
	if tx.done {
		tx.mu.Unlock()
		return errDone()
	}
	return nil
}

// end discards whatever was not committed.
func (tx *txn) end() {
	tx.mu.Lock()
	tx.done = true
	tx.pending = [numKinds]pendingSet{}
	tx.events, tx.eventIDs, tx.appended, tx.feed = nil, nil, nil, nil
	tx.mu.Unlock()
}

// commit checks the overlay against the stored state and applies it,
// under the tenant's write lock.
func (tx *txn) commit(ctx context.Context) error {
	if err := tx.lock(); err != nil {
		return err
	}
	defer tx.mu.Unlock()
	tx.done = true
	if err := ctx.Err(); err != nil {
		return storage.Stopped(err)
	}
	st := tx.st
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, p := range tx.pending {
		if p != nil {
			if err := p.check(st); err != nil {
				return err
			}
		}
	}
	if err := st.events.checkNew(tx.events); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if err := tx.checkAppended(st.checkStored); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	for _, p := range tx.pending {
		if p != nil {
			if err := p.checkRefs(st, tx); err != nil {
				return err
			}
		}
	}
	if err := tx.checkDeletes(st); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if tx.feed != nil {
		if err := tx.feed.check(st); err != nil {
			return err
		}
		tx.feed.apply(st)
	}
	for _, p := range tx.pending {
		if p != nil {
			p.apply(st)
		}
	}
	st.events.append(tx.events)
	st.events.scrub(tx.scrubs)
	return nil
}

// pendingOf returns tx's overlay of o's kind, creating it.
func pendingOf[T any](tx *txn, o *ops[T]) *pendingTable[T] {
	if p := tx.pending[o.slot]; p != nil {
		return p.(*pendingTable[T])
	}
	p := &pendingTable[T]{ops: o, rows: make(map[uuid.UUID]*pendingRow[T]), keys: make(map[string]uuid.UUID)}
	tx.pending[o.slot] = p
	return p
}

// peekPending returns tx's overlay of o's kind, or nil.
func peekPending[T any](tx *txn, o *ops[T]) *pendingTable[T] {
	if p := tx.pending[o.slot]; p != nil {
		return p.(*pendingTable[T])
	}
	return nil
}

// current returns a copy of the aggregate as the transaction sees it (its
// own write, or the stored row) and the version stored now (0 if none).
func current[T any](tx *txn, o *ops[T], id uuid.UUID) (v T, found bool, stored int64) {
	if p := peekPending(tx, o); p != nil {
		if row, ok := p.rows[id]; ok {
			if row.deleted {
				return v, false, 0
			}
			return row.v, true, row.base
		}
	}
	tx.st.mu.RLock()
	defer tx.st.mu.RUnlock()
	if s := tableOf(tx.st, o).get(id); s != nil {
		return *s, true, o.version(s)
	}
	return v, false, 0
}

func txGet[T any](tx *txn, o *ops[T], id uuid.UUID) (T, error) {
	if err := tx.lock(); err != nil {
		var zero T
		return zero, err
	}
	defer tx.mu.Unlock()
	v, ok, _ := current(tx, o, id)
	if !ok {
		return v, storage.NotFound(o.name, id)
	}
	return o.clone(v), nil
}

func txList[T, F any](tx *txn, k *kind[T, F], f *F, size int, after uuid.UUID) ([]T, storage.Cursor, error) {
	if err := tx.lock(); err != nil {
		return nil, "", err
	}
	defer tx.mu.Unlock()
	var own []*pendingRow[T]
	if p := peekPending(tx, &k.ops); p != nil {
		for id, row := range p.rows {
			if compareID(id, after) > 0 {
				own = append(own, row)
			}
		}
		slices.SortFunc(own, func(a, b *pendingRow[T]) int { return compareID(k.id(&a.v), k.id(&b.v)) })
	}
	out := make([]T, 0, min(size, 16))
	more := false
	// add takes the next row in ID order; it reports false when the page
	// is full and one more matching row exists.
	add := func(v *T) bool {
		if !k.match(f, v) {
			return true
		}
		if len(out) == size {
			more = true
			return false
		}
		out = append(out, *v)
		return true
	}
	tx.st.mu.RLock()
	tb := tableOf(tx.st, &k.ops)
	i, j := tb.after(after), 0
	for i < len(tb.rows) || j < len(own) {
		var c int
		switch {
		case i == len(tb.rows):
			c = 1
		case j == len(own):
			c = -1
		default:
			c = compareID(k.id(&tb.rows[i]), k.id(&own[j].v))
		}
		var ok bool
		switch {
		case c < 0:
			ok = add(&tb.rows[i])
			i++
		case c > 0:
			if !own[j].deleted {
				ok = add(&own[j].v)
			} else {
				ok = true
			}
			j++
		default: // the transaction's own write replaces the stored row
			if !own[j].deleted {
				ok = add(&own[j].v)
			} else {
				ok = true
			}
			i, j = i+1, j+1
		}
		if !ok {
			break
		}
	}
	tx.st.mu.RUnlock()
	for i := range out {
		out[i] = k.clone(out[i])
	}
	return out, nextCursor(&k.ops, out, more), nil
}

func txCreate[T any](tx *txn, o *ops[T], v T, key string, events []crmkit.Event) (T, error) {
	var zero T
	if err := tx.lock(); err != nil {
		return zero, err
	}
	defer tx.mu.Unlock()
	id := o.id(&v)
	if key != "" {
		if p := peekPending(tx, o); p != nil {
			if first, ok := p.keys[key]; ok {
				return o.clone(p.rows[first].v), nil
			}
		}
		tx.st.mu.RLock()
		tb := tableOf(tx.st, o)
		first, ok := tb.keys[key]
		var stored T
		if ok {
			stored = *tb.get(first)
		}
		tx.st.mu.RUnlock()
		if ok {
			return o.clone(stored), nil
		}
	}
	if _, found, _ := current(tx, o, id); found {
		return zero, storage.Exists(o.name, id)
	}
	if err := tx.checkEvents(events); err != nil {
		return zero, err
	}
	if tx.historyExists(id) {
		return zero, storage.HistoryExists(o.name, id)
	}
	if o.refs != nil {
		if err := o.refs(tx.st, tx, &v, false); err != nil {
			return zero, err
		}
	}
	p := pendingOf(tx, o)
	p.rows[id] = &pendingRow[T]{v: o.clone(v)}
	if key != "" {
		p.keys[key] = id
	}
	tx.appendEvents(events)
	return o.clone(v), nil
}

func txSave[T any](tx *txn, o *ops[T], v T, expected int64, events []crmkit.Event) error {
	if err := tx.lock(); err != nil {
		return err
	}
	defer tx.mu.Unlock()
	id := o.id(&v)
	cur, found, base := current(tx, o, id)
	if !found {
		return storage.NotFound(o.name, id)
	}
	if have := o.version(&cur); have != expected {
		return storage.Conflict(o.name, id, expected, have)
	}
	if erasure.Erasable(o.name) {
		if err := erasure.CheckUnerase(cur, v); err != nil {
			return err
		}
	}
	if err := tx.checkEvents(events); err != nil {
		return err
	}
	if o.refs != nil {
		if err := o.refs(tx.st, tx, &v, false); err != nil {
			return err
		}
	}
	pendingOf(tx, o).rows[id] = &pendingRow[T]{v: o.clone(v), base: base}
	tx.appendEvents(events)
	return nil
}

// checkEvents rejects events already in the log or in the transaction.
// tx.mu is held.
func (tx *txn) checkEvents(events []crmkit.Event) error {
	for _, e := range events {
		if _, ok := tx.eventIDs[e.ID]; ok {
			return storage.DuplicateEvent(e.ID)
		}
	}
	tx.st.mu.RLock()
	defer tx.st.mu.RUnlock()
	return tx.st.events.checkNew(events)
}

// appendEvents adds copies of checked events to the overlay. tx.mu is
// held.
func (tx *txn) appendEvents(events []crmkit.Event) {
	if len(events) == 0 {
		return
	}
	if tx.eventIDs == nil {
		tx.eventIDs = make(map[uuid.UUID]struct{})
	}
	for _, e := range cloneEvents(events) {
		tx.events = append(tx.events, e)
		tx.eventIDs[e.ID] = struct{}{}
	}
}

func (tx *txn) addEvents(events []crmkit.Event) error {
	if err := tx.lock(); err != nil {
		return err
	}
	defer tx.mu.Unlock()
	tx.st.mu.RLock()
	err := tx.checkStoredOrPending(events, tx.st.checkStored)
	tx.st.mu.RUnlock()
	if err != nil {
		return err
	}
	if err := tx.checkEvents(events); err != nil {
		return err
	}
	tx.appendEvents(events)
	tx.appended = append(tx.appended, events...)
	return nil
}

// historyExists reports whether the log, or tx's own appended events,
// hold events of id. tx.mu is held.
func (tx *txn) historyExists(id uuid.UUID) bool {
	if _, ok := tx.deleted[id]; ok {
		return true // its tombstone
	}
	for _, e := range tx.appended {
		if e.AggregateID == id {
			return true
		}
	}
	tx.st.mu.RLock()
	defer tx.st.mu.RUnlock()
	return len(tx.st.events.byAgg[id]) > 0
}

// checkStoredOrPending refuses an event of an aggregate stored (stored
// checks) or written by tx. tx.mu is held.
func (tx *txn) checkStoredOrPending(events []crmkit.Event, stored func([]crmkit.Event) error) error {
	for i, e := range events {
		if slot, ok := kindSlots[e.AggregateKind]; ok {
			if p := tx.pending[slot]; p != nil && p.has(e.AggregateID) {
				return storage.EventOfStored(i, e)
			}
		}
	}
	return stored(events)
}

// checkAppended checks the transaction's appended events again, at
// commit (st.mu held).
func (tx *txn) checkAppended(stored func([]crmkit.Event) error) error {
	return tx.checkStoredOrPending(tx.appended, stored)
}

// pendingEvents returns copies of the transaction's events that q
// selects, in q's order.
func (tx *txn) pendingEvents(q eventQuery) ([]crmkit.Event, error) {
	if err := tx.lock(); err != nil {
		return nil, err
	}
	defer tx.mu.Unlock()
	var out []crmkit.Event
	for _, e := range tx.events {
		if q.match(&e) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b crmkit.Event) int { return q.cmp(&a, &b) })
	return cloneEvents(out), nil
}
