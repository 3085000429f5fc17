package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/erasure"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testUnerase proves erasure.CheckUnerase on a store: after erasure.Lead and
// erasure.Contact, a raw Save (bypassing the domain's commands, which refuse
// erased records themselves) that brings back a name, an e-mail address,
// a phone, a personal custom field, or clears the erasure mark, is
// refused with an *erasure.UneraseError naming the record, on the
// repository and inside Update, and nothing is written; a raw Save that
// keeps the erasure (another owner) is stored.
func testUnerase(t *testing.T, o Opener, dump Dumper) {
	ctx := context.Background()
	acme := open(t, o, "acme")
	declare(t, acme, lead.LeadKind, []field.Def{
		{Name: "tier", Type: field.TypeEnum, Options: []string{"gold", "silver"}},
		{Name: "nickname", Type: field.TypeText, Personal: true},
	})
	ada := storePerson(t, acme, adaWho, adaNick, base)
	at := base.Add(48 * time.Hour)
	erased, err := erasure.Lead(ctx, acme, ada.ID, crmkit.Cmd{By: actor, At: at})
	require.NoError(t, err)

	// raw is erased changed by change, one version on, with an event of
	// that version: the history check passes, so only the erasure rule
	// can refuse it.
	raw := func(change func(l *lead.Lead)) (lead.Lead, crmkit.Event) {
		next := erased.Clone()
		change(&next)
		next.Version++
		next.UpdatedAt = at.Add(time.Hour)
		ev, err := crmkit.Cmd{By: actor, At: next.UpdatedAt}.NewEvent(lead.LeadKind, next.ID, field.EventValuesSet, next.Version,
			field.SetPayload{Custom: next.Custom})
		require.NoError(t, err)
		return next, ev
	}
	text := dump(t, "acme")
	for _, c := range []struct {
		field  string
		change func(l *lead.Lead)
	}{
		{"name", func(l *lead.Lead) { l.Who.Name = adaWho.Name }},
		{"email", func(l *lead.Lead) { l.Who.Email = adaWho.Email }},
		{"phone", func(l *lead.Lead) { l.Who.Phone = adaWho.Phone }},
		{"erased_at", func(l *lead.Lead) { l.ErasedAt = time.Time{} }},
		{"custom.nickname", func(l *lead.Lead) {
			l.Custom = field.Values{"tier": field.Option("gold"), "nickname": field.Text(adaNick)}
		}},
	} {
		next, ev := raw(c.change)
		err := acme.Leads().Save(ctx, next, erased.Version, ev)
		checkUnerase(t, err, lead.LeadKind, ada.ID, uuid.Nil, c.field)
		err = acme.Update(ctx, func(tx storage.Tx) error { return tx.Leads().Save(ctx, next, erased.Version, ev) })
		checkUnerase(t, err, lead.LeadKind, ada.ID, uuid.Nil, c.field)
		assert.Equal(t, text, dump(t, "acme"), "a refused un-erasing save of the lead (%s) wrote", c.field)
	}
	next, ev := raw(func(l *lead.Lead) { l.Owner = "cy" })
	require.NoError(t, acme.Leads().Save(ctx, next, erased.Version, ev), "a save that keeps the erasure")
	got, err := acme.Leads().Get(ctx, ada.ID)
	require.NoError(t, err)
	assert.Equal(t, "cy", got.Owner)
	assert.Equal(t, crmkit.Erased, got.Who.Name)

	// An account's erased contact.
	pia := account.Contact{ID: crmkit.NewID(), Name: "Pia Lindqvist", Email: "pia.lindqvist@engines.example", Phone: "+36 1 555 0101",
		Role: account.DecisionMaker}
	c := crmkit.Cmd{By: actor, At: base}
	a, e1, err := account.New(account.NewAccount{Name: "Engines Co", Owner: "ana", Relations: account.Customer}, c)
	require.NoError(t, err)
	a, e2, err := a.AddContact(pia, c)
	require.NoError(t, err)
	_, err = acme.Accounts().Create(ctx, a, "", e1, e2)
	require.NoError(t, err)
	ea, err := erasure.Contact(ctx, acme, a.ID, pia.ID, crmkit.Cmd{By: actor, At: at})
	require.NoError(t, err)
	rawAccount := func(change func(ct *account.Contact)) (account.Account, crmkit.Event) {
		next, ev, err := ea.Reassign("bob", crmkit.Cmd{By: actor, At: at.Add(time.Hour)})
		require.NoError(t, err)
		next.Contacts = append([]account.Contact(nil), next.Contacts...)
		change(&next.Contacts[0])
		return next, ev
	}
	text = dump(t, "acme")
	for _, c := range []struct {
		field  string
		change func(ct *account.Contact)
	}{
		{"erased", func(ct *account.Contact) { ct.Erased = false }},
		{"name", func(ct *account.Contact) { ct.Name = pia.Name }},
		{"email", func(ct *account.Contact) { ct.Email = pia.Email }},
		{"phone", func(ct *account.Contact) { ct.Phone = pia.Phone }},
	} {
		next, ev := rawAccount(c.change)
		err := acme.Accounts().Save(ctx, next, ea.Version, ev)
		checkUnerase(t, err, account.AccountKind, a.ID, pia.ID, c.field)
		err = acme.Update(ctx, func(tx storage.Tx) error { return tx.Accounts().Save(ctx, next, ea.Version, ev) })
		checkUnerase(t, err, account.AccountKind, a.ID, pia.ID, c.field)
		assert.Equal(t, text, dump(t, "acme"), "a refused un-erasing save of the account (%s) wrote", c.field)
	}
	na, ev := rawAccount(func(*account.Contact) {})
	require.NoError(t, acme.Accounts().Save(ctx, na, ea.Version, ev), "a save that keeps the erasure")
}

// checkUnerase asserts that err is the *erasure.UneraseError of kind id
// (contact) and field, matching crmkit.ErrIllegalTransition.
func checkUnerase(t *testing.T, err error, kind string, id, contact uuid.UUID, field string) {
	t.Helper()
	require.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	var ue *erasure.UneraseError
	require.True(t, errors.As(err, &ue), "%v is no *erasure.UneraseError", err)
	assert.Equal(t, erasure.UneraseError{Kind: kind, ID: id, Contact: contact, Field: field}, *ue)
}
