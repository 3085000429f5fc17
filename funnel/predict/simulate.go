package predict

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// SimOptions are the inputs of Model.Simulate.
type SimOptions struct {
	// Periods are the periods forecast: in ascending order, not
	// overlapping, none empty, the first starting at or after the
	// model's as-of time (crmkit.Calendar.Months gives a year's months);
	// 1 to MaxPeriods of them.
	Periods []crmkit.Period
	// Simulations is the number of simulated futures, 1 to
	// MaxSimulations.
	Simulations int
	// Seed makes the forecast reproducible: the same model, options and
	// seed give the same result, whatever the number of workers.
	Seed uint64
	// NoNewDeals leaves out the deals created after the as-of time.
	NoNewDeals bool
	// Workers is the number of goroutines (zero: GOMAXPROCS).
	Workers int
}

// Range is the distribution of the revenue won in a period over the
// simulations: its 10th, 50th and 90th percentiles (nearest rank: the
// ceil(q·N)-th smallest of the N simulated figures).
type Range struct {
	Period        crmkit.Period
	P10, P50, P90 crmkit.Money
}

// SegmentRanges holds the ranges of one segment, one per period.
type SegmentRanges struct {
	Key    string
	Ranges []Range
}

// DealChance is an open deal's chance to be won in each period: a
// decimal fraction in [0, 1], to 6 places, computed from the model the
// simulations draw from (see Model.Simulate), not counted from them.
type DealChance struct {
	Entity  uuid.UUID
	Segment string
	// Stage is the deal's stage at the as-of time (NoStage when none).
	Stage  int
	Amount crmkit.Money
	// Periods holds one chance per period; Horizon the chance to be won
	// in any of them.
	Periods []decimal.Decimal
	Horizon decimal.Decimal
}

// Simulation is the result of Model.Simulate, a Monte Carlo pipeline
// forecast: revenue ranges and deal chances (not a funnel.Forecast, whose
// figures are points).
type Simulation struct {
	AsOf        time.Time
	Simulations int
	Seed        uint64
	// Total holds the ranges of all segments together, one per period;
	// Segments those of each segment, in the order first seen.
	Total    []Range
	Segments []SegmentRanges
	// Deals holds the chances of the deals open at AsOf, in entity order.
	Deals []DealChance
	// Suspended counts the suspended deals, left out.
	Suspended int
	// Fallbacks lists the estimates that did not rest on their segment's
	// own history (see Train).
	Fallbacks []Fallback
}

