package deal_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/deal"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// A quote with a 20% line discount needs a manager's approval under the
// default policy before it can be sent; the rep who asked cannot give it.
func ExampleQuote() {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	dealID := uuid.MustParse("01900000-0000-7000-8000-00000000000a")
	lines := []deal.QuoteLine{
		{Product: "crm-seat", Quantity: decimal.NewFromInt(25), UnitPrice: crmkit.MustMoney("39.90", "EUR"), Discount: decimal.RequireFromString("0.2")},
		{Product: "onboarding", Quantity: decimal.RequireFromString("1.5"), UnitPrice: crmkit.MustMoney("800.00", "EUR")},
	}
	q, _, err := deal.NewQuote(dealID, crmkit.MustCurrency("EUR"), lines, at.AddDate(0, 0, 30), "rep-anna", at)
	if err != nil {
		panic(err)
	}
	t, _ := q.Totals()
	fmt.Println("gross", t.Gross, "discount", t.Discount, "net", t.Net)
	// Percent exists only in formatting: the rate is a fraction.
	fmt.Println("overall discount", t.DiscountRate(4).Shift(2).String()+"%")

	policy := deal.DefaultQuoteApprovalPolicy() // above 15%: manager; above 30%: director
	q, events, _ := q.Submit(policy, "rep-anna", at.Add(time.Hour))
	fmt.Println(q.Status, q.Approval.Roles(), events[0].Type, events[1].Type)

	_, _, err = q.Send(policy, "rep-anna", at.Add(time.Hour))
	fmt.Println("send before approval:", errors.Is(err, crmkit.ErrForbidden))
	_, _, err = q.Approve(approval.Approver{ID: "rep-anna", Roles: []string{"manager"}}, at.Add(2*time.Hour), "")
	fmt.Println("approve own request:", errors.Is(err, crmkit.ErrForbidden))

	q, events, _ = q.Approve(approval.Approver{ID: "mgr-ben", Roles: []string{"manager"}}, at.Add(2*time.Hour), "strategic account")
	fmt.Println(q.Status, events[0].Type, events[1].Type)
	q, _, _ = q.Send(policy, "rep-anna", at.Add(3*time.Hour))
	fmt.Println(q.Status, "v", q.Version)
	// Output:
	// gross 2197.50 EUR discount 199.50 EUR net 1998.00 EUR
	// overall discount 9.08%
	// pending-approval [manager] QuoteSubmitted ApprovalRequested
	// send before approval: true
	// approve own request: true
	// approved ApprovalGranted QuoteApproved
	// sent v 1
}
