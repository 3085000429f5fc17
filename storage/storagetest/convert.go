package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/dedupe"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// convertInput is the conversion every test here runs, an hour after base
// (when the suite's leads were captured).
func convertInput() storage.ConvertInput {
	at := base.Add(time.Hour)
	return storage.ConvertInput{ConvertInput: lead.ConvertInput{
		Cmd: crmkit.Cmd{By: "ana", At: at}, Amount: eur("5000.00"), ExpectedClose: at.AddDate(0, 2, 0),
	}}
}

// convertIn runs storage.Convert of leadID in one Update of s.
func convertIn(ctx context.Context, t testing.TB, s storage.Store, leadID uuid.UUID, in storage.ConvertInput) (storage.Conversion, error) {
	t.Helper()
	lad, err := lead.NewLadder()
	require.NoError(t, err)
	var out storage.Conversion
	err = s.Update(ctx, func(tx storage.Tx) error {
		var err error
		out, err = storage.Convert(ctx, tx, lad, deal.DefaultPipeline(), leadID, in)
		return err
	})
	return out, err
}

// testLeadConversion converts a stored SQL lead with storage.Convert: the
// converted lead, a new account holding a new contact and a deal, under
// the IDs the lead points at, each with its history; a second conversion
// of the same lead is refused and writes nothing.
func testLeadConversion(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	l, evs := ladderLead(t, lead.Person{Name: "Ada Lovelace", Company: "Acme", CompanySize: 40,
		Email: "ada@acme.example", Phone: "+36 1 234 5678", Title: "CTO", Website: "https://www.acme.example/"}, lead.StageSQL)
	_, err := s.Leads().Create(ctx, l, "", evs...)
	require.NoError(t, err)

	c, err := convertIn(ctx, t, s, l.ID, convertInput())
	require.NoError(t, err)

	got, err := s.Leads().Get(ctx, l.ID)
	require.NoError(t, err)
	same(t, c.Lead, got)
	assert.Equal(t, lead.StageConverted, got.Stage)
	ref := got.Conversion
	assert.False(t, ref.ExistingAccount || ref.ExistingContact)

	acc := accountsOf(t, s)
	a, err := acc.Get(ctx, ref.AccountID)
	require.NoError(t, err)
	same(t, c.Account, a)
	assert.Equal(t, "Acme", a.Name)
	assert.Equal(t, "acme.example", a.Domain, "from the company e-mail address")
	assert.Equal(t, "https://www.acme.example/", a.Website)
	assert.Equal(t, 40, a.Size)
	assert.Equal(t, "ana", a.Owner)
	require.Len(t, a.Contacts, 1)
	assert.Equal(t, account.Contact{ID: ref.ContactID, Name: "Ada Lovelace", Email: "ada@acme.example", Phone: "+36 1 234 5678", Title: "CTO", Role: account.Influencer}, a.Contacts[0])

	d, err := s.Deals().Get(ctx, ref.OpportunityID)
	require.NoError(t, err)
	same(t, c.Deal, d)
	assert.Equal(t, ref.AccountID, d.AccountID)
	assert.Equal(t, ref.ContactID, d.ContactID)
	assert.Equal(t, l.ID, d.SourceLeadID)
	assert.True(t, eur("5000.00").Equal(d.Amount))

	// History matches state: lead 3 events (captured, accepted,
	// converted), account 2 (created, contact added), deal 1, and
	// nothing else.
	assert.Len(t, collect(t, s.Events().ByAggregate(ctx, l.ID)), 3)
	accEvents := collect(t, s.Events().ByAggregate(ctx, a.ID))
	require.Len(t, accEvents, 2)
	assert.Equal(t, account.EventAccountCreated, accEvents[0].Type)
	assert.Equal(t, account.EventContactAdded, accEvents[1].Type)
	assert.Len(t, collect(t, s.Events().ByAggregate(ctx, d.ID)), 1)
	assert.Len(t, allEvents(t, ctx, s), 6)
	assert.Len(t, c.Events, 4)

	// Converting again is refused by the lead and writes nothing.
	_, err = convertIn(ctx, t, s, l.ID, convertInput())
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	var ce *storage.ConversionError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "lead", ce.Field)
	assert.Len(t, allEvents(t, ctx, s), 6)
	verified(t, ctx, s)
}

