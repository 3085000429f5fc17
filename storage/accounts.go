package storage

import (
	"fmt"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
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
}

// allRelations is every known account.Relation bit.
const allRelations = account.Prospect | account.Customer | account.Partner | account.Competitor

// ValidateAccount checks an account before it is stored: the value
// within the stored domain (see ValidateValue), the account's own
// invariants (account.Account.Validate), and an owner, segment and
// category of at most MaxKeyLen bytes (they are keys filters select by).
// It holds no domain rule of its own.
func ValidateAccount(a account.Account) error {
	if err := ValidateValue("account", a); err != nil {
		return fmt.Errorf("account %s: %w", a.ID, err)
	}
	if err := a.Validate(); err != nil {
		return err
	}
	for _, f := range [...]struct{ name, s string }{{"owner", a.Owner}, {"segment", a.Segment}, {"category", a.Category}} {
		if err := checkString(f.name, f.s, MaxKeyLen); err != nil {
			return fmt.Errorf("account %s: %w", a.ID, err)
		}
	}
	return nil
}

// Validate checks the filter: an owner and a segment of at most MaxKeyLen
// bytes of valid UTF-8 without NUL bytes, and only known relation bits.
func (f AccountFilter) Validate() error {
	if err := checkString("owner filter", f.Owner, MaxKeyLen); err != nil {
		return err
	}
	if err := checkString("segment filter", f.Segment, MaxKeyLen); err != nil {
		return err
	}
	if f.Relations&^allRelations != 0 {
		return crmkit.Invalid("relations filter", "%s has unknown relation bits", f.Relations)
	}
	return nil
}

// Match reports whether a passes the filter. A nil filter passes every
// account, as the zero filter does; a nil a passes none.
func (f *AccountFilter) Match(a *account.Account) bool {
	if f == nil || a == nil {
		return a != nil
	}
	return (f.Owner == "" || a.Owner == f.Owner) &&
		(f.Segment == "" || a.Segment == f.Segment) &&
		(f.Parent == uuid.Nil || a.Parent == f.Parent) &&
		(f.Relations == 0 || a.Relations.Has(f.Relations))
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
	// set with RenewalTo before RenewalFrom is an error.
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
