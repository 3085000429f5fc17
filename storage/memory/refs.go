package memory

import (
	"slices"

	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// References (see storage.ReferenceError) are checked where a write is
// made, against what the writer sees (the stored state, and inside
// Update the transaction's own writes, so a record created earlier in
// the same Update resolves), and again at commit under the write lock
// against the state the commit leaves, so that no concurrent commit can
// break them in between.

// The reference checks are set here, not in the kinds' declarations,
// which they refer to.
func init() {
	dealKind.refs = checkDeal
	accountKind.refs = checkAccount
	contractKind.refs = checkContract
}

// lookup returns the aggregate id of o's kind as tx sees it (tx nil: as
// stored). The caller holds st.mu when locked, and tx.mu when tx is not
// nil.
func lookup[T any](st *state, tx *txn, o *ops[T], id uuid.UUID, locked bool) (*T, bool) {
	if tx != nil {
		if p := peekPending(tx, o); p != nil {
			if row, ok := p.rows[id]; ok {
				return &row.v, true
			}
		}
	}
	if !locked {
		st.mu.RLock()
		defer st.mu.RUnlock()
	}
	if s := tableOf(st, o).get(id); s != nil {
		v := *s // rows are replaced, never changed in place
		return &v, true
	}
	return nil, false
}

// resolves reports whether ref names a record as tx sees it.
func resolves(st *state, tx *txn, ref storage.Reference, locked bool) bool {
	switch ref.Kind {
	case account.AccountKind:
		_, ok := lookup(st, tx, &accountKind.ops, ref.ID, locked)
		return ok
	case storage.ContactKind:
		a, ok := lookup(st, tx, &accountKind.ops, ref.Account, locked)
		return ok && hasContact(a, ref.ID)
	case deal.DealKind:
		_, ok := lookup(st, tx, &dealKind.ops, ref.ID, locked)
		return ok
	}
	return false
}

// hasContact reports whether a holds the contact id.
func hasContact(a *account.Account, id uuid.UUID) bool {
	return slices.ContainsFunc(a.Contacts, func(c account.Contact) bool { return c.ID == id })
}

// checkRefs returns the error of the first of refs that does not
// resolve, for a write of kind/id.
func checkRefs(st *state, tx *txn, kind string, id uuid.UUID, refs []storage.Reference, locked bool) error {
	for _, ref := range refs {
		if !resolves(st, tx, ref, locked) {
			return storage.Dangling(kind, id, ref)
		}
	}
	return nil
}

func checkDeal(st *state, tx *txn, d *deal.Deal, locked bool) error {
	return checkRefs(st, tx, deal.DealKind, d.ID, storage.DealReferences(d), locked)
}

func checkContract(st *state, tx *txn, c *account.Contract, locked bool) error {
	return checkRefs(st, tx, account.ContractKind, c.ID, storage.ContractReferences(c), locked)
}

// checkAccount refuses an account write that drops a contact a deal
// still refers to, as tx sees the deals.
func checkAccount(st *state, tx *txn, a *account.Account, locked bool) error {
	// The contacts a drops: against the account as stored and, inside
	// Update, as the transaction wrote it before (at commit that is a
	// itself, and the stored one is what counts).
	var dropped []uuid.UUID
	for _, view := range []*txn{nil, tx} {
		old, ok := lookup(st, view, &accountKind.ops, a.ID, locked)
		if !ok {
			continue
		}
		for _, c := range old.Contacts {
			if !hasContact(a, c.ID) && !slices.Contains(dropped, c.ID) {
				dropped = append(dropped, c.ID)
			}
		}
	}
	if len(dropped) == 0 {
		return nil
	}
	uses := func(d *deal.Deal) bool { return d.AccountID == a.ID && slices.Contains(dropped, d.ContactID) }
	var own *pendingTable[deal.Deal]
	if tx != nil {
		own = peekPending(tx, &dealKind.ops)
		if own != nil {
			for id, row := range own.rows {
				if uses(&row.v) {
					return storage.ContactInUse(a.ID, row.v.ContactID, id)
				}
			}
		}
	}
	if !locked {
		st.mu.RLock()
		defer st.mu.RUnlock()
	}
	rows := tableOf(st, &dealKind.ops).rows
	for i := range rows {
		d := &rows[i]
		if own != nil {
			if _, ok := own.rows[d.ID]; ok {
				continue // the transaction's own write replaces it
			}
		}
		if uses(d) {
			return storage.ContactInUse(a.ID, d.ContactID, d.ID)
		}
	}
	return nil
}
