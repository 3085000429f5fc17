// Package contactkey holds the parsing of e-mail addresses and phone
// numbers that package lead validates with and package lead/dedupe
// normalises with, so that both read an address or a number the same way.
package contactkey

import "strings"

// SplitEmail splits a trimmed address into its local part and its
// lower-cased domain; ok is false unless there is exactly one "@" with a
// non-empty local part and a domain containing a dot between non-empty
// labels, and no spaces.
func SplitEmail(addr string) (local, domain string, ok bool) {
	local, domain, found := strings.Cut(addr, "@")
	if !found || local == "" || domain == "" || strings.Contains(domain, "@") ||
		strings.ContainsAny(addr, " \t\r\n<>,;") {
		return "", "", false
	}
	domain = strings.ToLower(strings.TrimSuffix(domain, "."))
	// At least two labels, none empty: a dot, not first, not last, not
	// doubled.
	if !strings.Contains(domain, ".") || domain[0] == '.' || domain[len(domain)-1] == '.' || strings.Contains(domain, "..") {
		return "", "", false
	}
	return local, domain, true
}

// PhoneDigits keeps the digits of a phone number, with a leading "+" if
// it had one ("00" as an international prefix becomes "+"). It returns ""
// when there are no digits.
func PhoneDigits(p string) string {
	p = strings.TrimSpace(p)
	var b strings.Builder
	b.Grow(len(p))
	plus := strings.HasPrefix(p, "+")
	for i := 0; i < len(p); i++ {
		if c := p[i]; c >= '0' && c <= '9' {
			b.WriteByte(c)
		}
	}
	d := b.String()
	if d == "" {
		return ""
	}
	if !plus && strings.HasPrefix(d, "00") && len(d) > 2 {
		d, plus = d[2:], true
	}
	if plus {
		return "+" + d
	}
	return d
}
