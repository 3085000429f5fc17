package storagetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// The account and contract repositories get the checks of runOptional.

func testAccounts(t *testing.T, o Opener) { runOptional(t, o, accountFixture()) }

func testContracts(t *testing.T, o Opener) { runOptional(t, o, contractFixture()) }

// groupParent is the parent account of the fixture's even variants.
var groupParent = uuid.MustParse("0190f3a0-0000-7000-8000-000000000001")

func accountFixture() fixture[account.Account, storage.AccountFilter] {
	return fixture[account.Account, storage.AccountFilter]{
		repo:    storage.Tx.Accounts,
		bare:    true,
		make:    makeAccount,
		next:    nextAccount,
		touch:   func(a *account.Account) { a.Departments[0], a.Contacts[0].Name = "tampered", "tampered" },
		clone:   account.Account.Clone,
		id:      func(a *account.Account) uuid.UUID { return a.ID },
		version: func(a *account.Account) int64 { return a.Version },
		// Variants (see accountVariants): 0 passes every field of the
		// filter, 1 to 4 each fail exactly one, 5 fails all.
		filter: storage.AccountFilter{
			Owner: "ana", Segment: "enterprise", Parent: groupParent, Relations: account.Customer,
		},
		selected: func(i int) bool { return i == 0 },
		bad: func(t testing.TB) []account.Account {
			var out []account.Account
			bad := func(change func(a *account.Account)) {
				a, _ := makeAccount(t, 0)
				change(&a)
				out = append(out, a)
			}
			bad(func(a *account.Account) { a.ID = uuid.Nil })
			bad(func(a *account.Account) { a.Version = 0 })
			bad(func(a *account.Account) { a.Name = " " })
			bad(func(a *account.Account) { a.Owner = "" })
			bad(func(a *account.Account) { a.Relations = 0 })
			bad(func(a *account.Account) { a.Parent = a.ID })
			bad(func(a *account.Account) { a.Contacts[0].Role = 0 })
			bad(func(a *account.Account) { a.Contacts = append(a.Contacts, a.Contacts[0]) })
			bad(func(a *account.Account) { a.Domain = "https://Acme.com" })
			bad(func(a *account.Account) { a.Size = -1 })
			bad(func(a *account.Account) { a.Contacts[0].Phone = "+" + string(make([]byte, storage.MaxKeyLen)) })
			bad(func(a *account.Account) { a.Segment = "ent\x00" })
			bad(func(a *account.Account) { a.Owner = string(make([]byte, storage.MaxKeyLen+1)) })
			return out
		},
		badFilters: []storage.AccountFilter{
			{Owner: "\xff"},
			{Segment: "a\x00"},
			{Relations: 1 << 7},
		},
	}
}

// accountVariants are the fixture's accounts: owner ana or bo, segment
// enterprise or smb, a child of groupParent or not, customer or
// prospect (a partner either way).
var accountVariants = [fixtureVariants]struct{ ana, enterprise, child, customer bool }{
	{true, true, true, true},
	{false, true, true, true},
	{true, false, true, true},
	{true, true, false, true},
	{true, true, true, false},
	{false, false, false, false},
}

// makeAccount returns variant i of an account with one department and
// one contact, at version 3, and the event of its last change.
func makeAccount(t testing.TB, i int) (account.Account, []crmkit.Event) {
	t.Helper()
	v := accountVariants[i]
	owner, rel := "bo", account.Prospect|account.Partner
	if v.ana {
		owner = "ana"
	}
	if v.customer {
		rel = account.Customer | account.Partner
	}
	a, e1, err := account.New(account.NewAccount{Name: fmt.Sprintf("Globex %d", i), Owner: owner, Relations: rel}, crmkit.Cmd{By: actor, At: base})
	require.NoError(t, err)
	a.Segment = "smb"
	if v.enterprise {
		a.Segment = "enterprise"
	}
	if v.child {
		a.Parent = groupParent
	}
	a.Category = "A"
	a, e2, err := a.AddDepartment("Purchasing", crmkit.Cmd{By: actor, At: base})
	require.NoError(t, err)
	a, e3, err := a.AddContact(account.Contact{Name: "Hank Scorpio", Email: fmt.Sprintf("hank%d@globex.example", i),
		Department: "Purchasing", Role: account.DecisionMaker}, crmkit.Cmd{By: actor, At: base})
	require.NoError(t, err)
	return a, []crmkit.Event{e1, e2, e3}
}

// nextAccount hands the account to the other owner: one version on.
func nextAccount(t testing.TB, a account.Account) (account.Account, []crmkit.Event) {
	t.Helper()
	owner := "bo"
	if a.Owner == "bo" {
		owner = "ana"
	}
	b, e, err := a.Reassign(owner, crmkit.Cmd{By: actor, At: base.Add(time.Duration(a.Version) * time.Hour)})
	require.NoError(t, err)
	return b, []crmkit.Event{e}
}

