package postgres

import (
	"context"
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
	"github.com/jackc/pgx/v5"
)

var _ deletion.Deleter = (*Store)(nil)

// referrerSQL finds, by kind and field of deletion.Referrers, the
// first record (by ID) that refers to the record $2 of tenant $1 (a
// lead's conversion is read from its body, as text).
var referrerSQL = map[deletion.Referrer]string{
	{Kind: deal.DealKind, Field: "account_id"}:                `SELECT id FROM deals WHERE tenant_id = $1 AND account_id = $2`,
	{Kind: account.ContractKind, Field: "account_id"}:         `SELECT id FROM contracts WHERE tenant_id = $1 AND account_id = $2`,
	{Kind: account.InteractionKind, Field: "account_id"}:      `SELECT id FROM interactions WHERE tenant_id = $1 AND account_id = $2`,
	{Kind: account.AccountKind, Field: "parent"}:              `SELECT id FROM accounts WHERE tenant_id = $1 AND parent = $2`,
	{Kind: lead.LeadKind, Field: "conversion.account_id"}:     `SELECT id FROM leads WHERE tenant_id = $1 AND body->'conversion'->>'account_id' = $2::text`,
	{Kind: account.ContractKind, Field: "deal_id"}:            `SELECT id FROM contracts WHERE tenant_id = $1 AND deal_id = $2`,
	{Kind: quote.QuoteKind, Field: "deal_id"}:                 `SELECT id FROM quotes WHERE tenant_id = $1 AND deal_id = $2`,
	{Kind: lead.LeadKind, Field: "conversion.opportunity_id"}: `SELECT id FROM leads WHERE tenant_id = $1 AND body->'conversion'->>'opportunity_id' = $2::text`,
}

// deleteTables are the tables of the kinds Delete removes.
var deleteTables = map[string]string{
	lead.LeadKind: leadKind.table, deal.DealKind: dealKind.table, account.AccountKind: accountKind.table,
}

// Delete removes a lead, deal or account created by mistake with its
// events and leaves a tombstone (see deletion.Deleter), in one
// transaction that first locks the record's row (FOR UPDATE), so a
// concurrent Save of it waits and then fails, and a concurrent write
// referring to it is refused by its foreign key. An account's contacts
// (account_contacts) go with it. Removed events leave holes in the
// feed's places, which consumers read over (feed_pos > position).
func (s *Store) Delete(ctx context.Context, kind string, id uuid.UUID, c crmkit.Cmd) error {
	if err := storage.CheckContext(ctx); err != nil {
		return err
	}
	if s == nil || s.db == nil || s.db.pool == nil {
		return errZeroStore()
	}
	if err := deletion.Validate(kind, id, c); err != nil {
		return err
	}
	return s.Update(ctx, func(tx storage.Tx) error { return tx.(*txView).deleteIn(ctx, kind, id, c) })
}

var _ deletion.Deleter = (*txView)(nil)

// Delete is deletion.Deleter's Delete as part of the Update: its
// statements run in the Update's transaction, the record's row locked
// (FOR UPDATE) until it ends, so the record, its events and the
// tombstone change with the Update's other writes or not at all.
func (v *txView) Delete(ctx context.Context, kind string, id uuid.UUID, c crmkit.Cmd) error {
	if err := storage.CheckContext(ctx); err != nil {
		return err
	}
	if err := deletion.Validate(kind, id, c); err != nil {
		return err
	}
	return v.deleteIn(ctx, kind, id, c)
}

// deleteIn deletes in the transaction of v, after Delete's input checks.
func (v *txView) deleteIn(ctx context.Context, kind string, id uuid.UUID, c crmkit.Cmd) error {
	table := deleteTables[kind]
	sc := v.sc
	q, release, err := sc.acquire()
	if err != nil {
		return err
	}
	defer release()
	var version int64
	err = q.QueryRow(ctx, `SELECT version FROM `+table+` WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, sc.tenant, id).Scan(&version)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return storage.NotFound(kind, id)
	case err != nil:
		return fmt.Errorf("postgres: delete %s %s: %w", kind, id, mapErr(ctx, err))
	}
	for _, r := range deletion.Referrers(kind) {
		query, ok := referrerSQL[r]
		if !ok {
			return fmt.Errorf("postgres: delete %s %s: no query for referrer %s.%s: %w", kind, id, r.Kind, r.Field, crmkit.ErrUnavailable)
		}
		var by uuid.UUID
		err := q.QueryRow(ctx, query+` ORDER BY id LIMIT 1`, sc.tenant, id).Scan(&by)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			continue
		case err != nil:
			return fmt.Errorf("postgres: delete %s %s: find referrers: %w", kind, id, mapErr(ctx, err))
		}
		return &deletion.InUseError{Kind: kind, ID: id, By: by, Field: r.Field, ByKind: r.Kind}
	}
	tomb, err := deletion.Tombstone(kind, id, version, c)
	if err != nil {
		return err
	}
	stmts := []string{
		`DELETE FROM feed_parked WHERE tenant_id = $1 AND event_id IN
				(SELECT id FROM events WHERE tenant_id = $1 AND aggregate_id = $2 AND aggregate_kind = $3)`,
		`DELETE FROM events WHERE tenant_id = $1 AND aggregate_id = $2 AND aggregate_kind = $3`,
	}
	if kind == account.AccountKind {
		stmts = append(stmts, `DELETE FROM account_contacts WHERE tenant_id = $1 AND account_id = $2 AND $3 <> ''`)
	}
	stmts = append(stmts, `DELETE FROM `+table+` WHERE tenant_id = $1 AND id = $2 AND $3 <> ''`)
	for _, stmt := range stmts {
		if _, err := q.Exec(ctx, stmt, sc.tenant, id, kind); err != nil {
			return fmt.Errorf("postgres: delete %s %s: %w", kind, id, mapErr(ctx, err))
		}
	}
	var dup *[16]byte
	var stored *int64
	if err := q.QueryRow(ctx, appendSQL, appendEventArgs([]any{sc.tenant}, []crmkit.Event{tomb})...).Scan(&dup, &stored); err != nil {
		return fmt.Errorf("postgres: delete %s %s: append the tombstone: %w", kind, id, mapErr(ctx, err))
	}
	if dup != nil {
		return storage.DuplicateEvent(uuid.UUID(*dup))
	}
	sc.wroteEvents()
	return nil
}
