package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/dedupe"
	"github.com/google/uuid"
)

// maxConvertMatches is how many stored accounts sharing a key with the
// lead (domain, e-mail, phone) Convert reads to dedupe against, the first
// by ID: a key shared by more accounts than this is already ambiguous.
const maxConvertMatches = 48

// ConvertInput is the input of Convert: what lead.Ladder.Convert takes
// (who converts and when, the opportunity's owner, name, amount and
// expected close; Links, if set, name the existing account and contact
// to link instead of looking them up), and what the stored records need
// beyond the lead's drafts.
type ConvertInput struct {
	lead.ConvertInput
	// Type is the deal's type; zero means deal.NewBusiness.
	Type deal.DealType
	// Relations are a new account's relations; zero means
	// account.Prospect.
	Relations account.Relation
	// Role is a new contact's role; zero means account.Influencer (the
	// person who came in as a lead shapes the decision; say otherwise
	// when known).
	Role account.ContactRole
	// OnDuplicate says what an account or contact found in the store by
	// the lead's keys means: linked (the zero dedupe.LinkExisting) or an
	// error (dedupe.RejectDuplicates).
	OnDuplicate dedupe.DuplicatePolicy
	// Matcher normalises the lead's keys; the zero Matcher uses
	// dedupe.DefaultFreeMailDomains.
	Matcher dedupe.Matcher
}

// Conversion is what Convert stored: the converted lead, the account
// (new, or the existing one with the new contact added), the contact and
// the deal, each as stored, and every event written, in order.
type Conversion struct {
	Lead    lead.Lead
	Account account.Account
	Contact account.Contact
	Deal    deal.Deal
	Events  []crmkit.Event
}

// ConversionError is the error of a conversion Convert refuses: it names
// the lead and the part of the conversion that is wrong (Field: "lead"
// for a lead that is not SQL or is converted already, "account" or
// "contact" for a duplicate under dedupe.RejectDuplicates or a link that
// names no record of the tenant, or the field of the input or the record
// that a domain command refused), and wraps the cause, so that errors.Is
// matches its sentinel (crmkit.ErrIllegalTransition, ErrConflict,
// ErrNotFound, ErrInvalid, ...) and errors.As finds a *dedupe.DuplicateError.
type ConversionError struct {
	Lead  uuid.UUID
	Field string
	Err   error
}

// Error says which lead's conversion failed, at what, and why.
func (e *ConversionError) Error() string {
	if e == nil {
		return "conversion refused"
	}
	return fmt.Sprintf("convert lead %s: %s: %v", e.Lead, e.Field, e.Err)
}