// contractAccount and contractDeal are the account of every fixture
// contract and the deal of the odd ones.
var (
	contractAccount = suiteAccount
	contractDeal    = suiteDeal
)

func contractFixture() fixture[account.Contract, storage.ContractFilter] {
	return fixture[account.Contract, storage.ContractFilter]{
		repo:    storage.Tx.Contracts,
		prepare: ensureSuiteDeal,
		make:    makeContract,
		next:    nextContract,
		touch:   func(c *account.Contract) { c.Terms[0].AutoRenew, c.Terms[0].Version = !c.Terms[0].AutoRenew, 99 },
		clone:   account.Contract.Clone,
		id:      func(c *account.Contract) uuid.UUID { return c.ID },
		version: func(c *account.Contract) int64 { return c.Version },
		// Variants: a deal for odd i; approved for i = 1, 4, draft
		// otherwise; renewal date i months after base + 1 year.
		filter: storage.ContractFilter{
			Account: contractAccount, Deal: contractDeal, Statuses: []account.ContractStatus{account.Draft},
			RenewalFrom: base.AddDate(1, 0, 0), RenewalTo: base.AddDate(1, 5, 0),
		},
		selected: func(i int) bool { return i == 3 },
		bad: func(t testing.TB) []account.Contract {
			var out []account.Contract
			bad := func(change func(c *account.Contract)) {
				c, _ := makeContract(t, 0)
				change(&c)
				out = append(out, c)
			}
			bad(func(c *account.Contract) { c.ID = uuid.Nil })
			bad(func(c *account.Contract) { c.Version = 0 })
			bad(func(c *account.Contract) { c.AccountID = uuid.Nil })
			bad(func(c *account.Contract) { c.Status = 0 })
			bad(func(c *account.Contract) { c.Status = account.Terminated + 1 })
			bad(func(c *account.Contract) { c.Title = "" })
			bad(func(c *account.Contract) { c.Terms = nil })
			bad(func(c *account.Contract) { c.Terms[0].Version = 2 })
			bad(func(c *account.Contract) { c.Terms[0].Monthly = eur("-1.00") })
			bad(func(c *account.Contract) { c.Terms[0].Period.End = c.Terms[0].Period.Start })
			bad(func(c *account.Contract) { c.Terms[0].RenewalDate = c.Terms[0].Period.End.Add(time.Hour) })
			bad(func(c *account.Contract) { c.Title = "T\x00" })
			return out
		},
		badFilters: []storage.ContractFilter{
			{Statuses: []account.ContractStatus{0}},
			{Statuses: []account.ContractStatus{account.Terminated + 1}},
			{RenewalFrom: base, RenewalTo: base.Add(-time.Hour)},
		},
	}
}

// makeContract returns variant i of a contract, a draft at version 1 (or
// approved at version 2 for i = 1 and 4), and its event.
func makeContract(t testing.TB, i int) (account.Contract, []crmkit.Event) {
	t.Helper()
	spec := account.ContractSpec{
		AccountID: contractAccount, Title: fmt.Sprintf("Support %d", i),
		Start: base, End: base.AddDate(2, 0, 0), RenewalDate: base.AddDate(1, i, 0),
		Monthly: eur("1000.00"), Value: eur("5000.00"),
	}
	if i%2 == 1 {
		spec.DealID = contractDeal
	}
	c, e, err := account.NewContract(spec, crmkit.Cmd{By: actor, At: base})
	require.NoError(t, err)
	evs := []crmkit.Event{e}
	if i%3 == 1 {
		c.Status, c.ApprovalID, c.Version = account.Approved, crmkit.NewID(), 2
		e, err = crmkit.NewEvent(account.ContractKind, c.ID, account.EventContractApproved, actor, base, 2, nil)
		require.NoError(t, err)
		evs = append(evs, e)
	}
	return c, evs
}

// nextContract moves the contract one version on: an amendment of its
// recurring amount from a month after the current terms start.
func nextContract(t testing.TB, c account.Contract) (account.Contract, []crmkit.Event) {
	t.Helper()
	cur := c.Current()
	monthly := eur(fmt.Sprintf("%d.00", 1000+100*c.Version))
	n, e, err := c.Amend(cur.Period.Start.AddDate(0, 1, 0), cur.Period.End, monthly, cur.Value, crmkit.Cmd{By: actor, At: base.Add(time.Duration(c.Version) * time.Hour)})
	require.NoError(t, err)
	return n, []crmkit.Event{e}
}
