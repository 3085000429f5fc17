package storage

import (
	"fmt"
	"slices"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/lead"
	"github.com/google/uuid"
)

// FieldSchemaRepository stores the tenant's custom field declarations
// (Tx.FieldSchemas): one field.Schema per aggregate kind, with ID
// field.SchemaID(kind), versioned by its events (field.New, Change,
// Migrate). A schema's kind must be one of CustomKinds.
//
// Every store checks the custom values of a lead, deal or account it
// writes (their Custom) against the stored schema of the kind, in the
// same transaction, and refuses with an error matching crmkit.ErrInvalid
// naming the field ("custom.tier") an unknown field, a value of the wrong
// type or form, an option not declared, or a required field missing
// (CheckCustom); with no schema stored, any custom value is an unknown
// field. A schema's own history keeps the stored values valid:
// field.Schema.Change refuses a change that would orphan one, and
// MigrateFields stores a field.Schema.Migrate together with the migrated
// values, in one Update. (A store does not re-check every stored
// aggregate when a schema is saved.)
type FieldSchemaRepository = Repository[field.Schema, FieldSchemaFilter]

// FieldSchemaFilter selects schemas for List. The zero filter matches
// all.
type FieldSchemaFilter struct {
	// Kind, if not empty, selects the schema of that aggregate kind.
	Kind string
}

// CustomKinds are the kinds that hold custom values and may have a field
// schema: leads, deals, accounts and contacts (ContactKind, held in their
// account: see CheckContactsCustom).
var CustomKinds = []string{lead.LeadKind, deal.DealKind, account.AccountKind, ContactKind}

// Validate checks the filter: a kind of at most MaxKeyLen bytes.
func (f FieldSchemaFilter) Validate() error { return checkString("kind filter", f.Kind, MaxKeyLen) }

// Match reports whether s passes the filter (a nil filter passes all; a
// nil s none).
func (f *FieldSchemaFilter) Match(s *field.Schema) bool {
	if f == nil || s == nil {
		return s != nil
	}
	return f.Kind == "" || s.Kind == f.Kind
}

// ValidateFieldSchema checks a schema before it is stored: the value
// within the stored domain (ValidateValue), its own invariants
// (field.Schema.Validate) and a kind of CustomKinds.
func ValidateFieldSchema(s field.Schema) error {
	if err := ValidateValue("field schema", s); err != nil {
		return fmt.Errorf("field schema %s: %w", s.Kind, err)
	}
	if err := s.Validate(); err != nil {
		return fmt.Errorf("field schema %s: %w", s.Kind, err)
	}
	if !slices.Contains(CustomKinds, s.Kind) {
		return crmkit.Invalid("schema kind", "%q holds no custom fields (%v)", s.Kind, CustomKinds)
	}
	for _, d := range s.Fields {
		if err := checkCustomText("field schema "+s.Kind, field.Values{d.Name: field.Options(d.Options...)}); err != nil {
			return err
		}
		if d.Default != nil {
			if err := checkCustomText("field schema "+s.Kind, field.Values{d.Name: *d.Default}); err != nil {
				return err
			}
		}
		if err := checkString("field schema "+s.Kind+" label", d.Label, MaxTextLen); err != nil {
			return err
		}
	}
	return nil
}

// checkCustomText applies the text rules of the stored domain to every
// string of vs (their fields are not reachable by ValidateValue).
func checkCustomText(what string, vs field.Values) error {
	for name, v := range vs {
		strs := v.List()
		if !v.IsList() {
			strs = []string{v.String()}
		}
		for _, s := range strs {
			if err := checkString(what+" custom."+name, s, MaxTextLen); err != nil {
				return err
			}
		}
	}
	return nil
}

// CheckCustom checks the custom values of v, a *lead.Lead, *deal.Deal or
// *account.Account, against schema, its kind's stored schema (nil when
// none is stored): the stored domain's text rules, then
// field.Schema.Check. An erased lead need not hold a required field
// declared personal (the erasure removed it), as an erased contact need
// not (CheckContactsCustom). Every backend calls it on every write of a
// lead, deal or account; any other v is crmkit.ErrInvalid.
func CheckCustom(v any, schema *field.Schema) error {
	var (
		kind string
		id   uuid.UUID
		vs   field.Values
	)
	switch x := v.(type) {
	case *lead.Lead:
		kind, id, vs = lead.LeadKind, x.ID, x.Custom
		if !x.ErasedAt.IsZero() && schema != nil {
			schema = withoutRequiredPersonal(schema)
		}
	case *deal.Deal:
		kind, id, vs = deal.DealKind, x.ID, x.Custom
	case *account.Account:
		kind, id, vs = account.AccountKind, x.ID, x.Custom
	default:
		return crmkit.Invalid("custom values", "%T holds no custom values", v)
	}
	return checkValues(kind, id, schema, vs)
}

// checkValues checks the custom values vs of kind/id against schema (see
// CheckCustom).
func checkValues(kind string, id uuid.UUID, schema *field.Schema, vs field.Values) error {
	if err := checkCustomText(kind, vs); err != nil {
		return fmt.Errorf("%s %s: %w", kind, id, err)
	}
	if err := schema.Check(vs); err != nil {
		return fmt.Errorf("%s %s: %w", kind, id, err)
	}
	return nil
}

// validateCustomFilter checks a custom-field filter (LeadFilter.Custom,
// ...): field names and the text rules, at most MaxKeyLen bytes a value.
func validateCustomFilter(f field.Values) error {
	if err := f.Validate(); err != nil {
		return fmt.Errorf("custom filter: %w", err)
	}
	for name, v := range f {
		strs := v.List()
		if !v.IsList() {
			strs = []string{v.String()}
		}
		for _, s := range strs {
			if err := checkString("custom filter "+name, s, MaxKeyLen); err != nil {
				return err
			}
		}
	}
	return nil
}
