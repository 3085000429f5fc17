package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testImport checks storage.Importer on a store that offers it: a batch
// lands whole, with its events in the log; a batch with one bad row or
// event writes nothing and fails with the documented sentinel; imports
// stay in their tenant.
func testImport(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	im, ok := s.(storage.Importer)
	if !ok {
		t.Skip("the store does not implement storage.Importer")
	}
	other := open(t, o, "globex")
	oim := other.(storage.Importer)

	t.Run("Empty", func(t *testing.T) {
		n, err := im.ImportLeads(ctx, nil, nil)
		require.NoError(t, err)
		assert.Zero(t, n)
		n, err = im.ImportDeals(ctx, nil, nil)
		require.NoError(t, err)
		assert.Zero(t, n)
		assertEmpty(t, ctx, s)
	})

	// The leads: three, the last without an event (a history import need
	// not have one per version).
	leads := make([]lead.Lead, 3)
	var leadEvents []crmkit.Event
	for i := range leads {
		var e crmkit.Event
		leads[i], e = newLead("Imported", "ana", lead.StageSuspect, lead.ChannelEmail)
		if i < 2 {
			leadEvents = append(leadEvents, e)
		}
	}
	t.Run("LeadsLandWhole", func(t *testing.T) {
		n, err := im.ImportLeads(ctx, leads, leadEvents)
		require.NoError(t, err)
		assert.Equal(t, int64(3), n)
		for i, l := range leads {
			got, err := s.Leads().Get(ctx, l.ID)
			require.NoError(t, err)
			same(t, storage.Canonical(l), got, "leads[%d]", i)
			evs := collect(t, s.Events().ByAggregate(ctx, l.ID))
			if i < 2 {
				require.Len(t, evs, 1, "leads[%d]", i)
				same(t, storage.Canonical(leadEvents[i]), evs[0])
			} else {
				assert.Empty(t, evs, "leads[2] was imported without events")
			}
		}
		assert.Len(t, allLeads(t, ctx, s), 3)
		assert.Empty(t, allLeads(t, ctx, other), "imported for acme only")
		assert.Empty(t, collect(t, other.Events().ByAggregate(ctx, leads[0].ID)))
		_, err = other.Leads().Get(ctx, leads[0].ID)
		assert.ErrorIs(t, err, crmkit.ErrNotFound)
	})

	// An account of acme's only, with one contact.
	acct, acctContact := crmkit.NewID(), crmkit.NewID()
	a, aevs := accountWith(t, acct, acctContact, "Import Account", base)
	_, err := s.Accounts().Create(ctx, a, "", aevs...)
	require.NoError(t, err)

	deals := make([]deal.Deal, 4)
	dealEvents := make([]crmkit.Event, 4)
	for i := range deals {
		deals[i], dealEvents[i] = newDeal(t, dealSpec{name: "Imported", owner: "bo", stage: "bidding", close: base.AddDate(0, 2, 0)})
		if i%2 == 1 {
			deals[i].AccountID, deals[i].ContactID = acct, acctContact
		}
	}
	t.Run("DealsLandWhole", func(t *testing.T) {
		n, err := im.ImportDeals(ctx, deals, dealEvents)
		require.NoError(t, err)
		assert.Equal(t, int64(4), n)
		for i, d := range deals {
			got, err := s.Deals().Get(ctx, d.ID)
			require.NoError(t, err)
			same(t, storage.Canonical(d), got, "deals[%d]", i)
			evs := collect(t, s.Events().ByAggregate(ctx, d.ID))
			require.Len(t, evs, 1, "deals[%d]", i)
			same(t, storage.Canonical(dealEvents[i]), evs[0])
		}
		assert.Len(t, allDeals(t, ctx, s), 4)
		assert.Empty(t, allDeals(t, ctx, other), "imported for acme only")
	})

	// A lead whose event the log holds without the lead (appended, as a
	// history may be logged before its aggregate is stored): importing
	// it is refused, as its Create is (storage.HistoryExists).
	ghost, ghostEvent := newLead("Ghost", "cy", lead.StageSuspect, lead.ChannelEmail)
	require.NoError(t, s.Events().Append(ctx, ghostEvent))

	// Every bad batch below writes nothing, in either tenant.
	snapshot := func() []any {
		return []any{allLeads(t, ctx, s), allDeals(t, ctx, s), allEvents(t, ctx, s),
			allLeads(t, ctx, other), allDeals(t, ctx, other), allEvents(t, ctx, other)}
	}
	before := snapshot()
	freshLeads := func() ([]lead.Lead, []crmkit.Event) {
		ls, es := make([]lead.Lead, 4), make([]crmkit.Event, 4)
		for i := range ls {
			ls[i], es[i] = newLead("Batch", "cy", lead.StageSuspect, lead.ChannelReferral)
		}
		return ls, es
	}
	freshDeals := func() ([]deal.Deal, []crmkit.Event) {
		ds, es := make([]deal.Deal, 4), make([]crmkit.Event, 4)
		for i := range ds {
			ds[i], es[i] = newDeal(t, dealSpec{name: "Batch", owner: "cy", stage: "bidding", close: base.AddDate(0, 3, 0)})
		}
		return ds, es
	}
	leadCases := []struct {
		name   string
		spoil  func(ls []lead.Lead, es []crmkit.Event)
		target error
		names  string // what the error names, if anything
	}{
		{"InvalidLead", func(ls []lead.Lead, _ []crmkit.Event) {
			ls[2].Stage = lead.Stage(200)
			require.ErrorIs(t, storage.ValidateLead(ls[2]), crmkit.ErrInvalid, "the spoilt lead is invalid")
		}, crmkit.ErrInvalid, "leads[2]"},
		{"InvalidEvent", func(_ []lead.Lead, es []crmkit.Event) {
			es[1].At = time.Time{}
			require.ErrorIs(t, storage.ValidateEvent(es[1]), crmkit.ErrInvalid, "the spoilt event is invalid")
		}, crmkit.ErrInvalid, "events[1]"},
		{"StoredID", func(ls []lead.Lead, _ []crmkit.Event) { ls[3] = leads[0] }, crmkit.ErrConflict, "leads[3]"},
		{"RepeatedID", func(ls []lead.Lead, _ []crmkit.Event) { ls[3] = ls[1] }, crmkit.ErrConflict, "leads[3]"},
		{"StoredEventID", func(_ []lead.Lead, es []crmkit.Event) { es[2].ID = leadEvents[0].ID }, crmkit.ErrConflict, "events[2]"},
		{"RepeatedEventID", func(_ []lead.Lead, es []crmkit.Event) { es[2].ID = es[0].ID }, crmkit.ErrConflict, "events[2]"},
		{"LoggedHistory", func(ls []lead.Lead, _ []crmkit.Event) { ls[1] = ghost }, crmkit.ErrInvalid, "leads[1]"},
	}
	for _, c := range leadCases {
		t.Run("Leads"+c.name, func(t *testing.T) {
			ls, es := freshLeads()
			c.spoil(ls, es)
			n, err := im.ImportLeads(ctx, ls, es)
			require.ErrorIs(t, err, c.target)
			assert.Zero(t, n)
			if c.names != "" {
				assert.Contains(t, err.Error(), c.names)
			}
			assert.Equal(t, canonOf(before), canonOf(snapshot()), "a failed import writes nothing")
		})
	}
	dealCases := []struct {
		name   string
		spoil  func(ds []deal.Deal, es []crmkit.Event)
		target error
	}{
		{"InvalidDeal", func(ds []deal.Deal, _ []crmkit.Event) {
			ds[2].Status = 0
			require.ErrorIs(t, storage.ValidateDeal(ds[2]), crmkit.ErrInvalid, "the spoilt deal is invalid")
		}, crmkit.ErrInvalid},
		{"StoredID", func(ds []deal.Deal, _ []crmkit.Event) { ds[3] = deals[1] }, crmkit.ErrConflict},
		{"RepeatedID", func(ds []deal.Deal, _ []crmkit.Event) { ds[3] = ds[0] }, crmkit.ErrConflict},
		{"LoggedHistory", func(ds []deal.Deal, es []crmkit.Event) {
			// The lead ghost's ID as a deal's: its history is logged.
			ds[2].ID = ghost.ID
			es[2].AggregateID = ghost.ID
		}, crmkit.ErrInvalid},
		{"DanglingAccount", func(ds []deal.Deal, _ []crmkit.Event) { ds[1].AccountID = crmkit.NewID() }, crmkit.ErrInvalid},
		{"ContactOfNoAccount", func(ds []deal.Deal, _ []crmkit.Event) { ds[1].ContactID = crmkit.NewID() }, crmkit.ErrInvalid},
		{"StoredEventID", func(_ []deal.Deal, es []crmkit.Event) { es[3].ID = dealEvents[0].ID }, crmkit.ErrConflict},
	}
	for _, c := range dealCases {
		t.Run("Deals"+c.name, func(t *testing.T) {
			ds, es := freshDeals()
			c.spoil(ds, es)
			n, err := im.ImportDeals(ctx, ds, es)
			require.ErrorIs(t, err, c.target)
			assert.Zero(t, n)
			assert.Equal(t, canonOf(before), canonOf(snapshot()), "a failed import writes nothing")
		})
	}
	t.Run("DealsOfAnotherTenantsAccount", func(t *testing.T) {
		ds, es := freshDeals()
		ds[2].AccountID, ds[2].ContactID = acct, acctContact // acme's account, imported for globex
		n, err := oim.ImportDeals(ctx, ds, es)
		require.ErrorIs(t, err, crmkit.ErrInvalid)
		assert.Zero(t, n)
		assert.Equal(t, canonOf(before), canonOf(snapshot()), "a failed import writes nothing")
	})
	t.Run("SameIDsInAnotherTenant", func(t *testing.T) {
		// Tenants are separate: globex may hold IDs acme holds.
		n, err := oim.ImportLeads(ctx, leads[:1], leadEvents[:1])
		require.NoError(t, err)
		assert.Equal(t, int64(1), n)
		got, err := other.Leads().Get(ctx, leads[0].ID)
		require.NoError(t, err)
		same(t, storage.Canonical(leads[0]), got)
		assert.Len(t, allLeads(t, ctx, s), 3, "acme's leads are as they were")
	})
}
