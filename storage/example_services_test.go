package storage_test

import (
	"context"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
	"github.com/shopspring/decimal"
)

// A support ticket is recorded, answered and resolved later, each change
// saved with its event; the customer's timeline lists the account's,
// the deal's and the ticket's events in time order.
func ExampleTimeline() {
	ctx := context.Background()
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	store, _ := memory.New().Tenant("acme")

	acct, created, _ := account.New(account.NewAccount{Name: "Globex", Owner: "ana", Relations: account.Customer},
		crmkit.Cmd{By: "ana", At: at})
	d, opened, _ := deal.New(deal.DefaultPipeline(), deal.NewDeal{Name: "Fleet", Type: deal.NewBusiness,
		Amount: crmkit.MustMoney("9000.00", "EUR"), AccountID: acct.ID, Owner: "ana"},
		deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at.Add(time.Hour)}})
	ticket, recorded, _ := account.RecordInteraction(account.Interaction{AccountID: acct.ID, Channel: "email",
		Severity: account.Major, Outcome: account.Pending, Who: "desk", At: at.Add(24 * time.Hour)},
		crmkit.Cmd{By: "desk", At: at.Add(24 * time.Hour)})
	_ = store.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.Accounts().Create(ctx, acct, "", created); err != nil {
			return err
		}
		if _, err := tx.Deals().Create(ctx, d, "", opened); err != nil {
			return err
		}
		_, err := tx.Interactions().Create(ctx, ticket, "", recorded)
		return err
	})

	// Later: the first response, then the resolution.
	answered, responded, _ := ticket.Respond(at.Add(26*time.Hour), crmkit.Cmd{By: "agent-1", At: at.Add(26 * time.Hour)})
	fmt.Println("respond:", store.Interactions().Save(ctx, answered, ticket.Version, responded))
	solved, resolved, _ := answered.Resolve(at.Add(30*time.Hour), crmkit.Cmd{By: "agent-1", At: at.Add(30 * time.Hour)})
	fmt.Println("resolve:", store.Interactions().Save(ctx, solved, answered.Version, resolved))

	open, _, _ := store.Interactions().List(ctx, storage.InteractionFilter{Account: acct.ID,
		Outcomes: []account.Outcome{account.Pending}}, storage.Page{})
	fmt.Println("open tickets:", len(open))
	for e, err := range storage.Timeline(ctx, store, acct.ID) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(e.At.Format("Jan 2 15:04"), e.AggregateKind, e.Type)
	}
	// Output:
	// respond: <nil>
	// resolve: <nil>
	// open tickets: 0
	// Jan 5 09:00 account AccountCreated
	// Jan 5 10:00 deal DealCreated
	// Jan 6 09:00 interaction InteractionRecorded
	// Jan 6 11:00 interaction InteractionResponded
	// Jan 6 15:00 interaction InteractionResolved
}

// A quote on a stored deal, and a manager's inbox of approval requests:
// the pending ones whose current step waits for the manager role.
func ExampleQuoteRepository() {
	ctx := context.Background()
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	store, _ := memory.New().Tenant("acme")
	acct, created, _ := account.New(account.NewAccount{Name: "Globex", Owner: "ana", Relations: account.Customer},
		crmkit.Cmd{By: "ana", At: at})
	d, opened, _ := deal.New(deal.DefaultPipeline(), deal.NewDeal{Name: "Fleet", Type: deal.NewBusiness,
		Amount: crmkit.MustMoney("9000.00", "EUR"), AccountID: acct.ID, Owner: "ana"}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at}})
	q, drafted, _ := quote.New(d.ID, crmkit.MustCurrency("EUR"), []quote.Line{{Product: "seat", Quantity: decimal.NewFromInt(10),
		UnitPrice: crmkit.MustMoney("900.00", "EUR")}}, at.AddDate(0, 1, 0), crmkit.Cmd{By: "ana", At: at})
	req, asked, _ := approval.New("reactivation/fleet", []string{"manager", "director"}, time.Time{}, crmkit.Cmd{By: "ana", At: at})

	err := store.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.Accounts().Create(ctx, acct, "", created); err != nil {
			return err
		}
		if _, err := tx.Deals().Create(ctx, d, "", opened); err != nil {
			return err
		}
		if _, err := tx.Quotes().Create(ctx, q, "", drafted); err != nil {
			return err
		}
		_, err := tx.Approvals().Create(ctx, req, "", asked)
		return err
	})
	fmt.Println("update:", err)

	quotes, _, _ := store.Quotes().List(ctx, storage.QuoteFilter{Deal: d.ID, Statuses: []quote.Status{quote.Draft}}, storage.Page{})
	t, _ := quotes[0].Totals()
	fmt.Println("draft quotes on the deal:", len(quotes), t.Net)
	inbox, _, _ := store.Approvals().List(ctx, storage.ApprovalFilter{WaitingFor: "manager"}, storage.Page{})
	fmt.Println("manager's inbox:", len(inbox), inbox[0].Subject)
	inbox, _, _ = store.Approvals().List(ctx, storage.ApprovalFilter{WaitingFor: "director"}, storage.Page{})
	fmt.Println("director's inbox:", len(inbox))
	// Output:
	// update: <nil>
	// draft quotes on the deal: 1 9000.00 EUR
	// manager's inbox: 1 reactivation/fleet
	// director's inbox: 0
}
