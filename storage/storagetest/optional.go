package storagetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit/campaign"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The repositories beside leads and deals (plans, campaigns, accounts,
// contracts) get the same checks as leads and deals: round trips as
// copies, not found, stale versions, idempotent keys, filters and pages,
// tenant isolation, all-or-nothing Updates and bad input, on the store
// and on the Tx of Update.

// fixture is what the generic checks need to know about one optional
// aggregate kind T listed with filters F.
type fixture[T, F any] struct {
	// repo returns the repository of tx.
	repo func(tx storage.Tx) storage.Repository[T, F]
	// make returns variant i (0 <= i < fixtureVariants) of a new
	// aggregate, with its history: one event per version, from 1.
	make func(t testing.TB, i int) (T, []crmkit.Event)
	// next returns v one or more versions on, with one event per version.
	next func(t testing.TB, v T) (T, []crmkit.Event)
	// touch, if not nil, changes v's shared content (slices) in place;
	// clone copies v deeply.
	touch   func(v *T)
	clone   func(v T) T
	id      func(*T) uuid.UUID
	version func(*T) int64
	// bare, if set, runs the checks on tenants without the suite's
	// account (see suiteAccount), which lists of the kind would show;
	// prepare, if not nil, writes what the variants refer to into each
	// tenant the checks open.
	bare    bool
	prepare func(t tb, s storage.Store)
	// filter selects exactly the variants with selected(i).
	filter   F
	selected func(i int) bool
	// bad returns values every Create must reject with ErrInvalid, and
	// badFilters filters List must reject.
	bad        func(t testing.TB) []T
	badFilters []F
}

// fixtureVariants is how many variants the list checks create.
const fixtureVariants = 6

func testPlans(t *testing.T, o Opener) { runOptional(t, o, planFixture()) }

func testCampaigns(t *testing.T, o Opener) { runOptional(t, o, campaignFixture()) }

// runOptional runs the checks of one kind, each subtest on its own
// tenants of o's database.
func runOptional[T, F any](t *testing.T, o Opener, fx fixture[T, F]) {
	checks := []struct {
		name string
		fn   func(t *testing.T, ctx context.Context, open func(tenant string) storage.Store, fx fixture[T, F])
	}{
		{"RoundTrip", optRoundTrip[T, F]},
		{"StaleVersion", optStale[T, F]},
		{"IdempotentCreate", optIdempotent[T, F]},
		{"ListAndPages", optList[T, F]},
		{"TenantIsolation", optTenants[T, F]},
		{"UpdateAtomic", optUpdate[T, F]},
		{"BadInput", optBadInput[T, F]},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			opener := func(tenant string) storage.Store {
				if fx.bare {
					return openBare(t, o, c.name+"-"+tenant)
				}
				s := open(t, o, c.name+"-"+tenant)
				if fx.prepare != nil {
					fx.prepare(t, s)
				}
				return s
			}
			c.fn(t, context.Background(), opener, fx)
		})
	}
}

// mustRepo returns tx's repository.
func (fx fixture[T, F]) mustRepo(t testing.TB, tx storage.Tx) storage.Repository[T, F] {
	t.Helper()
	r := fx.repo(tx)
	require.NotNil(t, r, "%T gives no repository", tx)
	return r
}

func optRoundTrip[T, F any](t *testing.T, ctx context.Context, open func(string) storage.Store, fx fixture[T, F]) {
	s := open("acme")
	r := fx.mustRepo(t, s)
	v, ev := fx.make(t, 0)
	want := fx.clone(v) // v is changed below
	got, err := r.Create(ctx, v, "", ev...)
	require.NoError(t, err)
	same(t, want, got)
	if fx.touch != nil {
		fx.touch(&v) // the value passed in
		fx.touch(&got)
	}
	got, err = r.Get(ctx, fx.id(&want))
	require.NoError(t, err)
	same(t, want, got, "a change to the values passed or returned changed what is stored")
	if fx.touch != nil {
		fx.touch(&got)
		again, err := r.Get(ctx, fx.id(&want))
		require.NoError(t, err)
		same(t, want, again, "a change to a value Get returned changed what is stored")
	}
	evs := collect(t, s.Events().ByAggregate(ctx, fx.id(&want)))
	same(t, ev, evs, "the create's events, in version order")

	_, err = r.Get(ctx, crmkit.NewID())
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	stranger, _ := fx.make(t, 1)
	next, nev := fx.next(t, stranger)
	assert.ErrorIs(t, r.Save(ctx, next, fx.version(&stranger), nev...), crmkit.ErrNotFound)
}

