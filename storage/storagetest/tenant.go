package storagetest

import (
	"context"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testTenantIsolation(t *testing.T, o Opener) {
	ctx := context.Background()
	acme := open(t, o, "acme")
	acme2 := open(t, o, "acme") // a second handle of the same tenant
	globex := open(t, o, "globex")

	l, ev := newLead("Ada", "ana", lead.StageMQL, lead.ChannelEmail)
	_, err := acme.Leads().Create(ctx, l, "form-1", ev)
	require.NoError(t, err)
	d, dev := newDeal(t, dealSpec{name: "Fleet", owner: "ana"})
	_, err = acme.Deals().Create(ctx, d, "crm-1", dev)
	require.NoError(t, err)
	loose := event(crmkit.NewID(), "LeadCaptured", base, 1)
	require.NoError(t, acme.Events().Append(ctx, loose))
	acmeBefore := take(t, ctx, acme)

	// The same tenant through another handle sees everything.
	got, err := acme2.Leads().Get(ctx, l.ID)
	require.NoError(t, err)
	same(t, l, got)
	same(t, acmeBefore, take(t, ctx, acme2))

	// Another tenant sees nothing: not by ID, not in lists, not in
	// events.
	_, err = globex.Leads().Get(ctx, l.ID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	_, err = globex.Deals().Get(ctx, d.ID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	assertEmpty(t, ctx, globex)
	assert.Empty(t, collect(t, globex.Events().ByAggregate(ctx, l.ID)))
	page, _, err := globex.Leads().List(ctx, storage.LeadFilter{Owner: "ana"}, storage.Page{})
	require.NoError(t, err)
	assert.Empty(t, page)

	// ... and cannot write acme's rows.
	next, nev := changed(l, "bo", lead.StageSQL)
	assert.ErrorIs(t, globex.Leads().Save(ctx, next, 1, nev), crmkit.ErrNotFound)
	err = globex.Update(ctx, func(tx storage.Tx) error { return tx.Leads().Save(ctx, next, 1, nev) })
	assert.ErrorIs(t, err, crmkit.ErrNotFound)

	// Its idempotency keys are its own: the same key creates its own lead.
	m, mev := newLead("Grace", "bo", lead.StageSuspect, lead.ChannelSocial)
	got, err = globex.Leads().Create(ctx, m, "form-1", mev)
	require.NoError(t, err)
	same(t, m, got, "acme's key does not answer for globex")
	d2, d2ev := newDeal(t, dealSpec{name: "Other", owner: "bo"})
	gotDeal, err := globex.Deals().Create(ctx, d2, "crm-1", d2ev)
	require.NoError(t, err)
	same(t, d2, gotDeal)

	// IDs and event IDs are per tenant too: globex may hold its own lead
	// under acme's lead ID and an event under acme's event ID, so that
	// nothing tells globex what acme holds.
	mine, mineEv := newLead("Own", "cy", lead.StageSuspect, lead.ChannelEmail)
	mine.ID, mineEv.AggregateID = l.ID, l.ID
	mineEv.ID = ev.ID
	_, err = globex.Leads().Create(ctx, mine, "", mineEv)
	require.NoError(t, err)
	require.NoError(t, globex.Events().Append(ctx, loose))
	got, err = globex.Leads().Get(ctx, l.ID)
	require.NoError(t, err)
	same(t, mine, got)
	mineNext, mineNextEv := changed(mine, "dy", lead.StageMQL)
	require.NoError(t, globex.Update(ctx, func(tx storage.Tx) error { return tx.Leads().Save(ctx, mineNext, 1, mineNextEv) }))

	// acme is exactly as it was.
	same(t, acmeBefore, take(t, ctx, acme))
	got, err = acme.Leads().Get(ctx, l.ID)
	require.NoError(t, err)
	same(t, l, got)
	assert.Len(t, allLeads(t, ctx, globex), 2)
	assert.Len(t, allEvents(t, ctx, globex), 5) // mev, d2ev, mineEv, loose, mineNextEv

	// Tenant names follow the key rules.
	for _, name := range []string{"", "   ", strings.Repeat("t", storage.MaxKeyLen+1), "a\x00b", "\xff"} {
		_, err := o(name)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "tenant %q", name)
	}
	_, err = o(strings.Repeat("t", storage.MaxKeyLen))
	assert.NoError(t, err, "a tenant name of MaxKeyLen bytes")
}
