package erasure_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage/erasure"
	"github.com/crmkit/crmkit/storage/memory"
)

// An erasure is final: a raw Save that would put the person's data back
// is refused with an *erasure.UneraseError, and nothing is written.
func ExampleCheckUnerase() {
	ctx := context.Background()
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	store, _ := memory.New().Tenant("acme")
	ada, ev, _ := lead.New(lead.Capture{Who: lead.Person{Name: "Ada Lovelace", Email: "ada@example.com"}, Source: lead.ChannelEmail},
		crmkit.Cmd{By: "web", At: at})
	_, _ = store.Leads().Create(ctx, ada, "", ev)
	erased, _ := erasure.Lead(ctx, store, ada.ID, crmkit.Cmd{By: "dpo", At: at.Add(time.Hour)})

	back := erased.Clone()
	back.Who.Email = "ada@example.com"
	back.Version++
	bev, _ := crmkit.Cmd{By: "import", At: at.Add(2 * time.Hour)}.NewEvent(lead.LeadKind, ada.ID, lead.EventLeadAssigned, back.Version, nil)
	err := store.Leads().Save(ctx, back, erased.Version, bev)
	var ue *erasure.UneraseError
	fmt.Println(errors.As(err, &ue), ue.Field, errors.Is(err, crmkit.ErrIllegalTransition))
	// Output: true email true
}

// Erasing a person removes their personal data from the lead and from
// every event of its history; stages and dates stay.
func ExampleLead() {
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

	erased, err := erasure.Lead(ctx, store, l.ID, crmkit.Cmd{By: "dpo", At: at.Add(2 * time.Hour)})
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
