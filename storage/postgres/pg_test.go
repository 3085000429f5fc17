package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/postgres"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// testLead returns a version-1 lead and its LeadCaptured event.
func testLead(owner string) (lead.Lead, crmkit.Event) {
	l := lead.Lead{
		ID:     crmkit.NewID(),
		Who:    lead.Person{Name: "Ada", Email: "ada@example.com", Company: "Acme", Attributes: map[string]string{"segment": "smb"}},
		Source: lead.ChannelEmail, Owner: owner, Stage: lead.StageMQL,
		StageAt: t0, CreatedAt: t0, UpdatedAt: t0, Version: 1,
	}
	e, err := crmkit.NewEvent(lead.LeadKind, l.ID, lead.EventLeadCaptured, "test", t0, 1, nil)
	if err != nil {
		panic(err)
	}
	return l, e
}

// testAccount, with its contact testContact, is the account every
// testDeal refers to: store it first (storeTestAccount).
var (
	testAccount = uuid.MustParse("0190f3a0-0000-7000-8000-0000000000aa")
	testContact = uuid.MustParse("0190f3a0-0000-7000-8000-0000000000cc")
)

// testAccountValue returns testAccount with its contact, and its history.
func testAccountValue(t testing.TB) (account.Account, []crmkit.Event) {
	t.Helper()
	a, e1, err := account.New(account.NewAccount{ID: testAccount, Name: "Initech", Owner: "ana", Relations: account.Customer}, crmkit.Cmd{By: "test", At: t0})
	require.NoError(t, err)
	a, e2, err := a.AddContact(account.Contact{ID: testContact, Name: "Bill", Email: "bill@initech.example", Role: account.User}, crmkit.Cmd{By: "test", At: t0})
	require.NoError(t, err)
	return a, []crmkit.Event{e1, e2}
}

// storeTestAccount stores testAccount in s unless it is there.
func storeTestAccount(t testing.TB, s *postgres.Store) {
	t.Helper()
	a, evs := testAccountValue(t)
	_, err := s.Accounts().Create(context.Background(), a, "test-account", evs...)
	require.NoError(t, err)
}

// insertOldTestAccount inserts testAccount into tenant's accounts table of
// a schema older than version 5 (relations a number), as code of that
// version stored it.
func insertOldTestAccount(t testing.TB, pool *pgxpool.Pool, tenant string) {
	t.Helper()
	a, _ := testAccountValue(t)
	body, err := json.Marshal(a)
	require.NoError(t, err)
	_, err = pool.Exec(context.Background(), `INSERT INTO accounts (tenant_id, id, version, owner, segment, parent, relations, body)
		VALUES ($1, $2, $3, $4, '', NULL, 2, jsonb_set($5::jsonb, '{relations}', '2'))`, tenant, a.ID, a.Version, a.Owner, string(body))
	require.NoError(t, err)
}

// testDeal returns a version-1 deal in the default pipeline and its
// DealCreated event. It refers to testAccount and testContact.
func testDeal(t testing.TB, p *deal.Pipeline, owner string, i int) (deal.Deal, crmkit.Event) {
	t.Helper()
	d, e, err := deal.New(p, deal.NewDeal{
		Name: fmt.Sprintf("Deal %d", i), Type: deal.NewBusiness,
		Amount:    crmkit.MustMoney(fmt.Sprintf("%d.00", 1000+i%5000), "EUR"),
		CloseDate: t0.AddDate(0, 0, 30+i%60), AccountID: testAccount, ContactID: testContact, Owner: owner,
	}, deal.Cmd{Cmd: crmkit.Cmd{By: "importer", At: t0}})
	require.NoError(t, err)
	return d, e
}

func TestOpenRejectsMalformedInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, dsn := range []string{
		"postgres://app@db:notaport/crm",
		"host=db port=abc",
		"postgres://app@db/crm?sslmode=sometimes",
		"postgres://app@db/crm?connect_timeout=soon",
		"postgres://app@[::1/crm",
	} {
		_, err := postgres.Open(ctx, dsn)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "dsn %q", dsn)
	}
	for name, opt := range map[string]postgres.Option{
		"empty schema":    postgres.Schema(""),
		"blank schema":    postgres.Schema("  "),
		"long schema":     postgres.Schema(strings.Repeat("s", postgres.MaxSchemaLen+1)),
		"nul in schema":   postgres.Schema("a\x00b"),
		"utf-8 in schema": postgres.Schema("a\xffb"),
		"zero conns":      postgres.MaxConns(0),
		"nil option":      nil,
	} {
		_, err := postgres.Open(ctx, "postgres://app@127.0.0.1:1/crm", opt)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
	// A well-formed DSN of a server that is not there is an error, but
	// not invalid input.
	_, err := postgres.Open(ctx, "postgres://app@127.0.0.1:1/crm?connect_timeout=2&sslmode=disable")
	require.Error(t, err)
	assert.NotErrorIs(t, err, crmkit.ErrInvalid)
	assert.ErrorIs(t, err, crmkit.ErrUnavailable, "a server that does not answer is unavailable")

	// A nil context is invalid input; it used to panic inside a pool
	// goroutine and kill the process.
	var nilCtx context.Context
	_, err = postgres.Open(nilCtx, "postgres://app@127.0.0.1:1/crm?sslmode=disable")
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openSchema(t, testDSN(t))
	v, err := db.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, 0, v, "before the first Migrate")

	require.NoError(t, db.Migrate(ctx))
	s, err := db.Tenant("acme")
	require.NoError(t, err)
	l, ev := testLead("ana")
	_, err = s.Leads().Create(ctx, l, "k", ev)
	require.NoError(t, err)

	// Again: nothing changes, the data stays.
	require.NoError(t, db.Migrate(ctx))
	require.NoError(t, db.Migrate(ctx))
	v, err = db.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, postgres.SchemaVersion, v)
	var rows int
	require.NoError(t, db.Pool().QueryRow(ctx, "SELECT count(*) FROM schema_migrations").Scan(&rows))
	assert.Equal(t, len(postgres.Migrations()), rows, "one row per migration")
	_, err = s.Leads().Get(ctx, l.ID)
	require.NoError(t, err)

	// Concurrent migrators of a fresh schema apply each migration once.
	db2, _ := openSchema(t, testDSN(t))
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Go(func() { errs[i] = db2.Migrate(ctx) })
	}
	wg.Wait()
	for _, err := range errs {
		assert.NoError(t, err, "a concurrent Migrate")
	}
	require.NoError(t, db2.Pool().QueryRow(ctx, "SELECT count(*) FROM schema_migrations").Scan(&rows))
	assert.Equal(t, len(postgres.Migrations()), rows)
}

// TestMigrateUpgrades brings a database at schema version 1 to the
// current version: only the missing migrations run, in order, and the
// data stays.
func TestMigrateUpgrades(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, schema := openSchema(t, testDSN(t))
	first := postgres.Migrations()[0]
	_, err := db.Pool().Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	_, err = db.Pool().Exec(ctx, first.SQL)
	require.NoError(t, err)
	_, err = db.Pool().Exec(ctx, `CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
		INSERT INTO schema_migrations (version, name) VALUES (1, '0001_init.sql')`)
	require.NoError(t, err)
	s, err := db.Tenant("acme")
	require.NoError(t, err)
	// A lead as version-1 code stored it: its stage a number (2, the
	// second stage: MQL), its body's keys the Go field names.
	id := crmkit.NewID()
	_, err = db.Pool().Exec(ctx, `INSERT INTO leads (tenant_id, id, version, stage, source, owner, body) VALUES ('acme', $1, 1, 2, 'email', 'ana', $2)`,
		id, fmt.Sprintf(`{"ID": %q, "Who": {"Name": "Ada"}, "Source": "email", "Owner": "ana", "Stage": 2, "Version": 1}`, id))
	require.NoError(t, err, "a version-1 schema stores leads")
	_, _, err = s.Plans().List(ctx, storage.PlanFilter{}, storage.Page{})
	require.Error(t, err, "no plans table before the upgrade")

	require.NoError(t, db.Migrate(ctx))
	v, err := db.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, postgres.SchemaVersion, v)
	var names []string
	rows, err := db.Pool().Query(ctx, "SELECT name FROM schema_migrations ORDER BY applied_at, version")
	require.NoError(t, err)
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		names = append(names, n)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []string{"0001_init.sql", "0002_plans_campaigns.sql", "0003_accounts_contracts.sql", "0004_fractions.sql", "0005_enum_text.sql", "0006_references.sql", "0007_account_keys.sql", "0008_pipelines_forecasts_commissions.sql", "0009_quotes_approvals_interactions.sql",
		"0010_feed.sql", "0011_live_deals.sql", "0012_deal_report_columns.sql", "0013_custom_fields.sql", "0014_list_indexes.sql", "0015_live_deals_rev.sql", "0016_live_deals_archived.sql",
		"0017_slim_indexes.sql", "0018_live_deals_changed_by.sql",
		"0019_deals_owner_close.sql", "0020_archived_custom_columns.sql"}, names)
	got, err := s.Leads().Get(ctx, id)
	require.NoError(t, err, "the lead survived the upgrade")
	assert.Equal(t, lead.Lead{ID: id, Who: lead.Person{Name: "Ada"}, Source: lead.ChannelEmail, Owner: "ana", Stage: lead.StageMQL, Version: 1}, got)
	page, _, err := s.Plans().List(ctx, storage.PlanFilter{}, storage.Page{})
	require.NoError(t, err)
	assert.Empty(t, page)
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := newDB(t)
	newer := postgres.SchemaVersion + 1
	_, err := db.Pool().Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", newer, "9999_from_the_future.sql")
	require.NoError(t, err)

	err = db.Migrate(ctx)
	require.ErrorIs(t, err, crmkit.ErrConflict)
	assert.Contains(t, err.Error(), fmt.Sprintf("schema version %d, newer than this code's %d", newer, postgres.SchemaVersion))
	v, err := db.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, newer, v, "the refused Migrate changed nothing")
}

