package memory

import (
	"time"

	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// Accounts (with their contacts) and contracts, on the store and on the
// transaction of Update (storage.Tx), so that their writes land with the
// others.

var accountKind = &kind[account.Account, storage.AccountFilter]{
	ops: ops[account.Account]{
		name:     account.AccountKind,
		slot:     slotAccount,
		id:       func(a *account.Account) uuid.UUID { return a.ID },
		version:  func(a *account.Account) int64 { return a.Version },
		clone:    account.Account.Clone,
		validate: storage.ValidateAccount,
	},
	validateFilter: storage.AccountFilter.Validate,
	match:          (*storage.AccountFilter).Match,
}

var contractKind = &kind[account.Contract, storage.ContractFilter]{
	ops: ops[account.Contract]{
		name:     account.ContractKind,
		slot:     slotContract,
		id:       func(c *account.Contract) uuid.UUID { return c.ID },
		version:  func(c *account.Contract) int64 { return c.Version },
		clone:    account.Contract.Clone,
		validate: storage.ValidateContract,
	},
	validateFilter: storage.ContractFilter.Validate,
	match:          (*storage.ContractFilter).Match,
	dated: func(f *storage.ContractFilter) func(*account.Contract) time.Time {
		if f.RenewalFrom.IsZero() && f.RenewalTo.IsZero() {
			return nil
		}
		return func(c *account.Contract) time.Time { return c.Current().RenewalDate }
	},
}

// Accounts returns the account repository; each
// call on it is its own transaction.
func (s *Store) Accounts() storage.AccountRepository {
	return &repo[account.Account, storage.AccountFilter]{st: s.state(), k: accountKind}
}

// Contracts returns the contract repository; each
// call on it is its own transaction.
func (s *Store) Contracts() storage.ContractRepository {
	return &repo[account.Contract, storage.ContractFilter]{st: s.state(), k: contractKind}
}

// Accounts returns the account repository of the transaction.
func (tx *txn) Accounts() storage.AccountRepository {
	return &repo[account.Account, storage.AccountFilter]{st: tx.st, k: accountKind, tx: tx}
}

// Contracts returns the contract repository of the transaction.
func (tx *txn) Contracts() storage.ContractRepository {
	return &repo[account.Contract, storage.ContractFilter]{st: tx.st, k: contractKind, tx: tx}
}
