package memory_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
	"github.com/crmkit/crmkit/storage/storagetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// opener returns the storagetest.Opener of a fresh database.
func opener(*testing.T) storagetest.Opener {
	db := memory.New()
	return func(tenant string) (storage.Store, error) {
		s, err := db.Tenant(tenant)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
}

func TestConformance(t *testing.T) { storagetest.Run(t, opener) }

// Nil and zero databases and stores answer with crmkit.ErrInvalid, never
// a panic (issue 16).
func TestNilAndZeroValues(t *testing.T) {
	ctx := context.Background()
	var nilDB *memory.DB
	for name, db := range map[string]*memory.DB{"nil db": nilDB, "zero db": {}} {
		_, err := db.Tenant("acme")
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
	var nilStore *memory.Store
	for name, s := range map[string]*memory.Store{"nil store": nilStore, "zero store": {}} {
		assert.Equal(t, "", s.Tenant())
		_, err := s.Leads().Get(ctx, crmkit.NewID())
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		_, _, err = s.Deals().List(ctx, storage.DealFilter{}, storage.Page{})
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		assert.ErrorIs(t, s.Leads().Save(ctx, lead.Lead{}, 1), crmkit.ErrInvalid, name)
		_, err = s.Accounts().Create(ctx, account.Account{}, "")
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		_, err = s.Plans().Get(ctx, crmkit.NewID())
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		assert.ErrorIs(t, s.Events().Append(ctx), crmkit.ErrInvalid, name)
		for _, err := range s.Events().Between(ctx, crmkit.Period{Start: time.Unix(0, 0), End: time.Unix(1, 0)}) {
			assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		}
		for _, err := range s.Events().ByAggregate(ctx, crmkit.NewID()) {
			assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		}
		assert.ErrorIs(t, s.Update(ctx, func(storage.Tx) error { return nil }), crmkit.ErrInvalid, name)
	}
}

// FuzzStoredValues writes fuzzed edge values (times, decimals, strings,
// payloads) to the memory store and holds it to the oracle of the stored
// domain (see storagetest.Fuzz).
func FuzzStoredValues(f *testing.F) { storagetest.Fuzz(f, opener(nil)) }

// A reference is checked again at commit: an Update that drops an
// account's contact, while a deal referring to it is stored outside the
// Update before the commit, fails whole.
func TestReferencesCheckedAtCommit(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s, err := memory.New().Tenant("acme")
	require.NoError(t, err)
	a, opened, err := account.New(account.NewAccount{Name: "Globex", Owner: "ana", Relations: account.Customer}, crmkit.Cmd{By: "ana", At: at})
	require.NoError(t, err)
	a, added, err := a.AddContact(account.Contact{Name: "Hank", Email: "hank@globex.example", Role: account.User}, crmkit.Cmd{By: "ana", At: at})
	require.NoError(t, err)
	_, err = s.Accounts().Create(ctx, a, "", opened, added)
	require.NoError(t, err)

	dropped := a.Clone()
	dropped.Contacts, dropped.Version = nil, a.Version+1
	ev, err := crmkit.NewEvent(account.AccountKind, a.ID, "ContactRemoved", "ana", at, dropped.Version, nil)
	require.NoError(t, err)
	d, created, err := deal.New(deal.DefaultPipeline(), deal.NewDeal{Name: "Fleet", Type: deal.NewBusiness,
		Amount: crmkit.MustMoney("100.00", "EUR"), AccountID: a.ID, ContactID: a.Contacts[0].ID, Owner: "ana"},
		deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at}})
	require.NoError(t, err)

	err = s.Update(ctx, func(tx storage.Tx) error {
		if err := tx.Accounts().Save(ctx, dropped, a.Version, ev); err != nil {
			return err // no deal refers to the contact yet
		}
		_, err := s.Deals().Create(ctx, d, "", created) // outside the Update: committed at once
		return err
	})
	var re *storage.ReferenceError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "contacts", re.Ref.Field)
	got, err := s.Accounts().Get(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, a.Version, got.Version, "the Update wrote nothing")
	assert.Len(t, got.Contacts, 1)
}
