package account_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/field"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSetContactCustom(t *testing.T) {
	c := crmkit.Cmd{By: "ana", At: time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)}
	a, _, err := account.New(account.NewAccount{Name: "Engines Co", Owner: "ana", Relations: account.Customer}, c)
	require.NoError(t, err)
	a, _, err = a.AddContact(account.Contact{Name: "Pia Lind", Email: "pia@engines.example", Role: account.Influencer}, c)
	require.NoError(t, err)
	pia := a.Contacts[0].ID
	vs := field.Values{"tier": field.Option("gold"), "nickname": field.Text("Pi")}

	next, ev, err := a.SetContactCustom(pia, vs, c)
	require.NoError(t, err)
	assert.Equal(t, vs, next.Contacts[0].Custom)
	assert.Nil(t, a.Contacts[0].Custom, "input unchanged")
	assert.Equal(t, account.EventContactCustomFieldsSet, ev.Type)
	assert.Equal(t, a.Version+1, ev.Version)
	assert.JSONEq(t, `{"contact":"`+pia.String()+`","custom":{"nickname":"Pi","tier":"gold"}}`, string(ev.Payload))
	vs["tier"] = field.Option("silver")
	assert.Equal(t, field.Option("gold"), next.Contacts[0].Custom["tier"], "the account does not share the caller's map")
	clone := next.Clone()
	clone.Contacts[0].Custom["tier"] = field.Option("bronze")
	assert.Equal(t, field.Option("gold"), next.Contacts[0].Custom["tier"], "Clone copies contacts' values")

	_, _, err = next.SetContactCustom(pia, next.Contacts[0].Custom, c)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "no change")
	_, _, err = next.SetContactCustom(pia, field.Values{"Bad Name": field.Text("x")}, c)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = next.SetContactCustom(crmkit.NewID(), vs, c)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)

	// Erasure removes the personal fields named and keeps the others.
	assert.ElementsMatch(t, []string{"Pia Lind", "pia@engines.example", "Pi"}, next.PersonalData(pia, "nickname"))
	e, ev, err := next.EraseContact(pia, []string{"nickname"}, nil, c)
	require.NoError(t, err)
	assert.Equal(t, field.Values{"tier": field.Option("gold")}, e.Contacts[0].Custom)
	assert.JSONEq(t, `{"contact":"`+pia.String()+`","fields":["custom.nickname","email","name"]}`, string(ev.Payload))
	_, _, err = e.SetContactCustom(pia, field.Values{"tier": field.Option("silver")}, c)
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "an erased contact takes no edit")
}

func ExampleAccount_SetContactCustom() {
	c := crmkit.Cmd{By: "ana", At: time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)}
	a, _, _ := account.New(account.NewAccount{Name: "Engines Co", Owner: "ana", Relations: account.Customer}, c)
	a, _, _ = a.AddContact(account.Contact{Name: "Pia Lind", Role: account.DecisionMaker}, c)
	a, ev, err := a.SetContactCustom(a.Contacts[0].ID, field.Values{"tier": field.Option("gold")}, c)
	fmt.Println(a.Contacts[0].Custom["tier"], ev.Type, err)
	// Output: gold ContactCustomFieldsSet <nil>
}
