package postgres

import (
	"context"
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/erasure"
	"github.com/google/uuid"
)

var _ erasure.EventScrubber = (*txView)(nil)

// ScrubEvents replaces the Reason and Payload of stored events (see
// erasure.EventScrubber), within the Update's transaction: one query
// reads the stored events, one UPDATE over unnest'ed arrays writes them.
func (v *txView) ScrubEvents(ctx context.Context, events ...crmkit.Event) error {
	if err := storage.CheckContext(ctx); err != nil {
		return err
	}
	if len(events) == 0 {
		return nil
	}
	q, release, err := v.sc.acquire()
	if err != nil {
		return err
	}
	defer release()
	ids := make([][16]byte, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	rows, err := q.Query(ctx, `SELECT `+eventCols+` FROM events WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, v.sc.tenant, ids)
	if err != nil {
		return fmt.Errorf("postgres: scrub events: %w", mapErr(ctx, err))
	}
	stored := make(map[uuid.UUID]crmkit.Event, len(events))
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("postgres: scrub events: %w", mapErr(ctx, err))
		}
		stored[e.ID] = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: scrub events: %w", mapErr(ctx, err))
	}
	reasons := make([]string, len(events))
	payloads := make([]*string, len(events))
	for i, e := range events {
		s, ok := stored[e.ID]
		if !ok {
			return storage.NotFound("event", e.ID)
		}
		if err := erasure.CheckScrub(s, e); err != nil {
			return err
		}
		reasons[i] = e.Reason
		if len(e.Payload) > 0 {
			p := string(e.Payload)
			payloads[i] = &p
		}
	}
	if _, err := q.Exec(ctx, `UPDATE events AS e SET reason = u.reason, payload = u.payload::jsonb
	FROM unnest($2::uuid[], $3::text[], $4::text[]) AS u(id, reason, payload)
	WHERE e.tenant_id = $1 AND e.id = u.id`, v.sc.tenant, ids, reasons, payloads); err != nil {
		return fmt.Errorf("postgres: scrub events: %w", mapErr(ctx, err))
	}
	return nil
}
