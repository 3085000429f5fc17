package crmkit

import (
	"fmt"
	"slices"
	"strings"
)

// Unset is the text form of an enum's zero value when zero is not one of
// its values: an aggregate may hold it (a lead not yet given a
// temperature), so it has a stable text form too, and reads back as zero.
const Unset = "unset"

// Enum is the name table of an enum type E, the one pattern every crmkit
// enum follows: the type declares its values as consecutive constants and
// one table of their names, and its String, MarshalText, UnmarshalText and
// Valid methods are one-line calls to the table:
//
//	var stageNames = crmkit.NewEnum("Stage", StageSuspect, "suspect", "mql", ...)
//
//	func (s Stage) String() string                { return stageNames.String(s) }
//	func (s Stage) MarshalText() ([]byte, error)  { return stageNames.MarshalText(s) }
//	func (s *Stage) UnmarshalText(b []byte) error { return stageNames.UnmarshalText(b, s) }
//	func (s Stage) Valid() bool                   { return stageNames.Valid(s) }
//
// Every value an aggregate can hold has a stable text form: each declared
// value its name, and the zero value, when it is not a declared value, the
// explicit Unset. Text is what is encoded (JSON, storage), never the
// position of a constant, so reordering a const block cannot change the
// meaning of stored data. An Enum is immutable after NewEnum and safe for
// concurrent use. A nil *Enum declares no value: it parses and
// marshals nothing (errors matching ErrInvalid) and writes every value as
// Enum(number).
type Enum[E ~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64] struct {
	typ    string
	first  E
	names  []string // names[i] is the name of first+i
	byName map[string]E
}

// NewEnum returns the name table of the enum type E whose values are
// first, first+1, ... named by names in that order. typeName (such as
// "Stage", as the Go type is named) names the type in errors and in the String of an
// undeclared value ("Stage(9)"). When first is above zero, the zero
// value is the explicit unset, written Unset. It panics, at package
// initialisation, on a programmer error in the table: no names, a first
// value below zero, an empty or duplicate name, or a declared value named
// Unset.
func NewEnum[E ~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64](typeName string, first E, names ...string) *Enum[E] {
	if len(names) == 0 || first < 0 {
		panic("crmkit: NewEnum " + typeName + ": no names or a negative first value")
	}
	t := &Enum[E]{typ: typeName, first: first, names: slices.Clone(names), byName: make(map[string]E, len(names)+1)}
	for i, n := range names {
		v := first + E(i)
		if v < first {
			panic("crmkit: NewEnum " + typeName + ": too many names for the type")
		}
		if _, dup := t.byName[n]; dup || n == "" || n == Unset {
			panic(fmt.Sprintf("crmkit: NewEnum %s: name %q is empty, a duplicate or %q", typeName, n, Unset))
		}
		t.byName[n] = v
	}
	if first > 0 {
		t.byName[Unset] = 0
	}
	return t
}

// name returns v's text and whether v has one: a declared value, or zero
// when zero is the unset.
func (t *Enum[E]) name(v E) (string, bool) {
	if t == nil {
		return "", false
	}
	if v >= t.first && uint64(v-t.first) < uint64(len(t.names)) {
		return t.names[v-t.first], true
	}
	if v == 0 && t.first > 0 {
		return Unset, true
	}
	return "", false
}

// String returns v's text form, or typeName(number) for a value that is
// not declared (which has no text form).
func (t *Enum[E]) String(v E) string {
	if n, ok := t.name(v); ok {
		return n
	}
	return fmt.Sprintf("%s(%d)", t.typeName(), v)
}

// typeName returns the type's name for messages ("Enum" for a nil table).
func (t *Enum[E]) typeName() string {
	if t == nil {
		return "Enum"
	}
	return t.typ
}

// Valid reports whether v is one of the declared values. The unset zero
// is not valid: it has a text form, but is no value.
func (t *Enum[E]) Valid(v E) bool {
	return t != nil && v >= t.first && uint64(v-t.first) < uint64(len(t.names))
}

// Values returns the declared values in order (without the unset zero).
func (t *Enum[E]) Values() []E {
	if t == nil {
		return nil
	}
	out := make([]E, len(t.names))
	for i := range out {
		out[i] = t.first + E(i)
	}
	return out
}

// Index returns the declared names indexed by value: Index()[v] is the
// name of v for every declared v, and "" for the values below the first
// declared one (the unset zero among them). It is the form a state machine
// compiled from names takes (state i is named Index()[i]).
func (t *Enum[E]) Index() []string {
	if t == nil {
		return nil
	}
	out := make([]string, int(t.first)+len(t.names))
	copy(out[t.first:], t.names)
	return out
}

// MarshalText returns v's text form: its name, or Unset for the unset
// zero. A value that is not declared is an error matching ErrInvalid.
func (t *Enum[E]) MarshalText(v E) ([]byte, error) {
	if n, ok := t.name(v); ok {
		return []byte(n), nil
	}
	return nil, Invalid(t.typeName(), "%d is not a declared value", v)
}

// Parse returns the value whose text form is exactly s (one value, one
// form); Unset gives the unset zero. Any other text is an error matching
// ErrInvalid.
func (t *Enum[E]) Parse(s string) (E, error) {
	if t == nil {
		return 0, Invalid("Enum", "unknown value %q of a nil Enum", s)
	}
	if v, ok := t.byName[s]; ok {
		return v, nil
	}
	return 0, Invalid(t.typ, "unknown %s %q", t.typ, s)
}