// Simulate forecasts the revenue won in each period. The model: every
// open deal moves through the stages by its segment's transition
// probabilities and times in stage, the time already spent in its current
// stage taken into account (its first stay is drawn from the stays at
// least that long); new deals arrive in each segment as a Poisson process
// at its historical creation rate, with amounts drawn from its won
// amounts, and follow the same chain. A deal's revenue is its amount at
// the as-of time, counted in the period it is won in; deals are
// independent of one another.
//
// How it is drawn: paths after a first stay come from pools of
// pre-simulated paths per segment and state (see pools); from them each
// open deal's chance to be won in each period is computed once (chances),
// and each simulation draws every deal's outcome from those chances with
// 32 random bits, and the number of new deals won in each period as a
// Poisson count (thinning) with their amounts. The percentiles are exact
// over the simulations.
//
// Cost is O(open deals × (simulations + 256 × log pool)) time plus the
// new deals won, spread over the workers, and O(simulations × periods ×
// segments + open deals × periods) memory, allocated up front in a number
// of allocations that does not depend on the number of simulations.
// Simulations, periods and their product with the segments are bounded
// (MaxSimulations, MaxPeriods, MaxCells) and checked before anything is
// allocated; so are the new deals expected per simulation
// (MaxNewDealsPerSimulation) and the sum of the amounts against int64
// overflow (crmkit.ErrOverflow). A nil or untrained model is ErrInvalid.
func (m *Model) Simulate(opt SimOptions) (Simulation, error) {
	if m == nil || m.n == 0 {
		return Simulation{}, crmkit.Invalid("model", "untrained model (use Train)")
	}
	sims, K, S := opt.Simulations, len(opt.Periods), len(m.segs)
	switch {
	case sims < 1 || sims > MaxSimulations:
		return Simulation{}, crmkit.Invalid("simulations", "%d simulations: want 1 to %d", sims, MaxSimulations)
	case K < 1 || K > MaxPeriods:
		return Simulation{}, crmkit.Invalid("periods", "%d periods: want 1 to %d", K, MaxPeriods)
	case int64(sims)*int64(K)*int64(S) > MaxCells:
		return Simulation{}, crmkit.Invalid("simulations", "%d simulations × %d periods × %d segments exceed %d figures", sims, K, S, MaxCells)
	case opt.Workers < 0:
		return Simulation{}, crmkit.Invalid("workers", "negative %d", opt.Workers)
	}
	// Period bounds in nanoseconds after asOf.
	bounds := make([]float64, 2*K)
	for k, p := range opt.Periods {
		switch {
		case p.IsEmpty():
			return Simulation{}, crmkit.Invalid("periods", "period %d %s is empty", k, p)
		case k == 0 && p.Start.Before(m.asOf):
			return Simulation{}, crmkit.Invalid("periods", "period %s starts before the model's as-of time %s", p, m.asOf.Format(time.RFC3339))
		case k > 0 && p.Start.Before(opt.Periods[k-1].End):
			return Simulation{}, crmkit.Invalid("periods", "period %d %s overlaps or precedes period %d %s", k, p, k-1, opt.Periods[k-1])
		}
		bounds[2*k], bounds[2*k+1] = float64(p.Start.Sub(m.asOf)), float64(p.End.Sub(m.asOf))
	}
	if last := opt.Periods[K-1].End; last.Sub(m.asOf) >= math.MaxInt64/2 || last.Sub(m.asOf) < 0 {
		return Simulation{}, crmkit.Invalid("periods", "horizon to %s is too long", last)
	}
	horizon := bounds[2*K-1]
	// Overflow: the largest simulated total is every open amount plus the
	// most new deals drawn times the largest amount.
	var sum, maxNew int64
	for i := range m.open {
		if sum += m.open[i].amount; sum < 0 {
			return Simulation{}, fmt.Errorf("open amounts overflow int64: %w", crmkit.ErrOverflow)
		}
	}
	expected := 0.0
	if !opt.NoNewDeals {
		for i := range m.segs {
			expected += m.segs[i].rate * horizon
			for _, a := range m.segs[i].draw {
				maxNew = max(maxNew, a)
			}
		}
		if expected > MaxNewDealsPerSimulation {
			return Simulation{}, crmkit.Invalid("periods", "%.0f new deals expected per simulation over the horizon: at most %d", expected, MaxNewDealsPerSimulation)
		}
	}
	capNew := int64(expected + 10*math.Sqrt(expected) + 10) // per period; more is dropped (probability < 1e-20)
	if maxNew > 0 && (math.MaxInt64-sum)/maxNew/int64(K) < capNew {
		return Simulation{}, fmt.Errorf("simulated totals could overflow int64: %w", crmkit.ErrOverflow)
	}

	workers := opt.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	const block = 64
	blocks := (sims + block - 1) / block
	workers = max(1, min(workers, blocks))
	pool, size := m.pools(opt.Seed, sims, workers)
	// Each open deal's chance to be won in each period, and the
	// cumulative thresholds a simulation draws its outcome with.
	chance := make([]float64, len(m.open)*K)
	thr := make([]uint64, len(m.open)*K)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(m.open); i += workers {
				out := chance[i*K : (i+1)*K]
				m.chances(&m.open[i], pool, size, bounds, out)
				c := 0.0
				for k, p := range out {
					c += p
					thr[i*K+k] = uint64(min(1, c) * (1 << 32))
				}
			}
		}()
	}
	wg.Wait()
	// New deals won in each period of each segment: arrivals are Poisson,
	// so the ones won in period k are Poisson too, of mean rate × the
	// integral over the horizon of the chance that a deal created then is
	// won in k (Poisson thinning); a simulation draws that count and their
	// amounts, at a cost in the wins rather than the arrivals.
	newMeans := make([]float64, S*K)
	if !opt.NoNewDeals {
		for j := range m.segs {
			m.newChances(j, pool, size, bounds, horizon, newMeans[j*K:(j+1)*K])
		}
	}
	totals := make([]int64, sims*K*S) // [sim][period][segment]
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.run(w, workers, block, sims, opt, capNew, newMeans, totals, thr)
		}()
	}
	wg.Wait()

	f := Simulation{AsOf: m.asOf, Simulations: sims, Seed: opt.Seed, Suspended: m.paused, Fallbacks: m.Fallbacks()}
	col := make([]int64, sims)
	money := func(v int64) crmkit.Money {
		mm, _ := crmkit.NewMoney(v, m.cur) // a zero currency gives the zero Money
		return mm
	}
	ranges := func(sel func(sim, k int) int64) []Range {
		out := make([]Range, K)
		for k := range K {
			for s := range sims {
				col[s] = sel(s, k)
			}
			slices.Sort(col)
			q := func(p float64) crmkit.Money {
				i := int(math.Ceil(p*float64(sims))) - 1
				return money(col[min(max(i, 0), sims-1)])
			}
			out[k] = Range{Period: opt.Periods[k], P10: q(0.1), P50: q(0.5), P90: q(0.9)}
		}
		return out
	}
	f.Total = ranges(func(s, k int) int64 {
		var t int64
		for _, v := range totals[(s*K+k)*S : (s*K+k+1)*S] {
			t += v
		}
		return t
	})
	f.Segments = make([]SegmentRanges, S)
	for j := range S {
		f.Segments[j] = SegmentRanges{Key: m.segs[j].key, Ranges: ranges(func(s, k int) int64 { return totals[(s*K+k)*S+j] })}
	}
	f.Deals = make([]DealChance, len(m.open))
	for i := range m.open {
		d := &m.open[i]
		stage := int(d.state)
		if stage == m.n {
			stage = NoStage
		}
		c := DealChance{Entity: d.id, Segment: m.segs[d.seg].key, Stage: stage, Amount: money(d.amount), Periods: make([]decimal.Decimal, K)}
		all := 0.0
		for k := range K {
			p := chance[i*K+k]
			all += p
			c.Periods[k] = micro(p)
		}
		c.Horizon = micro(all)
		f.Deals[i] = c
	}
	return f, nil
}

