package postgres

import (
	"context"
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage"
)

var _ storage.EventScrubber = (*txView)(nil)

// ScrubEvents replaces the Reason and Payload of stored events (see
// storage.EventScrubber), within the Update's transaction.
func (v *txView) ScrubEvents(ctx context.Context, events ...crmkit.Event) error {
	if err := storage.CheckContext(ctx); err != nil {
		return err
	}
	q, release, err := v.sc.acquire()
	if err != nil {
		return err
	}
	defer release()
	for _, e := range events {
		rows, err := q.Query(ctx, `SELECT `+eventCols+` FROM events WHERE tenant_id = $1 AND id = $2`, v.sc.tenant, [16]byte(e.ID))
		if err != nil {
			return fmt.Errorf("postgres: scrub event %s: %w", e.ID, mapErr(ctx, err))
		}
		var stored crmkit.Event
		found := rows.Next()
		if found {
			stored, err = scanEvent(rows)
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
		if err != nil {
			return fmt.Errorf("postgres: scrub event %s: %w", e.ID, mapErr(ctx, err))
		}
		if !found {
			return storage.NotFound("event", e.ID)
		}
		if err := storage.CheckScrub(stored, e); err != nil {
			return err
		}
		var payload any // NULL for none
		if len(e.Payload) > 0 {
			payload = string(e.Payload)
		}
		if _, err := q.Exec(ctx, `UPDATE events SET reason = $3, payload = $4::jsonb WHERE tenant_id = $1 AND id = $2`,
			v.sc.tenant, [16]byte(e.ID), e.Reason, payload); err != nil {
			return fmt.Errorf("postgres: scrub event %s: %w", e.ID, mapErr(ctx, err))
		}
	}
	return nil
}
