package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/postgres"
	"github.com/crmkit/crmkit/storage/sqlite"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuickstart runs the story and checks the numbers it prints against
// hand computations.
func TestQuickstart(t *testing.T) {
	store, done, err := openStore(context.Background(), "", "", "")
	require.NoError(t, err)
	defer done()
	checkStory(t, store)
}

// TestQuickstartPostgres tells the same story on PostgreSQL, in a schema
// of its own that it drops at the end. It skips without
// CRMKIT_POSTGRES_DSN and fails when the server named there is down.
func TestQuickstartPostgres(t *testing.T) {
	dsn := os.Getenv("CRMKIT_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("CRMKIT_POSTGRES_DSN is not set")
	}
	ctx := context.Background()
	schema := "quickstart_" + strings.ReplaceAll(crmkit.NewID().String(), "-", "")
	store, done, err := openStore(ctx, dsn, schema, "")
	require.NoError(t, err, "PostgreSQL at CRMKIT_POSTGRES_DSN")
	t.Cleanup(func() {
		done()
		db, err := postgres.Open(ctx, dsn)
		require.NoError(t, err)
		defer db.Close()
		_, err = db.Pool().Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
		assert.NoError(t, err)
	})
	checkStory(t, store)
}

// TestQuickstartSQLite tells the story on a SQLite file (-sqlite) and
// then reopens the file: what the story stored is still there.
func TestQuickstartSQLite(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "quickstart.db")
	store, done, err := openStore(ctx, "", "", file)
	require.NoError(t, err)
	checkStory(t, store)
	tenant := store.Tenant()
	before := countDeals(t, store)
	// The funnel the story prints has 4 deals entering tracking.
	require.GreaterOrEqual(t, before, 4)
	done()

	db, err := sqlite.Open(ctx, file)
	require.NoError(t, err)
	defer db.Close()
	again, err := db.Tenant(tenant)
	require.NoError(t, err)
	assert.Equal(t, before, countDeals(t, again), "the deals survive closing the file")

	// A second run on the same file is a new tenant beside the first.
	store2, done2, err := openStore(ctx, "", "", file)
	require.NoError(t, err)
	defer done2()
	assert.NotEqual(t, tenant, store2.Tenant())
	checkStory(t, store2)
}

// -postgres and -sqlite together are refused.
func TestQuickstartTwoStores(t *testing.T) {
	_, _, err := openStore(context.Background(), "postgres://localhost/x", "s", filepath.Join(t.TempDir(), "x.db"))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

// countDeals counts the deals of a store.
func countDeals(t *testing.T, s storage.Store) int {
	t.Helper()
	n := 0
	for _, err := range storage.All(context.Background(), s.Deals(), storage.DealFilter{}, 0) {
		require.NoError(t, err)
		n++
	}
	return n
}

func checkStory(t *testing.T, store storage.Store) {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, store))
	s := out.String()

	// Routing: ana takes 3, ben 2 (round robin), the sixth lead waits.
	assert.Contains(t, s, "Ken Thompson     score   5.0 (suspect-worthy) -> unassigned")
	// Scoring, by hand: Barbara Liskov is software (10) and 300 people
	// (15), visited pricing (5) and asked for a demo (20), both touches a
	// few hours old, so barely decayed: 50.0.
	assert.Contains(t, s, "Barbara Liskov   score  50.0 (sql-worthy) -> ana")

	assert.Contains(t, s, "Barbara Liskov   suspect -> nurture: bought a competitor's product last month")
	assert.Contains(t, s, "DealReactivated  suspended -> open (budget released)")
	assert.Contains(t, s, "DealLost         open -> lost (price), lost to Globex")
	assert.Contains(t, s, "DealTerminated   open -> terminated")

	// Funnel: 4 deals enter tracking (120k + 45k + 30k + 80k = 275k), 3
	// reach bidding (all but the terminated 30k: 245k), 2 negotiation
	// (120k + 80k = 200k). Conversions 3/4 = 0.75, 2/3 = 0.67, 1 won of 2
	// = 0.50. Win rate 1 won / (1 won + 1 lost) = 0.50.
	assert.Contains(t, s, "tracking     reached 4 (275000.00 EUR)  next-stage conversion 0.75  open 0")
	assert.Contains(t, s, "bidding      reached 3 (245000.00 EUR)  next-stage conversion 0.67  open 0")
	assert.Contains(t, s, "negotiation  reached 2 (200000.00 EUR)  next-stage conversion 0.50  open 1")
	assert.Contains(t, s, "won 1, lost 1, win rate 0.50, won revenue 120000.00 EUR")

	// Dashboard from the live summary, by hand: ana's deals are Ada's
	// (won, 120k) and Alan's (terminated); ben's Grace's (lost, 45k) and
	// Edsger's (open in negotiation, 80k).
	assert.Contains(t, s, "ana  deals 2  open 0 (0.00 EUR)  won 1 (120000.00 EUR)  lost 0")
	assert.Contains(t, s, "ben  deals 2  open 1 (80000.00 EUR)  won 0 (0.00 EUR)  lost 1")

	// Forecast: won 120,000 + the open 80,000 in negotiation (60%) =
	// 120,000 + 48,000 = 168,000.
	assert.Contains(t, s, "won so far 120000.00 EUR + open 80000.00 EUR weighted by stage probability = 168000.00 EUR")
	// Quota: 120,000 / 150,000 = 80%.
	assert.Contains(t, s, "= 80.0% attained")
	// U-shaped: 40% first touch (the trade show), 40% lead creation (the
	// demo form by e-mail), 20% to the touch between (the pricing visit).
	assert.Contains(t, s, "event            48000.00 EUR")
	assert.Contains(t, s, "inbound_content  24000.00 EUR")
	assert.Contains(t, s, "email            48000.00 EUR")

	// The won deal (Analytical Engines, 120k) becomes a contract of
	// 5,000 a month, approved in three steps and signed.
	assert.Contains(t, s, `"Analytical Engines - launch-2026 licence" signed, 5000.00 EUR a month`)

	// ben's book: his two leads are converted (they stay), his lost deal
	// stays, his open deal in negotiation (Shortest Path) moves, and so
	// do the two accounts his conversions created (Cobol Works, Shortest
	// Path). Customers to tell: Shortest Path with its deal, Cobol Works
	// with none.
	assert.Contains(t, s, "ana takes open deals 1, accounts 2, open leads 0; closed deals staying with ben 1")
	assert.Contains(t, s, "tell Shortest Path:   ana takes over (deals: 1)")
	assert.Contains(t, s, "tell Cobol Works:     ana takes over (deals: 0)")

	// Six leads captured, four converted (four deals, four accounts of
	// four companies), one contract; nothing inconsistent.
	assert.Contains(t, s, "checked 6 leads, 4 deals, 4 accounts, 1 contracts: every reference resolves, every history replays: true")
	assert.NotContains(t, s, "problem:")
}
