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
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// snapshot is everything a store holds, to compare before and after.
type snapshot struct {
	leads  []lead.Lead
	deals  []deal.Deal
	events []crmkit.Event
}

func take(t testing.TB, ctx context.Context, s storage.Tx) snapshot {
	t.Helper()
	return snapshot{allLeads(t, ctx, s), allDeals(t, ctx, s), allEvents(t, ctx, s)}
}

func testUpdateAtomic(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	e, eev := newLead("Existing", "ana", lead.StageSuspect, lead.ChannelEmail)
	_, err := s.Leads().Create(ctx, e, "", eev)
	require.NoError(t, err)
	before := take(t, ctx, s)

	// The function writes everything, then fails.
	n, nev := newLead("New", "bo", lead.StageMQL, lead.ChannelSocial)
	d, dev := newDeal(t, dealSpec{name: "Fleet", owner: "bo"})
	next, xev := changed(e, "bo", lead.StageMQL)
	writeAll := func(tx storage.Tx) error {
		if _, err := tx.Leads().Create(ctx, n, "key-n", nev); err != nil {
			return err
		}
		if err := tx.Leads().Save(ctx, next, 1, xev); err != nil {
			return err
		}
		if _, err := tx.Deals().Create(ctx, d, "key-d", dev); err != nil {
			return err
		}
		return tx.Events().Append(ctx, event(crmkit.NewID(), "LeadCaptured", base, 1))
	}
	err = s.Update(ctx, func(tx storage.Tx) error {
		if err := writeAll(tx); err != nil {
			return err
		}
		return errBoom
	})
	require.ErrorIs(t, err, errBoom, "the function's error comes back as is")
	same(t, before, take(t, ctx, s), "an Update whose function fails leaves nothing")

	// It fails halfway: the second write is stale.
	err = s.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.Leads().Create(ctx, n, "key-n", nev); err != nil {
			return err
		}
		stale := next
		stale.Version = 6
		return tx.Leads().Save(ctx, stale, 5, history(lead.LeadKind, stale.ID, 5, 6)...)
	})
	require.ErrorIs(t, err, crmkit.ErrConflict)
	same(t, before, take(t, ctx, s), "an Update failing halfway leaves nothing")

	// It panics: the panic comes back out, nothing is kept.
	func() {
		defer func() {
			assert.Equal(t, "storagetest: panic in Update", recover())
		}()
		_ = s.Update(ctx, func(tx storage.Tx) error {
			if err := writeAll(tx); err != nil {
				return err
			}
			panic("storagetest: panic in Update")
		})
		t.Error("the panic was swallowed")
	}()
	same(t, before, take(t, ctx, s), "an Update that panics leaves nothing")

	// A tx kept after its Update returned writes nothing.
	var kept storage.Tx
	require.NoError(t, s.Update(ctx, func(tx storage.Tx) error { kept = tx; return nil }))
	_, err = kept.Leads().Create(ctx, n, "", nev)
	assert.Error(t, err, "a tx used after its Update returned")
	same(t, before, take(t, ctx, s))

	// Nil function.
	assert.ErrorIs(t, s.Update(ctx, nil), crmkit.ErrInvalid)

	// The store is still usable, and the same writes succeed whole.
	require.NoError(t, s.Update(ctx, writeAll))
	got, err := s.Leads().Get(ctx, n.ID)
	require.NoError(t, err)
	same(t, n, got)
	got, err = s.Leads().Get(ctx, e.ID)
	require.NoError(t, err)
	same(t, next, got)
	gotDeal, err := s.Deals().Get(ctx, d.ID)
	require.NoError(t, err)
	same(t, d, gotDeal)
	assert.Len(t, allEvents(t, ctx, s), 5)
	// The keys were stored with the creates.
	fl, fev := fresh()
	got, err = s.Leads().Create(ctx, fl, "key-n", fev)
	require.NoError(t, err)
	assert.Equal(t, n.ID, got.ID)
}

