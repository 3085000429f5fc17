package sqlite

import (
	"strings"

	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// Quotes, approval requests and service interactions (schema version 2).

var quoteKind = (&kind[quote.Quote, storage.QuoteFilter]{
	name:  quote.QuoteKind,
	table: "quotes",
	cols:  []string{"deal_id", "status", "created_by"},
	colValues: func(q *quote.Quote, dst []any) []any {
		return append(dst, q.DealID[:], q.Status.String(), q.CreatedBy)
	},
	refs: storage.QuoteReferences,
	id:   func(q *quote.Quote) uuid.UUID { return q.ID },
	// Seq counts a quote's events; Version is its revision.
	version:        func(q *quote.Quote) int64 { return q.Seq },
	validate:       storage.ValidateQuote,
	validateFilter: storage.QuoteFilter.Validate,
	where: func(f *storage.QuoteFilter, b *strings.Builder, args []any) []any {
		if f.Deal != uuid.Nil {
			args = cond(b, args, " AND deal_id = ?", f.Deal[:])
		}
		if len(f.Statuses) > 0 {
			args = in(b, args, "status", texts(f.Statuses))
		}
		if f.CreatedBy != "" {
			args = cond(b, args, " AND created_by = ?", f.CreatedBy)
		}
		return args
	},
}).build()

var approvalKind = (&kind[approval.Request, storage.ApprovalFilter]{
	name:  approval.ApprovalKind,
	table: "approvals",
	cols:  []string{"subject", "requester", "status", "waiting_for"},
	colValues: func(r *approval.Request, dst []any) []any {
		return append(dst, r.Subject, r.Requester, r.Status.String(), storage.WaitingRole(r))
	},
	id:             func(r *approval.Request) uuid.UUID { return r.ID },
	version:        func(r *approval.Request) int64 { return r.Version },
	validate:       storage.ValidateApproval,
	validateFilter: storage.ApprovalFilter.Validate,
	where: func(f *storage.ApprovalFilter, b *strings.Builder, args []any) []any {
		if f.Subject != "" {
			args = cond(b, args, " AND subject = ?", f.Subject)
		}
		if f.Requester != "" {
			args = cond(b, args, " AND requester = ?", f.Requester)
		}
		if len(f.Statuses) > 0 {
			args = in(b, args, "status", texts(f.Statuses))
		}
		if f.WaitingFor != "" {
			args = cond(b, args, " AND waiting_for = ?", f.WaitingFor)
		}
		return args
	},
}).build()

var interactionKind = (&kind[account.Interaction, storage.InteractionFilter]{
	name:  account.InteractionKind,
	table: "interactions",
	cols:  []string{"account_id", "contact_id", "outcome", "channel"},
	colValues: func(i *account.Interaction, dst []any) []any {
		return append(dst, i.AccountID[:], nullID(i.ContactID), i.Outcome.String(), i.Channel)
	},
	refs:           storage.InteractionReferences,
	id:             func(i *account.Interaction) uuid.UUID { return i.ID },
	version:        func(i *account.Interaction) int64 { return i.Version },
	validate:       storage.ValidateInteraction,
	validateFilter: storage.InteractionFilter.Validate,
	where: func(f *storage.InteractionFilter, b *strings.Builder, args []any) []any {
		if f.Account != uuid.Nil {
			args = cond(b, args, " AND account_id = ?", f.Account[:])
		}
		if f.Contact != uuid.Nil {
			args = cond(b, args, " AND contact_id = ?", f.Contact[:])
		}
		if len(f.Outcomes) > 0 {
			args = in(b, args, "outcome", texts(f.Outcomes))
		}
		if f.Channel != "" {
			args = cond(b, args, " AND channel = ?", f.Channel)
		}
		return args
	},
}).build()

// texts returns the text forms of enum values, for an IN filter.
func texts[E interface{ String() string }](vs []E) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v.String()
	}
	return out
}

// Quotes returns the quote repository; each call on it is its own
// transaction.
func (s *Store) Quotes() storage.QuoteRepository { return quotesOf(s.scope()) }

// Approvals returns the approval request repository; each call on it is
// its own transaction.
func (s *Store) Approvals() storage.ApprovalRepository { return approvalsOf(s.scope()) }

// Interactions returns the service interaction repository; each call on
// it is its own transaction.
func (s *Store) Interactions() storage.InteractionRepository { return interactionsOf(s.scope()) }

func (v *txView) Quotes() storage.QuoteRepository             { return quotesOf(v.sc) }
func (v *txView) Approvals() storage.ApprovalRepository       { return approvalsOf(v.sc) }
func (v *txView) Interactions() storage.InteractionRepository { return interactionsOf(v.sc) }

func quotesOf(sc *scope) storage.QuoteRepository {
	return &repo[quote.Quote, storage.QuoteFilter]{sc: sc, k: quoteKind}
}
func approvalsOf(sc *scope) storage.ApprovalRepository {
	return &repo[approval.Request, storage.ApprovalFilter]{sc: sc, k: approvalKind}
}
func interactionsOf(sc *scope) storage.InteractionRepository {
	return &repo[account.Interaction, storage.InteractionFilter]{sc: sc, k: interactionKind}
}
