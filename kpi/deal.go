package kpi

import (
	"fmt"
	"math/bits"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
)

// AverageDealSize is the mean value of the deals won in a period (the
// "average ticket"):
//
//	average deal size = revenue of won deals / number of won deals
//
// rounded to the minor unit of the revenue's currency with mode, once, from
// the exact quotient. Source: the standard definition of average deal size
// (Farris et al., "Marketing Metrics", 2nd ed., 2010, ch. 7: average price
// per unit as revenue divided by units sold).
//
// A negative or currency-less wonRevenue, wonDeals <= 0 and an invalid mode
// are errors matching crmkit.ErrInvalid.
func AverageDealSize(wonRevenue crmkit.Money, wonDeals int64, mode crmkit.RoundingMode) (crmkit.Money, error) {
	m, err := costPer(amount{"wonRevenue", wonRevenue}, "wonDeals", wonDeals, "no won deals", mode)
	return m, wrap("average deal size", err)
}

// SalesCycle returns the mean and the median length of the sales cycles
// given, each the time from an opportunity's creation (or first contact, as
// the caller measures it) to its close:
//
//	mean   = (d1 + ... + dn) / n
//	median = d((n+1)/2)                    for odd n, of the sorted lengths
//	       = (d(n/2) + d(n/2+1)) / 2        for even n
//
// Both are rounded to the nanosecond, halves to even; the sum is exact
// (128-bit), so no overflow occurs however many cycles are given. The
// median resists the few deals stuck for months that pull the mean up.
// Source: the textbook definitions of arithmetic mean and median.
//
// durations is not modified. An empty slice and a negative duration are
// errors matching crmkit.ErrInvalid.
func SalesCycle(durations []time.Duration) (mean, median time.Duration, err error) {
	if len(durations) == 0 {
		return 0, 0, wrap("sales cycle", crmkit.Invalid("durations", "empty: no closed deals"))
	}
	var hi, lo uint64
	for i, d := range durations {
		if d < 0 {
			return 0, 0, wrap("sales cycle", crmkit.Invalid(fmt.Sprintf("durations[%d]", i), "negative duration %s", d))
		}
		var c uint64
		lo, c = bits.Add64(lo, uint64(d), 0)
		hi += c
	}
	n := uint64(len(durations))
	// Each duration is below 2^63, so the sum is below n·2^63 and hi < n:
	// Div64 cannot overflow.
	q, r := bits.Div64(hi, lo, n)
	mean = time.Duration(halfEven(q, r, n))

	sorted := slices.Clone(durations)
	slices.Sort(sorted)
	mid := len(sorted) / 2
	if len(sorted)%2 == 1 {
		return mean, sorted[mid], nil
	}
	s := uint64(sorted[mid-1]) + uint64(sorted[mid]) // below 2^64: each is below 2^63
	return mean, time.Duration(halfEven(s/2, s%2, 2)), nil
}

// halfEven rounds the quotient q with remainder r of a division by n to the
// nearest integer, ties to even. The result fits int64 whenever the exact
// quotient is a mean of int64 values.
func halfEven(q, r, n uint64) uint64 {
	twice := 2 * r // r < n <= 2^63 for our callers, no overflow
	if twice > n || (twice == n && q%2 == 1) {
		return q + 1
	}
	return q
}
