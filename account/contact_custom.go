package account

import (
	"fmt"
	"slices"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/field"
	"github.com/google/uuid"
)

// EventContactCustomFieldsSet: the custom field values of one contact
// were replaced (SetContactCustom); payload ContactCustomPayload, the
// values after the event.
const EventContactCustomFieldsSet = "ContactCustomFieldsSet"

// ContactCustomPayload is the payload of EventContactCustomFieldsSet:
// the contact and its custom values after the event.
type ContactCustomPayload struct {
	Contact uuid.UUID    `json:"contact"`
	Custom  field.Values `json:"custom,omitempty"`
}

// SetContactCustom replaces the custom field values (package field) of
// contact id of a by vs, by c, and returns the changed account with its
// EventContactCustomFieldsSet event. vs is checked against the tenant's
// schema of kind "contact" by storage when the account is saved; here
// only field names are checked (field.Values.Validate). Values equal to
// the contact's current ones, bad names and an invalid command are
// crmkit.ErrInvalid; an unknown contact crmkit.ErrNotFound; an erased
// contact crmkit.ErrIllegalTransition; an archived account a
// *crmkit.ArchivedError. a is unchanged on error.
func (a Account) SetContactCustom(id uuid.UUID, vs field.Values, c crmkit.Cmd) (Account, crmkit.Event, error) {
	i := slices.IndexFunc(a.Contacts, func(ct Contact) bool { return ct.ID == id })
	if i < 0 {
		return Account{}, crmkit.Event{}, fmt.Errorf("account %s has no contact %s: %w", a.ID, id, crmkit.ErrNotFound)
	}
	if a.Contacts[i].Erased {
		return Account{}, crmkit.Event{}, fmt.Errorf("account %s: contact %s was erased and takes no edit: %w", a.ID, id, crmkit.ErrIllegalTransition)
	}
	if err := vs.Validate(); err != nil {
		return Account{}, crmkit.Event{}, fmt.Errorf("account %s: contact %s: %w", a.ID, id, err)
	}
	if vs.Equal(a.Contacts[i].Custom) {
		return Account{}, crmkit.Event{}, crmkit.Invalid("custom", "account %s: contact %s already holds these values", a.ID, id)
	}
	out := a.clone()
	out.Contacts[i].Custom = vs.Clone()
	if len(out.Contacts[i].Custom) == 0 {
		out.Contacts[i].Custom = nil
	}
	return out.record(EventContactCustomFieldsSet, c, "", "", ContactCustomPayload{Contact: id, Custom: out.Contacts[i].Custom})
}
