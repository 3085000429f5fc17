package storagetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// History matches state (testHistory): every repository refuses a Create
// or Save whose events are not exactly the history of the write (one
// event per version from the stored version, 0 for a Create, to the
// written one, in order, each of the written aggregate and its kind),
// with crmkit.ErrInvalid, writing nothing.
//
// References resolve (testReferences): a deal's account and contact, a
// contract's account and deal exist in the store's tenant; a write that
// breaks one is a *storage.ReferenceError and writes nothing.

// historyWrite is one write of an aggregate, type-erased: its ID and
// kind, the versions it moves between, its valid history, and how to
// make it with other events.
type historyWrite struct {
	kind     string
	id       uuid.UUID
	from, to int64
	events   []crmkit.Event
	write    func(ctx context.Context, s storage.Store, events []crmkit.Event) error
	// version reads the stored version (0 when absent).
	version func(ctx context.Context, s storage.Store) int64
}

// historyKind makes the two writes of one repository: a Create of a new
// aggregate, and a Save of its next version (valid once the Create is
// stored with its valid history).
type historyKind struct {
	name   string
	writes func(t testing.TB) (create, save historyWrite)
}

// repoWrites builds the create and save writes of a value v (with its
// history evs) and its next version nv (with nevs) for repository r.
func repoWrites[T, F any](kind string, r func(storage.Tx) storage.Repository[T, F], id func(*T) uuid.UUID, version func(*T) int64,
	v T, evs []crmkit.Event, nv T, nevs []crmkit.Event) (historyWrite, historyWrite) {
	stored := func(ctx context.Context, s storage.Store) int64 {
		got, err := r(s).Get(ctx, id(&v))
		if err != nil {
			return 0
		}
		return version(&got)
	}
	create := historyWrite{kind: kind, id: id(&v), from: 0, to: version(&v), events: evs, version: stored,
		write: func(ctx context.Context, s storage.Store, events []crmkit.Event) error {
			_, err := r(s).Create(ctx, v, "", events...)
			return err
		}}
	save := historyWrite{kind: kind, id: id(&v), from: version(&v), to: version(&nv), events: nevs, version: stored,
		write: func(ctx context.Context, s storage.Store, events []crmkit.Event) error {
			return r(s).Save(ctx, nv, version(&v), events...)
		}}
	return create, save
}

// fixtureKind is the historyKind of a runOptional fixture.
func fixtureKind[T, F any](name string, fx fixture[T, F]) historyKind {
	return historyKind{name: name, writes: func(t testing.TB) (historyWrite, historyWrite) {
		v, evs := fx.make(t, 0)
		nv, nevs := fx.next(t, v)
		return repoWrites(evs[0].AggregateKind, fx.repo, fx.id, fx.version, v, evs, nv, nevs)
	}}
}

// historyKinds are the repositories testHistory checks.
func historyKinds() []historyKind {
	return []historyKind{
		{name: "lead", writes: func(t testing.TB) (historyWrite, historyWrite) {
			l, ev := newLead("Ada", "ana", lead.StageSuspect, lead.ChannelEmail)
			n, e1 := changed(l, "bo", lead.StageMQL)
			n, e2 := changed(n, "cy", lead.StageSQL)
			return repoWrites(lead.LeadKind, storage.Tx.Leads, leadID, func(l *lead.Lead) int64 { return l.Version },
				l, []crmkit.Event{ev}, n, []crmkit.Event{e1, e2})
		}},
		{name: "deal", writes: func(t testing.TB) (historyWrite, historyWrite) {
			d, ev := newDeal(t, dealSpec{name: "Fleet", owner: "ana", stage: "bidding", close: base.AddDate(0, 1, 0)})
			n, e1, err := deal.DefaultPipeline().Move(d, "negotiation", deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: base.Add(time.Hour)}})
			require.NoError(t, err)
			return repoWrites(deal.DealKind, storage.Tx.Deals, func(d *deal.Deal) uuid.UUID { return d.ID }, func(d *deal.Deal) int64 { return d.Version },
				d, []crmkit.Event{ev}, n, []crmkit.Event{e1})
		}},
		fixtureKind("account", accountFixture()),
		fixtureKind("contract", contractFixture()),
		fixtureKind(quota.PlanKind, planFixture()),
		fixtureKind("campaign", campaignFixture()),
		fixtureKind(quota.CommissionPlanKind, commissionPlanFixture()),
		fixtureKind(deal.PipelineKind, pipelineFixture()),
		fixtureKind("quote", quoteFixture()),
		fixtureKind("approval", approvalFixture()),
		fixtureKind("interaction", interactionFixture()),
	}
}

