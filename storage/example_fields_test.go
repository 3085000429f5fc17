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
