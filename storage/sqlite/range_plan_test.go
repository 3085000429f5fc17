package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A List in date order reads the range's index from the cursor, in its
// order: no sort of the window (no temporary B-tree), on the first page
// and a deep one.
func TestRangeListPlans(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	require.NoError(t, err)
	t.Cleanup(db.Close)
	require.NoError(t, db.Migrate(ctx))

	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	deep := storage.Page{Size: 20, After: storage.EncodeCursorAt(day.AddDate(0, 0, 3), crmkit.NewID())}
	plan := func(sql string, args []any) string {
		rows, err := db.pool.QueryContext(ctx, "EXPLAIN QUERY PLAN "+sql, args...)
		require.NoError(t, err)
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
			out = append(out, detail)
		}
		require.NoError(t, rows.Err())
		return strings.Join(out, "; ")
	}
	// On a deep page the index range starts at the cursor's row, not at
	// the range's lower bound (SQLite takes the first of the two terms
	// on the column, so listQuery writes the cursor's first).
	var start string
	check := func(name, index, sql string, args []any, err error) {
		t.Helper()
		require.NoError(t, err, name)
		p := plan(sql, args)
		assert.Contains(t, p, "USING INDEX "+index+" (tenant_id=? AND "+start, "%s: %s", name, p)
		assert.NotContains(t, p, "TEMP B-TREE", "%s: %s", name, p)
	}
	for _, page := range []storage.Page{{Size: 20}, deep} {
		start = ""
		if page.After != "" {
			start = "("
		}
		f := storage.DealFilter{CloseFrom: day, CloseTo: day.AddDate(0, 0, 90)}
		sql, args, _, _, err := dealKind.listQuery("t", &f, page)
		check("close window", "deals_expected_close", sql, args, err)
		f.Owner = "o7"
		sql, args, _, _, err = dealKind.listQuery("t", &f, page)
		require.NoError(t, err)
		p := plan(sql, args)
		assert.Contains(t, p, "USING INDEX deals_owner_expected_close (tenant_id=? AND owner=? AND "+start, "owner and close window: %s", p)
		assert.NotContains(t, p, "TEMP B-TREE", "owner and close window: %s", p)
		c := storage.ContractFilter{RenewalTo: day}
		sql, args, _, _, err = contractKind.listQuery("t", &c, page)
		check("renewal to", "contracts_renewal", sql, args, err)
		s := storage.ForecastSnapshotFilter{Within: crmkit.Period{Start: day, End: day.AddDate(0, 3, 0)}}
		sql, args, _, _, err = forecastSnapshotKind.listQuery("t", &s, page)
		check("within", "forecast_snapshots_period", sql, args, err)
	}
}
