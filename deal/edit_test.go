package deal_test

import (
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDealEdit(t *testing.T) {
	p, d := fixture(t)
	name := "Fleet renewal 2027"
	typ := deal.NewBusiness
	acct := uuid.MustParse("0195f000-0000-7000-8000-0000000000bb")
	got, e, err := d.Edit(deal.Patch{Name: &name, Type: &typ, AccountID: &acct}, by("bea", 1))
	require.NoError(t, err)
	assert.Equal(t, name, got.Name)
	assert.Equal(t, deal.NewBusiness, got.Type)
	assert.Equal(t, acct, got.AccountID)
	assert.Equal(t, uuid.Nil, got.ContactID, "the old account's contact is cleared")
	assert.Equal(t, "Fleet renewal", d.Name, "the input deal changed")
	assert.Equal(t, d.Version+1, got.Version)
	assert.Equal(t, deal.EventDealEdited, e.Type)
	var pl crmkit.EditPayload
	require.NoError(t, e.DecodePayload(&pl))
	assert.Equal(t, []crmkit.FieldChange{
		{Field: "name", From: "Fleet renewal", To: name},
		{Field: "type", From: "renewal", To: "new_business"},
		{Field: "account_id", From: "0195f000-0000-7000-8000-0000000000aa", To: acct.String()},
		{Field: "contact_id", From: "0195f000-0000-7000-8000-0000000000cc", To: ""},
	}, pl.Changes)

	// The history with the edit, an archive and a restore replays to the
	// same deal.
	a, ae, err := got.Archive(by("bea", 2))
	require.NoError(t, err)
	r, re, err := a.Restore(by("bea", 3))
	require.NoError(t, err)
	_, first, err := deal.New(p, deal.NewDeal{
		ID: d.ID, Name: "Fleet renewal", Type: deal.Renewal, Amount: d.Amount, CloseDate: d.CloseDate,
		AccountID: d.AccountID, ContactID: d.ContactID, Owner: "ana",
	}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: d.CreatedAt}})
	require.NoError(t, err)
	replayed, err := p.Replay([]crmkit.Event{first, e, ae, re})
	require.NoError(t, err)
	assert.Equal(t, r.Name, replayed.Name)
	assert.Equal(t, r.AccountID, replayed.AccountID)
	assert.Equal(t, r.ContactID, replayed.ContactID)
	assert.Equal(t, r.Type, replayed.Type)
	assert.Equal(t, r.Version, replayed.Version)
	assert.False(t, replayed.Archived())
	// A history that changes an archived deal does not replay.
	_, err = p.Replay([]crmkit.Event{first, e, ae, later(e, ae)})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
}

// later returns e moved after prev: its next version, at its time.
func later(e, prev crmkit.Event) crmkit.Event {
	e.Version, e.At = prev.Version+1, prev.At
	return e
}

func TestDealEditRefusals(t *testing.T) {
	p, d := fixture(t)
	s := func(v string) *string { return &v }
	nilID := uuid.Nil
	badType := deal.DealType(99)
	archived, _, err := d.Archive(by("ana", 1))
	require.NoError(t, err)
	terminated, _, err := p.Terminate(d, by("ana", 1))
	require.NoError(t, err)
	for name, c := range map[string]struct {
		d     deal.Deal
		p     deal.Patch
		cmd   deal.Cmd
		want  error
		field string
	}{
		"empty name":    {d, deal.Patch{Name: s(" ")}, by("ana", 2), crmkit.ErrInvalid, "name"},
		"bad type":      {d, deal.Patch{Type: &badType}, by("ana", 2), crmkit.ErrInvalid, "type"},
		"nil account":   {d, deal.Patch{AccountID: &nilID}, by("ana", 2), crmkit.ErrInvalid, "account_id"},
		"no change":     {d, deal.Patch{Name: s("Fleet renewal")}, by("ana", 2), crmkit.ErrInvalid, "patch"},
		"too early":     {d, deal.Patch{Name: s("x")}, by("ana", -1), crmkit.ErrInvalid, "at"},
		"archived":      {archived, deal.Patch{Name: s("x")}, by("ana", 2), crmkit.ErrIllegalTransition, ""},
		"terminated":    {terminated, deal.Patch{Name: s("x")}, by("ana", 2), crmkit.ErrIllegalTransition, ""},
		"archive twice": {archived, deal.Patch{}, by("ana", 2), crmkit.ErrIllegalTransition, ""},
	} {
		var (
			got deal.Deal
			e   crmkit.Event
		)
		if name == "archive twice" {
			got, e, err = c.d.Archive(c.cmd)
		} else {
			got, e, err = c.d.Edit(c.p, c.cmd)
		}
		require.ErrorIs(t, err, c.want, name)
		assert.Equal(t, crmkit.Event{}, e, name)
		assert.Equal(t, uuid.Nil, got.ID, name)
		if c.field != "" {
			var ve *crmkit.ValidationError
			require.ErrorAs(t, err, &ve, name)
			assert.Equal(t, c.field, ve.Field, name)
		}
	}
	// An archived deal takes no other command either; Restore brings it back.
	_, _, err = p.Move(archived, "Negotiation", by("ana", 2))
	var ae *crmkit.ArchivedError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, d.ID, ae.ID)
	_, _, err = d.Restore(by("ana", 2))
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "restoring a live deal")
}

func TestValidateArchivedAt(t *testing.T) {
	_, d := fixture(t)
	d.ArchivedAt = d.CreatedAt.Add(-time.Second)
	var ve *crmkit.ValidationError
	require.ErrorAs(t, d.Validate(), &ve)
	assert.Equal(t, "archived_at", ve.Field)
	d.ArchivedAt = d.CreatedAt
	assert.NoError(t, d.Validate())
}
