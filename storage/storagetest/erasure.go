package storagetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/erasure"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Dumper returns every text a store holds for one tenant, found by
// searching the storage itself rather than through the repositories:
// PostgreSQL every text and JSONB column of every table that has the
// tenant's rows (found from information_schema), SQLite likewise (from
// sqlite_master and table_info), the memory store every stored value and
// event written out. RunErasure searches it for erased values.
type Dumper func(t *testing.T, tenant string) string

// RunErasure proves the erasure of a person (package erasure) on one
// store: newDB returns an Opener and a Dumper over the same fresh
// database. After the erasure no erased value (name, e-mail, phone, a
// custom field declared personal, in state, in event payloads and in
// free-text reasons) is found anywhere in the tenant's storage, while the
// values of other people and the non-personal data are; the funnel report
// over the tenant's leads is equal before and after; the erasure is
// recorded by an event without personal data; an erased lead takes no
// more changes; and an erasure from another tenant is crmkit.ErrNotFound
// with nothing written anywhere. A raw Save that would bring erased data
// back is refused (erasure.CheckUnerase).
func RunErasure(t *testing.T, newDB func(t *testing.T) (Opener, Dumper)) {
	t.Helper()
	t.Run("Erasure", func(t *testing.T) {
		o, dump := newDB(t)
		testErasure(t, o, dump)
	})
	t.Run("EraseContact", func(t *testing.T) {
		o, dump := newDB(t)
		testEraseContact(t, o, dump)
	})
	t.Run("Unerase", func(t *testing.T) {
		o, dump := newDB(t)
		testUnerase(t, o, dump)
	})
	t.Run("EraseRequiredPersonal", func(t *testing.T) {
		o, dump := newDB(t)
		testEraseRequiredPersonal(t, o, dump)
	})
}

// testEraseRequiredPersonal: a lead whose schema requires a personal
// field is erased all the same (the erasure removes the field; an erased
// lead need not hold it, as an erased contact need not), while a lead not
// erased without it is still refused.
func testEraseRequiredPersonal(t *testing.T, o Opener, dump Dumper) {
	ctx := context.Background()
	s := open(t, o, "acme")
	declare(t, s, lead.LeadKind, []field.Def{{Name: "nickname", Type: field.TypeText, Required: true, Personal: true}})
	c := crmkit.Cmd{By: actor, At: base}
	l, ev, err := lead.New(lead.Capture{Who: adaWho, Source: lead.ChannelEmail, Owner: "ana"}, c)
	require.NoError(t, err)
	_, err = s.Leads().Create(ctx, l, "", ev)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "the required field is missing")
	l.Custom = field.Values{"nickname": field.Text(adaNick)}
	l, err = s.Leads().Create(ctx, l, "", ev)
	require.NoError(t, err)

	erased, err := erasure.Lead(ctx, s, l.ID, crmkit.Cmd{By: actor, At: base.Add(time.Hour)})
	require.NoError(t, err)
	assert.Empty(t, erased.Custom)
	got, err := s.Leads().Get(ctx, l.ID)
	require.NoError(t, err)
	same(t, erased, got)
	text := strings.ToLower(dump(t, "acme"))
	for _, v := range []string{adaWho.Name, adaWho.Email, adaNick} {
		assert.NotContains(t, text, strings.ToLower(v), "erased value %q still stored", v)
	}
}

// ada is the person erased; grace the one who stays.
var (
	adaWho   = lead.Person{Name: "Ada Lovelace", Email: "ada.lovelace@analytical.example", Phone: "+44 20 7946 0958", Company: "Analytical Engines Ltd"}
	adaNick  = "Enchantress of Numbers"
	graceWho = lead.Person{Name: "Grace Hopper", Email: "grace.hopper@cobol.example", Phone: "+1 202 555 0143", Company: "Navy"}
	// adaValues are what must be gone after the erasure: her e-mail
	// address before an edit too.
	adaValues = []string{adaWho.Name, adaWho.Email, adaWho.Phone, adaNick, previousEmail(adaWho.Email)}
)

