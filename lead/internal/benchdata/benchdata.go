// Package benchdata builds the lead set the lead/scoring and lead/routing
// benchmarks share: one million leads built once (outside the timer) from
// a seeded generator, so each b.N iteration scores or routes the next lead
// of the pre-built slice and ns/op and allocs/op are per lead.
package benchdata

import (
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/crmkit/crmkit/lead"
	"github.com/google/uuid"
)

// N is the number of leads Leads returns.
const N = 1_000_000

// At is the time the benchmarks score at; journeys lie in the year before it.
var At = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)

var (
	benchOnce sync.Once
	benchData []lead.Lead
)

// Leads returns a million leads, built once and shared (do not modify them), with realistic spreads: 13 sources,
// 6 countries, 8 industries, company sizes from 1 to 20 000, a segment and
// a language attribute, and journeys of 0 to 12 touches over a year.
func Leads() []lead.Lead {
	benchOnce.Do(func() {
		rng := rand.New(rand.NewPCG(1, 2))
		sources := lead.Channels()
		countries := []string{"de", "at", "ch", "fr", "es", "us"}
		industries := []string{"software", "retail", "banking", "insurance", "manufacturing", "health", "education", "public"}
		titles := []string{"vp sales", "head of it", "cto", "engineer", "analyst", "office manager"}
		segments := []string{"smb", "mid-market", "enterprise"}
		languages := []string{"de", "fr", "es", "en"}
		kinds := lead.TouchKinds()
		attrs := make([]map[string]string, 0, len(segments)*len(languages))
		for _, s := range segments {
			for _, l := range languages {
				attrs = append(attrs, map[string]string{"segment": s, "language": l})
			}
		}
		benchData = make([]lead.Lead, N)
		for i := range benchData {
			l := lead.Lead{
				ID:     uuid.UUID{12: byte(i >> 24), 13: byte(i >> 16), 14: byte(i >> 8), 15: byte(i)},
				Source: sources[rng.IntN(len(sources))],
				Who: lead.Person{
					Name: "lead", Title: titles[rng.IntN(len(titles))],
					Industry: industries[rng.IntN(len(industries))], Country: countries[rng.IntN(len(countries))],
					CompanySize: 1 + rng.IntN(20000), Attributes: attrs[rng.IntN(len(attrs))],
				},
				Stage:     lead.StageMQL,
				CreatedAt: At.AddDate(-1, 0, 0),
			}
			n := rng.IntN(13)
			l.Journey = make([]lead.Touchpoint, n)
			for j := range l.Journey {
				l.Journey[j] = lead.Touchpoint{
					Channel: sources[rng.IntN(len(sources))], Kind: kinds[rng.IntN(len(kinds))],
					At: At.Add(-time.Duration(rng.Int64N(int64(365 * 24 * time.Hour)))),
				}
			}
			slices.SortFunc(l.Journey, func(a, b lead.Touchpoint) int { return a.At.Compare(b.At) })
			switch rng.IntN(10) {
			case 0, 1:
				l.Stage = lead.StageConverted
			case 2, 3, 4:
				l.Stage = lead.StageDisqualified
			}
			benchData[i] = l
		}
	})
	return benchData
}
