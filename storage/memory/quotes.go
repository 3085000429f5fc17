package memory

import (
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// Quotes, approval requests and service interactions, on the store and on
// the transaction of Update (storage.Tx), so that their writes land with
// the others.

var quoteKind = &kind[quote.Quote, storage.QuoteFilter]{
	ops: ops[quote.Quote]{
		name: quote.QuoteKind,
		slot: slotQuote,
		id:   func(q *quote.Quote) uuid.UUID { return q.ID },
		// Seq counts a quote's events; Version is its revision.
		version:  func(q *quote.Quote) int64 { return q.Seq },
		clone:    quote.Quote.Clone,
		validate: storage.ValidateQuote,
	},
	validateFilter: storage.QuoteFilter.Validate,
	match:          (*storage.QuoteFilter).Match,
}

var approvalKind = &kind[approval.Request, storage.ApprovalFilter]{
	ops: ops[approval.Request]{
		name:     approval.ApprovalKind,
		slot:     slotApproval,
		id:       func(r *approval.Request) uuid.UUID { return r.ID },
		version:  func(r *approval.Request) int64 { return r.Version },
		clone:    approval.Request.Clone,
		validate: storage.ValidateApproval,
	},
	validateFilter: storage.ApprovalFilter.Validate,
	match:          (*storage.ApprovalFilter).Match,
}

var interactionKind = &kind[account.Interaction, storage.InteractionFilter]{
	ops: ops[account.Interaction]{
		name:     account.InteractionKind,
		slot:     slotInteraction,
		id:       func(i *account.Interaction) uuid.UUID { return i.ID },
		version:  func(i *account.Interaction) int64 { return i.Version },
		clone:    account.Interaction.Clone,
		validate: storage.ValidateInteraction,
	},
	validateFilter: storage.InteractionFilter.Validate,
	match:          (*storage.InteractionFilter).Match,
}

// Quotes returns the quote repository; each call on it is its own
// transaction.
func (s *Store) Quotes() storage.QuoteRepository {
	return &repo[quote.Quote, storage.QuoteFilter]{st: s.state(), k: quoteKind}
}

// Approvals returns the approval request repository; each call on it is
// its own transaction.
func (s *Store) Approvals() storage.ApprovalRepository {
	return &repo[approval.Request, storage.ApprovalFilter]{st: s.state(), k: approvalKind}
}

// Interactions returns the service interaction repository; each call on
// it is its own transaction.
func (s *Store) Interactions() storage.InteractionRepository {
	return &repo[account.Interaction, storage.InteractionFilter]{st: s.state(), k: interactionKind}
}

// Quotes returns the quote repository of the transaction.
func (tx *txn) Quotes() storage.QuoteRepository {
	return &repo[quote.Quote, storage.QuoteFilter]{st: tx.st, k: quoteKind, tx: tx}
}

// Approvals returns the approval request repository of the transaction.
func (tx *txn) Approvals() storage.ApprovalRepository {
	return &repo[approval.Request, storage.ApprovalFilter]{st: tx.st, k: approvalKind, tx: tx}
}

// Interactions returns the service interaction repository of the
// transaction.
func (tx *txn) Interactions() storage.InteractionRepository {
	return &repo[account.Interaction, storage.InteractionFilter]{st: tx.st, k: interactionKind, tx: tx}
}

// checkQuote checks a quote's reference: its deal.
func checkQuote(st *state, tx *txn, q *quote.Quote, locked bool) error {
	return checkRefs(st, tx, quote.QuoteKind, q.ID, storage.QuoteReferences(q), locked)
}

// checkInteraction checks an interaction's references: its account, and
// its contact inside that account.
func checkInteraction(st *state, tx *txn, i *account.Interaction, locked bool) error {
	return checkRefs(st, tx, account.InteractionKind, i.ID, storage.InteractionReferences(i), locked)
}
