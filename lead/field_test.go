package lead_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit/lead"
)

func TestCanonicalName(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"Live Chat", "live_chat", true},
		{"  E-mail  ", "e_mail", true},
		{"partner.portal/EU", "partner_portal_eu", true},
		{"a -- b", "a_b", true},  // a run of separators is one underscore
		{"_lead_", "lead", true}, // no leading or trailing underscore
		{"", "", false},
		{"   ", "", false},
		{"-/.", "", false},  // only separators: empty
		{"café", "", false}, // not ASCII
		{"a+b", "", false},  // not a separator
		{strings.Repeat("x", 65), "", false},
		{strings.Repeat("x", 64), strings.Repeat("x", 64), true},
	} {
		got, ok := lead.CanonicalName(c.in)
		assert.Equal(t, c.ok, ok, "%q", c.in)
		if c.ok {
			assert.Equal(t, c.want, got, "%q", c.in)
		}
	}
}

// TestPropertyCanonicalName: a canonical name holds only lower-case ASCII
// letters, digits and single inner underscores, and is its own canonical
// form.
func TestPropertyCanonicalName(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := rapid.StringMatching(`[A-Za-z0-9 ._/-]{0,70}`).Draw(t, "name")
		c, ok := lead.CanonicalName(in)
		if !ok {
			return
		}
		for _, r := range c {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
				t.Fatalf("%q -> %q holds %q", in, c, r)
			}
		}
		if strings.HasPrefix(c, "_") || strings.HasSuffix(c, "_") || strings.Contains(c, "__") {
			t.Fatalf("%q -> %q has an outer or doubled underscore", in, c)
		}
		again, ok := lead.CanonicalName(c)
		if !ok || again != c {
			t.Fatalf("%q -> %q -> %q, %v", in, c, again, ok)
		}
	})
}