// newGrid is the number of creation times the chance of a new deal is
// integrated over.
const newGrid = 256

// newChances sets out[k] to the mean number of new deals of segment j won
// in period k: rate × Σ over newGrid creation times t spread evenly over
// the horizon of (horizon / newGrid) × the share of the "no stage" path
// pool ending won in period k after t.
func (m *Model) newChances(j int, pool []float64, size int, bounds []float64, horizon float64, out []float64) {
	seg := &m.segs[j]
	if seg.rate <= 0 {
		return
	}
	p := pool[(j*(m.n+1)+m.n)*size : (j*(m.n+1)+m.n+1)*size]
	w := seg.rate * horizon / newGrid / float64(size)
	for c := range newGrid {
		t := (float64(c) + 0.5) / newGrid * horizon
		for k := range out {
			lo := sort.SearchFloat64s(p, bounds[2*k]-t)
			hi := sort.SearchFloat64s(p, bounds[2*k+1]-t)
			out[k] += w * float64(hi-lo)
		}
	}
}

// micro returns p clamped to [0, 1] as a decimal to 6 places.
func micro(p float64) decimal.Decimal {
	if math.IsNaN(p) {
		p = 0
	}
	return decimal.New(int64(math.Round(min(1, max(0, p))*1e6)), -6)
}

// chanceGrid is the number of cells the first stay's distribution is
// integrated over.
const chanceGrid = 256

// chances adds to out the chance of deal d to be won in each period: the
// first stay (conditioned on the deal's age) integrated over chanceGrid
// equal-probability cells at their middles, times each target's
// probability, times the share of the target's path pool that ends won
// in the period (pools are sorted: two binary searches per period). It is
// the exact chance under the model the simulations draw from, so each
// simulation draws the deal's outcome with one comparison per period.
func (m *Model) chances(d *openDeal, pool []float64, size int, bounds []float64, out []float64) {
	n, K := m.n, len(out)
	seg := &m.segs[d.seg]
	state := int(d.state)
	row := seg.trans[state*(n+2) : (state+1)*(n+2)]
	q := seg.samp.quant[state*(quantGrid+1) : (state+1)*(quantGrid+1)]
	base := int(d.seg) * (n + 1)
	for c := range chanceGrid {
		v := d.condLo + (float64(c)+0.5)/chanceGrid*(1-d.condLo)
		g := v * quantGrid
		gi := int(g)
		t0 := q[gi] + (g-float64(gi))*(q[gi+1]-q[gi]) - d.age
		prev := 0.0
		for j := 0; j <= n; j++ { // stages, then won; lost adds nothing
			pj := row[j] - prev
			prev = row[j]
			if pj <= 0 {
				continue
			}
			w := pj / chanceGrid
			if j == n {
				for k := range K {
					if t0 >= bounds[2*k] && t0 < bounds[2*k+1] {
						out[k] += w
					}
				}
				continue
			}
			p := pool[(base+j)*size : (base+j+1)*size]
			for k := range K {
				lo := sort.SearchFloat64s(p, bounds[2*k]-t0)
				hi := sort.SearchFloat64s(p, bounds[2*k+1]-t0)
				out[k] += w * float64(hi-lo) / float64(size)
			}
		}
	}
}

