package memory

import (
	"context"
	"fmt"

	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage"
)

var _ storage.Projections = (*Store)(nil)

// liveDeals is a tenant's live summary of its deals, updated under the
// state's write lock by every change of the deal table.
type liveDeals struct {
	sum funnel.LiveSummary
	err error // sticky: a change the summary refused (a sum beyond int64)
}

// watchDeals makes st's deal table report every change to st.live.
func (st *state) watchDeals() {
	tableOf(st, &dealKind.ops).watch = func(old, new *deal.Deal) {
		if st.live.err != nil {
			return
		}
		// An archived deal is out of the summary, as it is out of List and
		// the funnel.Source (storage.DealFilter.IncludeArchived).
		var before, after *funnel.Opportunity
		if old != nil && !old.Archived() {
			o := funnel.OpportunityOf(old)
			before = &o
		}
		if new != nil && !new.Archived() {
			o := funnel.OpportunityOf(new)
			after = &o
		}
		if before == nil && after == nil {
			return // archived before and after
		}
		if err := st.live.sum.Apply(before, after); err != nil {
			st.live.err = fmt.Errorf("memory: live deal summary: %w", err)
		}
	}
}

// LiveDeals returns a copy of the live summary of the tenant's deals,
// kept up to date by every committed deal write (see
// storage.Projections); O(1): the copy shares the groups until either
// changes (funnel.LiveSummary.Clone), so the first deal write after a
// read copies them. A summary that met a sum beyond int64
// stays in error (crmkit.ErrOverflow).
func (s *Store) LiveDeals(ctx context.Context) (*funnel.LiveSummary, error) {
	st := s.state()
	if st == nil {
		return nil, errZeroStore()
	}
	if err := storage.CheckContext(ctx); err != nil {
		return nil, err
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	if st.live.err != nil {
		return nil, st.live.err
	}
	return st.live.sum.Clone(), nil
}
