package memory

import (
	"slices"
	"time"

	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// A List whose filter has a range (storage.Repository.List) is in date
// order: by the filtered date, then by ID. A kind with such a filter has
// a dated hook; it returns, for a filter with a range, the date of a
// value the List orders by, and nil for any other filter (ID order).

// dateOrder keeps the first keep matching rows after a date-order
// cursor in (date, ID) order, of all it is offered: a page and one more,
// whatever the number of matches (no sort of the whole window).
type dateOrder[T any] struct {
	date  func(*T) time.Time
	id    func(*T) uuid.UUID
	at    time.Time // the cursor's date and ID; zero and uuid.Nil for the first page
	after uuid.UUID
	keep  int
	rows  []*T // sorted, at most keep
}

// offer takes a matching row if it lies after the cursor and among the
// first keep so far.
func (o *dateOrder[T]) offer(v *T) {
	d, id := o.date(v), o.id(v)
	if o.after != uuid.Nil && o.compare(d, id, o.at, o.after) <= 0 {
		return
	}
	if len(o.rows) == o.keep {
		if last := o.rows[len(o.rows)-1]; o.compare(d, id, o.date(last), o.id(last)) >= 0 {
			return
		}
		o.rows = o.rows[:len(o.rows)-1]
	}
	i, _ := slices.BinarySearchFunc(o.rows, v, func(r, v *T) int { return o.compare(o.date(r), o.id(r), d, id) })
	o.rows = slices.Insert(o.rows, i, v)
}

// compare orders (date, ID) pairs.
func (o *dateOrder[T]) compare(a time.Time, aid uuid.UUID, b time.Time, bid uuid.UUID) int {
	if c := a.Compare(b); c != 0 {
		return c
	}
	return compareID(aid, bid)
}

// page returns the first size rows offered in (date, ID) order (o.keep
// is size+1), as values (not yet cloned), and the cursor after them:
// empty when no more rows were offered.
func (o *dateOrder[T]) page(size int) ([]T, storage.Cursor) {
	n := min(size, len(o.rows))
	out := make([]T, n)
	for i := range n {
		out[i] = *o.rows[i]
	}
	if len(o.rows) <= size || n == 0 {
		return out, ""
	}
	last := &out[n-1]
	return out, storage.EncodeCursorAt(o.date(last), o.id(last))
}

// listDated returns one page of a List in date order outside a
// transaction. st's lock is taken for reading.
func (r *repo[T, F]) listDated(f *F, date func(*T) time.Time, p storage.Page) ([]T, storage.Cursor, error) {
	size, at, after, err := p.ResolveAt()
	if err != nil {
		return nil, "", err
	}
	o := dateOrder[T]{date: date, id: r.k.id, at: at, after: after, keep: size + 1}
	r.st.mu.RLock()
	tb := tableOf(r.st, &r.k.ops)
	for i := range tb.rows {
		if v := &tb.rows[i]; r.k.match(f, v) {
			o.offer(v)
		}
	}
	out, next := o.page(size)
	r.st.mu.RUnlock()
	// Copy deeply outside the lock, as List does.
	for i := range out {
		out[i] = r.k.clone(out[i])
	}
	return out, next, nil
}

// txListDated is listDated inside transaction tx: the stored rows as
// the transaction's own writes change them.
func txListDated[T, F any](tx *txn, k *kind[T, F], f *F, date func(*T) time.Time, p storage.Page) ([]T, storage.Cursor, error) {
	size, at, after, err := p.ResolveAt()
	if err != nil {
		return nil, "", err
	}
	if err := tx.lock(); err != nil {
		return nil, "", err
	}
	defer tx.mu.Unlock()
	o := dateOrder[T]{date: date, id: k.id, at: at, after: after, keep: size + 1}
	own := peekPending(tx, &k.ops)
	tx.st.mu.RLock()
	tb := tableOf(tx.st, &k.ops)
	for i := range tb.rows {
		v := &tb.rows[i]
		if own != nil && own.rows[k.id(v)] != nil {
			continue // the transaction's own write replaces it
		}
		if k.match(f, v) {
			o.offer(v)
		}
	}
	if own != nil {
		for _, row := range own.rows {
			if !row.deleted && k.match(f, &row.v) {
				o.offer(&row.v)
			}
		}
	}
	out, next := o.page(size)
	tx.st.mu.RUnlock()
	for i := range out {
		out[i] = k.clone(out[i])
	}
	return out, next, nil
}
