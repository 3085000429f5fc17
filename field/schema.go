package field

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
)

// SchemaKind is the crmkit.Event AggregateKind of every schema event.
const SchemaKind = "field_schema"

// The event types of a schema, in the past tense. Each carries the
// schema's new Fields as its payload (SchemaPayload).
const (
	// EventFieldsDeclared: the schema was created (New).
	EventFieldsDeclared = "FieldsDeclared"
	// EventFieldsChanged: fields were added or changed without
	// orphaning a stored value (Schema.Change).
	EventFieldsChanged = "FieldsChanged"
	// EventFieldsMigrated: an orphaning change was made by Schema.Migrate;
	// the payload's Migration says what happened to stored values.
	EventFieldsMigrated = "FieldsMigrated"
)

// Limits of a schema.
const (
	// MaxFields is the most fields one schema declares.
	MaxFields = 100
	// MaxOptions is the most options of one enum or multi-select field.
	MaxOptions = 200
	// MaxNameLen is the longest field name, in bytes.
	MaxNameLen = 63
)

// Type is the type of a custom field. The zero Type is unset and invalid
// in a Def.
type Type uint8

// The field types.
const (
	TypeText Type = iota + 1
	TypeNumber
	TypeMoney
	TypeDate
	TypeEnum
	TypeMultiSelect
)

var typeNames = crmkit.NewEnum("Type", TypeText, "text", "number", "money", "date", "enum", "multi_select")

// String returns the type's name ("multi_select").
func (t Type) String() string { return typeNames.String(t) }

// Valid reports whether t is a declared type (not unset).
func (t Type) Valid() bool { return typeNames.Valid(t) && t != 0 }

// MarshalText writes the type's name.
func (t Type) MarshalText() ([]byte, error) { return typeNames.MarshalText(t) }

// UnmarshalText reads a type's name.
func (t *Type) UnmarshalText(b []byte) error { return typeNames.UnmarshalText(b, t) }

