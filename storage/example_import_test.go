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
