package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/campaign"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Plan tests (issue #24): every List filter is answered from an index in
// the List's order (id order, or date order for a range), so a page reads
// about a page of rows however many rows the tenant has. Each table gets planRows generated rows in a schema of its
// own; the rows a filter selects are the last planRare in id order (what
// a walk of the primary key filtered row by row would reach last), and
// EXPLAIN (ANALYZE, FORMAT JSON) of the statement List runs counts the
// rows its scans read: they must stay a small multiple of the page.

const (
	planRows = 10000 // rows per table
	planRare = 30    // the last rows in id order carry the rare values
	planPage = 20    // page size of every case
)

// planID is the SQL of the i-th generated ID: increasing with i, as
// UUIDv7 IDs increase with creation time.
func planID(i string) string {
	return "('00000000-0000-7000-8000-' || lpad(to_hex(" + i + "), 12, '0'))::uuid"
}

// goPlanID is planID in Go.
func goPlanID(i int) uuid.UUID {
	return uuid.MustParse(fmt.Sprintf("00000000-0000-7000-8000-%012x", i))
}

var planBase = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// planHour is planBase plus h hours.
func planHour(h int) time.Time { return planBase.Add(time.Duration(h) * time.Hour) }

// openPlanDB opens a migrated database in a fresh schema, dropped when
// the test ends, or skips without a server.
func openPlanDB(t *testing.T) *DB {
	t.Helper()
	dsn := os.Getenv("CRMKIT_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("CRMKIT_POSTGRES_DSN is not set: no PostgreSQL server to test against")
	}
	var b [8]byte
	_, err := rand.Read(b[:])
	require.NoError(t, err)
	schema := "crmkit_test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := Open(ctx, dsn, Schema(schema))
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := db.Pool().Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
		db.Close()
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	require.NoError(t, db.Migrate(ctx))
	return db
}

