package storage

import (
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/google/uuid"
)

// References resolve: a value a store writes may refer only to records
// that exist in the store's own tenant. A deal refers to its account and,
// when its ContactID is set, to a contact of that account; a contract
// refers to its account and, when its DealID is set, to its deal. A deal
// with a non-zero PipelineVersion refers to that version of its pipeline's
// stored definition (see PipelineRepository).
// Contacts live inside their account (account.Account.Contacts), so an
// account write that drops a contact some deal still refers to breaks a
// reference too. Every backend refuses such a write with a
// *ReferenceError and writes nothing. A record referred to must be
// written first: inside one Update, create the account before the deal
// that refers to it.

// ContactKind names a contact in a Reference. A contact has no repository
// of its own: it is stored inside its account.
const ContactKind = "contact"

// Reference is one record a stored value refers to.
type Reference struct {
	// Field is the referring field of the value, as its JSON names it
	// ("account_id", "contact_id", "deal_id", "pipeline_version"), or
	// "contacts" for an account's own contacts.
	Field string
	// Kind is the kind of the record referred to: account.AccountKind,
	// ContactKind, deal.DealKind or deal.PipelineKind.
	Kind string
	// ID is the record referred to (for a pipeline
	// deal.PipelineAggregateID of its key).
	ID uuid.UUID
	// Account is, for a contact, the account it must belong to.
	Account uuid.UUID
	// Key and Version are, for a pipeline, its ID (a string key) and the
	// version of its definition that must be stored.
	Key     string
	Version int64
}

// DealReferences returns the references of d that must resolve: its
// account, its contact (inside that account) when ContactID is set, and
// the stored version of its pipeline when PipelineVersion is not 0.
// A nil AccountID is no reference: deal.Deal.Validate refuses it first.
// A nil d has none.
func DealReferences(d *deal.Deal) []Reference {
	if d == nil {
		return nil
	}
	refs := make([]Reference, 0, 3)
	if d.AccountID != uuid.Nil {
		refs = append(refs, Reference{Field: "account_id", Kind: account.AccountKind, ID: d.AccountID})
	}
	if d.ContactID != uuid.Nil {
		refs = append(refs, Reference{Field: "contact_id", Kind: ContactKind, ID: d.ContactID, Account: d.AccountID})
	}
	if d.PipelineVersion != 0 {
		refs = append(refs, Reference{Field: "pipeline_version", Kind: deal.PipelineKind,
			ID: deal.PipelineAggregateID(d.PipelineID), Key: d.PipelineID, Version: d.PipelineVersion})
	}
	return refs
}

// ContractReferences returns the references of c that must resolve: its
// account, and its deal when DealID is set. A nil c has none.
func ContractReferences(c *account.Contract) []Reference {
	if c == nil {
		return nil
	}
	refs := make([]Reference, 0, 2)
	if c.AccountID != uuid.Nil {
		refs = append(refs, Reference{Field: "account_id", Kind: account.AccountKind, ID: c.AccountID})
	}
	if c.DealID != uuid.Nil {
		refs = append(refs, Reference{Field: "deal_id", Kind: deal.DealKind, ID: c.DealID})
	}
	return refs
}

// ReferenceError reports a write that would break a reference: the value
// (of kind Kind, with ID) refers to a record that does not exist in the
// store's tenant (a dangling reference, or one to another tenant's
// record, which is the same thing seen from this tenant), or to a contact
// outside the account named beside it; or an account write drops a
// contact that a deal still refers to. It matches crmkit.ErrInvalid: the
// value written is what is wrong (crmkit.ErrNotFound from a Save means
// the saved aggregate itself is missing). Nothing was written.
//
//	var re *storage.ReferenceError
//	if errors.As(err, &re) { ... re.Ref.Field, re.Ref.ID ... }
type ReferenceError struct {
	// Kind and ID name the value whose write was refused.
	Kind string
	ID   uuid.UUID
	// Ref is the reference that does not resolve.
	Ref Reference
	// Reason says why, as "no account in this tenant".
	Reason string
}

// Error implements error.
func (e *ReferenceError) Error() string {
	if e == nil {
		return "broken reference"
	}
	return fmt.Sprintf("%s %s: %s %s: %s", e.Kind, e.ID, e.Ref.Field, e.Ref.ID, e.Reason)
}

// Is reports whether target is crmkit.ErrInvalid, the root sentinel of
// every *ReferenceError.
func (e *ReferenceError) Is(target error) bool { return target == crmkit.ErrInvalid }

// Dangling returns the *ReferenceError of a write of the value kind/id
// whose reference ref does not resolve in the tenant.
func Dangling(kind string, id uuid.UUID, ref Reference) error {
	reason := "no " + ref.Kind + " in this tenant"
	switch ref.Kind {
	case ContactKind:
		reason = fmt.Sprintf("no contact of account %s in this tenant", ref.Account)
	case deal.PipelineKind:
		reason = fmt.Sprintf("no version %d of pipeline %q stored in this tenant", ref.Version, ref.Key)
	}
	return &ReferenceError{Kind: kind, ID: id, Ref: ref, Reason: reason}
}

// ContactInUse returns the *ReferenceError of an account write that drops
// contact, which the record of kind kind (a deal, an interaction) with id
// by still refers to.
func ContactInUse(accountID, contact uuid.UUID, kind string, by uuid.UUID) error {
	return &ReferenceError{
		Kind: account.AccountKind, ID: accountID,
		Ref:    Reference{Field: "contacts", Kind: ContactKind, ID: contact, Account: accountID},
		Reason: fmt.Sprintf("%s %s still refers to the contact", kind, by),
	}
}
