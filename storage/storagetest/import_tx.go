package storagetest

import (
	"context"
	"errors"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testImportInUpdate checks storage.Importer on the Tx an Update passes:
// an import there is part of the Update's transaction, so deals imported
// beside the account they name land with it or, when a later write of
// the Update fails, not at all; a failed import inside an Update leaves
// nothing of itself, and the Update's other writes may still commit.
func testImportInUpdate(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	errLater := errors.New("a later write of the Update failed")

	// batch is an account (not stored) with one contact, deals naming
	// it, with their events, and leads with theirs.
	type batch struct {
		acct       uuid.UUID
		a          func(tx storage.Tx) error
		deals      []deal.Deal
		dealEvents []crmkit.Event
		leads      []lead.Lead
		leadEvents []crmkit.Event
	}
	newBatch := func() batch {
		id, contact := crmkit.NewID(), crmkit.NewID()
		a, aevs := accountWith(t, id, contact, "Update Import", base)
		b := batch{acct: id, a: func(tx storage.Tx) error {
			_, err := tx.Accounts().Create(ctx, a, "", aevs...)
			return err
		}}
		b.deals, b.dealEvents = make([]deal.Deal, 3), make([]crmkit.Event, 3)
		for i := range b.deals {
			b.deals[i], b.dealEvents[i] = newDeal(t, dealSpec{name: "In Update", owner: "bo", stage: "bidding", close: base.AddDate(0, 2, 0)})
			b.deals[i].AccountID, b.deals[i].ContactID = id, contact
			b.dealEvents[i].AggregateID = b.deals[i].ID
		}
		b.leads, b.leadEvents = make([]lead.Lead, 2), make([]crmkit.Event, 2)
		for i := range b.leads {
			b.leads[i], b.leadEvents[i] = newLead("In Update", "ana", lead.StageSuspect, lead.ChannelEmail)
		}
		return b
	}
	// importAll writes b through tx: the account, then the deals and the
	// leads by import; reads through tx see them.
	importAll := func(t *testing.T, tx storage.Tx, b batch) {
		im, ok := tx.(storage.Importer)
		if !ok {
			t.Skip("the store's Tx does not implement storage.Importer")
		}
		require.NoError(t, b.a(tx))
		n, err := im.ImportDeals(ctx, b.deals, b.dealEvents)
		require.NoError(t, err)
		assert.Equal(t, int64(len(b.deals)), n)
		n, err = im.ImportLeads(ctx, b.leads, b.leadEvents)
		require.NoError(t, err)
		assert.Equal(t, int64(len(b.leads)), n)
		got, err := tx.Deals().Get(ctx, b.deals[1].ID)
		require.NoError(t, err, "the Update reads its own import")
		same(t, storage.Canonical(b.deals[1]), got)
	}
	snapshot := func() []any {
		accts, _, err := s.Accounts().List(ctx, storage.AccountFilter{}, storage.Page{Size: storage.MaxPageSize})
		require.NoError(t, err)
		return []any{accts, allLeads(t, ctx, s), allDeals(t, ctx, s), allEvents(t, ctx, s)}
	}

	t.Run("RolledBack", func(t *testing.T) {
		before := snapshot()
		b := newBatch()
		err := s.Update(ctx, func(tx storage.Tx) error {
			importAll(t, tx, b)
			return errLater
		})
		require.ErrorIs(t, err, errLater)
		assert.Equal(t, canonOf(before), canonOf(snapshot()), "nothing of a rolled-back Update is kept, its imports included")
		_, err = s.Accounts().Get(ctx, b.acct)
		require.ErrorIs(t, err, crmkit.ErrNotFound)
		for i, d := range b.deals {
			_, err = s.Deals().Get(ctx, d.ID)
			require.ErrorIs(t, err, crmkit.ErrNotFound, "deals[%d]", i)
			assert.Empty(t, collect(t, s.Events().ByAggregate(ctx, d.ID)), "deals[%d]'s events", i)
		}
	})

	t.Run("Committed", func(t *testing.T) {
		b := newBatch()
		require.NoError(t, s.Update(ctx, func(tx storage.Tx) error {
			importAll(t, tx, b)
			return nil
		}))
		_, err := s.Accounts().Get(ctx, b.acct)
		require.NoError(t, err)
		for i, d := range b.deals {
			got, err := s.Deals().Get(ctx, d.ID)
			require.NoError(t, err, "deals[%d]", i)
			same(t, storage.Canonical(d), got, "deals[%d]", i)
			evs := collect(t, s.Events().ByAggregate(ctx, d.ID))
			require.Len(t, evs, 1, "deals[%d]", i)
			same(t, storage.Canonical(b.dealEvents[i]), evs[0])
		}
		for i, l := range b.leads {
			got, err := s.Leads().Get(ctx, l.ID)
			require.NoError(t, err, "leads[%d]", i)
			same(t, storage.Canonical(l), got, "leads[%d]", i)
		}

		// The same batch again, in a new Update: its IDs are stored, so
		// the import fails as outside Update, and the Update with it.
		before := snapshot()
		err = s.Update(ctx, func(tx storage.Tx) error {
			_, err := tx.(storage.Importer).ImportDeals(ctx, b.deals, nil)
			return err
		})
		require.ErrorIs(t, err, crmkit.ErrConflict)
		assert.Contains(t, err.Error(), "deals[0]")
		assert.Equal(t, canonOf(before), canonOf(snapshot()))
	})

	// An import's event of an aggregate it does not import is logged
	// history, as outside Update: a Create of that aggregate later in the
	// same Update is refused as its Create after the import would be.
	t.Run("ImportedHistoryRefusesCreate", func(t *testing.T) {
		before := snapshot()
		b := newBatch()
		later, laterEvent := newLead("Later", "ana", lead.StageSuspect, lead.ChannelEmail)
		err := s.Update(ctx, func(tx storage.Tx) error {
			im, ok := tx.(storage.Importer)
			if !ok {
				t.Skip("the store's Tx does not implement storage.Importer")
			}
			_, err := im.ImportLeads(ctx, b.leads, append(b.leadEvents, laterEvent))
			require.NoError(t, err)
			own := laterEvent
			own.ID = crmkit.NewID() // the Create's own creation event
			_, err = tx.Leads().Create(ctx, later, "", own)
			return err
		})
		require.ErrorIs(t, err, crmkit.ErrInvalid)
		assert.Contains(t, err.Error(), "already holds events of it")
		assert.Equal(t, canonOf(before), canonOf(snapshot()), "the Update wrote nothing")
	})

	t.Run("FailedImportLeavesNothing", func(t *testing.T) {
		before := snapshot()
		b := newBatch()
		bad := newBatch()
		bad.deals[2].AccountID = crmkit.NewID() // names no account
		var importErr error
		require.NoError(t, s.Update(ctx, func(tx storage.Tx) error {
			im, ok := tx.(storage.Importer)
			if !ok {
				t.Skip("the store's Tx does not implement storage.Importer")
			}
			require.NoError(t, bad.a(tx))
			_, importErr = im.ImportDeals(ctx, bad.deals, bad.dealEvents)
			for i, d := range bad.deals {
				_, err := tx.Deals().Get(ctx, d.ID)
				require.ErrorIs(t, err, crmkit.ErrNotFound, "deals[%d] of the failed import", i)
			}
			// The Update goes on: its other writes commit.
			n, err := im.ImportLeads(ctx, b.leads, b.leadEvents)
			require.NoError(t, err)
			assert.Equal(t, int64(len(b.leads)), n)
			return nil
		}))
		require.ErrorIs(t, importErr, crmkit.ErrInvalid)
		assert.Len(t, allDeals(t, ctx, s), len(before[2].([]deal.Deal)), "no deal of the failed import")
		_, err := s.Accounts().Get(ctx, bad.acct)
		require.NoError(t, err, "the account written beside the failed import commits")
		assert.Len(t, allLeads(t, ctx, s), len(before[1].([]lead.Lead))+len(b.leads))
		for i, d := range bad.deals {
			assert.Empty(t, collect(t, s.Events().ByAggregate(ctx, d.ID)), "deals[%d]'s events", i)
		}
	})
}
