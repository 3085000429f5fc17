package storage_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
)

// Inside Update, a delete and a create land together: here the lead
// entered by mistake is replaced by the right one in one transaction.
func ExampleDeleter_inUpdate() {
	ctx := context.Background()
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	store, _ := memory.New().Tenant("acme")
	wrong, ev, _ := lead.New(lead.Capture{Who: lead.Person{Name: "Ada Lovelance"}, Source: lead.ChannelEmail}, crmkit.Cmd{By: "web", At: at})
	_, _ = store.Leads().Create(ctx, wrong, "", ev)

	right, rev, _ := lead.New(lead.Capture{Who: lead.Person{Name: "Ada Lovelace"}, Source: lead.ChannelEmail}, crmkit.Cmd{By: "ana", At: at.Add(time.Hour)})
	err := store.Update(ctx, func(tx storage.Tx) error {
		if err := tx.(storage.Deleter).Delete(ctx, lead.LeadKind, wrong.ID, crmkit.Cmd{By: "ana", At: at.Add(time.Hour), Reason: "typo"}); err != nil {
			return err
		}
		_, err := tx.Leads().Create(ctx, right, "", rev)
		return err
	})
	fmt.Println("update:", err)
	leads, _, _ := store.Leads().List(ctx, storage.LeadFilter{}, storage.Page{})
	for _, l := range leads {
		fmt.Println(l.Who.Name)
	}
	// Output:
	// update: <nil>
	// Ada Lovelace
}

// An erasure is final: a raw Save that would put the person's data back
// is refused with an *storage.UneraseError, and nothing is written.
func ExampleCheckUnerase() {
	ctx := context.Background()
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	store, _ := memory.New().Tenant("acme")
	ada, ev, _ := lead.New(lead.Capture{Who: lead.Person{Name: "Ada Lovelace", Email: "ada@example.com"}, Source: lead.ChannelEmail},
		crmkit.Cmd{By: "web", At: at})
	_, _ = store.Leads().Create(ctx, ada, "", ev)
	erased, _ := storage.EraseLead(ctx, store, ada.ID, crmkit.Cmd{By: "dpo", At: at.Add(time.Hour)})

	back := erased.Clone()
	back.Who.Email = "ada@example.com"
	back.Version++
	bev, _ := crmkit.Cmd{By: "import", At: at.Add(2 * time.Hour)}.NewEvent(lead.LeadKind, ada.ID, lead.EventLeadAssigned, back.Version, nil)
	err := store.Leads().Save(ctx, back, erased.Version, bev)
	var ue *storage.UneraseError
	fmt.Println(errors.As(err, &ue), ue.Field, errors.Is(err, crmkit.ErrIllegalTransition))
	// Output: true email true
}
