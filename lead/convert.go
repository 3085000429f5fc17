package lead

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
)

// Links names the existing account and contact a conversion links the
// lead to instead of drafting new ones: uuid.Nil for none. Package
// lead/dedupe finds them (dedupe.Matcher.Resolve); storage.Convert looks
// them up in a store.
type Links struct {
	// Account is the existing account of the lead's company.
	Account uuid.UUID `json:"account,omitzero"`
	// Contact is the existing contact the lead is, a contact of Account
	// (so Account must be set with it).
	Contact uuid.UUID `json:"contact,omitzero"`
}

// ConvertInput is the input of Ladder.Convert.
type ConvertInput struct {
	// Cmd says who converts the lead, when (not before the lead's last
	// change) and why; validated by crmkit.Cmd.Validate.
	crmkit.Cmd
	// Owner owns the new opportunity; "" means the lead's owner. One of the
	// two is required.
	Owner string
	// OpportunityName names the opportunity; "" means "<account name> -
	// <campaign or source>".
	OpportunityName string
	// Amount is the opportunity's expected amount: zero Money when not yet
	// known, never negative.
	Amount crmkit.Money
	// ExpectedClose is the expected close date; zero means the lead's BuyBy
	// if stated. It must not be before At.
	ExpectedClose time.Time
	// Links are the existing account and contact to link to, already
	// resolved (the zero Links drafts both).
	Links Links
}

// AccountDraft is the account a conversion creates (or links to, when
// Existing: then only ID and Name are set). storage.Convert turns it into
// an account.Account under the same ID, its domain normalised by
// lead/dedupe.
type AccountDraft struct {
	ID       uuid.UUID
	Existing bool
	Name     string
	Website  string
	Industry string
	Country  string
	Size     int
	// Attributes are the lead's custom attributes (a copy).
	Attributes map[string]string
}

// ContactDraft is the contact a conversion creates (or links to, when
// Existing), with the lead's name, e-mail, phone and title either way.
type ContactDraft struct {
	ID        uuid.UUID
	Existing  bool
	AccountID uuid.UUID
	Name      string
	Email     string
	Phone     string
	Title     string
}

// OpportunityDraft is the opportunity a conversion creates. storage.Convert
// turns it into a deal.Deal under the same ID, in its pipeline's first
// stage.
type OpportunityDraft struct {
	ID            uuid.UUID
	AccountID     uuid.UUID
	ContactID     uuid.UUID
	LeadID        uuid.UUID
	Name          string
	Amount        crmkit.Money
	ExpectedClose time.Time
	Source        Channel
	EventKind     EventKind
	Campaign      string
	Owner         string
	CreatedAt     time.Time
	// Journey is a copy of the lead's touchpoints, for multi-touch
	// attribution of the deal.
	Journey []Touchpoint
}

// Conversion is the result of converting a lead: the converted lead, its
// EventLeadConverted event, and the account, contact and opportunity to store
// with it in one transaction. Conversion produces values only; persisting
// them together is the storage layer's job.
type Conversion struct {
	Lead        Lead
	Event       crmkit.Event
	Account     AccountDraft
	Contact     ContactDraft
	Opportunity OpportunityDraft
}

// ConvertedPayload is the payload of a EventLeadConverted event.
type ConvertedPayload struct {
	AccountID       uuid.UUID `json:"account_id"`
	ContactID       uuid.UUID `json:"contact_id"`
	OpportunityID   uuid.UUID `json:"opportunity_id"`
	ExistingAccount bool      `json:"existing_account,omitempty"`
	ExistingContact bool      `json:"existing_contact,omitempty"`
}

