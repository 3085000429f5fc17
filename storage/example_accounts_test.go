package storage_test

import (
	"context"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
)

// An account, with a contact inside it, and its first contract are stored
// inside one Update through the transaction's account and contract
// repositories, and read back.
func ExampleAccountRepository() {
	ctx := context.Background()
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	store, _ := memory.New().Tenant("acme")

	acct, created, _ := account.New(account.NewAccount{Name: "Globex", Owner: "ana", Relations: account.Customer}, crmkit.Cmd{By: "ana", At: at})
	acct, added, _ := acct.AddContact(account.Contact{Name: "Hank Scorpio", Email: "hank@globex.example",
		Role: account.DecisionMaker}, crmkit.Cmd{By: "ana", At: at})
	contract, drafted, _ := account.NewContract(account.ContractSpec{
		AccountID: acct.ID, Title: "Support 2026", Start: at, End: at.AddDate(1, 0, 0),
		Monthly: crmkit.MustMoney("1500.00", "EUR"),
	}, crmkit.Cmd{By: "ana", At: at})

	err := store.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.Accounts().Create(ctx, acct, "globex", created, added); err != nil {
			return err
		}
		_, err := tx.Contracts().Create(ctx, contract, "", drafted)
		return err
	})
	fmt.Println("update:", err)

	got, _ := store.Accounts().Get(ctx, acct.ID)
	fmt.Println(got.Name, "version", got.Version, "contacts:", got.Contacts[0].Name)
	page, _, _ := store.Contracts().List(ctx, storage.ContractFilter{
		Account: acct.ID, Statuses: []account.ContractStatus{account.Draft},
	}, storage.Page{})
	fmt.Println(len(page), "draft contract:", page[0].Title, page[0].Current().Monthly)
	// Output:
	// update: <nil>
	// Globex version 2 contacts: Hank Scorpio
	// 1 draft contract: Support 2026 1500.00 EUR
}
