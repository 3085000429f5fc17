package account_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var editAt = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

func editCmd(h int) crmkit.Cmd {
	return crmkit.Cmd{By: "kam", At: editAt.Add(time.Duration(h) * time.Hour)}
}

// withContact is an account with a department and one contact.
func withContact(t *testing.T) (account.Account, uuid.UUID) {
	t.Helper()
	a, _, err := account.New(account.NewAccount{Name: "Globex", Owner: "kam", Relations: account.Prospect}, editCmd(0))
	require.NoError(t, err)
	a, _, err = a.AddDepartment("Finance", editCmd(0))
	require.NoError(t, err)
	id := uuid.MustParse("0195f000-0000-7000-8000-0000000000c1")
	a, _, err = a.AddContact(account.Contact{ID: id, Name: "Pat", Email: "pat@globex.example", Role: account.DecisionMaker}, editCmd(0))
	require.NoError(t, err)
	a, _, err = a.AddContact(account.Contact{ID: uuid.MustParse("0195f000-0000-7000-8000-0000000000c2"), Name: "Sam",
		Email: "sam@globex.example", Role: account.User}, editCmd(0))
	require.NoError(t, err)
	return a, id
}

func TestAccountEdit(t *testing.T) {
	a, _ := withContact(t)
	name, domain, size := "  Globex Corporation ", "globex.example", 250
	got, e, err := a.Edit(account.Patch{Name: &name, Domain: &domain, Size: &size}, editCmd(1))
	require.NoError(t, err)
	assert.Equal(t, "Globex Corporation", got.Name, "trimmed as New trims")
	assert.Equal(t, a.Version+1, got.Version)
	assert.Equal(t, "Globex", a.Name, "the input changed")
	var pl crmkit.EditPayload
	require.NoError(t, e.DecodePayload(&pl))
	assert.Equal(t, []crmkit.FieldChange{
		{Field: "name", From: "Globex", To: "Globex Corporation"},
		{Field: "domain", From: "", To: "globex.example"},
		{Field: "size", From: "0", To: "250"},
	}, pl.Changes)
	assert.Equal(t, account.EventAccountEdited, e.Type)
}

func TestAccountEditRefusals(t *testing.T) {
	a, id := withContact(t)
	s := func(v string) *string { return &v }
	big := account.MaxEmployees + 1
	self := a.ID
	badRole := account.ContactRole(99)
	for name, c := range map[string]struct {
		edit  func() (account.Account, crmkit.Event, error)
		want  error
		field string
	}{
		"empty name": {func() (account.Account, crmkit.Event, error) { return a.Edit(account.Patch{Name: s(" ")}, editCmd(1)) }, crmkit.ErrInvalid, "name"},
		"own parent": {func() (account.Account, crmkit.Event, error) { return a.Edit(account.Patch{Parent: &self}, editCmd(1)) }, crmkit.ErrInvalid, "parent"},
		"size":       {func() (account.Account, crmkit.Event, error) { return a.Edit(account.Patch{Size: &big}, editCmd(1)) }, crmkit.ErrInvalid, "size"},
		"domain": {func() (account.Account, crmkit.Event, error) {
			return a.Edit(account.Patch{Domain: s("www.Globex")}, editCmd(1))
		}, crmkit.ErrInvalid, "domain"},
		"no change": {func() (account.Account, crmkit.Event, error) {
			return a.Edit(account.Patch{Name: s("Globex")}, editCmd(1))
		}, crmkit.ErrInvalid, "patch"},
		"no actor": {func() (account.Account, crmkit.Event, error) {
			return a.Edit(account.Patch{Name: s("x")}, crmkit.Cmd{At: editAt})
		}, crmkit.ErrInvalid, "by"},
		"contact mail": {func() (account.Account, crmkit.Event, error) {
			return a.EditContact(id, account.ContactPatch{Email: s("pat")}, editCmd(1))
		}, crmkit.ErrInvalid, "contact email"},
		"contact dept": {func() (account.Account, crmkit.Event, error) {
			return a.EditContact(id, account.ContactPatch{Department: s("Legal")}, editCmd(1))
		}, crmkit.ErrInvalid, "contact department"},
		"contact role": {func() (account.Account, crmkit.Event, error) {
			return a.EditContact(id, account.ContactPatch{Role: &badRole}, editCmd(1))
		}, crmkit.ErrInvalid, "contact role"},
		"duplicate": {func() (account.Account, crmkit.Event, error) {
			return a.EditContact(id, account.ContactPatch{Email: s("sam@globex.example")}, editCmd(1))
		}, crmkit.ErrConflict, ""},
		"unknown contact": {func() (account.Account, crmkit.Event, error) {
			return a.EditContact(uuid.MustParse("0195f000-0000-7000-8000-0000000000ff"), account.ContactPatch{Name: s("x")}, editCmd(1))
		}, crmkit.ErrNotFound, ""},
	} {
		got, e, err := c.edit()
		require.ErrorIs(t, err, c.want, name)
		assert.Equal(t, uuid.Nil, got.ID, name)
		assert.Equal(t, crmkit.Event{}, e, name)
		if c.field != "" {
			var ve *crmkit.ValidationError
			require.ErrorAs(t, err, &ve, name)
			assert.Equal(t, c.field, ve.Field, name)
		}
	}
}

