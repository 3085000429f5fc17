package storage

import (
	"fmt"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/lead/dedupe"
	"github.com/google/uuid"
)

// AccountRepository stores account.Account aggregates, contacts included
// (Tx.Accounts).
//
// Contacts have no repository of their own: they are part of the
// account.Account value (its Contacts, with its Departments), so they are
// stored, versioned and changed with their account (account.AddContact
// returns the account's next version and the event to Save with).
// account.New returns an account at Version 1 with its creation event,
// ready for Create.
type AccountRepository = Repository[account.Account, AccountFilter]

// AccountFilter selects accounts for List. A zero field matches every
// account; the zero AccountFilter matches all.
type AccountFilter struct {
	// Owner, if not empty, selects accounts owned by that key-account
	// manager.
	Owner string
	// Segment, if not empty, selects accounts of that segment.
	Segment string
	// Parent, if not uuid.Nil, selects the direct children of that
	// account in its group of companies.
	Parent uuid.UUID
	// Relations, if not zero, selects accounts that have every one of
	// these relations (account.Relation.Has); it must hold only known
	// relation bits.
	Relations account.Relation
	// Domain, ContactEmail and ContactPhone are the keys a lead's
	// conversion dedupes by. The ones not empty together select the
	// accounts that have any of them (a duplicate shares one key, not
	// necessarily all), narrowed by the other fields as usual:
	//
	//   - Domain: the account's Domain is that company domain;
	//   - ContactEmail: a contact's e-mail address is that address;
	//   - ContactPhone: a contact's phone number has that number's key.
	//
	// Both sides are compared as lead/dedupe normalises them
	// (dedupe.NormalizeDomain, NormalizeEmail, NormalizePhone: case, a
	// "+tag", "www." and national or international phone forms aside);
	// a value that holds no domain, address or phone number (fewer than 7
	// digits) is an error matching crmkit.ErrInvalid.
	Domain       string
	ContactEmail string
	ContactPhone string
	// IncludeArchived lists archived accounts (account.Account.Archive)
	// too; by default List leaves them out, the dedupe keys' lookups
	// included.
	IncludeArchived bool
	// Custom, if not empty, selects accounts whose custom values match
	// it (field.Values.Match).
	Custom field.Values
}

// AccountKeys are the normalised keys of an account that AccountFilter's
// Domain, ContactEmail and ContactPhone select by: its domain and its
// contacts' e-mail and phone keys, each as lead/dedupe normalises it,
// without repeats, in contact order. A backend that stores them beside
// the account (storage/postgres, in indexed columns) uses this function,
// so that every store selects alike. A nil a has no keys.
func AccountKeys(a *account.Account) (domain string, emails, phones []string) {
	if a == nil {
		return "", nil, nil
	}
	domain, _ = dedupe.NormalizeDomain(a.Domain)
	for _, c := range a.Contacts {
		if e, ok := dedupe.NormalizeEmail(c.Email); ok && !slices.Contains(emails, e) {
			emails = append(emails, e)
		}
		if p, ok := dedupe.NormalizePhone(c.Phone); ok && !slices.Contains(phones, p) {
			phones = append(phones, p)
		}
	}
	return domain, emails, phones
}

// Keys returns the filter's Domain, ContactEmail and ContactPhone
// normalised as AccountKeys normalises an account's ("" for an empty
// field), and an error matching crmkit.ErrInvalid naming a field that
// holds no domain, address or phone number.
func (f AccountFilter) Keys() (domain, email, phone string, err error) {
	if f.Domain != "" {
		var ok bool
		if domain, ok = dedupe.NormalizeDomain(f.Domain); !ok {
			return "", "", "", crmkit.Invalid("domain filter", "%q holds no domain", f.Domain)
		}
	}
	if f.ContactEmail != "" {
		var ok bool
		if email, ok = dedupe.NormalizeEmail(f.ContactEmail); !ok {
			return "", "", "", crmkit.Invalid("contact email filter", "%q is not an e-mail address", f.ContactEmail)
		}
	}
	if f.ContactPhone != "" {
		var ok bool
		if phone, ok = dedupe.NormalizePhone(f.ContactPhone); !ok {
			return "", "", "", crmkit.Invalid("contact phone filter", "%q has fewer than 7 digits", f.ContactPhone)
		}
	}
	return domain, email, phone, nil
}

// allRelations is every known account.Relation bit.
const allRelations = account.Prospect | account.Customer | account.Partner | account.Competitor

// ValidateAccount checks an account before it is stored: the value
// within the stored domain (see ValidateValue), the account's own
// invariants (account.Account.Validate), and an owner, segment and
// category, domain and contacts' e-mail addresses and phones of at most
// MaxKeyLen bytes (they are keys filters select by). It holds no domain
// rule of its own.
func ValidateAccount(a account.Account) error {
	if err := ValidateValue("account", a); err != nil {
		return fmt.Errorf("account %s: %w", a.ID, err)
	}
	if err := a.Validate(); err != nil {
		return err
	}
	for i, c := range a.Contacts {
		for _, f := range [...]struct{ name, s string }{{"email", c.Email}, {"phone", c.Phone}} {
			if err := checkString(fmt.Sprintf("contacts[%d].%s", i, f.name), f.s, MaxKeyLen); err != nil {
				return fmt.Errorf("account %s: %w", a.ID, err)
			}
		}
	}
	for _, f := range [...]struct{ name, s string }{{"owner", a.Owner}, {"segment", a.Segment}, {"category", a.Category}, {"domain", a.Domain}} {
		if err := checkString(f.name, f.s, MaxKeyLen); err != nil {
			return fmt.Errorf("account %s: %w", a.ID, err)
		}
	}
	return nil
}

