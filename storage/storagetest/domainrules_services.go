package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// domainRulesServices is testDomainRules for quotes, approval requests
// and service interactions, on s (which holds the suite's account and
// deal, which the drawn values refer to).
func domainRulesServices(t *testing.T, ctx context.Context, s storage.Store) {
	ensureSuiteDeal(t, s)
	t.Run("Quote", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			q, _ := makeQuote(t, rapid.IntRange(0, fixtureVariants-1).Draw(t, "variant"))
			checkWrites(t, ctx, s.Quotes(), quoteOps, q)
		})
	})
	t.Run("Approval", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			r, _ := makeApproval(t, rapid.IntRange(0, fixtureVariants-1).Draw(t, "variant"))
			checkWrites(t, ctx, s.Approvals(), approvalOps, r)
		})
	})
	t.Run("Interaction", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			i, _ := makeInteraction(t, rapid.IntRange(0, fixtureVariants-1).Draw(t, "variant"))
			checkWrites(t, ctx, s.Interactions(), interactionOps, i)
		})
	})
}

var quoteOps = aggOps[quote.Quote]{
	kind: quote.QuoteKind, id: func(q *quote.Quote) uuid.UUID { return q.ID },
	version:  func(q *quote.Quote) int64 { return q.Seq },
	bump:     func(q quote.Quote) quote.Quote { q = q.Clone(); q.Seq++; return q },
	validate: quote.Quote.Validate, rules: quoteRules,
}

var quoteRules = []rule[quote.Quote]{
	{"nil id", func(q *quote.Quote) { q.ID = uuid.Nil }},
	{"seq 0", func(q *quote.Quote) { q.Seq = 0 }},
	{"version 0", func(q *quote.Quote) { q.Version = 0 }},
	{"no deal", func(q *quote.Quote) { q.DealID = uuid.Nil }},
	{"unknown status", func(q *quote.Quote) { q.Status = 42 }},
	{"sent", func(q *quote.Quote) { q.Status = quote.Sent }},
	{"no author", func(q *quote.Quote) { q.CreatedBy = "" }},
	{"percent discount", func(q *quote.Quote) {
		if len(q.Lines) > 0 {
			q.Lines[0].Discount = decimal.NewFromInt(15)
		}
	}},
	{"more seats", func(q *quote.Quote) {
		if len(q.Lines) > 0 {
			q.Lines[0].Quantity = decimal.NewFromInt(7)
		}
	}},
	{"no lines", func(q *quote.Quote) { q.Lines = nil }},
	{"expired before it was made", func(q *quote.Quote) { q.ValidUntil = q.CreatedAt.Add(-time.Hour) }},
}

var approvalOps = aggOps[approval.Request]{
	kind: approval.ApprovalKind, id: func(r *approval.Request) uuid.UUID { return r.ID },
	version: func(r *approval.Request) int64 { return r.Version },
	// The next version of a pending request is its next decision (a
	// version alone would not count its decisions).
	bump: func(r approval.Request) approval.Request {
		if step, ok := r.CurrentStep(); ok {
			if n, _, err := r.Approve(approval.Cmd{Cmd: crmkit.Cmd{By: "dan", At: base.Add(time.Hour)},
				Roles: []string{r.Steps[step].Role}}); err == nil {
				return n
			}
		}
		r = r.Clone()
		r.Version++
		return r
	},
	validate: approval.Request.Validate, rules: approvalRules,
}

var approvalRules = []rule[approval.Request]{
	{"nil id", func(r *approval.Request) { r.ID = uuid.Nil }},
	{"version 0", func(r *approval.Request) { r.Version = 0 }},
	{"no subject", func(r *approval.Request) { r.Subject = "" }},
	{"no requester", func(r *approval.Request) { r.Requester = " " }},
	{"unknown status", func(r *approval.Request) { r.Status = 42 }},
	{"cancelled", func(r *approval.Request) { r.Status, r.ClosedAt = approval.Cancelled, base.Add(2*time.Hour) }},
	{"own decision", func(r *approval.Request) {
		for k := range r.Decisions {
			r.Decisions[k].Approver = r.Requester
		}
	}},
	{"other subject", func(r *approval.Request) { r.Subject = "discount/9" }},
	{"expired before it was asked", func(r *approval.Request) { r.ExpiresAt = r.RequestedAt.Add(-time.Hour) }},
}

var interactionOps = aggOps[account.Interaction]{
	kind: account.InteractionKind, id: func(i *account.Interaction) uuid.UUID { return i.ID },
	version:  func(i *account.Interaction) int64 { return i.Version },
	bump:     func(i account.Interaction) account.Interaction { i = i.Clone(); i.Version++; return i },
	validate: account.Interaction.Validate, rules: interactionRules,
}

var interactionRules = []rule[account.Interaction]{
	{"nil id", func(i *account.Interaction) { i.ID = uuid.Nil }},
	{"version 0", func(i *account.Interaction) { i.Version = 0 }},
	{"no channel", func(i *account.Interaction) { i.Channel = " " }},
	{"no handler", func(i *account.Interaction) { i.Who = "" }},
	{"unknown severity", func(i *account.Interaction) { i.Severity = 42 }},
	{"unknown outcome", func(i *account.Interaction) { i.Outcome = 42 }},
	{"score 6", func(i *account.Interaction) { i.Satisfaction = 6 }},
	{"score 3", func(i *account.Interaction) { i.Satisfaction = 3 }},
	{"resolved", func(i *account.Interaction) { i.Outcome = account.Resolved }},
	{"resolution time", func(i *account.Interaction) { i.ResolvedAt = i.At.Add(time.Hour) }},
	{"response", func(i *account.Interaction) { i.FirstResponseAt = i.At.Add(2 * time.Hour) }},
	{"reply before the contact", func(i *account.Interaction) { i.AutoReplyAt = i.At.Add(-time.Minute) }},
	{"no contact", func(i *account.Interaction) { i.ContactID = uuid.Nil }},
}
