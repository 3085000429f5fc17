package storagetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// customFields is the lead schema of the custom field tests.
func customFields() []field.Def {
	silver := field.Option("silver")
	return []field.Def{
		{Name: "tier", Type: field.TypeEnum, Options: []string{"gold", "silver", "bronze"}, Required: true, Default: &silver},
		{Name: "tags", Type: field.TypeMultiSelect, Options: []string{"a", "b", "c"}},
		{Name: "seats", Type: field.TypeNumber},
		{Name: "nickname", Type: field.TypeText, Personal: true},
	}
}

// declare stores the schema of kind with fields in s, at base.
func declare(t *testing.T, s storage.Store, kind string, fields []field.Def) field.Schema {
	t.Helper()
	sc, ev, err := field.New(kind, fields, crmkit.Cmd{By: actor, At: base})
	require.NoError(t, err)
	got, err := s.FieldSchemas().Create(context.Background(), sc, "", ev)
	require.NoError(t, err)
	return got
}

// customLead returns a new lead with custom values vs.
func customLead(name string, vs field.Values) (lead.Lead, crmkit.Event) {
	l, ev := newLead(name, "ana", lead.StageMQL, lead.ChannelEmail)
	l.Custom = vs
	return l, ev
}

// testCustomFields: schemas round trip; a lead's, deal's and account's
// custom values are checked against the stored schema on every write
// (unknown field, wrong type, option not in the enum, required field
// missing: a typed error naming the field, nothing written); Lists filter
// by them as field.Values.Match does; an orphaning change is refused by
// the schema and made by MigrateFields with the stored values migrated in
// the same Update; a tenant's schema is its own.
func testCustomFields(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	other := open(t, o, "globex")

	// Without a schema every custom value is an unknown field.
	l0, e0 := customLead("NoSchema", field.Values{"tier": field.Option("gold")})
	_, err := s.Leads().Create(ctx, l0, "", e0)
	assertField(t, err, "custom.tier")

	sc := declare(t, s, lead.LeadKind, customFields())
	got, err := s.FieldSchemas().Get(ctx, field.SchemaID(lead.LeadKind))
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.Version)
	assert.Equal(t, lead.LeadKind, got.Kind)
	assert.Len(t, got.Fields, 4)
	list, _, err := s.FieldSchemas().List(ctx, storage.FieldSchemaFilter{Kind: lead.LeadKind}, storage.Page{})
	require.NoError(t, err)
	assert.Len(t, list, 1)
	// A schema for a kind without custom values is refused.
	bad, bev, err := field.New("plan", nil, crmkit.Cmd{By: actor, At: base})
	require.NoError(t, err)
	_, err = s.FieldSchemas().Create(ctx, bad, "", bev)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	// Bad values: refused, naming the field, nothing written.
	for _, c := range []struct {
		vs    field.Values
		field string
	}{
		{field.Values{"tier": field.Option("gold"), "colour": field.Text("red")}, "custom.colour"},
		{field.Values{"tier": field.Option("platinum")}, "custom.tier"},
		{field.Values{"tier": field.Option("gold"), "seats": field.Text("many")}, "custom.seats"},
		{field.Values{"tier": field.Option("gold"), "tags": field.Text("a")}, "custom.tags"},
		{field.Values{"tier": field.Option("gold"), "tags": field.Options("a", "z")}, "custom.tags"},
		{field.Values{"seats": field.Text("3")}, "custom.tier"},
		{nil, "custom.tier"},
	} {
		l, ev := customLead("Bad", c.vs)
		_, err := s.Leads().Create(ctx, l, "", ev)
		assertField(t, err, c.field)
		_, err = s.Leads().Get(ctx, l.ID)
		assert.ErrorIs(t, err, crmkit.ErrNotFound, "%v written", c.vs)
		assert.Empty(t, collect(t, s.Events().ByAggregate(ctx, l.ID)))
	}

	// Good values round trip, and a Save is checked too.
	vals := []field.Values{
		{"tier": field.Option("gold"), "tags": field.Options("a", "b")},
		{"tier": field.Option("silver"), "tags": field.Options("b")},
		{"tier": field.Option("silver"), "seats": field.Text("12.5")},
		{"tier": field.Option("bronze"), "tags": field.Options("a", "c"), "nickname": field.Text("Bo")},
	}
	var leads []lead.Lead
	for i, vs := range vals {
		l, ev := customLead("Custom"+string(rune('A'+i)), vs)
		stored, err := s.Leads().Create(ctx, l, "", ev)
		require.NoError(t, err)
		back, err := s.Leads().Get(ctx, l.ID)
		require.NoError(t, err)
		assert.True(t, back.Custom.Equal(vs), "round trip %v: %v", vs, back.Custom)
		leads = append(leads, stored)
	}
	bumped, bev, err := leads[0].SetCustom(field.Values{"tier": field.Option("tin")}, crmkit.Cmd{By: actor, At: base.Add(time.Hour)})
	require.NoError(t, err) // the domain does not know the schema
	assertField(t, s.Leads().Save(ctx, bumped, leads[0].Version, bev), "custom.tier")
	back, err := s.Leads().Get(ctx, leads[0].ID)
	require.NoError(t, err)
	assert.Equal(t, leads[0].Version, back.Version, "refused Save wrote")

	// Filters: expected sets by hand from vals.
	ids := func(f storage.LeadFilter) []uuid.UUID {
		page, _, err := s.Leads().List(ctx, f, storage.Page{Size: storage.MaxPageSize})
		require.NoError(t, err)
		var out []uuid.UUID
		for _, l := range page {
			out = append(out, l.ID)
		}
		return out
	}
	idx := func(is ...int) []uuid.UUID {
		var out []uuid.UUID
		for _, i := range is {
			out = append(out, leads[i].ID)
		}
		return out
	}
	assert.Equal(t, idx(1, 2), ids(storage.LeadFilter{Custom: field.Values{"tier": field.Option("silver")}}))
	assert.Equal(t, idx(0, 3), ids(storage.LeadFilter{Custom: field.Values{"tags": field.Option("a")}}))
	assert.Equal(t, idx(0), ids(storage.LeadFilter{Custom: field.Values{"tags": field.Options("a", "b")}}))
	assert.Equal(t, idx(0, 1, 3), ids(storage.LeadFilter{Custom: field.Values{"tags": field.Options()}}))
	assert.Equal(t, idx(3), ids(storage.LeadFilter{Custom: field.Values{"tags": field.Option("c"), "tier": field.Option("bronze")}}))
	assert.Empty(t, ids(storage.LeadFilter{Custom: field.Values{"tier": field.Option("gold"), "tags": field.Option("c")}}))
	assert.Equal(t, idx(2), ids(storage.LeadFilter{Custom: field.Values{"seats": field.Text("12.5")}}))
	assert.Empty(t, ids(storage.LeadFilter{Custom: field.Values{"tier": field.Option("silver")}, Owner: "bob"}))
	assert.Equal(t, idx(1, 2), ids(storage.LeadFilter{Custom: field.Values{"tier": field.Option("silver")}, Owner: "ana"}))
	_, _, err = s.Leads().List(ctx, storage.LeadFilter{Custom: field.Values{"Bad Name": field.Text("x")}}, storage.Page{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	// Every result matches the filter as field.Values.Match says.
	for _, l := range leads {
		for _, f := range []field.Values{{"tier": field.Option("silver")}, {"tags": field.Option("b")}} {
			assert.Equal(t, l.Custom.Match(f), slices.Contains(ids(storage.LeadFilter{Custom: f}), l.ID))
		}
	}

	// An archived lead is migrated too (restored, changed, archived
	// again), so that it can be restored later.
	stored2, err := s.Leads().Get(ctx, leads[2].ID)
	require.NoError(t, err)
	arch, aev, err := stored2.Archive(crmkit.Cmd{By: actor, At: base.Add(90 * time.Minute)})
	require.NoError(t, err)
	require.NoError(t, s.Leads().Save(ctx, arch, stored2.Version, aev))

	// An orphaning change: refused by Change, made by Migrate.
	fields := customFields()
	fields[0].Options = []string{"gold", "bronze"}
	fields[0].Default = nil
	later := crmkit.Cmd{By: actor, At: base.Add(2 * time.Hour)}
	_, _, err = sc.Change(fields, later)
	assert.ErrorIs(t, err, crmkit.ErrConflict)
	m := field.Migration{Options: map[string]map[string]string{"tier": {"silver": "gold"}}}
	next, ev, err := sc.Migrate(fields, m, later)
	require.NoError(t, err)
	var n int
	require.NoError(t, s.Update(ctx, func(tx storage.Tx) error {
		var err error
		n, err = storage.MigrateFields(ctx, tx, next, sc.Version, ev, m, later)
		return err
	}))
	assert.Equal(t, 2, n, "the two silver leads, one archived")
	assert.Equal(t, idx(0, 1), ids(storage.LeadFilter{Custom: field.Values{"tier": field.Option("gold")}}))
	assert.Equal(t, idx(0, 1, 2), ids(storage.LeadFilter{Custom: field.Values{"tier": field.Option("gold")}, IncludeArchived: true}))
	migrated, err := s.Leads().Get(ctx, leads[2].ID)
	require.NoError(t, err)
	assert.True(t, migrated.Archived(), "archived again")
	assert.Equal(t, field.Option("gold"), migrated.Custom["tier"])
	assert.Equal(t, arch.Version+3, migrated.Version, "restored, changed, archived")
	types := func(evs []crmkit.Event) []string {
		var out []string
		for _, e := range evs {
			out = append(out, e.Type)
		}
		return out
	}
	archEvs := collect(t, s.Events().ByAggregate(ctx, leads[2].ID))
	require.GreaterOrEqual(t, len(archEvs), 3)
	assert.Equal(t, []string{lead.EventLeadRestored, field.EventValuesSet, lead.EventLeadArchived}, types(archEvs[len(archEvs)-3:]))
	restored, rev, err := migrated.Restore(crmkit.Cmd{By: actor, At: later.At})
	require.NoError(t, err)
	require.NoError(t, s.Leads().Save(ctx, restored, migrated.Version, rev), "restorable under the new schema")
	moved, err := s.Leads().Get(ctx, leads[1].ID)
	require.NoError(t, err)
	assert.Equal(t, leads[1].Version+1, moved.Version)
	evs := collect(t, s.Events().ByAggregate(ctx, leads[1].ID))
	require.NotEmpty(t, evs)
	assert.Equal(t, field.EventValuesSet, evs[len(evs)-1].Type)
	// A lead with the removed option is refused now.
	l5, e5 := customLead("Late", field.Values{"tier": field.Option("silver")})
	_, err = s.Leads().Create(ctx, l5, "", e5)
	assertField(t, err, "custom.tier")

	// The other tenant has no schema: its leads hold no custom values.
	l6, e6 := customLead("Other", field.Values{"tier": field.Option("gold")})
	_, err = other.Leads().Create(ctx, l6, "", e6)
	assertField(t, err, "custom.tier")

	// Deals and accounts: their own schemas and filters.
	ensureSuiteDeal(t, s)
	declare(t, s, deal.DealKind, []field.Def{{Name: "region", Type: field.TypeEnum, Options: []string{"emea", "apac"}}})
	declare(t, s, account.AccountKind, []field.Def{{Name: "vip", Type: field.TypeEnum, Options: []string{"yes", "no"}}})
	d, dev := newDeal(t, dealSpec{name: "Custom deal", owner: "ana"})
	d.Custom = field.Values{"region": field.Option("apac")}
	_, err = s.Deals().Create(ctx, d, "", dev)
	require.NoError(t, err)
	d2, dev2 := newDeal(t, dealSpec{name: "Bad deal", owner: "ana"})
	d2.Custom = field.Values{"region": field.Option("mars")}
	_, err = s.Deals().Create(ctx, d2, "", dev2)
	assertField(t, err, "custom.region")
	dl, _, err := s.Deals().List(ctx, storage.DealFilter{Custom: field.Values{"region": field.Option("apac")}}, storage.Page{})
	require.NoError(t, err)
	require.Len(t, dl, 1)
	assert.Equal(t, d.ID, dl[0].ID)
	// A funnel report from the store splits by the custom enum field.
	if src, ok := s.(funnel.Source); ok {
		rep, err := funnel.SummarizeSource(ctx, deal.DefaultPipeline(), src, funnel.Query{AsOf: base.AddDate(0, 0, 1),
			By: []funnel.Dimension{funnel.ByCustom}, CustomField: "region", Quantiles: crmkit.QuantilesNone})
		require.NoError(t, err)
		g, ok := rep.Group(funnel.Key{Dims: funnel.Dims{Custom: "apac"}})
		require.True(t, ok, "no apac group in %v", rep.Groups)
		assert.Equal(t, int64(1), g.Entities)
		assert.Equal(t, rep.Total.Entities-1, func() int64 { s, _ := rep.Group(funnel.Key{}); return s.Entities }(), "the deals without a region")
	}
	a, aevs := accountWith(t, crmkit.NewID(), crmkit.NewID(), "Custom Co", base)
	a.Custom = field.Values{"vip": field.Option("yes")}
	_, err = s.Accounts().Create(ctx, a, "", aevs...)
	require.NoError(t, err)
	al, _, err := s.Accounts().List(ctx, storage.AccountFilter{Custom: field.Values{"vip": field.Option("yes")}}, storage.Page{})
	require.NoError(t, err)
	require.Len(t, al, 1)
	assert.Equal(t, a.ID, al[0].ID)
	al, _, err = s.Accounts().List(ctx, storage.AccountFilter{Custom: field.Values{"vip": field.Option("no")}}, storage.Page{})
	require.NoError(t, err)
	assert.Empty(t, al)
}

// assertField asserts that err is a *crmkit.ValidationError naming
// field.
func assertField(t *testing.T, err error, name string) {
	t.Helper()
	var ve *crmkit.ValidationError
	if assert.ErrorAs(t, err, &ve) {
		assert.Equal(t, name, ve.Field)
	}
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}
