package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testLeadRoundTrip(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	l, ev := newLead("Ada Lovelace", "ana", lead.StageMQL, lead.ChannelReferral)
	l.BuyBy = base.AddDate(0, 2, 0)
	l.MergedFrom = []uuid.UUID{crmkit.NewID()}
	want := l.Clone()

	got, err := s.Leads().Create(ctx, l, "", ev)
	require.NoError(t, err)
	same(t, want, got)

	// Changing what was passed in or got back changes nothing stored.
	l.Who.Attributes["segment"] = "changed"
	l.Journey[0].Campaign = "changed"
	got.Who.Attributes["segment"] = "changed too"
	got.Journey[0].Campaign = "changed too"
	got.MergedFrom[0] = uuid.Nil

	stored, err := s.Leads().Get(ctx, want.ID)
	require.NoError(t, err)
	same(t, want, stored)
	stored.Who.Attributes["language"] = "changed"
	again, err := s.Leads().Get(ctx, want.ID)
	require.NoError(t, err)
	same(t, want, again)

	page, _, err := s.Leads().List(ctx, storage.LeadFilter{}, storage.Page{})
	require.NoError(t, err)
	require.Len(t, page, 1)
	page[0].Who.Attributes["segment"] = "changed through a list"
	page[0].Journey[0].Kind = lead.TouchLike
	for l, err := range storage.All(ctx, s.Leads(), storage.LeadFilter{}, 0) {
		require.NoError(t, err)
		l.Who.Attributes["segment"] = "changed through All"
	}
	again, err = s.Leads().Get(ctx, want.ID)
	require.NoError(t, err)
	same(t, want, again, "lists return copies")

	events := collect(t, s.Events().ByAggregate(ctx, want.ID))
	require.Len(t, events, 1)
	same(t, ev, events[0])
	events[0].Payload[0] = 'X'
	same(t, ev, collect(t, s.Events().ByAggregate(ctx, want.ID))[0], "a stream yields copies")

	// A save replaces the whole value and appends its event.
	next, ev2 := changed(want, "bo", lead.StageSQL)
	next.Journey = append(next.Journey, lead.Touchpoint{Channel: lead.ChannelEmail, Kind: lead.TouchVisit, At: base.Add(time.Minute)})
	delete(next.Who.Attributes, "language")
	require.NoError(t, s.Leads().Save(ctx, next, 1, ev2))
	stored, err = s.Leads().Get(ctx, want.ID)
	require.NoError(t, err)
	same(t, next, stored)
	assert.Equal(t, int64(2), stored.Version)
	events = collect(t, s.Events().ByAggregate(ctx, want.ID))
	require.Len(t, events, 2)
	same(t, ev2, events[1])
}

func testDealRoundTrip(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	d, ev := newDeal(t, dealSpec{name: "Fleet", owner: "ana", stage: "bidding", close: base.AddDate(0, 3, 0)})
	d.Team = []deal.Member{{Rep: "ana", Split: decimal.RequireFromString("0.7")}, {Rep: "bo", Split: decimal.RequireFromString("0.3")}}
	d.Activities = []deal.Activity{{Kind: deal.ActivityCall, At: base, By: "ana", Cost: eur("12.34"), Duration: time.Minute}}
	want := d.Clone()

	got, err := s.Deals().Create(ctx, d, "crm-import-17", ev)
	require.NoError(t, err)
	same(t, want, got)
	d.Team[0].Rep = "changed"
	got.Activities[0].By = "changed"

	stored, err := s.Deals().Get(ctx, want.ID)
	require.NoError(t, err)
	same(t, want, stored)
	assert.True(t, stored.Probability.Decimal.Equal(want.Probability.Decimal))
	assert.True(t, stored.Amount.Equal(eur("1000.00")))

	p := deal.DefaultPipeline()
	moved, mev, err := p.Move(stored, "negotiation", deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: base.Add(time.Hour)}})
	require.NoError(t, err)
	require.NoError(t, s.Deals().Save(ctx, moved, stored.Version, mev))
	stored, err = s.Deals().Get(ctx, want.ID)
	require.NoError(t, err)
	same(t, moved, stored)
	events := collect(t, s.Events().ByAggregate(ctx, want.ID))
	require.Len(t, events, 2)
	same(t, ev, events[0])
	same(t, mev, events[1])
}