// loadPlanRows fills every list table of tenant "t" with planRows rows
// whose last planRare rows (in id order) hold the rare values a case
// selects. common and rare are the two values of each enum column.
func loadPlanRows(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	n := fmt.Sprint(planRows)
	rare := "i > " + fmt.Sprint(planRows-planRare)
	pick := func(r, c string) string { return "CASE WHEN " + rare + " THEN " + r + " ELSE " + c + " END" }
	id := planID("i")
	// The rare account is the last one; deals and contracts point at it
	// with their rare rows, others at one of the first thousand.
	acct := planID(pick(n, "1 + i % 1000"))
	series := " FROM generate_series(1, " + n + ") AS i"
	enum := func(e interface{ String() string }) string { return "'" + e.String() + "'" }
	hour := "'2026-01-01T00:00:00Z'::timestamptz + i * interval '1 hour'"
	stmts := []string{
		`INSERT INTO leads (tenant_id, id, version, stage, source, owner, body) SELECT 't', ` + id + `, 1, ` +
			pick(enum(lead.Stage(2)), enum(lead.Stage(1))) + `, ` + pick(`'src-rare'`, `'src' || i % 4`) + `, ` + pick(`'rare'`, `'o' || i % 10`) + `, '{}'` + series,
		`INSERT INTO accounts (tenant_id, id, version, owner, segment, parent, relations, body, domain, contact_emails, contact_phones) SELECT 't', ` + id + `, 1, ` +
			pick(`'rare'`, `'o' || i % 10`) + `, ` + pick(`'seg-rare'`, `'seg' || i % 5`) + `, ` + pick(planID("1"), "NULL") + `, '{}', '{}', ` +
			pick(`'rare.example'`, `''`) + `, '{}', '{}'` + series,
		`INSERT INTO account_contacts (tenant_id, account_id, id) VALUES ('t', ` + planID(n) + `, ` + planID("1") + `)`,
		`INSERT INTO deals (tenant_id, id, version, pipeline, stage, status, owner, expected_close, account_id, body) SELECT 't', ` + id + `, 1, ` +
			pick(`'p-rare'`, `'p' || i % 3`) + `, ` + pick("9", "CASE i % 25 WHEN 0 THEN 7 WHEN 1 THEN 8 ELSE i % 5 END") + `, ` + pick(enum(deal.Status(2)), enum(deal.Status(1))) + `, ` +
			pick(`'rare'`, `'o' || i % 10`) + `, ` + hour + `, ` + acct + `, '{}'` + series,
		`INSERT INTO contracts (tenant_id, id, version, account_id, deal_id, status, renewal_date, body) SELECT 't', ` + id + `, 1, ` + acct + `, ` +
			pick(planID(n), "NULL") + `, ` + pick(enum(account.ContractStatus(2)), enum(account.ContractStatus(1))) + `, ` + hour + `, '{}'` + series,
		`INSERT INTO interactions (tenant_id, id, version, account_id, contact_id, outcome, channel, body) SELECT 't', ` + id + `, 1, ` + acct + `, ` +
			pick(planID("1"), "NULL") + `, ` + pick(enum(account.Outcome(2)), enum(account.Outcome(1))) + `, ` + pick(`'c-rare'`, `'c' || i % 4`) + `, '{}'` + series,
		`INSERT INTO quotes (tenant_id, id, version, deal_id, status, created_by, body) SELECT 't', ` + id + `, 1, ` + planID(pick(n, "1 + i % 1000")) + `, ` +
			pick(enum(quote.Status(2)), enum(quote.Status(1))) + `, ` + pick(`'rare'`, `'o' || i % 10`) + `, '{}'` + series,
		`INSERT INTO approvals (tenant_id, id, version, subject, requester, status, waiting_for, body) SELECT 't', ` + id + `, 1, ` +
			pick(`'s-rare'`, `'s' || i % 50`) + `, ` + pick(`'rare'`, `'o' || i % 10`) + `, ` + pick(enum(approval.Status(2)), enum(approval.Status(1))) + `, ` +
			pick(`'w-rare'`, `CASE WHEN i % 2 = 0 THEN '' ELSE 'w' || i % 3 END`) + `, '{}'` + series,
		`INSERT INTO plans (tenant_id, id, version, fiscal_year, unit_currency, unit_count, body) SELECT 't', ` + id + `, 1, ` +
			pick("1999", "2020 + i % 5") + `, ` + pick(`'JPY'`, `'EUR'`) + `, '', '{}'` + series,
		`INSERT INTO campaigns (tenant_id, id, version, status, owner, code, schedule_start, schedule_end, body) SELECT 't', ` + id + `, 1, ` +
			pick(enum(campaign.Status(2)), enum(campaign.Status(1))) + `, ` + pick(`'rare'`, `'o' || i % 10`) + `, 'c' || i, ` + hour + `, ` + hour + ` + interval '1 day', '{}'` + series,
		`INSERT INTO forecast_snapshots (tenant_id, id, version, period_start, period_end, figure, owner, pipeline, body) SELECT 't', ` + id + `, 1, ` +
			hour + `, ` + hour + ` + interval '1 hour', ` + pick(enum(funnel.Figure(2)), enum(funnel.Figure(1))) + `, ` + pick(`'rare'`, `'o' || i % 10`) + `, ` +
			pick(`'p-rare'`, `'p' || i % 3`) + `, '{}'` + series,
		`INSERT INTO commission_plans (tenant_id, id, version, currency, name, body) SELECT 't', ` + id + `, 1, ` + pick(`'JPY'`, `'EUR'`) + `, ` +
			pick(`'n-rare'`, `'n' || i % 10`) + `, '{}'` + series,
		`INSERT INTO pipelines (tenant_id, id, version, pipeline_key, name, body) SELECT 't', ` + id + `, 1, 'k' || i, ` + pick(`'n-rare'`, `'n' || i % 10`) + `, '{}'` + series,
		`VACUUM ANALYZE`, // as autovacuum would: statistics, and the visibility map index-only scans use
	}
	for _, s := range stmts {
		_, err := pool.Exec(ctx, s)
		require.NoError(t, err, s)
	}
}

// planCase is one List statement and what its plan may read.
type planCase struct {
	name  string
	sql   string
	args  []any
	want  int // rows the statement returns
	bound int // most rows its scans may read
}

// listCase is the statement List runs for filter f of kind k on a page
// after the cursor ID after, with the bound of a plan that reads members
// index ranges of a page each plus extra rows: the rows a range's index
// gives that the other filters remove.
func listCase[T, F any](k *kind[T, F], name string, f F, after uuid.UUID, want, members, extra int) planCase {
	return listCaseAt(k, name, f, time.Time{}, after, want, members, extra)
}