// accountsOf returns s's account repository.
func accountsOf(t testing.TB, s storage.Store) storage.AccountRepository {
	t.Helper()
	return s.Accounts()
}

// testConvertDedupes: a second lead of a stored account's company is
// linked to it, one with a stored contact's phone to that contact; under
// RejectDuplicates both are refused naming the record, and each refusal,
// like every other bad input (a lead that is not SQL, an unknown lead, a
// link to another tenant's account or to a contact the account does not
// have, no amount), writes nothing.
// ladderLead returns a lead of ana's captured from who and moved to stage
// (suspect, MQL or SQL) by the ladder, with its history, so that it
// replays (storage.Verify).
func ladderLead(t testing.TB, who lead.Person, stage lead.Stage) (lead.Lead, []crmkit.Event) {
	t.Helper()
	l, ev, err := lead.New(lead.Capture{Who: who, Source: lead.ChannelReferral, Campaign: "spring", Owner: "ana"}, crmkit.Cmd{By: actor, At: base})
	require.NoError(t, err)
	evs := []crmkit.Event{ev}
	action := map[lead.Stage]lead.Action{lead.StageMQL: lead.ActionQualify, lead.StageSQL: lead.ActionAccept}[stage]
	if action != 0 {
		ladder, err := lead.NewLadder()
		require.NoError(t, err)
		l, ev, err = ladder.Fire(context.Background(), l, lead.Command{Cmd: crmkit.Cmd{By: actor, At: base}, Action: action})
		require.NoError(t, err)
		evs = append(evs, ev)
	}
	require.Equal(t, stage, l.Stage)
	return l, evs
}

