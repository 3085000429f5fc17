package postgres_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage/postgres"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// reportColumnsSQL reads the columns of schema version 12 of every deal,
// one text per deal, in ID order.
const reportColumnsSQL = `SELECT id::text || ' ' || concat_ws('|', amount_minor, currency, created_at, stage_entered_at,
	coalesce(closed_at::text, 'NULL'), deal_type, coalesce(campaign_id::text, 'NULL'), coalesce(competitor, 'NULL'), coalesce(reason, 'NULL'))
	FROM deals ORDER BY id`

// TestMigrateDealReportColumns checks that migration 12's SQL fills the
// report columns of existing deals exactly as the store's write path
// (dealReportValues, from funnel.OpportunityOf) writes them: deals of
// every status, in currencies of 0, 2 and 3 decimals, with and without a
// loss reason and competitor, are written through the store, their
// columns dropped and the migration applied again, which must give the
// same columns from the bodies. Hand-derived values check the first
// method: 1,234.56 EUR is 123456 minor units, 500 JPY 500, 1.234 KWD 1234;
// a won deal's close is its outcome time.
func TestMigrateDealReportColumns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := newDB(t)
	s, err := db.Tenant("acme")
	require.NoError(t, err)
	storeTestAccount(t, s)
	p := deal.DefaultPipeline()
	cmd := func(day int, reason string) deal.Cmd {
		return deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: t0.AddDate(0, 0, day), Reason: reason}}
	}
	create := func(amount, code string) deal.Deal {
		d, e, err := deal.New(p, deal.NewDeal{Name: "d", Type: deal.Renewal, Amount: crmkit.MustMoney(amount, code),
			AccountID: testAccount, ContactID: testContact, Owner: "ana"}, cmd(0, ""))
		require.NoError(t, err)
		_, err = s.Deals().Create(ctx, d, "", e)
		require.NoError(t, err)
		return d
	}
	save := func(d deal.Deal, e crmkit.Event, err error) deal.Deal {
		require.NoError(t, err)
		require.NoError(t, s.Deals().Save(ctx, d, d.Version-1, e))
		return d
	}
	open := create("1234.56", "EUR")
	moved := save(p.Move(create("500", "JPY"), p.Stages()[1].Name, cmd(2, "")))
	won := save(p.Win(create("1.234", "KWD"), deal.Outcome{Summary: "signed"}, cmd(5, "")))
	lost := save(p.Lose(create("10.00", "EUR"), deal.Outcome{Summary: "gone", Reason: "price", Competitor: "Rival"}, cmd(6, "")))
	suspended := save(p.Suspend(create("20.00", "EUR"), t0.AddDate(0, 2, 0), cmd(7, "budget")))
	terminated := save(p.Terminate(create("30.00", "EUR"), cmd(8, "duplicate")))

	read := func() []string {
		rows, err := db.Pool().Query(ctx, reportColumnsSQL)
		require.NoError(t, err)
		var out []string
		for rows.Next() {
			var r string
			require.NoError(t, rows.Scan(&r))
			out = append(out, r)
		}
		require.NoError(t, rows.Err())
		return out
	}
	written := read()
	require.Len(t, written, 6)

	// Hand-derived columns of the first method.
	var minor int64
	var closed *time.Time
	var reason, competitor string
	for _, c := range []struct {
		d      deal.Deal
		minor  int64
		closed *time.Time
	}{{open, 123456, nil}, {moved, 500, nil}, {won, 1234, ptr(t0.AddDate(0, 0, 5))}, {suspended, 2000, nil}, {terminated, 3000, ptr(t0.AddDate(0, 0, 8))}} {
		require.NoError(t, db.Pool().QueryRow(ctx, `SELECT amount_minor, closed_at FROM deals WHERE id = $1`, c.d.ID).Scan(&minor, &closed))
		assert.Equal(t, c.minor, minor, "deal %s", c.d.ID)
		if c.closed == nil {
			assert.Nil(t, closed, "deal %s", c.d.ID)
		} else if assert.NotNil(t, closed) {
			assert.True(t, c.closed.Equal(*closed), "deal %s closed %s, want %s", c.d.ID, *closed, *c.closed)
		}
	}
	require.NoError(t, db.Pool().QueryRow(ctx, `SELECT reason, competitor FROM deals WHERE id = $1`, lost.ID).Scan(&reason, &competitor))
	assert.Equal(t, []string{"price", "Rival"}, []string{reason, competitor})

	// Back to before version 12, then the migration's SQL fills the columns from
	// the bodies: the second method.
	_, err = db.Pool().Exec(ctx, `ALTER TABLE deals DROP COLUMN amount_minor, DROP COLUMN currency, DROP COLUMN created_at,
		DROP COLUMN stage_entered_at, DROP COLUMN closed_at, DROP COLUMN deal_type, DROP COLUMN campaign_id,
		DROP COLUMN competitor, DROP COLUMN reason; DROP INDEX events_kind_aggregate`)
	require.NoError(t, err)
	var m12 postgres.Migration
	for _, m := range postgres.Migrations() {
		if m.Name == "0012_deal_report_columns.sql" {
			m12 = m
		}
	}
	_, err = db.Pool().Exec(ctx, m12.SQL)
	require.NoError(t, err, "migration 12 runs again")
	assert.Equal(t, written, read())

	// The Source over the filled columns gives funnel.OpportunityOf of
	// every stored deal.
	var want []funnel.Opportunity
	for _, d := range []deal.Deal{open, moved, won, lost, suspended, terminated} {
		want = append(want, funnel.OpportunityOf(&d))
	}
	slices.SortFunc(want, func(a, b funnel.Opportunity) int { return slices.Compare(a.Entity[:], b.Entity[:]) })
	var got []funnel.Opportunity
	for o, err := range s.Opportunities(ctx) {
		require.NoError(t, err)
		got = append(got, o)
	}
	slices.SortFunc(got, func(a, b funnel.Opportunity) int { return slices.Compare(a.Entity[:], b.Entity[:]) })
	require.Len(t, got, len(want))
	for i := range want {
		assert.True(t, sameOpportunity(want[i], got[i]), "opportunity %d:\n got %+v\nwant %+v", i, got[i], want[i])
	}
}

func ptr[T any](v T) *T { return &v }

// sameOpportunity compares opportunities, times by instant.
func sameOpportunity(a, b funnel.Opportunity) bool {
	return a.Reached == b.Reached && a.Stage == b.Stage && a.Status == b.Status && a.Amount == b.Amount &&
		a.Origin.Equal(b.Origin) && a.Entered.Equal(b.Entered) && a.Closed.Equal(b.Closed) &&
		a.CloseDate.Equal(b.CloseDate) && a.Entity == b.Entity && a.Dims == b.Dims
}
