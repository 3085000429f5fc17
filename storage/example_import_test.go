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
	"github.com/google/uuid"
)

// Leads migrated from another CRM are imported in one batch where the
// store offers it; a batch with one bad row stores nothing.
func ExampleImporter() {
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var store storage.Store
	store, _ = memory.New().Tenant("acme")

	var leads []lead.Lead
	var events []crmkit.Event
	for _, name := range []string{"Ada", "Grace", "Edsger"} {
		l, ev, _ := lead.New(lead.Capture{Who: lead.Person{Name: name, Email: "lead@example.com"}, Source: lead.ChannelReferral},
			crmkit.Cmd{By: "migration", At: at})
		leads, events = append(leads, l), append(events, ev)
	}
	im, ok := store.(storage.Importer)
	if !ok {
		fmt.Println("no bulk import: one Create per lead")
		return
	}
	n, err := im.ImportLeads(ctx, leads, events)
	fmt.Println("imported:", n, err)

	again, _, _ := lead.New(lead.Capture{Who: lead.Person{Name: "Barbara", Email: "lead@example.com"}, Source: lead.ChannelReferral},
		crmkit.Cmd{By: "migration", At: at})
	n, err = im.ImportLeads(ctx, []lead.Lead{again, leads[0]}, nil) // leads[0] is stored already
	fmt.Println("imported:", n, errors.Is(err, crmkit.ErrConflict))
	_, err = store.Leads().Get(ctx, again.ID)
	fmt.Println("Barbara stored:", !errors.Is(err, crmkit.ErrNotFound))
	// Output:
	// imported: 3 <nil>
	// imported: 0 true
	// Barbara stored: false
}

// An account and the deals that name it, migrated together: the deals
// are imported through the Tx of an Update, beside the account's Create,
// so when the import fails (here a deal already stored) the account is
// not kept either.
func ExampleImporter_inUpdate() {
	ctx := context.Background()
	cmd := crmkit.Cmd{By: "migration", At: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	var store storage.Store
	store, _ = memory.New().Tenant("acme")

	// load stores account id and deals naming it, together.
	load := func(id uuid.UUID, name string, deals ...deal.Deal) error {
		acc, created, err := account.New(account.NewAccount{ID: id, Name: name, Owner: "ana", Relations: account.Customer}, cmd)
		if err != nil {
			return err
		}
		return store.Update(ctx, func(tx storage.Tx) error {
			if _, err := tx.Accounts().Create(ctx, acc, "", created); err != nil {
				return err
			}
			im, ok := tx.(storage.Importer)
			if !ok {
				return errors.New("no import inside Update")
			}
			_, err := im.ImportDeals(ctx, deals, nil)
			return err
		})
	}
	initech := crmkit.NewID()
	d, _, _ := deal.New(deal.DefaultPipeline(), deal.NewDeal{Name: "Renewal", Type: deal.NewBusiness, AccountID: initech,
		Amount: crmkit.MustMoney("1200.00", "EUR"), CloseDate: cmd.At.AddDate(0, 1, 0), Owner: "ana", Stage: "bidding"},
		deal.Cmd{Cmd: cmd})
	fmt.Println("first load:", load(initech, "Initech", d))
	err := load(crmkit.NewID(), "Initech again", d) // the deal is stored already
	fmt.Println("second load refused:", errors.Is(err, crmkit.ErrConflict))
	accounts, _, _ := store.Accounts().List(ctx, storage.AccountFilter{}, storage.Page{Size: 10})
	fmt.Println("accounts stored:", len(accounts))
	// Output:
	// first load: <nil>
	// second load refused: true
	// accounts stored: 1
}
