package postgres

import (
	"context"
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/internal/livecache"
	"github.com/crmkit/crmkit/storage"
)

var _ storage.Projections = (*Store)(nil)

// liveDealsSQL reads the change count of tenant $1's live_deals (the row
// of stage -2, the count in amount) and, only when it is not $2 (the
// cached one), the groups: one statement, so one snapshot of both.
const liveDealsSQL = `WITH v AS (SELECT coalesce(sum(rev), 0)::bigint AS rev FROM live_deals WHERE tenant_id = $1)
	SELECT -2::smallint, ''::text, ''::text, ''::text, ''::text, 0::bigint, v.rev FROM v
	UNION ALL
	SELECT stage, status, owner, month, currency, deals, amount FROM live_deals, v
	WHERE tenant_id = $1 AND deals <> 0 AND v.rev <> $2`

// LiveDeals returns the live summary of the tenant's deals (see
// storage.Projections), read from the live_deals table that
// statement-level triggers on the deals table keep in the transaction of
// every deal write (schema version 11). The DB keeps the summary it last
// read with the sum of the groups' change counters (schema version 15):
// one query reads the sum and, only when it changed, the O(groups) rows;
// otherwise the read costs that query's one row and an O(1) Clone.
func (s *Store) LiveDeals(ctx context.Context) (*funnel.LiveSummary, error) {
	if err := storage.CheckContext(ctx); err != nil {
		return nil, err
	}
	sc := s.scope()
	q, release, err := sc.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	cached, sum := sc.db.live.Get(sc.tenant)
	rows, err := q.Query(ctx, liveDealsSQL, sc.tenant, cached)
	if err != nil {
		return nil, fmt.Errorf("postgres: live deal summary: %w", mapErr(ctx, err))
	}
	defer rows.Close()
	out := new(funnel.LiveSummary)
	var (
		stage                          int16
		status, owner, month, currency string
		deals, amount                  int64
		version                        int64 = livecache.None
	)
	for rows.Next() {
		if err := rows.Scan(&stage, &status, &owner, &month, &currency, &deals, &amount); err != nil {
			return nil, fmt.Errorf("postgres: live deal summary: %w", mapErr(ctx, err))
		}
		if stage == -2 {
			version = amount
			continue
		}
		g, err := storage.LiveGroupOf(int(stage), status, owner, month, currency, deals, amount)
		if err != nil {
			return nil, fmt.Errorf("postgres: %w", err)
		}
		if err := out.Add(g); err != nil {
			return nil, fmt.Errorf("postgres: live deal summary: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: live deal summary: %w", mapErr(ctx, err))
	}
	switch {
	case version < 0:
		return nil, fmt.Errorf("postgres: live deal summary: %w: no change count read", crmkit.ErrUnavailable)
	case version == cached && sum != nil:
		return sum.Clone(), nil
	}
	if sc.tx == nil {
		sc.db.live.Put(sc.tenant, version, out)
	}
	return out.Clone(), nil
}
