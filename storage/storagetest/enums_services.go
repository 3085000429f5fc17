package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
)

// enumsServices is testEnums for quotes, approval requests and service
// interactions: every status, outcome and severity (the unset zero and
// numbers past the last value included) comes back equal when Validate
// accepts it, is found by the filter on it, and is crmkit.ErrInvalid,
// writing nothing, when Validate refuses it.
func enumsServices(t *testing.T, ctx context.Context, s storage.Store) {
	ensureSuiteDeal(t, s)

	byQuote := map[quote.Status][]uuid.UUID{}
	for i := range int(quote.Expired) + 1 + enumCount {
		q, ev := makeQuote(t, 0)
		q.Status = quote.Status(i)
		if q.Status == quote.Sent || q.Status == quote.Accepted || q.Status == quote.Declined || q.Status == quote.Expired {
			q.SentAt = base.Add(time.Hour)
		}
		if store(t, "quote", storage.ValidateQuote(q), func() error { _, err := s.Quotes().Create(ctx, q, "", ev...); return err },
			func() (any, error) { return s.Quotes().Get(ctx, q.ID) }, q) {
			byQuote[q.Status] = append(byQuote[q.Status], q.ID)
		}
	}
	assert.NotEmpty(t, byQuote[quote.Draft], "a draft is stored")
	for st := quote.Draft; st.Valid(); st++ {
		found := ids(all(t, s.Quotes(), storage.QuoteFilter{Statuses: []quote.Status{st}}), func(q *quote.Quote) uuid.UUID { return q.ID })
		assert.ElementsMatch(t, byQuote[st], found, "quotes %s", st)
	}

	byApproval := map[approval.Status][]uuid.UUID{}
	for i := range int(approval.Cancelled) + 1 + enumCount {
		r, ev := makeApproval(t, 0)
		r.Status = approval.Status(i)
		if r.Status != approval.Pending {
			r.ClosedAt = base.Add(time.Hour)
		}
		if store(t, "approval", storage.ValidateApproval(r), func() error { _, err := s.Approvals().Create(ctx, r, "", ev...); return err },
			func() (any, error) { return s.Approvals().Get(ctx, r.ID) }, r) {
			byApproval[r.Status] = append(byApproval[r.Status], r.ID)
		}
	}
	assert.NotEmpty(t, byApproval[approval.Pending], "a pending request is stored")
	for st := approval.Pending; st.Valid(); st++ {
		found := ids(all(t, s.Approvals(), storage.ApprovalFilter{Statuses: []approval.Status{st}}), func(r *approval.Request) uuid.UUID { return r.ID })
		assert.ElementsMatch(t, byApproval[st], found, "approval requests %s", st)
	}

	byOutcome := map[account.Outcome][]uuid.UUID{}
	for i := range int(account.Unresolved) + 1 + enumCount {
		v, ev := makeInteraction(t, 1) // resolved: it has a resolution time
		v.Outcome = account.Outcome(i)
		v.Severity = account.Severity(i % (int(account.Critical) + 1 + enumCount))
		if store(t, "interaction", storage.ValidateInteraction(v), func() error { _, err := s.Interactions().Create(ctx, v, "", ev...); return err },
			func() (any, error) { return s.Interactions().Get(ctx, v.ID) }, v) {
			byOutcome[v.Outcome] = append(byOutcome[v.Outcome], v.ID)
		}
	}
	// Severity i and outcome i are both declared for i = 1..4 (Pending ..
	// Unresolved, Info .. Critical): every outcome is stored once.
	assert.Len(t, byOutcome, int(account.Unresolved), "every outcome is stored")
	for o := account.Pending; o.Valid(); o++ {
		found := ids(all(t, s.Interactions(), storage.InteractionFilter{Outcomes: []account.Outcome{o}}), func(v *account.Interaction) uuid.UUID { return v.ID })
		assert.ElementsMatch(t, byOutcome[o], found, "interactions %s", o)
	}
}
