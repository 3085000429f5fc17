package memory

import (
	"slices"

	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
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
	leadKind.refs = withCustom[lead.Lead](nil)
	dealKind.refs = withCustom(checkDeal)
	accountKind.refs = withCustom(checkAccount)
	contractKind.refs = checkContract
	quoteKind.refs = checkQuote
	interactionKind.refs = checkInteraction
}

// lookup returns the aggregate id of o's kind as tx sees it (tx nil: as
// stored). The caller holds st.mu when locked, and tx.mu when tx is not
// nil.
func lookup[T any](st *state, tx *txn, o *ops[T], id uuid.UUID, locked bool) (*T, bool) {
	if tx != nil {
		if p := peekPending(tx, o); p != nil {
			if row, ok := p.rows[id]; ok {
				if row.deleted {
					return nil, false
				}
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
	case deal.PipelineKind:
		// Versions are never removed and run from 1 to the latest.
		s, ok := lookup(st, tx, &pipelineKind.ops, ref.ID, locked)
		return ok && ref.Version >= 1 && ref.Version <= s.Version
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
	if err := contactUser(st, tx, &dealKind.ops, locked, a.ID, dropped,
		func(d *deal.Deal) (uuid.UUID, uuid.UUID) { return d.AccountID, d.ContactID }); err != nil {
		return err
	}
	return contactUser(st, tx, &interactionKind.ops, locked, a.ID, dropped,
		func(i *account.Interaction) (uuid.UUID, uuid.UUID) { return i.AccountID, i.ContactID })
}

// contactUser returns the *storage.ReferenceError of the first record of
// o's kind, as tx sees them, that refers to one of the contacts dropped
// from account owner; ref gives a record's account and contact.
func contactUser[T any](st *state, tx *txn, o *ops[T], locked bool, owner uuid.UUID, dropped []uuid.UUID,
	ref func(*T) (acct, contact uuid.UUID)) error {
	uses := func(v *T) bool {
		a, c := ref(v)
		return a == owner && c != uuid.Nil && slices.Contains(dropped, c)
	}
	var own *pendingTable[T]
	if tx != nil {
		own = peekPending(tx, o)
		if own != nil {
			for id, row := range own.rows {
				if uses(&row.v) {
					_, c := ref(&row.v)
					return storage.ContactInUse(owner, c, o.name, id)
				}
			}
		}
	}
	if !locked {
		st.mu.RLock()
		defer st.mu.RUnlock()
	}
	rows := tableOf(st, o).rows
	for i := range rows {
		v := &rows[i]
		id := o.id(v)
		if own != nil {
			if _, ok := own.rows[id]; ok {
				continue // the transaction's own write replaces it
			}
		}
		if uses(v) {
			_, c := ref(v)
			return storage.ContactInUse(owner, c, o.name, id)
		}
	}
	return nil
}