func TestImport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := newDB(t)
	s, err := db.Tenant("acme")
	require.NoError(t, err)
	other, err := db.Tenant("globex")
	require.NoError(t, err)
	p := deal.DefaultPipeline()
	storeTestAccount(t, s)

	const n = 300
	deals := make([]deal.Deal, n)
	events := make([]crmkit.Event, n)
	for i := range deals {
		owner := "ana"
		if i%3 == 0 {
			owner = "bo"
		}
		deals[i], events[i] = testDeal(t, p, owner, i)
	}
	got, err := s.ImportDeals(ctx, deals, events)
	require.NoError(t, err)
	assert.Equal(t, int64(n), got)

	d, err := s.Deals().Get(ctx, deals[17].ID)
	require.NoError(t, err)
	assert.Equal(t, deals[17].Name, d.Name)
	assert.Equal(t, deals[17].Amount, d.Amount)
	assert.True(t, deals[17].CloseDate.Equal(d.CloseDate))
	var bo int
	for _, err := range storage.All(ctx, s.Deals(), storage.DealFilter{Owner: "bo"}, 0) {
		require.NoError(t, err)
		bo++
	}
	assert.Equal(t, n/3, bo, "every third deal is bo's: the filter columns were imported")
	evs := 0
	for e, err := range s.Events().ByAggregate(ctx, deals[42].ID) {
		require.NoError(t, err)
		assert.Equal(t, events[42].ID, e.ID)
		evs++
	}
	assert.Equal(t, 1, evs)
	_, err = other.Deals().Get(ctx, deals[0].ID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound, "imported for acme only")

	// An imported deal moves on like any other.
	next, ev, err := p.Move(d, "negotiation", deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: t0.Add(time.Hour)}})
	require.NoError(t, err)
	require.NoError(t, s.Deals().Save(ctx, next, d.Version, ev))

	count := func() (deals, events int) {
		require.NoError(t, db.Pool().QueryRow(ctx, "SELECT count(*) FROM deals").Scan(&deals))
		require.NoError(t, db.Pool().QueryRow(ctx, "SELECT count(*) FROM events").Scan(&events))
		return deals, events
	}
	wantDeals, wantEvents := count()

	// Failures keep nothing: an ID already stored, an ID twice in the
	// input, an event ID already logged, an invalid deal or event.
	fresh := func() ([]deal.Deal, []crmkit.Event) {
		ds, es := make([]deal.Deal, 5), make([]crmkit.Event, 5)
		for i := range ds {
			ds[i], es[i] = testDeal(t, p, "cy", i)
		}
		return ds, es
	}
	ds, es := fresh()
	ds[3] = deals[0]
	_, err = s.ImportDeals(ctx, ds, es)
	assert.ErrorIs(t, err, crmkit.ErrConflict, "a stored ID")
	ds, es = fresh()
	ds[4] = ds[1]
	_, err = s.ImportDeals(ctx, ds, es)
	assert.ErrorIs(t, err, crmkit.ErrConflict, "an ID twice")
	ds, es = fresh()
	es[2] = events[9]
	_, err = s.ImportDeals(ctx, ds, es)
	assert.ErrorIs(t, err, crmkit.ErrConflict, "a logged event")
	ds, es = fresh()
	ds[2].Status = 0
	_, err = s.ImportDeals(ctx, ds, es)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "an invalid deal")
	assert.Contains(t, err.Error(), "deals[2]")
	ds, es = fresh()
	es[1].At = time.Time{}
	_, err = s.ImportDeals(ctx, ds, es)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "an invalid event")
	ds, es = fresh()
	ds[3].AccountID = crmkit.NewID()
	_, err = s.ImportDeals(ctx, ds, es)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "a deal whose account does not exist")
	ds, es = fresh()
	ds[1].ContactID = crmkit.NewID()
	_, err = s.ImportDeals(ctx, ds, es)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "a deal whose contact is not its account's")
	ds, es = fresh()
	_, err = other.ImportDeals(ctx, ds, es)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "deals of acme's account imported for globex")
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	ds, es = fresh()
	_, err = s.ImportDeals(cctx, ds, es)
	assert.ErrorIs(t, err, context.Canceled)
	gotDeals, gotEvents := count()
	assert.Equal(t, wantDeals, gotDeals, "failed imports stored no deal")
	assert.Equal(t, wantEvents, gotEvents, "failed imports logged no event")

	// Leads, and an empty import.
	leads := make([]lead.Lead, 4)
	levs := make([]crmkit.Event, 4)
	for i := range leads {
		leads[i], levs[i] = testLead("dy")
	}
	got, err = s.ImportLeads(ctx, leads, levs)
	require.NoError(t, err)
	assert.Equal(t, int64(4), got)
	page, _, err := s.Leads().List(ctx, storage.LeadFilter{Owner: "dy", Stage: lead.StageMQL}, storage.Page{})
	require.NoError(t, err)
	assert.Len(t, page, 4)
	got, err = s.ImportLeads(ctx, nil, nil)
	require.NoError(t, err)
	assert.Zero(t, got)
}

