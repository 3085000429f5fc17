package deletion_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/deletion"
	"github.com/crmkit/crmkit/storage/memory"
)

// A lead is archived (hidden from List, history kept) and restored; a
// lead created by mistake is deleted with its events, leaving only a
// tombstone without personal data.
func ExampleDeleter() {
	ctx := context.Background()
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	store, _ := memory.New().Tenant("acme")

	ada, captured, _ := lead.New(lead.Capture{Who: lead.Person{Name: "Ada Lovelace"}, Source: lead.ChannelEmail},
		crmkit.Cmd{By: "web", At: at})
	_, _ = store.Leads().Create(ctx, ada, "", captured)
	archived, ev, _ := ada.Archive(crmkit.Cmd{By: "ana", At: at.Add(time.Hour)})
	_ = store.Leads().Save(ctx, archived, ada.Version, ev)
	hidden, _, _ := store.Leads().List(ctx, storage.LeadFilter{}, storage.Page{})
	all, _, _ := store.Leads().List(ctx, storage.LeadFilter{IncludeArchived: true}, storage.Page{})
	fmt.Println("listed:", len(hidden), "with archived:", len(all))

	mistake, created, _ := lead.New(lead.Capture{Who: lead.Person{Name: "Test Test"}, Source: lead.ChannelEmail},
		crmkit.Cmd{By: "web", At: at})
	_, _ = store.Leads().Create(ctx, mistake, "", created)
	del := deletion.Deleter(store)
	err := del.Delete(ctx, lead.LeadKind, mistake.ID, crmkit.Cmd{By: "ana", At: at.Add(time.Hour), Reason: "test entry"})
	fmt.Println("delete:", err)
	_, err = store.Leads().Get(ctx, mistake.ID)
	fmt.Println("get:", errors.Is(err, crmkit.ErrNotFound))
	for e := range store.Events().ByAggregate(ctx, mistake.ID) {
		fmt.Println(e.AggregateKind, e.Type, e.Actor, e.Reason, string(e.Payload))
	}
	// Output:
	// listed: 0 with archived: 1
	// delete: <nil>
	// get: true
	// deletion RecordDeleted ana test entry {"kind":"lead","version":1}
}

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
		if err := tx.(deletion.Deleter).Delete(ctx, lead.LeadKind, wrong.ID, crmkit.Cmd{By: "ana", At: at.Add(time.Hour), Reason: "typo"}); err != nil {
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