// Validate checks the filter: an owner, a segment, a domain, a contact
// e-mail and a contact phone of at most MaxKeyLen bytes of valid UTF-8
// without NUL bytes, the last three holding what they name (see Keys),
// and only known relation bits.
func (f AccountFilter) Validate() error {
	for _, c := range [...]struct{ name, s string }{
		{"owner filter", f.Owner}, {"segment filter", f.Segment}, {"domain filter", f.Domain},
		{"contact email filter", f.ContactEmail}, {"contact phone filter", f.ContactPhone},
	} {
		if err := checkString(c.name, c.s, MaxKeyLen); err != nil {
			return err
		}
	}
	if _, _, _, err := f.Keys(); err != nil {
		return err
	}
	if f.Relations&^allRelations != 0 {
		return crmkit.Invalid("relations filter", "%s has unknown relation bits", f.Relations)
	}
	return validateCustomFilter(f.Custom)
}

// Match reports whether a passes the filter. A nil filter passes every
// account, as the zero filter does; a nil a passes none.
func (f *AccountFilter) Match(a *account.Account) bool {
	if f == nil || a == nil {
		return a != nil
	}
	if !((f.IncludeArchived || a.ArchivedAt.IsZero()) &&
		(f.Owner == "" || a.Owner == f.Owner) &&
		(f.Segment == "" || a.Segment == f.Segment) &&
		(f.Parent == uuid.Nil || a.Parent == f.Parent) &&
		(f.Relations == 0 || a.Relations.Has(f.Relations)) && a.Custom.Match(f.Custom)) {
		return false
	}
	if f.Domain == "" && f.ContactEmail == "" && f.ContactPhone == "" {
		return true
	}
	domain, email, phone, err := f.Keys()
	if err != nil {
		return false
	}
	ad, emails, phones := AccountKeys(a)
	return domain != "" && ad == domain ||
		email != "" && slices.Contains(emails, email) ||
		phone != "" && slices.Contains(phones, phone)
}

// ContractRepository stores account.Contract aggregates with all versions
// of their terms (Tx.Contracts). account.NewContract returns a draft at
// Version 1 with its event, ready for Create; its commands (Approve,
// Sign, Amend, Renew, ...) bump the version and return the event to Save
// with.
type ContractRepository = Repository[account.Contract, ContractFilter]

// maxContractStatuses is the number of contract statuses (Draft ..
// Terminated).
const maxContractStatuses = int(account.Terminated)

// ContractFilter selects contracts for List. A zero field matches every
// contract; the zero ContractFilter matches all.
type ContractFilter struct {
	// Account, if not uuid.Nil, selects the contracts of that account.
	Account uuid.UUID
	// Deal, if not uuid.Nil, selects the contracts won through that deal.
	Deal uuid.UUID
	// Statuses, if not empty, selects contracts whose status is one of
	// them.
	Statuses []account.ContractStatus
	// RenewalFrom and RenewalTo, each if not zero, select contracts whose
	// current terms' renewal date is in [RenewalFrom, RenewalTo). Both
	// set with RenewalTo before RenewalFrom is an error. With either set,
	// List returns the contracts ordered by renewal date, then ID (see
	// Repository.List).
	RenewalFrom, RenewalTo time.Time
}

// validContractStatus reports whether s is a contract status, for
// ContractFilter only (a stored contract's status is account.Contract.Validate's
// business); it goes when package account exports ContractStatus.Valid.
func validContractStatus(s account.ContractStatus) bool {
	return s >= account.Draft && s <= account.Terminated
}

// ValidateContract checks a contract before it is stored: the value
// within the stored domain (see ValidateValue) and the contract's own
// invariants (account.Contract.Validate). It holds no domain rule of its
// own.
func ValidateContract(c account.Contract) error {
	if err := ValidateValue("contract", c); err != nil {
		return fmt.Errorf("contract %s: %w", c.ID, err)
	}
	return c.Validate()
}

// Validate checks the filter: at most as many statuses as there are, each
// known, and a renewal range that does not end before it starts.
func (f ContractFilter) Validate() error {
	if len(f.Statuses) > maxContractStatuses {
		return crmkit.Invalid("statuses filter", "%d statuses, more than %d", len(f.Statuses), maxContractStatuses)
	}
	for i, s := range f.Statuses {
		if !validContractStatus(s) {
			return crmkit.Invalid(fmt.Sprintf("statuses filter[%d]", i), "%s is not a status", s)
		}
	}
	if !f.RenewalFrom.IsZero() && !f.RenewalTo.IsZero() && f.RenewalTo.Before(f.RenewalFrom) {
		return crmkit.Invalid("renewal filter", "to %s is before from %s", f.RenewalTo, f.RenewalFrom)
	}
	return nil
}

// Match reports whether c passes the filter. A nil filter passes every
// contract, as the zero filter does; a nil c passes none.
func (f *ContractFilter) Match(c *account.Contract) bool {
	if f == nil || c == nil {
		return c != nil
	}
	if f.Account != uuid.Nil && c.AccountID != f.Account || f.Deal != uuid.Nil && c.DealID != f.Deal {
		return false
	}
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, c.Status) {
		return false
	}
	renew := c.Current().RenewalDate
	return (f.RenewalFrom.IsZero() || !renew.Before(f.RenewalFrom)) &&
		(f.RenewalTo.IsZero() || renew.Before(f.RenewalTo))
}
