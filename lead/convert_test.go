package lead_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sqlLead captures a lead and moves it to SQL.
func sqlLead(t *testing.T, clock *crmkit.FakeClock, lad *lead.Ladder, who lead.Person) lead.Lead {
	t.Helper()
	l, _, err := lead.New(lead.Capture{
		Who:       who,
		Source:    lead.ChannelEvent,
		EventKind: lead.EventWebinar,
		Campaign:  "spring-webinar",
		Owner:     "rep-1",
		BuyBy:     clock.Now().AddDate(0, 0, 30),
		Journey:   []lead.Touchpoint{{Channel: lead.ChannelEvent, Campaign: "spring-webinar", Kind: lead.TouchAttend, At: clock.Now()}},
	}, crmkit.Cmd{By: "rep", At: clock.Now()})
	require.NoError(t, err)
	clock.Advance(time.Hour)
	l, _, err = lad.Fire(context.Background(), l, lead.Command{Cmd: crmkit.Cmd{By: "rep-1", Reason: "wants a quote", At: clock.Now()}, Action: lead.ActionAccept})
	require.NoError(t, err)
	clock.Advance(time.Hour)
	return l
}

func TestConvertCreatesAccountContactOpportunity(t *testing.T) {
	clock := crmkit.NewFakeClock(t0)
	lad := newLadder(t, clock)
	who := lead.Person{Name: "Ada Lovelace", Email: "ada@acme.com", Phone: "+36 1 234 5678", Company: "Acme Ltd",
		Title: "CTO", Industry: "software", Country: "HU", CompanySize: 120, Attributes: map[string]string{"segment": "mid"}}
	l := sqlLead(t, clock, lad, who)
	amount := crmkit.MustMoney("12000.00", "EUR")
	c, err := lad.Convert(context.Background(), l, lead.ConvertInput{Cmd: crmkit.Cmd{By: "rep-1", At: clock.Now()}, Amount: amount})
	require.NoError(t, err)

	assert.Equal(t, lead.StageConverted, c.Lead.Stage)
	assert.Equal(t, lead.StageSQL, l.Stage, "input unchanged")
	assert.Equal(t, l.Version+1, c.Lead.Version)
	assert.Equal(t, lead.EventLeadConverted, c.Event.Type)
	assert.Equal(t, "sql", c.Event.From)
	assert.Equal(t, "converted", c.Event.To)
	assert.Equal(t, clock.Now(), c.Event.At)

	assert.False(t, c.Account.Existing)
	assert.NotEqual(t, uuid.Nil, c.Account.ID)
	assert.Equal(t, "Acme Ltd", c.Account.Name)
	assert.Equal(t, "software", c.Account.Industry)
	assert.Equal(t, "HU", c.Account.Country)
	assert.Equal(t, 120, c.Account.Size)
	assert.Equal(t, map[string]string{"segment": "mid"}, c.Account.Attributes)

	assert.False(t, c.Contact.Existing)
	assert.Equal(t, c.Account.ID, c.Contact.AccountID)
	assert.Equal(t, "Ada Lovelace", c.Contact.Name)
	assert.Equal(t, "ada@acme.com", c.Contact.Email)
	assert.Equal(t, "CTO", c.Contact.Title)

	o := c.Opportunity
	assert.Equal(t, c.Account.ID, o.AccountID)
	assert.Equal(t, c.Contact.ID, o.ContactID)
	assert.Equal(t, l.ID, o.LeadID)
	assert.Equal(t, "Acme Ltd - spring-webinar", o.Name)
	assert.True(t, amount.Equal(o.Amount))
	assert.Equal(t, l.BuyBy, o.ExpectedClose, "the stated time frame is the expected close")
	assert.Equal(t, lead.ChannelEvent, o.Source)
	assert.Equal(t, lead.EventWebinar, o.EventKind)
	assert.Equal(t, "rep-1", o.Owner, "the lead's owner by default")
	assert.Equal(t, l.Journey, o.Journey)

	ids := []uuid.UUID{c.Account.ID, c.Contact.ID, o.ID, l.ID}
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			assert.NotEqual(t, ids[i], ids[j])
		}
	}
	assert.Equal(t, lead.ConversionRef{AccountID: c.Account.ID, ContactID: c.Contact.ID, OpportunityID: o.ID}, c.Lead.Conversion)
	var p lead.ConvertedPayload
	require.NoError(t, c.Event.DecodePayload(&p))
	assert.Equal(t, o.ID, p.OpportunityID)
	assert.Equal(t, c.Account.ID, p.AccountID)

	// Converting twice is an error and changes nothing.
	_, err = lad.Convert(context.Background(), c.Lead, lead.ConvertInput{Cmd: crmkit.Cmd{By: "rep-1", At: clock.Now()}})
	require.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	assert.Contains(t, err.Error(), "already converted")
}