// listCaseAt is listCase for a page of a List in date order after the
// cursor (at, after).
func listCaseAt[T, F any](k *kind[T, F], name string, f F, at time.Time, after uuid.UUID, want, members, extra int) planCase {
	sql, args := k.listQuery("t", &f, at, after, planPage)
	return planCase{name: k.table + " " + name, sql: sql, args: args, want: want, bound: 2*members*(planPage+1) + extra}
}

// planNode is the part of EXPLAIN (FORMAT JSON)'s node this test reads.
type planNode struct {
	Type     string     `json:"Node Type"`
	Rows     float64    `json:"Actual Rows"`
	Loops    float64    `json:"Actual Loops"`
	Filtered float64    `json:"Rows Removed by Filter"`
	Recheck  float64    `json:"Rows Removed by Index Recheck"`
	Plans    []planNode `json:"Plans"`
}

// rowsRead returns the rows (table rows and index entries) the scans of
// the plan under n read: returned plus removed by a filter or a recheck,
// over every loop.
func (n *planNode) rowsRead() float64 {
	var read float64
	switch n.Type {
	case "Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Index Scan", "Bitmap Heap Scan":
		read = (n.Rows + n.Filtered + n.Recheck) * n.Loops
	}
	for i := range n.Plans {
		read += n.Plans[i].rowsRead()
	}
	return read
}

// explain runs EXPLAIN ANALYZE of c and returns the root of its plan,
// planned for c's arguments or, generic, for any (as PostgreSQL may plan
// a statement the pool has prepared and run several times).
func explain(t *testing.T, pool *pgxpool.Pool, c planCase, generic bool) planNode {
	t.Helper()
	var out []byte
	ctx := context.Background()
	conn, err := pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	mode := "force_custom_plan"
	if generic {
		mode = "force_generic_plan"
	}
	_, err = conn.Exec(ctx, "SET plan_cache_mode = "+mode)
	require.NoError(t, err)
	require.NoError(t, conn.QueryRow(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+c.sql, c.args...).Scan(&out), c.sql)
	var plans []struct {
		Plan planNode `json:"Plan"`
	}
	require.NoError(t, json.Unmarshal(out, &plans))
	require.Len(t, plans, 1)
	return plans[0].Plan
}

