// Package accounttest provides pgregory.net/rapid generators of accounts,
// account hierarchies and monthly revenue histories for tests of code
// built on package account and on its value analytics (package
// account/value: a revenue history is what value.Classifier reads).
package accounttest

import (
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/google/uuid"
	"pgregory.net/rapid"
)

// ID draws a random, non-nil UUID from rapid's seeded source, so failing
// cases shrink and replay.
func ID() *rapid.Generator[uuid.UUID] {
	return rapid.Custom(func(t *rapid.T) uuid.UUID {
		var u uuid.UUID
		for i := range u {
			u[i] = rapid.Byte().Draw(t, fmt.Sprintf("b%d", i))
		}
		u[6] = u[6]&0x0f | 0x40 // version 4
		u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
		return u
	})
}

// Account draws a valid account without parent, departments or contacts;
// its company details (domain, website, industry, country, size) are
// each known or not.
func Account() *rapid.Generator[account.Account] {
	return rapid.Custom(func(t *rapid.T) account.Account {
		rel := account.Relation(rapid.IntRange(1, 15).Draw(t, "relations"))
		a := account.Account{
			ID:        ID().Draw(t, "id"),
			Name:      rapid.StringMatching(`[A-Z][a-z]{2,10}( GmbH| Ltd| Inc)?`).Draw(t, "name"),
			Owner:     rapid.SampledFrom([]string{"kam-1", "kam-2", "kam-3"}).Draw(t, "owner"),
			Segment:   rapid.SampledFrom([]string{"", "smb", "mid", "enterprise"}).Draw(t, "segment"),
			Relations: rel,
			Industry:  rapid.SampledFrom([]string{"", "software", "machinery", "retail"}).Draw(t, "industry"),
			Country:   rapid.SampledFrom([]string{"", "DE", "HU", "US"}).Draw(t, "country"),
			Size:      rapid.SampledFrom([]int{0, 1, 40, 250, 12000, account.MaxEmployees}).Draw(t, "size"),
			Version:   1,
		}
		if rapid.Bool().Draw(t, "hasDomain") {
			a.Domain = rapid.StringMatching(`[a-z][a-z0-9-]{1,12}\.(com|de|example)`).Draw(t, "domain")
			a.Website = "https://www." + a.Domain + "/"
		}
		return a
	})
}

// Hierarchy draws up to max valid accounts (at least one) forming a
// forest: each account's parent is nil or an account drawn before it, so
// there is never a cycle. Pass them to account.NewHierarchy.
func Hierarchy(max int) *rapid.Generator[[]account.Account] {
	return rapid.Custom(func(t *rapid.T) []account.Account {
		n := rapid.IntRange(1, max).Draw(t, "n")
		out := make([]account.Account, 0, n)
		seen := map[uuid.UUID]bool{}
		for i := range n {
			a := Account().Draw(t, fmt.Sprintf("account%d", i))
			if seen[a.ID] {
				continue
			}
			seen[a.ID] = true
			if len(out) > 0 && rapid.Bool().Draw(t, fmt.Sprintf("hasParent%d", i)) {
				a.Parent = out[rapid.IntRange(0, len(out)-1).Draw(t, fmt.Sprintf("parent%d", i))].ID
			}
			out = append(out, a)
		}
		return out
	})
}

// RevenueHistory draws months monthly revenues in cur, oldest first, each
// between 0 and maxMinor minor units (some months zero). months <= 0
// gives the empty history.
func RevenueHistory(cur crmkit.Currency, months int, maxMinor int64) *rapid.Generator[[]crmkit.Money] {
	if months <= 0 {
		return rapid.Just([]crmkit.Money{})
	}
	return rapid.Custom(func(t *rapid.T) []crmkit.Money {
		out := make([]crmkit.Money, months)
		for i := range out {
			v := int64(0)
			if rapid.IntRange(0, 4).Draw(t, fmt.Sprintf("active%d", i)) > 0 {
				v = rapid.Int64Range(0, maxMinor).Draw(t, fmt.Sprintf("m%d", i))
			}
			m, err := crmkit.NewMoney(v, cur)
			if err != nil {
				t.Fatalf("revenue: %v", err)
			}
			out[i] = m
		}
		return out
	})
}
