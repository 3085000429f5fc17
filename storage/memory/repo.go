package memory

import (
	"context"
	"fmt"
	"iter"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// repo is the generic storage.Repository over one kind. With tx nil every
// call is its own transaction; otherwise calls go through tx.
type repo[T, F any] struct {
	st *state
	k  *kind[T, F]
	tx *txn
}

// Get returns a copy of the aggregate with id.
func (r *repo[T, F]) Get(ctx context.Context, id uuid.UUID) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
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

// List returns copies of one page of matching aggregates in ID order.
func (r *repo[T, F]) List(ctx context.Context, f F, p storage.Page) ([]T, storage.Cursor, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	if err := r.k.validateFilter(f); err != nil {
		return nil, "", err
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

// checkWrite runs the input rules shared by Create and Save.
func (r *repo[T, F]) checkWrite(ctx context.Context, v T, events []crmkit.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := r.k.validate(v); err != nil {
		return err
	}
	return storage.ValidateEvents(events)
}

// Create stores a copy of v with events, or returns the aggregate an
// earlier Create with the same key stored.
func (r *repo[T, F]) Create(ctx context.Context, v T, key string, events ...crmkit.Event) (T, error) {
	var zero T
	if err := r.checkWrite(ctx, v, events); err != nil {
		return zero, err
	}
	if err := storage.ValidateKey(key); err != nil {
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
	if err := r.checkWrite(ctx, v, events); err != nil {
		return err
	}
	if err := checkVersions(&r.k.ops, &v, expected); err != nil {
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
	if err := r.st.events.checkNew(evs); err != nil {
		return err
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

// Append appends copies of events.
func (e *eventsRepo) Append(ctx context.Context, events ...crmkit.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.ValidateEvents(events); err != nil {
		return err
	}
	if e.tx != nil {
		return e.tx.addEvents(events)
	}
	evs := cloneEvents(events)
	e.st.mu.Lock()
	defer e.st.mu.Unlock()
	if err := e.st.events.checkNew(evs); err != nil {
		return err
	}
	e.st.events.append(evs)
	return nil
}

// ByAggregate streams the aggregate's events.
func (e *eventsRepo) ByAggregate(ctx context.Context, id uuid.UUID) iter2 {
	if err := storage.ValidateID("aggregate", id); err != nil {
		return errSeq(err)
	}
	return e.stream(ctx, byAggregate(id))
}

// Between streams the events in p.
func (e *eventsRepo) Between(ctx context.Context, p crmkit.Period) iter2 {
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
