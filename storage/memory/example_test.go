package memory_test

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

// One database, two tenants: what acme stores, globex cannot see, and an
// Update whose function fails leaves nothing behind.
func Example() {
	ctx := context.Background()
	clock := crmkit.NewFakeClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	db := memory.New()
	acme, _ := db.Tenant("acme")
	globex, _ := db.Tenant("globex")

	l, ev, _ := lead.New(lead.Capture{Who: lead.Person{Name: "Ada"}, Source: lead.ChannelEmail, Owner: "ana"}, crmkit.Cmd{By: "rep", At: clock.Now()})
	_, _ = acme.Leads().Create(ctx, l, "", ev)

	_, err := globex.Leads().Get(ctx, l.ID)
	fmt.Println("globex sees acme's lead:", !errors.Is(err, crmkit.ErrNotFound))

	err = acme.Update(ctx, func(tx storage.Tx) error {
		next, ev, err := l.Assign("bo", crmkit.Cmd{By: "router", At: clock.Now()})
		if err != nil {
			return err
		}
		if err := tx.Leads().Save(ctx, next, l.Version, ev); err != nil {
			return err
		}
		return errors.New("the mail server is down")
	})
	got, _ := acme.Leads().Get(ctx, l.ID)
	fmt.Println(err, "- owner still", got.Owner, "at version", got.Version)
	// Output:
	// globex sees acme's lead: false
	// the mail server is down - owner still ana at version 1
}
