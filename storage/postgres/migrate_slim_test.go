package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/postgres"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMigrateSlimIndexes upgrades a database of schema version 16 with
// deals (histories of several events), leads with and without custom
// values and their events to version 17 (events_aggregate and
// events_kind_aggregate without (at, id), partial GIN indexes of custom
// values): every deal's history, the deal history stream and the custom
// filters give what they gave before, and the expected sets are written
// by hand; the custom filters' statement can still be served by the
// partial indexes.
func TestMigrateSlimIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, schema := openSchema(t, testDSN(t))
	_, err := db.Pool().Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	_, err = db.Pool().Exec(ctx, `CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
	require.NoError(t, err)
	var m17 postgres.Migration
	for _, m := range postgres.Migrations() {
		if m.Version >= 17 {
			if m.Version == 17 {
				m17 = m
			}
			continue
		}
		_, err = db.Pool().Exec(ctx, m.SQL)
		require.NoError(t, err, m.Name)
		_, err = db.Pool().Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name)
		require.NoError(t, err)
	}
	require.Equal(t, "0017_slim_indexes.sql", m17.Name)

	s, err := db.Tenant("acme")
	require.NoError(t, err)
	storeTestAccount(t, s)
	p := deal.DefaultPipeline()
	at := func(h int) deal.Cmd {
		return deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: t0.Add(time.Duration(h) * time.Hour)}}
	}
	// Deal i has i+1 events: created, then moved i times.
	var deals []deal.Deal
	for i := range 4 {
		d, e := testDeal(t, p, "ana", i)
		_, err := s.Deals().Create(ctx, d, "", e)
		require.NoError(t, err)
		for k := range i {
			to := p.Stages()[1+k%2].Name
			moved, ev, err := p.Move(d, to, at(1+k))
			require.NoError(t, err)
			require.NoError(t, s.Deals().Save(ctx, moved, d.Version, ev))
			d = moved
		}
		deals = append(deals, d)
	}
	sc, ev, err := field.New(lead.LeadKind, []field.Def{{Name: "tier", Type: field.TypeEnum, Options: []string{"gold", "silver"}}}, crmkit.Cmd{By: "ana", At: t0})
	require.NoError(t, err)
	_, err = s.FieldSchemas().Create(ctx, sc, "", ev)
	require.NoError(t, err)
	tiers := []string{"gold", "", "silver", "", "gold"}
	var leadIDs []uuid.UUID
	for i, tier := range tiers {
		l, e := testLead("ana")
		l.Who.Name = fmt.Sprintf("Lead %d", i)
		if tier != "" {
			l.Custom = field.Values{"tier": field.Option(tier)}
		}
		_, err := s.Leads().Create(ctx, l, "", e)
		require.NoError(t, err)
		leadIDs = append(leadIDs, l.ID)
	}

	versions := func() [][]int64 {
		var out [][]int64
		for _, d := range deals {
			var vs []int64
			for e, err := range s.Events().ByAggregate(ctx, d.ID) {
				require.NoError(t, err)
				vs = append(vs, e.Version)
			}
			out = append(out, vs)
		}
		return out
	}
	stream := func() []string {
		var out []string
		for e, err := range s.Histories(ctx, deal.DealKind) {
			require.NoError(t, err)
			out = append(out, fmt.Sprintf("%s/%d", e.AggregateID, e.Version))
		}
		return out
	}
	gold := func() []uuid.UUID {
		page, _, err := s.Leads().List(ctx, storage.LeadFilter{Custom: field.Values{"tier": field.Option("gold")}}, storage.Page{Size: 10})
		require.NoError(t, err)
		var out []uuid.UUID
		for _, l := range page {
			out = append(out, l.ID)
		}
		return out
	}
	beforeStream := stream()
	require.Equal(t, [][]int64{{1}, {1, 2}, {1, 2, 3}, {1, 2, 3, 4}}, versions())
	// This code's List reads the archived column of schema version 20:
	// before the upgrade, the custom filter's containment in SQL.
	var goldBefore []uuid.UUID
	rows, err := db.Pool().Query(ctx, `SELECT id FROM leads WHERE body->'custom' @> '{"tier": "gold"}' ORDER BY id`)
	require.NoError(t, err)
	for rows.Next() {
		var id uuid.UUID
		require.NoError(t, rows.Scan(&id))
		goldBefore = append(goldBefore, id)
	}
	require.NoError(t, rows.Err())
	require.ElementsMatch(t, []uuid.UUID{leadIDs[0], leadIDs[4]}, goldBefore)

	require.NoError(t, db.Migrate(ctx))
	v, err := db.Version(ctx)
	require.NoError(t, err)
	all := postgres.Migrations()
	require.Equal(t, all[len(all)-1].Version, v, "upgraded to the latest version")

	assert.Equal(t, [][]int64{{1}, {1, 2}, {1, 2, 3}, {1, 2, 3, 4}}, versions(), "each deal's history, in version order")
	assert.Equal(t, beforeStream, stream(), "the deal history stream")
	assert.Len(t, beforeStream, 1+2+3+4)
	assert.Equal(t, []uuid.UUID{leadIDs[0], leadIDs[4]}, gold(), "the custom filter")
	var entries int
	require.NoError(t, db.Pool().QueryRow(ctx, `SELECT count(*) FROM leads WHERE (body->'custom') IS NOT NULL`).Scan(&entries))
	assert.Equal(t, 3, entries, "the partial index covers the three leads with custom values")

	defs := map[string]string{}
	rows, err = db.Pool().Query(ctx, `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
		AND indexname IN ('events_aggregate', 'events_kind_aggregate', 'leads_custom', 'deals_custom', 'accounts_custom')`)
	require.NoError(t, err)
	for rows.Next() {
		var n, d string
		require.NoError(t, rows.Scan(&n, &d))
		defs[n] = d[strings.Index(d, " USING "):]
	}
	require.NoError(t, rows.Err())
	custom := ` USING gin (((body -> 'custom'::text)) jsonb_path_ops) WHERE ((body -> 'custom'::text) IS NOT NULL)`
	assert.Equal(t, map[string]string{
		"events_aggregate":      ` USING btree (tenant_id, aggregate_id, version)`,
		"events_kind_aggregate": ` USING btree (tenant_id, aggregate_kind, aggregate_id, version)`,
		"leads_custom":          custom, "deals_custom": custom, "accounts_custom": custom,
	}, defs)

	// The conditions of a custom filter (customWhere: a value or one
	// element of a list, two containment tests) under a generic plan can
	// be served by the partial index: they imply its predicate. (Without
	// the tenant condition, which another index would serve on so few
	// rows.)
	for _, table := range []string{"leads", "deals", "accounts"} {
		plan := explainNoScans(t, db, `SELECT id FROM `+table+` WHERE
			(body->'custom' @> $1::jsonb OR body->'custom' @> $2::jsonb)`, `{"tier": "gold"}`, `{"tier": ["gold"]}`)
		assert.Contains(t, plan, `"Index Name": "`+table+`_custom"`, table)
	}
}

// explainNoScans returns EXPLAIN (FORMAT JSON) of sql under a generic plan
// with sequential and plain index scans disabled, so that a bitmap scan
// of an index is chosen if one can serve the statement.
func explainNoScans(t *testing.T, db *postgres.DB, sql string, args ...any) string {
	t.Helper()
	ctx := context.Background()
	var plan string
	require.NoError(t, pgx.BeginFunc(ctx, db.Pool(), func(tx pgx.Tx) error {
		for _, set := range []string{"SET LOCAL enable_seqscan = off", "SET LOCAL enable_indexscan = off", "SET LOCAL plan_cache_mode = force_generic_plan"} {
			if _, err := tx.Exec(ctx, set); err != nil {
				return err
			}
		}
		return tx.QueryRow(ctx, `EXPLAIN (FORMAT JSON) `+sql, args...).Scan(&plan)
	}))
	return plan
}
