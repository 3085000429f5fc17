// Package livecache keeps, per tenant, the live deal summary a SQL store
// last read, the value of each of its live_deals rows it read, and the
// version of the store's live_deals it read them at (a write counter, a
// snapshot: the store's to define), so that the next read asks for the
// rows changed since that version only, in one statement (one snapshot)
// with the new version, and applies them to the cached summary
// (Snapshot.Delta): a read costs O(groups changed) rows, whatever other
// processes write.
package livecache

import (
	"maps"
	"sync"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
)

// Key is the key of one live_deals row within a tenant: its columns
// (stage, status, owner, UTC month, currency code) as the store keeps
// them.
type Key struct {
	Stage                          int
	Status, Owner, Month, Currency string
}

// Snapshot is the live summary of one tenant read at one version, with
// the value read of each row holding entities. It never changes once
// built (Put hands it to readers of any goroutine); the zero Snapshot is
// empty.
type Snapshot[V any] struct {
	// Version is the version of live_deals the rows were read at.
	Version V
	sum     *funnel.LiveSummary // handed out by Clone
	rows    map[Key]value       // the rows read, count > 0
}

// value is what a row held when read: its count and amount in minor
// units (its group key follows from the row's Key, the amount's currency
// from the group key).
type value struct{ count, minor int64 }

// Summary returns a copy of the snapshot's summary (an O(1) Clone).
func (s *Snapshot[V]) Summary() *funnel.LiveSummary {
	if s == nil || s.sum == nil {
		return new(funnel.LiveSummary)
	}
	return s.sum.Clone()
}

// Builder builds a Snapshot from rows read: from none (New: a read of
// every row) or from a Snapshot (Delta: a read of the rows changed since
// its version, each with its whole new value). A Builder is for one
// goroutine.
type Builder[V any] struct {
	sum    *funnel.LiveSummary
	rows   map[Key]value
	copied bool // rows is the builder's own, not the base's
}

// New returns a Builder of a snapshot from every row.
func New[V any]() *Builder[V] {
	return &Builder[V]{sum: new(funnel.LiveSummary), rows: make(map[Key]value), copied: true}
}

// Delta returns a Builder of a snapshot from s (nil: an empty one) and
// the rows changed since s's version. s itself does not change.
func (s *Snapshot[V]) Delta() *Builder[V] {
	if s == nil || s.sum == nil {
		return New[V]()
	}
	return &Builder[V]{sum: s.sum.Clone(), rows: s.rows}
}

// Set makes g the value of row k: the summary loses what k held before
// (if anything) and gains g. g's count may be 0 (a row left without
// entities). g's key must be the one of k's groups the store gives every
// read of k (storage.LiveGroupOf of its columns). An error (from
// funnel.LiveSummary.Sub or Add: a row the summary does not hold, a sum
// beyond int64) leaves the builder unusable.
func (b *Builder[V]) Set(k Key, g funnel.LiveGroup) error {
	old, had := b.rows[k]
	if !had && g.Count == 0 {
		return nil
	}
	if !b.copied {
		b.rows, b.copied = maps.Clone(b.rows), true
	}
	if had {
		o := funnel.LiveGroup{Key: g.Key, Count: old.count}
		if !g.Key.Currency.IsZero() {
			var err error
			if o.Amount, err = crmkit.NewMoney(old.minor, g.Key.Currency); err != nil {
				return err
			}
		}
		if err := b.sum.Sub(o); err != nil {
			return err
		}
		delete(b.rows, k)
	}
	if g.Count == 0 {
		return nil
	}
	if err := b.sum.Add(g); err != nil {
		return err
	}
	b.rows[k] = value{g.Count, g.Amount.Minor()}
	return nil
}

// Done returns the snapshot built, at version v. The builder must not be
// used afterwards.
func (b *Builder[V]) Done(v V) *Snapshot[V] {
	return &Snapshot[V]{Version: v, sum: b.sum, rows: b.rows}
}

// Cache is the cache of one database handle: its zero value is empty and
// ready to use, and it is safe for concurrent use.
type Cache[V any] struct {
	mu      sync.Mutex
	tenants map[string]*Snapshot[V]
}

// Get returns the cached snapshot of tenant's summary, nil without one.
func (c *Cache[V]) Get(tenant string) *Snapshot[V] {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tenants[tenant]
}

// Put caches s as tenant's snapshot. The store must have read s in one
// snapshot of its database taken after the one of the snapshot it got
// from Get (so that a later read's changes since s's version are all the
// changes): a read outside any transaction, begun after that Get, is.
func (c *Cache[V]) Put(tenant string, s *Snapshot[V]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tenants == nil {
		c.tenants = make(map[string]*Snapshot[V])
	}
	c.tenants[tenant] = s
}

// Reset forgets every cached snapshot.
func (c *Cache[V]) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.tenants)
}
