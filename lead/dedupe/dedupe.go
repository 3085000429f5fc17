package dedupe

import (
	"slices"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/internal/contactkey"
)

// defaultFreeMail lists widely used free-mail domains. Addresses at these
// domains identify a person, not a company.
var defaultFreeMail = [...]string{
	"gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de",
	"ymail.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr", "hotmail.de", "outlook.com",
	"live.com", "msn.com", "aol.com", "icloud.com", "me.com", "mac.com", "gmx.com",
	"gmx.de", "gmx.net", "web.de", "t-online.de", "mail.com", "proton.me",
	"protonmail.com", "zoho.com", "yandex.ru", "yandex.com", "mail.ru", "qq.com",
	"163.com", "126.com", "sina.com", "freemail.hu", "citromail.hu", "orange.fr",
	"free.fr", "libero.it", "seznam.cz", "wp.pl", "o2.pl",
}

// DefaultFreeMailDomains returns the free-mail domains a zero Matcher uses.
func DefaultFreeMailDomains() []string { return slices.Clone(defaultFreeMail[:]) }

// KeyKind says what a dedupe Key compares.
type KeyKind uint8

// The kinds of dedupe keys.
const (
	// KeyEmail is a whole normalised e-mail address.
	KeyEmail KeyKind = iota + 1
	// KeyDomain is a company domain (from a company e-mail address or the
	// website).
	KeyDomain
	// KeyPhone is a normalised phone number.
	KeyPhone
)

// Key is a normalised identity key: two records sharing a key are
// duplicates.
type Key struct {
	Kind  KeyKind
	Value string
}

// String returns "kind:value".
func (k Key) String() string { return k.Kind.String() + ":" + k.Value }

// phoneKeyDigits is how many trailing digits of a phone number its key
// keeps: enough for a national number, so that "+36 1 234 5678" and
// "06 1 234 5678" match.
const phoneKeyDigits = 9

// minPhoneDigits is the fewest digits a phone number needs to be a key.
const minPhoneDigits = 7

// Matcher finds duplicate leads and matches leads to existing accounts
// and contacts by normalised keys:
//
//   - e-mail: trimmed and lower-cased, a "+tag" removed from the local part
//     (and, at gmail.com / googlemail.com, the dots, which Gmail ignores).
//     An address at a free-mail domain (gmail.com, ...) is a KeyEmail: it
//     matches the same address only. An address at any other domain is a
//     KeyEmail and also a KeyDomain: leads from the same company domain
//     match.
//   - website: the host name without scheme, "www.", port or path is a
//     KeyDomain (unless it is a free-mail domain).
//   - phone: the last 9 digits (all of them if fewer, at least 7), so that
//     international and national forms of a number match.
//
// The zero Matcher uses DefaultFreeMailDomains. A Matcher is read-only and
// safe for concurrent use.
type Matcher struct {
	// FreeMail lists free-mail domains (lower case); nil means
	// DefaultFreeMailDomains.
	FreeMail []string
}

func (m Matcher) isFreeMail(domain string) bool {
	if m.FreeMail == nil {
		return slices.Contains(defaultFreeMail[:], domain)
	}
	return slices.Contains(m.FreeMail, domain)
}

// NormalizeEmail returns the normalised form of an e-mail address (see
// Matcher) and false when it is not an address.
func NormalizeEmail(addr string) (string, bool) {
	local, domain, ok := contactkey.SplitEmail(strings.TrimSpace(addr))
	if !ok {
		return "", false
	}
	local = strings.ToLower(local)
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	if domain == "googlemail.com" {
		domain = "gmail.com"
	}
	if domain == "gmail.com" {
		local = strings.ReplaceAll(local, ".", "")
	}
	if local == "" {
		return "", false
	}
	return local + "@" + domain, true
}

// NormalizeDomain returns the host name of a website or domain ("https://
// www.Acme.com/about" -> "acme.com") and false when there is none.
func NormalizeDomain(site string) (string, bool) {
	s := strings.ToLower(strings.TrimSpace(site))
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.IndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "www."), ".")
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return "", false
	}
	for _, l := range labels {
		if l == "" {
			return "", false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c >= 0x80) {
				return "", false
			}
		}
	}
	return s, true
}