func testNotFound(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	id := crmkit.NewID()
	_, err := s.Leads().Get(ctx, id)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	assert.ErrorContains(t, err, id.String())
	_, err = s.Deals().Get(ctx, id)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)

	l, ev := newLead("Grace", "ana", lead.StageSuspect, lead.ChannelEmail)
	next, ev2 := changed(l, "bo", lead.StageMQL)
	assert.ErrorIs(t, s.Leads().Save(ctx, next, 1, ev2), crmkit.ErrNotFound)
	d, _ := newDeal(t, dealSpec{name: "X", owner: "ana"})
	d.Version = 2
	assert.ErrorIs(t, s.Deals().Save(ctx, d, 1, history(deal.DealKind, d.ID, 1, 2)...), crmkit.ErrNotFound)
	assert.Empty(t, collect(t, s.Events().ByAggregate(ctx, l.ID)), "an unknown aggregate has no events")
	assertEmpty(t, ctx, s)

	// A failed save wrote nothing: creating the lead afterwards works.
	_, err = s.Leads().Create(ctx, l, "", ev)
	require.NoError(t, err)
	_, err = s.Leads().Create(ctx, l, "", history(lead.LeadKind, l.ID, 0, 1)...) // same ID
	assert.ErrorIs(t, err, crmkit.ErrConflict, "a create of an existing ID")
	assert.Len(t, allEvents(t, ctx, s), 1)
}

func testStaleVersion(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	l, ev := newLead("Alan", "ana", lead.StageSuspect, lead.ChannelEmail)
	_, err := s.Leads().Create(ctx, l, "", ev)
	require.NoError(t, err)

	mine, myEv := changed(l, "bo", lead.StageMQL)
	theirs, theirEv := changed(l, "cy", lead.StageSQL)
	require.NoError(t, s.Leads().Save(ctx, mine, 1, myEv))
	err = s.Leads().Save(ctx, theirs, 1, theirEv)
	require.ErrorIs(t, err, crmkit.ErrConflict)
	assert.ErrorContains(t, err, l.ID.String())
	assert.ErrorContains(t, err, "expected version 1")
	assert.ErrorContains(t, err, "stored version 2")
	assert.True(t, storage.IsRetryable(err))

	stored, err := s.Leads().Get(ctx, l.ID)
	require.NoError(t, err)
	same(t, mine, stored, "the stale save changed nothing")
	events := collect(t, s.Events().ByAggregate(ctx, l.ID))
	require.Len(t, events, 2, "the stale save appended no event")
	assert.Equal(t, myEv.ID, events[1].ID)

	// A newer version than stored is stale too.
	far, farEv := changed(mine, "dy", lead.StageSQL)
	far.Version, farEv.Version = 9, 9
	assert.ErrorIs(t, s.Leads().Save(ctx, far, 8, farEv), crmkit.ErrConflict)

	// Deals follow the same rule.
	d, dev := newDeal(t, dealSpec{name: "Fleet", owner: "ana", stage: "bidding", close: base.AddDate(0, 1, 0)})
	_, err = s.Deals().Create(ctx, d, "", dev)
	require.NoError(t, err)
	p := deal.DefaultPipeline()
	a, aev, err := p.Move(d, "negotiation", deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: base}})
	require.NoError(t, err)
	b, bev, err := d.Transfer("bo", deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: base}})
	require.NoError(t, err)
	require.NoError(t, s.Deals().Save(ctx, a, d.Version, aev))
	assert.ErrorIs(t, s.Deals().Save(ctx, b, d.Version, bev), crmkit.ErrConflict)
	got, err := s.Deals().Get(ctx, d.ID)
	require.NoError(t, err)
	same(t, a, got)
}

