package memory

import (
	"bytes"
	"slices"
	"time"

	"github.com/google/uuid"
)

// ops is what the generic table and transaction need to know about an
// aggregate type T: its kind name ("lead"), how to read its ID and
// version, how to copy it and how to check it before it is stored.
type ops[T any] struct {
	name     string
	slot     int // index into txn.pending and state.tables
	id       func(*T) uuid.UUID
	version  func(*T) int64
	clone    func(T) T
	validate func(T) error
	// refs, if not nil, checks the references of a value about to be
	// written (see refs.go): against the state tx sees (tx nil: the
	// stored state), the caller holding st.mu when locked.
	refs func(st *state, tx *txn, v *T, locked bool) error
}

// kind adds the filter of type F to ops. Adding an aggregate to the
// store is one kind value, one table in state and one Tx method.
type kind[T, F any] struct {
	ops[T]
	validateFilter func(F) error
	match          func(*F, *T) bool
	// dated, optional, returns the date a List of the filter orders by
	// when the filter has a range, nil otherwise (see ranged.go).
	dated func(*F) func(*T) time.Time
}

// table holds one tenant's aggregates of one kind as values in a slice
// sorted by ID (a value scan is faster than chasing pointers), plus the
// idempotency keys of their creates. Its owner's lock guards it.
type table[T any] struct {
	ops  *ops[T]
	rows []T
	keys map[string]uuid.UUID
	// watch, if not nil, is told every change of a row: old nil for a
	// new row (see live.go).
	watch func(old, new *T)
}

func newTable[T any](o *ops[T]) *table[T] {
	return &table[T]{ops: o, keys: make(map[string]uuid.UUID)}
}

func compareID(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }

// find returns the index of id in t.rows (or where it would go) and
// whether it is there.
func (t *table[T]) find(id uuid.UUID) (int, bool) {
	// A hand-written search: a comparison taking the row by value would
	// copy (and, through the id function, heap-allocate) every probed row.
	lo, hi := 0, len(t.rows)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if compareID(t.ops.id(&t.rows[m]), id) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(t.rows) && t.ops.id(&t.rows[lo]) == id
}

// get returns a pointer to the stored row with id, or nil. The pointer is
// valid only under the lock.
func (t *table[T]) get(id uuid.UUID) *T {
	if i, ok := t.find(id); ok {
		return &t.rows[i]
	}
	return nil
}

// storedVersion returns the stored version of id, 0 when absent.
func (t *table[T]) storedVersion(id uuid.UUID) int64 {
	if p := t.get(id); p != nil {
		return t.ops.version(p)
	}
	return 0
}

// has reports whether the table holds id.
func (t *table[T]) has(id uuid.UUID) bool { return t.get(id) != nil }

// put inserts or replaces v (already a private copy).
func (t *table[T]) put(v T) {
	id := t.ops.id(&v)
	if t.watch != nil {
		var old *T
		if p := t.get(id); p != nil {
			c := *p
			old = &c
		}
		defer t.watch(old, &v)
	}
	// UUIDv7 IDs mostly arrive in order: try the end first.
	if n := len(t.rows); n == 0 || compareID(t.ops.id(&t.rows[n-1]), id) < 0 {
		t.rows = append(t.rows, v)
		return
	}
	i, ok := t.find(id)
	if ok {
		t.rows[i] = v
		return
	}
	t.rows = slices.Insert(t.rows, i, v)
}

// after returns the index of the first row whose ID is greater than id
// (0 for uuid.Nil).
func (t *table[T]) after(id uuid.UUID) int {
	if id == uuid.Nil {
		return 0
	}
	i, ok := t.find(id)
	if ok {
		i++
	}
	return i
}
