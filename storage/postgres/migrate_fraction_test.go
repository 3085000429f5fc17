package postgres_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/crmkit/crmkit/storage/postgres"
)

// TestMigrateProbabilityFractions brings a version-3 database whose deals
// and events hold probabilities in percent and team splits in basis points
// (as crmkit wrote them before both became fractions) to the current
// version: 12.5 becomes 0.125, 60 becomes 0.6 (divided by 100 by hand),
// splits 7000 and 3000 with an overlay of 1500 become 0.7, 0.3 and 0.15,
// null stays null, and an activity event gets its kind as To.
func TestMigrateProbabilityFractions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, schema := openSchema(t, testDSN(t))
	_, err := db.Pool().Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	_, err = db.Pool().Exec(ctx, `CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
	require.NoError(t, err)
	for _, m := range postgres.Migrations()[:3] {
		_, err = db.Pool().Exec(ctx, m.SQL)
		require.NoError(t, err, m.Name)
		_, err = db.Pool().Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name)
		require.NoError(t, err)
	}
	// This code writes a deal's status as text, version-3 code as a
	// number: let the column take text while the deals are written, and
	// turn it back into the numbers of version 3 afterwards (open was 1).
	_, err = db.Pool().Exec(ctx, "ALTER TABLE deals ALTER COLUMN status TYPE text")
	require.NoError(t, err)
	// Likewise this code writes the references of schema version 6: give
	// the deals their columns while they are written (and take them away
	// afterwards), and the account they refer to as version-3 code stored
	// it.
	_, err = db.Pool().Exec(ctx, `ALTER TABLE deals ADD COLUMN account_id uuid, ADD COLUMN contact_id uuid;
		CREATE TABLE account_contacts (tenant_id text, account_id uuid, id uuid);
		ALTER TABLE deals ADD COLUMN pipeline_version bigint; -- and the tables of schema version 8
		ALTER TABLE deals ADD COLUMN amount_minor bigint, ADD COLUMN currency text, -- and the columns of version 12
			ADD COLUMN created_at timestamptz, ADD COLUMN stage_entered_at timestamptz, ADD COLUMN closed_at timestamptz,
			ADD COLUMN deal_type text, ADD COLUMN campaign_id uuid, ADD COLUMN competitor text, ADD COLUMN reason text;
		CREATE TABLE commission_plans (tenant_id text, id uuid);
		CREATE TABLE pipelines (tenant_id text, id uuid);
		CREATE TABLE pipeline_versions (tenant_id text, pipeline text, version bigint);
		CREATE TABLE forecast_snapshots (tenant_id text, id uuid)`)
	require.NoError(t, err)
	// Append checks that no event is of a stored aggregate, over the
	// tables of every kind this code stores (schema version 9 adds three,
	// 11 the field schemas every deal write reads).
	_, err = db.Pool().Exec(ctx, `CREATE TABLE quotes (tenant_id text, id uuid);
		CREATE TABLE approvals (tenant_id text, id uuid); CREATE TABLE interactions (tenant_id text, id uuid);
		CREATE TABLE field_schemas (tenant_id text, id uuid, body jsonb)`)
	require.NoError(t, err)
	insertOldTestAccount(t, db.Pool(), "acme")
	_, err = db.Pool().Exec(ctx, `INSERT INTO account_contacts VALUES ('acme', $1, $2)`, testAccount, testContact)
	require.NoError(t, err)
	s, err := db.Tenant("acme")
	require.NoError(t, err)

	p := deal.DefaultPipeline()
	withOverride, created := testDeal(t, p, "ana", 1)
	withOverride, changed, err := withOverride.SetProbability(decimal.NewNullDecimal(decimal.RequireFromString("0.125")), deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: t0}})
	require.NoError(t, err)
	team := []deal.Member{{Rep: "ana", Split: decimal.RequireFromString("0.7")}, {Rep: "ben", Split: decimal.RequireFromString("0.3"), Overlay: decimal.RequireFromString("0.15")}}
	withOverride, teamed, err := withOverride.SetTeam(team, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: t0}})
	require.NoError(t, err)
	withOverride, visited, err := withOverride.LogActivity(deal.Activity{Kind: deal.ActivityVisit, At: t0, By: "ana"}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: t0}})
	require.NoError(t, err)
	_, err = s.Deals().Create(ctx, withOverride, "", created, changed, teamed, visited)
	require.NoError(t, err)
	plain, plainCreated := testDeal(t, p, "ben", 2)
	_, err = s.Deals().Create(ctx, plain, "", plainCreated)
	require.NoError(t, err)

	_, err = db.Pool().Exec(ctx, `ALTER TABLE deals ALTER COLUMN status TYPE smallint USING CASE status WHEN 'open' THEN 1 END`)
	require.NoError(t, err)
	_, err = db.Pool().Exec(ctx, `ALTER TABLE deals DROP COLUMN account_id, DROP COLUMN contact_id; DROP TABLE account_contacts;
		ALTER TABLE deals DROP COLUMN amount_minor, DROP COLUMN currency, DROP COLUMN created_at, DROP COLUMN stage_entered_at,
			DROP COLUMN closed_at, DROP COLUMN deal_type, DROP COLUMN campaign_id, DROP COLUMN competitor, DROP COLUMN reason`)
	require.NoError(t, err)

	// Rewrite the stored values as the old code wrote them: percent, and
	// an ActivityLogged event without To.
	_, err = db.Pool().Exec(ctx, `UPDATE deals SET body = jsonb_set(body, '{probability}', '"12.5"') WHERE id = $1`, withOverride.ID)
	require.NoError(t, err)
	_, err = db.Pool().Exec(ctx, `UPDATE events SET payload = jsonb_set(payload, '{probability}', '"60"') WHERE id = $1`, created.ID)
	require.NoError(t, err)
	_, err = db.Pool().Exec(ctx, `UPDATE events SET payload = jsonb_set(payload, '{probability}', '"12.5"') WHERE id = $1`, changed.ID)
	require.NoError(t, err)
	_, err = db.Pool().Exec(ctx, `UPDATE events SET to_state = '' WHERE id = $1`, visited.ID)
	require.NoError(t, err)
	const bpTeam = `[{"rep":"ana","split":7000},{"rep":"ben","split":3000,"overlay":1500}]`
	_, err = db.Pool().Exec(ctx, `UPDATE deals SET body = jsonb_set(body, '{team}', $2::jsonb) WHERE id = $1`, withOverride.ID, bpTeam)
	require.NoError(t, err)
	_, err = db.Pool().Exec(ctx, `UPDATE events SET payload = jsonb_set(payload, '{team}', $2::jsonb) WHERE id = $1`, teamed.ID, bpTeam)
	require.NoError(t, err)

	// A quote's creation event, its line discount written in percent.
	q, quoteCreated, err := quote.New(withOverride.ID, crmkit.MustCurrency("EUR"), []quote.Line{
		{Product: "seat", Quantity: decimal.NewFromInt(2), UnitPrice: crmkit.MustMoney("100.00", "EUR"), Discount: decimal.RequireFromString("0.175")},
	}, t0.AddDate(0, 1, 0), crmkit.Cmd{By: "ana", At: t0})
	require.NoError(t, err)
	require.NoError(t, s.Events().Append(ctx, quoteCreated))
	_, err = db.Pool().Exec(ctx, `UPDATE events SET payload = jsonb_set(payload, '{lines,0,discount}', '"17.5"') WHERE id = $1`, quoteCreated.ID)
	require.NoError(t, err)
	_, err = db.Pool().Exec(ctx, `DROP TABLE quotes, approvals, interactions, field_schemas`)
	require.NoError(t, err)

	_, err = db.Pool().Exec(ctx, `DROP TABLE commission_plans, pipelines, pipeline_versions, forecast_snapshots; ALTER TABLE deals DROP COLUMN pipeline_version`)
	require.NoError(t, err)
	require.NoError(t, db.Migrate(ctx))
	v, err := db.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, postgres.SchemaVersion, v)

	got, err := s.Deals().Get(ctx, withOverride.ID)
	require.NoError(t, err)
	require.True(t, got.Probability.Valid)
	assert.True(t, got.Probability.Decimal.Equal(decimal.RequireFromString("0.125")), "12.5 %% is 0.125, got %s", got.Probability.Decimal)
	require.Len(t, got.Team, 2)
	assert.True(t, got.Team[0].Split.Equal(decimal.RequireFromString("0.7")), "7000 basis points are 0.7, got %s", got.Team[0].Split)
	assert.True(t, got.Team[1].Split.Equal(decimal.RequireFromString("0.3")))
	assert.True(t, got.Team[1].Overlay.Equal(decimal.RequireFromString("0.15")))
	assert.True(t, got.Team[0].Overlay.IsZero())
	got, err = s.Deals().Get(ctx, plain.ID)
	require.NoError(t, err)
	assert.False(t, got.Probability.Valid, "no override stays no override")

	byID := map[string]crmkit.Event{}
	for e, err := range s.Events().ByAggregate(ctx, withOverride.ID) {
		require.NoError(t, err)
		byID[e.ID.String()] = e
	}
	var cp deal.DealCreatedPayload
	require.NoError(t, byID[created.ID.String()].DecodePayload(&cp))
	require.True(t, cp.Probability.Valid)
	assert.True(t, cp.Probability.Decimal.Equal(decimal.RequireFromString("0.6")), "60 %% is 0.6, got %s", cp.Probability.Decimal)
	var pp deal.ProbabilityPayload
	require.NoError(t, byID[changed.ID.String()].DecodePayload(&pp))
	assert.True(t, pp.Probability.Decimal.Equal(decimal.RequireFromString("0.125")))
	assert.Equal(t, "visit", byID[visited.ID.String()].To)

	quoteEvents := 0
	for e, err := range s.Events().ByAggregate(ctx, q.ID) {
		require.NoError(t, err)
		quoteEvents++
		var qc quote.ContentPayload
		require.NoError(t, e.DecodePayload(&qc))
		require.Len(t, qc.Lines, 1)
		assert.True(t, qc.Lines[0].Discount.Equal(decimal.RequireFromString("0.175")), "17.5 %% is 0.175, got %s", qc.Lines[0].Discount)
	}
	assert.Equal(t, 1, quoteEvents)

	// The migrated history replays into the migrated deal.
	events := []crmkit.Event{byID[created.ID.String()], byID[changed.ID.String()], byID[teamed.ID.String()], byID[visited.ID.String()]}
	replayed, err := p.Replay(events)
	require.NoError(t, err)
	assert.True(t, replayed.Probability.Decimal.Equal(decimal.RequireFromString("0.125")))
	require.Len(t, replayed.Team, 2)
	assert.True(t, replayed.Team[1].Overlay.Equal(decimal.RequireFromString("0.15")))
}
