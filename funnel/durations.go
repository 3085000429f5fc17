package funnel

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
)

// Quantiles says how a report keeps durations for its medians and 90th
// percentiles.
type Quantiles uint8

// The quantile modes. The zero value is QuantilesBounded.
const (
	// QuantilesBounded keeps each set of durations in a log-linear
	// histogram of whole seconds with 128 buckets per power of two (the
	// HdrHistogram layout, Tene 2015): memory is bounded (at most 57 KiB
	// per set, allocated lazily 1 KiB at a time, never per duration) and
	// the reported quantile q' of an exact quantile q satisfies
	// |q - q'| < 1s + |q|/128, and min <= q' <= max. Durations below
	// 256 s are kept to the second.
	QuantilesBounded Quantiles = iota
	// QuantilesExact keeps every duration (8 bytes each): exact
	// quantiles, memory linear in the number of durations.
	QuantilesExact
	// QuantilesNone keeps count, sum, minimum and maximum only: means are
	// reported, quantiles are not (their methods return an error). It is
	// the fastest mode.
	QuantilesNone
	numQuantiles
)

// Durations is a mergeable summary of a set of durations: their count, an
// exact sum (128-bit, so a million ten-year durations cannot overflow), the
// minimum and maximum and, depending on its Quantiles mode, what it needs
// for the median and the 90th percentile. Negative durations (a close
// recorded before the first touch) are kept and counted, not dropped.
//
// The zero Durations is an empty set in QuantilesBounded mode.
type Durations struct {
	n, neg   int64
	hi       int64
	lo       uint64
	min, max time.Duration
	mode     Quantiles
	hist     *histogram
	vals     []time.Duration
	sorted   bool
}

func newDurations(mode Quantiles) Durations { return Durations{mode: mode} }

// add records one duration.
func (d *Durations) add(v time.Duration) {
	if d.n == 0 || v < d.min {
		d.min = v
	}
	if d.n == 0 || v > d.max {
		d.max = v
	}
	d.n++
	var c uint64
	d.lo, c = bits.Add64(d.lo, uint64(v), 0)
	d.hi += int64(c) + int64(v>>63) // v>>63 is -1 for a negative v: sign extension
	if v < 0 {
		d.neg++
	}
	switch d.mode {
	case QuantilesBounded:
		if d.hist == nil {
			d.hist = new(histogram)
		}
		d.hist.add(v)
	case QuantilesExact:
		d.vals = append(d.vals, v)
		d.sorted = false
	}
}

// merge adds the durations of o to d. Both must have the same mode.
func (d *Durations) merge(o *Durations) {
	if o.n == 0 {
		return
	}
	if d.n == 0 || o.min < d.min {
		d.min = o.min
	}
	if d.n == 0 || o.max > d.max {
		d.max = o.max
	}
	d.n += o.n
	d.neg += o.neg
	var c uint64
	d.lo, c = bits.Add64(d.lo, o.lo, 0)
	d.hi += o.hi + int64(c)
	switch d.mode {
	case QuantilesBounded:
		if o.hist != nil {
			if d.hist == nil {
				d.hist = new(histogram)
			}
			d.hist.merge(o.hist)
		}
	case QuantilesExact:
		d.vals = append(d.vals, o.vals...)
		d.sorted = false
	}
}

// clone returns a deep copy.
func (d Durations) clone() Durations {
	if d.hist != nil {
		d.hist = d.hist.clone()
	}
	d.vals = slices.Clone(d.vals)
	return d
}

func (d *Durations) finish() {
	if d.mode == QuantilesExact && !d.sorted {
		slices.Sort(d.vals)
		d.sorted = true
	}
}

// Count returns the number of durations.
func (d Durations) Count() int64 { return d.n }

// Negative returns how many of the durations are negative (for a sales
// cycle: closes recorded before the first touch).
func (d Durations) Negative() int64 { return d.neg }

// Mode returns how the durations are kept.
func (d Durations) Mode() Quantiles { return d.mode }

// Min returns the shortest duration; an empty set is ErrInvalid.
func (d Durations) Min() (time.Duration, error) {
	if d.n == 0 {
		return 0, crmkit.Invalid("durations", "empty: no minimum")
	}
	return d.min, nil
}

// Max returns the longest duration; an empty set is ErrInvalid.
func (d Durations) Max() (time.Duration, error) {
	if d.n == 0 {
		return 0, crmkit.Invalid("durations", "empty: no maximum")
	}
	return d.max, nil
}

// Sum returns the exact sum of the durations in nanoseconds.
func (d Durations) Sum() *big.Int {
	s := new(big.Int).SetInt64(d.hi)
	s.Lsh(s, 64)
	return s.Add(s, new(big.Int).SetUint64(d.lo))
}

