package storagetest

import (
	"context"
	"slices"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testAccountKeys: AccountFilter's Domain, ContactEmail and ContactPhone
// select by the keys lead/dedupe normalises to, in any spelling of them,
// any one of them enough,
// after Create and after a Save that changes them; a filter value that
// holds no key is refused.
func testAccountKeys(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	repo := s.Accounts()
	cmd := crmkit.Cmd{By: actor, At: base}
	mk := func(name, domain string, contacts ...account.Contact) account.Account {
		a, ev, err := account.New(account.NewAccount{Name: name, Owner: "ana", Relations: account.Customer, Domain: domain}, cmd)
		require.NoError(t, err)
		events := []crmkit.Event{ev}
		for _, c := range contacts {
			a, ev, err = a.AddContact(c, cmd)
			require.NoError(t, err)
			events = append(events, ev)
		}
		_, err = repo.Create(ctx, a, "", events...)
		require.NoError(t, err)
		return a
	}
	acme := mk("Acme", "acme.com",
		account.Contact{Name: "Ada", Email: "Ada.Lovelace@Acme.com", Role: account.DecisionMaker},
		account.Contact{Name: "Bob", Phone: "+36 1 234 5678", Role: account.User})
	globex := mk("Globex", "globex.example",
		account.Contact{Name: "Hank", Email: "hank@gmail.com", Phone: "06 30 123 4567", Role: account.Champion})
	bare := mk("Initech", "")

	ids := func(f storage.AccountFilter) []uuid.UUID {
		t.Helper()
		var out []uuid.UUID
		for a, err := range storage.All(ctx, repo, f, 0) {
			require.NoError(t, err, "%+v", f)
			out = append(out, a.ID)
		}
		return out
	}
	for _, c := range []struct {
		name string
		f    storage.AccountFilter
		want []uuid.UUID
	}{
		{"domain as stored", storage.AccountFilter{Domain: "acme.com"}, []uuid.UUID{acme.ID}},
		{"domain as a website", storage.AccountFilter{Domain: "https://www.ACME.com/about"}, []uuid.UUID{acme.ID}},
		{"domain from an address", storage.AccountFilter{Domain: "sales@globex.example"}, []uuid.UUID{globex.ID}},
		{"unknown domain", storage.AccountFilter{Domain: "initech.example"}, nil},
		{"email, case and +tag aside", storage.AccountFilter{ContactEmail: "ada.lovelace+crm@acme.COM"}, []uuid.UUID{acme.ID}},
		{"gmail ignores dots", storage.AccountFilter{ContactEmail: "h.a.n.k@googlemail.com"}, []uuid.UUID{globex.ID}},
		{"email of nobody", storage.AccountFilter{ContactEmail: "eve@acme.com"}, nil},
		{"phone, national form", storage.AccountFilter{ContactPhone: "06 1 234 5678"}, []uuid.UUID{acme.ID}},
		{"phone, international form", storage.AccountFilter{ContactPhone: "0036 30 123-4567"}, []uuid.UUID{globex.ID}},
		{"keys of one account", storage.AccountFilter{Domain: "acme.com", ContactPhone: "+3612345678"}, []uuid.UUID{acme.ID}},
		{"any key selects", storage.AccountFilter{Domain: "acme.com", ContactEmail: "hank@gmail.com"}, []uuid.UUID{acme.ID, globex.ID}},
		{"any key, one matching", storage.AccountFilter{Domain: "hooli.example", ContactEmail: "nobody@hooli.example", ContactPhone: "06 30 123 4567"}, []uuid.UUID{globex.ID}},
		{"key and owner", storage.AccountFilter{Owner: "bo", Domain: "acme.com"}, nil},
		{"key and relations", storage.AccountFilter{Relations: account.Customer, ContactEmail: "hank@gmail.com"}, []uuid.UUID{globex.ID}},
	} {
		assert.ElementsMatch(t, c.want, ids(c.f), c.name)
	}

	// A Save that adds a contact and sets a domain changes what selects.
	next, ev, err := bare.AddContact(account.Contact{Name: "Peter", Email: "peter@initech.example", Phone: "555 0100 77", Role: account.User}, cmd)
	require.NoError(t, err)
	next.Domain = "initech.example"
	require.NoError(t, repo.Save(ctx, next, bare.Version, ev))
	assert.Equal(t, []uuid.UUID{bare.ID}, ids(storage.AccountFilter{Domain: "initech.example"}))
	assert.Equal(t, []uuid.UUID{bare.ID}, ids(storage.AccountFilter{ContactEmail: "Peter@initech.example"}))
	assert.Equal(t, []uuid.UUID{bare.ID}, ids(storage.AccountFilter{ContactPhone: "5550100 77"}))

	// Another tenant's accounts never match.
	other := open(t, o, "globex")
	got, _, err := other.Accounts().List(ctx, storage.AccountFilter{Domain: "acme.com"}, storage.Page{})
	require.NoError(t, err)
	assert.Empty(t, got)

	// A value that holds no key is ErrInvalid, on every store.
	for _, f := range []storage.AccountFilter{
		{Domain: "acme"}, {Domain: "https://"}, {ContactEmail: "ada"}, {ContactEmail: "ada@acme"},
		{ContactPhone: "12 34"}, {ContactPhone: "n/a"}, {Domain: "acme.com\x00"},
	} {
		_, _, err := repo.List(ctx, f, storage.Page{})
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "%+v", f)
	}
	all := slices.DeleteFunc(ids(storage.AccountFilter{}), suiteRecord) // the suite's own account aside
	assert.ElementsMatch(t, []uuid.UUID{acme.ID, globex.ID, bare.ID}, all)
}