// Def declares one custom field.
type Def struct {
	// Name is the field's key in Values: a lower-case letter, then
	// lower-case letters, digits and underscores, at most MaxNameLen
	// bytes ("industry_code").
	Name string `json:"name"`
	// Label is the name users see; optional.
	Label string `json:"label,omitempty"`
	// Type is the field's type.
	Type Type `json:"type"`
	// Options are the choices of an enum or multi-select field: at least
	// one, distinct, not empty; none for the other types.
	Options []string `json:"options,omitempty"`
	// Required says an aggregate must hold a value for the field.
	Required bool `json:"required"`
	// Default, when set (HasDefault), is the value WithDefaults fills in
	// for an aggregate without one; it must be a valid value of the field.
	Default *Value `json:"default,omitempty"`
	// Personal marks personal data of a person (a lead or a contact):
	// an erasure removes it.
	Personal bool `json:"personal"`
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Validate checks the declaration itself: name, type, options, default.
func (d Def) Validate() error {
	if len(d.Name) > MaxNameLen || !nameRE.MatchString(d.Name) {
		return crmkit.Invalid("field name", "%q is not a field name (a-z, 0-9, _, starting with a letter, at most %d bytes)", d.Name, MaxNameLen)
	}
	if !d.Type.Valid() {
		return crmkit.Invalid("field "+d.Name+" type", "unknown type %s", d.Type)
	}
	choice := d.Type == TypeEnum || d.Type == TypeMultiSelect
	switch {
	case choice && len(d.Options) == 0:
		return crmkit.Invalid("field "+d.Name+" options", "a %s field needs options", d.Type)
	case !choice && len(d.Options) > 0:
		return crmkit.Invalid("field "+d.Name+" options", "a %s field has no options", d.Type)
	case len(d.Options) > MaxOptions:
		return crmkit.Invalid("field "+d.Name+" options", "%d options, at most %d", len(d.Options), MaxOptions)
	}
	for i, o := range d.Options {
		if strings.TrimSpace(o) == "" {
			return crmkit.Invalid(fmt.Sprintf("field %s options[%d]", d.Name, i), "empty option")
		}
		if slices.Index(d.Options, o) != i {
			return crmkit.Invalid(fmt.Sprintf("field %s options[%d]", d.Name, i), "option %q repeated", o)
		}
	}
	if d.Default != nil {
		if err := d.Check(*d.Default); err != nil {
			return fmt.Errorf("field %s default: %w", d.Name, err)
		}
	}
	return nil
}

// Check checks one value against the declaration: its type's canonical
// form, and for an enum or multi-select the declared options. It returns
// a *crmkit.ValidationError naming the field ("custom.tier").
func (d Def) Check(v Value) error {
	name := "custom." + d.Name
	if v.isList != (d.Type == TypeMultiSelect) {
		if v.isList {
			return crmkit.Invalid(name, "a list given to a %s field", d.Type)
		}
		return crmkit.Invalid(name, "a text given to a %s field", d.Type)
	}
	switch d.Type {
	case TypeNumber:
		n, err := v.Decimal()
		if err != nil || n.String() != v.s {
			return crmkit.Invalid(name, "%q is not a number in canonical form", v.s)
		}
	case TypeMoney:
		m, err := v.Money()
		if err != nil || m.String() != v.s {
			return crmkit.Invalid(name, "%q is not an amount of money (\"120.00 EUR\")", v.s)
		}
	case TypeDate:
		t, err := v.Time()
		if err != nil || t.Format(DateLayout) != v.s {
			return crmkit.Invalid(name, "%q is not a date (%s)", v.s, DateLayout)
		}
	case TypeEnum:
		if !slices.Contains(d.Options, v.s) {
			return crmkit.Invalid(name, "%q is not an option (%s)", v.s, strings.Join(d.Options, ", "))
		}
	case TypeMultiSelect:
		for _, o := range v.list {
			if !slices.Contains(d.Options, o) {
				return crmkit.Invalid(name, "%q is not an option (%s)", o, strings.Join(d.Options, ", "))
			}
		}
	}
	return nil
}

// Schema is a tenant's declaration of the custom fields of one aggregate
// kind, a versioned aggregate: New returns version 1 and its event,
// Change and Migrate the next version and theirs. A tenant has at most
// one schema per kind; its ID is SchemaID(kind).
type Schema struct {
	// ID is SchemaID(Kind).
	ID uuid.UUID `json:"id"`
	// Kind is the aggregate kind the fields belong to ("lead", "deal",
	// "account", "contact").
	Kind string `json:"kind"`
	// Fields are the declared fields, in the order given.
	Fields []Def `json:"fields"`
	// CreatedAt and UpdatedAt are the times of the first and last event.
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Version is the number of events so far (1 after New).
	Version int64 `json:"version"`
}

// schemaNamespace is the namespace of SchemaID's name-based UUIDs.
var schemaNamespace = uuid.MustParse("4d7c1a8e-2f57-4b8a-9a53-18f1e1d2c3b4")

// SchemaID returns the aggregate ID of the schema of kind: a name-based
// UUID (version 5), the same in every process, so that a store finds a
// kind's schema from the kind alone.
func SchemaID(kind string) uuid.UUID { return uuid.NewSHA1(schemaNamespace, []byte(kind)) }

// SchemaPayload is the payload of every schema event.
type SchemaPayload struct {
	// Fields are the schema's fields after the event.
	Fields []Def `json:"fields"`
	// Migration is, for EventFieldsMigrated, what happens to stored
	// values.
	Migration *Migration `json:"migration,omitempty"`
}

// Clone returns a deep copy of s.
func (s Schema) Clone() Schema {
	s.Fields = cloneDefs(s.Fields)
	return s
}

func cloneDefs(defs []Def) []Def {
	if defs == nil {
		return nil
	}
	out := make([]Def, len(defs))
	for i, d := range defs {
		d.Options = slices.Clone(d.Options)
		if d.Default != nil {
			v := *d.Default
			v.list = slices.Clone(v.list)
			d.Default = &v
		}
		out[i] = d
	}
	return out
}

// Validate checks the schema's invariants: ID matching its kind, a kind
// name, at most MaxFields valid fields with distinct names, a version of
// at least 1 and times in order.
func (s Schema) Validate() error {
	if !nameRE.MatchString(s.Kind) || len(s.Kind) > MaxNameLen {
		return crmkit.Invalid("schema kind", "%q is not an aggregate kind", s.Kind)
	}
	if s.ID != SchemaID(s.Kind) {
		return crmkit.Invalid("schema id", "%s is not the schema ID of kind %q", s.ID, s.Kind)
	}
	if err := validateDefs(s.Fields); err != nil {
		return err
	}
	if s.Version < 1 {
		return crmkit.Invalid("schema version", "version %d below 1", s.Version)
	}
	if s.CreatedAt.IsZero() || s.UpdatedAt.Before(s.CreatedAt) {
		return crmkit.Invalid("schema times", "created %s, updated %s", s.CreatedAt, s.UpdatedAt)
	}
	return nil
}

func validateDefs(defs []Def) error {
	if len(defs) > MaxFields {
		return crmkit.Invalid("fields", "%d fields, at most %d", len(defs), MaxFields)
	}
	for i, d := range defs {
		if err := d.Validate(); err != nil {
			return fmt.Errorf("fields[%d]: %w", i, err)
		}
		if slices.IndexFunc(defs, func(o Def) bool { return o.Name == d.Name }) != i {
			return crmkit.Invalid(fmt.Sprintf("fields[%d]", i), "field %q declared twice", d.Name)
		}
	}
	return nil
}

// Field returns the declaration of the field name.
func (s Schema) Field(name string) (Def, bool) {
	i := slices.IndexFunc(s.Fields, func(d Def) bool { return d.Name == name })
	if i < 0 {
		return Def{}, false
	}
	return s.Fields[i], true
}

// Check checks values against the schema: every field declared, every
// value valid for its field (Def.Check), every required field present.
// The error is a *crmkit.ValidationError naming the field
// ("custom.tier"). A nil or zero schema declares nothing, so any value
// is an unknown field.
func (s *Schema) Check(vs Values) error {
	var fields []Def
	if s != nil {
		fields = s.Fields
	}
	for _, name := range sortedNames(vs) {
		i := slices.IndexFunc(fields, func(d Def) bool { return d.Name == name })
		if i < 0 {
			return crmkit.Invalid("custom."+name, "unknown field")
		}
		if err := fields[i].Check(vs[name]); err != nil {
			return err
		}
	}
	for _, d := range fields {
		if _, ok := vs[d.Name]; d.Required && !ok {
			return crmkit.Invalid("custom."+d.Name, "required field missing")
		}
	}
	return nil
}

func sortedNames(vs Values) []string {
	names := make([]string, 0, len(vs))
	for n := range vs {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// WithDefaults returns a copy of vs with the default of every declared
// field it holds no value for.
func (s Schema) WithDefaults(vs Values) Values {
	out := vs.Clone()
	for _, d := range s.Fields {
		if _, ok := out[d.Name]; !ok && d.Default != nil {
			if out == nil {
				out = Values{}
			}
			out[d.Name] = *d.Default
		}
	}
	return out
}

// Personal returns the names of the fields declared personal.
func (s Schema) Personal() []string {
	var out []string
	for _, d := range s.Fields {
		if d.Personal {
			out = append(out, d.Name)
		}
	}
	return out
}

// New declares the custom fields of kind, created by cmd, and returns the
// schema at version 1 with its EventFieldsDeclared event. Invalid fields
// or cmd are an error matching crmkit.ErrInvalid, and no schema.
func New(kind string, fields []Def, cmd crmkit.Cmd) (Schema, crmkit.Event, error) {
	if err := cmd.Validate(); err != nil {
		return Schema{}, crmkit.Event{}, fmt.Errorf("new field schema: %w", err)
	}
	s := Schema{ID: SchemaID(kind), Kind: kind, Fields: cloneDefs(fields), CreatedAt: cmd.At, UpdatedAt: cmd.At, Version: 1}
	if err := s.Validate(); err != nil {
		return Schema{}, crmkit.Event{}, err
	}
	ev, err := cmd.NewEvent(SchemaKind, s.ID, EventFieldsDeclared, 1, SchemaPayload{Fields: s.Fields})
	if err != nil {
		return Schema{}, crmkit.Event{}, err
	}
	return s, ev, nil
}

// Orphans returns why changing s's fields to fields would orphan stored
// values, one line per field ("field tier: option gold removed"); none
// when every value valid under s stays valid: fields added (an added
// required field without a default orphans every aggregate without it),
// options added, labels, defaults and flags changed, required relaxed.
func (s Schema) Orphans(fields []Def) []string {
	var out []string
	for _, old := range s.Fields {
		i := slices.IndexFunc(fields, func(d Def) bool { return d.Name == old.Name })
		if i < 0 {
			out = append(out, fmt.Sprintf("field %s: removed", old.Name))
			continue
		}
		nw := fields[i]
		if nw.Type != old.Type {
			out = append(out, fmt.Sprintf("field %s: type %s changed to %s", old.Name, old.Type, nw.Type))
			continue
		}
		for _, o := range old.Options {
			if !slices.Contains(nw.Options, o) {
				out = append(out, fmt.Sprintf("field %s: option %q removed", old.Name, o))
			}
		}
		if nw.Required && !old.Required && nw.Default == nil {
			out = append(out, fmt.Sprintf("field %s: made required without a default", old.Name))
		}
	}
	for _, nw := range fields {
		if _, ok := s.Field(nw.Name); !ok && nw.Required && nw.Default == nil {
			out = append(out, fmt.Sprintf("field %s: added as required without a default", nw.Name))
		}
	}
	return out
}

// Change replaces the fields of s by fields, by cmd, and returns the next
// version with its EventFieldsChanged event. A change that would orphan a
// stored value (see Orphans) is an error matching crmkit.ErrConflict
// naming it: make it with Migrate. Invalid fields or cmd are an error
// matching crmkit.ErrInvalid. s is unchanged either way.
func (s Schema) Change(fields []Def, cmd crmkit.Cmd) (Schema, crmkit.Event, error) {
	if orphans := s.Orphans(fields); len(orphans) > 0 {
		return Schema{}, crmkit.Event{}, fmt.Errorf("field schema %s: change would orphan stored values (%s): use Migrate: %w",
			s.Kind, strings.Join(orphans, "; "), crmkit.ErrConflict)
	}
	return s.next(fields, nil, EventFieldsChanged, cmd)
}

func (s Schema) next(fields []Def, m *Migration, typ string, cmd crmkit.Cmd) (Schema, crmkit.Event, error) {
	if err := cmd.Validate(); err != nil {
		return Schema{}, crmkit.Event{}, fmt.Errorf("field schema %s: %w", s.Kind, err)
	}
	if err := s.Validate(); err != nil {
		return Schema{}, crmkit.Event{}, err
	}
	if cmd.At.Before(s.UpdatedAt) {
		return Schema{}, crmkit.Event{}, crmkit.Invalid("at", "%s before the last change %s", cmd.At, s.UpdatedAt)
	}
	n := s.Clone()
	n.Fields = cloneDefs(fields)
	n.UpdatedAt = cmd.At
	n.Version++
	if err := n.Validate(); err != nil {
		return Schema{}, crmkit.Event{}, err
	}
	ev, err := cmd.NewEvent(SchemaKind, n.ID, typ, n.Version, SchemaPayload{Fields: n.Fields, Migration: m})
	if err != nil {
		return Schema{}, crmkit.Event{}, err
	}
	return n, ev, nil
}

// ErasePersonal returns a copy of vs without the fields s declares
// personal: what an erasure of a person keeps of its custom values.
func (s Schema) ErasePersonal(vs Values) Values {
	out := vs.Clone()
	for _, name := range s.Personal() {
		delete(out, name)
	}
	return out
}