func optStale[T, F any](t *testing.T, ctx context.Context, open func(string) storage.Store, fx fixture[T, F]) {
	r := fx.mustRepo(t, open("acme"))
	v1, ev := fx.make(t, 0)
	_, err := r.Create(ctx, v1, "", ev...)
	require.NoError(t, err)
	v2, ev2 := fx.next(t, v1)
	require.NoError(t, r.Save(ctx, v2, fx.version(&v1), ev2...))

	// A second writer that read v1 loses.
	other, oev := fx.next(t, v1)
	err = r.Save(ctx, other, fx.version(&v1), oev...)
	require.ErrorIs(t, err, crmkit.ErrConflict)
	assert.Contains(t, err.Error(), fmt.Sprint(fx.version(&v1)))
	assert.Contains(t, err.Error(), fmt.Sprint(fx.version(&v2)))
	got, err := r.Get(ctx, fx.id(&v1))
	require.NoError(t, err)
	same(t, v2, got)

	v3, ev3 := fx.next(t, v2)
	require.NoError(t, r.Save(ctx, v3, fx.version(&v2), ev3...))
	got, err = r.Get(ctx, fx.id(&v1))
	require.NoError(t, err)
	same(t, v3, got)
	assert.Len(t, collect(t, open("acme").Events().ByAggregate(ctx, fx.id(&v1))), len(ev)+len(ev2)+len(ev3), "create, save, save; not the lost save")

	// Creating an ID that exists is a conflict.
	_, err = r.Create(ctx, v1, "", history(eventKind(ev), fx.id(&v1), 0, fx.version(&v1))...)
	assert.ErrorIs(t, err, crmkit.ErrConflict)
}

func optIdempotent[T, F any](t *testing.T, ctx context.Context, open func(string) storage.Store, fx fixture[T, F]) {
	s := open("acme")
	r := fx.mustRepo(t, s)
	a, aev := fx.make(t, 0)
	first, err := r.Create(ctx, a, "import-7", aev...)
	require.NoError(t, err)
	same(t, a, first)

	b, bev := fx.make(t, 1) // another ID, the same key
	again, err := r.Create(ctx, b, "import-7", bev...)
	require.NoError(t, err)
	assert.Equal(t, fx.id(&a), fx.id(&again), "the key answers with the first aggregate")
	same(t, a, again)
	_, err = r.Get(ctx, fx.id(&b))
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	assert.Empty(t, collect(t, s.Events().ByAggregate(ctx, fx.id(&b))), "a repeated create writes no events")

	// The key answers with the aggregate as it is stored now, inside
	// Update too.
	a2, a2ev := fx.next(t, a)
	require.NoError(t, r.Save(ctx, a2, fx.version(&a), a2ev...))
	require.NoError(t, s.Update(ctx, func(tx storage.Tx) error {
		got, err := fx.mustRepo(t, tx).Create(ctx, b, "import-7", bev...)
		if err != nil {
			return err
		}
		same(t, a2, got)
		return nil
	}))
	_, err = r.Get(ctx, fx.id(&b))
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
}

