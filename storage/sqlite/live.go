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

// liveVersionSQL reads tenant ?1's live_deals version as a row of stage
// -2, the version in amount.
const liveVersionSQL = `SELECT -2, '', '', '', '', 0, coalesce((SELECT version FROM live_deals_version WHERE tenant_id = ?1), 0)`

// liveDealsSQL reads tenant ?1's version and every group holding deals:
// one statement, so one snapshot of both.
const liveDealsSQL = liveVersionSQL + `
	UNION ALL
	SELECT stage, status, owner, month, currency, deals, amount FROM live_deals WHERE tenant_id = ?1 AND deals <> 0`

// liveDeltaSQL reads tenant ?1's version and the groups a write changed
// since version ?2 (schema version 10: stamp, by index), those left
// without deals too: one statement, so one snapshot of both.
const liveDeltaSQL = liveVersionSQL + `
	UNION ALL
	SELECT stage, status, owner, month, currency, deals, amount FROM live_deals WHERE tenant_id = ?1 AND stamp > ?2`

// LiveDeals returns the live summary of the tenant's deals (see
// storage.Projections), read from the live_deals table that triggers on
// the deals table keep in the transaction of every deal write (schema
// version 5). The DB keeps the summary it last read with the tenant's
// write counter (schema version 7) and the groups it read; a later read
// outside an Update reads the counter and the groups changed since (each
// group stamped with the counter of its last change, schema version 10)
// in one statement and applies them: O(groups changed) rows, one row and
// an O(1) Clone when nothing changed. A read in an Update reads every
// group.
func (s *Store) LiveDeals(ctx context.Context) (*funnel.LiveSummary, error) {
	if err := storage.CheckContext(ctx); err != nil {
		return nil, err
	}
	sc := s.scope()
	if sc.db == nil {
		return nil, errZeroStore()
	}
	var base *livecache.Snapshot[int64]
	if sc.tx == nil {
		base = sc.db.live.Get(sc.tenant)
	}
	snap, err := readLive(ctx, sc, base)
	if base != nil && ctx.Err() == nil && (err != nil || snap.Version < base.Version) {
		// Not a later state than the cached one, or changes the cached
		// summary cannot take (the file replaced, say): read every group.
		snap, err = readLive(ctx, sc, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: live deal summary: %w", err)
	}
	if sc.tx == nil && snap != base {
		sc.db.live.Put(sc.tenant, snap)
	}
	return snap.Summary(), nil
}

// readLive reads the tenant's summary: the groups changed since base's
// version applied to base, or every group without a base. It returns
// base itself when nothing changed.
func readLive(ctx context.Context, sc *scope, base *livecache.Snapshot[int64]) (*livecache.Snapshot[int64], error) {
	var (
		b       *livecache.Builder[int64]
		version int64 = -1
		changed int
	)
	err := sc.read(func(q querier) error {
		query, args := liveDealsSQL, []any{sc.tenant}
		b = livecache.New[int64]()
		if base != nil {
			query, args = liveDeltaSQL, append(args, base.Version)
			b = base.Delta()
		}
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var (
			k             livecache.Key
			deals, amount int64
		)
		for rows.Next() {
			if err := rows.Scan(&k.Stage, &k.Status, &k.Owner, &k.Month, &k.Currency, &deals, &amount); err != nil {
				return err
			}
			if k.Stage == -2 {
				version = amount
				continue
			}
			g, err := storage.LiveGroupOf(k.Stage, k.Status, k.Owner, k.Month, k.Currency, deals, amount)
			if err != nil {
				return err
			}
			if err := b.Set(k, g); err != nil {
				return err
			}
			changed++
		}
		return rows.Err()
	})
	switch {
	case err != nil:
		return nil, mapErr(ctx, err)
	case version < 0:
		return nil, fmt.Errorf("%w: no version read", crmkit.ErrUnavailable)
	case base != nil && changed == 0 && version == base.Version:
		return base, nil
	}
	return b.Done(version), nil
}