// UnmarshalText sets *dst to the value whose text form is b, as Parse
// reads it. Unknown text, or a nil dst, is an error matching ErrInvalid
// that leaves *dst unchanged.
func (t *Enum[E]) UnmarshalText(b []byte, dst *E) error {
	if dst == nil {
		return Invalid(t.typeName(), "nil destination")
	}
	v, err := t.Parse(string(b))
	if err != nil {
		return err
	}
	*dst = v
	return nil
}

// Flags is the name table of a bit-set type E, whose declared values are
// single bits 1, 2, 4, ... that combine (an account that is a customer and
// a partner). Its text form lists the set bits' names in bit order joined
// by "|", such as "customer|partner", and the empty set is "none". Like
// Enum, it is the one place the names are written, and encoding uses the
// names, never the bit positions. A nil *Flags declares no bit: only the
// empty set is valid, and only "none" parses.
type Flags[E ~uint8 | ~uint16 | ~uint32 | ~uint64] struct {
	typ   string
	names []string // names[i] is the name of bit 1<<i
	all   E
}

// NoFlags is the text form of an empty Flags set: "none".
const NoFlags = "none"

// NewFlags returns the name table of the bit set E whose bits 1<<0,
// 1<<1, ... are named by names in that order. It panics, at package
// initialisation, on a programmer error in the table: no names, more
// names than E has bits, or an empty, duplicate, "none" or "|"-holding
// name.
func NewFlags[E ~uint8 | ~uint16 | ~uint32 | ~uint64](typeName string, names ...string) *Flags[E] {
	var zero E
	if len(names) == 0 || len(names) > int(bitsOf(zero)) {
		panic("crmkit: NewFlags " + typeName + ": no names or more names than bits")
	}
	f := &Flags[E]{typ: typeName, names: slices.Clone(names)}
	for i, n := range names {
		if n == "" || n == NoFlags || strings.Contains(n, "|") || slices.Index(names, n) != i {
			panic(fmt.Sprintf("crmkit: NewFlags %s: name %q is empty, a duplicate, %q or holds \"|\"", typeName, n, NoFlags))
		}
		f.all |= 1 << i
	}
	return f
}

// bitsOf returns the number of bits of E.
func bitsOf[E ~uint8 | ~uint16 | ~uint32 | ~uint64](E) uint {
	n := uint(0)
	for v := ^E(0); v != 0; v >>= 1 {
		n++
	}
	return n
}

// Valid reports whether v holds only declared bits (the empty set
// included).
func (f *Flags[E]) Valid(v E) bool { return v&^f.declared() == 0 }

// declared returns the set of all declared bits (none for a nil table).
func (f *Flags[E]) declared() E {
	if f == nil {
		return 0
	}
	return f.all
}

// table returns the type's name and bit names ("Flags" and none for a nil
// table).
func (f *Flags[E]) table() (string, []string) {
	if f == nil {
		return "Flags", nil
	}
	return f.typ, f.names
}

// String returns v's text form, such as "customer|partner" or "none"; an
// undeclared bit shows as typeName(0x..).
func (f *Flags[E]) String(v E) string {
	if v == 0 {
		return NoFlags
	}
	var parts []string
	typ, names := f.table()
	for i, n := range names {
		if v&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	if rest := v &^ f.declared(); rest != 0 {
		parts = append(parts, fmt.Sprintf("%s(%#x)", typ, uint64(rest)))
	}
	return strings.Join(parts, "|")
}

// Names returns the names of v's declared bits in bit order (none for
// the empty set).
func (f *Flags[E]) Names(v E) []string {
	out := []string{}
	_, names := f.table()
	for i, n := range names {
		if v&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// MarshalText returns v's text form as String writes it. A set with an
// undeclared bit is an error matching ErrInvalid.
func (f *Flags[E]) MarshalText(v E) ([]byte, error) {
	if !f.Valid(v) {
		typ, _ := f.table()
		return nil, Invalid(typ, "%#x holds an undeclared %s", uint64(v), typ)
	}
	return []byte(f.String(v)), nil
}

// Parse reads the text form String writes: NoFlags, or names joined by "|"
// in any order, each at most once. Other text is an error matching
// ErrInvalid.
func (f *Flags[E]) Parse(s string) (E, error) {
	if s == NoFlags {
		return 0, nil
	}
	var v E
	typ, names := f.table()
	for part := range strings.SplitSeq(s, "|") {
		i := slices.Index(names, part)
		if i < 0 || v&(1<<i) != 0 {
			return 0, Invalid(typ, "%q is not a set of %s names", s, typ)
		}
		v |= 1 << i
	}
	return v, nil
}

// UnmarshalText sets *dst to the set Parse reads from b. Unknown text, or
// a nil dst, is an error matching ErrInvalid that leaves *dst unchanged.
func (f *Flags[E]) UnmarshalText(b []byte, dst *E) error {
	if dst == nil {
		typ, _ := f.table()
		return Invalid(typ, "nil destination")
	}
	v, err := f.Parse(string(b))
	if err != nil {
		return err
	}
	*dst = v
	return nil
}
