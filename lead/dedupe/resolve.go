package dedupe

import (
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/google/uuid"
)

// ExistingAccount is a stored account as far as matching needs to know
// it: its ID and company domain.
type ExistingAccount struct {
	ID     uuid.UUID
	Domain string // a domain or website; normalised with NormalizeDomain
}

// ExistingContact is a stored contact as far as matching needs to know
// it: its ID, its account and the e-mail and phone to match on.
type ExistingContact struct {
	ID        uuid.UUID
	AccountID uuid.UUID
	Email     string
	Phone     string
}

// DuplicatePolicy says what Resolve does when a lead matches an existing
// account or contact.
type DuplicatePolicy uint8

// The duplicate policies. The zero value links.
const (
	// LinkExisting links the lead to the existing account or contact
	// instead of creating a new one.
	LinkExisting DuplicatePolicy = iota
	// RejectDuplicates makes Resolve fail with a *DuplicateError.
	RejectDuplicates
)

var duplicateNames = crmkit.NewEnum("DuplicatePolicy", LinkExisting, "link_existing", "reject_duplicates")

// String returns "link_existing" or "reject_duplicates".
func (p DuplicatePolicy) String() string { return duplicateNames.String(p) }

// Valid reports whether p is one of the two policies.
func (p DuplicatePolicy) Valid() bool { return duplicateNames.Valid(p) }

// MarshalText implements encoding.TextMarshaler: the name String gives;
// an undeclared value is an error matching crmkit.ErrInvalid.
func (p DuplicatePolicy) MarshalText() ([]byte, error) { return duplicateNames.MarshalText(p) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a name
// String gives. Anything else is an error matching crmkit.ErrInvalid.
func (p *DuplicatePolicy) UnmarshalText(b []byte) error { return duplicateNames.UnmarshalText(b, p) }

// DuplicateError is the error of a lead that matches an existing record
// under RejectDuplicates: it names the record and the key it shares. It
// matches crmkit.ErrConflict.
type DuplicateError struct {
	// Lead is the lead's ID.
	Lead uuid.UUID
	// Kind is "account" or "contact".
	Kind string
	// ID is the existing record's ID.
	ID uuid.UUID
	// Key is the key the lead shares with it (for an account found
	// through its contact, that contact's key).
	Key Key
}

// Error says which lead matches which record by which key.
func (e *DuplicateError) Error() string {
	if e == nil {
		return "duplicate of an existing record"
	}
	return fmt.Sprintf("lead %s duplicates existing %s %s (%s)", e.Lead, e.Kind, e.ID, e.Key)
}

// Unwrap returns crmkit.ErrConflict.
func (e *DuplicateError) Unwrap() error { return crmkit.ErrConflict }

// Resolve matches lead l against existing accounts and contacts by m's
// keys and returns the links for lead.ConvertInput: a contact whose
// e-mail or phone key is one of the lead's (the first in the order
// given), and the account whose domain is the lead's company domain or,
// failing that, the matched contact's account. Under LinkExisting a match
// is linked; under RejectDuplicates it is a *DuplicateError (matching
// crmkit.ErrConflict). No match gives the zero Links.
//
// Errors: a nil ID in accounts or contacts, a contact without its account,
// or an unknown policy is crmkit.ErrInvalid naming it.
func (m Matcher) Resolve(l lead.Lead, accounts []ExistingAccount, contacts []ExistingContact, policy DuplicatePolicy) (lead.Links, error) {
	if !policy.Valid() {
		return lead.Links{}, crmkit.Invalid("policy", "lead %s: unknown duplicate policy %d", l.ID, policy)
	}
	for i, a := range accounts {
		if a.ID == uuid.Nil {
			return lead.Links{}, crmkit.Invalid(fmt.Sprintf("accounts[%d]", i), "nil account id")
		}
	}
	for i, c := range contacts {
		if c.ID == uuid.Nil || c.AccountID == uuid.Nil {
			return lead.Links{}, crmkit.Invalid(fmt.Sprintf("contacts[%d]", i), "contact %s of account %s: nil id", c.ID, c.AccountID)
		}
	}
	keys := m.Keys(l.Who)
	var links lead.Links
	var contactKey, accountKey Key
contacts:
	for _, c := range contacts {
		for _, k := range keys {
			if matchContact(c, k) {
				links, contactKey = lead.Links{Account: c.AccountID, Contact: c.ID}, k
				break contacts
			}
		}
	}
	if links.Contact != uuid.Nil && policy == RejectDuplicates {
		return lead.Links{}, &DuplicateError{Lead: l.ID, Kind: "contact", ID: links.Contact, Key: contactKey}
	}
	if domain := m.CompanyDomain(l.Who); domain != "" && links.Account == uuid.Nil {
		for _, a := range accounts {
			if d, ok := NormalizeDomain(a.Domain); ok && d == domain {
				links.Account, accountKey = a.ID, Key{KeyDomain, domain}
				break
			}
		}
	}
	if links.Account != uuid.Nil && policy == RejectDuplicates {
		return lead.Links{}, &DuplicateError{Lead: l.ID, Kind: "account", ID: links.Account, Key: accountKey}
	}
	return links, nil
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
