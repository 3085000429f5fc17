package predict

import "math"

// quantGrid is the resolution of the inverse time-in-stage distribution:
// a duration is drawn by linear interpolation between its quantiles at
// k/quantGrid, which needs no search (the histogram itself is the
// approximation; the grid adds at most 1/quantGrid of probability
// misplaced within a cell).
const quantGrid = 1024

// sampler holds one segment's tables for drawing, per state: a Walker
// alias table over the n+2 targets (stages, won, lost) and the inverse
// distribution of the time in the state.
type sampler struct {
	k      int      // targets per state: n+2
	thr    []uint32 // per state × target: keep the column when coin < thr
	alias  []int32  // per state × target: the target otherwise
	quant  []float64
	states int
}

// build compiles the tables from the cumulative rows of s.
func (s *segment) build(n int) {
	k := n + 2
	sp := &s.samp
	sp.k, sp.states = k, n+1
	sp.thr = make([]uint32, (n+1)*k)
	sp.alias = make([]int32, (n+1)*k)
	sp.quant = make([]float64, (n+1)*(quantGrid+1))
	p := make([]float64, k)
	small, large := make([]int, 0, k), make([]int, 0, k)
	for st := 0; st <= n; st++ {
		row := s.trans[st*k : (st+1)*k]
		prev := 0.0
		for t := range k {
			p[t] = max(0, row[t]-prev) * float64(k)
			prev = row[t]
		}
		// Vose's alias method.
		small, large = small[:0], large[:0]
		for t := range k {
			if p[t] < 1 {
				small = append(small, t)
			} else {
				large = append(large, t)
			}
		}
		thr, alias := sp.thr[st*k:(st+1)*k], sp.alias[st*k:(st+1)*k]
		for len(small) > 0 && len(large) > 0 {
			l := small[len(small)-1]
			small = small[:len(small)-1]
			g := large[len(large)-1]
			thr[l], alias[l] = uint32(p[l]*(1<<32-1)), int32(g)
			p[g] += p[l] - 1
			if p[g] < 1 {
				large = large[:len(large)-1]
				small = append(small, g)
			}
		}
		for _, t := range append(small, large...) {
			thr[t], alias[t] = math.MaxUint32, int32(t)
		}
		// Inverse time-in-state distribution.
		cdf := s.cdf[st*(nBins+1) : (st+1)*(nBins+1)]
		q := sp.quant[st*(quantGrid+1) : (st+1)*(quantGrid+1)]
		b := 0
		for g := 0; g <= quantGrid; g++ {
			u := float64(g) / quantGrid
			for b < nBins-1 && (cdf[b+1] < u || (cdf[b+1] == u && u < 1)) {
				b++
			}
			w := cdf[b+1] - cdf[b]
			frac := 1.0
			if w > 0 {
				frac = min(1, max(0, (u-cdf[b])/w))
			}
			q[g] = binEdges[b] + frac*(binEdges[b+1]-binEdges[b])
		}
	}
}

// next draws the target leaving state from 32 random bits.
func (sp *sampler) next(state int, r uint32) int {
	x := uint64(r) * uint64(sp.k)
	i := state*sp.k + int(x>>32)
	if uint32(x) < sp.thr[i] {
		return int(x >> 32)
	}
	return int(sp.alias[i])
}

// stay draws the time in state from the top 18 of 32 random bits (the
// low 14 are left for the caller), from the part of the distribution
// above condLo.
func (sp *sampler) stay(state int, r uint32, condLo float64) float64 {
	v := condLo + float64(r>>14)*0x1p-18*(1-condLo)
	g := v * quantGrid
	k := int(g)
	q := sp.quant[state*(quantGrid+1)+k:]
	return q[0] + (g-float64(k))*(q[1]-q[0])
}
