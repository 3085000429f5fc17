package storage

import (
	"fmt"
	"slices"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/google/uuid"
)

// InteractionRepository stores account.Interaction aggregates, the
// service interactions of a customer's journey (Tx.Interactions).
// account.RecordInteraction returns an interaction at Version 1 with its
// event, ready for Create; Respond, Resolve and Rate bump the version and
// return the event to Save with. An interaction refers to its account
// and, when ContactID is set, to a contact of that account
// (InteractionReferences). List with InteractionFilter.Account gives a
// customer's timeline in creation order.
type InteractionRepository = Repository[account.Interaction, InteractionFilter]

// maxOutcomes is the number of interaction outcomes (Pending ..
// Unresolved).
const maxOutcomes = int(account.Unresolved)

// InteractionFilter selects interactions for List. A zero field matches
// every interaction; the zero InteractionFilter matches all.
type InteractionFilter struct {
	// Account, if not uuid.Nil, selects the interactions of that account.
	Account uuid.UUID
	// Contact, if not uuid.Nil, selects the interactions with that
	// contact.
	Contact uuid.UUID
	// Outcomes, if not empty, selects interactions whose outcome is one
	// of them: account.Pending alone selects the open ones.
	Outcomes []account.Outcome
	// Channel, if not empty, selects interactions on that channel.
	Channel string
}

// ValidateInteraction checks an interaction before it is stored: the
// value within the stored domain (see ValidateValue), the interaction's
// own invariants (account.Interaction.Validate: a non-nil ID, a Version of
// at least 1, its content), and a channel and handler of at most
// MaxKeyLen bytes (keys filters select by). It holds no domain rule of
// its own.
func ValidateInteraction(i account.Interaction) error {
	if err := ValidateValue("interaction", i); err != nil {
		return fmt.Errorf("interaction %s: %w", i.ID, err)
	}
	if err := i.Validate(); err != nil {
		return err
	}
	for _, f := range [...]struct{ name, s string }{{"channel", i.Channel}, {"who", i.Who}} {
		if err := checkString(f.name, f.s, MaxKeyLen); err != nil {
			return fmt.Errorf("interaction %s: %w", i.ID, err)
		}
	}
	return nil
}

// InteractionReferences returns the references of i that must resolve:
// its account, and its contact (inside that account) when ContactID is
// set. A nil AccountID is no reference (account.Interaction.Validate
// refuses it first); a nil i has none.
func InteractionReferences(i *account.Interaction) []Reference {
	if i == nil {
		return nil
	}
	refs := make([]Reference, 0, 2)
	if i.AccountID != uuid.Nil {
		refs = append(refs, Reference{Field: "account_id", Kind: account.AccountKind, ID: i.AccountID})
	}
	if i.ContactID != uuid.Nil {
		refs = append(refs, Reference{Field: "contact_id", Kind: ContactKind, ID: i.ContactID, Account: i.AccountID})
	}
	return refs
}

// Validate checks the filter: at most as many outcomes as there are, each
// valid, and a channel of at most MaxKeyLen bytes of valid UTF-8 without
// NUL bytes.
func (f InteractionFilter) Validate() error {
	if len(f.Outcomes) > maxOutcomes {
		return crmkit.Invalid("outcomes filter", "%d outcomes, more than %d", len(f.Outcomes), maxOutcomes)
	}
	for i, o := range f.Outcomes {
		if !o.Valid() {
			return crmkit.Invalid(fmt.Sprintf("outcomes filter[%d]", i), "%s is not an outcome", o)
		}
	}
	return checkString("channel filter", f.Channel, MaxKeyLen)
}

// Match reports whether i passes the filter. A nil filter passes every
// interaction, as the zero filter does; a nil i passes none.
func (f *InteractionFilter) Match(i *account.Interaction) bool {
	if f == nil || i == nil {
		return i != nil
	}
	return (f.Account == uuid.Nil || i.AccountID == f.Account) &&
		(f.Contact == uuid.Nil || i.ContactID == f.Contact) &&
		(len(f.Outcomes) == 0 || slices.Contains(f.Outcomes, i.Outcome)) &&
		(f.Channel == "" || i.Channel == f.Channel)
}
