package storage_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
)

// History matches state: a write carries one event per version it moves
// the aggregate on, each of that aggregate, in order. Anything else is
// refused before anything is written.
func ExampleCheckHistory() {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	a, created, _ := account.New(account.NewAccount{Name: "Globex", Owner: "ana", Relations: account.Customer}, crmkit.Cmd{By: "ana", At: at})
	b, reassigned, _ := a.Reassign("bo", crmkit.Cmd{By: "ana", At: at.Add(time.Hour)})

	fmt.Println(storage.CheckHistory(account.AccountKind, b.ID, 0, b.Version, []crmkit.Event{created, reassigned}))
	err := storage.CheckHistory(account.AccountKind, b.ID, 0, b.Version, []crmkit.Event{created})
	var ve *crmkit.ValidationError
	fmt.Println(errors.Is(err, crmkit.ErrInvalid), errors.As(err, &ve), ve.Field)
	err = storage.CheckHistory(account.AccountKind, b.ID, 0, b.Version, []crmkit.Event{reassigned, created})
	fmt.Println(errors.As(err, &ve), ve.Field)

	// Every store runs the same check on Create and Save.
	store, _ := memory.New().Tenant("acme")
	_, err = store.Accounts().Create(context.Background(), b, "", reassigned)
	fmt.Println(errors.Is(err, crmkit.ErrInvalid))
	// Output:
	// <nil>
	// true true events
	// true events[0].version
	// true
}

// References resolve: a deal whose account is not stored in the tenant is
// refused with a *storage.ReferenceError naming the reference, and
// nothing is written.
func ExampleReferenceError() {
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	store, _ := memory.New().Tenant("acme")
	acct, opened, _ := account.New(account.NewAccount{Name: "Globex", Owner: "ana", Relations: account.Customer}, crmkit.Cmd{By: "ana", At: at})

	d, created, _ := deal.New(deal.DefaultPipeline(), deal.NewDeal{
		Name: "Fleet", Type: deal.NewBusiness, Amount: crmkit.MustMoney("1000.00", "EUR"),
		AccountID: acct.ID, Owner: "ana",
	}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at}})
	_, err := store.Deals().Create(ctx, d, "", created)
	var re *storage.ReferenceError
	fmt.Println(errors.As(err, &re), re.Ref.Field, re.Ref.ID == acct.ID, errors.Is(err, crmkit.ErrInvalid))

	// The account first, then the deal, in one Update.
	err = store.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.Accounts().Create(ctx, acct, "", opened); err != nil {
			return err
		}
		_, err := tx.Deals().Create(ctx, d, "", created)
		return err
	})
	fmt.Println(err)
	// Output:
	// true account_id true true
	// <nil>
}