func testConvertDedupes(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	create := func(name string, stage lead.Stage, who lead.Person) lead.Lead {
		l, evs := ladderLead(t, who, stage)
		_, err := s.Leads().Create(ctx, l, "", evs...)
		require.NoError(t, err)
		return l
	}
	first := create("Ada", lead.StageSQL, lead.Person{Name: "Ada", Email: "ada@acme.example", Phone: "+36 1 234 5678", Company: "Acme"})
	c1, err := convertIn(ctx, t, s, first.ID, convertInput())
	require.NoError(t, err)
	accID, adaID := c1.Account.ID, c1.Contact.ID

	// Same company domain, new person: the account is linked, the person
	// added to it as a contact.
	bob := create("Bob", lead.StageSQL, lead.Person{Name: "Bob", Email: "Bob@ACME.example"})
	c2, err := convertIn(ctx, t, s, bob.ID, convertInput())
	require.NoError(t, err)
	assert.True(t, c2.Lead.Conversion.ExistingAccount)
	assert.False(t, c2.Lead.Conversion.ExistingContact)
	assert.Equal(t, accID, c2.Deal.AccountID)
	a, err := accountsOf(t, s).Get(ctx, accID)
	require.NoError(t, err)
	require.Len(t, a.Contacts, 2)
	assert.Equal(t, "Bob@ACME.example", a.Contacts[1].Email)
	assert.Equal(t, int64(3), a.Version, "created, Ada added, Bob added")

	// Ada again, by phone in national form from a free-mail address:
	// the contact and its account are linked.
	ada2 := create("Ada again", lead.StageSQL, lead.Person{Name: "Ada L.", Email: "ada.l@gmail.com", Phone: "06 1 234 5678"})
	c3, err := convertIn(ctx, t, s, ada2.ID, convertInput())
	require.NoError(t, err)
	assert.True(t, c3.Lead.Conversion.ExistingAccount && c3.Lead.Conversion.ExistingContact)
	assert.Equal(t, adaID, c3.Deal.ContactID)
	assert.Equal(t, accID, c3.Deal.AccountID)

	before := len(allEvents(t, ctx, s))
	nothingWritten := func(what string, l lead.Lead) {
		t.Helper()
		assert.Len(t, allEvents(t, ctx, s), before, "%s: no event written", what)
		got, err := s.Leads().Get(ctx, l.ID)
		require.NoError(t, err)
		assert.Equal(t, l.Version, got.Version, "%s: the lead unchanged", what)
	}

	// Under RejectDuplicates: a *dedupe.DuplicateError naming the record.
	reject := convertInput()
	reject.OnDuplicate = dedupe.RejectDuplicates
	carol := create("Carol", lead.StageSQL, lead.Person{Name: "Carol", Email: "carol@acme.example"})
	before = len(allEvents(t, ctx, s))
	_, err = convertIn(ctx, t, s, carol.ID, reject)
	require.ErrorIs(t, err, crmkit.ErrConflict)
	var dup *dedupe.DuplicateError
	require.ErrorAs(t, err, &dup)
	assert.Equal(t, "account", dup.Kind)
	assert.Equal(t, accID, dup.ID)
	var ce *storage.ConversionError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "account", ce.Field)
	nothingWritten("duplicate account", carol)

	ada3 := create("Ada thrice", lead.StageSQL, lead.Person{Name: "Ada", Phone: "+36-1-234-5678"})
	before = len(allEvents(t, ctx, s))
	_, err = convertIn(ctx, t, s, ada3.ID, reject)
	require.ErrorAs(t, err, &dup)
	assert.Equal(t, "contact", dup.Kind)
	assert.Equal(t, adaID, dup.ID)
	nothingWritten("duplicate contact", ada3)

	// Another tenant's account, or a contact the account lacks, is a
	// dangling link: ErrNotFound naming it.
	other := open(t, o, "globex")
	foreign, fev, err := account.New(account.NewAccount{Name: "Globex", Owner: "bo", Relations: account.Customer}, crmkit.Cmd{By: actor, At: base})
	require.NoError(t, err)
	_, err = accountsOf(t, other).Create(ctx, foreign, "", fev)
	require.NoError(t, err)
	dave := create("Dave", lead.StageSQL, lead.Person{Name: "Dave", Email: "dave@initech.example"})
	before = len(allEvents(t, ctx, s))
	for field, links := range map[string]lead.Links{
		"account": {Account: foreign.ID},
		"contact": {Account: accID, Contact: crmkit.NewID()},
	} {
		in := convertInput()
		in.Links = links
		_, err = convertIn(ctx, t, s, dave.ID, in)
		require.ErrorIs(t, err, crmkit.ErrNotFound, field)
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, field, ce.Field)
		nothingWritten(field, dave)
	}

	// Not SQL, unknown, no amount.
	mql := create("Eve", lead.StageMQL, lead.Person{Name: "Eve", Email: "eve@hooli.example"})
	before = len(allEvents(t, ctx, s))
	_, err = convertIn(ctx, t, s, mql.ID, convertInput())
	require.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "lead", ce.Field)
	nothingWritten("not sql", mql)
	_, err = convertIn(ctx, t, s, crmkit.NewID(), convertInput())
	assert.ErrorIs(t, err, crmkit.ErrNotFound, "unknown lead")
	noAmount := convertInput()
	noAmount.Amount = crmkit.Money{}
	_, err = convertIn(ctx, t, s, dave.ID, noAmount)
	require.ErrorIs(t, err, crmkit.ErrInvalid)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "deal", ce.Field)
	nothingWritten("no amount", dave)
	_, err = accountsOf(t, s).Get(ctx, crmkit.NewID())
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	page, _, err := accountsOf(t, s).List(ctx, storage.AccountFilter{Domain: "initech.example"}, storage.Page{})
	require.NoError(t, err)
	assert.Empty(t, page, "no account of the refused conversions was kept")
	verified(t, ctx, s)
}