func TestListPlansReadAPage(t *testing.T) {
	db := openPlanDB(t)
	pool := db.Pool()
	loadPlanRows(t, pool)

	rare := planRare
	page := planPage + 1
	nilID := uuid.Nil
	// A window of a tenth of the rows near the end of the id order: a
	// walk of the primary key filtered row by row reads most of the
	// table before it, the window's IDs from the close-date index a
	// tenth (the statement of schema version 14, see the control below),
	// the close-date index from the cursor in date order a page. Deal i
	// closes at planHour(i).
	closeWindow := storage.DealFilter{CloseFrom: planHour(planRows - 2000), CloseTo: planHour(planRows - 1000)}
	mid := planRows - 1500 // a deep page of the window starts after deal mid
	cases := []planCase{
		listCase(leadKind, "no filter", storage.LeadFilter{}, nilID, page, 1, 0),
		listCase(leadKind, "stage", storage.LeadFilter{Stage: lead.Stage(2)}, nilID, page, 1, 0),
		listCase(leadKind, "source", storage.LeadFilter{Source: "src-rare"}, nilID, page, 1, 0),
		listCase(leadKind, "owner", storage.LeadFilter{Owner: "rare"}, nilID, page, 1, 0),
		// A deep page: the cursor in the middle of the owner's rows.
		listCase(leadKind, "owner deep page", storage.LeadFilter{Owner: "o3"}, goPlanID(planRows/2), page, 1, 0),

		listCase(dealKind, "account", storage.DealFilter{Account: goPlanID(planRows)}, nilID, page, 1, 0),
		listCase(dealKind, "owner", storage.DealFilter{Owner: "rare"}, nilID, page, 1, 0),
		listCase(dealKind, "pipeline", storage.DealFilter{Pipeline: "p-rare"}, nilID, page, 1, 0),
		listCase(dealKind, "one stage", storage.DealFilter{Stages: []int{9}}, nilID, page, 1, 0),
		listCase(dealKind, "one stage twice", storage.DealFilter{Stages: []int{9, 9}}, nilID, page, 1, 0),
		listCase(dealKind, "stages", storage.DealFilter{Stages: []int{8, 9}}, nilID, page, 2, 0),
		listCase(dealKind, "common stages", storage.DealFilter{Stages: []int{1, 2, 3}}, nilID, page, 3, 0),
		// Two stages of 4 % each, spread over the table: as one
		// "stage = ANY" condition the plan reads every match or walks
		// the primary key past a dozen rows per match.
		listCase(dealKind, "spread stages", storage.DealFilter{Stages: []int{7, 8}}, nilID, page, 2, 0),
		listCase(dealKind, "pipeline and stages", storage.DealFilter{Pipeline: "p-rare", Stages: []int{9, 1}}, nilID, page, 2, 0),
		listCase(dealKind, "status", storage.DealFilter{Status: deal.Status(2)}, nilID, page, 1, 0),
		// Ranges: date order, a page of the range's index from the
		// cursor, not the window.
		listCase(dealKind, "close window", closeWindow, nilID, page, 1, 0),
		listCaseAt(dealKind, "close window deep page", closeWindow, planHour(mid), goPlanID(mid), page, 1, 0),
		listCase(dealKind, "close from", storage.DealFilter{CloseFrom: planHour(planRows - rare)}, nilID, page, 1, 0),
		listCase(dealKind, "close to", storage.DealFilter{CloseTo: planHour(planRows - 40)}, nilID, page, 1, 0),
		listCaseAt(dealKind, "close to deep page", storage.DealFilter{CloseTo: planHour(planRows - 40)}, planHour(mid), goPlanID(mid), page, 1, 0),
		// A range with an owner: a page of the owner's rows in the
		// window, from deals_owner_expected_close (schema version 19),
		// on the first page and on a deep one.
		listCase(dealKind, "owner and close window", storage.DealFilter{Owner: "o3", CloseFrom: closeWindow.CloseFrom, CloseTo: closeWindow.CloseTo}, nilID, page, 1, 0),
		listCaseAt(dealKind, "owner and close window deep page", storage.DealFilter{Owner: "o3", CloseFrom: closeWindow.CloseFrom, CloseTo: closeWindow.CloseTo},
			planHour(mid), goPlanID(mid), page, 1, 0),
		// Stages 1 and 2 are about a third of the rows.
		listCase(dealKind, "stages and close window", storage.DealFilter{Stages: []int{1, 2}, CloseFrom: closeWindow.CloseFrom, CloseTo: closeWindow.CloseTo}, nilID, page, 1, 3*page),

		listCase(planKind, "fiscal year", storage.PlanFilter{FiscalYear: 1999}, nilID, page, 1, 0),
		listCase(planKind, "unit", storage.PlanFilter{Unit: quota.Unit{Currency: crmkit.MustCurrency("JPY")}}, nilID, page, 1, 0),

		listCase(campaignKind, "status", storage.CampaignFilter{Statuses: []campaign.Status{campaign.Status(2)}}, nilID, page, 1, 0),
		listCase(campaignKind, "statuses", storage.CampaignFilter{Statuses: []campaign.Status{campaign.Status(2), campaign.Status(3)}}, nilID, page, 2, 0),
		listCase(campaignKind, "owner", storage.CampaignFilter{Owner: "rare"}, nilID, page, 1, 0),
		listCase(campaignKind, "code", storage.CampaignFilter{Code: "c" + fmt.Sprint(planRows)}, nilID, 1, 1, 0),

		listCase(accountKind, "owner", storage.AccountFilter{Owner: "rare"}, nilID, page, 1, 0),
		listCase(accountKind, "segment", storage.AccountFilter{Segment: "seg-rare"}, nilID, page, 1, 0),
		listCase(accountKind, "parent", storage.AccountFilter{Parent: goPlanID(1)}, nilID, page, 1, 0),
		listCase(accountKind, "domain", storage.AccountFilter{Domain: "rare.example"}, nilID, page, 1, rare),

		listCase(contractKind, "account", storage.ContractFilter{Account: goPlanID(planRows)}, nilID, page, 1, 0),
		listCase(contractKind, "deal", storage.ContractFilter{Deal: goPlanID(planRows)}, nilID, page, 1, 0),
		listCase(contractKind, "statuses", storage.ContractFilter{Statuses: []account.ContractStatus{2, 3}}, nilID, page, 2, 0),
		listCase(contractKind, "renewal window", storage.ContractFilter{RenewalFrom: planHour(planRows - 2000), RenewalTo: planHour(planRows - 1000)}, nilID, page, 1, 0),
		listCaseAt(contractKind, "renewal window deep page", storage.ContractFilter{RenewalFrom: planHour(planRows - 2000), RenewalTo: planHour(planRows - 1000)},
			planHour(mid), goPlanID(mid), page, 1, 0),
		listCaseAt(contractKind, "statuses and renewal from deep page", storage.ContractFilter{Statuses: []account.ContractStatus{1, 2}, RenewalFrom: planHour(planRows - 2000)},
			planHour(mid), goPlanID(mid), page, 1, 0),

		listCase(forecastSnapshotKind, "within", storage.ForecastSnapshotFilter{Within: crmkit.Period{Start: planHour(planRows - 2000), End: planHour(planRows - 999)}}, nilID, page, 1, 0),
		listCaseAt(forecastSnapshotKind, "within deep page", storage.ForecastSnapshotFilter{Within: crmkit.Period{Start: planHour(planRows - 2000), End: planHour(planRows - 999)}},
			planHour(mid), goPlanID(mid), page, 1, 0),
		listCase(forecastSnapshotKind, "figure", storage.ForecastSnapshotFilter{Figure: funnel.Figure(2)}, nilID, page, 1, 0),
		listCase(forecastSnapshotKind, "owner", storage.ForecastSnapshotFilter{Owner: "rare"}, nilID, page, 1, 0),
		listCase(forecastSnapshotKind, "pipeline", storage.ForecastSnapshotFilter{Pipeline: "p-rare"}, nilID, page, 1, 0),

		listCase(commissionPlanKind, "currency", storage.CommissionPlanFilter{Currency: crmkit.MustCurrency("JPY")}, nilID, page, 1, 0),
		listCase(commissionPlanKind, "name", storage.CommissionPlanFilter{Name: "n-rare"}, nilID, page, 1, 0),
		listCase(pipelineKind, "name", storage.PipelineFilter{Name: "n-rare"}, nilID, page, 1, 0),

		listCase(quoteKind, "deal", storage.QuoteFilter{Deal: goPlanID(planRows)}, nilID, page, 1, 0),
		listCase(quoteKind, "statuses", storage.QuoteFilter{Statuses: []quote.Status{2, 3}}, nilID, page, 2, 0),
		listCase(quoteKind, "created by", storage.QuoteFilter{CreatedBy: "rare"}, nilID, page, 1, 0),

		listCase(approvalKind, "subject", storage.ApprovalFilter{Subject: "s-rare"}, nilID, page, 1, 0),
		listCase(approvalKind, "requester", storage.ApprovalFilter{Requester: "rare"}, nilID, page, 1, 0),
		listCase(approvalKind, "statuses", storage.ApprovalFilter{Statuses: []approval.Status{2, 3}}, nilID, page, 2, 0),
		listCase(approvalKind, "waiting for", storage.ApprovalFilter{WaitingFor: "w-rare"}, nilID, page, 1, 0),

		listCase(interactionKind, "account", storage.InteractionFilter{Account: goPlanID(planRows)}, nilID, page, 1, 0),
		listCase(interactionKind, "contact", storage.InteractionFilter{Contact: goPlanID(1)}, nilID, page, 1, 0),
		listCase(interactionKind, "account and contact", storage.InteractionFilter{Account: goPlanID(planRows), Contact: goPlanID(1)}, nilID, page, 1, 0),
		listCase(interactionKind, "outcomes", storage.InteractionFilter{Outcomes: []account.Outcome{2, 3}}, nilID, page, 2, 0),
		listCase(interactionKind, "channel", storage.InteractionFilter{Channel: "c-rare"}, nilID, page, 1, 0),
	}
	for _, c := range cases {
		for _, generic := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s generic=%v", c.name, generic), func(t *testing.T) {
				plan := explain(t, pool, c, generic)
				// The filter selects rows: a plan that finds none proves
				// nothing about reading them.
				assert.Equal(t, float64(c.want), plan.Rows, "rows returned")
				read := plan.rowsRead()
				assert.LessOrEqual(t, read, float64(c.bound), "rows read by\n%s", c.sql)
			})
		}
	}

	// The measure sees a plan that reads the table: a condition no index
	// serves reads every row before the page is full.
	t.Run("control", func(t *testing.T) {
		c := planCase{sql: "SELECT body FROM deals WHERE tenant_id = $1 AND id > $2 AND version = 2 ORDER BY id LIMIT 21",
			args: []any{"t", [16]byte(uuid.Nil)}}
		plan := explain(t, pool, c, false)
		assert.GreaterOrEqual(t, plan.rowsRead(), float64(planRows))
	})
	// The bound of a range fails the statement of schema version 14 (a
	// page in ID order cut from the window's IDs): it reads the window.
	t.Run("control range", func(t *testing.T) {
		for _, generic := range []bool{false, true} {
			c := planCase{sql: `SELECT body FROM deals WHERE tenant_id = $1 AND id IN (SELECT id FROM (SELECT id FROM deals
				WHERE tenant_id = $1 AND id > $2 AND NOT archived AND expected_close >= $4 AND expected_close < $5
				OFFSET 0) AS w ORDER BY id LIMIT $3) ORDER BY id`,
				args: []any{"t", [16]byte(uuid.Nil), planPage + 1, closeWindow.CloseFrom, closeWindow.CloseTo}}
			plan := explain(t, pool, c, generic)
			assert.Equal(t, float64(page), plan.Rows, "rows returned")
			assert.Greater(t, plan.rowsRead(), float64(2*page), "generic=%v", generic)
			assert.GreaterOrEqual(t, plan.rowsRead(), float64(1000), "the window, generic=%v", generic)
		}
	})
}

