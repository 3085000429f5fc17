package storagetest

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/deletion"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testDelete, for a store that implements deletion.Deleter (every store
// of crmkit does): bad input (another kind, a nil ID, a command without
// actor or time) is crmkit.ErrInvalid, an unknown or another tenant's
// record crmkit.ErrNotFound, and nothing is written; a Delete removes the
// record, its events and its idempotency key and leaves exactly one
// tombstone without personal data; the ID cannot be created again; a
// change-feed consumer reads on without the removed events; an account a
// deal or a child account refers to, and a deal a converted lead refers
// to, are not deleted (*deletion.InUseError, crmkit.ErrConflict), until
// the referrer is gone; Verify finds no problem afterwards.
func testDelete(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "delete")
	other := open(t, o, "delete-other")
	del, ok := s.(deletion.Deleter)
	if !ok {
		t.Skip("the store does not implement deletion.Deleter")
	}
	feed, hasFeed := s.(storage.Feed)
	if hasFeed {
		require.NoError(t, feed.Register(ctx, "reader", ""))
	}
	cmd := crmkit.Cmd{By: "ana", At: base.Add(3 * time.Hour), Reason: "created by mistake"}

	// A lead with two events, created with a key, and one to keep.
	l, _ := newLead("Mistaken Person", "ana", lead.StageSuspect, lead.ChannelEmail)
	l.Who.Email = "mistaken.person@example.com"
	ev := leadEvent(l, lead.EventLeadCaptured)
	_, err := s.Leads().Create(ctx, l, "mistake-key", ev)
	require.NoError(t, err)
	phone := "+36 1 555 0101"
	l2, e2, err := l.Edit(lead.Patch{Phone: &phone}, editCmd("ana", 1))
	require.NoError(t, err)
	require.NoError(t, s.Leads().Save(ctx, l2, l.Version, e2))
	keep, kev := newLead("Kept Person", "ana", lead.StageSuspect, lead.ChannelEmail)
	_, err = s.Leads().Create(ctx, keep, "", kev)
	require.NoError(t, err)

	// The feed's reader reads everything so far; after the delete it
	// must go on from the same place.
	readAll := func() []crmkit.Event {
		var seen []crmkit.Event
		for {
			n, err := feed.Consume(ctx, "reader", 100, func(_ storage.Tx, events []crmkit.Event) error {
				seen = append(seen, events...)
				return nil
			})
			require.NoError(t, err)
			if n == 0 {
				return seen
			}
		}
	}
	if hasFeed {
		assert.NotEmpty(t, readAll())
	}

	// Bad input writes nothing.
	for name, c := range map[string]struct {
		del  deletion.Deleter
		kind string
		id   uuid.UUID
		cmd  crmkit.Cmd
		want error
	}{
		"another kind":   {del, "plan", l.ID, cmd, crmkit.ErrInvalid},
		"nil id":         {del, lead.LeadKind, uuid.Nil, cmd, crmkit.ErrInvalid},
		"no actor":       {del, lead.LeadKind, l.ID, crmkit.Cmd{At: cmd.At}, crmkit.ErrInvalid},
		"no time":        {del, lead.LeadKind, l.ID, crmkit.Cmd{By: "ana"}, crmkit.ErrInvalid},
		"wrong kind":     {del, deal.DealKind, l.ID, cmd, crmkit.ErrNotFound},
		"unknown":        {del, lead.LeadKind, crmkit.NewID(), cmd, crmkit.ErrNotFound},
		"another tenant": {other.(deletion.Deleter), lead.LeadKind, l.ID, cmd, crmkit.ErrNotFound},
	} {
		err := c.del.Delete(ctx, c.kind, c.id, c.cmd)
		assert.ErrorIs(t, err, c.want, name)
	}
	got, err := s.Leads().Get(ctx, l.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Version)
	assert.Len(t, collect(t, s.Events().ByAggregate(ctx, l.ID)), 2, "bad input removed events")

	// The delete.
	require.NoError(t, del.Delete(ctx, lead.LeadKind, l.ID, cmd))
	_, err = s.Leads().Get(ctx, l.ID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	page, _, err := s.Leads().List(ctx, storage.LeadFilter{IncludeArchived: true}, storage.Page{})
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{keep.ID}, ids(page, leadID))
	evs := collect(t, s.Events().ByAggregate(ctx, l.ID))
	require.Len(t, evs, 1, "only the tombstone is left")
	tomb := evs[0]
	assert.Equal(t, deletion.Kind, tomb.AggregateKind)
	assert.Equal(t, deletion.EventRecordDeleted, tomb.Type)
	assert.Equal(t, int64(1), tomb.Version)
	assert.Equal(t, "ana", tomb.Actor)
	assert.Equal(t, "created by mistake", tomb.Reason)
	assert.True(t, cmd.At.Equal(tomb.At))
	var p deletion.DeletedPayload
	require.NoError(t, json.Unmarshal(tomb.Payload, &p))
	assert.Equal(t, deletion.DeletedPayload{Kind: lead.LeadKind, Version: 2}, p)
	for _, e := range allEvents(t, ctx, s) {
		if e.AggregateID == l.ID {
			assert.Equal(t, tomb.ID, e.ID, "an event of the deleted lead is left")
		}
		for _, personal := range []string{"Mistaken Person", "mistaken.person@example.com", "555 0101"} {
			assert.False(t, bytes.Contains(e.Payload, []byte(personal)) || e.From == personal || e.To == personal,
				"event %s (%s) still holds %q", e.ID, e.Type, personal)
		}
	}
	assert.Len(t, collect(t, s.Events().ByAggregate(ctx, keep.ID)), 1, "the kept lead's events")
	assert.ErrorIs(t, del.Delete(ctx, lead.LeadKind, l.ID, cmd), crmkit.ErrNotFound, "deleted twice")
	// The key is free again; the ID is not.
	f, fev := fresh()
	created, err := s.Leads().Create(ctx, f, "mistake-key", fev)
	require.NoError(t, err)
	assert.Equal(t, f.ID, created.ID, "the deleted lead's key answered a new create")
	_, err = s.Leads().Create(ctx, l, "", ev)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "the deleted ID created again")

	if hasFeed {
		seen := readAll()
		require.Len(t, seen, 2, "after the delete the feed gives the tombstone and the new create")
		var deleted, tombs int
		for _, e := range seen {
			switch {
			case e.ID == tomb.ID:
				tombs++
			case e.AggregateID == l.ID:
				deleted++
			}
		}
		assert.Zero(t, deleted, "the feed gave removed events")
		assert.Equal(t, 1, tombs, "the feed gave the tombstone once")
		assert.Equal(t, fev.ID, seen[1].ID, "the feed gave the event written after the delete")
	}

	// References protect: an account with a deal and a child account,
	// a deal a converted lead refers to.
	acctID, contactID := crmkit.NewID(), crmkit.NewID()
	a, aevs := accountWith(t, acctID, contactID, "Referred Account", base)
	_, err = s.Accounts().Create(ctx, a, "", aevs...)
	require.NoError(t, err)
	child, cev, err := account.New(account.NewAccount{Name: "Child", Owner: "ana", Relations: account.Customer, Parent: acctID}, crmkit.Cmd{By: actor, At: base})
	require.NoError(t, err)
	_, err = s.Accounts().Create(ctx, child, "", cev)
	require.NoError(t, err)
	d, dev := newDeal(t, dealSpec{name: "Referring deal", owner: "ana"})
	_, err = s.Deals().Create(ctx, d, "", dev)
	require.NoError(t, err)
	d2, de2, err := d.Edit(deal.Patch{AccountID: &acctID, ContactID: &contactID}, deal.Cmd{Cmd: editCmd("ana", 1)})
	require.NoError(t, err)
	require.NoError(t, s.Deals().Save(ctx, d2, d.Version, de2))
	conv, _ := newLead("Converted", "ana", lead.StageConverted, lead.ChannelEmail)
	conv.Conversion = lead.ConversionRef{AccountID: acctID, ContactID: contactID, OpportunityID: d.ID}
	cvev := leadEvent(conv, lead.EventLeadCaptured)
	_, err = s.Leads().Create(ctx, conv, "", cvev)
	require.NoError(t, err)

	inUse := func(kind string, id uuid.UUID, byKind string, by uuid.UUID, field string) {
		t.Helper()
		err := del.Delete(ctx, kind, id, cmd)
		var iu *deletion.InUseError
		require.ErrorAs(t, err, &iu, "delete %s %s", kind, id)
		assert.ErrorIs(t, err, crmkit.ErrConflict)
		assert.Equal(t, deletion.InUseError{Kind: kind, ID: id, By: by, Field: field, ByKind: byKind}, *iu)
	}
	inUse(deal.DealKind, d.ID, lead.LeadKind, conv.ID, "conversion.opportunity_id")
	// The account: the deal is the first referrer deletion.Referrers lists.
	inUse(account.AccountKind, acctID, deal.DealKind, d.ID, "account_id")
	require.NoError(t, del.Delete(ctx, lead.LeadKind, conv.ID, cmd))
	require.NoError(t, del.Delete(ctx, deal.DealKind, d.ID, cmd))
	inUse(account.AccountKind, acctID, account.AccountKind, child.ID, "parent")
	gotA, err := s.Accounts().Get(ctx, acctID)
	require.NoError(t, err)
	same(t, storage.Canonical(a), gotA)
	assert.Len(t, collect(t, s.Events().ByAggregate(ctx, acctID)), 2, "a refused delete removed events")
	require.NoError(t, del.Delete(ctx, account.AccountKind, child.ID, cmd))
	require.NoError(t, del.Delete(ctx, account.AccountKind, acctID, cmd))
	_, err = s.Accounts().Get(ctx, acctID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)

	v, err := storage.Verify(ctx, s, storage.VerifyOptions{})
	require.NoError(t, err)
	assert.NoError(t, v.Err())
}