// historyValid is the oracle of testHistory, written apart from
// storage.CheckHistory: evs is the history of w exactly when there are
// to-from of them and the i-th is of w's aggregate and kind at version
// from+1+i.
func historyValid(w historyWrite, evs []crmkit.Event) bool {
	if int64(len(evs)) != w.to-w.from {
		return false
	}
	for i, e := range evs {
		if e.AggregateID != w.id || e.AggregateKind != w.kind || e.Version != w.from+1+int64(i) {
			return false
		}
	}
	return true
}

// mutateHistory returns a drawn change of evs (a copy): an event dropped,
// added, moved, or given another aggregate, kind or version.
func mutateHistory(t *rapid.T, w historyWrite, evs []crmkit.Event) []crmkit.Event {
	out := slices.Clone(evs)
	fresh := func(v int64) crmkit.Event {
		e, err := crmkit.NewEvent(w.kind, w.id, "Written", actor, base, max(v, 1), nil)
		if err != nil {
			t.Fatalf("event: %v", err)
		}
		return e
	}
	ops := []string{"none", "append", "other aggregate", "other kind", "version", "prepend"}
	if len(out) > 0 {
		ops = append(ops, "drop")
	}
	if len(out) > 1 {
		ops = append(ops, "swap")
	}
	switch op := rapid.SampledFrom(ops).Draw(t, "mutation"); op {
	case "none":
		out = nil
	case "append":
		out = append(out, fresh(w.to+rapid.Int64Range(-1, 2).Draw(t, "appended version offset")))
	case "prepend":
		out = append([]crmkit.Event{fresh(w.from + rapid.Int64Range(0, 2).Draw(t, "prepended version offset"))}, out...)
	case "drop":
		i := rapid.IntRange(0, len(out)-1).Draw(t, "dropped")
		out = slices.Delete(out, i, i+1)
	case "swap":
		i := rapid.IntRange(0, len(out)-2).Draw(t, "swapped")
		out[i], out[i+1] = out[i+1], out[i]
	default:
		if len(out) == 0 {
			out = append(out, fresh(w.from+1))
		}
		i := rapid.IntRange(0, len(out)-1).Draw(t, "changed")
		e := &out[i]
		switch op {
		case "other aggregate":
			e.AggregateID = crmkit.NewID()
		case "other kind":
			e.AggregateKind = rapid.SampledFrom([]string{"lead", "deal", "account", "contract", "plan", "campaign", "commission_plan", "pipeline", "quote"}).Draw(t, "kind")
		case "version":
			e.Version += rapid.SampledFrom([]int64{-2, -1, 1, 2, 7}).Draw(t, "version offset")
			if e.Version < 1 {
				e.Version = 1
			}
		}
	}
	return out
}

