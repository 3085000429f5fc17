package storagetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/funneltest"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// editCmd is the command of the edit tests: by who, hours after base.
func editCmd(who string, hours int) crmkit.Cmd {
	return crmkit.Cmd{By: who, At: base.Add(time.Duration(hours) * time.Hour), Reason: "correction"}
}

// checkFieldHistory asserts that the field history of aggregate id, as
// crmkit.FieldHistory reads it from the store's events, is want.
func checkFieldHistory(t *testing.T, ctx context.Context, s storage.Store, id uuid.UUID, tr crmkit.FieldTransitions, want []crmkit.FieldEntry) {
	t.Helper()
	got, err := crmkit.FieldHistory(s.Events().ByAggregate(ctx, id), tr)
	require.NoError(t, err)
	require.Len(t, got, len(want), "field history of %s: %+v", id, got)
	for i := range want {
		assert.True(t, want[i].At.Equal(got[i].At), "entry %d at %s, want %s", i, got[i].At, want[i].At)
		got[i].At = want[i].At
		assert.Equal(t, want[i], got[i], "entry %d", i)
	}
}

// testEdits: edits of a lead, a deal, an account and a contact go
// through Save with their events and come back as written; their field
// history, read from the stored events, is the list written here by
// hand; a deal moved to another account must name a contact of that
// account (a *storage.ReferenceError otherwise, nothing written); an edit
// of an archived record is a *crmkit.ArchivedError and writes nothing;
// Verify finds no problem afterwards.
func testEdits(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "edits")
	str := func(v string) *string { return &v }

	// A lead: rename and a new e-mail, then a new owner.
	l, ev := newLead("Ada Lovelace", "ana", lead.StageSuspect, lead.ChannelEmail)
	_, err := s.Leads().Create(ctx, l, "", ev)
	require.NoError(t, err)
	l2, e2, err := l.Edit(lead.Patch{Name: str("Ada King"), Email: str("ada@king.example"), Description: str("met at the fair")}, editCmd("bea", 1))
	require.NoError(t, err)
	require.NoError(t, s.Leads().Save(ctx, l2, l.Version, e2))
	l3, e3, err := l2.Assign("cy", editCmd("dan", 2))
	require.NoError(t, err)
	require.NoError(t, s.Leads().Save(ctx, l3, l2.Version, e3))
	got, err := s.Leads().Get(ctx, l.ID)
	require.NoError(t, err)
	same(t, storage.Canonical(l3), got)
	assert.Equal(t, "Ada King", got.Who.Name)
	assert.Equal(t, "ada@king.example", got.Who.Email)
	assert.Equal(t, "met at the fair", got.Description)
	checkFieldHistory(t, ctx, s, l.ID, lead.FieldTransitions(), []crmkit.FieldEntry{
		{Field: "name", From: "Ada Lovelace", To: "Ada King", By: "bea", At: base.Add(time.Hour), Version: 2, Event: e2.ID},
		{Field: "email", From: "lead@example.com", To: "ada@king.example", By: "bea", At: base.Add(time.Hour), Version: 2, Event: e2.ID},
		{Field: "description", From: "", To: "met at the fair", By: "bea", At: base.Add(time.Hour), Version: 2, Event: e2.ID},
		{Field: "owner", From: "ana", To: "cy", By: "dan", At: base.Add(2 * time.Hour), Version: 3, Event: e3.ID},
	})

	// An account with a contact; its contact's e-mail and the account's
	// name change.
	acctID, contactID := crmkit.NewID(), crmkit.NewID()
	a, aevs := accountWith(t, acctID, contactID, "Globex", base)
	_, err = s.Accounts().Create(ctx, a, "", aevs...)
	require.NoError(t, err)
	a2, ae2, err := a.Edit(account.Patch{Name: str("Globex Corporation"), Size: new(120)}, editCmd("bea", 1))
	require.NoError(t, err)
	oldMail := a.Contacts[0].Email
	a3, ae3, err := a2.EditContact(contactID, account.ContactPatch{Email: str("pat@globex.example"), Title: str("CFO")}, editCmd("bea", 2))
	require.NoError(t, err)
	require.NoError(t, s.Accounts().Save(ctx, a3, a.Version, ae2, ae3))
	gotA, err := s.Accounts().Get(ctx, acctID)
	require.NoError(t, err)
	same(t, storage.Canonical(a3), gotA)
	checkFieldHistory(t, ctx, s, acctID, account.FieldTransitions(), []crmkit.FieldEntry{
		{Field: "name", From: "Globex", To: "Globex Corporation", By: "bea", At: base.Add(time.Hour), Version: 3, Event: ae2.ID},
		{Field: "size", From: "0", To: "120", By: "bea", At: base.Add(time.Hour), Version: 3, Event: ae2.ID},
		{Field: "email", Item: contactID, From: oldMail, To: "pat@globex.example", By: "bea", At: base.Add(2 * time.Hour), Version: 4, Event: ae3.ID},
		{Field: "title", Item: contactID, From: "", To: "CFO", By: "bea", At: base.Add(2 * time.Hour), Version: 4, Event: ae3.ID},
	})
	// The account's dedupe keys follow the edit.
	page, _, err := s.Accounts().List(ctx, storage.AccountFilter{ContactEmail: "pat@globex.example"}, storage.Page{})
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{acctID}, ids(page, func(a *account.Account) uuid.UUID { return a.ID }))

	// A deal renamed and moved to the account above: its contact (of the
	// suite's account) is cleared; a contact of another account is
	// refused by the store; the new account's contact is accepted.
	d, dev := newDeal(t, dealSpec{name: "Fleet renewal", owner: "ana"})
	_, err = s.Deals().Create(ctx, d, "", dev)
	require.NoError(t, err)
	dc := func(who string, hours int) deal.Cmd { return deal.Cmd{Cmd: editCmd(who, hours)} }
	d2, de2, err := d.Edit(deal.Patch{Name: str("Fleet renewal 2027"), AccountID: &acctID}, dc("bea", 1))
	require.NoError(t, err)
	assert.Equal(t, uuid.Nil, d2.ContactID, "moving the deal clears the old account's contact")
	require.NoError(t, s.Deals().Save(ctx, d2, d.Version, de2))
	wrong := suiteContact
	bad, badEv, err := d2.Edit(deal.Patch{ContactID: &wrong}, dc("bea", 2))
	require.NoError(t, err, "the domain cannot know the contact's account")
	err = s.Deals().Save(ctx, bad, d2.Version, badEv)
	var re *storage.ReferenceError
	require.ErrorAs(t, err, &re, "a contact of another account")
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Equal(t, "contact_id", re.Ref.Field)
	d3, de3, err := d2.Edit(deal.Patch{ContactID: &contactID}, dc("bea", 2))
	require.NoError(t, err)
	require.NoError(t, s.Deals().Save(ctx, d3, d2.Version, de3))
	d4, de4, err := d3.Transfer("cy", dc("dan", 3))
	require.NoError(t, err)
	require.NoError(t, s.Deals().Save(ctx, d4, d3.Version, de4))
	gotD, err := s.Deals().Get(ctx, d.ID)
	require.NoError(t, err)
	same(t, storage.Canonical(d4), gotD)
	checkFieldHistory(t, ctx, s, d.ID, deal.FieldTransitions(), []crmkit.FieldEntry{
		{Field: "name", From: "Fleet renewal", To: "Fleet renewal 2027", By: "bea", At: base.Add(time.Hour), Version: 2, Event: de2.ID},
		{Field: "account_id", From: suiteAccount.String(), To: acctID.String(), By: "bea", At: base.Add(time.Hour), Version: 2, Event: de2.ID},
		{Field: "contact_id", From: suiteContact.String(), To: "", By: "bea", At: base.Add(time.Hour), Version: 2, Event: de2.ID},
		{Field: "contact_id", From: "", To: contactID.String(), By: "bea", At: base.Add(2 * time.Hour), Version: 3, Event: de3.ID},
		{Field: "owner", From: "ana", To: "cy", By: "dan", At: base.Add(3 * time.Hour), Version: 4, Event: de4.ID},
	})
	// The stored history replays to the stored deal, edits included.
	replayed, err := deal.DefaultPipeline().Replay(collect(t, s.Events().ByAggregate(ctx, d.ID)))
	require.NoError(t, err)
	same(t, gotD, storage.Canonical(replayed))

	// Archived records take no edit: a typed error, nothing written.
	l4, e4, err := l3.Archive(editCmd("dan", 4))
	require.NoError(t, err)
	require.NoError(t, s.Leads().Save(ctx, l4, l3.Version, e4))
	_, _, err = l4.Edit(lead.Patch{Name: str("Ada")}, editCmd("dan", 5))
	var ae *crmkit.ArchivedError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, lead.LeadKind, ae.Kind)
	assert.Equal(t, l.ID, ae.ID)
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	d5, de5, err := d4.Archive(dc("dan", 4))
	require.NoError(t, err)
	require.NoError(t, s.Deals().Save(ctx, d5, d4.Version, de5))
	_, _, err = d5.Edit(deal.Patch{Name: str("x")}, dc("dan", 5))
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, d.ID, ae.ID)
	a4, ae4, err := a3.Archive(editCmd("dan", 4))
	require.NoError(t, err)
	_, _, err = a4.EditContact(contactID, account.ContactPatch{Name: str("x")}, editCmd("dan", 5))
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, acctID, ae.ID)
	require.NoError(t, s.Accounts().Save(ctx, a4, a3.Version, ae4))
	for id, version := range map[uuid.UUID]int64{l.ID: l4.Version, d.ID: d5.Version, acctID: a4.Version} {
		assert.Len(t, collect(t, s.Events().ByAggregate(ctx, id)), int(version), "events of %s", id)
	}

	v, err := storage.Verify(ctx, s, storage.VerifyOptions{})
	require.NoError(t, err)
	assert.NoError(t, v.Err())
}

