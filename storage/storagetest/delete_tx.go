package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/deletion"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testDeleteInUpdate: the Tx of every store is a deletion.Deleter whose
// Delete is part of the Update: a delete and a create in one Update land
// together (the deleted record gone with its events, one tombstone, the
// created record stored) or, when the Update fails, not at all; inside
// the Update the deleted record is gone from Get and from its events; a
// second Delete of it is crmkit.ErrNotFound; a record referred to is not
// deleted (*deletion.InUseError); a create in the same Update referring
// to a record it deleted is refused, and the Update writes nothing.
func testDeleteInUpdate(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	if _, ok := s.(deletion.Deleter); !ok {
		t.Skip("the store does not implement deletion.Deleter")
	}
	cmd := crmkit.Cmd{By: "ana", At: base.Add(3 * time.Hour), Reason: "created by mistake"}
	deleterOf := func(tx storage.Tx) deletion.Deleter {
		t.Helper()
		d, ok := tx.(deletion.Deleter)
		require.True(t, ok, "the store is a Deleter, its Tx must be one too")
		return d
	}
	create := func(name string) lead.Lead {
		t.Helper()
		l, ev := newLead(name, "ana", lead.StageSuspect, lead.ChannelEmail)
		_, err := s.Leads().Create(ctx, l, "", ev)
		require.NoError(t, err)
		return l
	}
	types := func(evs []crmkit.Event) []string {
		var out []string
		for _, e := range evs {
			out = append(out, e.Type)
		}
		return out
	}

	// A failed Update: the delete and the create are both undone.
	kept := create("Kept Person")
	fresh, fev := newLead("Fresh Person", "ana", lead.StageSuspect, lead.ChannelEmail)
	err := s.Update(ctx, func(tx storage.Tx) error {
		if err := deleterOf(tx).Delete(ctx, lead.LeadKind, kept.ID, cmd); err != nil {
			return err
		}
		if _, err := tx.Leads().Create(ctx, fresh, "", fev); err != nil {
			return err
		}
		return errBoom
	})
	require.ErrorIs(t, err, errBoom)
	_, err = s.Leads().Get(ctx, kept.ID)
	require.NoError(t, err, "the failed Update's delete was undone")
	assert.Equal(t, []string{lead.EventLeadCaptured}, types(collect(t, s.Events().ByAggregate(ctx, kept.ID))))
	_, err = s.Leads().Get(ctx, fresh.ID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound, "the failed Update's create was undone")

	// A committed Update: both land.
	gone := create("Mistaken Person")
	require.NoError(t, s.Update(ctx, func(tx storage.Tx) error {
		d := deleterOf(tx)
		if err := d.Delete(ctx, lead.LeadKind, gone.ID, cmd); err != nil {
			return err
		}
		_, err := tx.Leads().Get(ctx, gone.ID)
		assert.ErrorIs(t, err, crmkit.ErrNotFound, "deleted, inside the Update")
		var inside []crmkit.Event
		for e, err := range tx.Events().ByAggregate(ctx, gone.ID) {
			require.NoError(t, err)
			inside = append(inside, e)
		}
		assert.Equal(t, []string{deletion.EventRecordDeleted}, types(inside), "only the tombstone, inside the Update")
		assert.ErrorIs(t, d.Delete(ctx, lead.LeadKind, gone.ID, cmd), crmkit.ErrNotFound, "a second delete")
		_, err = tx.Leads().Create(ctx, fresh, "", fev)
		return err
	}))
	_, err = s.Leads().Get(ctx, gone.ID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	evs := collect(t, s.Events().ByAggregate(ctx, gone.ID))
	require.Len(t, evs, 1)
	assert.Equal(t, deletion.Kind, evs[0].AggregateKind)
	assert.Equal(t, deletion.EventRecordDeleted, evs[0].Type)
	var pl deletion.DeletedPayload
	require.NoError(t, evs[0].DecodePayload(&pl))
	assert.Equal(t, deletion.DeletedPayload{Kind: lead.LeadKind, Version: gone.Version}, pl)
	_, err = s.Leads().Get(ctx, fresh.ID)
	assert.NoError(t, err, "the create landed")

	// An account a deal refers to is not deleted inside an Update either.
	ref, rev := newDeal(t, dealSpec{name: "Referrer", owner: "ana"})
	_, err = s.Deals().Create(ctx, ref, "", rev)
	require.NoError(t, err)
	err = s.Update(ctx, func(tx storage.Tx) error {
		return deleterOf(tx).Delete(ctx, account.AccountKind, suiteAccount, cmd)
	})
	var iu *deletion.InUseError
	require.ErrorAs(t, err, &iu)
	assert.ErrorIs(t, err, crmkit.ErrConflict)
	_, err = s.Accounts().Get(ctx, suiteAccount)
	require.NoError(t, err)

	// A deal created in the Update on an account the Update deleted: the
	// create (or the commit) is refused and nothing is written.
	a, aev, err := account.New(account.NewAccount{Name: "Mistake Co", Owner: "ana", Relations: account.Prospect}, crmkit.Cmd{By: actor, At: base})
	require.NoError(t, err)
	_, err = s.Accounts().Create(ctx, a, "", aev)
	require.NoError(t, err)
	dl, dev, err := deal.New(deal.DefaultPipeline(), deal.NewDeal{Name: "Orphan", Type: deal.NewBusiness, Amount: eur("10.00"),
		AccountID: a.ID, Owner: "ana"}, deal.Cmd{Cmd: crmkit.Cmd{By: actor, At: base}})
	require.NoError(t, err)
	err = s.Update(ctx, func(tx storage.Tx) error {
		if err := deleterOf(tx).Delete(ctx, account.AccountKind, a.ID, cmd); err != nil {
			return err
		}
		_, err := tx.Deals().Create(ctx, dl, "", dev)
		return err
	})
	require.Error(t, err)
	assert.False(t, errors.Is(err, errBoom))
	_, err = s.Accounts().Get(ctx, a.ID)
	assert.NoError(t, err, "the account stays")
	_, err = s.Deals().Get(ctx, dl.ID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	assert.Len(t, collect(t, s.Events().ByAggregate(ctx, a.ID)), 1, "no tombstone")
}
