package memory

import (
	"context"
	"fmt"
	"iter"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/erasure"
	"github.com/google/uuid"
)

// repo is the generic storage.Repository over one kind. With tx nil every
// call is its own transaction; otherwise calls go through tx.
type repo[T, F any] struct {
	st *state
	k  *kind[T, F]
	tx *txn
}

// check runs the rules every call starts with: a live, non-nil ctx and a
// repository of a Store made by DB.Tenant.
func (r *repo[T, F]) check(ctx context.Context) error {
	if err := storage.CheckContext(ctx); err != nil {
		return err
	}
	if r.st == nil {
		return errZeroStore()
	}
	return nil
}

// errZeroStore is the error of a call on a nil or zero Store.
func errZeroStore() error {
	return crmkit.Invalid("store", "nil or zero memory.Store: open one with DB.Tenant")
}

// Get returns a copy of the aggregate with id.
func (r *repo[T, F]) Get(ctx context.Context, id uuid.UUID) (T, error) {
	var zero T
	if err := r.check(ctx); err != nil {
		return zero, err
	}
	if err := storage.ValidateID(r.k.name, id); err != nil {
		return zero, err
	}
	if r.tx != nil {
		return txGet(r.tx, &r.k.ops, id)
	}
	r.st.mu.RLock()
	defer r.st.mu.RUnlock()
	p := tableOf(r.st, &r.k.ops).get(id)
	if p == nil {
		return zero, storage.NotFound(r.k.name, id)
	}
	return r.k.clone(*p), nil
}

// List returns copies of one page of matching aggregates in ID order,
// or in date order for a filter with a range (see ranged.go).
func (r *repo[T, F]) List(ctx context.Context, f F, p storage.Page) ([]T, storage.Cursor, error) {
	if err := r.check(ctx); err != nil {
		return nil, "", err
	}
	if err := r.k.validateFilter(f); err != nil {
		return nil, "", err
	}
	if r.k.dated != nil {
		if date := r.k.dated(&f); date != nil {
			if r.tx != nil {
				return txListDated(r.tx, r.k, &f, date, p)
			}
			return r.listDated(&f, date, p)
		}
	}
	size, after, err := p.Resolve()
	if err != nil {
		return nil, "", err
	}
	if r.tx != nil {
		return txList(r.tx, r.k, &f, size, after)
	}
	r.st.mu.RLock()
	tb := tableOf(r.st, &r.k.ops)
	start := tb.after(after)
	out := make([]T, 0, min(size, len(tb.rows)-start))
	more := false
	for i := start; i < len(tb.rows); i++ {
		v := &tb.rows[i]
		if !r.k.match(&f, v) {
			continue
		}
		if len(out) == size {
			more = true
			break
		}
		out = append(out, *v)
	}
	r.st.mu.RUnlock()
	// Copy deeply outside the lock: stored rows are replaced, never
	// changed in place, so their slices and maps stay as they were.
	for i := range out {
		out[i] = r.k.clone(out[i])
	}
	return out, nextCursor(&r.k.ops, out, more), nil
}

// nextCursor returns the cursor after page, or "" when there is no more.
func nextCursor[T any](o *ops[T], page []T, more bool) storage.Cursor {
	if !more || len(page) == 0 {
		return ""
	}
	return storage.EncodeCursor(o.id(&page[len(page)-1]))
}

// checkWrite runs the input rules shared by Create and Save and returns
// the canonical forms (storage.Canonical) of v and events, which are what
// the store keeps.
func (r *repo[T, F]) checkWrite(ctx context.Context, v T, events []crmkit.Event) (T, []crmkit.Event, error) {
	if err := r.check(ctx); err != nil {
		return v, nil, err
	}
	if err := r.k.validate(v); err != nil {
		return v, nil, err
	}
	if err := storage.ValidateEvents(events); err != nil {
		return v, nil, err
	}
	return storage.Canonical(v), storage.Canonical(events), nil
}

// Create stores a copy of v with events, or returns the aggregate an
// earlier Create with the same key stored.
func (r *repo[T, F]) Create(ctx context.Context, v T, key string, events ...crmkit.Event) (T, error) {
	var zero T
	v, events, err := r.checkWrite(ctx, v, events)
	if err != nil {
		return zero, err
	}
	if err := storage.ValidateKey(key); err != nil {
		return zero, err
	}
	if err := storage.CheckHistory(r.k.name, r.k.id(&v), 0, r.k.version(&v), events); err != nil {
		return zero, err
	}
	if r.tx != nil {
		return txCreate(r.tx, &r.k.ops, v, key, events)
	}
	c, evs := r.k.clone(v), cloneEvents(events)
	id := r.k.id(&c)
	r.st.mu.Lock()
	defer r.st.mu.Unlock()
	tb := tableOf(r.st, &r.k.ops)
	if key != "" {
		if first, ok := tb.keys[key]; ok {
			return r.k.clone(*tb.get(first)), nil
		}
	}
	if tb.get(id) != nil {
		return zero, storage.Exists(r.k.name, id)
	}
	if err := r.st.events.checkNew(evs); err != nil {
		return zero, err
	}
	if len(r.st.events.byAgg[id]) > 0 {
		return zero, storage.HistoryExists(r.k.name, id)
	}
	if r.k.refs != nil {
		if err := r.k.refs(r.st, nil, &c, true); err != nil {
			return zero, err
		}
	}
	tb.put(c)
	if key != "" {
		tb.keys[key] = id
	}
	r.st.events.append(evs)
	return r.k.clone(c), nil
}

