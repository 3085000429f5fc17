package quote_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/crmkit/crmkit/internal/clonetest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// Every quote NewQuote and the commands make is valid, and its Clone is
// deep and equal.
func TestEveryQuoteTheCommandsMakeIsValid(t *testing.T) {
	policy := quote.DefaultApprovalPolicy()
	approvers := []approver{manager, director, both, {ID: "rob", Roles: []string{"manager"}}}
	rapid.Check(t, func(t *rapid.T) {
		discount := rapid.SampledFrom([]string{"0", "0.2", "0.35"}).Draw(t, "discount")
		q, _, err := quote.New(dealID, eur, []quote.Line{line("seat", "10", "100.00", "EUR", discount)}, until, crmkit.Cmd{By: "rob", At: t0})
		if err != nil {
			t.Fatal(err)
		}
		at := t0
		for i := range rapid.IntRange(0, 30).Draw(t, "commands") {
			at = at.Add(time.Duration(rapid.IntRange(0, 48).Draw(t, fmt.Sprint("hours ", i))) * time.Hour)
			var next quote.Quote
			switch rapid.IntRange(0, 8).Draw(t, fmt.Sprint("op ", i)) {
			case 0:
				next, _, err = q.SetLines([]quote.Line{line("seat", "12", "100.00", "EUR", discount)}, crmkit.Cmd{By: "rob", At: at})
			case 1:
				next, _, err = q.Submit(policy, crmkit.Cmd{By: "rob", At: at})
			case 2:
				by := rapid.SampledFrom(approvers).Draw(t, "approver")
				next, _, err = q.Approve(by.Roles, crmkit.Cmd{By: by.ID, At: at, Reason: "ok"})
			case 3:
				by := rapid.SampledFrom(approvers).Draw(t, "rejecter")
				next, _, err = q.Reject(by.Roles, crmkit.Cmd{By: by.ID, At: at, Reason: "too much"})
			case 4:
				next, _, err = q.Send(policy, crmkit.Cmd{By: "rob", At: at})
			case 5:
				next, _, err = q.Accept(crmkit.Cmd{By: "rob", At: at})
			case 6:
				next, _, err = q.Decline(crmkit.Cmd{By: "rob", At: at, Reason: "budget"})
			case 7:
				next, _, err = q.Expire(crmkit.Cmd{By: "system", At: at})
			default:
				next, _, err = q.Revise(crmkit.Cmd{By: "rob", At: at, Reason: "new terms"})
			}
			if err != nil {
				continue
			}
			if err := next.Validate(); err != nil {
				t.Fatalf("command %d made an invalid quote: %v", i, err)
			}
			if err := clonetest.Check(next, quote.Quote.Clone); err != nil {
				t.Fatal(err)
			}
			q = next
		}
	})
}

func TestQuoteValidateAndClone(t *testing.T) {
	q, _, err := quote.New(dealID, eur, []quote.Line{line("seat", "10", "100.00", "EUR", "0.2")}, until, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	require.NoError(t, q.Validate())
	q, _, err = q.Submit(quote.DefaultApprovalPolicy(), crmkit.Cmd{By: "rob", At: t0.Add(time.Hour)})
	require.NoError(t, err)
	require.NotNil(t, q.Approval, "a 10 % discount needs a manager")
	require.NoError(t, q.Validate())
	require.NoError(t, clonetest.Check(q, quote.Quote.Clone))

	for _, tc := range []struct {
		field  string
		change func(*quote.Quote)
	}{
		{"id", func(q *quote.Quote) { q.ID = uuid.Nil }},
		{"deal_id", func(q *quote.Quote) { q.DealID = uuid.Nil }},
		{"version", func(q *quote.Quote) { q.Version = 0 }},
		{"seq", func(q *quote.Quote) { q.Seq = 0 }},
		{"currency", func(q *quote.Quote) { q.Currency = crmkit.Currency{} }},
		{"status", func(q *quote.Quote) { q.Status = 0 }},
		{"created_by", func(q *quote.Quote) { q.CreatedBy = "" }},
		{"created_at", func(q *quote.Quote) { q.CreatedAt = time.Time{} }},
		{"updated_at", func(q *quote.Quote) { q.UpdatedAt = q.CreatedAt.Add(-time.Second) }},
		{"valid_until", func(q *quote.Quote) { q.ValidUntil = q.CreatedAt }},
		{"lines[0].product", func(q *quote.Quote) { q.Lines[0].Product = "" }},
		{"lines", func(q *quote.Quote) { q.Lines[0].UnitPrice = crmkit.MustMoney("10.00", "USD") }}, // a mismatch, invalid here
		{"approval.requester", func(q *quote.Quote) { q.Approval.Requester = "" }},
		{"approval", func(q *quote.Quote) { q.Approval = nil }},
		{"approval", func(q *quote.Quote) { q.Status = quote.Draft }},
		{"approval.subject", func(q *quote.Quote) { q.Version = 2 }},
		{"lines", func(q *quote.Quote) { q.Lines = nil }},
		{"sent_at", func(q *quote.Quote) { q.SentAt = q.UpdatedAt }},
		{"sent_at", func(q *quote.Quote) { q.Status = quote.Sent }},
	} {
		c := q.Clone()
		tc.change(&c)
		err := c.Validate()
		var ve *crmkit.ValidationError
		if assert.ErrorAs(t, err, &ve, tc.field) {
			assert.Equal(t, tc.field, ve.Field)
			assert.True(t, errors.Is(err, crmkit.ErrInvalid), tc.field)
		}
	}
}

// The zero Quote is invalid, not a panic, and clones to itself.
func TestZeroQuote(t *testing.T) {
	assert.ErrorIs(t, quote.Quote{}.Validate(), crmkit.ErrInvalid)
	assert.Equal(t, quote.Quote{}, quote.Quote{}.Clone())
}
