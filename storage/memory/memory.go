// Package memory is the embedded default crmkit store: every tenant's
// aggregates and events held in process memory, safe for concurrent use,
// with the full contract of package storage (optimistic concurrency,
// idempotent creates, atomic Update, tenant isolation, keyset pagination,
// streamed events). It is production-correct, not a test fake, and passes
// storagetest.Run; it keeps nothing across restarts.
//
// Open a database with New and one tenant's store with DB.Tenant:
//
//	db := memory.New()
//	acme, err := db.Tenant("acme")
//
// # How it works
//
// Each tenant has its own state behind a read-write lock: one table per
// aggregate kind holding values in a slice sorted by ID (binary search for
// Get, a value scan for List), and an append-only event slice indexed by
// aggregate and by time. Values are copied in and out, so callers can
// never change stored state through a value they passed or got.
//
// Update runs its function without holding any lock: the function's
// writes go to a private overlay that reads through the transaction see,
// and the versions it builds on are checked again at commit under the
// write lock, where the overlay is applied whole. So a reader never sees
// part of an Update; a function that returns an error or panics leaves
// nothing behind (the panic is re-raised); and a concurrent change to
// something the Update wrote makes the commit fail with crmkit.ErrConflict,
// which storage.Retry re-runs.
//
// Every write checks its events against the value (storage.CheckHistory)
// and its references (storage.DealReferences, ContractReferences,
// QuoteReferences, InteractionReferences, an account's contacts in use)
// against what the writer sees: the stored
// state and, inside Update, the Update's own writes, so a record written
// earlier in the same Update resolves. The commit checks the references
// and appended events again under the write lock, against the state it
// leaves, so no concurrent commit breaks them in between.
//
// A Store is a storage.Feed too: the tenant's events in commit order, the
// consumers' positions and parked events kept beside them, and Wait woken
// by every commit that appends events (see feed.go).
package memory

import (
	"context"
	"sync"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
)

// DB is an in-memory database holding any number of tenants. The zero DB
// is not usable: its Tenant, like a nil DB's, is an error matching
// crmkit.ErrInvalid; call New. It is safe for concurrent use.
type DB struct {
	mu      sync.Mutex
	tenants map[string]*state
}

// New returns an empty database.
func New() *DB { return &DB{tenants: make(map[string]*state)} }

// Tenant returns the store of tenant name, creating the tenant on first
// use. Every Store of the same name on the same DB shares its data;
// stores of different names share nothing. A name that is empty, longer
// than storage.MaxKeyLen, not UTF-8 or holding a NUL byte is an error
// matching crmkit.ErrInvalid.
func (db *DB) Tenant(name string) (*Store, error) {
	if db == nil || db.tenants == nil {
		return nil, crmkit.Invalid("db", "nil or zero memory.DB: make one with New")
	}
	if err := storage.ValidateTenant(name); err != nil {
		return nil, err
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	st, ok := db.tenants[name]
	if !ok {
		st = newState()
		db.tenants[name] = st
	}
	return &Store{tenant: name, st: st}, nil
}

// state is one tenant's data.
type state struct {
	mu        sync.RWMutex
	tables    [numKinds]any // *table[T] by kind slot
	events    eventLog
	consumers map[string]*consumer // the change feed's consumers by name
	live      liveDeals            // the live summary of the deals (live.go)
}

func newState() *state {
	st := &state{events: newEventLog(), consumers: make(map[string]*consumer)}
	for i, mk := range newTables {
		st.tables[i] = mk()
	}
	st.watchDeals()
	return st
}

// tableOf returns st's table of o's kind.
func tableOf[T any](st *state, o *ops[T]) *table[T] { return st.tables[o.slot].(*table[T]) }

// Store is one tenant's store: a storage.Store. Its methods are safe for
// concurrent use. A nil or zero Store (not made by DB.Tenant) answers
// every call with an error matching crmkit.ErrInvalid.
type Store struct {
	tenant string
	st     *state
}

var (
	_ storage.Store = (*Store)(nil)
	_ storage.Tx    = (*txn)(nil)
)

// Tenant returns the tenant the store is bound to ("" for a nil Store).
func (s *Store) Tenant() string {
	if s == nil {
		return ""
	}
	return s.tenant
}

// state returns the tenant's data, nil for a nil or zero Store.
func (s *Store) state() *state {
	if s == nil {
		return nil
	}
	return s.st
}

// Leads returns the lead repository; each call on it is its own
// transaction.
func (s *Store) Leads() storage.LeadRepository {
	return &repo[lead.Lead, storage.LeadFilter]{st: s.state(), k: leadKind}
}

// Deals returns the deal repository; each call on it is its own
// transaction.
func (s *Store) Deals() storage.DealRepository {
	return &repo[deal.Deal, storage.DealFilter]{st: s.state(), k: dealKind}
}

// Events returns the tenant's event log.
func (s *Store) Events() storage.EventLog { return &eventsRepo{st: s.state()} }

// Update runs fn in one transaction (see storage.Store.Update): fn's
// writes go to a private overlay, checked against concurrent commits and
// applied whole when fn returns nil. An error or a panic from fn discards
// them (the panic is re-raised). A nil fn, a nil ctx or a nil or zero
// Store is an error matching crmkit.ErrInvalid.
func (s *Store) Update(ctx context.Context, fn func(tx storage.Tx) error) error {
	if fn == nil {
		return crmkit.Invalid("update", "nil function")
	}
	if s.state() == nil {
		return errZeroStore()
	}
	if err := storage.CheckContext(ctx); err != nil {
		return err
	}
	return s.run(ctx, func(tx *txn) error { return fn(tx) })
}

// run runs fn in a new transaction and commits it if fn returns nil.
func (s *Store) run(ctx context.Context, fn func(tx *txn) error) error {
	tx := &txn{st: s.st}
	defer tx.end()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.commit(ctx)
}
