package storage_test

import (
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestValidateAccount(t *testing.T) {
	a, _, err := account.New(account.NewAccount{Name: "Globex", Owner: "ana", Relations: account.Prospect}, crmkit.Cmd{By: "ana", At: t0})
	require.NoError(t, err)
	a, _, err = a.AddContact(account.Contact{Name: "Hank", Email: "hank@globex.example", Role: account.Champion}, crmkit.Cmd{By: "ana", At: t0})
	require.NoError(t, err)
	require.NoError(t, storage.ValidateAccount(a))

	for name, change := range map[string]func(a *account.Account){
		"nil id":          func(a *account.Account) { a.ID = uuid.Nil },
		"version 0":       func(a *account.Account) { a.Version = 0 },
		"no owner":        func(a *account.Account) { a.Owner = " " },
		"unknown bit":     func(a *account.Account) { a.Relations |= 1 << 6 },
		"own parent":      func(a *account.Account) { a.Parent = a.ID },
		"contact no role": func(a *account.Account) { a.Contacts = []account.Contact{{ID: crmkit.NewID(), Name: "X"}} },
		"duplicate contact": func(a *account.Account) {
			a.Contacts = append(a.Contacts, account.Contact{ID: crmkit.NewID(), Name: "H", Email: "HANK@globex.example", Role: account.User})
		},
		"nul in category": func(a *account.Account) { a.Category = "a\x00" },
		"long segment":    func(a *account.Account) { a.Segment = string(make([]byte, storage.MaxKeyLen+1)) },
	} {
		b := a
		b.Contacts = append([]account.Contact(nil), a.Contacts...)
		change(&b)
		assert.ErrorIs(t, storage.ValidateAccount(b), crmkit.ErrInvalid, name)
	}
	assert.ErrorIs(t, storage.AccountFilter{Relations: 1 << 5}.Validate(), crmkit.ErrInvalid)
	assert.ErrorIs(t, storage.AccountFilter{Owner: "\xff"}.Validate(), crmkit.ErrInvalid)
	assert.NoError(t, storage.AccountFilter{Relations: account.Customer | account.Partner}.Validate())
}

func TestAccountFilterProperties(t *testing.T) {
	parents := []uuid.UUID{uuid.Nil, uuid.MustParse("0190f3a0-0000-7000-8000-00000000000a")}
	rapid.Check(t, func(t *rapid.T) {
		a := account.Account{
			ID: crmkit.NewID(), Name: "A", Version: 1,
			Owner:     rapid.SampledFrom([]string{"ana", "bo"}).Draw(t, "owner"),
			Segment:   rapid.SampledFrom([]string{"", "smb", "enterprise"}).Draw(t, "segment"),
			Parent:    rapid.SampledFrom(parents).Draw(t, "parent"),
			Relations: account.Relation(rapid.IntRange(1, 15).Draw(t, "relations")),
		}
		require.NoError(t, storage.ValidateAccount(a))
		var zero storage.AccountFilter
		require.True(t, zero.Match(&a), "the zero filter matches all")
		f := storage.AccountFilter{
			Owner:     rapid.SampledFrom([]string{"", "ana"}).Draw(t, "f.owner"),
			Segment:   rapid.SampledFrom([]string{"", "smb"}).Draw(t, "f.segment"),
			Parent:    rapid.SampledFrom(parents).Draw(t, "f.parent"),
			Relations: account.Relation(rapid.IntRange(0, 15).Draw(t, "f.relations")),
		}
		require.NoError(t, f.Validate())
		// Each field restricts on its own.
		want := (f.Owner == "" || f.Owner == a.Owner) && (f.Segment == "" || f.Segment == a.Segment) &&
			(f.Parent == uuid.Nil || f.Parent == a.Parent) && a.Relations&f.Relations == f.Relations
		require.Equal(t, want, f.Match(&a))
	})
}

func newContract(t testing.TB) account.Contract {
	c, _, err := account.NewContract(account.ContractSpec{
		AccountID: crmkit.NewID(), Title: "Support", Start: t0, End: t0.AddDate(1, 0, 0),
		RenewalDate: t0.AddDate(0, 11, 0), Monthly: crmkit.MustMoney("100.00", "EUR"),
	}, crmkit.Cmd{By: "ana", At: t0})
	require.NoError(t, err)
	return c
}

func TestValidateContract(t *testing.T) {
	good := newContract(t)
	require.NoError(t, storage.ValidateContract(good))
	for name, change := range map[string]func(c *account.Contract){
		"nil id":           func(c *account.Contract) { c.ID = uuid.Nil },
		"nil account":      func(c *account.Contract) { c.AccountID = uuid.Nil },
		"version 0":        func(c *account.Contract) { c.Version = 0 },
		"zero status":      func(c *account.Contract) { c.Status = 0 },
		"unknown stage":    func(c *account.Contract) { c.Execution = account.ImplementationDone + 1 },
		"blank title":      func(c *account.Contract) { c.Title = "\t" },
		"no terms":         func(c *account.Contract) { c.Terms = nil },
		"terms kind 0":     func(c *account.Contract) { c.Terms[0].Kind = 0 },
		"terms version 2":  func(c *account.Contract) { c.Terms[0].Version = 2 },
		"empty period":     func(c *account.Contract) { c.Terms[0].Period.End = t0 },
		"negative value":   func(c *account.Contract) { c.Terms[0].Value = crmkit.MustMoney("-1.00", "EUR") },
		"renewal too late": func(c *account.Contract) { c.Terms[0].RenewalDate = t0.AddDate(2, 0, 0) },
	} {
		c := good
		c.Terms = append([]account.Terms(nil), good.Terms...)
		change(&c)
		assert.ErrorIs(t, storage.ValidateContract(c), crmkit.ErrInvalid, name)
	}
	c := good
	c.Terms = append([]account.Terms(nil), good.Terms...)
	c.Terms[0].Value = crmkit.MustMoney("1.00", "USD")
	assert.ErrorIs(t, storage.ValidateContract(c), crmkit.ErrInvalid, "a stored value in two currencies is invalid")
}

func TestContractFilter(t *testing.T) {
	c := newContract(t) // renewal date t0 + 11 months
	renew := t0.AddDate(0, 11, 0)
	for _, tc := range []struct {
		f    storage.ContractFilter
		want bool
	}{
		{storage.ContractFilter{}, true},
		{storage.ContractFilter{Account: c.AccountID}, true},
		{storage.ContractFilter{Account: crmkit.NewID()}, false},
		{storage.ContractFilter{Deal: crmkit.NewID()}, false},
		{storage.ContractFilter{Statuses: []account.ContractStatus{account.Active, account.Draft}}, true},
		{storage.ContractFilter{Statuses: []account.ContractStatus{account.Active}}, false},
		{storage.ContractFilter{RenewalFrom: renew}, true}, // from is inclusive
		{storage.ContractFilter{RenewalTo: renew}, false},  // to is exclusive
		{storage.ContractFilter{RenewalFrom: renew.Add(time.Nanosecond)}, false},
		{storage.ContractFilter{RenewalFrom: t0, RenewalTo: renew.Add(time.Second)}, true},
	} {
		require.NoError(t, tc.f.Validate())
		assert.Equal(t, tc.want, tc.f.Match(&c), "%+v", tc.f)
	}
	assert.ErrorIs(t, storage.ContractFilter{RenewalFrom: t0, RenewalTo: t0.Add(-1)}.Validate(), crmkit.ErrInvalid)
	assert.ErrorIs(t, storage.ContractFilter{Statuses: []account.ContractStatus{account.Terminated + 1}}.Validate(), crmkit.ErrInvalid)
	assert.ErrorIs(t, storage.ContractFilter{Statuses: make([]account.ContractStatus, 8)}.Validate(), crmkit.ErrInvalid)
}
