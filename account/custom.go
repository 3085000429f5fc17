package account

import (
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/field"
)

// SetCustom replaces the account's custom field values (package field)
// by vs, by c, and returns the changed account with its
// field.EventValuesSet event. vs is checked against the tenant's schema
// by storage when the account is saved; here only field names are
// checked (field.Values.Validate). Values equal to the current ones are
// an error matching crmkit.ErrInvalid, as is an invalid command; a is
// unchanged on error.
func (a Account) SetCustom(vs field.Values, c crmkit.Cmd) (Account, crmkit.Event, error) {
	if err := vs.Validate(); err != nil {
		return Account{}, crmkit.Event{}, fmt.Errorf("account %s: %w", a.ID, err)
	}
	if vs.Equal(a.Custom) {
		return Account{}, crmkit.Event{}, crmkit.Invalid("custom", "account %s already holds these values", a.ID)
	}
	out := a.clone()
	out.Custom = vs.Clone()
	return out.record(field.EventValuesSet, c, "", "", field.SetPayload{Custom: out.Custom})
}
