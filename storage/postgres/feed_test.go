package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/postgres"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFeedTerminatedBackend kills the connection of a Consume's
// transaction after its handler wrote: the Consume fails, the handler's
// write and the position stay as they were, and the next Consume
// delivers the same event and keeps both.
func TestFeedTerminatedBackend(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := testDSN(t)
	admin, schema := openSchema(t, dsn)
	_, err := admin.Pool().Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	app := "crmkit-feed-" + uuid.NewString()[:8]
	cfg, err := pgxpool.ParseConfig(dsn)
	require.NoError(t, err)
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	cfg.ConnConfig.RuntimeParams["application_name"] = app
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	db := postgres.New(pool)
	t.Cleanup(db.Close)
	require.NoError(t, db.Migrate(ctx))
	s, err := db.Tenant("acme")
	require.NoError(t, err)

	// The handler's effect: it moves the projection lead to the owner
	// of the event's lead, one version per event handled.
	proj, pev := testLead("projection")
	_, err = s.Leads().Create(ctx, proj, "", pev)
	require.NoError(t, err)
	require.NoError(t, s.Register(ctx, "proj", storage.EncodePosition("acme", 1)))
	src, sev := testLead("ana")
	_, err = s.Leads().Create(ctx, src, "", sev)
	require.NoError(t, err)

	kill := func() {
		var killed int
		require.NoError(t, admin.Pool().QueryRow(ctx, `SELECT count(*) FROM (
			SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE application_name = $1 AND state LIKE 'idle in transaction%') k`, app).Scan(&killed))
		require.Equal(t, 1, killed, "one transaction to terminate")
		require.Eventually(t, func() bool {
			var left int
			err := admin.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND state LIKE 'idle in transaction%'`, app).Scan(&left)
			return err == nil && left == 0
		}, 10*time.Second, 10*time.Millisecond)
	}
	handle := func(killIt bool) (int, error) {
		return s.Consume(ctx, "proj", 10, func(tx storage.Tx, events []crmkit.Event) error {
			for _, e := range events {
				if e.AggregateID == proj.ID {
					continue
				}
				p, err := tx.Leads().Get(ctx, proj.ID)
				if err != nil {
					return err
				}
				next := p.Clone()
				next.Owner, next.Version = "seen-"+e.ID.String()[:8], p.Version+1
				nev, err := crmkit.NewEvent(lead.LeadKind, p.ID, lead.EventLeadAssigned, "feed", t0, next.Version, nil)
				if err != nil {
					return err
				}
				if err := tx.Leads().Save(ctx, next, p.Version, nev); err != nil {
					return err
				}
			}
			if killIt {
				kill()
			}
			return nil // the commit fails on the dead connection
		})
	}
	_, err = handle(true)
	require.Error(t, err)
	assert.ErrorIs(t, err, crmkit.ErrUnavailable)
	pos, err := s.Position(ctx, "proj")
	require.NoError(t, err)
	assert.Equal(t, storage.EncodePosition("acme", 1), pos, "the position stays")
	got, err := s.Leads().Get(ctx, proj.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.Version, "the handler's write is not kept")

	n, err := handle(false)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the same event again")
	got, err = s.Leads().Get(ctx, proj.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Version, "handled once")
	assert.Equal(t, "seen-"+sev.ID.String()[:8], got.Owner)
	pos, err = s.Position(ctx, "proj")
	require.NoError(t, err)
	assert.Equal(t, storage.EncodePosition("acme", 2), pos)
}

// TestFeedMigratesExistingEvents migrates a version-9 schema holding
// events: they get places per tenant in the order of (at, id), and new
// events come after them.
func TestFeedMigratesExistingEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, schema := openSchema(t, testDSN(t))
	_, err := db.Pool().Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	_, err = db.Pool().Exec(ctx, `CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
	require.NoError(t, err)
	for _, m := range postgres.Migrations()[:9] {
		_, err := db.Pool().Exec(ctx, m.SQL)
		require.NoError(t, err, m.Name)
		_, err = db.Pool().Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name)
		require.NoError(t, err)
	}
	// Inserted in the order c, a, b (acme) and d (beta); a and b share a
	// time, so their IDs decide: a < b.
	a := uuid.MustParse("00000000-0000-7000-8000-00000000000a")
	b := uuid.MustParse("00000000-0000-7000-8000-00000000000b")
	c := uuid.MustParse("00000000-0000-7000-8000-00000000000c")
	d := uuid.MustParse("00000000-0000-7000-8000-00000000000d")
	for _, row := range []struct {
		tenant string
		id     uuid.UUID
		at     time.Time
	}{{"acme", c, t0.Add(time.Hour)}, {"acme", a, t0}, {"acme", b, t0}, {"beta", d, t0}} {
		_, err := db.Pool().Exec(ctx, `INSERT INTO events (tenant_id, id, aggregate_kind, aggregate_id, type, actor, at, version, from_state, to_state, reason)
			VALUES ($1, $2, 'lead', $2, 'LeadCaptured', 'test', $3, 1, '', '', '')`, row.tenant, row.id, row.at)
		require.NoError(t, err)
	}
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

	l, ev := testLead("ana")
	_, err = acme.Leads().Create(ctx, l, "", ev)
	require.NoError(t, err)
	require.NoError(t, acme.Register(ctx, "all", ""))
	var got []uuid.UUID
	_, err = acme.Consume(ctx, "all", 0, func(_ storage.Tx, events []crmkit.Event) error {
		for _, e := range events {
			got = append(got, e.ID)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{a, b, c, ev.ID}, got)
}
