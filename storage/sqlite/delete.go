package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/deletion"
	"github.com/google/uuid"
)

var _ deletion.Deleter = (*Store)(nil)

// referrerSQL finds, by kind and field of deletion.Referrers, the
// first record (by ID) that refers to the record ?2 (its 16 bytes; ?3 its
// text, as a lead's conversion holds it in the body) of tenant ?1.
var referrerSQL = map[deletion.Referrer]string{
	{Kind: deal.DealKind, Field: "account_id"}:                `SELECT id FROM deals WHERE tenant_id = ?1 AND account_id = ?2`,
	{Kind: account.ContractKind, Field: "account_id"}:         `SELECT id FROM contracts WHERE tenant_id = ?1 AND account_id = ?2`,
	{Kind: account.InteractionKind, Field: "account_id"}:      `SELECT id FROM interactions WHERE tenant_id = ?1 AND account_id = ?2`,
	{Kind: account.AccountKind, Field: "parent"}:              `SELECT id FROM accounts WHERE tenant_id = ?1 AND parent = ?2`,
	{Kind: lead.LeadKind, Field: "conversion.account_id"}:     `SELECT id FROM leads WHERE tenant_id = ?1 AND json_extract(body, '$.conversion.account_id') = ?3`,
	{Kind: account.ContractKind, Field: "deal_id"}:            `SELECT id FROM contracts WHERE tenant_id = ?1 AND deal_id = ?2`,
	{Kind: quote.QuoteKind, Field: "deal_id"}:                 `SELECT id FROM quotes WHERE tenant_id = ?1 AND deal_id = ?2`,
	{Kind: lead.LeadKind, Field: "conversion.opportunity_id"}: `SELECT id FROM leads WHERE tenant_id = ?1 AND json_extract(body, '$.conversion.opportunity_id') = ?3`,
}

// Delete removes a lead, deal or account created by mistake with its
// events and leaves a tombstone (see deletion.Deleter), in one transaction
// under the write lock. The tombstone is inserted before the events are
// removed, so the feed's head never moves back and no later event takes
// a place a consumer has passed.
func (s *Store) Delete(ctx context.Context, kind string, id uuid.UUID, c crmkit.Cmd) error {
	return deleteIn(ctx, s.scope(), kind, id, c)
}

var _ deletion.Deleter = (*txView)(nil)

// Delete is deletion.Deleter's Delete as part of the Update: its
// statements run in the Update's transaction, so the record, its events
// and the tombstone change with the Update's other writes or not at all.
func (v *txView) Delete(ctx context.Context, kind string, id uuid.UUID, c crmkit.Cmd) error {
	return deleteIn(ctx, v.sc, kind, id, c)
}

// deleteIn runs Delete in sc: the store's own transaction, or the
// Update's.
func deleteIn(ctx context.Context, sc *scope, kind string, id uuid.UUID, c crmkit.Cmd) error {
	if err := storage.CheckContext(ctx); err != nil {
		return err
	}
	if sc.db == nil {
		return errZeroStore()
	}
	if err := deletion.Validate(kind, id, c); err != nil {
		return err
	}
	table := tables[kind]
	return sc.write(ctx, func(q querier) error {
		var version int64
		err := q.QueryRowContext(ctx, `SELECT version FROM `+table+` WHERE tenant_id = ? AND id = ?`, sc.tenant, id[:]).Scan(&version)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return storage.NotFound(kind, id)
		case err != nil:
			return fmt.Errorf("sqlite: delete %s %s: %w", kind, id, mapErr(ctx, err))
		}
		for _, r := range deletion.Referrers(kind) {
			query, ok := referrerSQL[r]
			if !ok {
				return fmt.Errorf("sqlite: delete %s %s: no query for referrer %s.%s: %w", kind, id, r.Kind, r.Field, crmkit.ErrUnavailable)
			}
			var by []byte
			err := q.QueryRowContext(ctx, query+` ORDER BY id LIMIT 1`, sc.tenant, id[:], id.String()).Scan(&by)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				continue
			case err != nil:
				return fmt.Errorf("sqlite: delete %s %s: find referrers: %w", kind, id, mapErr(ctx, err))
			}
			byID, _ := uuid.FromBytes(by)
			return &deletion.InUseError{Kind: kind, ID: id, By: byID, Field: r.Field, ByKind: r.Kind}
		}
		tomb, err := deletion.Tombstone(kind, id, version, c)
		if err != nil {
			return err
		}
		if err := checkNewEvents(ctx, q, sc.tenant, []crmkit.Event{tomb}); err != nil {
			return err
		}
		if err := insertEvents(ctx, q, sc.tenant, []crmkit.Event{tomb}); err != nil {
			return err
		}
		for _, stmt := range []string{
			`DELETE FROM feed_parked WHERE tenant_id = ?1 AND event_id IN
				(SELECT id FROM events WHERE tenant_id = ?1 AND aggregate_id = ?2 AND aggregate_kind = ?3)`,
			`DELETE FROM events WHERE tenant_id = ?1 AND aggregate_id = ?2 AND aggregate_kind = ?3`,
			`DELETE FROM ` + table + ` WHERE tenant_id = ?1 AND id = ?2`,
		} {
			if _, err := q.ExecContext(ctx, stmt, sc.tenant, id[:], kind); err != nil {
				return fmt.Errorf("sqlite: delete %s %s: %w", kind, id, mapErr(ctx, err))
			}
		}
		return nil
	})
}