func testVersionRules(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	l, ev := newLead("Edsger", "ana", lead.StageSuspect, lead.ChannelEmail)
	_, err := s.Leads().Create(ctx, l, "", ev)
	require.NoError(t, err)
	next, nev := changed(l, "bo", lead.StageMQL)

	same1 := next
	same1.Version = 1
	assert.ErrorIs(t, s.Leads().Save(ctx, same1, 1, nev), crmkit.ErrInvalid, "the new version must be above the expected one")
	assert.ErrorIs(t, s.Leads().Save(ctx, next, 0, nev), crmkit.ErrInvalid, "expected version 0")
	assert.ErrorIs(t, s.Leads().Save(ctx, next, -1, nev), crmkit.ErrInvalid, "negative expected version")

	// Saving two events at once moves the version by two.
	two, e1 := changed(l, "bo", lead.StageMQL)
	two, e2 := changed(two, "cy", lead.StageSQL)
	require.NoError(t, s.Leads().Save(ctx, two, 1, e1, e2))
	got, err := s.Leads().Get(ctx, l.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(3), got.Version)
	events := collect(t, s.Events().ByAggregate(ctx, l.ID))
	require.Len(t, events, 3)
	assert.Equal(t, []int64{1, 2, 3}, []int64{events[0].Version, events[1].Version, events[2].Version})

	// A create keeps the version it is given (an imported aggregate).
	imp, iev := newLead("Imported", "ana", lead.StageSQL, lead.ChannelEmail)
	imp.Version = 7
	_, err = s.Leads().Create(ctx, imp, "", append([]crmkit.Event{iev}, history(lead.LeadKind, imp.ID, 1, 7)...)...)
	require.NoError(t, err)
	got, err = s.Leads().Get(ctx, imp.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(7), got.Version)
}

func testIdempotentCreate(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	first, ev1 := newLead("First", "ana", lead.StageSuspect, lead.ChannelEmail)
	second, ev2 := newLead("Second", "bo", lead.StageMQL, lead.ChannelSocial)

	got, err := s.Leads().Create(ctx, first, "form-4711", ev1)
	require.NoError(t, err)
	same(t, first, got)
	got, err = s.Leads().Create(ctx, second, "form-4711", ev2)
	require.NoError(t, err, "a repeated key is not an error")
	same(t, first, got, "a repeated key returns the first result")
	_, err = s.Leads().Get(ctx, second.ID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound, "the repeat stored nothing")
	assert.Len(t, allEvents(t, ctx, s), 1, "the repeat appended no event")

	// The first result as stored now: after a save, the key returns the
	// saved lead.
	next, nev := changed(first, "cy", lead.StageMQL)
	require.NoError(t, s.Leads().Save(ctx, next, 1, nev))
	got, err = s.Leads().Create(ctx, first, "form-4711", ev1)
	require.NoError(t, err)
	same(t, next, got)

	// Keys are per aggregate kind: a deal may use the same key.
	d, dev := newDeal(t, dealSpec{name: "Fleet", owner: "ana"})
	gotDeal, err := s.Deals().Create(ctx, d, "form-4711", dev)
	require.NoError(t, err)
	same(t, d, gotDeal)
	gotDeal, err = s.Deals().Create(ctx, d, "form-4711", dev)
	require.NoError(t, err, "the very same create repeated (a retried request)")
	same(t, d, gotDeal)

	// An existing ID under a new key is a conflict and does not use up
	// the key.
	_, err = s.Leads().Create(ctx, first, "form-4712", ev1)
	assert.ErrorIs(t, err, crmkit.ErrConflict)
	got, err = s.Leads().Create(ctx, second, "form-4712", ev2)
	require.NoError(t, err)
	same(t, second, got)
	assert.Len(t, allLeads(t, ctx, s), 2)
	assert.Len(t, allEvents(t, ctx, s), 4) // ev1, nev, dev, ev2

	// Inside an Update, a key created earlier in the same transaction
	// returns that create's result.
	third, ev3 := newLead("Third", "ana", lead.StageSuspect, lead.ChannelEmail)
	fourth, ev4 := newLead("Fourth", "ana", lead.StageSuspect, lead.ChannelEmail)
	require.NoError(t, s.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.Leads().Create(ctx, third, "form-9", ev3); err != nil {
			return err
		}
		got, err := tx.Leads().Create(ctx, fourth, "form-9", ev4)
		if err != nil {
			return err
		}
		same(t, third, got)
		got, err = tx.Leads().Create(ctx, fourth, "form-4711", ev4)
		if err != nil {
			return err
		}
		same(t, next, got, "a key stored before the transaction")
		return nil
	}))
	_, err = s.Leads().Get(ctx, fourth.ID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	assert.Len(t, allLeads(t, ctx, s), 3)
}

