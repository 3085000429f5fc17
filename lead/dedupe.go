package lead

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
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
	// At least two labels, none empty: a dot, not first, not last, not
	// doubled.
	if !strings.Contains(domain, ".") || domain[0] == '.' || domain[len(domain)-1] == '.' || strings.Contains(domain, "..") {
		return "", "", false
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
	local, domain, ok := splitEmail(strings.TrimSpace(addr))
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
	d := strings.TrimPrefix(normalizePhone(phone), "+")
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
func (m Matcher) Keys(p Person) []Key {
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

// companyDomain returns the company domain of p: from a non-free-mail
// address, else from the website.
func (m Matcher) companyDomain(p Person) string {
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
func (m Matcher) FindDuplicates(leads []Lead) []DuplicateGroup {
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

// mergeRank orders stages for Merge: the merged lead takes the stage
// furthest along, where a fresh Suspect revives a Disqualified lead.
var mergeRank = [numStages]int{
	StageDisqualified: 0, StageSuspect: 1, StageNurture: 2, StageMQL: 3, StageSQL: 4, StageConverted: 5,
}

// MergePayload is the payload of a EventLeadsMerged event.
type MergePayload struct {
	// Merged are the IDs of the leads merged in by this event.
	Merged []uuid.UUID `json:"merged"`
}

// Merge merges duplicate leads into one (found, for example, by
// FindDuplicates) and returns it with its EventLeadsMerged event and true.
//
// The survivor is the lead created first (ties: the smaller ID); it keeps
// its ID, creation time, source and event kind. Empty fields of the
// survivor (identity, attributes, referrer, campaign, owner) are filled
// from the others in creation order. The journey is the union of all
// touchpoints in time order, identical touches once. The stage is the one
// furthest along (Converted > SQL > MQL > Nurture > Suspect > Disqualified:
// new interest revives a disqualified person), with its stage time, reason
// and revisit date; the temperature is the hottest and BuyBy the earliest
// stated. MergedFrom lists every merged ID. Versions of the same lead may
// be given: the highest version is used.
//
// Merge is order-independent (any order of the same leads gives the same
// lead) and idempotent: when the merge changes nothing (by Lead.Equal) (the others are
// already merged in), it returns the survivor unchanged, the zero Event and
// false. Otherwise the version is the survivor's plus one, the time c.At
// and the event carries c's By, At and Reason; From and To carry the stage
// when it changed.
//
// Errors: no leads or an invalid one (crmkit.ErrInvalid); two different
// conversions, or two leads with the same ID and version that differ in
// meaning (crmkit.ErrConflict; compared with Lead.Equal, so a copy read
// back from a store, in another zone or with nil for empty, is the same
// lead); a command crmkit.Cmd.Validate refuses or a c.At before a lead's
// last change (crmkit.ErrInvalid).
func Merge(c crmkit.Cmd, leads ...Lead) (Lead, crmkit.Event, bool, error) {
	if err := c.Validate(); err != nil {
		return Lead{}, crmkit.Event{}, false, fmt.Errorf("merge leads: %w", err)
	}
	if len(leads) == 0 {
		return Lead{}, crmkit.Event{}, false, crmkit.Invalid("leads", "nothing to merge")
	}
	for i, l := range leads {
		if err := l.validateForCommand(); err != nil {
			return Lead{}, crmkit.Event{}, false, fmt.Errorf("leads[%d]: %w", i, err)
		}
	}
	sorted := slices.Clone(leads)
	slices.SortStableFunc(sorted, func(a, b Lead) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		if c := bytes.Compare(a.ID[:], b.ID[:]); c != 0 {
			return c
		}
		return cmp.Compare(b.Version, a.Version)
	})
	for i := 1; i < len(sorted); i++ {
		a, b := sorted[i-1], sorted[i]
		if a.ID == b.ID && a.Version == b.Version && !a.Equal(b) {
			return Lead{}, crmkit.Event{}, false, fmt.Errorf("lead %s version %d given twice with different content: %w", a.ID, a.Version, crmkit.ErrConflict)
		}
	}
	base := sorted[0]
	out := base.Clone()
	var merged []uuid.UUID
	stageFrom := base
	for _, o := range sorted[1:] {
		if o.ID != base.ID && !slices.Contains(base.MergedFrom, o.ID) {
			merged = append(merged, o.ID)
		}
		fillPerson(&out.Who, o.Who)
		fillString(&out.ReferredBy, o.ReferredBy)
		fillString(&out.Campaign, o.Campaign)
		fillString(&out.Owner, o.Owner)
		if mergeRank[o.Stage] > mergeRank[stageFrom.Stage] {
			stageFrom = o
		}
		if o.Stage == StageConverted && stageFrom.Stage == StageConverted && o.Conversion != stageFrom.Conversion {
			return Lead{}, crmkit.Event{}, false, fmt.Errorf("leads %s and %s were converted separately: %w", stageFrom.ID, o.ID, crmkit.ErrConflict)
		}
		if o.Temperature > out.Temperature {
			out.Temperature = o.Temperature
		}
		if !o.BuyBy.IsZero() && (out.BuyBy.IsZero() || o.BuyBy.Before(out.BuyBy)) {
			out.BuyBy = o.BuyBy
		}
		if o.UpdatedAt.After(out.UpdatedAt) {
			out.UpdatedAt = o.UpdatedAt
		}
		out.Journey = append(out.Journey, o.Journey...)
		out.MergedFrom = append(out.MergedFrom, o.MergedFrom...)
		if o.ID != base.ID {
			out.MergedFrom = append(out.MergedFrom, o.ID)
		}
	}
	out.Stage, out.StageAt, out.Reason = stageFrom.Stage, stageFrom.StageAt, stageFrom.Reason
	out.RevisitAt, out.NurturedBy, out.Conversion = stageFrom.RevisitAt, stageFrom.NurturedBy, stageFrom.Conversion
	slices.SortStableFunc(out.Journey, compareTouch)
	out.Journey = slices.CompactFunc(out.Journey, sameTouch)
	slices.SortFunc(out.MergedFrom, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	out.MergedFrom = slices.Compact(out.MergedFrom)
	if len(out.Journey) == 0 {
		out.Journey = base.Journey
	}
	if len(out.MergedFrom) == 0 {
		out.MergedFrom = base.MergedFrom
	}
	if out.Equal(base) {
		return base, crmkit.Event{}, false, nil
	}
	now := c.At
	if now.Before(out.UpdatedAt) {
		return Lead{}, crmkit.Event{}, false, crmkit.Invalid("at", "lead %s: now %s is before the last change %s", base.ID, now.Format(time.RFC3339), out.UpdatedAt.Format(time.RFC3339))
	}
	out.UpdatedAt = now
	out.Version = base.Version + 1
	slices.SortFunc(merged, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	merged = slices.Compact(merged)
	ev, err := c.NewEvent(LeadKind, out.ID, EventLeadsMerged, out.Version, MergePayload{Merged: merged})
	if err != nil {
		return Lead{}, crmkit.Event{}, false, err
	}
	ev.Reason = c.Reason
	if out.Stage != base.Stage {
		ev.From, ev.To = base.Stage.String(), out.Stage.String()
	}
	return out, ev, true, nil
}

func fillString(dst *string, src string) {
	if strings.TrimSpace(*dst) == "" && strings.TrimSpace(src) != "" {
		*dst = src
	}
}

// fillPerson fills dst's empty fields from src; dst.Attributes must not be
// shared with anyone.
func fillPerson(dst *Person, src Person) {
	fillString(&dst.Name, src.Name)
	fillString(&dst.Email, src.Email)
	fillString(&dst.Phone, src.Phone)
	fillString(&dst.Company, src.Company)
	fillString(&dst.Title, src.Title)
	fillString(&dst.Industry, src.Industry)
	fillString(&dst.Country, src.Country)
	fillString(&dst.Website, src.Website)
	if dst.CompanySize == 0 {
		dst.CompanySize = src.CompanySize
	}
	for k, v := range src.Attributes {
		if _, ok := dst.Attributes[k]; !ok {
			if dst.Attributes == nil {
				dst.Attributes = make(map[string]string, len(src.Attributes))
			}
			dst.Attributes[k] = v
		}
	}
}
