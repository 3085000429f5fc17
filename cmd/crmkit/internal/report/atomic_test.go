package report_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/cmd/crmkit/internal/report"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
	"github.com/crmkit/crmkit/storage/postgres"
	"github.com/crmkit/crmkit/storage/sqlite"
)

var t0 = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)

// requireDealField declares a required custom deal field in st: a deal
// without it (every deal the tool makes) is refused by the store when it
// is written, after the accounts it names would have been stored.
func requireDealField(t *testing.T, st storage.Store) {
	t.Helper()
	sc, ev, err := field.New(deal.DealKind, []field.Def{{Name: "region", Type: field.TypeText, Required: true}},
		crmkit.Cmd{By: "admin", At: t0})
	require.NoError(t, err)
	_, err = st.FieldSchemas().Create(context.Background(), sc, "", ev)
	require.NoError(t, err)
}

// contents is what st holds of the tool's kinds: accounts, deals and
// every event of the period the test writes in.
func contents(t require.TestingT, st storage.Store) (accounts, deals, events int) {
	ctx := context.Background()
	for _, err := range storage.All(ctx, st.Accounts(), storage.AccountFilter{}, storage.MaxPageSize) {
		require.NoError(t, err)
		accounts++
	}
	for _, err := range storage.All(ctx, st.Deals(), storage.DealFilter{}, storage.MaxPageSize) {
		require.NoError(t, err)
		deals++
	}
	for _, err := range st.Events().Between(ctx, crmkit.Period{Start: t0.AddDate(-50, 0, 0), End: t0.AddDate(50, 0, 0)}) {
		require.NoError(t, err)
		events++
	}
	return accounts, deals, events
}

// tenanter opens a tenant of one database.
type tenanter[S storage.Store] interface {
	Tenant(name string) (S, error)
}

// two opens the tenants "report" and "other" of db.
func two[S storage.Store](t *testing.T, db tenanter[S]) [2]storage.Store {
	t.Helper()
	a, err := db.Tenant("report")
	require.NoError(t, err)
	b, err := db.Tenant("other")
	require.NoError(t, err)
	return [2]storage.Store{a, b}
}

// fixture makes n accounts with their creation events and m deals
// naming them in turn.
func fixture(t require.TestingT, n, m int) ([]account.Account, []crmkit.Event, []deal.Deal) {
	var accts []account.Account
	var evs []crmkit.Event
	for i := range n {
		a, ev, err := account.New(account.NewAccount{ID: crmkit.NewID(), Name: fmt.Sprint("Account ", i), Owner: "ana", Relations: account.Prospect},
			crmkit.Cmd{By: "ana", At: t0})
		require.NoError(t, err)
		accts, evs = append(accts, a), append(evs, ev)
	}
	var deals []deal.Deal
	for i := range m {
		d, _, err := deal.New(deal.DefaultPipeline(), deal.NewDeal{Name: "D", Type: deal.NewBusiness,
			Amount: crmkit.MustMoney("100.00", "EUR"), CloseDate: t0.AddDate(0, 1, 0), AccountID: accts[i%n].ID,
			Owner: "ana", Stage: "bidding"}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: t0}})
		require.NoError(t, err)
		deals = append(deals, d)
	}
	return accts, evs, deals
}

// For any accounts and deals, and any one deal whose ID the log already
// holds events of (or none), a load either keeps everything (no such
// deal) or nothing: the memory store then holds only the logged event.
func TestPropertyLoadAllOrNothing(t *testing.T) {
	ctx := context.Background()
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 5).Draw(rt, "accounts")
		m := rapid.IntRange(0, 20).Draw(rt, "deals")
		accts, evs, deals := fixture(rt, n, m)
		st, err := memory.New().Tenant("report")
		require.NoError(rt, err)
		poison := rapid.IntRange(-1, m-1).Draw(rt, "poisoned deal (-1: none)")
		logged := 0
		if poison >= 0 {
			ev := crmkit.Event{ID: crmkit.NewID(), AggregateKind: deal.DealKind, AggregateID: deals[poison].ID,
				Type: "NoteAdded", Actor: "ana", At: t0, Version: 1}
			require.NoError(rt, st.Events().Append(ctx, ev))
			logged = 1
		}
		err = report.StoreRows(ctx, st, accts, evs, deals)
		a, d, e := contents(rt, st)
		if poison >= 0 {
			require.ErrorIs(rt, err, crmkit.ErrInvalid)
			require.Equal(rt, [3]int{0, 0, logged}, [3]int{a, d, e}, "nothing of a failed load is kept")
			return
		}
		require.NoError(rt, err)
		require.Equal(rt, [3]int{n, m, n}, [3]int{a, d, e}, "every account, its creation event, every deal")
	})
}

