package crmkit

import (
	"math"
	"math/big"
	"math/bits"
	"slices"
	"time"
)

// Quantiles says how a set of Durations is kept, and so how its medians and
// other quantiles are computed: exactly, approximately in bounded memory,
// or not at all.
type Quantiles uint8

// The quantile modes. The zero value is QuantilesApprox, the mode of
// streaming reports over many records; sets of a few known durations (a
// rep's sales cycles) use QuantilesExact.
const (
	// QuantilesApprox keeps the durations in a log-linear histogram of
	// whole seconds with 128 buckets per power of two (the HdrHistogram
	// layout, Tene 2015): an approximation in bounded memory (at most 57
	// KiB per set, allocated lazily 1 KiB at a time, never per duration).
	// Each order statistic x it reads is off by less than 1 s + |x|/128,
	// so a quantile (interpolated between two of them) is off by less
	// than 1 s + max(|x_i|, |x_i+1|)/128, and lies between the minimum and
	// the maximum. Durations below 256 s are kept to the second. Count,
	// sum, mean, minimum and maximum stay exact.
	QuantilesApprox Quantiles = iota
	// QuantilesExact keeps every duration (8 bytes each): exact
	// quantiles, memory linear in the number of durations.
	QuantilesExact
	// QuantilesNone keeps count, sum, minimum and maximum only: the mean
	// is exact, quantiles are not kept (Median and Quantile return an
	// error). It is the fastest mode.
	QuantilesNone
)

// Durations is the one duration-statistics type of crmkit: a mergeable
// summary of a set of durations (sales cycles, times in stage, response
// times) giving their count, exact mean, minimum, maximum, median and
// other quantiles. Every package that reports on durations computes them
// here and hands back a Durations (kpi.SalesCycle, funnel reports,
// lead.LadderReport.TimeToStage, account.JourneyStats), so a "median sales
// cycle" means the same thing everywhere:
//
//	mean     = (d1 + ... + dn) / n
//	quantile = x(i) + f · (x(i+1) − x(i)),  with h = (n−1)·q, i = ⌊h⌋, f = h − i
//	median   = quantile(0.5): the middle value for odd n, the mean of the two
//	           middle values for even n
//
// where x(0) <= ... <= x(n−1) are the durations in order. The quantile is
// Hyndman and Fan's definition 7 ("Sample quantiles in statistical
// packages", The American Statistician 50(4), 1996), the default of R,
// NumPy and spreadsheets' PERCENTILE.INC. Means and quantiles are rounded
// to the nanosecond, halves to even; the sum is exact (128-bit), so a
// million ten-year durations cannot overflow.
//
// In QuantilesApprox mode quantiles are approximations within the bound
// stated there; QuantilesExact keeps every duration; QuantilesNone keeps
// no quantiles. Negative durations (a close recorded before the first
// touch) are kept and counted (Negative), not dropped.
//
// The zero Durations is an empty set in QuantilesApprox mode. A Durations
// is built with DurationsOf or DurationsFromSummary and grown with Add
// and Merge. A copy of a Durations shares its kept values and histogram
// with the original: Clone it before adding to either. Reading (Mean,
// Median, Quantile, ...) is safe from many goroutines; Add, Merge and Sort
// are not, and a value that will be shared is Sorted first (exact mode).
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

// DurationsOf returns the set of the given durations kept in mode (sorted,
// in QuantilesExact mode). An unknown mode is ErrInvalid. With no values it
// is the empty set of that mode, to Add to.
func DurationsOf(mode Quantiles, values ...time.Duration) (Durations, error) {
	if !mode.Valid() {
		return Durations{}, Invalid("quantiles", "unknown mode %d", mode)
	}
	d := Durations{mode: mode}
	if mode == QuantilesExact {
		d.vals = make([]time.Duration, 0, len(values))
	}
	for _, v := range values {
		d.Add(v)
	}
	d.Sort()
	return d, nil
}