// Convert converts an SQL lead into an account, a contact and an
// opportunity, through the ladder's convert action (guards included). The
// account and contact are in.Links when set (found beforehand, for
// example by dedupe.Matcher.Resolve against stored records) and drafted
// with new IDs from in.Cmd otherwise. Convert produces values only:
// storage.Convert stores the lead, the account, the contact and the deal
// in one transaction.
//
// Errors, each changing nothing: a lead that is not SQL, including one
// converted already, is crmkit.ErrIllegalTransition; a negative amount, an
// expected close before the conversion, no owner, a Links.Contact without
// its Links.Account, a command crmkit.Cmd.Validate refuses or a time
// before the lead's last change are crmkit.ErrInvalid; a failed guard or a
// done ctx as in Fire; a nil ctx or a nil or zero Ladder is
// crmkit.ErrInvalid.
func (lad *Ladder) Convert(ctx context.Context, l Lead, in ConvertInput) (Conversion, error) {
	if err := lad.ready(); err != nil {
		return Conversion{}, err
	}
	if ctx == nil {
		return Conversion{}, crmkit.Invalid("ctx", "lead %s: convert with a nil context", l.ID)
	}
	if err := ctx.Err(); err != nil {
		return Conversion{}, fmt.Errorf("lead %s: convert: %w", l.ID, err)
	}
	if err := l.validateForCommand(); err != nil {
		return Conversion{}, err
	}
	if _, ok := lad.table.Next(l.Stage, ActionConvert); !ok {
		if l.Stage == StageConverted {
			return Conversion{}, fmt.Errorf("lead %s: already converted at %s: %w", l.ID, l.StageAt.Format(time.RFC3339), crmkit.ErrIllegalTransition)
		}
		return Conversion{}, illegal(&l, ActionConvert)
	}
	at := in.At
	if in.Amount.Sign() < 0 {
		return Conversion{}, crmkit.Invalid("amount", "lead %s: negative amount %s", l.ID, in.Amount)
	}
	owner := in.Owner
	if owner == "" {
		owner = l.Owner
	}
	if strings.TrimSpace(owner) == "" {
		return Conversion{}, crmkit.Invalid("owner", "lead %s: the opportunity needs an owner", l.ID)
	}
	closeAt := in.ExpectedClose
	if closeAt.IsZero() {
		closeAt = l.BuyBy
	}
	if !closeAt.IsZero() && closeAt.Before(at) && !in.ExpectedClose.IsZero() {
		return Conversion{}, crmkit.Invalid("expected close", "lead %s: %s is before the conversion %s", l.ID, closeAt.Format(time.RFC3339), at.Format(time.RFC3339))
	}
	if !closeAt.IsZero() && closeAt.Before(at) {
		closeAt = time.Time{} // a lapsed stated time frame says nothing about the close
	}

	if in.Links.Contact != uuid.Nil && in.Links.Account == uuid.Nil {
		return Conversion{}, crmkit.Invalid("links", "lead %s: contact %s linked without its account", l.ID, in.Links.Contact)
	}
	acc, con := in.draft(l)
	opp := OpportunityDraft{
		ID: in.NewID(), AccountID: acc.ID, ContactID: con.ID, LeadID: l.ID,
		Name: in.OpportunityName, Amount: in.Amount, ExpectedClose: closeAt,
		Source: l.Source, EventKind: l.EventKind, Campaign: l.Campaign, Owner: owner,
		CreatedAt: at, Journey: cloneJourney(l.Journey),
	}
	if strings.TrimSpace(opp.Name) == "" {
		what := l.Campaign
		if what == "" {
			what = string(l.Source)
		}
		opp.Name = accountName(l.Who) + " - " + what
	}
	ref := ConversionRef{AccountID: acc.ID, ContactID: con.ID, OpportunityID: opp.ID, ExistingAccount: acc.Existing, ExistingContact: con.Existing}
	payload, err := json.Marshal(ConvertedPayload(ref))
	if err != nil {
		return Conversion{}, fmt.Errorf("lead %s: encode conversion: %w", l.ID, crmkit.ErrInvalid)
	}
	next := l
	var ev crmkit.Event
	if err := lad.fire(ctx, &next, &Command{Cmd: in.Cmd, Action: ActionConvert}, payload, &ev); err != nil {
		return Conversion{}, err
	}
	next.Conversion = ref
	return Conversion{Lead: next, Event: ev, Account: acc, Contact: con, Opportunity: opp}, nil
}

func cloneJourney(j []Touchpoint) []Touchpoint {
	if len(j) == 0 {
		return nil
	}
	return append([]Touchpoint(nil), j...)
}

// accountName names the account of a lead's company: the company, else
// the person, the website, the e-mail address or the phone.
func accountName(p Person) string {
	for _, s := range [...]string{p.Company, p.Name, p.Website, p.Email, p.Phone} {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// draft returns the account and contact of l: in.Links where set, new
// drafts otherwise.
func (in ConvertInput) draft(l Lead) (AccountDraft, ContactDraft) {
	acc := AccountDraft{ID: in.Links.Account, Existing: true, Name: accountName(l.Who)}
	if acc.ID == uuid.Nil {
		acc = AccountDraft{
			ID: in.NewID(), Name: acc.Name, Website: strings.TrimSpace(l.Who.Website),
			Industry: l.Who.Industry, Country: l.Who.Country, Size: l.Who.CompanySize,
			Attributes: l.Who.Clone().Attributes,
		}
	}
	con := ContactDraft{ID: in.Links.Contact, Existing: true, AccountID: acc.ID}
	if con.ID == uuid.Nil {
		con = ContactDraft{ID: in.NewID(), AccountID: acc.ID}
	}
	con.Name, con.Email, con.Phone, con.Title = l.Who.Name, l.Who.Email, l.Who.Phone, l.Who.Title
	return acc, con
}
