package crmkit

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// Erased is the text that takes the place of erased personal data in
// free text (a reason, a note) and in a field that may not be empty (a
// lead's or contact's name).
const Erased = "(erased)"

// minScrubLen is the shortest personal text ScrubText replaces inside
// longer text: a shorter one ("Al", "Li") is replaced only where it is a
// whole string, so that an erasure cannot mangle stage names, codes or
// other short words that merely contain it.
const minScrubLen = 4

// ScrubText returns s with every occurrence of each of the personal
// texts replaced by Erased: a text of at least four bytes
// wherever it occurs (case-insensitively), a shorter one only when it is
// the whole of s. Empty texts are ignored. It is the one rule by which
// an erasure of a person removes them from free text.
func ScrubText(s string, personal []string) string {
	if s == "" {
		return s
	}
	for _, p := range personal {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if strings.EqualFold(strings.TrimSpace(s), p) {
			return Erased
		}
		if len(p) < minScrubLen {
			continue
		}
		s = replaceFold(s, p, Erased)
	}
	return s
}

// replaceFold replaces every case-insensitive occurrence of old in s.
func replaceFold(s, old, repl string) string {
	ls, lo := strings.ToLower(s), strings.ToLower(old)
	if len(ls) != len(s) || len(lo) != len(old) {
		// Lower-casing changed byte lengths: positions would not map
		// back, so replace exact occurrences only.
		return strings.ReplaceAll(s, old, repl)
	}
	if !strings.Contains(ls, lo) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(ls, lo)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, ls = s[i+len(old):], ls[i+len(old):]
	}
}

// scrubJSON returns the JSON document raw with every string in it (values,
// not keys) passed through ScrubText, and whether anything changed. A
// document that is not JSON is returned unchanged with false.
func scrubJSON(raw json.RawMessage, personal []string) (json.RawMessage, bool) {
	if len(raw) == 0 {
		return raw, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return raw, false
	}
	v, changed := scrubValue(v, personal)
	if !changed {
		return raw, false
	}
	out, err := json.Marshal(v)
	if err != nil {
		return raw, false
	}
	return out, true
}

func scrubValue(v any, personal []string) (any, bool) {
	switch x := v.(type) {
	case string:
		s := ScrubText(x, personal)
		return s, s != x
	case []any:
		changed := false
		for i := range x {
			var c bool
			if x[i], c = scrubValue(x[i], personal); c {
				changed = true
			}
		}
		return x, changed
	case map[string]any:
		changed := false
		for k := range x {
			var c bool
			if x[k], c = scrubValue(x[k], personal); c {
				changed = true
			}
		}
		return x, changed
	}
	return v, false
}

// Scrub returns e with its Reason and every string of its Payload passed
// through ScrubText, and whether anything changed. Its ID, aggregate,
// type, actor, time, version and From and To (states, not free text)
// stay: an erasure keeps the history's shape, so every report computed
// from it is the same. e is unchanged.
func (e Event) Scrub(personal []string) (Event, bool) {
	out := e
	out.Reason = ScrubText(e.Reason, personal)
	p, changed := scrubJSON(e.Payload, personal)
	if changed {
		out.Payload = p
	} else {
		out.Payload = slices.Clone(e.Payload)
	}
	return out, changed || out.Reason != e.Reason
}

// PersonalTexts returns the string values of the given keys found
// anywhere in the JSON document raw (in objects at any depth), without
// repeats: the personal data an event payload holds under names such as
// "name", "email" and "phone".
func PersonalTexts(raw json.RawMessage, keys ...string) []string {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return nil
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && slices.Contains(keys, k) && strings.TrimSpace(s) != "" && s != Erased && !slices.Contains(out, s) {
					out = append(out, s)
				}
				walk(e)
			}
		}
	}
	walk(v)
	return out
}