func TestConvertRejections(t *testing.T) {
	clock := crmkit.NewFakeClock(t0)
	lad := newLadder(t, clock)
	l := sqlLead(t, clock, lad, lead.Person{Name: "Ada", Email: "ada@acme.com"})
	mql, _, err := lead.New(lead.Capture{Who: lead.Person{Name: "Bob"}, Source: lead.ChannelEmail, Owner: "rep"}, crmkit.Cmd{By: "rep", At: clock.Now()})
	require.NoError(t, err)
	unowned := l
	unowned.Owner = ""
	cases := []struct {
		name string
		l    lead.Lead
		in   lead.ConvertInput
		want error
	}{
		{"not sql", mql, lead.ConvertInput{}, crmkit.ErrIllegalTransition},
		{"negative amount", l, lead.ConvertInput{Amount: crmkit.MustMoney("-1.00", "EUR")}, crmkit.ErrInvalid},
		{"no owner", unowned, lead.ConvertInput{}, crmkit.ErrInvalid},
		{"close before conversion", l, lead.ConvertInput{ExpectedClose: t0}, crmkit.ErrInvalid},
		{"future", l, lead.ConvertInput{Cmd: crmkit.Cmd{At: clock.Now().Add(time.Hour)}}, crmkit.ErrInvalid},
		{"contact without its account", l, lead.ConvertInput{Links: lead.Links{Contact: crmkit.NewID()}}, crmkit.ErrInvalid},
		{"zero lead", lead.Lead{}, lead.ConvertInput{}, crmkit.ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := c.l.Clone()
			got, err := lad.Convert(context.Background(), c.l, c.in)
			require.ErrorIs(t, err, c.want)
			assert.Equal(t, lead.Conversion{}, got)
			assert.Equal(t, before, c.l)
		})
	}
}

func TestConvertLinksExistingContactAndAccount(t *testing.T) {
	clock := crmkit.NewFakeClock(t0)
	lad := newLadder(t, clock)
	accID, conID := crmkit.NewID(), crmkit.NewID()

	// Both linked: no new account or contact, the lead's details on the
	// contact draft, the opportunity and the lead point at the links.
	l := sqlLead(t, clock, lad, lead.Person{Name: "Ada", Email: "ada@acme.com", Company: "Acme"})
	c, err := lad.Convert(context.Background(), l, lead.ConvertInput{Cmd: crmkit.Cmd{By: "rep-1", At: clock.Now()}, Links: lead.Links{Account: accID, Contact: conID}})
	require.NoError(t, err)
	assert.True(t, c.Contact.Existing)
	assert.Equal(t, conID, c.Contact.ID)
	assert.Equal(t, accID, c.Contact.AccountID)
	assert.Equal(t, "ada@acme.com", c.Contact.Email)
	assert.True(t, c.Account.Existing)
	assert.Equal(t, accID, c.Account.ID)
	assert.Equal(t, accID, c.Opportunity.AccountID)
	assert.Equal(t, conID, c.Opportunity.ContactID)
	assert.Equal(t, lead.ConversionRef{AccountID: accID, ContactID: conID, OpportunityID: c.Opportunity.ID, ExistingAccount: true, ExistingContact: true}, c.Lead.Conversion)

	// An existing account only: a new contact at it.
	l2 := sqlLead(t, clock, lad, lead.Person{Name: "Bob", Email: "bob@acme.com"})
	c2, err := lad.Convert(context.Background(), l2, lead.ConvertInput{Cmd: crmkit.Cmd{By: "rep-1", At: clock.Now()}, Links: lead.Links{Account: accID}})
	require.NoError(t, err)
	assert.False(t, c2.Contact.Existing)
	assert.NotEqual(t, uuid.Nil, c2.Contact.ID)
	assert.Equal(t, accID, c2.Contact.AccountID)
	assert.True(t, c2.Account.Existing)

	// No company: the account is named after the person.
	l3 := sqlLead(t, clock, lad, lead.Person{Name: "Eve", Email: "eve@gmail.com"})
	c3, err := lad.Convert(context.Background(), l3, lead.ConvertInput{Cmd: crmkit.Cmd{By: "rep-1", At: clock.Now()}})
	require.NoError(t, err)
	assert.False(t, c3.Account.Existing)
	assert.Equal(t, "Eve", c3.Account.Name, "a person account")
}

func TestConvertRunsGuards(t *testing.T) {
	clock := crmkit.NewFakeClock(t0)
	errNoQuote := errors.New("no quote approved")
	lad := newLadder(t, clock, lead.Guard{Action: lead.ActionConvert, Name: "quote approved", Check: func(context.Context, lead.Lead, lead.Command) error {
		return errNoQuote
	}})
	l := sqlLead(t, clock, lad, lead.Person{Name: "Ada"})
	_, err := lad.Convert(context.Background(), l, lead.ConvertInput{Cmd: crmkit.Cmd{By: "rep-1", At: clock.Now()}})
	require.ErrorIs(t, err, errNoQuote)
	require.ErrorIs(t, err, crmkit.ErrForbidden)
}