// DurationsFromSummary returns a set of durations known only by its
// count, how many are negative, their exact sum in nanoseconds, minimum and
// maximum (QuantilesNone mode: the mean is exact, quantiles are not kept).
// It is for stores that aggregate themselves (SQL's count, sum, min and
// max). Counts must be consistent (0 <= negative <= count; an empty set
// has zero sum, minimum and maximum; min <= max otherwise, and the sum
// between count × min and count × max), else ErrInvalid.
func DurationsFromSummary(count, negative int64, sum *big.Int, minimum, maximum time.Duration) (Durations, error) {
	if count < 0 || negative < 0 || negative > count {
		return Durations{}, Invalid("durations", "count %d with %d negative", count, negative)
	}
	if sum == nil {
		sum = new(big.Int)
	}
	if count == 0 {
		if sum.Sign() != 0 || minimum != 0 || maximum != 0 {
			return Durations{}, Invalid("durations", "an empty set with a sum, minimum or maximum")
		}
		return Durations{mode: QuantilesNone}, nil
	}
	if minimum > maximum || (negative > 0) != (minimum < 0) {
		return Durations{}, Invalid("durations", "minimum %s, maximum %s and %d negative disagree", minimum, maximum, negative)
	}
	lo := new(big.Int).Mul(big.NewInt(count), big.NewInt(int64(minimum)))
	hi := new(big.Int).Mul(big.NewInt(count), big.NewInt(int64(maximum)))
	if sum.Cmp(lo) < 0 || sum.Cmp(hi) > 0 {
		return Durations{}, Invalid("durations", "sum %s is outside count times [minimum, maximum]", sum)
	}
	d := Durations{n: count, neg: negative, min: minimum, max: maximum, mode: QuantilesNone}
	// Two's complement split of the 128-bit sum into hi:lo.
	m := new(big.Int).Lsh(big.NewInt(1), 128)
	u := new(big.Int).Mod(sum, m)
	d.lo = new(big.Int).And(u, new(big.Int).SetUint64(^uint64(0))).Uint64()
	d.hi = int64(new(big.Int).Rsh(u, 64).Uint64())
	return d, nil
}

// Add records one duration. It allocates nothing per duration except in
// QuantilesExact mode (the kept value) and, now and then, a histogram
// chunk in QuantilesApprox mode. A nil *Durations ignores it.
func (d *Durations) Add(v time.Duration) {
	if d == nil {
		return
	}
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
	case QuantilesApprox:
		if d.hist == nil {
			d.hist = new(histogram)
		}
		d.hist.add(v)
	case QuantilesExact:
		d.vals = append(d.vals, v)
		d.sorted = false
	}
}

