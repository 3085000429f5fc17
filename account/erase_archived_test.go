package account_test

import (
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A contact of an archived account is erased without a restore; an
// erased contact takes no edit, whatever the patch.
func TestEraseContactArchivedAndEdit(t *testing.T) {
	c := crmkit.Cmd{By: "ana", At: time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)}
	a, _, err := account.New(account.NewAccount{Name: "Engines Co", Owner: "ana", Relations: account.Customer}, c)
	require.NoError(t, err)
	a, _, err = a.AddContact(account.Contact{Name: "Pia Lind", Email: "pia@example.org", Role: account.User}, c)
	require.NoError(t, err)
	pia := a.Contacts[0].ID

	e, _, err := a.EraseContact(pia, nil, nil, c)
	require.NoError(t, err)
	title := "CEO"
	_, _, err = e.EditContact(pia, account.ContactPatch{Title: &title}, c)
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)

	archived, _, err := a.Archive(c)
	require.NoError(t, err)
	e, ev, err := archived.EraseContact(pia, nil, nil, c)
	require.NoError(t, err)
	assert.Equal(t, account.EventContactErased, ev.Type)
	assert.True(t, e.Archived(), "still archived")
	assert.Equal(t, crmkit.Erased, e.Contacts[0].Name)
	assert.Empty(t, e.Contacts[0].Email)
	require.NoError(t, e.Validate())
}