// TestTerminatedBackend kills the connection of an Update's transaction
// after its first write: the Update fails and nothing of it is kept.
func TestTerminatedBackend(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := testDSN(t)
	admin, schema := openSchema(t, dsn)
	_, err := admin.Pool().Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)

	// A pool of the application's own making, through New, with a name
	// to find its connections by.
	app := "crmkit-test-" + uuid.NewString()[:8]
	cfg, err := pgxpool.ParseConfig(dsn)
	require.NoError(t, err)
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	cfg.ConnConfig.RuntimeParams["application_name"] = app
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	db := postgres.New(pool)
	require.NoError(t, db.Migrate(ctx))
	s, err := db.Tenant("acme")
	require.NoError(t, err)
	storeTestAccount(t, s)

	l, ev := testLead("ana")
	_, err = s.Leads().Create(ctx, l, "", ev)
	require.NoError(t, err)

	// kill terminates the backend that is idle inside the transaction and
	// waits until it is gone.
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

	for _, returnNil := range []bool{false, true} {
		next := l
		next.Owner, next.Version = "bo", 2
		nev := ev
		nev.ID, nev.Version, nev.Type = crmkit.NewID(), 2, lead.EventLeadAssigned
		d, dev := testDeal(t, deal.DefaultPipeline(), "bo", 1)
		err = s.Update(ctx, func(tx storage.Tx) error {
			if err := tx.Leads().Save(ctx, next, 1, nev); err != nil {
				return err
			}
			kill()
			_, err := tx.Deals().Create(ctx, d, "", dev)
			if returnNil {
				assert.Error(t, err, "a write on the terminated connection")
				return nil // the commit must fail then
			}
			return err
		})
		require.Error(t, err, "the Update of a terminated backend (fn returns nil: %v)", returnNil)
		t.Logf("error: %v", err)

		got, err := s.Leads().Get(ctx, l.ID)
		require.NoError(t, err, "the pool recovers")
		assert.Equal(t, int64(1), got.Version)
		assert.Equal(t, "ana", got.Owner)
		_, err = s.Deals().Get(ctx, d.ID)
		assert.ErrorIs(t, err, crmkit.ErrNotFound)
		n := 0
		for _, err := range s.Events().ByAggregate(ctx, l.ID) {
			require.NoError(t, err)
			n++
		}
		assert.Equal(t, 1, n, "no event of the Update")
	}
}