func TestAccountArchive(t *testing.T) {
	a, id := withContact(t)
	arch, e, err := a.Archive(editCmd(1))
	require.NoError(t, err)
	assert.Equal(t, account.EventAccountArchived, e.Type)
	assert.True(t, arch.Archived())
	require.NoError(t, arch.Validate())
	var ae *crmkit.ArchivedError
	for name, err := range map[string]error{
		"edit":         errOf3(arch.Edit(account.Patch{Description: new("x")}, editCmd(2))),
		"edit contact": errOf3(arch.EditContact(id, account.ContactPatch{Title: new("CFO")}, editCmd(2))),
		"reassign":     errOf3(arch.Reassign("other", editCmd(2))),
		"department":   errOf3(arch.AddDepartment("Legal", editCmd(2))),
		"archive":      errOf3(arch.Archive(editCmd(2))),
	} {
		require.ErrorAs(t, err, &ae, name)
		assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, name)
		assert.Equal(t, a.ID, ae.ID, name)
	}
	back, re, err := arch.Restore(editCmd(2))
	require.NoError(t, err)
	assert.Equal(t, account.EventAccountRestored, re.Type)
	assert.False(t, back.Archived())
	_, _, err = back.Restore(editCmd(3))
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	_, _, err = back.Reassign("other", editCmd(3))
	assert.NoError(t, err)
}

func errOf3[T any](_ T, _ crmkit.Event, err error) error { return err }

// Correct a contact's e-mail and read the account's field history.
func ExampleAccount_EditContact() {
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	a, created, err := account.New(account.NewAccount{Name: "Globex", Owner: "kam", Relations: account.Customer}, crmkit.Cmd{By: "kam", At: at})
	if err != nil {
		panic(err)
	}
	pat := uuid.MustParse("0195f000-0000-7000-8000-0000000000c1")
	a, added, err := a.AddContact(account.Contact{ID: pat, Name: "Pat", Email: "pat@globex.example", Role: account.DecisionMaker}, crmkit.Cmd{By: "kam", At: at})
	if err != nil {
		panic(err)
	}
	email := "pat.doe@globex.example"
	a, edited, err := a.EditContact(pat, account.ContactPatch{Email: &email}, crmkit.Cmd{By: "kam", At: at.Add(time.Hour)})
	if err != nil {
		panic(err)
	}
	a, archived, err := a.Archive(crmkit.Cmd{By: "kam", At: at.Add(2 * time.Hour)})
	if err != nil {
		panic(err)
	}
	hist, err := crmkit.FieldHistory(crmkit.EventsOf([]crmkit.Event{created, added, edited, archived}), account.FieldTransitions())
	if err != nil {
		panic(err)
	}
	for _, h := range hist {
		fmt.Printf("%s of %s: %s -> %s\n", h.Field, h.Item.String()[:8], h.From, h.To)
	}
	_, _, err = a.Edit(account.Patch{Name: &email}, crmkit.Cmd{By: "kam", At: at.Add(3 * time.Hour)})
	fmt.Println(errors.Is(err, crmkit.ErrIllegalTransition))
	// Output:
	// email of 0195f000: pat@globex.example -> pat.doe@globex.example
	// true
}
