package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/storage"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testContactCustomFields: a contact's custom values (account.Contact.Custom)
// are checked against the tenant's schema of kind storage.ContactKind on
// every write of its account, created or saved, on the repository and
// inside Update (unknown field, wrong type, option not in the enum,
// required field missing: a typed error naming the field, nothing
// written); valid ones round trip with their event; MigrateFields of the
// contact schema migrates the contacts of every account in the same
// Update; another tenant's schema does not apply.
func testContactCustomFields(t *testing.T, o Opener) {
	ctx := context.Background()
	s, other := open(t, o, "acme"), open(t, o, "globex")
	c := crmkit.Cmd{By: actor, At: base}
	newAccount := func(st storage.Store, vs field.Values) (account.Account, []crmkit.Event, error) {
		t.Helper()
		a, e1, err := account.New(account.NewAccount{Name: "Contact Fields Co", Owner: "ana", Relations: account.Customer}, c)
		require.NoError(t, err)
		a, e2, err := a.AddContact(account.Contact{ID: crmkit.NewID(), Name: "Pia Lind", Email: "pia@fields.example",
			Role: account.DecisionMaker, Custom: vs}, c)
		require.NoError(t, err)
		_, err = st.Accounts().Create(ctx, a, "", e1, e2)
		return a, []crmkit.Event{e1, e2}, err
	}
	// Without a contact schema every contact custom value is unknown.
	_, _, err := newAccount(s, field.Values{"tier": field.Option("gold")})
	assertField(t, err, "custom.tier")

	declare(t, s, storage.ContactKind, []field.Def{
		{Name: "tier", Type: field.TypeEnum, Options: []string{"gold", "silver"}},
		{Name: "seats", Type: field.TypeNumber},
		{Name: "nickname", Type: field.TypeText, Personal: true},
	})
	// The schema is acme's: globex still has none.
	_, _, err = newAccount(other, field.Values{"tier": field.Option("gold")})
	assertField(t, err, "custom.tier")

	a, _, err := newAccount(s, field.Values{"tier": field.Option("silver")})
	require.NoError(t, err)
	pia := a.Contacts[0].ID
	got, err := s.Accounts().Get(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, field.Values{"tier": field.Option("silver")}, got.Contacts[0].Custom)

	for _, bad := range []struct {
		name string
		vs   field.Values
	}{
		{"custom.unknown", field.Values{"unknown": field.Text("x")}},
		{"custom.seats", field.Values{"seats": field.Text("many")}},
		{"custom.tier", field.Values{"tier": field.Option("platinum")}},
	} {
		next, ev, err := a.SetContactCustom(pia, bad.vs, c)
		require.NoError(t, err, "the domain checks names only")
		assertField(t, s.Accounts().Save(ctx, next, a.Version, ev), bad.name)
		assertField(t, s.Update(ctx, func(tx storage.Tx) error { return tx.Accounts().Save(ctx, next, a.Version, ev) }), bad.name)
		got, err := s.Accounts().Get(ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, a.Version, got.Version, "a refused save (%s) wrote", bad.name)
		assert.Len(t, collect(t, s.Events().ByAggregate(ctx, a.ID)), int(a.Version))
	}

	want := field.Values{"tier": field.Option("gold"), "seats": field.Text("12"), "nickname": field.Text("Pi")}
	next, ev, err := a.SetContactCustom(pia, want, c)
	require.NoError(t, err)
	require.NoError(t, s.Accounts().Save(ctx, next, a.Version, ev))
	a = next
	got, err = s.Accounts().Get(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, want, got.Contacts[0].Custom)
	evs := collect(t, s.Events().ByAggregate(ctx, a.ID))
	require.Len(t, evs, int(a.Version))
	assert.Equal(t, account.EventContactCustomFieldsSet, evs[len(evs)-1].Type)
	var pl account.ContactCustomPayload
	require.NoError(t, evs[len(evs)-1].DecodePayload(&pl))
	assert.Equal(t, account.ContactCustomPayload{Contact: pia, Custom: want}, pl)

	// A migration that removes option gold moves pia to silver, in the
	// Update that stores the schema.
	sc, err := s.FieldSchemas().Get(ctx, field.SchemaID(storage.ContactKind))
	require.NoError(t, err)
	fields := []field.Def{
		{Name: "tier", Type: field.TypeEnum, Options: []string{"silver"}},
		{Name: "seats", Type: field.TypeNumber},
		{Name: "nickname", Type: field.TypeText, Personal: true},
	}
	later := crmkit.Cmd{By: actor, At: base.Add(time.Hour)}
	m := field.Migration{Options: map[string]map[string]string{"tier": {"gold": "silver"}}}
	ns, sev, err := sc.Migrate(fields, m, later)
	require.NoError(t, err)
	var n int
	require.NoError(t, s.Update(ctx, func(tx storage.Tx) error {
		var err error
		n, err = storage.MigrateFields(ctx, tx, ns, sc.Version, sev, m, later)
		return err
	}))
	assert.Equal(t, 1, n, "the one account with a gold contact")
	got, err = s.Accounts().Get(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, a.Version+1, got.Version)
	assert.Equal(t, field.Values{"tier": field.Option("silver"), "seats": field.Text("12"), "nickname": field.Text("Pi")}, got.Contacts[0].Custom)
}