// Mean returns the arithmetic mean (sum / count) rounded to the
// nanosecond, halves to even. An empty set is ErrInvalid.
func (d Durations) Mean() (time.Duration, error) {
	if d.n == 0 {
		return 0, crmkit.Invalid("durations", "empty: no mean")
	}
	q, r := new(big.Int).QuoRem(d.Sum(), big.NewInt(d.n), new(big.Int))
	// Round half to even: compare 2|r| with n.
	twice := new(big.Int).Abs(r)
	twice.Lsh(twice, 1)
	if c := twice.Cmp(big.NewInt(d.n)); c > 0 || (c == 0 && q.Bit(0) == 1) {
		if r.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	// A mean lies between the minimum and the maximum, so it fits.
	return time.Duration(q.Int64()), nil
}

// Median returns the nearest-rank median: the ceil(n/2)-th smallest
// duration (the lower median when n is even). See Quantile.
func (d Durations) Median() (time.Duration, error) { return d.Quantile(0.5) }

// P90 returns the nearest-rank 90th percentile: the ceil(0.9 n)-th smallest
// duration. See Quantile.
func (d Durations) P90() (time.Duration, error) { return d.Quantile(0.9) }

// Quantile returns the nearest-rank q-quantile, the ceil(q n)-th smallest
// duration (the smallest for q = 0), exact in QuantilesExact mode and
// within the bound documented at QuantilesBounded otherwise. An empty set,
// q outside [0, 1] or NaN, and QuantilesNone mode are ErrInvalid.
func (d Durations) Quantile(q float64) (time.Duration, error) {
	if math.IsNaN(q) || q < 0 || q > 1 {
		return 0, crmkit.Invalid("quantile", "%v is outside [0, 1]", q)
	}
	if d.n == 0 {
		return 0, crmkit.Invalid("durations", "empty: no quantile")
	}
	rank := int64(math.Ceil(q * float64(d.n)))
	if rank < 1 {
		rank = 1
	}
	if rank > d.n {
		rank = d.n
	}
	switch d.mode {
	case QuantilesExact:
		vals := d.vals
		if !d.sorted {
			vals = slices.Clone(vals)
			slices.Sort(vals)
		}
		return vals[rank-1], nil
	case QuantilesBounded:
		v := d.hist.rank(rank)
		return max(d.min, min(d.max, v)), nil
	}
	return 0, crmkit.Invalid("durations", "quantiles are not kept (mode %s)", d.mode)
}

// String returns the mode's name.
func (q Quantiles) String() string {
	switch q {
	case QuantilesBounded:
		return "bounded"
	case QuantilesExact:
		return "exact"
	case QuantilesNone:
		return "none"
	}
	return fmt.Sprintf("Quantiles(%d)", uint8(q))
}

// histogram buckets whole seconds log-linearly: magnitudes below 256 each
// have a bucket; above, every power of two [2^k, 2^(k+1)) is split into 128
// equal buckets. Buckets come in lazily allocated chunks of 128.
const (
	subBits  = 7
	subCount = 1 << subBits
	// |time.Duration| < 2^63 ns < 2^34 s: the last bucket index is
	// 2*subCount + (33-subBits-1)*subCount + subCount - 1, in chunk 27.
	histChunks = 28
)

type histogram struct {
	pos, neg [histChunks]*[subCount]int64
}

// bucketOf returns the bucket index of a magnitude in seconds.
func bucketOf(m uint64) int {
	if m < 2*subCount {
		return int(m)
	}
	k := bits.Len64(m) - 1 // 2^k <= m < 2^(k+1), k >= 8
	shift := k - subBits
	return 2*subCount + (k-subBits-1)*subCount + int(m>>uint(shift)) - subCount
}

// bucketLow returns the smallest magnitude of bucket i.
func bucketLow(i int) uint64 {
	if i < 2*subCount {
		return uint64(i)
	}
	j := i - 2*subCount
	k := j/subCount + subBits + 1
	sub := uint64(j%subCount + subCount)
	return sub << uint(k-subBits)
}

func (h *histogram) add(v time.Duration) {
	side := &h.pos
	m := uint64(v / time.Second)
	if v < 0 {
		side = &h.neg
		m = uint64(-(v / time.Second))
	}
	b := bucketOf(m)
	c := side[b/subCount]
	if c == nil {
		c = new([subCount]int64)
		side[b/subCount] = c
	}
	c[b%subCount]++
}

func (h *histogram) merge(o *histogram) {
	for _, p := range [2][2]*[histChunks]*[subCount]int64{{&h.pos, &o.pos}, {&h.neg, &o.neg}} {
		dst, src := p[0], p[1]
		for i, c := range src {
			if c == nil {
				continue
			}
			if dst[i] == nil {
				dst[i] = new([subCount]int64)
			}
			for j, n := range c {
				dst[i][j] += n
			}
		}
	}
}

func (h *histogram) clone() *histogram {
	c := new(histogram)
	c.merge(h)
	return c
}

// rank returns the low bound of the bucket holding the rank-th smallest
// duration (negatives first, from the largest magnitude down).
func (h *histogram) rank(rank int64) time.Duration {
	var seen int64
	for i := histChunks*subCount - 1; i >= 0; i-- {
		c := h.neg[i/subCount]
		if c == nil {
			i -= i % subCount
			continue
		}
		if seen += c[i%subCount]; seen >= rank {
			return -time.Duration(bucketLow(i)) * time.Second
		}
	}
	for i := 0; i < histChunks*subCount; i++ {
		c := h.pos[i/subCount]
		if c == nil {
			i += subCount - 1 - i%subCount
			continue
		}
		if seen += c[i%subCount]; seen >= rank {
			return time.Duration(bucketLow(i)) * time.Second
		}
	}
	return 0
}
