package sqlite

import (
	"context"
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/erasure"
)

var _ erasure.EventScrubber = (*txView)(nil)

// ScrubEvents replaces the Reason and Payload of stored events (see
// erasure.EventScrubber), within the Update's transaction.
func (v *txView) ScrubEvents(ctx context.Context, events ...crmkit.Event) error {
	if err := storage.CheckContext(ctx); err != nil {
		return err
	}
	err := v.sc.write(ctx, func(q querier) error {
		for _, e := range events {
			rows, err := q.QueryContext(ctx, `SELECT `+eventCols+` FROM events WHERE tenant_id = ? AND id = ?`, v.sc.tenant, e.ID[:])
			if err != nil {
				return fmt.Errorf("sqlite: scrub event %s: %w", e.ID, mapErr(ctx, err))
			}
			var stored crmkit.Event
			found := rows.Next()
			if found {
				stored, err = scanEvent(rows)
			}
			rows.Close()
			if err != nil {
				return fmt.Errorf("sqlite: scrub event %s: %w", e.ID, mapErr(ctx, err))
			}
			if !found {
				return storage.NotFound("event", e.ID)
			}
			if err := erasure.CheckScrub(stored, e); err != nil {
				return err
			}
			var payload any // NULL for none
			if len(e.Payload) > 0 {
				payload = string(e.Payload)
			}
			if _, err := q.ExecContext(ctx, `UPDATE events SET reason = ?, payload = ? WHERE tenant_id = ? AND id = ?`,
				e.Reason, payload, v.sc.tenant, e.ID[:]); err != nil {
				return fmt.Errorf("sqlite: scrub event %s: %w", e.ID, mapErr(ctx, err))
			}
		}
		return nil
	})
	return mapErr(ctx, err)
}
