package account_test

import (
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/google/uuid"
)

// A group of two companies: the parent's roll-up includes the subsidiary.
func ExampleHierarchy_RollUp() {
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	group, _, _ := account.New(account.NewAccount{Name: "Acme Group", Owner: "kam-1", Relations: account.Customer}, crmkit.Cmd{By: "rep", At: at})
	sub, _, _ := account.New(account.NewAccount{Name: "Acme Services", Owner: "kam-1", Relations: account.Customer | account.Partner}, crmkit.Cmd{By: "rep", At: at})
	sub.Parent = group.ID
	h, err := account.NewHierarchy([]account.Account{group, sub})
	if err != nil {
		fmt.Println(err)
		return
	}
	roll, _ := h.RollUp(crmkit.MustCurrency("EUR"), map[uuid.UUID]account.Figures{
		group.ID: {Revenue: crmkit.MustMoney("1000.00", "EUR"), Contracts: 1},
		sub.ID:   {Revenue: crmkit.MustMoney("250.50", "EUR"), Contracts: 2},
	})
	fmt.Println(roll[group.ID].Revenue, roll[group.ID].Contracts)
	fmt.Println(roll[sub.ID].Revenue, roll[sub.ID].Contracts)
	// Output:
	// 1250.50 EUR 3
	// 250.50 EUR 2
}