// poisson draws a Poisson count of the given mean, exactly, by
// inversion over chunks of mean at most 16 (a sum of Poisson counts is
// Poisson): O(mean) multiplications, no logarithm.
func poisson(rng *rand.PCG, mean float64) int64 {
	var n int64
	for mean > 0 {
		mu := min(mean, 16)
		mean -= mu
		u := float64(rng.Uint64()>>11) * 0x1p-53
		p := math.Exp(-mu)
		f := p
		k := int64(0)
		for u > f && k < 1000 {
			k++
			p *= mu / float64(k)
			f += p
		}
		n += k
	}
	return n
}

// poolBudget bounds the pre-simulated paths a forecast keeps, over all
// segments and states (8 bytes each).
const poolBudget = 1 << 22

// pools draws, for every segment and state, a pool of independent paths
// from entering the state: the time to being won, +Inf when lost (or
// still open after maxSteps moves). A simulated deal draws its first
// stay from its own state (conditioned on its age) and the rest of its
// path as one entry of the pool of the state it moves to: a bootstrap of
// the exact chain that costs two random numbers per deal and simulation
// whatever the path's length. A pool holds 4 to 16 times as many paths
// as there are simulations, 1024 to 16384 of them (fewer when there are
// many segments: at most poolBudget in all). Each pool has its own PCG
// stream.
func (m *Model) pools(seed uint64, sims, workers int) (pool []float64, size int) {
	states := len(m.segs) * (m.n + 1)
	size = 1 << 14
	for size > 1<<10 && (states*size > poolBudget || size/2 >= 4*sims) {
		size >>= 1
	}
	pool = make([]float64, states*size)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var rng rand.PCG
			for st := w; st < states; st += workers {
				seg := &m.segs[st/(m.n+1)]
				rng.Seed(seed^0x706f6f6c, uint64(st))
				out := pool[st*size : (st+1)*size]
				for i := range out {
					out[i] = walk(&rng, seg, st%(m.n+1), m.n)
				}
				slices.Sort(out) // for locality only: entries are drawn uniformly
			}
		}()
	}
	wg.Wait()
	return pool, size
}

// walk draws one full path from entering state: the time to being won,
// or +Inf.
func walk(rng *rand.PCG, seg *segment, state, n int) float64 {
	t := 0.0
	for range maxSteps {
		r := rng.Uint64()
		j := seg.samp.next(state, uint32(r>>32))
		if j == n+1 {
			return math.Inf(1)
		}
		t += seg.samp.stay(state, uint32(r), 0)
		if j == n {
			return t
		}
		state = j
	}
	return math.Inf(1)
}

// run simulates the blocks w, w+workers, ... Each (deal, block) pair
// and each (segment, block) pair has its own PCG stream, so the result
// does not depend on how blocks are shared among workers.
func (m *Model) run(w, workers, block, sims int, opt SimOptions, capNew int64, newMeans []float64, totals []int64, thr []uint64) {
	K, S := len(opt.Periods), len(m.segs)
	var rng rand.PCG
	for b := w; b*block < sims; b += workers {
		lo, hi := b*block, min((b+1)*block, sims)
		blockSeed := opt.Seed ^ (uint64(b)+1)*0x9e3779b97f4a7c15
		for i := range m.open {
			d := &m.open[i]
			th := thr[i*K : (i+1)*K]
			if th[K-1] == 0 {
				continue // never won within the horizon
			}
			rng.Seed(blockSeed, uint64(i))
			if K == 1 {
				// The common case, without a branch: u < th adds the amount.
				t, seg := th[0], int(d.seg)
				var r uint64
				for s := lo; s < hi; s++ {
					if (s-lo)&1 == 0 {
						r = rng.Uint64()
					} else {
						r <<= 32
					}
					won := -int64(((r >> 32) - t) >> 63) // all ones when u < t
					totals[s*S+seg] += d.amount & won
				}
				continue
			}
			var r uint64
			for s := lo; s < hi; s++ {
				// 32 random bits per simulation, two per draw.
				if (s-lo)&1 == 0 {
					r = rng.Uint64()
				} else {
					r <<= 32
				}
				u := r >> 32
				k := 0
				for k < K && u >= th[k] {
					k++
				}
				if k < K {
					totals[(s*K+k)*S+int(d.seg)] += d.amount
				}
			}
		}
		if opt.NoNewDeals {
			continue
		}
		for j := range m.segs {
			seg := &m.segs[j]
			means := newMeans[j*K : (j+1)*K]
			if len(seg.draw) == 0 || slices.Max(means) <= 0 {
				continue
			}
			rng.Seed(blockSeed, uint64(len(m.open)+j))
			for s := lo; s < hi; s++ {
				for k, mean := range means {
					var sum int64
					for range min(poisson(&rng, mean), capNew) {
						sum += seg.draw[int(rng.Uint64()>>33)%len(seg.draw)]
					}
					totals[(s*K+k)*S+j] += sum
				}
			}
		}
	}
}
