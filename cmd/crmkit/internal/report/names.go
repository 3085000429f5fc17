package report

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// looseKey is the key under which names are near-duplicates: lower case,
// without spaces or punctuation ("GTX Pro", "GTXPro" and "gtx-pro" share
// one).
func looseKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// tidy trims a name and collapses inner runs of spaces; names are matched
// exactly after tidy (and -map), and near-duplicates are reported.
func tidy(s string) string { return strings.Join(strings.Fields(s), " ") }

// nameMap is the -map flag: from=to pairs applied to every name read.
type nameMap map[string]string

func (m nameMap) String() string { return "" }

func (m nameMap) Set(v string) error {
	from, to, ok := strings.Cut(v, "=")
	from, to = tidy(from), tidy(to)
	if !ok || from == "" || to == "" {
		return fmt.Errorf("want from=to, got %q", v)
	}
	m[from] = to
	return nil
}

// Spelling is one way a name is written, where, and in how many rows.
type Spelling struct {
	Name  string         `json:"name"`
	Files map[string]int `json:"rows_by_file"`
}

// NearDuplicate is a name written in more than one way (differing only
// in case, spaces or punctuation). Unless -fold-names or -map joins them
// they are counted as different names.
type NearDuplicate struct {
	Kind      string     `json:"kind"`
	Spellings []Spelling `json:"spellings"`
	Merged    bool       `json:"merged"`
}

// names records every spelling of every name of a kind (rep, product,
// account, ...) across the files, so that near-duplicates are found
// between files too (a product spelled one way in the deals and another
// in the price list).
type names struct {
	mapping nameMap
	fold    bool
	seen    map[string]map[string]map[string]map[string]int // kind -> loose -> spelling -> file -> rows
	// canon is the spelling a loose key is counted under with -fold-names.
	canon map[string]map[string]string
}

func newNames(m nameMap, fold bool) *names {
	return &names{mapping: m, fold: fold, seen: map[string]map[string]map[string]map[string]int{}}
}

// add records raw and returns the name it counts as: tidied and mapped.
func (n *names) add(kind, file, raw string) string {
	s := tidy(raw)
	if to, ok := n.mapping[s]; ok {
		s = to
	}
	if s == "" {
		return ""
	}
	k := looseKey(s)
	if n.seen[kind] == nil {
		n.seen[kind] = map[string]map[string]map[string]int{}
	}
	if n.seen[kind][k] == nil {
		n.seen[kind][k] = map[string]map[string]int{}
	}
	if n.seen[kind][k][s] == nil {
		n.seen[kind][k][s] = map[string]int{}
	}
	n.seen[kind][k][s][file]++
	return s
}

// resolveFold fixes, for -fold-names, the spelling each near-duplicate
// set counts under: the one in the most rows (the first in order on a tie).
func (n *names) resolveFold() {
	n.canon = map[string]map[string]string{}
	for kind, byKey := range n.seen {
		n.canon[kind] = map[string]string{}
		for k, sp := range byKey {
			best, bestN := "", -1
			for s, files := range sp {
				c := 0
				for _, r := range files {
					c += r
				}
				if c > bestN || c == bestN && s < best {
					best, bestN = s, c
				}
			}
			n.canon[kind][k] = best
		}
	}
}

// final is the name s (as add returned it) is counted under.
func (n *names) final(kind, s string) string {
	if !n.fold || s == "" {
		return s
	}
	if c, ok := n.canon[kind][looseKey(s)]; ok {
		return c
	}
	return s
}

func (n *names) nearDuplicates() []NearDuplicate {
	var out []NearDuplicate
	kinds := make([]string, 0, len(n.seen))
	for k := range n.seen {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, kind := range kinds {
		keys := make([]string, 0, len(n.seen[kind]))
		for k := range n.seen[kind] {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			sp := n.seen[kind][k]
			if len(sp) < 2 {
				continue
			}
			d := NearDuplicate{Kind: kind, Merged: n.fold}
			for s, files := range sp {
				d.Spellings = append(d.Spellings, Spelling{Name: s, Files: files})
			}
			slices.SortFunc(d.Spellings, func(a, b Spelling) int { return strings.Compare(a.Name, b.Name) })
			out = append(out, d)
		}
	}
	return out
}
