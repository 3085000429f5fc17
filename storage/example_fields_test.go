package storage_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
)

// A tenant declares custom fields for its leads; every store checks the
// values against the declaration and filters by them.
func ExampleFieldSchemaRepository() {
	ctx := context.Background()
	store, _ := memory.New().Tenant("acme")
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	schema, ev, _ := field.New(lead.LeadKind, []field.Def{
		{Name: "tier", Type: field.TypeEnum, Options: []string{"gold", "silver"}},
	}, crmkit.Cmd{By: "admin", At: at})
	if _, err := store.FieldSchemas().Create(ctx, schema, "", ev); err != nil {
		panic(err)
	}
	l, capt, _ := lead.New(lead.Capture{Who: lead.Person{Name: "Ada"}, Source: lead.ChannelEmail}, crmkit.Cmd{By: "ana", At: at})
	l.Custom = field.Values{"tier": field.Option("platinum")}
	_, err := store.Leads().Create(ctx, l, "", capt)
	fmt.Println(err != nil, errors.Is(err, crmkit.ErrInvalid))

	l.Custom = field.Values{"tier": field.Option("gold")}
	if _, err := store.Leads().Create(ctx, l, "", capt); err != nil {
		panic(err)
	}
	gold, _, _ := store.Leads().List(ctx, storage.LeadFilter{Custom: field.Values{"tier": field.Option("gold")}}, storage.Page{})
	fmt.Println(len(gold), gold[0].Who.Name)
	// Output:
	// true true
	// 1 Ada
}

// Erasing a person removes their personal data from the lead and from
// every event of its history; stages and dates stay.
func ExampleEraseLead() {
	ctx := context.Background()
	store, _ := memory.New().Tenant("acme")
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	l, capt, _ := lead.New(lead.Capture{Who: lead.Person{Name: "Ada Lovelace", Email: "ada@example.org"},
		Source: lead.ChannelEmail}, crmkit.Cmd{By: "ana", At: at})
	l, _ = store.Leads().Create(ctx, l, "", capt)
	next, assigned, _ := l.Assign("bob", crmkit.Cmd{By: "ana", At: at.Add(time.Hour), Reason: "Ada Lovelace asked for bob"})
	if err := store.Leads().Save(ctx, next, l.Version, assigned); err != nil {
		panic(err)
	}

	erased, err := storage.EraseLead(ctx, store, l.ID, crmkit.Cmd{By: "dpo", At: at.Add(2 * time.Hour)})
	if err != nil {
		panic(err)
	}
	fmt.Println(erased.Who.Name, erased.Who.Email == "", erased.Stage)
	for e, err := range store.Events().ByAggregate(ctx, l.ID) {
		if err != nil {
			panic(err)
		}
		fmt.Printf("%d %s %q\n", e.Version, e.Type, e.Reason)
	}
	_, _, err = erased.Assign("carol", crmkit.Cmd{By: "ana", At: at.Add(3 * time.Hour)})
	fmt.Println(errors.Is(err, crmkit.ErrIllegalTransition))
	// Output:
	// (erased) true suspect
	// 1 LeadCaptured ""
	// 2 LeadAssigned "(erased) asked for bob"
	// 3 LeadErased ""
	// true
}
