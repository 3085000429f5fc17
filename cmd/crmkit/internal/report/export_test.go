package report

import (
	"context"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/storage"
)

// StoreRows is storeRows for the tests: accounts[i] is created with
// events[i].
func StoreRows(ctx context.Context, st storage.Store, accounts []account.Account, events []crmkit.Event, deals []deal.Deal) error {
	load := make([]storedAccount, len(accounts))
	for i := range accounts {
		load[i] = storedAccount{name: accounts[i].Name, a: accounts[i], created: events[i]}
	}
	return storeRows(ctx, st, load, deals)
}
