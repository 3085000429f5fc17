package memory

import (
	"context"
	"maps"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/deletion"
	"github.com/google/uuid"
)

var _ deletion.Deleter = (*txn)(nil)

// Delete is deletion.Deleter's Delete as part of the Update: the record
// is gone from what the transaction reads from now on (Get, List, its
// events), its tombstone is among the transaction's events, and both land
// at commit or not at all. A record the transaction wrote itself goes
// with its events of the transaction (one it created leaves only the
// tombstone). The referrers are checked now, against what the
// transaction sees, and again at commit; the stored version it deleted
// must still be stored at commit (crmkit.ErrConflict otherwise).
func (tx *txn) Delete(ctx context.Context, kind string, id uuid.UUID, c crmkit.Cmd) error {
	if err := storage.CheckContext(ctx); err != nil {
		return err
	}
	if err := deletion.Validate(kind, id, c); err != nil {
		return err
	}
	if err := tx.lock(); err != nil {
		return err
	}
	defer tx.mu.Unlock()
	var version int64
	switch kind {
	case lead.LeadKind:
		version = txVersion(tx, &leadKind.ops, id)
	case deal.DealKind:
		version = txVersion(tx, &dealKind.ops, id)
	case account.AccountKind:
		version = txVersion(tx, &accountKind.ops, id)
	}
	if version == 0 {
		return storage.NotFound(kind, id)
	}
	tx.st.mu.RLock()
	err := tx.checkReferrers(tx.st, kind, id)
	tx.st.mu.RUnlock()
	if err != nil {
		return err
	}
	tomb, err := deletion.Tombstone(kind, id, version, c)
	if err != nil {
		return err
	}
	if err := tx.checkEvents([]crmkit.Event{tomb}); err != nil {
		return err
	}
	switch kind {
	case lead.LeadKind:
		txMarkDeleted(tx, &leadKind.ops, id)
	case deal.DealKind:
		txMarkDeleted(tx, &dealKind.ops, id)
	case account.AccountKind:
		txMarkDeleted(tx, &accountKind.ops, id)
	}
	if tx.deleted == nil {
		tx.deleted = make(map[uuid.UUID]string)
	}
	tx.deleted[id] = kind
	tx.appendEvents([]crmkit.Event{tomb})
	return nil
}

// txVersion returns the version of o's record id as tx sees it, 0 when
// there is none. tx.mu is held.
func txVersion[T any](tx *txn, o *ops[T], id uuid.UUID) int64 {
	cur, found, _ := current(tx, o, id)
	if !found {
		return 0
	}
	return o.version(&cur)
}

// txMarkDeleted replaces tx's view of o's record id by its deletion: a
// stored record is marked deleted over its stored version, one tx created
// is dropped with its idempotency key; tx's events of it go. tx.mu is
// held.
func txMarkDeleted[T any](tx *txn, o *ops[T], id uuid.UUID) {
	cur, _, base := current(tx, o, id)
	p := pendingOf(tx, o)
	if base == 0 {
		delete(p.rows, id)
		maps.DeleteFunc(p.keys, func(_ string, v uuid.UUID) bool { return v == id })
	} else {
		p.rows[id] = &pendingRow[T]{v: cur, base: base, deleted: true}
	}
	gone := func(e crmkit.Event) bool { return e.AggregateID == id && e.AggregateKind == o.name }
	keep := tx.events[:0:0]
	for _, e := range tx.events {
		if gone(e) {
			delete(tx.eventIDs, e.ID)
			continue
		}
		keep = append(keep, e)
	}
	tx.events = keep
	maps.DeleteFunc(tx.scrubs, func(_ uuid.UUID, e crmkit.Event) bool { return gone(e) })
}

// checkReferrers returns the *deletion.InUseError of the first record
// that refers to kind/id as tx sees them, nil when none does. st.mu is
// held.
func (tx *txn) checkReferrers(st *state, kind string, id uuid.UUID) error {
	for _, r := range deletion.Referrers(kind) {
		if by, ok := st.referrer(tx, r, id); ok {
			return &deletion.InUseError{Kind: kind, ID: id, By: by, Field: r.Field, ByKind: r.Kind}
		}
	}
	return nil
}

// checkDeletes checks the transaction's deletes at commit against the
// state it commits into: no record refers to a deleted one. st.mu and
// tx.mu are held.
func (tx *txn) checkDeletes(st *state) error {
	for id, kind := range tx.deleted {
		if err := tx.checkReferrers(st, kind, id); err != nil {
			return err
		}
	}
	return nil
}

// hideDeleted returns events without the stored events of the records
// tx deletes.
func (tx *txn) hideDeleted(events iter2) iter2 {
	if err := tx.lock(); err != nil {
		return errSeq(err)
	}
	gone := maps.Clone(tx.deleted)
	tx.mu.Unlock()
	if len(gone) == 0 {
		return events
	}
	return func(yield func(crmkit.Event, error) bool) {
		for e, err := range events {
			if err == nil {
				if kind, ok := gone[e.AggregateID]; ok && kind == e.AggregateKind {
					continue
				}
			}
			if !yield(e, err) {
				return
			}
		}
	}
}