// Unwrap returns the cause.
func (e *ConversionError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// Convert converts the stored SQL lead leadID and stores, through tx, the
// converted lead, its account, its contact and its deal in pipeline p,
// each with its events: a deal and a new account or contact under the IDs
// the lead's conversion points at. It dedupes against the stored accounts
// first: those with the lead's company domain and those with a contact
// of the lead's e-mail address or phone (AccountFilter's Domain,
// ContactEmail and ContactPhone, normalised by in.Matcher's rules), and
// links or refuses a match as in.OnDuplicate says (dedupe.Matcher.Resolve).
// in.Links, when set, are used instead and must name an account of the
// tenant and one of its contacts.
//
// Everything is read and computed before the first write. tx should be
// the tx of a Store.Update, so that the writes land together or not at
// all; given a Store itself, Convert runs its own Update. A concurrent
// conversion of the same lead is an error matching crmkit.ErrConflict
// from the lead's Save (re-run under Retry, it finds the lead converted).
//
// Errors, each a *ConversionError naming the lead and the field, and
// nothing written: a lead that is not SQL (crmkit.ErrIllegalTransition),
// an unknown lead or a link to an account or contact the tenant does not
// have, another tenant's included (crmkit.ErrNotFound), a duplicate under
// dedupe.RejectDuplicates (crmkit.ErrConflict, with a
// *dedupe.DuplicateError), a command or input the domain packages refuse
// (as they say; an opportunity needs an amount in a currency). A nil ctx,
// tx, lad or p is crmkit.ErrInvalid; a store's errors are returned as the store gives
// them.
func Convert(ctx context.Context, tx Tx, lad *lead.Ladder, p *deal.Pipeline, leadID uuid.UUID, in ConvertInput) (Conversion, error) {
	switch {
	case ctx == nil:
		return Conversion{}, crmkit.Invalid("ctx", "convert lead %s: nil context", leadID)
	case tx == nil:
		return Conversion{}, crmkit.Invalid("tx", "convert lead %s: nil tx", leadID)
	case lad == nil:
		return Conversion{}, crmkit.Invalid("ladder", "convert lead %s: nil ladder", leadID)
	case p == nil:
		return Conversion{}, crmkit.Invalid("pipeline", "convert lead %s: nil pipeline", leadID)
	}
	if s, ok := tx.(Store); ok {
		var out Conversion
		err := s.Update(ctx, func(tx Tx) error {
			c, err := convert(ctx, tx, lad, p, leadID, in)
			out = c
			return err
		})
		if err != nil {
			return Conversion{}, err
		}
		return out, nil
	}
	return convert(ctx, tx, lad, p, leadID, in)
}

func convert(ctx context.Context, tx Tx, lad *lead.Ladder, p *deal.Pipeline, leadID uuid.UUID, in ConvertInput) (Conversion, error) {
	refuse := func(field string, err error) (Conversion, error) {
		return Conversion{}, &ConversionError{Lead: leadID, Field: field, Err: err}
	}
	accounts := tx.Accounts()
	l, err := tx.Leads().Get(ctx, leadID)
	if err != nil {
		return refuse("lead", err)
	}
	if l.Stage != lead.StageSQL {
		return refuse("lead", fmt.Errorf("lead is %s, not sql: %w", l.Stage, crmkit.ErrIllegalTransition))
	}

	// The existing account, with its contacts, if the lead links to one.
	var existing account.Account
	if in.Links == (lead.Links{}) {
		links, err := resolve(ctx, accounts, l, in)
		if err != nil {
			return refuse(duplicateField(err), err)
		}
		in.Links = links
	}
	if in.Links.Account != uuid.Nil {
		if existing, err = accounts.Get(ctx, in.Links.Account); err != nil {
			return refuse("account", err)
		}
	}
	if in.Links.Contact != uuid.Nil && !hasContact(&existing, in.Links.Contact) {
		return refuse("contact", fmt.Errorf("account %s has no contact %s: %w", in.Links.Account, in.Links.Contact, crmkit.ErrNotFound))
	}

	conv, err := lad.Convert(ctx, l, in.ConvertInput)
	if err != nil {
		return refuse("lead", err)
	}
	out := Conversion{Lead: conv.Lead, Events: []crmkit.Event{conv.Event}}

	// The account and contact: built from the drafts under their IDs.
	acc, accEvents, err := accountFrom(conv, existing, l, in)
	if err != nil {
		return refuse("account", err)
	}
	out.Account, out.Events = acc, append(out.Events, accEvents...)
	for _, c := range acc.Contacts {
		if c.ID == conv.Contact.ID {
			out.Contact = c
		}
	}

	o := conv.Opportunity
	typ := in.Type
	if typ == 0 {
		typ = deal.NewBusiness
	}
	d, dev, err := deal.New(p, deal.NewDeal{
		ID: o.ID, Name: o.Name, Type: typ, Amount: o.Amount, CloseDate: o.ExpectedClose,
		AccountID: o.AccountID, ContactID: o.ContactID, SourceLeadID: o.LeadID, Owner: o.Owner,
	}, deal.Cmd{Cmd: in.Cmd})
	if err != nil {
		return refuse("deal", err)
	}
	out.Deal, out.Events = d, append(out.Events, dev)

	// The writes, the lead first: a concurrent conversion fails there.
	if err := tx.Leads().Save(ctx, conv.Lead, l.Version, conv.Event); err != nil {
		return Conversion{}, err
	}
	if conv.Account.Existing {
		if len(accEvents) > 0 {
			if err := accounts.Save(ctx, acc, existing.Version, accEvents...); err != nil {
				return Conversion{}, err
			}
		}
	} else if _, err := accounts.Create(ctx, acc, "", accEvents...); err != nil {
		return Conversion{}, err
	}
	if _, err := tx.Deals().Create(ctx, d, "", dev); err != nil {
		return Conversion{}, err
	}
	return out, nil
}

// duplicateField names the part of the conversion a resolve error is
// about: the kind of a duplicate, else "links".
func duplicateField(err error) string {
	var d *dedupe.DuplicateError
	if errors.As(err, &d) {
		return d.Kind
	}
	return "links"
}

// resolve looks up the stored accounts that share a key with l (its
// company domain, e-mail address or phone) and resolves l against them.
func resolve(ctx context.Context, accounts AccountRepository, l lead.Lead, in ConvertInput) (lead.Links, error) {
	// One lookup: AccountFilter selects the accounts with any of the keys.
	var f AccountFilter
	f.Domain = in.Matcher.CompanyDomain(l.Who)
	for _, k := range in.Matcher.Keys(l.Who) {
		switch {
		case k.Kind == dedupe.KeyEmail && f.ContactEmail == "":
			f.ContactEmail = k.Value
		case k.Kind == dedupe.KeyPhone && f.ContactPhone == "":
			f.ContactPhone = k.Value
		}
	}
	if f.Domain == "" && f.ContactEmail == "" && f.ContactPhone == "" {
		return lead.Links{}, nil
	}
	var found []dedupe.ExistingAccount
	var contacts []dedupe.ExistingContact
	page, _, err := accounts.List(ctx, f, Page{Size: maxConvertMatches})
	if err != nil {
		return lead.Links{}, err
	}
	for _, a := range page {
		found = append(found, dedupe.ExistingAccount{ID: a.ID, Domain: a.Domain})
		for _, c := range a.Contacts {
			contacts = append(contacts, dedupe.ExistingContact{ID: c.ID, AccountID: a.ID, Email: c.Email, Phone: c.Phone})
		}
	}
	return in.Matcher.Resolve(l, found, contacts, in.OnDuplicate)
}

func hasContact(a *account.Account, id uuid.UUID) bool {
	for _, c := range a.Contacts {
		if c.ID == id {
			return true
		}
	}
	return false
}

// accountFrom returns the account of conversion conv and the events of
// its changes: a new account from the account draft, under its ID, or
// existing; with the contact draft added as a new contact under its ID
// unless the contact exists.
func accountFrom(conv lead.Conversion, existing account.Account, l lead.Lead, in ConvertInput) (account.Account, []crmkit.Event, error) {
	var events []crmkit.Event
	acc := existing
	if !conv.Account.Existing {
		rel := in.Relations
		if rel == 0 {
			rel = account.Prospect
		}
		d := conv.Account
		a, ev, err := account.New(account.NewAccount{
			ID: d.ID, Name: d.Name, Owner: conv.Opportunity.Owner, Relations: rel,
			Domain: in.Matcher.CompanyDomain(l.Who), Website: d.Website,
			Industry: d.Industry, Country: d.Country, Size: d.Size,
		}, in.Cmd)
		if err != nil {
			return account.Account{}, nil, err
		}
		acc, events = a, append(events, ev)
	}
	if conv.Contact.Existing {
		return acc, events, nil
	}
	c := conv.Contact
	role := in.Role
	if role == 0 {
		role = account.Influencer
	}
	name := strings.TrimSpace(c.Name)
	for _, s := range [...]string{c.Email, c.Phone, conv.Account.Name} {
		if name == "" {
			name = strings.TrimSpace(s)
		}
	}
	a, ev, err := acc.AddContact(account.Contact{ID: c.ID, Name: name, Email: c.Email, Phone: c.Phone, Title: c.Title, Role: role}, in.Cmd)
	if err != nil {
		return account.Account{}, nil, err
	}
	return a, append(events, ev), nil
}