// TestListQueryShape checks the statement of each filter shape: one set
// member is an equality, several are one LIMITed branch each, repeats
// count once, and a range is one scan in date order from the cursor.
func TestListQueryShape(t *testing.T) {
	var zero time.Time
	sql, args := dealKind.listQuery("t", &storage.DealFilter{Stages: []int{3}}, zero, uuid.Nil, 10)
	assert.Contains(t, sql, "stage = $4::int2")
	assert.NotContains(t, sql, "ANY")
	assert.Equal(t, []any{"t", [16]byte(uuid.Nil), 11, int16(3)}, args)

	sql, args = dealKind.listQuery("t", &storage.DealFilter{Owner: "ana", Stages: []int{3, 5, 3}}, zero, uuid.Nil, 10)
	assert.Equal(t, 1, strings.Count(sql, "UNION ALL"), "two branches")
	assert.Equal(t, 3, strings.Count(sql, "LIMIT $3"), "each branch and the merge")
	assert.Equal(t, []any{"t", [16]byte(uuid.Nil), 11, "ana", int16(3), "ana", int16(5)}, args)

	sql, args = dealKind.listQuery("t", &storage.DealFilter{CloseFrom: planBase}, zero, uuid.Nil, 10)
	assert.Contains(t, sql, "ORDER BY expected_close, id LIMIT $2")
	assert.NotContains(t, sql, "(expected_close, id) >", "the first page has no cursor")
	assert.Equal(t, []any{"t", 11, storage.TimeBound(planBase)}, args)
	sql, args = dealKind.listQuery("t", &storage.DealFilter{CloseFrom: planBase, Owner: "ana", Stages: []int{1, 2}}, planHour(3), goPlanID(3), 10)
	assert.NotContains(t, sql, "UNION ALL", "a range with other filters: one scan of the range's index")
	assert.Contains(t, sql, "ORDER BY expected_close, id LIMIT $2")
	assert.Contains(t, sql, "(expected_close, id) > ($6::timestamptz, $7::uuid)")
	assert.Equal(t, []any{"t", 11, "ana", []int16{1, 2}, storage.TimeBound(planBase), planHour(3), [16]byte(goPlanID(3))}, args)
	sql, _ = contractKind.listQuery("t", &storage.ContractFilter{RenewalTo: planBase}, planHour(-3), goPlanID(3), 10)
	assert.Contains(t, sql, "(renewal_date, id) > ($4::timestamptz, $5::uuid) ORDER BY renewal_date, id LIMIT $2")
	sql, _ = dealKind.listQuery("t", &storage.DealFilter{Owner: "ana"}, zero, uuid.Nil, 10)
	assert.Contains(t, sql, "ORDER BY id", "no range: ID order")
}
