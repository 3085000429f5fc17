package storage_test

import (
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckContactsCustom(t *testing.T) {
	s, _, err := field.New(storage.ContactKind, []field.Def{
		{Name: "tier", Type: field.TypeEnum, Options: []string{"gold"}, Required: true},
		{Name: "nick", Type: field.TypeText, Personal: true, Required: true},
	}, crmkit.Cmd{By: "ana", At: time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	ok := account.Contact{ID: uuid.New(), Custom: field.Values{"tier": field.Option("gold"), "nick": field.Text("P")}}
	erased := account.Contact{ID: uuid.New(), Erased: true, Custom: field.Values{"tier": field.Option("gold")}}
	a := &account.Account{ID: uuid.New(), Contacts: []account.Contact{ok, erased}}
	assert.NoError(t, storage.CheckContactsCustom(a, &s), "an erased contact need not hold a required personal field")
	a.Contacts[1].Erased = false
	err = storage.CheckContactsCustom(a, &s)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.ErrorContains(t, err, "custom.nick")
	assert.ErrorIs(t, storage.CheckContactsCustom(a, nil), crmkit.ErrInvalid, "no schema: every value is unknown")
	assert.NoError(t, storage.CheckContactsCustom(&account.Account{Contacts: []account.Contact{{ID: uuid.New()}}}, nil))
	assert.NoError(t, storage.CheckContactsCustom(nil, &s))
}
