package memory

import (
	"context"
	"fmt"
	"slices"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

var (
	_ storage.Importer = (*Store)(nil)
	_ storage.Importer = (*txn)(nil)
)

// ImportLeads stores many new leads and their events at once, under one
// hold of the tenant's lock: all of them or, on any error, none. The rules
// are storage.Importer's.
func (s *Store) ImportLeads(ctx context.Context, leads []lead.Lead, events []crmkit.Event) (int64, error) {
	return importRows(ctx, s, leadKind, leads, events)
}

// ImportDeals stores many new deals and their events at once, under the
// rules of storage.Importer: every deal's account, and its contact inside
// that account, must be stored in the tenant before the import.
func (s *Store) ImportDeals(ctx context.Context, deals []deal.Deal, events []crmkit.Event) (int64, error) {
	return importRows(ctx, s, dealKind, deals, events)
}

// ImportLeads stores many new leads and their events as part of the
// Update's transaction: they are checked now, under storage.Importer's
// rules, against what is stored and what the transaction wrote, and land
// with the Update's other writes or not at all.
func (tx *txn) ImportLeads(ctx context.Context, leads []lead.Lead, events []crmkit.Event) (int64, error) {
	return txImport(ctx, tx, leadKind, leads, events)
}

// ImportDeals stores many new deals and their events as part of the
// Update's transaction (see txn.ImportLeads): every deal's account, and its
// contact inside that account, must be stored or written by the
// transaction before the import.
func (tx *txn) ImportDeals(ctx context.Context, deals []deal.Deal, events []crmkit.Event) (int64, error) {
	return txImport(ctx, tx, dealKind, deals, events)
}

func importRows[T, F any](ctx context.Context, s *Store, k *kind[T, F], rows []T, events []crmkit.Event) (int64, error) {
	if err := storage.CheckContext(ctx); err != nil {
		return 0, err
	}
	st := s.state()
	if st == nil {
		return 0, errZeroStore()
	}
	canon, evs, err := checkImport(k, rows, events)
	if err != nil {
		return 0, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	tb := tableOf(st, &k.ops)
	for i := range canon {
		id := k.id(&canon[i])
		if tb.has(id) {
			return 0, fmt.Errorf("import %ss[%d]: %w", k.name, i, storage.Exists(k.name, id))
		}
		if len(st.events.byAgg[id]) > 0 {
			return 0, fmt.Errorf("import %ss[%d]: %w", k.name, i, storage.HistoryExists(k.name, id))
		}
		if k.refs != nil {
			if err := k.refs(st, nil, &canon[i], true); err != nil {
				return 0, fmt.Errorf("import %ss[%d]: %w", k.name, i, err)
			}
		}
	}
	for i := range evs {
		if err := st.events.checkNew(evs[i : i+1]); err != nil {
			return 0, fmt.Errorf("import events[%d]: %w", i, err)
		}
	}
	tb.merge(canon)
	st.events.append(evs)
	return int64(len(canon)), nil
}

// txImport is importRows inside an Update: the rows are checked against
// what the transaction sees (its own writes over what is stored) and go
// to its overlay, checked again at commit as its creates are.
func txImport[T, F any](ctx context.Context, tx *txn, k *kind[T, F], rows []T, events []crmkit.Event) (int64, error) {
	if err := storage.CheckContext(ctx); err != nil {
		return 0, err
	}
	canon, evs, err := checkImport(k, rows, events)
	if err != nil {
		return 0, err
	}
	if err := tx.lock(); err != nil {
		return 0, err
	}
	defer tx.mu.Unlock()
	o := &k.ops
	for i := range canon {
		id := k.id(&canon[i])
		if _, found, _ := current(tx, o, id); found {
			return 0, fmt.Errorf("import %ss[%d]: %w", k.name, i, storage.Exists(k.name, id))
		}
		if tx.historyExists(id) {
			return 0, fmt.Errorf("import %ss[%d]: %w", k.name, i, storage.HistoryExists(k.name, id))
		}
		if k.refs != nil {
			if err := k.refs(tx.st, tx, &canon[i], false); err != nil {
				return 0, fmt.Errorf("import %ss[%d]: %w", k.name, i, err)
			}
		}
	}
	for i := range evs {
		if err := tx.checkEvents(evs[i : i+1]); err != nil {
			return 0, fmt.Errorf("import events[%d]: %w", i, err)
		}
	}
	// Events of an aggregate neither imported here nor stored nor
	// written by tx are logged history, as Append logs it: a later Create
	// of that aggregate in the Update is refused (HistoryExists), as the
	// SQL stores refuse it after their import's INSERT.
	imported := make(map[uuid.UUID]struct{}, len(canon))
	for i := range canon {
		imported[k.id(&canon[i])] = struct{}{}
	}
	var history []crmkit.Event
	tx.st.mu.RLock()
	for i := range evs {
		if _, ok := imported[evs[i].AggregateID]; !ok && tx.checkStoredOrPending(evs[i:i+1], tx.st.checkStored) == nil {
			history = append(history, evs[i])
		}
	}
	tx.st.mu.RUnlock()
	p := pendingOf(tx, o)
	for i := range canon {
		p.rows[k.id(&canon[i])] = &pendingRow[T]{v: canon[i]}
	}
	tx.appendEvents(evs)
	tx.appended = append(tx.appended, history...)
	return int64(len(canon)), nil
}

// checkImport checks an import's rows and events on their own (each
// valid, no ID repeated) and returns the copies a Create and an Append
// would keep.
func checkImport[T, F any](k *kind[T, F], rows []T, events []crmkit.Event) ([]T, []crmkit.Event, error) {
	canon := make([]T, len(rows))
	ids := make(map[uuid.UUID]struct{}, len(rows))
	for i := range rows {
		if err := k.validate(rows[i]); err != nil {
			return nil, nil, fmt.Errorf("import %ss[%d]: %w", k.name, i, err)
		}
		canon[i] = k.clone(storage.Canonical(rows[i])) // what a Create would keep
		id := k.id(&canon[i])
		if _, ok := ids[id]; ok {
			return nil, nil, fmt.Errorf("import %ss[%d]: %w", k.name, i, storage.Exists(k.name, id))
		}
		ids[id] = struct{}{}
	}
	eids := make(map[uuid.UUID]struct{}, len(events))
	for i, e := range events {
		if err := storage.ValidateEvent(e); err != nil {
			return nil, nil, fmt.Errorf("import events[%d]: %w", i, err)
		}
		if _, ok := eids[e.ID]; ok {
			return nil, nil, fmt.Errorf("import events[%d]: %w", i, storage.DuplicateEvent(e.ID))
		}
		eids[e.ID] = struct{}{}
	}
	return canon, cloneEvents(storage.Canonical(events)), nil // what an Append would keep
}

// merge adds rows (private copies of new IDs, not in t) to t, keeping
// t.rows sorted by ID in one pass rather than one insertion per row.
func (t *table[T]) merge(rows []T) {
	if len(rows) == 0 {
		return
	}
	if t.watch != nil {
		for i := range rows {
			t.watch(nil, &rows[i])
		}
	}
	cmp := func(a, b T) int { return compareID(t.ops.id(&a), t.ops.id(&b)) }
	slices.SortFunc(rows, cmp)
	if n := len(t.rows); n == 0 || cmp(t.rows[n-1], rows[0]) < 0 {
		t.rows = append(t.rows, rows...)
		return
	}
	out := make([]T, 0, len(t.rows)+len(rows))
	i, j := 0, 0
	for i < len(t.rows) && j < len(rows) {
		if cmp(t.rows[i], rows[j]) < 0 {
			out = append(out, t.rows[i])
			i++
		} else {
			out = append(out, rows[j])
			j++
		}
	}
	out = append(out, t.rows[i:]...)
	t.rows = append(out, rows[j:]...)
}
