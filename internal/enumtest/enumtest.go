// Package enumtest checks that an enum follows crmkit's one enum pattern
// (see crmkit.Enum): every value it declares, and its unset zero, has one
// text form that round-trips through MarshalText/UnmarshalText and JSON;
// every other number has none and is refused with crmkit.ErrInvalid.
package enumtest

import (
	"encoding"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
)

// Enum is what an enum type of crmkit provides.
type Enum interface {
	~uint8
	encoding.TextMarshaler
	String() string
	Valid() bool
}

// Check tests every uint8 value of E. declared is the number of values E
// declares, counted by hand; unset says whether the zero value is the
// explicit unset (rather than a declared value). It returns the text forms
// in numeric order, for the caller to compare with the names it expects.
func Check[E Enum, P interface {
	*E
	encoding.TextUnmarshaler
}](t testing.TB, declared int, unset bool) []string {
	t.Helper()
	var texts []string
	valid := 0
	for n := range 256 {
		v := E(n)
		b, err := v.MarshalText()
		if v.Valid() {
			valid++
		}
		hasText := v.Valid() || (n == 0 && unset)
		if !hasText {
			if !errors.Is(err, crmkit.ErrInvalid) {
				t.Errorf("%T(%d): MarshalText gave %q, %v; want an error matching ErrInvalid", v, n, b, err)
			}
			if _, err := json.Marshal(v); err == nil {
				t.Errorf("%T(%d): encoded as JSON", v, n)
			}
			if !strings.HasSuffix(v.String(), ")") {
				t.Errorf("%T(%d): String %q does not show the number", v, n, v.String())
			}
			continue
		}
		if err != nil {
			t.Errorf("%T(%d): MarshalText: %v", v, n, err)
			continue
		}
		if n == 0 && unset && (string(b) != crmkit.Unset || v.Valid()) {
			t.Errorf("%T(0): text %q, Valid %v; want %q, false", v, b, v.Valid(), crmkit.Unset)
		}
		if v.String() != string(b) {
			t.Errorf("%T(%d): String %q, text %q", v, n, v.String(), b)
		}
		texts = append(texts, string(b))
		var back E
		if err := P(&back).UnmarshalText(b); err != nil || back != v {
			t.Errorf("%T(%d): text %q reads back as %d, %v", v, n, b, back, err)
		}
		j, err := json.Marshal(v)
		if err != nil || string(j) != `"`+string(b)+`"` {
			t.Errorf("%T(%d): JSON %s, %v; want the text as a JSON string", v, n, j, err)
		}
		back = 0
		if err := json.Unmarshal(j, &back); err != nil || back != v {
			t.Errorf("%T(%d): JSON %s reads back as %d, %v", v, n, j, back, err)
		}
		if err := json.Unmarshal([]byte(`"`+strings.ToUpper(string(b))+`x"`), &back); err == nil {
			t.Errorf("%T: unknown text accepted", v)
		}
	}
	if valid != declared {
		t.Errorf("%T: %d valid values, want %d", E(0), valid, declared)
	}
	var zero E
	if err := json.Unmarshal([]byte("1"), &zero); err == nil {
		t.Errorf("%T: a position number read as a value", zero)
	}
	before := E(1)
	if err := P(&before).UnmarshalText([]byte("no such value")); !errors.Is(err, crmkit.ErrInvalid) || before != 1 {
		t.Errorf("%T: unknown text gave %v and changed the value to %d", zero, err, before)
	}
	return texts
}
