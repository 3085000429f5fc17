package crmkit_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestScrubText(t *testing.T) {
	personal := []string{"Ada Lovelace", "ada@example.org", "Al"}
	for _, c := range []struct{ in, want string }{
		{"call Ada Lovelace back", "call (erased) back"},
		{"ADA LOVELACE said no", "(erased) said no"},
		{"mail ada@example.org and Ada Lovelace", "mail (erased) and (erased)"},
		{"Al", "(erased)"},                         // a short text only as a whole
		{"qualified by Alan", "qualified by Alan"}, // never inside a word
		{"", ""},
		{"nothing personal", "nothing personal"},
	} {
		assert.Equal(t, c.want, crmkit.ScrubText(c.in, personal), c.in)
	}
	assert.Equal(t, "x", crmkit.ScrubText("x", []string{"", "  "}))
}

func TestScrubJSONAndEvent(t *testing.T) {
	raw := json.RawMessage(`{"who":{"name":"Ada Lovelace","size":12},"notes":["met Ada Lovelace",3.50],"stage":"mql"}`)
	// The payload alone (no reason to scrub): every string value goes
	// through ScrubText, keys and numbers keep their spelling.
	scrubPayload := func(raw json.RawMessage, personal []string) (json.RawMessage, bool) {
		s, changed := crmkit.Event{Payload: raw}.Scrub(personal)
		return s.Payload, changed
	}
	out, changed := scrubPayload(raw, []string{"Ada Lovelace"})
	require.True(t, changed)
	assert.JSONEq(t, `{"who":{"name":"(erased)","size":12},"notes":["met (erased)",3.50],"stage":"mql"}`, string(out))
	assert.Contains(t, string(out), "3.50", "numbers keep their spelling")
	same, changed := scrubPayload(raw, []string{"Grace"})
	assert.False(t, changed)
	assert.Equal(t, string(raw), string(same))
	_, changed = scrubPayload(json.RawMessage(`not json`), []string{"x"})
	assert.False(t, changed)

	e := crmkit.Event{Type: "LeadAssigned", From: "ana", To: "bob", Reason: "Ada Lovelace asked", Payload: raw}
	s, changed := e.Scrub([]string{"Ada Lovelace"})
	require.True(t, changed)
	assert.Equal(t, "(erased) asked", s.Reason)
	assert.Equal(t, "ana", s.From)
	assert.Equal(t, "Ada Lovelace asked", e.Reason, "input unchanged")
	assert.Equal(t, []string{"Ada Lovelace"}, crmkit.PersonalTexts(raw, "name"))
	assert.Empty(t, crmkit.PersonalTexts(raw, "email"))
}

// A scrubbed text holds no personal text of four bytes or more,
// in any case.
func TestPropertyScrubRemoves(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := rapid.StringMatching(`[a-zA-Z@.]{4,12}`).Draw(t, "personal")
		parts := rapid.SliceOf(rapid.StringMatching(`[a-z ]{0,6}`)).Draw(t, "parts")
		s := strings.Join(parts, p)
		got := crmkit.ScrubText(s, []string{p})
		if strings.Contains(strings.ToLower(got), strings.ToLower(p)) && !strings.Contains(strings.ToLower(crmkit.Erased), strings.ToLower(p)) {
			t.Fatalf("ScrubText(%q, %q) = %q", s, p, got)
		}
	})
}
