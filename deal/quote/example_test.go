package quote_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// A quote with a 20% line discount needs a manager's approval under the
// default policy before it can be sent; the rep who asked cannot give it.
func ExampleQuote() {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	dealID := uuid.MustParse("01900000-0000-7000-8000-00000000000a")
	lines := []quote.Line{
		{Product: "crm-seat", Quantity: decimal.NewFromInt(25), UnitPrice: crmkit.MustMoney("39.90", "EUR"), Discount: decimal.RequireFromString("0.2")},
		{Product: "onboarding", Quantity: decimal.RequireFromString("1.5"), UnitPrice: crmkit.MustMoney("800.00", "EUR")},
	}
	q, _, err := quote.New(dealID, crmkit.MustCurrency("EUR"), lines, at.AddDate(0, 0, 30), crmkit.Cmd{By: "rep-anna", At: at})
	if err != nil {
		panic(err)
	}
	t, _ := q.Totals()
	fmt.Println("gross", t.Gross, "discount", t.Discount, "net", t.Net)
	// Percent exists only in formatting: the rate is a fraction.
	fmt.Println("overall discount", t.DiscountRate(4).Shift(2).String()+"%")

	policy := quote.DefaultApprovalPolicy() // above 15%: manager; above 30%: director
	q, e, _ := q.Submit(policy, crmkit.Cmd{By: "rep-anna", At: at.Add(time.Hour)})
	fmt.Println(q.Status, q.Approval.Roles(), e.Type, e.Version)

	_, _, err = q.Send(policy, crmkit.Cmd{By: "rep-anna", At: at.Add(time.Hour)})
	fmt.Println("send before approval:", errors.Is(err, crmkit.ErrForbidden))
	_, _, err = q.Approve([]string{"manager"}, crmkit.Cmd{By: "rep-anna", At: at.Add(2 * time.Hour)})
	fmt.Println("approve own request:", errors.Is(err, crmkit.ErrForbidden))

	q, e, _ = q.Approve([]string{"manager"}, crmkit.Cmd{By: "mgr-ben", At: at.Add(2 * time.Hour), Reason: "strategic account"})
	// One event per command: the approval's own event is in the payload.
	var p quote.SubmittedPayload
	_ = e.DecodePayload(&p)
	fmt.Println(q.Status, e.Type, p.Approval.Type)
	q, _, _ = q.Send(policy, crmkit.Cmd{By: "rep-anna", At: at.Add(3 * time.Hour)})
	fmt.Println(q.Status, "v", q.Version)
	// Output:
	// gross 2197.50 EUR discount 199.50 EUR net 1998.00 EUR
	// overall discount 9.08%
	// pending-approval [manager] QuoteSubmitted 2
	// send before approval: true
	// approve own request: true
	// approved QuoteApproved ApprovalGranted
	// sent v 1
}
