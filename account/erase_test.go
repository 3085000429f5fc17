package account_test

import (
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEraseContact(t *testing.T) {
	c := crmkit.Cmd{By: "ana", At: time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)}
	a, _, err := account.New(account.NewAccount{Name: "Engines Co", Owner: "ana", Relations: account.Customer}, c)
	require.NoError(t, err)
	a, _, err = a.AddDepartment("Sales", c)
	require.NoError(t, err)
	a, _, err = a.AddContact(account.Contact{Name: "Pia Lind", Phone: "+36 1 555 0101", Department: "Sales", Title: "assistant of Pia Lind", Role: account.Influencer}, c)
	require.NoError(t, err)
	a, _, err = a.AddContact(account.Contact{Name: "Ola Berg", Department: "Sales", Role: account.User}, c)
	require.NoError(t, err)
	pia, ola := a.Contacts[0].ID, a.Contacts[1].ID
	assert.Equal(t, []string{"Pia Lind", "+36 1 555 0101"}, a.PersonalData(pia))

	e, ev, err := a.EraseContact(pia, nil, nil, crmkit.Cmd{By: "dpo", At: c.At, Reason: "request of Pia Lind"})
	require.NoError(t, err)
	assert.Equal(t, account.Contact{ID: pia, Name: crmkit.Erased, Department: "Sales", Title: "assistant of (erased)", Role: account.Influencer, Erased: true}, e.Contacts[0])
	assert.Equal(t, account.EventContactErased, ev.Type)
	assert.Equal(t, a.Version+1, ev.Version)
	assert.JSONEq(t, `{"contact":"`+pia.String()+`","fields":["name","phone"]}`, string(ev.Payload))
	assert.Equal(t, "request of (erased)", ev.Reason)
	assert.Equal(t, "Pia Lind", a.Contacts[0].Name, "input unchanged")
	// Two erased contacts of one department are no duplicates.
	e, _, err = e.EraseContact(ola, nil, nil, c)
	require.NoError(t, err)
	require.NoError(t, e.Validate())

	_, _, err = e.EraseContact(pia, nil, nil, c)
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	_, _, err = a.EraseContact(crmkit.NewID(), nil, nil, c)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	assert.Empty(t, e.PersonalData(pia))
}
