package postgres

import (
	"strings"

	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// Quotes, approval requests and service interactions, tables quotes,
// approvals and interactions of schema version 9, on the store and on
// Update's tx (storage.Tx).

var quoteKind = (&kind[quote.Quote, storage.QuoteFilter]{
	name:  quote.QuoteKind,
	table: "quotes",
	cols:  []column{{"deal_id", "uuid"}, {"status", "text"}, {"created_by", "text"}},
	colValues: func(q *quote.Quote, dst []any) []any {
		return append(dst, q.DealID, q.Status.String(), q.CreatedBy)
	},
	checkCreate: quoteCheck,
	checkSave:   quoteCheck,
	refs:        storage.QuoteReferences,
	id:          func(q *quote.Quote) uuid.UUID { return q.ID },
	// Seq counts a quote's events; Version is its revision.
	version:        func(q *quote.Quote) int64 { return q.Seq },
	validate:       storage.ValidateQuote,
	validateFilter: storage.QuoteFilter.Validate,
	split: func(f storage.QuoteFilter) []storage.QuoteFilter {
		return splitSet(f, func(f *storage.QuoteFilter) *[]quote.Status { return &f.Statuses })
	},
	where: func(f *storage.QuoteFilter, b *strings.Builder, args []any) []any {
		if f.Deal != uuid.Nil {
			b.WriteString(" AND deal_id = " + param(&args, f.Deal) + "::uuid")
		}
		if len(f.Statuses) > 0 {
			b.WriteString(inSet(&args, "status", "text", enumTexts(f.Statuses)))
		}
		if f.CreatedBy != "" {
			b.WriteString(" AND created_by = " + param(&args, f.CreatedBy))
		}
		return args
	},
}).build()

// quoteCheck is the reference check of a quote's write: its deal.
func quoteCheck(ph func(string) string) string {
	return `SELECT CASE
		WHEN NOT EXISTS (SELECT 1 FROM deals WHERE tenant_id = $1 AND id = ` + ph("deal_id") + `) THEN 'deal_id'
		END`
}

var approvalKind = (&kind[approval.Request, storage.ApprovalFilter]{
	name:  approval.ApprovalKind,
	table: "approvals",
	cols:  []column{{"subject", "text"}, {"requester", "text"}, {"status", "text"}, {"waiting_for", "text"}},
	colValues: func(r *approval.Request, dst []any) []any {
		return append(dst, r.Subject, r.Requester, r.Status.String(), storage.WaitingRole(r))
	},
	id:             func(r *approval.Request) uuid.UUID { return r.ID },
	version:        func(r *approval.Request) int64 { return r.Version },
	validate:       storage.ValidateApproval,
	validateFilter: storage.ApprovalFilter.Validate,
	split: func(f storage.ApprovalFilter) []storage.ApprovalFilter {
		return splitSet(f, func(f *storage.ApprovalFilter) *[]approval.Status { return &f.Statuses })
	},
	where: func(f *storage.ApprovalFilter, b *strings.Builder, args []any) []any {
		if f.Subject != "" {
			b.WriteString(" AND subject = " + param(&args, f.Subject))
		}
		if f.Requester != "" {
			b.WriteString(" AND requester = " + param(&args, f.Requester))
		}
		if len(f.Statuses) > 0 {
			b.WriteString(inSet(&args, "status", "text", enumTexts(f.Statuses)))
		}
		if f.WaitingFor != "" {
			// The index is partial (waiting_for <> ''): said again so that a
			// generic plan can use it.
			b.WriteString(" AND waiting_for = " + param(&args, f.WaitingFor) + " AND waiting_for <> ''")
		}
		return args
	},
}).build()

var interactionKind = (&kind[account.Interaction, storage.InteractionFilter]{
	name:  account.InteractionKind,
	table: "interactions",
	cols:  []column{{"account_id", "uuid"}, {"contact_id", "uuid"}, {"outcome", "text"}, {"channel", "text"}},
	colValues: func(i *account.Interaction, dst []any) []any {
		return append(dst, i.AccountID, nullUUID(i.ContactID), i.Outcome.String(), i.Channel)
	},
	checkCreate:    interactionCheck,
	checkSave:      interactionCheck,
	refs:           storage.InteractionReferences,
	id:             func(i *account.Interaction) uuid.UUID { return i.ID },
	version:        func(i *account.Interaction) int64 { return i.Version },
	validate:       storage.ValidateInteraction,
	validateFilter: storage.InteractionFilter.Validate,
	split: func(f storage.InteractionFilter) []storage.InteractionFilter {
		return splitSet(f, func(f *storage.InteractionFilter) *[]account.Outcome { return &f.Outcomes })
	},
	where: func(f *storage.InteractionFilter, b *strings.Builder, args []any) []any {
		if f.Account != uuid.Nil {
			b.WriteString(" AND account_id = " + param(&args, f.Account) + "::uuid")
		}
		if f.Contact != uuid.Nil {
			b.WriteString(" AND contact_id = " + param(&args, f.Contact) + "::uuid")
		}
		if len(f.Outcomes) > 0 {
			b.WriteString(inSet(&args, "outcome", "text", enumTexts(f.Outcomes)))
		}
		if f.Channel != "" {
			b.WriteString(" AND channel = " + param(&args, f.Channel))
		}
		return args
	},
}).build()

// interactionCheck is the reference check of an interaction's write: its
// account, and its contact inside that account.
func interactionCheck(ph func(string) string) string {
	return `SELECT CASE
		WHEN NOT EXISTS (SELECT 1 FROM accounts WHERE tenant_id = $1 AND id = ` + ph("account_id") + `) THEN 'account_id'
		WHEN ` + ph("contact_id") + ` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM account_contacts
			WHERE tenant_id = $1 AND account_id = ` + ph("account_id") + ` AND id = ` + ph("contact_id") + `) THEN 'contact_id'
		END`
}

// enumTexts returns the text forms of enum values, for an ANY($n::text[])
// filter.
func enumTexts[E interface{ String() string }](vs []E) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.String()
	}
	return out
}

// Quotes returns the quote repository; each call on it is its own
// transaction.
func (s *Store) Quotes() storage.QuoteRepository {
	return &repo[quote.Quote, storage.QuoteFilter]{sc: s.scope(), k: quoteKind}
}

// Approvals returns the approval request repository; each call on it is
// its own transaction.
func (s *Store) Approvals() storage.ApprovalRepository {
	return &repo[approval.Request, storage.ApprovalFilter]{sc: s.scope(), k: approvalKind}
}

// Interactions returns the service interaction repository; each call on
// it is its own transaction.
func (s *Store) Interactions() storage.InteractionRepository {
	return &repo[account.Interaction, storage.InteractionFilter]{sc: s.scope(), k: interactionKind}
}

// Quotes returns the quote repository of the transaction.
func (v *txView) Quotes() storage.QuoteRepository {
	return &repo[quote.Quote, storage.QuoteFilter]{sc: v.sc, k: quoteKind}
}

// Approvals returns the approval request repository of the transaction.
func (v *txView) Approvals() storage.ApprovalRepository {
	return &repo[approval.Request, storage.ApprovalFilter]{sc: v.sc, k: approvalKind}
}

// Interactions returns the service interaction repository of the
// transaction.
func (v *txView) Interactions() storage.InteractionRepository {
	return &repo[account.Interaction, storage.InteractionFilter]{sc: v.sc, k: interactionKind}
}