func optList[T, F any](t *testing.T, ctx context.Context, open func(string) storage.Store, fx fixture[T, F]) {
	r := fx.mustRepo(t, open("acme"))
	var all, want []uuid.UUID
	for i := range fixtureVariants {
		v, ev := fx.make(t, i)
		_, err := r.Create(ctx, v, "", ev...)
		require.NoError(t, err)
		all = append(all, fx.id(&v))
		if fx.selected(i) {
			want = append(want, fx.id(&v))
		}
	}
	require.NotEmpty(t, want, "the fixture's filter selects some variants")
	require.Less(t, len(want), fixtureVariants, "and not all")
	all, want = sortedIDs(all...), sortedIDs(want...)

	var zero F
	page, next, err := r.List(ctx, zero, storage.Page{})
	require.NoError(t, err)
	assert.Equal(t, all, ids(page, fx.id))
	assert.Empty(t, next)

	page, next, err = r.List(ctx, fx.filter, storage.Page{})
	require.NoError(t, err)
	assert.Equal(t, want, ids(page, fx.id), "filter")
	assert.Empty(t, next)

	// Pages of 2 over all: 2, 2, 2 and an empty cursor after the last
	// full page only when nothing follows.
	walk := func(f F, size int) (got []uuid.UUID, pages int) {
		var after storage.Cursor
		for {
			page, next, err := r.List(ctx, f, storage.Page{Size: size, After: after})
			require.NoError(t, err)
			require.LessOrEqual(t, len(page), size)
			got = append(got, ids(page, fx.id)...)
			pages++
			if next == "" {
				return got, pages
			}
			require.Len(t, page, size, "a page before the last is full")
			after = next
			require.Less(t, pages, 2*fixtureVariants, "the walk ends")
		}
	}
	got, pages := walk(zero, 4)
	assert.Equal(t, all, got)
	assert.Equal(t, 2, pages, "6 aggregates in pages of 4")
	got, pages = walk(fx.filter, 1)
	assert.Equal(t, want, got)
	assert.Equal(t, len(want), pages, "the last matching aggregate ends the walk")
	got, _ = walk(zero, fixtureVariants)
	assert.Equal(t, all, got)

	// A page starting after the last aggregate is empty.
	page, next, err = r.List(ctx, zero, storage.Page{After: storage.EncodeCursor(all[len(all)-1])})
	require.NoError(t, err)
	assert.Empty(t, page)
	assert.Empty(t, next)
}

func optTenants[T, F any](t *testing.T, ctx context.Context, open func(string) storage.Store, fx fixture[T, F]) {
	acme, globex := open("acme"), open("globex")
	ra, rg := fx.mustRepo(t, acme), fx.mustRepo(t, globex)
	v, ev := fx.make(t, 0)
	_, err := ra.Create(ctx, v, "key-1", ev...)
	require.NoError(t, err)

	_, err = rg.Get(ctx, fx.id(&v))
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	var zero F
	page, _, err := rg.List(ctx, zero, storage.Page{})
	require.NoError(t, err)
	assert.Empty(t, page)
	next, nev := fx.next(t, v)
	assert.ErrorIs(t, rg.Save(ctx, next, fx.version(&v), nev...), crmkit.ErrNotFound)
	err = globex.Update(ctx, func(tx storage.Tx) error { return fx.mustRepo(t, tx).Save(ctx, next, fx.version(&v), nev...) })
	assert.ErrorIs(t, err, crmkit.ErrNotFound)

	// globex's key is its own.
	w, wev := fx.make(t, 1)
	got, err := rg.Create(ctx, w, "key-1", wev...)
	require.NoError(t, err)
	same(t, w, got, "acme's key does not answer for globex")

	got, err = ra.Get(ctx, fx.id(&v))
	require.NoError(t, err)
	same(t, v, got, "acme's aggregate is as it was")
	page, _, err = ra.List(ctx, zero, storage.Page{})
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{fx.id(&v)}, ids(page, fx.id))
}

