package memory_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
	"github.com/crmkit/crmkit/storage/storagetest"
	"github.com/stretchr/testify/assert"
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
