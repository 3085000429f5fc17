package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
)

var (
	_ storage.Importer = (*Store)(nil)
	_ storage.Importer = (*txView)(nil)
)

// ImportLeads stores many new leads and their events at once, in one
// transaction with prepared statements: all of them or, on any error,
// none. The rules are storage.Importer's.
func (s *Store) ImportLeads(ctx context.Context, leads []lead.Lead, events []crmkit.Event) (int64, error) {
	return importRows(ctx, s.scope(), leadKind, leads, events)
}

// ImportDeals stores many new deals and their events at once, under the
// rules of storage.Importer; a foreign key checks each deal's account, and
// its contact is checked once per distinct reference.
func (s *Store) ImportDeals(ctx context.Context, deals []deal.Deal, events []crmkit.Event) (int64, error) {
	return importRows(ctx, s.scope(), dealKind, deals, events)
}

// ImportLeads stores many new leads and their events as part of the
// Update's transaction, within a savepoint of it: a failed import leaves
// nothing of itself, and a successful one lands with the Update's other
// writes or not at all. The rules are storage.Importer's.
func (v *txView) ImportLeads(ctx context.Context, leads []lead.Lead, events []crmkit.Event) (int64, error) {
	return importRows(ctx, v.sc, leadKind, leads, events)
}

// ImportDeals stores many new deals and their events as part of the
// Update's transaction (see txView.ImportLeads); the accounts and
// contacts the deals name may be written earlier in the same Update.
func (v *txView) ImportDeals(ctx context.Context, deals []deal.Deal, events []crmkit.Event) (int64, error) {
	return importRows(ctx, v.sc, dealKind, deals, events)
}

// importRows runs an import in sc: a transaction of its own outside
// Update, a savepoint of the Update's transaction inside.
func importRows[T, F any](ctx context.Context, sc *scope, k *kind[T, F], rows []T, events []crmkit.Event) (int64, error) {
	if err := storage.CheckContext(ctx); err != nil {
		return 0, err
	}
	if sc.db == nil {
		return 0, errZeroStore()
	}
	// Check everything first: bad input writes nothing and takes no lock.
	bodies := make([]string, len(rows))
	canon := make([]T, len(rows))
	for i := range rows {
		if err := k.validate(rows[i]); err != nil {
			return 0, fmt.Errorf("import %ss[%d]: %w", k.name, i, err)
		}
		canon[i] = storage.Canonical(rows[i]) // what a Create would keep
		b, err := json.Marshal(&canon[i])
		if err != nil {
			return 0, crmkit.Invalid(fmt.Sprintf("%ss[%d]", k.name, i), "cannot be encoded: %v", err)
		}
		bodies[i] = string(b)
	}
	evs := make([]crmkit.Event, len(events))
	for i := range events {
		if err := storage.ValidateEvent(events[i]); err != nil {
			return 0, fmt.Errorf("import events[%d]: %w", i, err)
		}
		evs[i] = storage.Canonical(events[i]) // what an Append would keep
	}
	tenant := sc.tenant
	err := sc.write(ctx, func(q querier) error {
		tx := q.(preparer)
		ins, err := tx.PrepareContext(ctx, k.insertSQL)
		if err != nil {
			return fmt.Errorf("sqlite: import %ss: %w", k.name, mapErr(ctx, err))
		}
		defer ins.Close()
		args := make([]any, 0, 5+len(k.cols))
		r := &repo[T, F]{sc: sc, k: k}
		seen := make(map[storage.Reference]bool)
		for i := range canon {
			v := &canon[i]
			id := k.id(v)
			if err := r.checkRefs(ctx, tx, v, seen); err != nil {
				return fmt.Errorf("import %ss[%d]: %w", k.name, i, err)
			}
			if err := r.checkCustom(ctx, tx, v); err != nil {
				return fmt.Errorf("import %ss[%d]: %w", k.name, i, err)
			}
			args = append(args[:0], tenant, id[:], k.version(v), nil, bodies[i])
			if _, err := ins.ExecContext(ctx, k.colValues(v, args)...); err != nil {
				return fmt.Errorf("sqlite: import %ss[%d] %s: %w", k.name, i, id, mapErr(ctx, err))
			}
			// As Create: a row whose events the log holds already is
			// refused (the import's own events are not written yet).
			var prior int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM events WHERE tenant_id = ? AND aggregate_id = ? LIMIT 1)`, tenant, id[:]).Scan(&prior); err != nil {
				return fmt.Errorf("sqlite: import %ss[%d]: read history: %w", k.name, i, mapErr(ctx, err))
			}
			if prior > 0 {
				return fmt.Errorf("import %ss[%d]: %w", k.name, i, storage.HistoryExists(k.name, id))
			}
		}
		if len(evs) == 0 {
			return nil
		}
		ev, err := tx.PrepareContext(ctx, insertEventSQL)
		if err != nil {
			return fmt.Errorf("sqlite: import events: %w", mapErr(ctx, err))
		}
		defer ev.Close()
		for i := range evs {
			if _, err := ev.ExecContext(ctx, eventArgs(args[:0], tenant, &evs[i])...); err != nil {
				return fmt.Errorf("sqlite: import events[%d] %s: %w", i, evs[i].ID, mapErr(ctx, err))
			}
		}
		return nil
	})
	if err != nil {
		return 0, mapErr(ctx, err)
	}
	return int64(len(rows)), nil
}
