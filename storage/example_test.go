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

// A stored SQL lead is converted in one Update: the converted lead, a
// new account with the lead as its contact, and the deal, all under the
// IDs the lead points at. A second lead from the same company is linked
// to that account; converting a lead twice is refused and writes nothing.
func ExampleConvert() {
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	store, _ := memory.New().Tenant("acme")
	ladder, _ := lead.NewLadder()
	sql := func(who lead.Person) lead.Lead {
		l, ev, _ := lead.New(lead.Capture{Who: who, Source: lead.ChannelEvent, EventKind: lead.EventWebinar, Owner: "ana"}, crmkit.Cmd{By: "web", At: at})
		l, accepted, _ := ladder.Fire(ctx, l, lead.Command{Cmd: crmkit.Cmd{By: "ana", At: at}, Action: lead.ActionAccept})
		_, _ = store.Leads().Create(ctx, l, "", ev, accepted)
		return l
	}
	convert := func(l lead.Lead) (storage.Conversion, error) {
		in := storage.ConvertInput{ConvertInput: lead.ConvertInput{
			Cmd: crmkit.Cmd{By: "ana", At: at.Add(time.Hour)}, Amount: crmkit.MustMoney("5000.00", "EUR"),
		}}
		var c storage.Conversion
		err := store.Update(ctx, func(tx storage.Tx) error {
			var err error
			c, err = storage.Convert(ctx, tx, ladder, deal.DefaultPipeline(), l.ID, in)
			return err
		})
		return c, err
	}

	ada := sql(lead.Person{Name: "Ada", Title: "CTO", Company: "Acme", Email: "ada@acme.example", Website: "https://acme.example"})
	c, err := convert(ada)
	fmt.Println("converted:", err, c.Lead.Stage)
	fmt.Println("account:", c.Account.Name, c.Account.Domain, "contact:", c.Contact.Name, c.Contact.Title)
	fmt.Println("deal:", c.Deal.Name, c.Deal.Amount, "points at both:", c.Deal.AccountID == c.Account.ID && c.Deal.ContactID == c.Contact.ID)

	bob := sql(lead.Person{Name: "Bob", Email: "bob@acme.example"})
	c2, _ := convert(bob)
	fmt.Println("same company, same account:", c2.Account.ID == c.Account.ID, "contacts:", len(c2.Account.Contacts))

	_, err = convert(ada)
	var refused *storage.ConversionError
	fmt.Println("again:", errors.Is(err, crmkit.ErrIllegalTransition), errors.As(err, &refused) && refused.Field == "lead")
	// Output:
	// converted: <nil> converted
	// account: Acme acme.example contact: Ada CTO
	// deal: Acme - event 5000.00 EUR points at both: true
	// same company, same account: true contacts: 2
	// again: true true
}

// A leaving rep's deals are handed over in one Update: every deal moves
// with its DealTransferred event, or none does.
func Example_handover() {
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	store, _ := memory.New().Tenant("acme")
	acct, opened, _ := account.New(account.NewAccount{Name: "Globex", Owner: "cy", Relations: account.Customer}, crmkit.Cmd{By: "cy", At: at})
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
