package storage_test

import (
	"errors"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckHistory(t *testing.T) {
	id, other := crmkit.NewID(), crmkit.NewID()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ev := func(kind string, agg uuid.UUID, v int64) crmkit.Event {
		e, err := crmkit.NewEvent(kind, agg, "Changed", "t", at, v, nil)
		require.NoError(t, err)
		return e
	}
	deal := func(v int64) crmkit.Event { return ev("deal", id, v) }
	cases := []struct {
		name     string
		from, to int64
		events   []crmkit.Event
		field    string // "" when valid
	}{
		{"create at 1", 0, 1, []crmkit.Event{deal(1)}, ""},
		{"create at 3, whole history", 0, 3, []crmkit.Event{deal(1), deal(2), deal(3)}, ""},
		{"save by two", 4, 6, []crmkit.Event{deal(5), deal(6)}, ""},
		{"create without events", 0, 1, nil, "events"},
		{"save without events", 1, 2, nil, "events"},
		{"one event short", 4, 6, []crmkit.Event{deal(5)}, "events"},
		{"create at 3 with its last event only", 0, 3, []crmkit.Event{deal(3)}, "events[0].version"},
		{"one event too many", 1, 2, []crmkit.Event{deal(2), deal(3)}, "events[1]"},
		{"out of order", 4, 6, []crmkit.Event{deal(6), deal(5)}, "events[0].version"},
		{"version repeated", 4, 6, []crmkit.Event{deal(5), deal(5)}, "events[1].version"},
		{"another aggregate", 1, 2, []crmkit.Event{ev("deal", other, 2)}, "events[0].aggregate_id"},
		{"another kind", 1, 2, []crmkit.Event{ev("lead", id, 2)}, "events[0].aggregate_kind"},
		{"version not moved", 2, 2, []crmkit.Event{deal(2)}, "version"},
		{"version moved back", 3, 2, nil, "version"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := storage.CheckHistory("deal", id, c.from, c.to, c.events)
			if c.field == "" {
				assert.NoError(t, err)
				return
			}
			var ve *crmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, c.field, ve.Field)
			assert.ErrorIs(t, err, crmkit.ErrInvalid)
			assert.Contains(t, err.Error(), id.String(), "the error names the aggregate")
		})
	}
}

func TestReferenceError(t *testing.T) {
	acct, contact, d := crmkit.NewID(), crmkit.NewID(), crmkit.NewID()
	err := storage.Dangling("deal", d, storage.Reference{Field: "contact_id", Kind: storage.ContactKind, ID: contact, Account: acct})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.False(t, errors.Is(err, crmkit.ErrNotFound), "one root sentinel")
	assert.Equal(t, "deal "+d.String()+": contact_id "+contact.String()+": no contact of account "+acct.String()+" in this tenant", err.Error())
	err = storage.ContactInUse(acct, contact, "deal", d)
	var re *storage.ReferenceError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, storage.Reference{Field: "contacts", Kind: storage.ContactKind, ID: contact, Account: acct}, re.Ref)
	assert.Contains(t, err.Error(), d.String())
	assert.Equal(t, "broken reference", (*storage.ReferenceError)(nil).Error())
}

func TestReferencesOf(t *testing.T) {
	acct, contact, dl := crmkit.NewID(), crmkit.NewID(), crmkit.NewID()
	d := &deal.Deal{AccountID: acct, ContactID: contact}
	assert.Equal(t, []storage.Reference{
		{Field: "account_id", Kind: "account", ID: acct},
		{Field: "contact_id", Kind: "contact", ID: contact, Account: acct},
	}, storage.DealReferences(d))
	assert.Equal(t, []storage.Reference{{Field: "account_id", Kind: "account", ID: acct}},
		storage.DealReferences(&deal.Deal{AccountID: acct}), "no contact, no contact reference")
	assert.Empty(t, storage.DealReferences(&deal.Deal{}))
	assert.Equal(t, []storage.Reference{
		{Field: "account_id", Kind: "account", ID: acct},
		{Field: "deal_id", Kind: "deal", ID: dl},
	}, storage.ContractReferences(&account.Contract{AccountID: acct, DealID: dl}))
	assert.Equal(t, []storage.Reference{{Field: "account_id", Kind: "account", ID: acct}},
		storage.ContractReferences(&account.Contract{AccountID: acct}))
	assert.Nil(t, storage.DealReferences(nil))
	assert.Nil(t, storage.ContractReferences(nil))
}
