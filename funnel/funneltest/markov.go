package funneltest

import (
	"iter"
	"math/rand/v2"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
)

// Markov describes a history whose true rates are known, to test
// forecasts against: deals are created as a Poisson process, enter the
// first stage at once, and from each stage i either move on (to stage
// i+1, or are won from the last stage) with probability Advance[i] or are
// lost, after an exponential stay of mean MeanStay[i]. Amounts are
// uniform in [MinAmount, MaxAmount] minor units; owners and deal types
// are drawn uniformly. Each deal gets an expected close date (created +
// the sum of the mean stays) and activities as a Poisson process of
// ActivityPerDay while open.
//
// AmountEffect, when not zero, makes the chance to move on depend on the
// amount: Advance[i] + AmountEffect × (x - 0.5), clamped to [0, 1], where
// x in [0, 1] is the amount's position in its range (a positive effect:
// large deals win more often). With it zero the history is exactly the
// Markov chain above.
type Markov struct {
	Pipeline *deal.Pipeline
	Advance  []float64
	MeanStay []time.Duration
	// PerDay is the number of deals created per day on average.
	PerDay float64
	// Start and End bound the history: deals are created from Start, and
	// no record is at or after End.
	Start, End           time.Time
	MinAmount, MaxAmount int64
	Currency             crmkit.Currency
	Owners, Types        []string
	ActivityPerDay       float64
	AmountEffect         float64
	// Seed makes the history reproducible.
	Seed uint64
}

// WinChance returns the true chance that a deal in stage i is won: the
// product of Advance[i:] (with AmountEffect zero).
func (m Markov) WinChance(i int) float64 {
	p := 1.0
	for _, a := range m.Advance[i:] {
		p *= a
	}
	return p
}

// Records yields the history in report order, generated on the fly (no
// memory grows with its length). Advance and MeanStay must have one
// entry per stage of Pipeline, and MaxAmount >= MinAmount >= 0; a
// Markov that breaks this yields nothing.
func (m Markov) Records() iter.Seq[funnel.Record] {
	return func(yield func(funnel.Record) bool) {
		n := 0
		if m.Pipeline != nil {
			n = m.Pipeline.Len()
		}
		if n == 0 || len(m.Advance) != n || len(m.MeanStay) != n || m.MinAmount < 0 || m.MaxAmount < m.MinAmount || m.PerDay <= 0 {
			return
		}
		rng := rand.New(rand.NewPCG(m.Seed, 0x6d61726b6f76))
		day := float64(24 * time.Hour)
		exp := func(mean float64) time.Duration { return time.Duration(rng.ExpFloat64() * mean) }
		var expected time.Duration
		for _, d := range m.MeanStay {
			expected += d
		}
		created := m.Start
		for i := 0; ; i++ {
			created = created.Add(exp(day / m.PerDay)).Truncate(time.Second)
			if !created.Before(m.End) {
				return
			}
			id := EntityID(i)
			amt := m.MinAmount + rng.Int64N(m.MaxAmount-m.MinAmount+1)
			x := 0.5
			if m.MaxAmount > m.MinAmount {
				x = float64(amt-m.MinAmount) / float64(m.MaxAmount-m.MinAmount)
			}
			amount, _ := crmkit.NewMoney(amt, m.Currency)
			dims := funnel.Dims{}
			if len(m.Owners) > 0 {
				dims.Owner = m.Owners[rng.IntN(len(m.Owners))]
			}
			if len(m.Types) > 0 {
				dims.Type = m.Types[rng.IntN(len(m.Types))]
			}
			if !yield(funnel.Record{Entity: id, Kind: funnel.Created, At: created, Amount: amount, Dims: dims}) ||
				!yield(funnel.Record{Entity: id, Kind: funnel.CloseDateChanged, At: created, Date: created.Add(expected)}) ||
				!yield(funnel.Record{Entity: id, Kind: funnel.StageEntered, At: created, Stage: 0}) {
				return
			}
			at := created
			for s := 0; s < n; s++ {
				stay := exp(float64(m.MeanStay[s])).Truncate(time.Second) + time.Second
				end := at.Add(stay)
				// Activities during the stay, before the end of the history.
				if m.ActivityPerDay > 0 {
					for a := at.Add(exp(day / m.ActivityPerDay)); a.Before(end) && a.Before(m.End); a = a.Add(exp(day / m.ActivityPerDay)) {
						if !yield(funnel.Record{Entity: id, Kind: funnel.Activity, At: a}) {
							return
						}
					}
				}
				if !end.Before(m.End) {
					break // still open at the end of the history
				}
				adv := min(1, max(0, m.Advance[s]+m.AmountEffect*(x-0.5)))
				var r funnel.Record
				switch {
				case rng.Float64() >= adv:
					r = funnel.Record{Entity: id, Kind: funnel.Lost, At: end}
				case s == n-1:
					r = funnel.Record{Entity: id, Kind: funnel.Won, At: end}
				default:
					r = funnel.Record{Entity: id, Kind: funnel.StageEntered, At: end, Stage: s + 1}
				}
				if !yield(r) {
					return
				}
				if r.Kind != funnel.StageEntered {
					break
				}
				at = end
			}
		}
	}
}
