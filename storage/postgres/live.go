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

// liveSnapshotSQL reads the snapshot of the statement (pg_current_snapshot:
// its active snapshot) as a row of stage -2, the snapshot in status.
const liveSnapshotSQL = `SELECT -2::smallint, pg_current_snapshot()::text, ''::text, ''::text, ''::text, 0::bigint, 0::bigint`

// liveDealsSQL reads the snapshot and every group of tenant $1 holding
// deals: one statement, so one snapshot of both.
const liveDealsSQL = liveSnapshotSQL + `
	UNION ALL
	SELECT stage, status, owner, month, currency, deals, amount FROM live_deals WHERE tenant_id = $1 AND deals <> 0`

// liveDeltaSQL reads the snapshot and the groups of tenant $1 changed by
// a transaction snapshot $2 did not see (schema version 18; every such
// transaction id is at least $2's xmin, which the index on (tenant_id,
// changed_by) finds), those left without deals too: one statement, so
// one snapshot of both.
const liveDeltaSQL = liveSnapshotSQL + `
	UNION ALL
	SELECT stage, status, owner, month, currency, deals, amount FROM live_deals
	WHERE tenant_id = $1 AND changed_by >= pg_snapshot_xmin($2::pg_snapshot) AND NOT pg_visible_in_snapshot(changed_by, $2::pg_snapshot)`

// LiveDeals returns the live summary of the tenant's deals (see
// storage.Projections), read from the live_deals table that
// statement-level triggers on the deals table keep in the transaction of
// every deal write (schema version 11). The DB keeps the summary it last
// read, the groups it read and the snapshot its read ran in; a later
// read outside an Update reads its own snapshot and the groups changed by
// the transactions the cached snapshot did not see (each group marked
// with the transaction that last changed it, schema version 18), in one
// statement, and applies them: O(groups changed) rows, whatever order
// concurrent writers commit in; one row and an O(1) Clone when nothing
// changed. A read in an Update reads every group.
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
	var base *livecache.Snapshot[string]
	if sc.tx == nil {
		base = sc.db.live.Get(sc.tenant)
	}
	snap, err := readLive(ctx, q, sc.tenant, base)
	if err != nil && base != nil && ctx.Err() == nil {
		// Changes the cached summary cannot take (the schema restored
		// from a backup, say): read every group.
		snap, err = readLive(ctx, q, sc.tenant, nil)
	}
	if err != nil {
		return nil, err
	}
	if sc.tx == nil && snap != base {
		sc.db.live.Put(sc.tenant, snap)
	}
	return snap.Summary(), nil
}

// readLive reads tenant's summary: the groups changed since base's
// snapshot applied to base, or every group without a base. It returns
// base itself when nothing changed since.
func readLive(ctx context.Context, q querier, tenant string, base *livecache.Snapshot[string]) (*livecache.Snapshot[string], error) {
	query, args := liveDealsSQL, []any{tenant}
	b := livecache.New[string]()
	if base != nil {
		query, args = liveDeltaSQL, append(args, base.Version)
		b = base.Delta()
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: live deal summary: %w", mapErr(ctx, err))
	}
	defer rows.Close()
	var (
		stage                          int16
		status, owner, month, currency string
		deals, amount                  int64
		snapshot                       string
		changed                        int
	)
	for rows.Next() {
		if err := rows.Scan(&stage, &status, &owner, &month, &currency, &deals, &amount); err != nil {
			return nil, fmt.Errorf("postgres: live deal summary: %w", mapErr(ctx, err))
		}
		if stage == -2 {
			snapshot = status
			continue
		}
		g, err := storage.LiveGroupOf(int(stage), status, owner, month, currency, deals, amount)
		if err != nil {
			return nil, fmt.Errorf("postgres: %w", err)
		}
		if err := b.Set(livecache.Key{Stage: int(stage), Status: status, Owner: owner, Month: month, Currency: currency}, g); err != nil {
			return nil, fmt.Errorf("postgres: live deal summary: %w", err)
		}
		changed++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: live deal summary: %w", mapErr(ctx, err))
	}
	switch {
	case snapshot == "":
		return nil, fmt.Errorf("postgres: live deal summary: %w: no snapshot read", crmkit.ErrUnavailable)
	case base != nil && changed == 0:
		// Nothing changed: keep the cached snapshot, the older (its
		// xmin finds no more rows than a newer one's would).
		return base, nil
	}
	return b.Done(snapshot), nil
}
