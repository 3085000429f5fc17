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

// ExistingAccount is an account the host application already has, as far
// as conversion needs to know it: its ID and company domain.
type ExistingAccount struct {
	ID     uuid.UUID
	Name   string
	Domain string // a domain or website; normalised with NormalizeDomain
}

// ExistingContact is a contact the host application already has: its ID,
// its account (uuid.Nil for none) and the e-mail and phone to match on.
type ExistingContact struct {
	ID        uuid.UUID
	AccountID uuid.UUID
	Email     string
	Phone     string
}

// DuplicatePolicy says what Convert does when the lead matches an existing
// account or contact.
type DuplicatePolicy uint8

// The duplicate policies. The zero value links.
const (
	// LinkExisting uses the existing account or contact instead of
	// creating a new one (the draft's Existing flag is set).
	LinkExisting DuplicatePolicy = iota
	// RejectDuplicates makes Convert fail with crmkit.ErrConflict naming
	// the existing record.
	RejectDuplicates
)

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
	// Accounts and Contacts are the existing records dedupe checks against.
	Accounts []ExistingAccount
	Contacts []ExistingContact
	// OnDuplicate says what to do with a match.
	OnDuplicate DuplicatePolicy
	// Matcher normalises the keys (zero value: default free-mail domains).
	Matcher Matcher
}

// AccountDraft is the account a conversion creates (or links to, when
// Existing). The account package turns it into its own type.
type AccountDraft struct {
	ID       uuid.UUID
	Existing bool
	Name     string
	Domain   string
	Website  string
	Industry string
	Country  string
	Size     int
	// Attributes are the lead's custom attributes (a copy).
	Attributes map[string]string
}

// ContactDraft is the contact a conversion creates (or links to, when
// Existing).
type ContactDraft struct {
	ID        uuid.UUID
	Existing  bool
	AccountID uuid.UUID
	Name      string
	Email     string
	Phone     string
	Title     string
}

// OpportunityDraft is the opportunity a conversion creates. The deal
// package turns it into a deal in its pipeline's first stage.
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
// account and contact are matched first against in.Accounts and
// in.Contacts by the Matcher's keys: a contact by e-mail address or phone,
// an account by company domain (or through the matched contact's account).
// A match is linked or rejected as in.OnDuplicate says; anything unmatched
// gets a new ID.
//
// Errors, each changing nothing: a lead that is not SQL, including one
// converted already, is crmkit.ErrIllegalTransition; a negative amount, an
// expected close before the conversion, no owner, a command
// crmkit.Cmd.Validate refuses or a time before the lead's last change are
// crmkit.ErrInvalid; a duplicate under
// RejectDuplicates is crmkit.ErrConflict; a failed guard or a done ctx as
// in Fire; a nil ctx or a nil or zero Ladder is crmkit.ErrInvalid.
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

	acc, con, err := in.match(l)
	if err != nil {
		return Conversion{}, err
	}
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
		opp.Name = acc.Name + " - " + what
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

// match finds or drafts the account and contact of l.
func (in ConvertInput) match(l Lead) (AccountDraft, ContactDraft, error) {
	keys := in.Matcher.Keys(l.Who)
	domain := in.Matcher.companyDomain(l.Who)

	var con ContactDraft
	found := false
	for i, c := range in.Contacts {
		if c.ID == uuid.Nil {
			return AccountDraft{}, ContactDraft{}, crmkit.Invalid(fmt.Sprintf("contacts[%d]", i), "nil contact id")
		}
		if found {
			continue
		}
		for _, k := range keys {
			if k.Kind == KeyDomain {
				continue
			}
			if matchContact(c, k) {
				con = ContactDraft{ID: c.ID, Existing: true, AccountID: c.AccountID}
				found = true
				break
			}
		}
	}
	if found && in.OnDuplicate == RejectDuplicates {
		return AccountDraft{}, ContactDraft{}, fmt.Errorf("lead %s matches existing contact %s: %w", l.ID, con.ID, crmkit.ErrConflict)
	}

	var acc AccountDraft
	accFound := false
	for i, a := range in.Accounts {
		if a.ID == uuid.Nil {
			return AccountDraft{}, ContactDraft{}, crmkit.Invalid(fmt.Sprintf("accounts[%d]", i), "nil account id")
		}
		if accFound {
			continue
		}
		d, ok := NormalizeDomain(a.Domain)
		if (ok && domain != "" && d == domain) || (found && con.AccountID != uuid.Nil && a.ID == con.AccountID) {
			acc = AccountDraft{ID: a.ID, Existing: true, Name: a.Name, Domain: d}
			accFound = true
		}
	}
	if !accFound && found && con.AccountID != uuid.Nil {
		acc = AccountDraft{ID: con.AccountID, Existing: true}
		accFound = true
	}
	if accFound && in.OnDuplicate == RejectDuplicates {
		return AccountDraft{}, ContactDraft{}, fmt.Errorf("lead %s matches existing account %s: %w", l.ID, acc.ID, crmkit.ErrConflict)
	}
	if !accFound {
		name := strings.TrimSpace(l.Who.Company)
		if name == "" {
			name = strings.TrimSpace(l.Who.Name)
		}
		if name == "" {
			name = domain
		}
		if name == "" {
			name = strings.TrimSpace(l.Who.Email)
		}
		if name == "" {
			name = strings.TrimSpace(l.Who.Phone)
		}
		acc = AccountDraft{
			ID: in.NewID(), Name: name, Domain: domain, Website: l.Who.Website,
			Industry: l.Who.Industry, Country: l.Who.Country, Size: l.Who.CompanySize,
			Attributes: l.Who.Clone().Attributes,
		}
	}
	if !found {
		con = ContactDraft{ID: in.NewID(), AccountID: acc.ID}
	} else if con.AccountID == uuid.Nil {
		con.AccountID = acc.ID
	}
	con.Name, con.Email, con.Phone, con.Title = l.Who.Name, l.Who.Email, l.Who.Phone, l.Who.Title
	return acc, con, nil
}

func matchContact(c ExistingContact, k Key) bool {
	switch k.Kind {
	case KeyEmail:
		e, ok := NormalizeEmail(c.Email)
		return ok && e == k.Value
	case KeyPhone:
		p, ok := NormalizePhone(c.Phone)
		return ok && p == k.Value
	}
	return false
}