// stores opens two empty tenants on every store: memory, a SQLite file,
// and PostgreSQL (in a schema of its own) when CRMKIT_POSTGRES_DSN is set.
func stores(t *testing.T) map[string][2]storage.Store {
	t.Helper()
	ctx := context.Background()
	out := map[string][2]storage.Store{}
	out["memory"] = two[*memory.Store](t, memory.New())
	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "r.db"))
	require.NoError(t, err)
	t.Cleanup(func() { lite.Close() })
	require.NoError(t, lite.Migrate(ctx))
	out["sqlite"] = two[*sqlite.Store](t, lite)
	if dsn := os.Getenv("CRMKIT_POSTGRES_DSN"); dsn != "" {
		schema := "report_" + strings.ReplaceAll(crmkit.NewID().String(), "-", "")
		pg, err := postgres.Open(ctx, dsn, postgres.Schema(schema))
		require.NoError(t, err, "PostgreSQL at CRMKIT_POSTGRES_DSN")
		t.Cleanup(func() {
			_, err := pg.Pool().Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			assert.NoError(t, err)
			pg.Close()
		})
		require.NoError(t, pg.Migrate(ctx))
		out["postgres"] = two[*postgres.Store](t, pg)
	}
	return out
}

// The tool's load is all or nothing on every store: when the store
// refuses the deals (here a required custom field they lack) after the
// accounts they name were written, neither is kept. A load that
// succeeds keeps both; the same rows again are refused whole.
func TestStoreRowsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	for name, sts := range stores(t) {
		t.Run(name, func(t *testing.T) {
			st, ok := sts[0], sts[1]
			accts, evs, deals := fixture(t, 2, 3)
			require.NoError(t, report.StoreRows(ctx, ok, accts, evs, deals))
			a, d, _ := contents(t, ok)
			assert.Equal(t, [2]int{2, 3}, [2]int{a, d}, "a load that succeeds keeps everything")
			_, _, e := contents(t, ok)
			err := report.StoreRows(ctx, ok, accts, evs, deals)
			require.ErrorIs(t, err, crmkit.ErrConflict, "the same rows again")
			assert.Contains(t, err.Error(), "nothing was stored")
			a2, d2, e2 := contents(t, ok)
			assert.Equal(t, [3]int{2, 3, e}, [3]int{a2, d2, e2}, "a refused reload changes nothing")

			requireDealField(t, st)
			_, _, before := contents(t, st)
			err = report.StoreRows(ctx, st, accts, evs, deals)
			require.ErrorIs(t, err, crmkit.ErrInvalid)
			assert.Contains(t, err.Error(), "nothing was stored")
			a, d, e = contents(t, st)
			assert.Zero(t, a, "no account of the failed load is kept")
			assert.Zero(t, d, "no deal")
			assert.Equal(t, before, e, "no event but the schema's")
		})
	}
}

// The command, on a SQLite file whose deals the store refuses: the run
// fails with an error saying so and the file holds no account or deal
// afterwards; with the refusing field made optional, the same run then
// succeeds in the same file (nothing of the failed run is in the way).
// A third run into the file is refused before anything is written.
func TestSQLiteLoadAllOrNothing(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "deals.csv")
	require.NoError(t, os.WriteFile(path, []byte("id,account,owner,stage,amount,created,closed\n"+
		"A,Acme,Ann,won,10.00,2024-01-01,2024-01-05\n"+
		"B,Globex,Bob,lost,20.00,2024-01-02,2024-01-06\n"), 0o600))
	file := filepath.Join(t.TempDir(), "report.db")
	db, err := sqlite.Open(ctx, file)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Migrate(ctx))
	st, err := db.Tenant("report")
	require.NoError(t, err)
	requireDealField(t, st)

	args := []string{"-deals", path, "-currency", "EUR", "-db", file}
	_, errs, code := run(t, args...)
	assert.NotEqual(t, report.ExitOK, code)
	assert.Contains(t, errs, "nothing was stored")
	a, d, _ := contents(t, st)
	assert.Zero(t, a, "the failed run left no account")
	assert.Zero(t, d, "nor a deal")

	// Make the field optional: the next run stores everything.
	sc, err := st.FieldSchemas().Get(ctx, field.SchemaID(deal.DealKind))
	require.NoError(t, err)
	next, ev, err := sc.Change([]field.Def{{Name: "region", Type: field.TypeText}}, crmkit.Cmd{By: "admin", At: t0.Add(time.Hour)})
	require.NoError(t, err)
	require.NoError(t, st.FieldSchemas().Save(ctx, next, sc.Version, ev))
	r := runJSON(t, report.ExitOK, args...)
	assert.Equal(t, int64(2), r.Deals.Total.Deals)
	a, d, e := contents(t, st)
	assert.Equal(t, [2]int{2, 2}, [2]int{a, d})

	_, errs, code = run(t, args...)
	assert.Equal(t, report.ExitUsage, code)
	assert.Contains(t, errs, "already holds")
	assert.Contains(t, errs, "nothing was changed")
	a2, d2, e2 := contents(t, st)
	assert.Equal(t, [3]int{a, d, e}, [3]int{a2, d2, e2}, "the refused rerun changed nothing")
}