func testHistory(t *testing.T, o Opener) {
	ctx := context.Background()
	for _, k := range historyKinds() {
		t.Run(k.name, func(t *testing.T) {
			s := open(t, o, "history-"+k.name)
			ensureSuiteDeal(t, s)
			rapid.Check(t, func(rt *rapid.T) {
				create, save := k.writes(t)
				w := create
				if rapid.Bool().Draw(rt, "save") {
					require.NoError(t, create.write(ctx, s, create.events), "create %s with its history", k.name)
					w = save
				}
				evs := mutateHistory(rt, w, w.events)
				before := w.version(ctx, s)
				logged := len(collect(t, s.Events().ByAggregate(ctx, w.id)))
				err := w.write(ctx, s, evs)
				if historyValid(w, evs) {
					// A mutation that happens to give a valid history
					// (a dropped event re-added at its place) is kept.
					if err != nil {
						rt.Fatalf("%s: a valid history was refused: %v", k.name, err)
					}
					return
				}
				if !errors.Is(err, crmkit.ErrInvalid) {
					rt.Fatalf("%s %s: events %v: want crmkit.ErrInvalid, got %v", k.name, w.id, versions(evs), err)
				}
				if got := w.version(ctx, s); got != before {
					rt.Fatalf("%s %s: the refused write changed the stored version from %d to %d", k.name, w.id, before, got)
				}
				if got := len(collect(t, s.Events().ByAggregate(ctx, w.id))); got != logged {
					rt.Fatalf("%s %s: the refused write logged %d events", k.name, w.id, got-logged)
				}
				for _, e := range evs {
					if e.AggregateID != w.id && len(collect(t, s.Events().ByAggregate(ctx, e.AggregateID))) > 0 {
						rt.Fatalf("%s %s: the refused write logged an event of %s", k.name, w.id, e.AggregateID)
					}
				}
			})
		})
	}
	t.Run("AppendToStored", func(t *testing.T) {
		// A stored aggregate's events go with its Save, never Append,
		// inside Update or not; an aggregate not stored takes them.
		s := open(t, o, "history-append")
		l, ev := newLead("Ada", "ana", lead.StageSuspect, lead.ChannelEmail)
		_, err := s.Leads().Create(ctx, l, "", ev)
		require.NoError(t, err)
		loose := event(crmkit.NewID(), "LeadScored", base, 2)
		stray := loose
		stray.ID, stray.AggregateID = crmkit.NewID(), l.ID
		var ve *crmkit.ValidationError
		require.ErrorAs(t, s.Events().Append(ctx, loose, stray), &ve)
		assert.Equal(t, "events[1].aggregate_id", ve.Field)
		err = s.Update(ctx, func(tx storage.Tx) error { return tx.Events().Append(ctx, stray) })
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "inside Update")
		// Appended first, then the aggregate created in the same Update.
		n, nev := newLead("Bo", "bo", lead.StageSuspect, lead.ChannelEmail)
		early := event(n.ID, "LeadScored", base, 1)
		err = s.Update(ctx, func(tx storage.Tx) error {
			if err := tx.Events().Append(ctx, early); err != nil {
				return err
			}
			_, err := tx.Leads().Create(ctx, n, "", nev)
			return err
		})
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "an event appended before its aggregate's create, in one Update")
		_, err = s.Leads().Get(ctx, n.ID)
		assert.ErrorIs(t, err, crmkit.ErrNotFound)
		assert.Len(t, collect(t, s.Events().ByAggregate(ctx, l.ID)), 1, "only the create's event")
		assert.Empty(t, collect(t, s.Events().ByAggregate(ctx, loose.AggregateID)), "nothing of the refused batch")
		require.NoError(t, s.Events().Append(ctx, loose), "an aggregate not stored takes events")
		// ... and cannot be created afterwards: a Create starts a history.
		late, lev := newLead("Cy", "cy", lead.StageSuspect, lead.ChannelEmail)
		late.ID, lev.AggregateID = loose.AggregateID, loose.AggregateID
		_, err = s.Leads().Create(ctx, late, "", lev)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "a create of an aggregate whose events are logged")
		_, err = s.Leads().Get(ctx, late.ID)
		assert.ErrorIs(t, err, crmkit.ErrNotFound)
	})
	t.Run("NoEventsNoChange", func(t *testing.T) {
		// A Save that moves the version on with no event at all.
		s := open(t, o, "history-empty")
		l, ev := newLead("Ada", "ana", lead.StageSuspect, lead.ChannelEmail)
		_, err := s.Leads().Create(ctx, l, "", ev)
		require.NoError(t, err)
		n, _ := changed(l, "bo", lead.StageMQL)
		err = s.Leads().Save(ctx, n, 1)
		var ve *crmkit.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "events", ve.Field)
		got, err := s.Leads().Get(ctx, l.ID)
		require.NoError(t, err)
		assert.Equal(t, int64(1), got.Version)
		_, err = s.Leads().Create(ctx, fresh2(), "")
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "a create without its event")
	})
}