// leadRow is one lead of the filter table.
type leadRow struct {
	owner  string
	stage  lead.Stage
	source lead.Channel
}

func testListLeads(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	rows := []leadRow{
		0: {"ana", lead.StageSuspect, lead.ChannelEmail},
		1: {"ana", lead.StageMQL, lead.ChannelEmail},
		2: {"bo", lead.StageMQL, lead.ChannelSocial},
		3: {"", lead.StageSuspect, lead.ChannelSocial},
		4: {"bo", lead.StageSQL, lead.ChannelReferral},
		5: {"ana", lead.StageNurture, lead.ChannelReferral},
		6: {"cy", lead.StageMQL, lead.ChannelEmail},
		7: {"", lead.StageDisqualified, lead.ChannelEmail},
	}
	leads := make([]lead.Lead, len(rows))
	for i, r := range rows {
		l, ev := newLead("Lead", r.owner, r.stage, r.source)
		leads[i] = l
		_, err := s.Leads().Create(ctx, l, "", ev)
		require.NoError(t, err)
	}
	cases := []struct {
		name string
		f    storage.LeadFilter
		want []int // indexes into rows, worked out by hand
	}{
		{"all", storage.LeadFilter{}, []int{0, 1, 2, 3, 4, 5, 6, 7}},
		{"owner ana", storage.LeadFilter{Owner: "ana"}, []int{0, 1, 5}},
		{"owner bo", storage.LeadFilter{Owner: "bo"}, []int{2, 4}},
		{"owner nobody", storage.LeadFilter{Owner: "dy"}, nil},
		{"stage mql", storage.LeadFilter{Stage: lead.StageMQL}, []int{1, 2, 6}},
		{"stage converted", storage.LeadFilter{Stage: lead.StageConverted}, nil},
		{"source email", storage.LeadFilter{Source: lead.ChannelEmail}, []int{0, 1, 6, 7}},
		{"ana mql", storage.LeadFilter{Owner: "ana", Stage: lead.StageMQL}, []int{1}},
		{"email mql", storage.LeadFilter{Source: lead.ChannelEmail, Stage: lead.StageMQL}, []int{1, 6}},
		{"referral bo sql", storage.LeadFilter{Source: lead.ChannelReferral, Owner: "bo", Stage: lead.StageSQL}, []int{4}},
		{"social suspect", storage.LeadFilter{Source: lead.ChannelSocial, Stage: lead.StageSuspect}, []int{3}},
	}
	for _, c := range cases {
		var want []uuid.UUID
		for _, i := range c.want {
			want = append(want, leads[i].ID)
		}
		got, next, err := s.Leads().List(ctx, c.f, storage.Page{})
		require.NoError(t, err, c.name)
		assert.Equal(t, sortedIDs(want...), ids(got, leadID), c.name)
		assert.Empty(t, next, c.name)
		for _, g := range got {
			for _, l := range leads {
				if l.ID == g.ID {
					same(t, l, g, c.name)
				}
			}
		}
	}
}