// NormalizePhone returns the phone key of a number (its last 9 digits, or
// all if fewer) and false when it has fewer than 7 digits.
func NormalizePhone(phone string) (string, bool) {
	d := strings.TrimPrefix(contactkey.PhoneDigits(phone), "+")
	if len(d) < minPhoneDigits {
		return "", false
	}
	if len(d) > phoneKeyDigits {
		d = d[len(d)-phoneKeyDigits:]
	}
	return d, true
}

// Keys returns the dedupe keys of p, in the order e-mail, domain(s),
// phone, without repeats.
func (m Matcher) Keys(p lead.Person) []Key {
	keys := make([]Key, 0, 4)
	add := func(k Key) {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	if e, ok := NormalizeEmail(p.Email); ok {
		add(Key{KeyEmail, e})
		if _, domain, _ := strings.Cut(e, "@"); !m.isFreeMail(domain) {
			add(Key{KeyDomain, domain})
		}
	}
	if d, ok := NormalizeDomain(p.Website); ok && !m.isFreeMail(d) {
		add(Key{KeyDomain, d})
	}
	if ph, ok := NormalizePhone(p.Phone); ok {
		add(Key{KeyPhone, ph})
	}
	return keys
}

// CompanyDomain returns the company domain of p: from a non-free-mail
// address, else from the website; "" when neither gives one.
func (m Matcher) CompanyDomain(p lead.Person) string {
	for _, k := range m.Keys(p) {
		if k.Kind == KeyDomain {
			return k.Value
		}
	}
	return ""
}

// DuplicateGroup is a set of leads that share keys, directly or through
// each other.
type DuplicateGroup struct {
	// Indices are positions in the input, ascending.
	Indices []int
	// Keys are the keys shared by at least two members, sorted.
	Keys []Key
}

// FindDuplicates groups the leads that share a key, transitively (a shares
// an e-mail with b, b a phone with c: one group). Leads without a duplicate
// are left out. Groups are ordered by their first index. The result
// depends only on the input, not on map order.
func (m Matcher) FindDuplicates(leads []lead.Lead) []DuplicateGroup {
	parent := make([]int, len(leads))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	first := make(map[Key]int, len(leads))
	shared := make(map[Key]bool)
	for i, l := range leads {
		for _, k := range m.Keys(l.Who) {
			j, seen := first[k]
			if !seen {
				first[k] = i
				continue
			}
			shared[k] = true
			a, b := find(i), find(j)
			if a != b {
				if a < b {
					parent[b] = a
				} else {
					parent[a] = b
				}
			}
		}
	}
	// A root is the smallest index of its group (unions keep the smaller
	// root), so sorting the roots orders groups by their first index.
	group := make(map[int]*DuplicateGroup)
	var roots []int
	for i := range leads {
		r := find(i)
		if r == i {
			continue
		}
		g, ok := group[r]
		if !ok {
			g = &DuplicateGroup{Indices: []int{r}}
			group[r] = g
			roots = append(roots, r)
		}
		g.Indices = append(g.Indices, i)
	}
	for k := range shared {
		g := group[find(first[k])]
		g.Keys = append(g.Keys, k)
	}
	slices.Sort(roots)
	out := make([]DuplicateGroup, 0, len(roots))
	for _, r := range roots {
		g := group[r]
		slices.SortFunc(g.Keys, func(a, b Key) int {
			if a.Kind != b.Kind {
				return int(a.Kind) - int(b.Kind)
			}
			return strings.Compare(a.Value, b.Value)
		})
		out = append(out, *g)
	}
	return out
}

var keyKindNames = crmkit.NewEnum("KeyKind", KeyEmail, "email", "domain", "phone")

// String returns "email", "domain", "phone", or "unset" for the zero
// KeyKind.
func (k KeyKind) String() string { return keyKindNames.String(k) }

// Valid reports whether k is one of the key kinds (not the unset zero).
func (k KeyKind) Valid() bool { return keyKindNames.Valid(k) }

// MarshalText implements encoding.TextMarshaler: the name String gives;
// an undeclared value is an error matching crmkit.ErrInvalid.
func (k KeyKind) MarshalText() ([]byte, error) { return keyKindNames.MarshalText(k) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a name
// String gives. Anything else is an error matching crmkit.ErrInvalid.
func (k *KeyKind) UnmarshalText(b []byte) error { return keyKindNames.UnmarshalText(b, k) }
