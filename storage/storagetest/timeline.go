package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testTimeline: storage.Timeline gives one customer's account,
// interaction, deal and contract events in time order, and nothing of
// another customer's; DealFilter.Account selects the account's deals.
func testTimeline(t *testing.T, o Opener) {
	ctx := context.Background()
	s := openBare(t, o, "timeline")
	a, aevs := accountWith(t, crmkit.NewID(), crmkit.NewID(), "Acme", base.Add(-time.Hour))
	b, bevs := accountWith(t, crmkit.NewID(), crmkit.NewID(), "Other", base.Add(-time.Hour))
	var (
		want  []uuid.UUID // the event IDs of a's journey after its own two, in time order
		dealA uuid.UUID
	)
	require.NoError(t, s.Update(ctx, func(tx storage.Tx) error {
		for _, acc := range []struct {
			v   account.Account
			evs []crmkit.Event
		}{{a, aevs}, {b, bevs}} {
			if _, err := tx.Accounts().Create(ctx, acc.v, "", acc.evs...); err != nil {
				return err
			}
			d, dev := newDeal(t, dealSpec{name: "Fleet", owner: "ana"}) // at base
			d.AccountID, d.ContactID = acc.v.ID, acc.v.Contacts[0].ID
			if _, err := tx.Deals().Create(ctx, d, "", dev); err != nil {
				return err
			}
			k, kev, err := account.NewContract(account.ContractSpec{AccountID: acc.v.ID, DealID: d.ID, Title: "Support",
				Start: base, End: base.AddDate(1, 0, 0), Monthly: eur("100.00")}, crmkit.Cmd{By: actor, At: base.Add(2 * time.Hour)})
			if err != nil {
				return err
			}
			if _, err := tx.Contracts().Create(ctx, k, "", kev); err != nil {
				return err
			}
			i, iev, err := account.RecordInteraction(account.Interaction{AccountID: acc.v.ID, ContactID: acc.v.Contacts[0].ID,
				Channel: "phone", Severity: account.Minor, Outcome: account.Pending, Who: "agent", At: base.Add(3 * time.Hour)},
				crmkit.Cmd{By: actor, At: base.Add(3 * time.Hour)})
			if err != nil {
				return err
			}
			if _, err := tx.Interactions().Create(ctx, i, "", iev); err != nil {
				return err
			}
			r, rev, err := i.Respond(base.Add(4*time.Hour), crmkit.Cmd{By: "agent", At: base.Add(5 * time.Hour)})
			if err != nil {
				return err
			}
			if err := tx.Interactions().Save(ctx, r, i.Version, rev); err != nil {
				return err
			}
			if acc.v.ID == a.ID {
				want, dealA = []uuid.UUID{dev.ID, kev.ID, iev.ID, rev.ID}, d.ID
			}
		}
		return nil
	}))

	deals, _, err := s.Deals().List(ctx, storage.DealFilter{Account: a.ID}, storage.Page{})
	require.NoError(t, err)
	if assert.Len(t, deals, 1) {
		assert.Equal(t, dealA, deals[0].ID)
	}

	var got []crmkit.Event
	for e, err := range storage.Timeline(ctx, s, a.ID) {
		require.NoError(t, err)
		got = append(got, e)
	}
	require.Len(t, got, 6, "a's two account events, its deal, contract, interaction and response")
	assert.ElementsMatch(t, []uuid.UUID{aevs[0].ID, aevs[1].ID}, []uuid.UUID{got[0].ID, got[1].ID}, "the account's events come first")
	ids := make([]uuid.UUID, 0, 4)
	for _, e := range got[2:] {
		ids = append(ids, e.ID)
	}
	assert.Equal(t, want, ids)

	only := func(seq func(func(crmkit.Event, error) bool)) error {
		var errs []error
		for _, err := range seq {
			errs = append(errs, err)
		}
		require.Len(t, errs, 1, "one error ends the timeline")
		return errs[0]
	}
	assert.ErrorIs(t, only(storage.Timeline(ctx, s, crmkit.NewID())), crmkit.ErrNotFound, "an unknown account")
	assert.ErrorIs(t, only(storage.Timeline(ctx, nil, a.ID)), crmkit.ErrInvalid, "a nil tx")
	assert.ErrorIs(t, only(storage.Timeline(ctx, s, uuid.Nil)), crmkit.ErrInvalid, "a nil account")
}
