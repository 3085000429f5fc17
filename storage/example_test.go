package storage_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
)

// A lead is captured twice by a form that retries (the key makes the
// create idempotent), assigned under Retry, and read back with its
// events; a stale save is a conflict.
func Example() {
	ctx := context.Background()
	clock := crmkit.NewFakeClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	store, _ := memory.New().Tenant("acme")

	capture := func() (lead.Lead, crmkit.Event) {
		l, ev, _ := lead.New(lead.Capture{Who: lead.Person{Name: "Ada", Email: "ada@example.com"}, Source: lead.ChannelReferral}, crmkit.Cmd{By: "rep", At: clock.Now()})
		return l, ev
	}
	l1, ev1 := capture()
	first, _ := store.Leads().Create(ctx, l1, "webform-4711", ev1)
	l2, ev2 := capture() // the form posts again
	again, _ := store.Leads().Create(ctx, l2, "webform-4711", ev2)
	fmt.Println("same lead:", again.ID == first.ID)

	err := storage.Retry(ctx, storage.Policy{}, func(ctx context.Context) error {
		return store.Update(ctx, func(tx storage.Tx) error {
			l, err := tx.Leads().Get(ctx, first.ID)
			if err != nil {
				return err
			}
			next, ev, err := l.Assign("rep-7", crmkit.Cmd{By: "router", At: clock.Now()})
			if err != nil {
				return err
			}
			return tx.Leads().Save(ctx, next, l.Version, ev)
		})
	})
	fmt.Println("assigned:", err == nil)

	stale, ev, _ := first.Assign("rep-9", crmkit.Cmd{By: "router", At: clock.Now()}) // from the old version 1
	err = store.Leads().Save(ctx, stale, first.Version, ev)
	fmt.Println("stale save is a conflict:", errors.Is(err, crmkit.ErrConflict))

	page, _, _ := store.Leads().List(ctx, storage.LeadFilter{Owner: "rep-7"}, storage.Page{Size: 10})
	fmt.Println("rep-7 owns", len(page), "lead at version", page[0].Version)
	for e, err := range store.Events().ByAggregate(ctx, first.ID) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(e.Version, e.Type, e.To)
	}
	// Output:
	// same lead: true
	// assigned: true
	// stale save is a conflict: true
	// rep-7 owns 1 lead at version 2
	// 1 LeadCaptured suspect
	// 2 LeadAssigned rep-7
}