// checkVersions runs Save's version rules that need no stored state.
func checkVersions[T any](o *ops[T], v *T, expected int64) error {
	if expected < 1 {
		return crmkit.Invalid("expected version", "%s %s: %d is below 1", o.name, o.id(v), expected)
	}
	if o.version(v) <= expected {
		return crmkit.Invalid("version", "%s %s: new version %d is not above the expected %d", o.name, o.id(v), o.version(v), expected)
	}
	return nil
}

// Save replaces the aggregate if its stored version is expected and
// appends events.
func (r *repo[T, F]) Save(ctx context.Context, v T, expected int64, events ...crmkit.Event) error {
	v, events, err := r.checkWrite(ctx, v, events)
	if err != nil {
		return err
	}
	if err := checkVersions(&r.k.ops, &v, expected); err != nil {
		return err
	}
	if err := storage.CheckHistory(r.k.name, r.k.id(&v), expected, r.k.version(&v), events); err != nil {
		return err
	}
	if r.tx != nil {
		return txSave(r.tx, &r.k.ops, v, expected, events)
	}
	c, evs := r.k.clone(v), cloneEvents(events)
	id := r.k.id(&c)
	r.st.mu.Lock()
	defer r.st.mu.Unlock()
	tb := tableOf(r.st, &r.k.ops)
	stored := tb.storedVersion(id)
	if stored == 0 {
		return storage.NotFound(r.k.name, id)
	}
	if stored != expected {
		return storage.Conflict(r.k.name, id, expected, stored)
	}
	if erasure.Erasable(r.k.name) {
		if err := erasure.CheckUnerase(*tb.get(id), c); err != nil {
			return err
		}
	}
	if err := r.st.events.checkNew(evs); err != nil {
		return err
	}
	if r.k.refs != nil {
		if err := r.k.refs(r.st, nil, &c, true); err != nil {
			return err
		}
	}
	tb.put(c)
	r.st.events.append(evs)
	return nil
}

// eventsRepo is the storage.EventLog of a store (tx nil) or of a
// transaction.
type eventsRepo struct {
	st *state
	tx *txn
}

// check runs the rules every call starts with, as repo.check, but for a
// done ctx, which a stream reports when it is read.
func (e *eventsRepo) check(ctx context.Context) error {
	if ctx == nil {
		return crmkit.Invalid("context", "nil context")
	}
	if e.st == nil {
		return errZeroStore()
	}
	return nil
}

// Append appends copies of events.
func (e *eventsRepo) Append(ctx context.Context, events ...crmkit.Event) error {
	if err := e.check(ctx); err != nil {
		return err
	}
	if err := storage.CheckContext(ctx); err != nil {
		return err
	}
	if err := storage.ValidateEvents(events); err != nil {
		return err
	}
	events = storage.Canonical(events)
	if e.tx != nil {
		return e.tx.addEvents(events)
	}
	evs := cloneEvents(events)
	e.st.mu.Lock()
	defer e.st.mu.Unlock()
	if err := e.st.checkStored(evs); err != nil {
		return err
	}
	if err := e.st.events.checkNew(evs); err != nil {
		return err
	}
	e.st.events.append(evs)
	return nil
}

// ByAggregate streams the aggregate's events.
func (e *eventsRepo) ByAggregate(ctx context.Context, id uuid.UUID) iter2 {
	if err := e.check(ctx); err != nil {
		return errSeq(err)
	}
	if err := storage.ValidateID("aggregate", id); err != nil {
		return errSeq(err)
	}
	return e.stream(ctx, byAggregate(id))
}

// Between streams the events in p.
func (e *eventsRepo) Between(ctx context.Context, p crmkit.Period) iter2 {
	if err := e.check(ctx); err != nil {
		return errSeq(err)
	}
	if err := storage.ValidatePeriod(p); err != nil {
		return errSeq(fmt.Errorf("events between: %w", err))
	}
	return e.stream(ctx, between(p))
}

func (e *eventsRepo) stream(ctx context.Context, q eventQuery) iter2 {
	committed := e.st.scan(ctx, q)
	if e.tx == nil {
		return committed
	}
	committed = e.tx.hideDeleted(committed)
	pending, err := e.tx.pendingEvents(q)
	if err != nil {
		return errSeq(err)
	}
	if len(pending) == 0 {
		return committed
	}
	return mergeEvents(committed, pending, q.cmp)
}

// iter2 is the event stream type.
type iter2 = iter.Seq2[crmkit.Event, error]
