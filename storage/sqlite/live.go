package sqlite

import (
	"context"
	"fmt"

	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage"
)

var _ storage.Projections = (*Store)(nil)

const liveDealsSQL = `SELECT stage, status, owner, month, currency, deals, amount
	FROM live_deals WHERE tenant_id = ? AND deals <> 0`

// LiveDeals returns the live summary of the tenant's deals (see
// storage.Projections), read from the live_deals table that triggers on
// the deals table keep in the transaction of every deal write (schema
// version 5): one query of O(groups) rows.
func (s *Store) LiveDeals(ctx context.Context) (*funnel.LiveSummary, error) {
	if err := storage.CheckContext(ctx); err != nil {
		return nil, err
	}
	sc := s.scope()
	out := new(funnel.LiveSummary)
	err := sc.read(func(q querier) error {
		rows, err := q.QueryContext(ctx, liveDealsSQL, sc.tenant)
		if err != nil {
			return err
		}
		defer rows.Close()
		var (
			stage                          int
			status, owner, month, currency string
			deals, amount                  int64
		)
		for rows.Next() {
			if err := rows.Scan(&stage, &status, &owner, &month, &currency, &deals, &amount); err != nil {
				return err
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
	return out, nil
}
