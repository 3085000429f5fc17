// Package livecache keeps, per tenant, the live deal summary a SQL store
// last read together with the version of the store's live_deals it was
// read at, so that a read that finds the version unchanged returns it
// without the groups: a store's storage.Projections read asks for the
// version and, only when it differs from the cached one, the groups, in
// one statement (one snapshot), and so is correct whatever other
// processes write.
package livecache

import (
	"sync"

	"github.com/crmkit/crmkit/funnel"
)

// Cache is the cache of one database handle: its zero value is empty and
// ready to use, and it is safe for concurrent use.
type Cache struct {
	mu      sync.Mutex
	tenants map[string]entry
}

type entry struct {
	version int64
	sum     *funnel.LiveSummary // never changed: handed out by Clone
}

// None is the version Get returns for a tenant without a cached summary:
// no store version is negative, so a read with it always asks for the
// groups.
const None = -1

// Get returns the cached version of tenant's summary (None without one)
// and the summary.
func (c *Cache) Get(tenant string) (int64, *funnel.LiveSummary) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.tenants[tenant]
	if !ok {
		return None, nil
	}
	return e.version, e.sum
}

// Put caches sum as tenant's summary at version, read in one snapshot
// with it; sum must not change afterwards (hand out its Clones).
func (c *Cache) Put(tenant string, version int64, sum *funnel.LiveSummary) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tenants == nil {
		c.tenants = make(map[string]entry)
	}
	c.tenants[tenant] = entry{version: version, sum: sum}
}

// Reset forgets every cached summary.
func (c *Cache) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.tenants)
}
