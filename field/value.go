package field

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// DateLayout is the text form of a date value: a calendar date, no time
// and no zone.
const DateLayout = time.DateOnly

// Value is the value of one custom field: a text (text, number, money,
// date and enum fields, each in its canonical form: see the package
// documentation) or a list of options (multi-select fields). The zero
// Value is the empty text. Build one with Text, Number, Amount, Date,
// Option or Options; read it with String, List, Decimal, Money or Time.
// A Value is immutable.
type Value struct {
	s      string
	list   []string
	isList bool
}

// Text returns a text value.
func Text(s string) Value { return Value{s: s} }

// Number returns the value of number d, in its canonical form (d.String:
// "12.5", not "12.50").
func Number(d decimal.Decimal) Value { return Value{s: d.String()} }

// Amount returns the value of an amount of money, "120.00 EUR" (m.String).
func Amount(m crmkit.Money) Value { return Value{s: m.String()} }

// Date returns the value of the calendar date of t (in t's own zone).
func Date(t time.Time) Value { return Value{s: t.Format(DateLayout)} }

// Option returns the value of an enum field: one option.
func Option(o string) Value { return Value{s: o} }

// Options returns the value of a multi-select field: the options given,
// sorted, without repeats. No options is the empty selection.
func Options(o ...string) Value {
	l := slices.Clone(o)
	slices.Sort(l)
	return Value{list: slices.Compact(l), isList: true}
}

// IsList reports whether v is a list of options (a multi-select value).
func (v Value) IsList() bool { return v.isList }

// String returns a text value as is, and a list as its options joined by
// ", ".
func (v Value) String() string {
	if v.isList {
		return strings.Join(v.list, ", ")
	}
	return v.s
}

// List returns a copy of the options of a multi-select value; nil for a
// text value.
func (v Value) List() []string { return slices.Clone(v.list) }

// Decimal parses a number value; an error matching crmkit.ErrInvalid when
// v is no number.
func (v Value) Decimal() (decimal.Decimal, error) {
	if v.isList {
		return decimal.Decimal{}, crmkit.Invalid("number", "a list is no number")
	}
	d, err := decimal.NewFromString(v.s)
	if err != nil || strings.ContainsAny(v.s, "eE") {
		return decimal.Decimal{}, crmkit.Invalid("number", "%q is not a decimal number", v.s)
	}
	return d, nil
}

// Money parses a money value ("120.00 EUR"); an error matching
// crmkit.ErrInvalid when v is none.
func (v Value) Money() (crmkit.Money, error) {
	amount, code, ok := strings.Cut(v.s, " ")
	if v.isList || !ok {
		return crmkit.Money{}, crmkit.Invalid("money", "%q is not an amount and a currency", v.s)
	}
	cur, err := crmkit.ParseCurrency(code)
	if err != nil {
		return crmkit.Money{}, err
	}
	return crmkit.ParseMoney(amount, cur)
}

// Time parses a date value as midnight UTC of that date; an error
// matching crmkit.ErrInvalid when v is no date.
func (v Value) Time() (time.Time, error) {
	t, err := time.Parse(DateLayout, v.s)
	if v.isList || err != nil {
		return time.Time{}, crmkit.Invalid("date", "%q is not a date (%s)", v.s, DateLayout)
	}
	return t, nil
}

// Equal reports whether v and o are the same value.
func (v Value) Equal(o Value) bool {
	return v.isList == o.isList && v.s == o.s && slices.Equal(v.list, o.list)
}

// Contains reports whether v holds o, the one test a filter makes: for a
// text, equality; for a list, every option of o (a list or one option) is
// one of v's.
func (v Value) Contains(o Value) bool {
	if !v.isList {
		return !o.isList && v.s == o.s
	}
	if !o.isList {
		return slices.Contains(v.list, o.s)
	}
	for _, x := range o.list {
		if !slices.Contains(v.list, x) {
			return false
		}
	}
	return true
}

// MarshalJSON writes a text as a JSON string and a list as an array of
// strings.
func (v Value) MarshalJSON() ([]byte, error) {
	if v.isList {
		if v.list == nil {
			return []byte("[]"), nil
		}
		return json.Marshal(v.list)
	}
	return json.Marshal(v.s)
}

// UnmarshalJSON reads what MarshalJSON writes: a string or an array of
// strings (sorted and without repeats, as Options makes it).
func (v *Value) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var l []string
		if err := json.Unmarshal(b, &l); err != nil {
			return crmkit.Invalid("custom field value", "%v", err)
		}
		*v = Options(l...)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return crmkit.Invalid("custom field value", "not a string or a list of strings")
	}
	*v = Value{s: s}
	return nil
}

// Values are an aggregate's custom field values by field name. A nil
// Values holds none. Values are checked against the kind's Schema
// (Schema.Check) by storage on every write.
type Values map[string]Value

// Clone returns a copy of vs that shares no map with it (nil for nil).
func (vs Values) Clone() Values {
	if vs == nil {
		return nil
	}
	return maps.Clone(vs)
}

// Equal reports whether vs and o hold the same values; nil equals empty.
func (vs Values) Equal(o Values) bool { return maps.EqualFunc(vs, o, Value.Equal) }

// Match reports whether vs matches the filter f: every field of f is in
// vs and vs's value contains f's (Value.Contains). An empty f matches
// all. It is what a List filter on custom fields means on every store.
func (vs Values) Match(f Values) bool {
	for name, want := range f {
		got, ok := vs[name]
		if !ok || !got.Contains(want) {
			return false
		}
	}
	return true
}

// Strings returns every text held by vs, list options included, in no
// particular order: what an erasure looks for.
func (vs Values) Strings() []string {
	var out []string
	for _, v := range vs {
		if v.isList {
			out = append(out, v.list...)
		} else if v.s != "" {
			out = append(out, v.s)
		}
	}
	return out
}

// Validate checks what holds without a schema: at most MaxFields values,
// each under a field name (see Def.Name). Aggregates call it from their
// own Validate; Schema.Check checks the rest.
func (vs Values) Validate() error {
	if len(vs) > MaxFields {
		return crmkit.Invalid("custom", "%d values, at most %d", len(vs), MaxFields)
	}
	for _, name := range sortedNames(vs) {
		if len(name) > MaxNameLen || !nameRE.MatchString(name) {
			return crmkit.Invalid("custom", "%q is not a field name", name)
		}
	}
	return nil
}

// EventValuesSet is the event type of every aggregate that holds custom
// values (leads, deals, accounts) when its values are replaced (its
// SetCustom command); the payload is a SetPayload.
const EventValuesSet = "CustomFieldsSet"

// SetPayload is the payload of an EventValuesSet event: the values
// after the event.
type SetPayload struct {
	Custom Values `json:"custom"`
}