// Merge adds the durations of o to d: afterwards d describes the union of
// the two sets. Both must be kept in the same mode, else ErrInvalid (and d
// is unchanged); a nil d is ErrInvalid. o is not changed.
func (d *Durations) Merge(o Durations) error {
	if d == nil {
		return Invalid("durations", "merge into nil")
	}
	if d.mode != o.mode {
		return Invalid("quantiles", "merge %s durations into %s ones", o.mode, d.mode)
	}
	if o.n == 0 {
		return nil
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
	case QuantilesApprox:
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
	return nil
}

// Clone returns a deep copy: adding to one does not change the other.
func (d Durations) Clone() Durations {
	if d.hist != nil {
		d.hist = d.hist.clone()
	}
	d.vals = slices.Clone(d.vals)
	return d
}

// Sort puts the kept durations of a QuantilesExact set in order, so that
// Median and Quantile read them in place instead of sorting a copy each
// time; it changes no statistic and does nothing in the other modes. Call
// it when done adding, before the value is shared (Median and Quantile
// never modify it). A nil d is ignored.
func (d *Durations) Sort() {
	if d != nil && d.mode == QuantilesExact && !d.sorted {
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
		return 0, Invalid("durations", "empty: no minimum")
	}
	return d.min, nil
}

// Max returns the longest duration; an empty set is ErrInvalid.
func (d Durations) Max() (time.Duration, error) {
	if d.n == 0 {
		return 0, Invalid("durations", "empty: no maximum")
	}
	return d.max, nil
}

// Sum returns the exact sum of the durations in nanoseconds.
func (d Durations) Sum() *big.Int {
	s := new(big.Int).SetInt64(d.hi)
	s.Lsh(s, 64)
	return s.Add(s, new(big.Int).SetUint64(d.lo))
}

// Mean returns the arithmetic mean (sum / count), exact in every mode,
// rounded to the nanosecond, halves to even. An empty set is ErrInvalid.
func (d Durations) Mean() (time.Duration, error) {
	if d.n == 0 {
		return 0, Invalid("durations", "empty: no mean")
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

// Median returns Quantile(0.5): the middle duration for an odd count, the
// mean of the two middle ones for an even count (rounded to the
// nanosecond, halves to even). Cycles of 10 and 20 days have a median of
// 15 days. Errors as for Quantile.
func (d Durations) Median() (time.Duration, error) { return d.Quantile(0.5) }

// Quantile returns the q-quantile of the durations by Hyndman and Fan's
// definition 7 (see Durations): with h = (n−1)·q, the ⌊h⌋-th smallest
// (from 0) plus the fraction h − ⌊h⌋ of the gap to the next, rounded to the
// nanosecond, halves to even. q = 0 gives the minimum and q = 1 the
// maximum. Exact in QuantilesExact mode, an approximation within the bound
// stated at QuantilesApprox in that mode. An empty set, q outside [0, 1]
// or NaN, and QuantilesNone mode are ErrInvalid.
func (d Durations) Quantile(q float64) (time.Duration, error) {
	if math.IsNaN(q) || q < 0 || q > 1 {
		return 0, Invalid("quantile", "%v is outside [0, 1]", q)
	}
	if d.n == 0 {
		return 0, Invalid("durations", "empty: no quantile")
	}
	var at func(i int64) time.Duration // the i-th smallest, from 0
	switch d.mode {
	case QuantilesExact:
		vals := d.vals
		if !d.sorted {
			vals = slices.Clone(vals)
			slices.Sort(vals)
		}
		at = func(i int64) time.Duration { return vals[i] }
	case QuantilesApprox:
		if d.hist == nil { // not built by Add or Merge
			return 0, Invalid("durations", "%d durations without their histogram", d.n)
		}
		at = func(i int64) time.Duration { return max(d.min, min(d.max, d.hist.rank(i+1))) }
	default:
		return 0, Invalid("durations", "quantiles are not kept (mode %s)", d.mode)
	}
	// h = (n−1)·q exactly: q is a binary fraction, n−1 an integer.
	h := new(big.Rat).SetFloat64(q)
	h.Mul(h, new(big.Rat).SetInt64(d.n-1))
	i, f := new(big.Int).QuoRem(h.Num(), h.Denom(), new(big.Int)) // h >= 0: floor
	lo := at(i.Int64())
	if f.Sign() == 0 {
		return lo, nil
	}
	hi := at(i.Int64() + 1)
	// lo + f/den · (hi − lo) = (lo·den + f·(hi − lo)) / den, rounded half
	// to even as a whole; in big integers, as hi − lo may exceed int64.
	den := h.Denom()
	num := new(big.Int).Sub(big.NewInt(int64(hi)), big.NewInt(int64(lo)))
	num.Mul(num, f)
	num.Add(num, new(big.Int).Mul(big.NewInt(int64(lo)), den))
	v, r := new(big.Int).DivMod(num, den, new(big.Int)) // den > 0: v is the floor, r >= 0
	twice := new(big.Int).Lsh(r, 1)
	if c := twice.Cmp(den); c > 0 || (c == 0 && v.Bit(0) == 1) {
		v.Add(v, big.NewInt(1))
	}
	// v lies in [lo, hi], so it fits.
	return time.Duration(v.Int64()), nil
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