// storePerson stores a lead of who with a history that holds who's data
// in payloads and reasons: captured, custom values set, a touch, qualified
// with a reason naming the person, reassigned with a reason holding the
// e-mail address, nurtured with one holding the phone; captured with an
// earlier e-mail address (previousEmail) that an edit replaced. It returns
// the stored lead.
func storePerson(t *testing.T, s storage.Store, who lead.Person, nick string, at time.Time) lead.Lead {
	t.Helper()
	ctx := context.Background()
	c := func(minutes int, reason string) crmkit.Cmd {
		return crmkit.Cmd{By: actor, At: at.Add(time.Duration(minutes) * time.Minute), Reason: reason}
	}
	first := who
	first.Email = previousEmail(who.Email)
	l, ev, err := lead.New(lead.Capture{Who: first, Source: lead.ChannelEmail, Owner: "ana"}, c(0, ""))
	require.NoError(t, err)
	l, err = s.Leads().Create(ctx, l, "", ev)
	require.NoError(t, err)
	save := func(next lead.Lead, e crmkit.Event, err error) {
		t.Helper()
		require.NoError(t, err)
		require.NoError(t, s.Leads().Save(ctx, next, l.Version, e))
		l = next
	}
	next, e, err := l.Edit(lead.Patch{Email: &who.Email}, c(0, ""))
	save(next, e, err)
	next, e, err = l.SetCustom(field.Values{"tier": field.Option("gold"), "nickname": field.Text(nick)}, c(1, ""))
	save(next, e, err)
	next, e, err = l.RecordTouch(lead.Sources{}, lead.Touchpoint{Channel: lead.ChannelEmail, Kind: lead.TouchForm,
		Content: "demo for " + who.Name, At: at.Add(2 * time.Minute)}, c(2, ""))
	save(next, e, err)
	lad, err := lead.NewLadder()
	require.NoError(t, err)
	next, e, err = lad.Fire(ctx, l, lead.Command{Cmd: c(3, who.Name+" replied to the campaign"), Action: lead.ActionQualify})
	save(next, e, err)
	next, e, err = l.Assign("bob", c(4, who.Email+" asked for bob"))
	save(next, e, err)
	next, e, err = lad.Fire(ctx, l, lead.Command{Cmd: c(5, "call back on "+who.Phone), Action: lead.ActionNurture,
		RevisitAt: at.Add(30 * 24 * time.Hour)})
	save(next, e, err)
	return l
}

