package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/sqlite"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Bad paths and contexts are crmkit.ErrInvalid; a file that cannot be
// opened is crmkit.ErrUnavailable.
func TestOpenRefuses(t *testing.T) {
	ctx := context.Background()
	for _, path := range []string{"", "  ", ":memory:", "file:x.db", "a\x00b", "\xff.db"} {
		_, err := sqlite.Open(ctx, path)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "%q", path)
	}
	//lint:ignore SA1012 a nil context is the input under test
	_, err := sqlite.Open(nil, filepath.Join(t.TempDir(), "x.db"))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	_, err = sqlite.Open(ctx, filepath.Join(t.TempDir(), "missing", "dir", "x.db"))
	assert.ErrorIs(t, err, crmkit.ErrUnavailable)

	notDB := filepath.Join(t.TempDir(), "text.db")
	require.NoError(t, os.WriteFile(notDB, []byte("this is not a SQLite database, only some text in a file"), 0o600))
	_, err = sqlite.Open(ctx, notDB)
	assert.ErrorIs(t, err, crmkit.ErrUnavailable)
}

// Migrate is idempotent; a file at a newer version is refused and left
// as it is.
func TestMigrate(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	v, err := db.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, 0, v)
	require.NoError(t, db.Migrate(ctx))
	require.NoError(t, db.Migrate(ctx), "a second Migrate changes nothing")
	v, err = db.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, sqlite.SchemaVersion, v)
	assert.Len(t, sqlite.Migrations(), sqlite.SchemaVersion)

	raw, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer raw.Close()
	_, err = raw.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, 'future.sql')`, sqlite.SchemaVersion+1)
	require.NoError(t, err)
	assert.ErrorIs(t, db.Migrate(ctx), crmkit.ErrConflict)
	v, err = db.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, sqlite.SchemaVersion+1, v)
}

// Nil and zero databases and stores answer with crmkit.ErrInvalid, never
// a panic.
func TestNilAndZeroValues(t *testing.T) {
	ctx := context.Background()
	var nilDB *sqlite.DB
	for name, db := range map[string]*sqlite.DB{"nil db": nilDB, "zero db": {}} {
		_, err := db.Tenant("acme")
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		assert.ErrorIs(t, db.Migrate(ctx), crmkit.ErrInvalid, name)
		_, err = db.Version(ctx)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		db.Close() // does nothing
		assert.Equal(t, "", db.Path())
	}
	var nilStore *sqlite.Store
	for name, s := range map[string]*sqlite.Store{"nil store": nilStore, "zero store": {}} {
		assert.Equal(t, "", s.Tenant())
		_, err := s.Leads().Get(ctx, crmkit.NewID())
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		_, _, err = s.Deals().List(ctx, storage.DealFilter{}, storage.Page{})
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		_, err = s.Accounts().Create(ctx, account.Account{}, "")
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		assert.ErrorIs(t, s.Events().Append(ctx), crmkit.ErrInvalid, name)
		for _, err := range s.Events().ByAggregate(ctx, crmkit.NewID()) {
			assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		}
		assert.ErrorIs(t, s.Update(ctx, func(storage.Tx) error { return nil }), crmkit.ErrInvalid, name)
		_, err = s.ImportLeads(ctx, nil, nil)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
}

// A closed database is crmkit.ErrUnavailable.
func TestClosed(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	require.NoError(t, err)
	require.NoError(t, db.Migrate(ctx))
	s, err := db.Tenant("acme")
	require.NoError(t, err)
	db.Close()
	_, err = s.Leads().Get(ctx, crmkit.NewID())
	assert.ErrorIs(t, err, crmkit.ErrUnavailable)
	l, ev := crashLead(crmkit.NewID(), 1, "x")
	_, err = s.Leads().Create(ctx, l, "", ev)
	assert.ErrorIs(t, err, crmkit.ErrUnavailable)
}

// seedAccount stores an account with one contact in s and returns their
// IDs, for deals to refer to.
func seedAccount(t testing.TB, s storage.Store) (accountID, contactID uuid.UUID) {
	t.Helper()
	cmd := crmkit.Cmd{By: "seed", At: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	a, created, err := account.New(account.NewAccount{Name: "Initech", Owner: "ana", Relations: account.Customer}, cmd)
	if err != nil {
		t.Fatal(err)
	}
	a, added, err := a.AddContact(account.Contact{Name: "Bill", Email: "bill@initech.example", Role: account.User}, cmd)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Accounts().Create(context.Background(), a, "", created, added); err != nil {
		t.Fatal(err)
	}
	return a.ID, a.Contacts[0].ID
}

// importDeals returns n valid new deals of owner, of the account acc and
// its contact, with their DealCreated events.
func importDeals(t testing.TB, n int, owner string, acc, contact uuid.UUID) ([]deal.Deal, []crmkit.Event) {
	t.Helper()
	p := deal.DefaultPipeline()
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	deals := make([]deal.Deal, n)
	events := make([]crmkit.Event, n)
	for i := range deals {
		d, ev, err := deal.New(p, deal.NewDeal{
			Name: fmt.Sprintf("Deal %d", i), Type: deal.NewBusiness,
			Amount:    crmkit.MustMoney(fmt.Sprintf("%d.00", 1000+i%5000), "EUR"),
			CloseDate: at.AddDate(0, 0, 30+i%60), AccountID: acc, ContactID: contact, Owner: owner,
		}, deal.Cmd{Cmd: crmkit.Cmd{By: "importer", At: at}})
		if err != nil {
			t.Fatal(err)
		}
		deals[i], events[i] = d, ev
	}
	return deals, events
}

// ImportDeals stores every deal and event; an import with a stored ID or a
// bad row writes nothing.
func TestImport(t *testing.T) {
	ctx := context.Background()
	s, err := newDB(t).Tenant("acme")
	require.NoError(t, err)
	acc, contact := seedAccount(t, s)
	deals, events := importDeals(t, 300, "imp", acc, contact)
	n, err := s.ImportDeals(ctx, deals, events)
	require.NoError(t, err)
	assert.Equal(t, int64(300), n)
	got, err := s.Deals().Get(ctx, deals[123].ID)
	require.NoError(t, err)
	assert.Equal(t, deals[123].ID, got.ID)
	count := 0
	for _, err := range storage.All(ctx, s.Deals(), storage.DealFilter{Owner: "imp"}, 0) {
		require.NoError(t, err)
		count++
	}
	assert.Equal(t, 300, count)

	// Two new deals and one already stored: nothing of it lands.
	more, mev := importDeals(t, 2, "imp2", acc, contact)
	_, err = s.ImportDeals(ctx, append(more, deals[0]), mev)
	assert.ErrorIs(t, err, crmkit.ErrConflict)
	_, err = s.Deals().Get(ctx, more[0].ID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)

	// A deal of an account that is not stored: the foreign key refuses
	// it, ErrInvalid, nothing written.
	stray, sev := importDeals(t, 1, "imp3", crmkit.NewID(), uuid.Nil)
	_, err = s.ImportDeals(ctx, stray, sev)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = s.Deals().Get(ctx, stray[0].ID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)

	// A deal whose contact is not its account's: refused the same way.
	wrong, wev := importDeals(t, 1, "imp4", acc, crmkit.NewID())
	_, err = s.ImportDeals(ctx, wrong, wev)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = s.Deals().Get(ctx, wrong[0].ID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)

	// An invalid lead: ErrInvalid, nothing written.
	l, lev := crashLead(crmkit.NewID(), 1, "ok")
	bad, _ := crashLead(crmkit.NewID(), 1, "bad version")
	bad.Version = 0
	_, err = s.ImportLeads(ctx, []lead.Lead{l, bad}, []crmkit.Event{lev})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = s.Leads().Get(ctx, l.ID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
}

// Two DBs on one file, as two processes would have: an Update whose
// snapshot another writer made stale fails at its first write with an
// error storage.Retry runs again (SQLITE_BUSY_SNAPSHOT mapped to
// storage.ErrSerialization), and the retry succeeds on fresh data.
func TestTwoHandlesStaleSnapshot(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "two.db")
	db1, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer db1.Close()
	require.NoError(t, db1.Migrate(ctx))
	db2, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer db2.Close()
	s1, err := db1.Tenant("acme")
	require.NoError(t, err)
	s2, err := db2.Tenant("acme")
	require.NoError(t, err)
	id := crmkit.NewID()
	l, ev := crashLead(id, 1, "start")
	_, err = s1.Leads().Create(ctx, l, "", ev)
	require.NoError(t, err)

	attempts := 0
	err = storage.Retry(ctx, storage.Policy{MaxAttempts: 3}, func(ctx context.Context) error {
		attempts++
		err := s1.Update(ctx, func(tx storage.Tx) error {
			cur, err := tx.Leads().Get(ctx, id) // the snapshot starts here
			if err != nil {
				return err
			}
			if attempts == 1 {
				// The other handle moves the lead on meanwhile.
				next, ev := crashLead(id, cur.Version+1, "other")
				require.NoError(t, s2.Leads().Save(ctx, next, cur.Version, ev))
			}
			next, ev := crashLead(id, cur.Version+1, "mine")
			return tx.Leads().Save(ctx, next, cur.Version, ev)
		})
		if attempts == 1 {
			assert.ErrorIs(t, err, storage.ErrSerialization)
		}
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, 2, attempts)
	got, err := s2.Leads().Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, int64(3), got.Version, "1, the other handle's save, the retried Update's")
	assert.Equal(t, "mine", got.Who.Name)
}
