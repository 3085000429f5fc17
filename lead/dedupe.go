package lead

import (
	"strings"
)

// splitEmail splits a trimmed address into its local part and its
// lower-cased domain; ok is false unless there is exactly one "@" with a
// non-empty local part and a domain containing a dot between non-empty
// labels, and no spaces.
func splitEmail(addr string) (local, domain string, ok bool) {
	local, domain, found := strings.Cut(addr, "@")
	if !found || local == "" || domain == "" || strings.Contains(domain, "@") ||
		strings.ContainsAny(addr, " \t\r\n<>,;") {
		return "", "", false
	}
	domain = strings.ToLower(strings.TrimSuffix(domain, "."))
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return "", "", false
	}
	for _, l := range labels {
		if l == "" {
			return "", "", false
		}
	}
	return local, domain, true
}

// normalizePhone keeps the digits of a phone number, with a leading "+" if
// it had one ("00" as an international prefix becomes "+"). It returns ""
// when there are no digits.
func normalizePhone(p string) string {
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
