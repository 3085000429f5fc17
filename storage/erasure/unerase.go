package erasure

import (
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/lead"
	"github.com/google/uuid"
)

// UneraseError reports a Save refused because it would bring back
// personal data an erasure removed (Lead, Contact): the record
// of kind Kind with ID ID (and, for an account, its contact Contact)
// is erased in the store, and the value saved has Field back ("name",
// "email", "phone", "erased_at", "erased", "custom.<name>"). It matches
// crmkit.ErrIllegalTransition. Nothing was written.
type UneraseError struct {
	Kind string
	ID   uuid.UUID
	// Contact is the erased contact of an account, uuid.Nil for a lead.
	Contact uuid.UUID
	Field   string
}

// Error implements error.
func (e *UneraseError) Error() string {
	if e == nil {
		return "un-erase: " + crmkit.ErrIllegalTransition.Error()
	}
	if e.Contact != uuid.Nil {
		return fmt.Sprintf("%s %s: contact %s is erased: a save may not bring back its %s: %v", e.Kind, e.ID, e.Contact, e.Field, crmkit.ErrIllegalTransition)
	}
	return fmt.Sprintf("%s %s is erased: a save may not bring back its %s: %v", e.Kind, e.ID, e.Field, crmkit.ErrIllegalTransition)
}

// Is reports whether target is crmkit.ErrIllegalTransition, the root
// sentinel of every *UneraseError.
func (e *UneraseError) Is(target error) bool { return target == crmkit.ErrIllegalTransition }

// Erasable reports whether records of kind can hold erased personal data,
// so that CheckUnerase has anything to check for a Save of one: true for
// leads (lead.LeadKind) and accounts (account.AccountKind, whose contacts
// are erased). A backend that must read the stored value to call
// CheckUnerase reads it only then.
func Erasable(kind string) bool {
	return kind == lead.LeadKind || kind == account.AccountKind
}

// CheckUnerase checks that next may replace stored, the value a Save
// finds in the store, as far as erasure goes: an erasure is final, so a
// Save of a lead whose stored value is erased (ErasedAt set) must keep
// ErasedAt, the name crmkit.Erased, no e-mail or phone and no custom
// field the stored value lacks (an erased lead's personal custom fields
// are gone; none may come back), and a Save of an account must keep
// every stored contact that is Erased erased in the same way (Erased, name
// crmkit.Erased, no e-mail or phone, no custom field the stored contact
// lacks), or drop it. Anything else is an
// *UneraseError naming the record and the field, matching
// crmkit.ErrIllegalTransition. Values of other types, and a stored value
// that is not erased, pass.
//
// Every store's Save calls it, inside the write's transaction, with the
// stored value at the expected version, so a raw Save cannot undo
// Lead or Contact.
func CheckUnerase(stored, next any) error {
	switch s := stored.(type) {
	case lead.Lead:
		n, ok := next.(lead.Lead)
		if !ok {
			return nil
		}
		return checkLeadUnerase(s, n)
	case account.Account:
		n, ok := next.(account.Account)
		if !ok {
			return nil
		}
		return checkAccountUnerase(s, n)
	}
	return nil
}

func checkLeadUnerase(s, n lead.Lead) error {
	if s.ErasedAt.IsZero() {
		return nil
	}
	bad := func(f string) error { return &UneraseError{Kind: lead.LeadKind, ID: s.ID, Field: f} }
	switch {
	case !n.ErasedAt.Equal(s.ErasedAt):
		return bad("erased_at")
	case n.Who.Name != crmkit.Erased:
		return bad(lead.FieldName)
	case n.Who.Email != "":
		return bad(lead.FieldEmail)
	case n.Who.Phone != "":
		return bad(lead.FieldPhone)
	}
	for name := range n.Custom {
		if _, ok := s.Custom[name]; !ok {
			return bad("custom." + name)
		}
	}
	return nil
}

func checkAccountUnerase(s, n account.Account) error {
	for _, sc := range s.Contacts {
		if !sc.Erased {
			continue
		}
		for _, nc := range n.Contacts {
			if nc.ID != sc.ID {
				continue
			}
			bad := func(f string) error {
				return &UneraseError{Kind: account.AccountKind, ID: s.ID, Contact: sc.ID, Field: f}
			}
			switch {
			case !nc.Erased:
				return bad("erased")
			case nc.Name != crmkit.Erased:
				return bad("name")
			case nc.Email != "":
				return bad("email")
			case nc.Phone != "":
				return bad("phone")
			}
			for name := range nc.Custom {
				if _, ok := sc.Custom[name]; !ok {
					return bad("custom." + name)
				}
			}
		}
	}
	return nil
}
