package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit/campaign"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/postgres"
)

// TestMigrateEnumsToText brings a version-4 database, its rows written as
// version-4 code wrote them (every enum a number, its position in its
// const block; lead and campaign bodies keyed by Go field names; enum
// columns smallint), to the current version, and reads every row back
// through the store. The numbers are written here by hand from the const
// blocks as they stood: lead stages count from suspect = 1 (nurture = 5),
// temperatures from cold = 1 (hot = 3), sides from marketing = 1 (sales =
// 2); deal types from new business = 1 (renewal = 3), deal statuses from
// open = 1; account relations are bits prospect 1, customer 2, partner 4,
// competitor 8 (customer and partner: 6); contact roles count from
// decision maker = 1 (champion = 5); contract statuses from draft = 1
// (active = 4), execution from not started = 0 (implementation started =
// 2), terms kinds from original = 1; interaction severities from info =
// 1 (major = 3), outcomes from pending = 1 (escalated = 3); campaign statuses from planned = 0
// (running = 3); rounding modes from half-even = 1 (half-up = 2). 0 is the unset zero where zero is no value. Periods
// were {"Start", "End"}.
func TestMigrateEnumsToText(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, schema := openSchema(t, testDSN(t))
	exec := func(sql string, args ...any) {
		t.Helper()
		_, err := db.Pool().Exec(ctx, sql, args...)
		require.NoError(t, err, sql)
	}
	exec("CREATE SCHEMA " + schema)
	exec(`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
	for _, m := range postgres.Migrations()[:4] {
		exec(m.SQL)
		exec("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name)
	}
	const tenant = "acme"
	body := func(v any) string {
		t.Helper()
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return string(b)
	}
	event := func(e crmkit.Event, payload string) {
		t.Helper()
		exec(`INSERT INTO events (tenant_id, id, aggregate_kind, aggregate_id, type, actor, at, version, from_state, to_state, reason, payload)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb)`,
			tenant, e.ID, e.AggregateKind, e.AggregateID, e.Type, e.Actor, e.At, e.Version, e.From, e.To, e.Reason, payload)
	}
	ts := t0.Format("2006-01-02T15:04:05Z07:00")

	// Two leads: a nurtured one with every enum set, and one whose
	// temperature and side are unset. The attribute key "AgeBand" is the
	// lead's data and keeps its spelling.
	nurtured, fresh := crmkit.NewID(), crmkit.NewID()
	exec(`INSERT INTO leads (tenant_id, id, version, stage, source, owner, body) VALUES ($1, $2, 3, 5, 'email', 'ana', $3::jsonb)`, tenant, nurtured,
		fmt.Sprintf(`{"ID": %q, "Who": {"Name": "Ada", "Email": "ada@example.com", "Phone": "", "Company": "Acme", "Title": "", "Industry": "", "Country": "",
			"Website": "", "CompanySize": 40, "Attributes": {"AgeBand": "30-39"}}, "Source": "email", "EventKind": "", "ReferredBy": "", "Campaign": "spring",
			"Owner": "ana", "Stage": 5, "StageAt": %q, "Reason": "no budget yet", "RevisitAt": %q, "NurturedBy": 2, "Temperature": 3, "BuyBy": %q,
			"Journey": [{"channel": "email", "kind": "form", "at": %q}], "CreatedAt": %q, "UpdatedAt": %q,
			"Conversion": {"AccountID": "00000000-0000-0000-0000-000000000000", "ContactID": "00000000-0000-0000-0000-000000000000",
			"OpportunityID": "00000000-0000-0000-0000-000000000000", "ExistingAccount": false, "ExistingContact": false}, "MergedFrom": null, "Version": 3}`,
			nurtured, ts, t0.AddDate(0, 3, 0).Format("2006-01-02T15:04:05Z07:00"), ts, ts, ts, ts))
	exec(`INSERT INTO leads (tenant_id, id, version, stage, source, owner, body) VALUES ($1, $2, 1, 1, 'social', 'bo', $3::jsonb)`, tenant, fresh,
		fmt.Sprintf(`{"ID": %q, "Who": {"Name": "Bob"}, "Source": "social", "Owner": "bo", "Stage": 1, "NurturedBy": 0, "Temperature": 0, "Version": 1}`, fresh))

	// A renewal deal, open, and the account it refers to.
	insertOldTestAccount(t, db.Pool(), tenant)
	d, dealCreated := testDeal(t, deal.DefaultPipeline(), "ana", 1)
	d.Type = deal.Renewal
	exec(`INSERT INTO deals (tenant_id, id, version, pipeline, stage, status, owner, expected_close, body)
		VALUES ($1, $2, $3, $4, $5, 1, $6, $7, jsonb_set(jsonb_set($8::jsonb, '{type}', '3'), '{status}', '1'))`,
		tenant, d.ID, d.Version, d.PipelineID, d.Stage, d.Owner, d.CloseDate, body(d))
	event(dealCreated, string(dealCreated.Payload))

	// An account that is a customer and a partner, its contact a champion,
	// with the events of both.
	a, accountCreated, err := account.New(account.NewAccount{Name: "Globex", Owner: "ana", Relations: account.Customer | account.Partner}, crmkit.Cmd{By: "ana", At: t0})
	require.NoError(t, err)
	a, contactAdded, err := a.AddContact(account.Contact{Name: "Hank", Email: "hank@globex.example", Role: account.Champion}, crmkit.Cmd{By: "ana", At: t0})
	require.NoError(t, err)
	exec(`INSERT INTO accounts (tenant_id, id, version, owner, segment, parent, relations, body)
		VALUES ($1, $2, $3, $4, '', NULL, 6, jsonb_set(jsonb_set($5::jsonb, '{relations}', '6'), '{contacts,0,role}', '5'))`,
		tenant, a.ID, a.Version, a.Owner, body(a))
	event(accountCreated, `{"name": "Globex", "owner": "ana", "relations": 6}`)
	event(contactAdded, fmt.Sprintf(`{"id": %q, "name": "Hank", "email": "hank@globex.example", "role": 5}`, a.Contacts[0].ID))

	// An active contract whose implementation has started.
	c, drafted, err := account.NewContract(account.ContractSpec{
		AccountID: a.ID, Title: "Support", Start: t0, End: t0.AddDate(1, 0, 0), RenewalDate: t0.AddDate(0, 11, 0),
		Monthly: crmkit.MustMoney("100.00", "EUR"), Value: crmkit.MustMoney("0.00", "EUR"),
	}, crmkit.Cmd{By: "ana", At: t0})
	require.NoError(t, err)
	c.Status, c.Execution = account.Active, account.ImplementationStarted
	exec(`INSERT INTO contracts (tenant_id, id, version, account_id, deal_id, status, renewal_date, body)
		VALUES ($1, $2, $3, $4, NULL, 4, $5,
			jsonb_set(jsonb_set(jsonb_set(jsonb_set($6::jsonb, '{status}', '4'), '{execution}', '2'), '{terms,0,kind}', '1'),
				'{terms,0,period}', jsonb_build_object('Start', $6::jsonb #> '{terms,0,period,start}', 'End', $6::jsonb #> '{terms,0,period,end}')))`,
		tenant, c.ID, c.Version, c.AccountID, c.Current().RenewalDate, body(c))
	event(drafted, `{}`)
	exec(`UPDATE events SET payload = jsonb_set(jsonb_set($2::jsonb, '{terms,kind}', '1'), '{terms,period}',
		jsonb_build_object('Start', $2::jsonb #> '{terms,period,start}', 'End', $2::jsonb #> '{terms,period,end}')) WHERE id = $1`, drafted.ID, string(drafted.Payload))

	// An interaction, major (3: info was 1) and escalated (3: pending was
	// 1).
	_, recorded, err := account.RecordInteraction(account.Interaction{AccountID: a.ID, Channel: "phone", Severity: account.Major,
		Outcome: account.Escalated, Who: "ana", At: t0}, crmkit.Cmd{By: "ana", At: t0})
	require.NoError(t, err)
	event(recorded, string(recorded.Payload))
	exec(`UPDATE events SET payload = payload || '{"severity": 3, "outcome": 3}' WHERE id = $1`, recorded.ID)

	// A plan rounding half up (2: half-even was 1), its root's period
	// keyed Start and End.
	plan, planCreated, err := quota.NewPlan(quota.PlanSpec{Name: "FY", FiscalYear: 2026, Calendar: quota.Fiscal(time.January, ""),
		Rounding: crmkit.RoundHalfUp, Target: quota.Amount(crmkit.MustMoney("1200000.00", "EUR"))}, crmkit.Cmd{By: "ana", At: t0, Reason: "annual plan"})
	require.NoError(t, err)
	exec(`INSERT INTO plans (tenant_id, id, version, fiscal_year, unit_currency, unit_count, body)
		VALUES ($1, $2, $3, 2026, 'EUR', '', jsonb_set(jsonb_set($4::jsonb, '{rounding}', '2'), '{root,period}',
			jsonb_build_object('Start', $4::jsonb #> '{root,period,start}', 'End', $4::jsonb #> '{root,period,end}')))`,
		tenant, plan.ID, plan.Version, body(plan))
	event(planCreated, string(planCreated.Payload))
	exec(`UPDATE events SET payload = jsonb_set(payload, '{rounding}', '2') WHERE id = $1`, planCreated.ID)

	// A running campaign.
	campaignID := crmkit.NewID()
	eur := func(s string) string { return body(crmkit.MustMoney(s, "EUR")) }
	exec(`INSERT INTO campaigns (tenant_id, id, version, status, owner, code, schedule_start, schedule_end, body)
		VALUES ($1, $2, 4, 3, 'ana', 'SPRING', $3, $4, $5::jsonb)`, tenant, campaignID, t0, t0.AddDate(0, 1, 0),
		fmt.Sprintf(`{"ID": %q, "Code": "SPRING", "Name": "Spring webinar", "Kind": "webinar", "Status": 3, "Budget": %s, "ActualCost": null,
			"Planned": {"Leads": 200, "Opportunities": 20, "Contracts": 4, "Revenue": %s},
			"Schedule": {"Start": %q, "End": %q}, "Owner": "ana", "SubmittedBy": "ana", "ApprovedBy": "cy", "Version": 4}`,
			campaignID, eur("5000.00"), eur("80000.00"), ts, t0.AddDate(0, 1, 0).Format("2006-01-02T15:04:05Z07:00")))

	require.NoError(t, db.Migrate(ctx))
	v, err := db.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, postgres.SchemaVersion, v)
	s, err := db.Tenant(tenant)
	require.NoError(t, err)

	gotLead, err := s.Leads().Get(ctx, nurtured)
	require.NoError(t, err)
	assert.Equal(t, lead.Lead{
		ID: nurtured,
		Who: lead.Person{Name: "Ada", Email: "ada@example.com", Company: "Acme", CompanySize: 40,
			Attributes: map[string]string{"AgeBand": "30-39"}},
		Source: lead.ChannelEmail, Campaign: "spring", Owner: "ana",
		Stage: lead.StageNurture, StageAt: t0, Reason: "no budget yet", RevisitAt: t0.AddDate(0, 3, 0),
		NurturedBy: lead.SideSales, Temperature: lead.TemperatureHot, BuyBy: t0,
		Journey:   []lead.Touchpoint{{Channel: lead.ChannelEmail, Kind: lead.TouchForm, At: t0}},
		CreatedAt: t0, UpdatedAt: t0, Version: 3,
	}, gotLead)
	gotLead, err = s.Leads().Get(ctx, fresh)
	require.NoError(t, err)
	assert.Equal(t, lead.Lead{ID: fresh, Who: lead.Person{Name: "Bob"}, Source: lead.ChannelSocial, Owner: "bo", Stage: lead.StageSuspect, Version: 1}, gotLead)
	var stored string
	require.NoError(t, db.Pool().QueryRow(ctx, `SELECT body->>'temperature' || ' ' || (body->>'nurtured_by') || ' ' || stage FROM leads WHERE id = $1`, fresh).Scan(&stored))
	assert.Equal(t, "unset unset suspect", stored, "the unset zero is stored as text too")
	nurturing, _, err := s.Leads().List(ctx, storage.LeadFilter{Stage: lead.StageNurture}, storage.Page{})
	require.NoError(t, err)
	require.Len(t, nurturing, 1, "the stage column holds names")
	assert.Equal(t, nurtured, nurturing[0].ID)

	gotDeal, err := s.Deals().Get(ctx, d.ID)
	require.NoError(t, err)
	assert.Equal(t, deal.Renewal, gotDeal.Type)
	assert.Equal(t, deal.Open, gotDeal.Status)
	open, _, err := s.Deals().List(ctx, storage.DealFilter{Status: deal.Open}, storage.Page{})
	require.NoError(t, err)
	require.Len(t, open, 1, "the status column holds names")

	gotAccount, err := s.Accounts().Get(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, account.Customer|account.Partner, gotAccount.Relations)
	require.Len(t, gotAccount.Contacts, 1)
	assert.Equal(t, account.Champion, gotAccount.Contacts[0].Role)
	partners, _, err := s.Accounts().List(ctx, storage.AccountFilter{Relations: account.Partner}, storage.Page{})
	require.NoError(t, err)
	require.Len(t, partners, 1, "the relations column holds names")
	prospects, _, err := s.Accounts().List(ctx, storage.AccountFilter{Relations: account.Prospect}, storage.Page{})
	require.NoError(t, err)
	assert.Empty(t, prospects)

	gotContract, err := s.Contracts().Get(ctx, c.ID)
	require.NoError(t, err)
	assert.Equal(t, account.Active, gotContract.Status)
	assert.Equal(t, account.ImplementationStarted, gotContract.Execution)
	require.Len(t, gotContract.Terms, 1)
	assert.Equal(t, account.Original, gotContract.Terms[0].Kind)
	assert.Equal(t, crmkit.Period{Start: t0, End: t0.AddDate(1, 0, 0)}, gotContract.Terms[0].Period)
	var keys string
	require.NoError(t, db.Pool().QueryRow(ctx, `SELECT string_agg(k, ',' ORDER BY k) FROM contracts, jsonb_object_keys(body->'terms'->0->'period') AS k WHERE id = $1`, c.ID).Scan(&keys))
	assert.Equal(t, "end,start", keys, "periods have the keys of their JSON tags")
	active, _, err := s.Contracts().List(ctx, storage.ContractFilter{Statuses: []account.ContractStatus{account.Active}}, storage.Page{})
	require.NoError(t, err)
	require.Len(t, active, 1)

	gotCampaign, err := s.Campaigns().Get(ctx, campaignID)
	require.NoError(t, err)
	assert.Equal(t, campaign.Campaign{
		ID: campaignID, Code: "SPRING", Name: "Spring webinar", Kind: "webinar", Status: campaign.Running,
		Budget:   crmkit.MustMoney("5000.00", "EUR"),
		Planned:  campaign.Targets{Leads: 200, Opportunities: 20, Contracts: 4, Revenue: crmkit.MustMoney("80000.00", "EUR")},
		Schedule: crmkit.Period{Start: t0, End: t0.AddDate(0, 1, 0)}, Owner: "ana", SubmittedBy: "ana", ApprovedBy: "cy", Version: 4,
	}, gotCampaign)
	running, _, err := s.Campaigns().List(ctx, storage.CampaignFilter{Statuses: []campaign.Status{campaign.Running}}, storage.Page{})
	require.NoError(t, err)
	require.Len(t, running, 1)

	gotPlan, err := s.Plans().Get(ctx, plan.ID)
	require.NoError(t, err, "the plan decodes (and validates) after the upgrade")
	assert.Equal(t, crmkit.RoundHalfUp, gotPlan.Rounding)
	assert.Equal(t, plan.Root.Period, gotPlan.Root.Period)

	payloads := map[uuid.UUID]crmkit.Event{}
	for _, id := range []uuid.UUID{a.ID, c.ID, recorded.AggregateID, plan.ID} {
		for e, err := range s.Events().ByAggregate(ctx, id) {
			require.NoError(t, err)
			payloads[e.ID] = e
		}
	}
	var created account.AccountCreatedPayload
	require.NoError(t, payloads[accountCreated.ID].DecodePayload(&created))
	assert.Equal(t, account.Customer|account.Partner, created.Relations)
	var contact account.Contact
	require.NoError(t, payloads[contactAdded.ID].DecodePayload(&contact))
	assert.Equal(t, account.Champion, contact.Role)
	var planPayload quota.PlanCreatedPayload
	require.NoError(t, payloads[planCreated.ID].DecodePayload(&planPayload))
	assert.Equal(t, crmkit.RoundHalfUp, planPayload.Rounding)
	var interaction account.Interaction
	require.NoError(t, payloads[recorded.ID].DecodePayload(&interaction))
	assert.Equal(t, account.Major, interaction.Severity)
	assert.Equal(t, account.Escalated, interaction.Outcome)
	var draft account.ContractDraftedPayload
	require.NoError(t, payloads[drafted.ID].DecodePayload(&draft))
	assert.Equal(t, account.Original, draft.Terms.Kind)
	assert.Equal(t, crmkit.Period{Start: t0, End: t0.AddDate(1, 0, 0)}, draft.Terms.Period)
}