// TestDeadlockIsRetryable makes two Updates lock two leads in opposite
// orders: PostgreSQL aborts one (SQLSTATE 40P01), which must match
// storage.ErrSerialization so that Retry runs it again.
func TestDeadlockIsRetryable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := newDB(t)
	s, err := db.Tenant("acme")
	require.NoError(t, err)
	var pair [2]lead.Lead
	for i := range pair {
		l, ev := testLead("ana")
		_, err := s.Leads().Create(ctx, l, "", ev)
		require.NoError(t, err)
		pair[i] = l
	}
	save := func(tx storage.Tx, l lead.Lead, owner string) error {
		next := l
		next.Owner, next.Version = owner, 2
		e, err := crmkit.NewEvent(lead.LeadKind, l.ID, lead.EventLeadAssigned, "test", t0, 2, nil)
		require.NoError(t, err)
		return tx.Leads().Save(ctx, next, 1, e)
	}
	var (
		locked [2]chan struct{}
		errs   [2]error
		wg     sync.WaitGroup
	)
	for w := range 2 {
		locked[w] = make(chan struct{})
	}
	for w := range 2 {
		wg.Go(func() {
			first, second := pair[w], pair[1-w]
			errs[w] = s.Update(ctx, func(tx storage.Tx) error {
				if err := save(tx, first, fmt.Sprint("w", w)); err != nil {
					return err
				}
				close(locked[w])
				<-locked[1-w]
				return save(tx, second, fmt.Sprint("w", w))
			})
		})
	}
	wg.Wait()
	winner := 0
	if errs[0] != nil {
		winner = 1
	}
	require.NoError(t, errs[winner], "one Update commits")
	require.Error(t, errs[1-winner], "the other is the deadlock's victim")
	assert.ErrorIs(t, errs[1-winner], storage.ErrSerialization)
	assert.True(t, storage.IsRetryable(errs[1-winner]))
	for _, l := range pair {
		got, err := s.Leads().Get(ctx, l.ID)
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprint("w", winner), got.Owner)
	}
}

// TestQueriesAreParameterised stores values that would break SQL built by
// concatenation, in every filtered column, and finds them by filter.
func TestQueriesAreParameterised(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := newDB(t)
	evil := []string{`'; DROP TABLE leads; --`, `" OR 1=1 --`, `\'`, `$1`, `ana' OR owner <> '`}
	tenant := `acme'; DELETE FROM events; --`
	s, err := db.Tenant(tenant)
	require.NoError(t, err)
	for _, owner := range evil {
		l, ev := testLead(owner)
		l.Source = lead.Channel(owner)
		_, err := s.Leads().Create(ctx, l, owner, ev)
		require.NoError(t, err)
	}
	for _, owner := range evil {
		page, _, err := s.Leads().List(ctx, storage.LeadFilter{Owner: owner, Source: lead.Channel(owner)}, storage.Page{})
		require.NoError(t, err)
		require.Len(t, page, 1, "owner %q", owner)
		assert.Equal(t, owner, page[0].Owner)
	}
	var tenants []string
	rows, err := db.Pool().Query(ctx, "SELECT DISTINCT tenant_id FROM leads")
	require.NoError(t, err)
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		tenants = append(tenants, s)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []string{tenant}, tenants)
}

// TestCancelDuringStatement cancels a context while its statement waits
// for a row lock: the statement stops with the context's error.
func TestCancelDuringStatement(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := newDB(t)
	s, err := db.Tenant("acme")
	require.NoError(t, err)
	l, ev := testLead("ana")
	_, err = s.Leads().Create(ctx, l, "", ev)
	require.NoError(t, err)
	next := l
	next.Owner, next.Version = "bo", 2
	nev := ev
	nev.ID, nev.Version = crmkit.NewID(), 2

	held := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.Update(ctx, func(tx storage.Tx) error {
			if err := tx.Leads().Save(ctx, next, 1, nev); err != nil {
				return err
			}
			close(held)
			<-release
			return errors.New("holder gives up")
		})
	}()
	<-held
	cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	other := next
	other.Owner = "cy"
	oev := nev
	oev.ID = crmkit.NewID()
	err = s.Leads().Save(cctx, other, 1, oev) // waits for the holder's lock
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	close(release)
	require.Error(t, <-done)
	got, err := s.Leads().Get(ctx, l.ID)
	require.NoError(t, err)
	assert.Equal(t, "ana", got.Owner, "neither write was kept")
}
