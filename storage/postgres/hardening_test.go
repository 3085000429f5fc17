package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
	"github.com/crmkit/crmkit/storage/postgres"
	"github.com/crmkit/crmkit/storage/storagetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Nil and zero databases and stores answer with crmkit.ErrInvalid, never
// a panic (issue 16). No server is needed.
func TestNilAndZeroValues(t *testing.T) {
	ctx := context.Background()
	var nilDB *postgres.DB
	for name, db := range map[string]*postgres.DB{"nil db": nilDB, "zero db": {}, "new with a nil pool": postgres.New(nil)} {
		_, err := db.Tenant("acme")
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		assert.ErrorIs(t, db.Migrate(ctx), crmkit.ErrInvalid, name)
		_, err = db.Version(ctx)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		assert.Nil(t, db.Pool())
		db.Close() // does nothing
	}
	var nilStore *postgres.Store
	for name, s := range map[string]*postgres.Store{"nil store": nilStore, "zero store": {}} {
		assert.Equal(t, "", s.Tenant())
		_, err := s.Leads().Get(ctx, crmkit.NewID())
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		_, _, err = s.Deals().List(ctx, storage.DealFilter{}, storage.Page{})
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		l, ev := testLead("ana")
		_, err = s.Leads().Create(ctx, l, "", ev)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		assert.ErrorIs(t, s.Leads().Save(ctx, l, 1), crmkit.ErrInvalid, name)
		_, err = s.Accounts().Get(ctx, crmkit.NewID())
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		assert.ErrorIs(t, s.Events().Append(ctx, ev), crmkit.ErrInvalid, name)
		for _, err := range s.Events().Between(ctx, crmkit.Period{Start: t0, End: t0.Add(time.Hour)}) {
			assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		}
		assert.ErrorIs(t, s.Update(ctx, func(storage.Tx) error { return nil }), crmkit.ErrInvalid, name)
		_, err = s.ImportLeads(ctx, []lead.Lead{l}, nil)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
}

// After Close every call is an error matching crmkit.ErrUnavailable
// (pgx's "closed pool" matched no sentinel before issue 16).
func TestClosedPoolIsUnavailable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Its own pool, without a schema: nothing to clean up once closed.
	db, err := postgres.Open(ctx, testDSN(t))
	require.NoError(t, err)
	s, err := db.Tenant("acme")
	require.NoError(t, err)
	db.Close()
	l, ev := testLead("ana")
	_, err = s.Leads().Get(ctx, l.ID)
	assert.ErrorIs(t, err, crmkit.ErrUnavailable)
	_, err = s.Leads().Create(ctx, l, "", ev)
	assert.ErrorIs(t, err, crmkit.ErrUnavailable)
	assert.ErrorIs(t, s.Events().Append(ctx, ev), crmkit.ErrUnavailable)
	assert.ErrorIs(t, s.Update(ctx, func(storage.Tx) error { return nil }), crmkit.ErrUnavailable)
	for _, err := range s.Events().Between(ctx, crmkit.Period{Start: t0, End: t0.Add(time.Hour)}) {
		assert.ErrorIs(t, err, crmkit.ErrUnavailable)
	}
	_, err = s.ImportLeads(ctx, []lead.Lead{l}, nil)
	assert.ErrorIs(t, err, crmkit.ErrUnavailable)
	_, err = db.Version(ctx)
	assert.ErrorIs(t, err, crmkit.ErrUnavailable)
}

// A store whose schema was never migrated is unavailable, not invalid
// input.
func TestMissingSchemaIsUnavailable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openSchema(t, testDSN(t))
	s, err := db.Tenant("acme")
	require.NoError(t, err)
	_, err = s.Leads().Get(ctx, crmkit.NewID())
	assert.ErrorIs(t, err, crmkit.ErrUnavailable)
	assert.NotErrorIs(t, err, crmkit.ErrInvalid)
}

// The agreement harness: the same random edge values and edge
// queries on the memory store and on PostgreSQL, which must refuse the
// same writes with the same root sentinel, give back the same content and
// select the same rows.
func TestMemoryAndPostgresAgree(t *testing.T) {
	t.Parallel()
	mem := memory.New()
	pg := newDB(t)
	storagetest.Agree(t,
		func(tenant string) (storage.Store, error) { return mem.Tenant(tenant) },
		func(tenant string) (storage.Store, error) { return pg.Tenant(tenant) })
}

// FuzzStoredValues writes fuzzed edge values to PostgreSQL and holds it
// to the oracle of the stored domain (see storagetest.Fuzz). Without a
// server it skips.
func FuzzStoredValues(f *testing.F) {
	db := newDB(f)
	storagetest.Fuzz(f, func(tenant string) (storage.Store, error) { return db.Tenant(tenant) })
}
