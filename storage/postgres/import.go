package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

var (
	_ storage.Importer = (*Store)(nil)
	_ storage.Importer = (*txView)(nil)
)

// ImportLeads stores many new leads and their events at once with COPY,
// in one transaction: all of them or, on any error, none. The rules are
// storage.Importer's.
func (s *Store) ImportLeads(ctx context.Context, leads []lead.Lead, events []crmkit.Event) (int64, error) {
	return importRows(ctx, s.scope(), leadKind, leads, events)
}

// ImportDeals stores many new deals and their events at once with COPY,
// under the rules of storage.Importer; the foreign keys of schema version
// 6 check each deal's account and contact.
func (s *Store) ImportDeals(ctx context.Context, deals []deal.Deal, events []crmkit.Event) (int64, error) {
	return importRows(ctx, s.scope(), dealKind, deals, events)
}

// ImportLeads stores many new leads and their events with COPY as part of
// the Update's transaction, within a savepoint of it: a failed import
// leaves nothing of itself, and a successful one lands with the Update's
// other writes or not at all. The rules are storage.Importer's.
func (v *txView) ImportLeads(ctx context.Context, leads []lead.Lead, events []crmkit.Event) (int64, error) {
	return importRows(ctx, v.sc, leadKind, leads, events)
}

// ImportDeals stores many new deals and their events with COPY as part of
// the Update's transaction (see txView.ImportLeads); the accounts and
// contacts the deals name may be written earlier in the same Update.
func (v *txView) ImportDeals(ctx context.Context, deals []deal.Deal, events []crmkit.Event) (int64, error) {
	return importRows(ctx, v.sc, dealKind, deals, events)
}

var eventColumns = []string{"tenant_id", "id", "aggregate_kind", "aggregate_id", "type", "actor", "at", "version", "from_state", "to_state", "reason", "payload"}

// beginner is what an import needs of sc's querier: the pool begins a
// transaction, an Update's transaction a savepoint.
type beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// importRows runs an import in sc: a transaction of its own outside
// Update, a savepoint of the Update's transaction inside.
func importRows[T, F any](ctx context.Context, sc *scope, k *kind[T, F], rows []T, events []crmkit.Event) (int64, error) {
	if err := storage.CheckContext(ctx); err != nil {
		return 0, err
	}
	q, done, err := sc.acquire()
	if err != nil {
		return 0, err
	}
	defer done()
	b, ok := q.(beginner)
	if !ok {
		return 0, errZeroStore()
	}
	cols := []string{"tenant_id", "id", "version", "body"}
	for _, c := range k.cols {
		cols = append(cols, c.name)
	}
	var n int64
	tenant := sc.tenant
	err = pgx.BeginFunc(ctx, b, func(tx pgx.Tx) error {
		if err := checkImport(ctx, tx, tenant, k, rows, events); err != nil {
			return err
		}
		src := &rowSource[T, F]{k: k, rows: rows, tenant: tenant, i: -1}
		var err error
		if k.custom != nil {
			if src.schema, err = loadSchema(ctx, tx, tenant, k.name); err != nil {
				return err
			}
			if k.name == account.AccountKind {
				if src.contactSchema, err = loadSchema(ctx, tx, tenant, storage.ContactKind); err != nil {
					return err
				}
			}
		}
		n, err = tx.CopyFrom(ctx, pgx.Identifier{k.table}, cols, src)
		if src.err != nil {
			return src.err
		}
		if err != nil {
			if i := repeated(rows, k.id); i >= 0 {
				return fmt.Errorf("import %ss[%d]: %w (%w)", k.name, i, storage.Exists(k.name, k.id(&rows[i])), mapErr(ctx, err))
			}
			return fmt.Errorf("postgres: import %ss: %w", k.name, mapErr(ctx, err))
		}
		if len(events) == 0 {
			return nil
		}
		esrc := &eventSource{events: events, tenant: tenant, i: -1}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"events"}, eventColumns, esrc)
		if esrc.err != nil {
			return esrc.err
		}
		if err != nil {
			if i := repeated(events, func(e *crmkit.Event) uuid.UUID { return e.ID }); i >= 0 {
				return fmt.Errorf("import events[%d]: %w (%w)", i, storage.DuplicateEvent(events[i].ID), mapErr(ctx, err))
			}
			return fmt.Errorf("postgres: import events: %w", mapErr(ctx, err))
		}
		return nil
	})
	if err != nil {
		// BeginFunc's own begin and commit errors come from the driver.
		return 0, mapErr(ctx, err)
	}
	if len(events) > 0 {
		sc.wroteEvents()
	}
	return n, nil
}

// rowSource feeds aggregates to COPY, checking and encoding each.
type rowSource[T, F any] struct {
	k      *kind[T, F]
	rows   []T
	tenant string
	i      int
	vals   []any
	err    error
	// schema is the stored field schema of a kind with custom values.
	schema *field.Schema
	// contactSchema is the stored schema of contacts, for accounts.
	contactSchema *field.Schema
}

// Next implements pgx.CopyFromSource.
func (r *rowSource[T, F]) Next() bool {
	r.i++
	return r.err == nil && r.i < len(r.rows)
}

