package storage

import (
	"fmt"
	"slices"

	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/field"
)

// Contacts hold custom values too (account.Contact.Custom, set by
// account.Account.SetContactCustom), declared by the tenant's schema of
// kind ContactKind ("contact"). A contact is no aggregate of its own: it
// lives in its account, so its values are checked when the account is
// written (CheckContactsCustom), every field declared personal is
// removed by erasure.Contact (storage/erasure), and MigrateFields of the
// contact schema migrates the contacts of every account.

// CheckContactsCustom checks the custom values of every contact of a
// against schema, the tenant's stored schema of kind ContactKind (nil
// when none is stored), as CheckCustom checks an aggregate's: an unknown
// field, a value of the wrong type or form, an option not declared or a
// required field missing is an error matching crmkit.ErrInvalid naming
// the account, the contact and the field. An erased contact need not
// hold a required field declared personal (the erasure removed it).
// Every backend calls it on every write of an account, with
// CheckCustom.
func CheckContactsCustom(a *account.Account, schema *field.Schema) error {
	if a == nil {
		return nil
	}
	var erasedSchema *field.Schema
	for i := range a.Contacts {
		c := &a.Contacts[i]
		if schema == nil && len(c.Custom) == 0 {
			continue
		}
		s := schema
		if c.Erased && schema != nil {
			if erasedSchema == nil {
				erasedSchema = withoutRequiredPersonal(schema)
			}
			s = erasedSchema
		}
		if err := checkValues(ContactKind, c.ID, s, c.Custom); err != nil {
			return fmt.Errorf("%s %s: contacts[%d]: %w", account.AccountKind, a.ID, i, err)
		}
	}
	return nil
}

// withoutRequiredPersonal returns a copy of s whose personal fields are
// optional.
func withoutRequiredPersonal(s *field.Schema) *field.Schema {
	c := *s
	c.Fields = slices.Clone(s.Fields)
	for i := range c.Fields {
		if c.Fields[i].Personal {
			c.Fields[i].Required = false
		}
	}
	return &c
}
