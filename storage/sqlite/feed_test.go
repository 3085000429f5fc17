package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/sqlite"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// feedLead captures a new lead owned by owner, with its event.
func feedLead(t testing.TB, owner string) (lead.Lead, crmkit.Event) {
	t.Helper()
	l, e, err := lead.New(lead.Capture{Who: lead.Person{Name: "Lead of " + owner}, Source: lead.ChannelEmail, Owner: owner},
		crmkit.Cmd{By: owner, At: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	return l, e
}

// consumedIDs consumes every event of consumer and returns their IDs in
// feed order.
func consumedIDs(t testing.TB, f storage.Feed, consumer string) []uuid.UUID {
	t.Helper()
	var got []uuid.UUID
	for {
		n, err := f.Consume(context.Background(), consumer, 2, func(_ storage.Tx, events []crmkit.Event) error {
			for _, e := range events {
				got = append(got, e.ID)
			}
			return nil
		})
		require.NoError(t, err)
		if n == 0 {
			return got
		}
	}
}

// A file at schema version 3 holding events migrates to 4: the events
// get places per tenant in the order of (at, id), and new events come
// after them.
func TestFeedMigratesExistingEvents(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v3.db")
	raw, err := sql.Open("sqlite", path+"?_pragma=foreign_keys(1)")
	require.NoError(t, err)
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	_, err = raw.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT '') STRICT`)
	require.NoError(t, err)
	for _, m := range sqlite.Migrations()[:3] {
		_, err := raw.ExecContext(ctx, m.SQL)
		require.NoError(t, err, m.Name)
		_, err = raw.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.Version, m.Name)
		require.NoError(t, err)
	}
	// Inserted in the order c, a, b (acme) and d (beta); a and b share a
	// time, so their IDs decide: a < b. c is an hour later: last.
	a := uuid.MustParse("00000000-0000-7000-8000-00000000000a")
	b := uuid.MustParse("00000000-0000-7000-8000-00000000000b")
	c := uuid.MustParse("00000000-0000-7000-8000-00000000000c")
	d := uuid.MustParse("00000000-0000-7000-8000-00000000000d")
	const t0 = int64(1_767_600_000_000_000) // microseconds
	for _, row := range []struct {
		tenant string
		id     uuid.UUID
		at     int64
	}{{"acme", c, t0 + 3_600_000_000}, {"acme", a, t0}, {"acme", b, t0}, {"beta", d, t0}} {
		_, err := raw.ExecContext(ctx, `INSERT INTO events (tenant_id, id, aggregate_kind, aggregate_id, type, actor, at, version, from_state, to_state, reason)
			VALUES (?, ?, 'lead', ?, 'LeadCaptured', 'test', ?, 1, '', '', '')`, row.tenant, row.id[:], row.id[:], row.at)
		require.NoError(t, err)
	}
	require.NoError(t, raw.Close())

	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Migrate(ctx))
	acme, err := db.Tenant("acme")
	require.NoError(t, err)
	beta, err := db.Tenant("beta")
	require.NoError(t, err)
	head, err := acme.Head(ctx)
	require.NoError(t, err)
	assert.Equal(t, storage.EncodePosition("acme", 3), head)
	head, err = beta.Head(ctx)
	require.NoError(t, err)
	assert.Equal(t, storage.EncodePosition("beta", 1), head)

	l, ev := feedLead(t, "ana")
	_, err = acme.Leads().Create(ctx, l, "", ev)
	require.NoError(t, err)
	require.NoError(t, acme.Register(ctx, "all", ""))
	assert.Equal(t, []uuid.UUID{a, b, c, ev.ID}, consumedIDs(t, acme, "all"))
	require.NoError(t, beta.Register(ctx, "all", ""))
	assert.Equal(t, []uuid.UUID{d}, consumedIDs(t, beta, "all"))
}

// Another writer of the file that leaves feed_pos out (a tool, older
// code) still puts its event at the tenant's next place: the trigger
// events_feed_pos gives it one.
func TestFeedOtherWriterGetsNextPlace(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crm.db")
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Migrate(ctx))
	s, err := db.Tenant("acme")
	require.NoError(t, err)
	l, ev := feedLead(t, "ana")
	_, err = s.Leads().Create(ctx, l, "", ev) // place 1
	require.NoError(t, err)

	raw, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	require.NoError(t, err)
	defer raw.Close()
	id := crmkit.NewID()
	_, err = raw.ExecContext(ctx, `INSERT INTO events (tenant_id, id, aggregate_kind, aggregate_id, type, actor, at, version, from_state, to_state, reason)
		VALUES ('acme', ?, 'note', ?, 'Noted', 'tool', 0, 1, '', '', '')`, id[:], id[:])
	require.NoError(t, err)
	assert.Equal(t, 1, countRows(t, raw, `SELECT count(*) FROM events WHERE tenant_id = 'acme' AND id = ? AND feed_pos = 2`, id[:]))

	l2, ev2 := feedLead(t, "bo")
	_, err = s.Leads().Create(ctx, l2, "", ev2) // place 3
	require.NoError(t, err)
	require.NoError(t, s.Register(ctx, "all", ""))
	assert.Equal(t, []uuid.UUID{ev.ID, id, ev2.ID}, consumedIDs(t, s, "all"))
}

// Wait sees the commits of another DB on the same file (another
// process): it has no wake-up from them, and finds them by looking again.
func TestFeedWaitSeesOtherDB(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crm.db")
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
	require.NoError(t, s1.Register(ctx, "w", ""))

	waited := make(chan error, 1)
	go func() {
		wctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		waited <- s1.Wait(wctx, "w")
	}()
	l, ev := feedLead(t, "ana")
	_, err = s2.Leads().Create(ctx, l, "", ev)
	require.NoError(t, err)
	require.NoError(t, <-waited, "Wait returns once the other DB's event is in the feed")
	assert.Equal(t, []uuid.UUID{ev.ID}, consumedIDs(t, s1, "w"))
}

// A handler's write through tx and the consumer's move commit together:
// a second DB on the file sees both or neither, and a handler error
// leaves both as they were.
func TestFeedConsumeWritesWithPosition(t *testing.T) {
	ctx := context.Background()
	s, err := newDB(t).Tenant("acme")
	require.NoError(t, err)
	require.NoError(t, s.Register(ctx, "copy", ""))
	src, sev := feedLead(t, "ana")
	_, err = s.Leads().Create(ctx, src, "", sev)
	require.NoError(t, err)

	copyOf := func(fail bool) (int, error) {
		return s.Consume(ctx, "copy", 0, func(tx storage.Tx, events []crmkit.Event) error {
			l, e := feedLead(t, "copier")
			if _, err := tx.Leads().Create(ctx, l, "", e); err != nil {
				return err
			}
			if fail {
				return crmkit.Invalid("handler", "fails after writing")
			}
			return nil
		})
	}
	countCopies := func() int {
		page, _, err := s.Leads().List(ctx, storage.LeadFilter{Owner: "copier"}, storage.Page{})
		require.NoError(t, err)
		return len(page)
	}
	_, err = copyOf(true)
	require.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Zero(t, countCopies(), "the failed handler's write is not kept")
	pos, err := s.Position(ctx, "copy")
	require.NoError(t, err)
	assert.Equal(t, storage.Position(""), pos, "the position stays at the start")

	n, err := copyOf(false)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, 1, countCopies())
	pos, err = s.Position(ctx, "copy")
	require.NoError(t, err)
	assert.Equal(t, storage.EncodePosition("acme", 1), pos, "past the lead's event, not the copy's")
}

// Every write path gives places that stay dense and in commit order:
// random sequences of Creates, Updates that write then roll back,
// Appends, imports, and another writer's raw INSERT in two tenants; the
// model is the list of committed event IDs per tenant, in the order the
// calls returned.
func TestFeedPlacesProperty(t *testing.T) {
	ctx := context.Background()
	rapid.Check(t, func(rt *rapid.T) {
		path := filepath.Join(t.TempDir(), "crm.db")
		db, err := sqlite.Open(ctx, path)
		require.NoError(rt, err)
		defer db.Close()
		require.NoError(rt, db.Migrate(ctx))
		raw, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
		require.NoError(rt, err)
		defer raw.Close()
		tenants := []string{"acme", "beta"}
		committed := map[string][]uuid.UUID{}
		for range rapid.IntRange(1, 12).Draw(rt, "steps") {
			tenant := rapid.SampledFrom(tenants).Draw(rt, "tenant")
			s, err := db.Tenant(tenant)
			require.NoError(rt, err)
			switch rapid.IntRange(0, 4).Draw(rt, "op") {
			case 0: // a Create
				l, ev := feedLead(t, "ana")
				_, err := s.Leads().Create(ctx, l, "", ev)
				require.NoError(rt, err)
				committed[tenant] = append(committed[tenant], ev.ID)
			case 1: // an Update that writes two leads, then fails
				err := s.Update(ctx, func(tx storage.Tx) error {
					for range 2 {
						l, ev := feedLead(t, "rolled-back")
						if _, err := tx.Leads().Create(ctx, l, "", ev); err != nil {
							return err
						}
					}
					return crmkit.Invalid("test", "roll back")
				})
				require.ErrorIs(rt, err, crmkit.ErrInvalid)
			case 2: // an Append of two events of an unstored aggregate
				agg := crmkit.NewID()
				var evs []crmkit.Event
				for v := int64(1); v <= 2; v++ {
					e, err := crmkit.NewEvent("note", agg, "Noted", "ana", time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), v, nil)
					require.NoError(rt, err)
					evs = append(evs, e)
				}
				require.NoError(rt, s.Events().Append(ctx, evs...))
				committed[tenant] = append(committed[tenant], evs[0].ID, evs[1].ID)
			case 3: // an import of two leads
				l1, e1 := feedLead(t, "imported")
				l2, e2 := feedLead(t, "imported")
				_, err := s.ImportLeads(ctx, []lead.Lead{l1, l2}, []crmkit.Event{e1, e2})
				require.NoError(rt, err)
				committed[tenant] = append(committed[tenant], e1.ID, e2.ID)
			case 4: // another writer's INSERT without a place
				id := crmkit.NewID()
				_, err := raw.ExecContext(ctx, `INSERT INTO events (tenant_id, id, aggregate_kind, aggregate_id, type, actor, at, version, from_state, to_state, reason)
					VALUES (?, ?, 'note', ?, 'Noted', 'tool', 0, 1, '', '', '')`, tenant, id[:], id[:])
				require.NoError(rt, err)
				committed[tenant] = append(committed[tenant], id)
			}
		}
		for _, tenant := range tenants {
			s, err := db.Tenant(tenant)
			require.NoError(rt, err)
			head, err := s.Head(ctx)
			require.NoError(rt, err)
			assert.Equal(rt, storage.EncodePosition(tenant, int64(len(committed[tenant]))), head, tenant)
			require.NoError(rt, s.Register(ctx, "all", ""))
			var got []uuid.UUID
			for {
				n, err := s.Consume(ctx, "all", 3, func(_ storage.Tx, events []crmkit.Event) error {
					for _, e := range events {
						got = append(got, e.ID)
					}
					return nil
				})
				require.NoError(rt, err)
				if n == 0 {
					break
				}
			}
			assert.Equal(rt, committed[tenant], got, tenant)
		}
	})
}