// Values implements pgx.CopyFromSource: it checks and encodes the row.
func (r *rowSource[T, F]) Values() ([]any, error) {
	if err := r.k.validate(r.rows[r.i]); err != nil {
		r.err = fmt.Errorf("import %ss[%d]: %w", r.k.name, r.i, err)
		return nil, r.err
	}
	if r.k.custom != nil {
		v := &r.rows[r.i]
		if err := storage.CheckCustom(v, r.schema); err != nil {
			r.err = fmt.Errorf("import %ss[%d]: %w", r.k.name, r.i, err)
			return nil, r.err
		}
		if a, ok := any(v).(*account.Account); ok {
			if err := storage.CheckContactsCustom(a, r.contactSchema); err != nil {
				r.err = fmt.Errorf("import %ss[%d]: %w", r.k.name, r.i, err)
				return nil, r.err
			}
		}
	}
	c := storage.Canonical(r.rows[r.i]) // what a Create would keep
	v := &c
	body, err := json.Marshal(v)
	if err != nil {
		r.err = crmkit.Invalid(fmt.Sprintf("%ss[%d]", r.k.name, r.i), "cannot be encoded: %v", err)
		return nil, r.err
	}
	// COPY encodes the row before it asks for the next, so vals is reused.
	r.vals = append(r.vals[:0], r.tenant, [16]byte(r.k.id(v)), r.k.version(v), body)
	r.vals = r.k.colValues(v, r.vals)
	return r.vals, nil
}

// Err implements pgx.CopyFromSource.
func (r *rowSource[T, F]) Err() error { return r.err }

// eventSource feeds events to COPY, checking each.
type eventSource struct {
	events []crmkit.Event
	tenant string
	i      int
	vals   []any
	err    error
}

func (s *eventSource) Next() bool {
	s.i++
	return s.err == nil && s.i < len(s.events)
}

func (s *eventSource) Values() ([]any, error) {
	if err := storage.ValidateEvent(s.events[s.i]); err != nil {
		s.err = fmt.Errorf("import events[%d]: %w", s.i, err)
		return nil, s.err
	}
	c := storage.Canonical(s.events[s.i]) // what an Append would keep
	e := &c
	var payload any // NULL for none
	if len(e.Payload) > 0 {
		payload = []byte(e.Payload)
	}
	s.vals = append(s.vals[:0], s.tenant, [16]byte(e.ID), e.AggregateKind, [16]byte(e.AggregateID), e.Type, e.Actor,
		e.At, e.Version, e.From, e.To, e.Reason, payload)
	return s.vals, nil
}

func (s *eventSource) Err() error { return s.err }

// checkImport refuses, before anything is copied, the rows whose ID is
// stored already or whose events the log holds already (as Create does:
// storage.HistoryExists), and the events whose ID is logged already,
// naming the first one's index in the input.
func checkImport[T, F any](ctx context.Context, tx pgx.Tx, tenant string, k *kind[T, F], rows []T, events []crmkit.Event) error {
	ids := make([]uuid.UUID, len(rows))
	for i := range rows {
		ids[i] = k.id(&rows[i])
	}
	const first = `SELECT u.i - 1, u.id FROM unnest($2::uuid[]) WITH ORDINALITY AS u(id, i) WHERE EXISTS (%s) ORDER BY u.i LIMIT 1`
	find := func(what string, ids []uuid.UUID, cond string) (int, uuid.UUID, bool, error) {
		var i int
		var id [16]byte
		err := tx.QueryRow(ctx, fmt.Sprintf(first, cond), tenant, ids).Scan(&i, &id)
		if err == pgx.ErrNoRows {
			return 0, uuid.Nil, false, nil
		}
		if err != nil {
			return 0, uuid.Nil, false, fmt.Errorf("postgres: import %s: %w", what, mapErr(ctx, err))
		}
		return i, uuid.UUID(id), true, nil
	}
	if len(ids) > 0 {
		i, id, ok, err := find(k.name+"s", ids, `SELECT 1 FROM `+k.table+` WHERE tenant_id = $1 AND id = u.id`)
		if err != nil {
			return err
		}
		if ok {
			return fmt.Errorf("import %ss[%d]: %w", k.name, i, storage.Exists(k.name, id))
		}
		i, id, ok, err = find(k.name+"s", ids, `SELECT 1 FROM events WHERE tenant_id = $1 AND aggregate_id = u.id`)
		if err != nil {
			return err
		}
		if ok {
			return fmt.Errorf("import %ss[%d]: %w", k.name, i, storage.HistoryExists(k.name, id))
		}
	}
	if len(events) > 0 {
		eids := make([]uuid.UUID, len(events))
		for i := range events {
			eids[i] = events[i].ID
		}
		i, id, ok, err := find("events", eids, `SELECT 1 FROM events WHERE tenant_id = $1 AND id = u.id`)
		if err != nil {
			return err
		}
		if ok {
			return fmt.Errorf("import events[%d]: %w", i, storage.DuplicateEvent(id))
		}
	}
	return nil
}

// repeated returns the index of the first element of vs whose ID an
// earlier one has, -1 if none.
func repeated[V any](vs []V, id func(*V) uuid.UUID) int {
	seen := make(map[uuid.UUID]struct{}, len(vs))
	for i := range vs {
		k := id(&vs[i])
		if _, ok := seen[k]; ok {
			return i
		}
		seen[k] = struct{}{}
	}
	return -1
}
