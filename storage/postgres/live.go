package postgres

import (
	"context"
	"fmt"

	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage"
)

var _ storage.Projections = (*Store)(nil)

const liveDealsSQL = `SELECT stage, status, owner, month, currency, deals, amount
	FROM live_deals WHERE tenant_id = $1 AND deals <> 0`

// LiveDeals returns the live summary of the tenant's deals (see
// storage.Projections), read from the live_deals table that
// statement-level triggers on the deals table keep in the transaction of
// every deal write (schema version 11): one query of O(groups) rows over
// the table's primary key.
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
	rows, err := q.Query(ctx, liveDealsSQL, sc.tenant)
	if err != nil {
		return nil, fmt.Errorf("postgres: live deal summary: %w", mapErr(ctx, err))
	}
	defer rows.Close()
	out := new(funnel.LiveSummary)
	var (
		stage                          int16
		status, owner, month, currency string
		deals, amount                  int64
	)
	for rows.Next() {
		if err := rows.Scan(&stage, &status, &owner, &month, &currency, &deals, &amount); err != nil {
			return nil, fmt.Errorf("postgres: live deal summary: %w", mapErr(ctx, err))
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
	return out, nil
}