// dealRow is one deal of the filter table.
type dealRow struct {
	owner, pipeline string
	stage           int
	status          deal.Status
	close           time.Time
}

func testListDeals(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	jan := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	feb := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	mar := time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC)
	rows := []dealRow{
		0: {"ana", "default", 0, deal.Open, jan},
		1: {"ana", "default", 1, deal.Open, feb},
		2: {"bo", "default", 2, deal.Won, mar},
		3: {"bo", "renewals", 0, deal.Open, time.Time{}},
		4: {"ana", "renewals", 1, deal.Lost, feb},
		5: {"cy", "default", 1, deal.Suspended, jan},
		6: {"ana", "default", 3, deal.Open, mar},
	}
	deals := make([]deal.Deal, len(rows))
	for i, r := range rows {
		d, ev := newDeal(t, dealSpec{name: "Deal", owner: r.owner})
		d.PipelineID, d.Stage, d.Status, d.CloseDate = r.pipeline, r.stage, r.status, r.close
		switch r.status { // what the status needs to be valid (deal.Deal.Validate)
		case deal.Suspended:
			d.Suspension = deal.Suspension{At: base, By: actor, Reason: "budget freeze"}
		case deal.Won, deal.Lost:
			d.Outcome = deal.Outcome{Reason: deal.LossPrice, Summary: "closed", At: base, By: actor}
		}
		deals[i] = d
		_, err := s.Deals().Create(ctx, d, "", ev)
		require.NoError(t, err)
	}
	cases := []struct {
		name string
		f    storage.DealFilter
		want []int // indexes into rows, worked out by hand
	}{
		{"all", storage.DealFilter{}, []int{0, 1, 2, 3, 4, 5, 6}},
		{"owner ana", storage.DealFilter{Owner: "ana"}, []int{0, 1, 4, 6}},
		{"pipeline renewals", storage.DealFilter{Pipeline: "renewals"}, []int{3, 4}},
		{"stage 0", storage.DealFilter{Stages: []int{0}}, []int{0, 3}},
		{"stages 1 or 3", storage.DealFilter{Stages: []int{3, 1}}, []int{1, 4, 5, 6}},
		{"status open", storage.DealFilter{Status: deal.Open}, []int{0, 1, 3, 6}},
		{"status terminated", storage.DealFilter{Status: deal.Terminated}, nil},
		{"close in february", storage.DealFilter{CloseFrom: feb, CloseTo: feb.AddDate(0, 1, 0)}, []int{1, 4}},
		{"close from february", storage.DealFilter{CloseFrom: feb}, []int{1, 2, 4, 6}},
		{"close before february", storage.DealFilter{CloseTo: feb}, []int{0, 5}},
		{"close up to the last instant of march", storage.DealFilter{CloseTo: mar.Add(time.Second)}, []int{0, 1, 2, 4, 5, 6}},
		{"close before the last instant of march", storage.DealFilter{CloseTo: mar}, []int{0, 1, 4, 5}},
		{"empty close range", storage.DealFilter{CloseFrom: feb, CloseTo: feb}, nil},
		{"ana open default", storage.DealFilter{Owner: "ana", Status: deal.Open, Pipeline: "default"}, []int{0, 1, 6}},
		{"ana open default stage 1 in february", storage.DealFilter{Owner: "ana", Status: deal.Open, Pipeline: "default", Stages: []int{1}, CloseFrom: feb, CloseTo: mar}, []int{1}},
	}
	for _, c := range cases {
		var (
			want  []uuid.UUID
			dates []time.Time
		)
		for _, i := range c.want {
			want, dates = append(want, deals[i].ID), append(dates, rows[i].close)
		}
		// ID order, or by close date then ID for a close range.
		if c.f.CloseFrom.IsZero() && c.f.CloseTo.IsZero() {
			want = sortedIDs(want...)
		} else {
			want = sortedByDate(want, dates)
		}
		got, next, err := s.Deals().List(ctx, c.f, storage.Page{})
		require.NoError(t, err, c.name)
		assert.Equal(t, want, ids(got, dealID), c.name)
		assert.Empty(t, next, c.name)
	}
	// A close-date bound given in another time zone means the same
	// instant.
	cet := time.FixedZone("CET", 3600)
	got, _, err := s.Deals().List(ctx, storage.DealFilter{CloseFrom: feb.In(cet), CloseTo: feb.AddDate(0, 1, 0).In(cet)}, storage.Page{})
	require.NoError(t, err)
	assert.Equal(t, sortedByDate([]uuid.UUID{deals[1].ID, deals[4].ID}, []time.Time{feb, feb}), ids(got, dealID))
}