// fresh2 is a new lead without its event.
func fresh2() lead.Lead { l, _ := fresh(); return l }

// versions lists the versions of evs, for messages.
func versions(evs []crmkit.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = fmt.Sprintf("%s/%s@%d", e.AggregateKind, e.AggregateID.String()[:8], e.Version)
	}
	return out
}

// assertBroken asserts that err is the *storage.ReferenceError of field.
func assertBroken(t *testing.T, err error, field string, msg string) {
	t.Helper()
	var re *storage.ReferenceError
	if assert.ErrorAs(t, err, &re, msg) {
		assert.Equal(t, field, re.Ref.Field, msg)
	}
	assert.ErrorIs(t, err, crmkit.ErrInvalid, msg)
}

func testReferences(t *testing.T, o Opener) {
	ctx := context.Background()
	s := openBare(t, o, "acme")
	globex := openBare(t, o, "globex")

	// Two accounts of acme, each with a contact; one of globex.
	a, aevs := accountWith(t, crmkit.NewID(), crmkit.NewID(), "Acme One", base)
	b, bevs := accountWith(t, crmkit.NewID(), crmkit.NewID(), "Acme Two", base)
	g, gevs := accountWith(t, crmkit.NewID(), crmkit.NewID(), "Globex", base)
	_, err := globex.Accounts().Create(ctx, g, "", gevs...)
	require.NoError(t, err)

	dealFor := func(account, contact uuid.UUID) (deal.Deal, crmkit.Event) {
		d, ev := newDeal(t, dealSpec{name: "Fleet", owner: "ana"})
		d.AccountID, d.ContactID = account, contact
		return d, ev
	}
	refused := func(what, field string, write func() error) {
		t.Helper()
		before := allEvents(t, ctx, s)
		assertBroken(t, write(), field, what)
		assert.Equal(t, len(before), len(allEvents(t, ctx, s)), "%s: nothing logged", what)
	}

	// An account that is not stored yet, another tenant's account, a
	// contact of another account, a contact of no account.
	d, dev := dealFor(a.ID, a.Contacts[0].ID)
	refused("deal before its account", "account_id", func() error { _, err := s.Deals().Create(ctx, d, "", dev); return err })
	_, err = s.Deals().Get(ctx, d.ID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	_, err = s.Accounts().Create(ctx, a, "", aevs...)
	require.NoError(t, err)
	_, err = s.Accounts().Create(ctx, b, "", bevs...)
	require.NoError(t, err)
	gd, gdev := dealFor(g.ID, uuid.Nil)
	refused("deal of globex's account", "account_id", func() error { _, err := s.Deals().Create(ctx, gd, "", gdev); return err })
	xd, xdev := dealFor(a.ID, b.Contacts[0].ID)
	refused("contact of another account", "contact_id", func() error { _, err := s.Deals().Create(ctx, xd, "", xdev); return err })
	nd, ndev := dealFor(a.ID, crmkit.NewID())
	refused("contact of no account", "contact_id", func() error { _, err := s.Deals().Create(ctx, nd, "", ndev); return err })
	refused("the same inside Update", "contact_id", func() error {
		return s.Update(ctx, func(tx storage.Tx) error { _, err := tx.Deals().Create(ctx, nd, "", ndev); return err })
	})

	// Resolving references are stored, with or without a contact.
	_, err = s.Deals().Create(ctx, d, "", dev)
	require.NoError(t, err)
	plain, pev := dealFor(b.ID, uuid.Nil)
	_, err = s.Deals().Create(ctx, plain, "", pev)
	require.NoError(t, err)

	// A Save that moves a deal to a missing account is refused, the deal
	// kept as it was.
	moved, mev, err := d.Transfer("bo", deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: base.Add(time.Hour)}})
	require.NoError(t, err)
	moved.AccountID = g.ID
	refused("save to globex's account", "account_id", func() error { return s.Deals().Save(ctx, moved, d.Version, mev) })
	got, err := s.Deals().Get(ctx, d.ID)
	require.NoError(t, err)
	assert.Equal(t, d.Version, got.Version)

	// Inside one Update: the account created first resolves; created
	// after the deal, it does not, and the Update writes nothing.
	c, cevs := accountWith(t, crmkit.NewID(), crmkit.NewID(), "Acme Three", base)
	cd, cdev := dealFor(c.ID, c.Contacts[0].ID)
	err = s.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.Deals().Create(ctx, cd, "", cdev); err != nil {
			return err
		}
		_, err := tx.Accounts().Create(ctx, c, "", cevs...)
		return err
	})
	assertBroken(t, err, "account_id", "a deal before its account in one Update")
	_, err = s.Accounts().Get(ctx, c.ID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	require.NoError(t, s.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.Accounts().Create(ctx, c, "", cevs...); err != nil {
			return err
		}
		_, err := tx.Deals().Create(ctx, cd, "", cdev)
		return err
	}), "the account, then its deal, in one Update")

	// Contracts: their account and deal.
	contract := func(accountID, dealID uuid.UUID) (account.Contract, crmkit.Event) {
		k, ev, err := account.NewContract(account.ContractSpec{AccountID: accountID, DealID: dealID, Title: "Support",
			Start: base, End: base.AddDate(1, 0, 0), Monthly: eur("100.00")}, crmkit.Cmd{By: actor, At: base})
		require.NoError(t, err)
		return k, ev
	}
	k, kev := contract(g.ID, uuid.Nil)
	refused("contract of globex's account", "account_id", func() error { _, err := s.Contracts().Create(ctx, k, "", kev); return err })
	k, kev = contract(a.ID, gd.ID)
	refused("contract of a deal not stored", "deal_id", func() error { _, err := s.Contracts().Create(ctx, k, "", kev); return err })
	k, kev = contract(a.ID, d.ID)
	_, err = s.Contracts().Create(ctx, k, "", kev)
	require.NoError(t, err)

	// An account Save that drops the contact a deal refers to is
	// refused; dropping a contact no deal refers to is not.
	drop := func(acct account.Account) (account.Account, crmkit.Event) {
		next := acct.Clone()
		next.Contacts, next.Version = nil, acct.Version+1
		ev, err := crmkit.NewEvent(account.AccountKind, acct.ID, "ContactRemoved", actor, base.Add(time.Hour), next.Version, nil)
		require.NoError(t, err)
		return next, ev
	}
	na, naev := drop(a)
	refused("drop a contact a deal refers to", "contacts", func() error { return s.Accounts().Save(ctx, na, a.Version, naev) })
	gotA, err := s.Accounts().Get(ctx, a.ID)
	require.NoError(t, err)
	assert.Len(t, gotA.Contacts, 1, "the refused save kept the contact")
	nb, nbev := drop(b)
	require.NoError(t, s.Accounts().Save(ctx, nb, b.Version, nbev), "no deal refers to b's contact")
}

// testSuiteRecords checks the suite's own account and deal: their
// histories describe them exactly, so storage.Verify finds nothing in a
// tenant holding only them (a test that verifies a tenant need not leave
// them out).
func testSuiteRecords(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "suite-records")
	ensureSuiteDeal(t, s)
	v, err := storage.Verify(ctx, s, storage.VerifyOptions{})
	require.NoError(t, err)
	assert.NoError(t, v.Err())
}