func testUpdateOwnWrites(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	stored := make([]lead.Lead, 3)
	for i := range stored {
		l, ev := newLead("Stored", "ana", lead.StageSuspect, lead.ChannelEmail)
		_, err := s.Leads().Create(ctx, l, "", ev)
		require.NoError(t, err)
		stored[i] = l
	}
	n1, ev1 := newLead("New 1", "ana", lead.StageSuspect, lead.ChannelEmail)
	n2, ev2 := newLead("New 2", "bo", lead.StageSuspect, lead.ChannelEmail)
	moved, mev := changed(stored[1], "bo", lead.StageMQL)
	n1b, ev1b := changed(n1, "ana", lead.StageMQL)

	err := s.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.Leads().Create(ctx, n1, "", ev1); err != nil {
			return err
		}
		if _, err := tx.Leads().Create(ctx, n2, "", ev2); err != nil {
			return err
		}
		if err := tx.Leads().Save(ctx, moved, 1, mev); err != nil {
			return err
		}
		got, err := tx.Leads().Get(ctx, n1.ID)
		require.NoError(t, err)
		same(t, n1, got, "a tx reads its own create")
		got, err = tx.Leads().Get(ctx, stored[1].ID)
		require.NoError(t, err)
		same(t, moved, got, "a tx reads its own save")

		// Saving its own create again works from the version it wrote.
		if err := tx.Leads().Save(ctx, n1b, 1, ev1b); err != nil {
			return err
		}
		assert.ErrorIs(t, tx.Leads().Save(ctx, n1b, 1, ev1b), crmkit.ErrConflict, "the version inside the tx moved on")

		// Lists merge stored rows and own writes: owner ana is now
		// stored[0], stored[2] and n1 (stored[1] moved to bo).
		var walked []uuid.UUID
		for l, err := range storage.All(ctx, tx.Leads(), storage.LeadFilter{Owner: "ana"}, 2) {
			require.NoError(t, err)
			walked = append(walked, l.ID)
		}
		assert.Equal(t, sortedIDs(stored[0].ID, stored[2].ID, n1.ID), walked)
		// Values a tx returns are copies too, of stored rows and of its
		// own writes.
		page, _, err := tx.Leads().List(ctx, storage.LeadFilter{Owner: "ana"}, storage.Page{})
		require.NoError(t, err)
		for _, l := range page {
			l.Who.Attributes["segment"] = "changed through a tx list"
		}
		got, err = tx.Leads().Get(ctx, n1.ID)
		require.NoError(t, err)
		got.Journey[0].Kind = lead.TouchLike
		page, _, err = tx.Leads().List(ctx, storage.LeadFilter{Owner: "bo"}, storage.Page{})
		require.NoError(t, err)
		assert.Equal(t, sortedIDs(stored[1].ID, n2.ID), ids(page, leadID))

		events := collect(t, tx.Events().ByAggregate(ctx, n1.ID))
		assert.Equal(t, eventIDs([]crmkit.Event{ev1, ev1b}), eventIDs(events), "a tx reads its own events")
		assert.Len(t, collect(t, tx.Events().Between(ctx, everything)), 7)

		// Others do not see the transaction before it commits.
		_, err = s.Leads().Get(ctx, n1.ID)
		assert.ErrorIs(t, err, crmkit.ErrNotFound, "an uncommitted create is invisible outside")
		got, err = s.Leads().Get(ctx, stored[1].ID)
		require.NoError(t, err)
		same(t, stored[1], got, "an uncommitted save is invisible outside")
		assert.Len(t, allEvents(t, ctx, s), 3)
		return nil
	})
	require.NoError(t, err)
	got, err := s.Leads().Get(ctx, n1.ID)
	require.NoError(t, err)
	same(t, n1b, got)
	got, err = s.Leads().Get(ctx, stored[0].ID)
	require.NoError(t, err)
	same(t, stored[0], got)
	assert.Len(t, allLeads(t, ctx, s), 5)
	assert.Len(t, allEvents(t, ctx, s), 7)
}

func testCancelled(t *testing.T, o Opener) {
	s := open(t, o, "acme")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	bg := context.Background()
	l, ev := newLead("Ada", "ana", lead.StageSuspect, lead.ChannelEmail)
	d, dev := newDeal(t, dealSpec{name: "Fleet", owner: "ana"})

	_, err := s.Leads().Create(ctx, l, "", ev)
	assert.ErrorIs(t, err, context.Canceled)
	_, err = s.Deals().Create(ctx, d, "", dev)
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, s.Events().Append(ctx, ev), context.Canceled)
	called := false
	err = s.Update(ctx, func(tx storage.Tx) error {
		called = true
		_, err := tx.Leads().Create(ctx, l, "", ev)
		return err
	})
	assert.ErrorIs(t, err, context.Canceled)
	_ = called // a backend may or may not call fn with a done context
	assertEmpty(t, bg, s)

	_, err = s.Leads().Create(bg, l, "", ev)
	require.NoError(t, err)
	_, err = s.Leads().Get(ctx, l.ID)
	assert.ErrorIs(t, err, context.Canceled)
	_, _, err = s.Leads().List(ctx, storage.LeadFilter{}, storage.Page{})
	assert.ErrorIs(t, err, context.Canceled)
	next, nev := changed(l, "bo", lead.StageMQL)
	assert.ErrorIs(t, s.Leads().Save(ctx, next, 1, nev), context.Canceled)
	for _, err := range s.Events().ByAggregate(ctx, l.ID) {
		assert.ErrorIs(t, err, context.Canceled)
	}

	// The context is cancelled while the function runs, after its writes:
	// the Update fails and keeps nothing.
	before := take(t, bg, s)
	uctx, ucancel := context.WithCancel(bg)
	err = s.Update(uctx, func(tx storage.Tx) error {
		if _, err := tx.Deals().Create(uctx, d, "", dev); err != nil {
			return err
		}
		if err := tx.Leads().Save(uctx, next, 1, nev); err != nil {
			return err
		}
		ucancel()
		return nil
	})
	ucancel()
	assert.ErrorIs(t, err, context.Canceled)
	same(t, before, take(t, bg, s), "a cancelled Update keeps nothing")

	// A deadline that passes inside the function does the same.
	dctx, dcancel := context.WithTimeout(bg, time.Hour)
	defer dcancel()
	err = s.Update(dctx, func(tx storage.Tx) error {
		if err := tx.Leads().Save(dctx, next, 1, nev); err != nil {
			return err
		}
		dcancel()
		return nil
	})
	assert.ErrorIs(t, err, context.Canceled)
	same(t, before, take(t, bg, s))
}