func testPagination(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	var want []uuid.UUID
	for i := range 25 {
		owner := "ana"
		if i%5 == 0 {
			owner = "bo" // five of them: 0, 5, 10, 15, 20
		}
		l, ev := newLead("Lead", owner, lead.StageSuspect, lead.ChannelEmail)
		if i%3 == 0 {
			l.ID = uuid.New() // random IDs land anywhere in the order
			ev.AggregateID = l.ID
		}
		_, err := s.Leads().Create(ctx, l, "", ev)
		require.NoError(t, err)
		want = append(want, l.ID)
	}
	want = sortedIDs(want...)

	// Pages of 10: 10, 10, 5, the last without a cursor.
	var got []uuid.UUID
	var after storage.Cursor
	var sizes []int
	for {
		page, next, err := s.Leads().List(ctx, storage.LeadFilter{}, storage.Page{Size: 10, After: after})
		require.NoError(t, err)
		sizes = append(sizes, len(page))
		got = append(got, ids(page, leadID)...)
		if next == "" {
			break
		}
		after = next
	}
	assert.Equal(t, []int{10, 10, 5}, sizes)
	assert.Equal(t, want, got)

	// Pages of 5 over exactly 25: the fifth page is full and is the last.
	sizes = sizes[:0]
	after = ""
	for {
		page, next, err := s.Leads().List(ctx, storage.LeadFilter{}, storage.Page{Size: 5, After: after})
		require.NoError(t, err)
		sizes = append(sizes, len(page))
		if next == "" {
			break
		}
		after = next
	}
	assert.Equal(t, []int{5, 5, 5, 5, 5}, sizes)

	// A filtered walk with pages of 2 over the five leads of bo.
	sizes = sizes[:0]
	after = ""
	for {
		page, next, err := s.Leads().List(ctx, storage.LeadFilter{Owner: "bo"}, storage.Page{Size: 2, After: after})
		require.NoError(t, err)
		sizes = append(sizes, len(page))
		if next == "" {
			break
		}
		after = next
	}
	assert.Equal(t, []int{2, 2, 1}, sizes)

	// All walks every page; breaking out early stops it.
	var walked []uuid.UUID
	for l, err := range storage.All(ctx, s.Leads(), storage.LeadFilter{}, 4) {
		require.NoError(t, err)
		walked = append(walked, l.ID)
	}
	assert.Equal(t, want, walked)
	n := 0
	for range storage.All(ctx, s.Leads(), storage.LeadFilter{}, 4) {
		n++
		if n == 6 {
			break
		}
	}
	assert.Equal(t, 6, n)

	// The largest page.
	page, next, err := s.Leads().List(ctx, storage.LeadFilter{}, storage.Page{Size: storage.MaxPageSize})
	require.NoError(t, err)
	assert.Len(t, page, 25)
	assert.Empty(t, next)
}