// A lead conversion lands as one Update: the converted lead, the account
// (with its contact) the conversion drafted and the new opportunity, each
// with its events; the account first, as the deal refers to it.
// Converting the same lead version a second time fails whole, leaving no
// second deal.
func Example_conversion() {
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := crmkit.NewFakeClock(at)
	store, _ := memory.New().Tenant("acme")
	ladder, _ := lead.NewLadder()

	l, ev, _ := lead.New(lead.Capture{Who: lead.Person{Name: "Ada", Company: "Acme", Email: "ada@acme.example"}, Source: lead.ChannelEvent, EventKind: lead.EventWebinar, Owner: "ana"}, crmkit.Cmd{By: "rep", At: clock.Now()})
	l, accepted, _ := ladder.Fire(ctx, l, lead.Command{Cmd: crmkit.Cmd{By: "ana", At: clock.Now()}, Action: lead.ActionAccept})
	_, _ = store.Leads().Create(ctx, l, "", ev, accepted)

	convert := func() error {
		conv, err := ladder.Convert(ctx, l, lead.ConvertInput{Cmd: crmkit.Cmd{By: "ana", At: clock.Now()}, Amount: crmkit.MustMoney("5000.00", "EUR")})
		if err != nil {
			return err
		}
		o := conv.Opportunity
		d, created, err := deal.New(deal.DefaultPipeline(), deal.NewDeal{
			ID: o.ID, Name: o.Name, Type: deal.NewBusiness, Amount: o.Amount,
			AccountID: o.AccountID, ContactID: o.ContactID, SourceLeadID: o.LeadID, Owner: o.Owner,
		}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: o.CreatedAt}})
		if err != nil {
			return err
		}
		acct, opened, _ := account.New(conv.Account.Name, "ana", account.Prospect, crmkit.Cmd{By: "ana", At: o.CreatedAt})
		acct.ID, opened.AggregateID = conv.Account.ID, conv.Account.ID // the ID the lead and the deal refer to
		acct, added, _ := acct.AddContact(account.Contact{ID: conv.Contact.ID, Name: conv.Contact.Name,
			Email: conv.Contact.Email, Role: account.DecisionMaker}, crmkit.Cmd{By: "ana", At: o.CreatedAt})
		return store.Update(ctx, func(tx storage.Tx) error {
			if err := tx.Leads().Save(ctx, conv.Lead, l.Version, conv.Event); err != nil {
				return err
			}
			if _, err := tx.Accounts().Create(ctx, acct, "", opened, added); err != nil {
				return err
			}
			_, err := tx.Deals().Create(ctx, d, "conversion:"+l.ID.String(), created)
			return err
		})
	}
	fmt.Println("first conversion:", convert())
	fmt.Println("second is a conflict:", errors.Is(convert(), crmkit.ErrConflict))

	got, _ := store.Leads().Get(ctx, l.ID)
	deals, _, _ := store.Deals().List(ctx, storage.DealFilter{Owner: "ana"}, storage.Page{})
	fmt.Println(got.Stage, len(deals), "deal,", deals[0].Name, "from the lead:", deals[0].SourceLeadID == l.ID)
	// Output:
	// first conversion: <nil>
	// second is a conflict: true
	// converted 1 deal, Acme - event from the lead: true
}

// A leaving rep's deals are handed over in one Update: every deal moves
// with its DealTransferred event, or none does.
func Example_handover() {
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	store, _ := memory.New().Tenant("acme")
	acct, opened, _ := account.New("Globex", "cy", account.Customer, crmkit.Cmd{By: "cy", At: at})
	_, _ = store.Accounts().Create(ctx, acct, "", opened)
	for i := range 5 {
		d, ev, _ := deal.New(deal.DefaultPipeline(), deal.NewDeal{
			Name: fmt.Sprintf("Deal %d", i), Type: deal.Renewal, Amount: crmkit.MustMoney("1000.00", "EUR"),
			AccountID: acct.ID, Owner: "cy",
		}, deal.Cmd{Cmd: crmkit.Cmd{By: "cy", At: at}})
		_, _ = store.Deals().Create(ctx, d, "", ev)
	}

	err := storage.Retry(ctx, storage.Policy{}, func(ctx context.Context) error {
		return store.Update(ctx, func(tx storage.Tx) error {
			var deals []deal.Deal
			for d, err := range storage.All(ctx, tx.Deals(), storage.DealFilter{Owner: "cy"}, 0) {
				if err != nil {
					return err
				}
				deals = append(deals, d)
			}
			res, err := deal.Handover(deals, deal.HandoverRequest{
				From: "cy", To: []deal.Successor{{Rep: "ana", Capacity: 3}, {Rep: "bo", Capacity: 3}},
				Cmd: deal.Cmd{Cmd: crmkit.Cmd{By: "manager", At: at.Add(time.Hour), Reason: "cy left"}},
			})
			if err != nil {
				return err
			}
			for i, d := range res.Deals {
				if err := tx.Deals().Save(ctx, d, d.Version-1, res.Events[i]); err != nil {
					return err
				}
			}
			return nil
		})
	})
	fmt.Println("handed over:", err == nil)
	for _, rep := range []string{"cy", "ana", "bo"} {
		deals, _, _ := store.Deals().List(ctx, storage.DealFilter{Owner: rep}, storage.Page{})
		fmt.Println(rep, len(deals))
	}
	// Output:
	// handed over: true
	// cy 0
	// ana 3
	// bo 2
}