func optUpdate[T, F any](t *testing.T, ctx context.Context, open func(string) storage.Store, fx fixture[T, F]) {
	s := open("acme")
	r := fx.mustRepo(t, s)
	v1, ev := fx.make(t, 0)
	_, err := r.Create(ctx, v1, "", ev...)
	require.NoError(t, err)
	v2, ev2 := fx.next(t, v1)
	fresh, fev := fx.make(t, 1)
	l, lev := newLead("Ada", "ana", lead.StageMQL, lead.ChannelEmail)

	// A function that fails after writing leaves nothing behind: not
	// the save, not the create, not the lead written beside them.
	err = s.Update(ctx, func(tx storage.Tx) error {
		tr := fx.mustRepo(t, tx)
		if err := tr.Save(ctx, v2, fx.version(&v1), ev2...); err != nil {
			return err
		}
		if _, err := tr.Create(ctx, fresh, "fresh", fev...); err != nil {
			return err
		}
		if _, err := tx.Leads().Create(ctx, l, "", lev); err != nil {
			return err
		}
		got, err := tr.Get(ctx, fx.id(&v1))
		require.NoError(t, err)
		same(t, v2, got, "the transaction sees its own save")
		var zero F
		page, _, err := tr.List(ctx, zero, storage.Page{})
		require.NoError(t, err)
		assert.ElementsMatch(t, []uuid.UUID{fx.id(&v1), fx.id(&fresh)}, ids(page, fx.id), "and its own create")
		return errBoom
	})
	require.ErrorIs(t, err, errBoom)
	got, err := r.Get(ctx, fx.id(&v1))
	require.NoError(t, err)
	same(t, v1, got)
	_, err = r.Get(ctx, fx.id(&fresh))
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	_, err = s.Leads().Get(ctx, l.ID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	assert.Len(t, allEvents(t, ctx, s), len(ev), "only the first create's events")

	// A stale save inside Update fails it whole as well.
	stale, sev := fx.next(t, v2) // built on a version never stored
	err = s.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.Leads().Create(ctx, l, "", lev); err != nil {
			return err
		}
		return fx.mustRepo(t, tx).Save(ctx, stale, fx.version(&v2), sev...)
	})
	require.ErrorIs(t, err, crmkit.ErrConflict)
	_, err = s.Leads().Get(ctx, l.ID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)

	// The same writes with a nil result land together.
	require.NoError(t, s.Update(ctx, func(tx storage.Tx) error {
		tr := fx.mustRepo(t, tx)
		if err := tr.Save(ctx, v2, fx.version(&v1), ev2...); err != nil {
			return err
		}
		if _, err := tr.Create(ctx, fresh, "fresh", fev...); err != nil {
			return err
		}
		_, err := tx.Leads().Create(ctx, l, "", lev)
		return err
	}))
	got, err = r.Get(ctx, fx.id(&v1))
	require.NoError(t, err)
	same(t, v2, got)
	got, err = r.Get(ctx, fx.id(&fresh))
	require.NoError(t, err)
	same(t, fresh, got)
	_, err = s.Leads().Get(ctx, l.ID)
	require.NoError(t, err)
	assert.Len(t, allEvents(t, ctx, s), len(ev)+len(ev2)+len(fev)+1)
}

func optBadInput[T, F any](t *testing.T, ctx context.Context, open func(string) storage.Store, fx fixture[T, F]) {
	s := open("acme")
	r := fx.mustRepo(t, s)
	good, gev := fx.make(t, 0)
	_, err := r.Create(ctx, good, "", gev...)
	require.NoError(t, err)
	for i, v := range fx.bad(t) {
		_, gev := fx.make(t, 1) // a valid event not in the log
		_, err := r.Create(ctx, v, "", gev...)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "bad value %d: create", i)
		if fx.version(&v) > fx.version(&good) {
			assert.ErrorIs(t, r.Save(ctx, v, fx.version(&good), gev...), crmkit.ErrInvalid, "bad value %d: save", i)
		}
		err = s.Update(ctx, func(tx storage.Tx) error {
			_, err := fx.mustRepo(t, tx).Create(ctx, v, "", gev...)
			return err
		})
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "bad value %d: create in Update", i)
	}
	_, err = r.Create(ctx, good, string([]byte{'k', 0}), gev...)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "a key with a NUL byte")
	for i, f := range fx.badFilters {
		_, _, err := r.List(ctx, f, storage.Page{})
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "bad filter %d", i)
	}
	var zero F
	_, _, err = r.List(ctx, zero, storage.Page{Size: storage.MaxPageSize + 1})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = r.Get(ctx, uuid.Nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	// Nothing of it was written.
	page, _, err := r.List(ctx, zero, storage.Page{})
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{fx.id(&good)}, ids(page, fx.id))
	got, err := r.Get(ctx, fx.id(&good))
	require.NoError(t, err)
	same(t, good, got)
	assert.Len(t, allEvents(t, ctx, s), len(gev))
}

// --- fixtures ------------------------------------------------------------