// testArchive: an archived lead, deal or account is left out of List,
// listed with IncludeArchived, and back in List after Restore; its
// events are kept; a store's funnel.Source (and funnel.Aggregator) leaves
// archived deals out of its reports.
func testArchive(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "archive")

	keep, kev := newLead("Kept", "ana", lead.StageSuspect, lead.ChannelEmail)
	gone, gev := newLead("Archived", "ana", lead.StageSuspect, lead.ChannelEmail)
	for _, c := range []struct {
		l  lead.Lead
		ev crmkit.Event
	}{{keep, kev}, {gone, gev}} {
		_, err := s.Leads().Create(ctx, c.l, "", c.ev)
		require.NoError(t, err)
	}
	keepD, kdev := newDeal(t, dealSpec{name: "Kept deal", owner: "ana"})
	goneD, gdev := newDeal(t, dealSpec{name: "Archived deal", owner: "ana"})
	for _, c := range []struct {
		d  deal.Deal
		ev crmkit.Event
	}{{keepD, kdev}, {goneD, gdev}} {
		_, err := s.Deals().Create(ctx, c.d, "", c.ev)
		require.NoError(t, err)
	}
	goneA, gaevs := accountWith(t, crmkit.NewID(), crmkit.NewID(), "Archived Account", base)
	_, err := s.Accounts().Create(ctx, goneA, "", gaevs...)
	require.NoError(t, err)

	at := editCmd("ana", 1)
	gone2, ge2, err := gone.Archive(at)
	require.NoError(t, err)
	require.NoError(t, s.Leads().Save(ctx, gone2, gone.Version, ge2))
	goneD2, gde2, err := goneD.Archive(deal.Cmd{Cmd: at})
	require.NoError(t, err)
	require.NoError(t, s.Deals().Save(ctx, goneD2, goneD.Version, gde2))
	goneA2, gae2, err := goneA.Archive(at)
	require.NoError(t, err)
	require.NoError(t, s.Accounts().Save(ctx, goneA2, goneA.Version, gae2))

	listLeads := func(f storage.LeadFilter) []uuid.UUID {
		page, next, err := s.Leads().List(ctx, f, storage.Page{})
		require.NoError(t, err)
		require.Empty(t, next)
		return ids(page, leadID)
	}
	listDeals := func(f storage.DealFilter) []uuid.UUID {
		page, next, err := s.Deals().List(ctx, f, storage.Page{})
		require.NoError(t, err)
		require.Empty(t, next)
		return slices.DeleteFunc(ids(page, dealID), suiteRecord)
	}
	listAccounts := func(f storage.AccountFilter) []uuid.UUID {
		page, next, err := s.Accounts().List(ctx, f, storage.Page{})
		require.NoError(t, err)
		require.Empty(t, next)
		return slices.DeleteFunc(ids(page, func(a *account.Account) uuid.UUID { return a.ID }), suiteRecord)
	}
	assert.Equal(t, []uuid.UUID{keep.ID}, listLeads(storage.LeadFilter{}), "archived lead hidden")
	assert.Equal(t, []uuid.UUID{keep.ID}, listLeads(storage.LeadFilter{Owner: "ana", Stage: lead.StageSuspect}), "archived lead hidden under a filter")
	assert.Equal(t, sortedIDs(keep.ID, gone.ID), listLeads(storage.LeadFilter{IncludeArchived: true}))
	assert.Equal(t, []uuid.UUID{keepD.ID}, listDeals(storage.DealFilter{}), "archived deal hidden")
	assert.Equal(t, []uuid.UUID{keepD.ID}, listDeals(storage.DealFilter{Owner: "ana"}), "archived deal hidden under a filter")
	assert.Equal(t, sortedIDs(keepD.ID, goneD.ID), listDeals(storage.DealFilter{IncludeArchived: true}))
	assert.Empty(t, listAccounts(storage.AccountFilter{}), "archived account hidden")
	assert.Equal(t, []uuid.UUID{goneA.ID}, listAccounts(storage.AccountFilter{IncludeArchived: true}))
	// Get still finds them, and their events are all kept.
	gotL, err := s.Leads().Get(ctx, gone.ID)
	require.NoError(t, err)
	same(t, storage.Canonical(gone2), gotL)
	assert.Len(t, collect(t, s.Events().ByAggregate(ctx, goneD.ID)), 2)

	// Reports leave the archived deal out: they equal the report over the
	// kept deal alone.
	if src, ok := s.(funnel.Source); ok {
		want := []funnel.Opportunity{funnel.OpportunityOf(&keepD)}
		var got []funnel.Opportunity
		for o, err := range src.Opportunities(ctx) {
			require.NoError(t, err)
			got = append(got, o)
		}
		require.NoError(t, funneltest.DiffStates(got, want))
		p := deal.DefaultPipeline()
		q := funnel.Query{AsOf: base.AddDate(0, 0, 30), Quantiles: crmkit.QuantilesNone}
		wantRep, err := funnel.Summarize(p, slices.Values(want), q)
		require.NoError(t, err)
		if a, ok := src.(funnel.Aggregator); ok {
			rep, err := a.AggregateFunnel(ctx, p, q)
			if !errors.Is(err, errors.ErrUnsupported) {
				require.NoError(t, err)
				require.NoError(t, funneltest.DiffSummaries(wantRep.Total, rep.Total))
			}
		}
	}

	// Restore brings them back.
	gone3, ge3, err := gone2.Restore(editCmd("bea", 2))
	require.NoError(t, err)
	require.NoError(t, s.Leads().Save(ctx, gone3, gone2.Version, ge3))
	goneD3, gde3, err := goneD2.Restore(deal.Cmd{Cmd: editCmd("bea", 2)})
	require.NoError(t, err)
	require.NoError(t, s.Deals().Save(ctx, goneD3, goneD2.Version, gde3))
	goneA3, gae3, err := goneA2.Restore(editCmd("bea", 2))
	require.NoError(t, err)
	require.NoError(t, s.Accounts().Save(ctx, goneA3, goneA2.Version, gae3))
	assert.Equal(t, sortedIDs(keep.ID, gone.ID), listLeads(storage.LeadFilter{}), "restored lead listed")
	assert.Equal(t, sortedIDs(keepD.ID, goneD.ID), listDeals(storage.DealFilter{}), "restored deal listed")
	assert.Equal(t, []uuid.UUID{goneA.ID}, listAccounts(storage.AccountFilter{}), "restored account listed")
	types := func(id uuid.UUID) []string {
		var out []string
		for _, e := range collect(t, s.Events().ByAggregate(ctx, id)) {
			out = append(out, e.Type)
		}
		return out
	}
	assert.Equal(t, []string{lead.EventLeadCaptured, lead.EventLeadArchived, lead.EventLeadRestored}, types(gone.ID))
	assert.Equal(t, []string{deal.EventDealCreated, deal.EventDealArchived, deal.EventDealRestored}, types(goneD.ID))
	assert.Equal(t, []string{account.EventAccountCreated, account.EventContactAdded, account.EventAccountArchived, account.EventAccountRestored}, types(goneA.ID))

	v, err := storage.Verify(ctx, s, storage.VerifyOptions{})
	require.NoError(t, err)
	assert.NoError(t, v.Err())
}
