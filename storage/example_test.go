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

// A leaving rep's whole book is handed over in one Update: the open
// deals (an account's deals kept together while the successor has room),
// the accounts the rep manages and the open leads, each with its event;
// a disqualified lead stays. The result says who takes what and which
// customers to tell. A rep with nothing left to hand over is refused.
func ExampleHandover() {
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	store, _ := memory.New().Tenant("acme")
	ladder, _ := lead.NewLadder()
	acct, opened, _ := account.New(account.NewAccount{Name: "Globex", Owner: "cy", Relations: account.Customer}, crmkit.Cmd{By: "cy", At: at})
	_, _ = store.Accounts().Create(ctx, acct, "", opened)
	for i := range 5 {
		d, ev, _ := deal.New(deal.DefaultPipeline(), deal.NewDeal{
			Name: fmt.Sprintf("Deal %d", i), Type: deal.Renewal, Amount: crmkit.MustMoney("1000.00", "EUR"),
			AccountID: acct.ID, Owner: "cy",
		}, deal.Cmd{Cmd: crmkit.Cmd{By: "cy", At: at}})
		_, _ = store.Deals().Create(ctx, d, "", ev)
	}
	for _, name := range []string{"Ada", "Bob", "Eve"} {
		l, ev, _ := lead.New(lead.Capture{Who: lead.Person{Name: name, Email: name + "@example.com"}, Source: lead.ChannelReferral, Owner: "cy"}, crmkit.Cmd{By: "web", At: at})
		events := []crmkit.Event{ev}
		if name == "Eve" {
			l, ev, _ = ladder.Fire(ctx, l, lead.Command{Cmd: crmkit.Cmd{By: "cy", At: at, Reason: "student"}, Action: lead.ActionDisqualify})
			events = append(events, ev)
		}
		_, _ = store.Leads().Create(ctx, l, "", events...)
	}

	req := deal.HandoverRequest{
		From: "cy", To: []deal.Successor{{Rep: "ana", Capacity: 3}, {Rep: "bo", Capacity: 3}},
		Cmd: deal.Cmd{Cmd: crmkit.Cmd{By: "manager", At: at.Add(time.Hour), Reason: "cy left"}},
	}
	var res storage.HandoverResult
	err := storage.Retry(ctx, storage.Policy{}, func(ctx context.Context) error {
		var err error
		res, err = storage.Handover(ctx, store, req)
		return err
	})
	fmt.Println("handed over:", err, len(res.Events), "events")
	for _, s := range res.Successors {
		fmt.Println(s.Rep, "takes", len(s.Deals), "deals,", len(s.Accounts), "accounts,", len(s.Leads), "leads")
	}
	for _, n := range res.Customers {
		fmt.Println("tell", acct.Name, "that", n.NewOwner, "takes", len(n.Deals), "deals")
	}
	left, _, _ := store.Leads().List(ctx, storage.LeadFilter{Owner: "cy"}, storage.Page{})
	fmt.Println("cy keeps", left[0].Who.Name, left[0].Stage)

	_, err = storage.Handover(ctx, store, req)
	var refused *storage.HandoverError
	fmt.Println("again:", errors.Is(err, crmkit.ErrInvalid), errors.As(err, &refused) && refused.Field == "from")
	// Output:
	// handed over: <nil> 8 events
	// ana takes 3 deals, 1 accounts, 0 leads
	// bo takes 2 deals, 0 accounts, 2 leads
	// tell Globex that ana takes 3 deals
	// tell Globex that bo takes 2 deals
	// cy keeps Eve disqualified
	// again: true true
}