func planFixture() fixture[quota.Plan, storage.PlanFilter] {
	return fixture[quota.Plan, storage.PlanFilter]{
		repo: storage.Tx.Plans,
		make: makePlan,
		next: nextPlan,
		touch: func(p *quota.Plan) {
			p.History[0].Action, p.History[0].Changes[0].After = "tampered", quota.Count(-1, "tampered")
		},
		clone:   clonePlan,
		id:      func(p *quota.Plan) uuid.UUID { return p.ID },
		version: func(p *quota.Plan) int64 { return p.Version },
		// Variants: fiscal year 2026 for even i, 2027 for odd; a count
		// plan for i = 0 and 3, EUR otherwise.
		filter:   storage.PlanFilter{FiscalYear: 2026, Unit: quota.MoneyUnit(eur("1.00").Currency())},
		selected: func(i int) bool { return i%2 == 0 && i%3 != 0 },
		bad: func(t testing.TB) []quota.Plan {
			var out []quota.Plan
			bad := func(change func(p *quota.Plan)) {
				p, _ := makePlan(t, 2)
				change(&p)
				out = append(out, p)
			}
			bad(func(p *quota.Plan) { p.ID = uuid.Nil })
			bad(func(p *quota.Plan) { p.Version = 0 })
			bad(func(p *quota.Plan) { p.Version = 2 }) // one revision only
			bad(func(p *quota.Plan) { p.Name = "Q\x00" })
			bad(func(p *quota.Plan) { p.FiscalYear = 0 })
			bad(func(p *quota.Plan) { p.Root.Target = quota.Amount(eur("-0.01")) })
			bad(func(p *quota.Plan) { p.Root.Target = quota.Count(1, "deals") })
			bad(func(p *quota.Plan) { p.Unit = quota.Unit{} })
			return out
		},
		badFilters: []storage.PlanFilter{
			{FiscalYear: -1},
			{FiscalYear: 10000},
			{Unit: quota.Unit{Currency: eur("1.00").Currency(), Count: "logos"}},
			{Unit: quota.CountUnit("\x00")},
		},
	}
}

// makePlan returns variant i of a plan at version 1 and its
// quota.EventPlanCreated event.
func makePlan(t testing.TB, i int) (quota.Plan, []crmkit.Event) {
	t.Helper()
	spec := quota.PlanSpec{
		Name: fmt.Sprintf("Plan %d", i), FiscalYear: 2026 + i%2,
		Calendar: quota.Fiscal(time.January, ""), Rounding: crmkit.RoundHalfEven,
	}
	if i%3 == 0 {
		spec.Target = quota.Count(120, "new logos")
	} else {
		spec.Target = quota.Amount(eur("1200000.00"))
	}
	p, e, err := quota.NewPlan(spec, crmkit.Cmd{By: actor, At: base, Reason: "annual plan"})
	require.NoError(t, err)
	return p, []crmkit.Event{e}
}

// nextPlan locks or unlocks the plan's root: one version on, with the
// quota.EventCellsLocked or EventCellsUnlocked event Lock returns.
func nextPlan(t testing.TB, p quota.Plan) (quota.Plan, []crmkit.Event) {
	t.Helper()
	at := base.Add(time.Duration(p.Version) * time.Hour)
	q, e, err := p.Lock(crmkit.Cmd{By: actor, At: at}, !p.Root.Locked, "")
	require.NoError(t, err)
	return q, []crmkit.Event{e}
}

// clonePlan copies the parts of a plan that touch changes.
func clonePlan(p quota.Plan) quota.Plan {
	q := p
	q.History = make([]quota.Revision, len(p.History))
	for i, r := range p.History {
		r.Changes = append([]quota.Change(nil), r.Changes...)
		q.History[i] = r
	}
	return q
}

