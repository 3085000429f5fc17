package sqlite

import (
	"context"
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/internal/livecache"
	"github.com/crmkit/crmkit/storage"
)

var _ storage.Projections = (*Store)(nil)

// liveDealsSQL reads tenant ?1's live_deals version (the row of stage
// -2, the version in amount) and, only when it is not ?2 (the cached
// one), the groups: one statement, so one snapshot of both.
const liveDealsSQL = `SELECT -2, '', '', '', '', 0, coalesce((SELECT version FROM live_deals_version WHERE tenant_id = ?1), 0)
	UNION ALL
	SELECT stage, status, owner, month, currency, deals, amount FROM live_deals
	WHERE tenant_id = ?1 AND deals <> 0 AND coalesce((SELECT version FROM live_deals_version WHERE tenant_id = ?1), 0) <> ?2`

// LiveDeals returns the live summary of the tenant's deals (see
// storage.Projections), read from the live_deals table that triggers on
// the deals table keep in the transaction of every deal write (schema
// version 5). The DB keeps the summary it last read with the tenant's
// write counter (schema version 7): one query reads the counter and,
// only when it changed, the O(groups) rows; otherwise the read costs the
// query of one row and an O(1) Clone.
func (s *Store) LiveDeals(ctx context.Context) (*funnel.LiveSummary, error) {
	if err := storage.CheckContext(ctx); err != nil {
		return nil, err
	}
	sc := s.scope()
	if sc.db == nil {
		return nil, errZeroStore()
	}
	cached, sum := sc.db.live.Get(sc.tenant)
	var (
		out     *funnel.LiveSummary
		version int64 = livecache.None
	)
	err := sc.read(func(q querier) error {
		rows, err := q.QueryContext(ctx, liveDealsSQL, sc.tenant, cached)
		if err != nil {
			return err
		}
		defer rows.Close()
		out = new(funnel.LiveSummary)
		var (
			stage                          int
			status, owner, month, currency string
			deals, amount                  int64
		)
		for rows.Next() {
			if err := rows.Scan(&stage, &status, &owner, &month, &currency, &deals, &amount); err != nil {
				return err
			}
			if stage == -2 {
				version = amount
				continue
			}
			g, err := storage.LiveGroupOf(stage, status, owner, month, currency, deals, amount)
			if err != nil {
				return err
			}
			if err := out.Add(g); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: live deal summary: %w", mapErr(ctx, err))
	}
	switch {
	case version < 0:
		return nil, fmt.Errorf("sqlite: live deal summary: %w: no version read", crmkit.ErrUnavailable)
	case version == cached && sum != nil:
		return sum.Clone(), nil
	}
	if sc.tx == nil {
		sc.db.live.Put(sc.tenant, version, out)
	}
	return out.Clone(), nil
}
