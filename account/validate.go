package account

import (
	"errors"
	"fmt"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
)

// Validate checks every invariant an account holds, whichever way it was
// made (New and the commands, a store, JSON): a non-nil ID, a Version of
// at least 1, a name and an owner, at least one relation and only known
// relation bits, not itself as its parent, a size in 0 .. MaxEmployees, a
// domain (when given) in the lower-case host-name form ("acme.com"), a
// website, industry and country of valid UTF-8 without control
// characters, departments neither empty nor
// repeated, and contacts each with an ID, a name, a known role, an e-mail
// with an @ (when given), a phone with a digit (when given), a phone and
// title of valid UTF-8 without control characters and a known department
// (when given), no two the
// same person (same ID, same e-mail ignoring case, or without e-mail the
// same name in the same department). The error matches crmkit.ErrInvalid
// and is a *crmkit.ValidationError naming the field; a duplicate contact,
// which AddContact refuses as crmkit.ErrConflict, is invalid here: a value
// that already holds one is malformed.
func (a Account) Validate() error {
	if a.Version < 1 {
		return crmkit.Invalid("version", "account %s: version %d is below 1", a.ID, a.Version)
	}
	if err := a.validate(); err != nil {
		if errors.Is(err, crmkit.ErrInvalid) {
			return err
		}
		return crmkit.Invalid("contacts", "%v", err)
	}
	if err := a.Custom.Validate(); err != nil {
		return fmt.Errorf("account %s: %w", a.ID, err)
	}
	seen := make(map[uuid.UUID]int, len(a.Contacts))
	for i, c := range a.Contacts {
		if j, ok := seen[c.ID]; ok {
			return crmkit.Invalid(fmt.Sprintf("contacts[%d].id", i), "account %s: contact %s is also contacts[%d]", a.ID, c.ID, j)
		}
		seen[c.ID] = i
		if err := c.Custom.Validate(); err != nil {
			return fmt.Errorf("account %s: contacts[%d] (%s): %w", a.ID, i, c.ID, err)
		}
	}
	return nil
}

// Clone returns a deep copy of a: its departments and contacts (with
// their custom values) are not shared with a.
func (a Account) Clone() Account { return a.clone() }

// Validate checks every invariant a contract holds, whichever way it was
// made (NewContract and the commands, ReplayContract, a store, JSON): a
// non-nil ID and account, a Version of at least 1, a title, a currency, a
// known status, an execution stage that is not started before signing
// and started from signing on (a terminated contract keeps whichever it
// had), the approval that let it leave Draft (none before), a termination
// time exactly when Terminated, and at least one
// version of the terms, numbered 1, 2, ..., the first Original and the
// others Amendment or Renewal, each with a period that ends after it
// starts, a monthly amount and a value in the contract's currency and not
// negative, and a renewal date inside the period. The error matches
// crmkit.ErrInvalid and is a *crmkit.ValidationError naming the field
// (terms in another currency, which the commands refuse as
// crmkit.ErrCurrencyMismatch, are invalid here: the value already holds
// them).
func (c Contract) Validate() error {
	if err := c.validate(); err != nil {
		return fmt.Errorf("contract %s: %w", c.ID, err)
	}
	return nil
}

func (c Contract) validate() error {
	switch {
	case c.ID == uuid.Nil:
		return crmkit.Invalid("id", "nil UUID")
	case c.Version < 1:
		return crmkit.Invalid("version", "version %d is below 1", c.Version)
	case c.AccountID == uuid.Nil:
		return crmkit.Invalid("account id", "nil account")
	case strings.TrimSpace(c.Title) == "":
		return crmkit.Invalid("title", "empty title")
	case c.Currency.IsZero():
		return crmkit.Invalid("currency", "no currency")
	case !c.Status.Valid():
		return crmkit.Invalid("status", "%s is not a status", c.Status)
	case !c.Execution.Valid():
		return crmkit.Invalid("execution", "%s is not an execution stage", c.Execution)
	case (c.Status == Draft || c.Status == Approved) && c.Execution != NotStarted:
		return crmkit.Invalid("execution", "%s before signing", c.Execution)
	case c.Status != Draft && c.Status != Approved && c.Status != Terminated && c.Execution == NotStarted:
		return crmkit.Invalid("execution", "not started on a %s contract", c.Status)
	case c.Status == Draft && c.ApprovalID != uuid.Nil:
		return crmkit.Invalid("approval id", "an approval on a draft")
	case c.Status != Draft && c.Status != Terminated && c.ApprovalID == uuid.Nil:
		return crmkit.Invalid("approval id", "a %s contract without its approval", c.Status)
	case c.Status == Terminated && c.TerminatedAt.IsZero():
		return crmkit.Invalid("terminated at", "a terminated contract without the time")
	case c.Status != Terminated && !c.TerminatedAt.IsZero():
		return crmkit.Invalid("terminated at", "set on a %s contract", c.Status)
	case len(c.Terms) == 0:
		return crmkit.Invalid("terms", "no terms")
	}
	for i, t := range c.Terms {
		f := fmt.Sprintf("terms[%d]", i)
		switch {
		case t.Version != i+1:
			return crmkit.Invalid(f+".version", "version %d at position %d", t.Version, i)
		case i == 0 && t.Kind != Original:
			return crmkit.Invalid(f+".kind", "the first terms are %s, not original", t.Kind)
		case i > 0 && t.Kind != Amendment && t.Kind != Renewal:
			return crmkit.Invalid(f+".kind", "%s is not an amendment or a renewal", t.Kind)
		}
		if err := t.validate(c.Currency); err != nil {
			if errors.Is(err, crmkit.ErrInvalid) {
				return fmt.Errorf("%s: %w", f, err)
			}
			return crmkit.Invalid(f, "%v", err)
		}
	}
	return nil
}

// Clone returns a deep copy of c: its terms are not shared with c (Terms
// holds only values).
func (c Contract) Clone() Contract { return c.clone() }