func campaignFixture() fixture[campaign.Campaign, storage.CampaignFilter] {
	return fixture[campaign.Campaign, storage.CampaignFilter]{
		repo:    storage.Tx.Campaigns,
		make:    makeCampaign,
		next:    nextCampaign,
		clone:   campaign.Campaign.Clone,
		id:      func(c *campaign.Campaign) uuid.UUID { return c.ID },
		version: func(c *campaign.Campaign) int64 { return c.Version },
		// Variants: owner ana for even i; submitted for i = 1 and 4;
		// scheduled for the 30 days starting i*30 days after base.
		filter: storage.CampaignFilter{
			Owner: "ana", Statuses: []campaign.Status{campaign.Planned, campaign.Approved},
			During: crmkit.Period{Start: base.AddDate(0, 0, 10), End: base.AddDate(0, 0, 70)},
		},
		selected: func(i int) bool { return i == 0 || i == 2 },
		bad: func(t testing.TB) []campaign.Campaign {
			var out []campaign.Campaign
			bad := func(change func(c *campaign.Campaign)) {
				c, _ := makeCampaign(t, 0)
				change(&c)
				out = append(out, c)
			}
			bad(func(c *campaign.Campaign) { c.ID = uuid.Nil })
			bad(func(c *campaign.Campaign) { c.Version = 0 })
			bad(func(c *campaign.Campaign) { c.Status = campaign.Cancelled + 1 })
			bad(func(c *campaign.Campaign) { c.Code = " " })
			bad(func(c *campaign.Campaign) { c.Name = "" })
			bad(func(c *campaign.Campaign) { c.Budget = crmkit.Money{} })
			bad(func(c *campaign.Campaign) { c.Budget = eur("-1.00") })
			bad(func(c *campaign.Campaign) { c.Planned.Leads = -1 })
			bad(func(c *campaign.Campaign) { c.Schedule.End = c.Schedule.Start.Add(-time.Second) })
			bad(func(c *campaign.Campaign) { c.Owner = "ana\x00" })
			bad(func(c *campaign.Campaign) { c.Owner = string(make([]byte, storage.MaxKeyLen+1)) })
			return out
		},
		badFilters: []storage.CampaignFilter{
			{Statuses: []campaign.Status{campaign.Cancelled + 1}},
			{Owner: "\xff"},
			{During: crmkit.Period{Start: base}},
			{During: crmkit.Period{Start: base, End: base.Add(-time.Hour)}},
		},
	}
}

// makeCampaign returns variant i of a campaign, stored at version 1 (or
// 2, submitted, for i = 1 and 4), and its events.
func makeCampaign(t testing.TB, i int) (campaign.Campaign, []crmkit.Event) {
	t.Helper()
	owner := [...]string{"ana", "bo"}[i%2]
	start := base.AddDate(0, 0, 30*i)
	c, e, err := campaign.New(campaign.Spec{Code: fmt.Sprintf("C-%d", i), Name: fmt.Sprintf("Webinar %d", i), Budget: eur("5000.00"),
		Planned:  campaign.Targets{Leads: 200, Opportunities: 20, Contracts: 4, Revenue: eur("80000.00")},
		Schedule: crmkit.Period{Start: start, End: start.AddDate(0, 0, 30)}, Owner: owner}, crmkit.Cmd{By: actor, At: base})
	require.NoError(t, err)
	evs := []crmkit.Event{e}
	if i%3 == 1 {
		c, e, err = c.Submit(crmkit.Cmd{By: owner, At: base})
		require.NoError(t, err)
		evs = append(evs, e)
	}
	return c, evs
}

// nextCampaign moves the campaign one step along planned, pending
// approval, approved, running, completed.
func nextCampaign(t testing.TB, c campaign.Campaign) (campaign.Campaign, []crmkit.Event) {
	t.Helper()
	at := base.Add(time.Duration(c.Version) * time.Hour)
	var (
		n   campaign.Campaign
		e   crmkit.Event
		err error
	)
	switch c.Status {
	case campaign.Planned:
		n, e, err = c.Submit(crmkit.Cmd{By: c.Owner, At: at})
	case campaign.PendingApproval:
		n, e, err = c.Approve(crmkit.Cmd{By: "manager", At: at})
	case campaign.Approved:
		n, e, err = c.Start(crmkit.Cmd{By: c.Owner, At: at})
	default:
		n, e, err = c.Complete(crmkit.Cmd{By: c.Owner, At: at}, eur("4800.00"))
	}
	require.NoError(t, err)
	return n, []crmkit.Event{e}
}

// eventKind is the aggregate kind of a fixture's history.
func eventKind(evs []crmkit.Event) string { return evs[0].AggregateKind }