// leadReport is the funnel report over the tenant's lead histories as of
// asOf.
func leadReport(t *testing.T, s storage.Store, asOf time.Time) funnel.Report {
	t.Helper()
	ctx := context.Background()
	byAgg := map[uuid.UUID][]crmkit.Event{}
	for e, err := range s.Events().Between(ctx, crmkit.Period{Start: base.AddDate(-1, 0, 0), End: asOf.Add(time.Hour)}) {
		require.NoError(t, err)
		if e.AggregateKind == lead.LeadKind {
			byAgg[e.AggregateID] = append(byAgg[e.AggregateID], e)
		}
	}
	ids := slices.SortedFunc(maps.Keys(byAgg), func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	seq := func(yield func(crmkit.Event) bool) {
		for _, id := range ids {
			evs := byAgg[id]
			slices.SortFunc(evs, func(a, b crmkit.Event) int { return int(a.Version - b.Version) })
			for _, e := range evs {
				if !yield(e) {
					return
				}
			}
		}
	}
	r := funnel.LeadEvents().Reader(seq)
	rep, err := funnel.SummarizeRecords(funnel.LeadPipeline(), r.Records(), funnel.Query{AsOf: asOf, Quantiles: crmkit.QuantilesExact})
	require.NoError(t, err)
	require.NoError(t, r.Err())
	return rep
}

func testErasure(t *testing.T, o Opener, dump Dumper) {
	ctx := context.Background()
	acme, globex := open(t, o, "acme"), open(t, o, "globex")
	fields := []field.Def{
		{Name: "tier", Type: field.TypeEnum, Options: []string{"gold", "silver"}},
		{Name: "nickname", Type: field.TypeText, Personal: true},
	}
	declare(t, acme, lead.LeadKind, fields)
	declare(t, globex, lead.LeadKind, fields)
	ada := storePerson(t, acme, adaWho, adaNick, base)
	storePerson(t, acme, graceWho, "Amazing Grace", base.Add(time.Hour))
	adaThere := storePerson(t, globex, adaWho, adaNick, base) // the same person, another tenant
	asOf := base.Add(48 * time.Hour)
	before := leadReport(t, acme, asOf)
	require.Equal(t, int64(2), before.Total.Entities, "two leads in the report")
	require.Equal(t, int64(2), before.Total.Suspended, "both nurtured")

	// The dumper sees what the erasure must remove: a search that cannot
	// find them would prove nothing.
	text := dump(t, "acme")
	for _, v := range append(adaValues, graceWho.Name, graceWho.Email) {
		require.Contains(t, text, v, "the dump of acme before the erasure")
	}

	// Another tenant cannot erase acme's person: not found, nothing
	// written in either tenant.
	_, err := erasure.Lead(ctx, globex, ada.ID, crmkit.Cmd{By: actor, At: asOf})
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	assert.Equal(t, text, dump(t, "acme"), "a refused erasure wrote in acme")
	globexText := dump(t, "globex")

	erased, err := erasure.Lead(ctx, acme, ada.ID, crmkit.Cmd{By: actor, At: asOf, Reason: "request by " + adaWho.Email})
	require.NoError(t, err)
	assert.Equal(t, ada.Version+1, erased.Version)
	assert.Equal(t, ada.Stage, erased.Stage)
	assert.True(t, erased.StageAt.Equal(ada.StageAt))
	assert.Equal(t, crmkit.Erased, erased.Who.Name)
	assert.Empty(t, erased.Who.Email)
	assert.Equal(t, field.Values{"tier": field.Option("gold")}, erased.Custom)
	got, err := acme.Leads().Get(ctx, ada.ID)
	require.NoError(t, err)
	same(t, erased, got)

	// Nothing of Ada is left anywhere in acme's storage.
	text = dump(t, "acme")
	for _, v := range adaValues {
		assert.NotContains(t, strings.ToLower(text), strings.ToLower(v), "erased value %q still stored", v)
	}
	for _, v := range []string{graceWho.Name, graceWho.Email, graceWho.Phone, "Amazing Grace", "gold", adaWho.Company} {
		assert.Contains(t, text, v, "erasure removed data it must keep")
	}
	assert.Equal(t, globexText, dump(t, "globex"), "the erasure changed another tenant")
	for _, v := range adaValues {
		assert.Contains(t, globexText, v)
	}

	// The history keeps its shape, recorded by an event without personal
	// data; the reports are equal.
	evs := collect(t, acme.Events().ByAggregate(ctx, ada.ID))
	require.Len(t, evs, int(erased.Version))
	last := evs[len(evs)-1]
	assert.Equal(t, lead.EventLeadErased, last.Type)
	var pl lead.ErasedPayload
	require.NoError(t, last.DecodePayload(&pl))
	assert.Equal(t, []string{"custom.nickname", "email", "name", "phone"}, pl.Fields)
	assert.Equal(t, "request by "+crmkit.Erased, last.Reason)
	same(t, before, leadReport(t, acme, asOf))

	// An erased lead takes no more changes.
	_, _, err = erased.Assign("carol", crmkit.Cmd{By: actor, At: asOf.Add(time.Minute)})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	_, err = erasure.Lead(ctx, acme, ada.ID, crmkit.Cmd{By: actor, At: asOf.Add(time.Minute)})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	assert.Equal(t, text, dump(t, "acme"), "a refused second erasure wrote")
	there, err := globex.Leads().Get(ctx, adaThere.ID)
	require.NoError(t, err)
	assert.Equal(t, adaWho.Name, there.Who.Name)

	// An unknown lead is not found.
	_, err = erasure.Lead(ctx, acme, crmkit.NewID(), crmkit.Cmd{By: actor, At: asOf})
	assert.True(t, errors.Is(err, crmkit.ErrNotFound), fmt.Sprint(err))

	// ScrubEvents changes only a reason and a payload, of events the
	// tenant holds.
	scrub := func(e crmkit.Event) error {
		return acme.Update(ctx, func(tx storage.Tx) error {
			sc, ok := tx.(erasure.EventScrubber)
			require.True(t, ok, "every store of the suite scrubs events")
			return sc.ScrubEvents(ctx, e)
		})
	}
	moved := evs[0]
	moved.To = "sql"
	assert.ErrorIs(t, scrub(moved), crmkit.ErrInvalid)
	unknown := evs[0]
	unknown.ID = crmkit.NewID()
	assert.ErrorIs(t, scrub(unknown), crmkit.ErrNotFound)
	foreign := collect(t, globex.Events().ByAggregate(ctx, adaThere.ID))[0]
	assert.ErrorIs(t, scrub(foreign), crmkit.ErrNotFound, "another tenant's event")
	assert.Equal(t, text, dump(t, "acme"), "a refused scrub wrote")
}

// testEraseContact: erasure.Contact removes a contact's personal
// data from its account and every event of the account, keeps the other
// contacts and every reference to the erased one, leaves the deal report
// equal, and refuses a second erasure and one from another tenant.
func testEraseContact(t *testing.T, o Opener, dump Dumper) {
	ctx := context.Background()
	acme, globex := open(t, o, "acme"), open(t, o, "globex")
	// A contact schema with a personal field: its value goes with the
	// erasure, the other field's stays.
	declare(t, acme, storage.ContactKind, []field.Def{
		{Name: "tier", Type: field.TypeEnum, Options: []string{"gold", "silver"}},
		{Name: "nickname", Type: field.TypeText, Personal: true},
	})
	const patNick = "Queen of Purchasing"
	pat := account.Contact{ID: crmkit.NewID(), Name: "Pia Lindqvist", Email: "pia.lindqvist@engines.example", Phone: "+36 1 555 0101",
		Title: "Buyer", Role: account.DecisionMaker, Custom: field.Values{"tier": field.Option("gold"), "nickname": field.Text(patNick)}}
	sam := account.Contact{ID: crmkit.NewID(), Name: "Sam Keeper", Email: "sam.keeper@engines.example", Role: account.Influencer}
	c := crmkit.Cmd{By: actor, At: base}
	a, e1, err := account.New(account.NewAccount{Name: "Engines Co", Owner: "ana", Relations: account.Customer}, c)
	require.NoError(t, err)
	first := pat // added with an earlier e-mail address, edited since
	first.Email = previousEmail(pat.Email)
	a, e2, err := a.AddContact(first, c)
	require.NoError(t, err)
	a, e3, err := a.AddContact(sam, c)
	require.NoError(t, err)
	a, e4, err := a.Reassign("bob", crmkit.Cmd{By: actor, At: base, Reason: pat.Name + " asked for bob"})
	require.NoError(t, err)
	a, e5, err := a.EditContact(pat.ID, account.ContactPatch{Email: &pat.Email}, c)
	require.NoError(t, err)
	_, err = acme.Accounts().Create(ctx, a, "", e1, e2, e3, e4, e5)
	require.NoError(t, err)
	d, dev, err := deal.New(deal.DefaultPipeline(), deal.NewDeal{Name: "Engines renewal", Type: deal.Renewal, Amount: eur("500.00"),
		AccountID: a.ID, ContactID: pat.ID, Owner: "bob"}, deal.Cmd{Cmd: c})
	require.NoError(t, err)
	_, err = acme.Deals().Create(ctx, d, "", dev)
	require.NoError(t, err)
	src, isSource := acme.(funnel.Source)
	report := func() funnel.Report {
		rep, err := funnel.SummarizeSource(ctx, deal.DefaultPipeline(), src, funnel.Query{AsOf: base.AddDate(0, 0, 2), Quantiles: crmkit.QuantilesNone})
		require.NoError(t, err)
		return rep
	}
	var before funnel.Report
	if isSource {
		before = report()
	}
	text := dump(t, "acme")
	for _, v := range []string{pat.Name, pat.Email, pat.Phone, patNick, first.Email} {
		require.Contains(t, text, v, "the dump before the erasure")
	}

	_, err = erasure.Contact(ctx, globex, a.ID, pat.ID, crmkit.Cmd{By: actor, At: base.Add(time.Hour)})
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	_, err = erasure.Contact(ctx, acme, a.ID, crmkit.NewID(), crmkit.Cmd{By: actor, At: base.Add(time.Hour)})
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	assert.Equal(t, text, dump(t, "acme"), "a refused erasure wrote")

	erased, err := erasure.Contact(ctx, acme, a.ID, pat.ID, crmkit.Cmd{By: actor, At: base.Add(time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, a.Version+1, erased.Version)
	require.Len(t, erased.Contacts, 2)
	assert.True(t, erased.Contacts[0].Erased)
	assert.Equal(t, crmkit.Erased, erased.Contacts[0].Name)
	assert.Equal(t, field.Values{"tier": field.Option("gold")}, erased.Contacts[0].Custom, "the non-personal field stays")
	assert.Equal(t, sam, erased.Contacts[1])
	text = dump(t, "acme")
	for _, v := range []string{pat.Name, pat.Email, pat.Phone, patNick, first.Email} {
		assert.NotContains(t, strings.ToLower(text), strings.ToLower(v), "erased value %q still stored", v)
	}
	for _, v := range []string{sam.Name, sam.Email, "Engines Co", "Engines renewal"} {
		assert.Contains(t, text, v, "erasure removed data it must keep")
	}
	got, err := acme.Deals().Get(ctx, d.ID)
	require.NoError(t, err)
	assert.Equal(t, pat.ID, got.ContactID, "the deal still refers to the contact")
	if isSource {
		same(t, before, report())
	}
	evs := collect(t, acme.Events().ByAggregate(ctx, a.ID))
	require.Len(t, evs, int(erased.Version))
	assert.Equal(t, account.EventContactErased, evs[len(evs)-1].Type)
	_, err = erasure.Contact(ctx, acme, a.ID, pat.ID, crmkit.Cmd{By: actor, At: base.Add(2 * time.Hour)})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	assert.Equal(t, text, dump(t, "acme"), "a refused second erasure wrote")
}

// previousEmail is the e-mail address storePerson captures a person with
// before an edit sets theirs: not a substring of it, so scrubbing the
// current address cannot remove it by chance.
func previousEmail(email string) string {
	return strings.Replace(email, "@", ".previous@", 1)
}
