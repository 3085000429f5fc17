package kpi

import (
	"fmt"
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

// SalesCycle returns the statistics of the sales cycles given, each the
// time from an opportunity's creation (or first contact, as the caller
// measures it) to its close, as a crmkit.Durations kept exactly
// (crmkit.QuantilesExact, sorted, safe to share): its Count, Mean, Median,
// Quantile, Min and Max are
//
//	mean   = (d1 + ... + dn) / n
//	median = d((n+1)/2)                    for odd n, of the sorted lengths
//	       = (d(n/2) + d(n/2+1)) / 2        for even n
//
// and so on, the same figures a funnel report gives for the same cycles:
// rounded to the nanosecond, halves to even, from an exact sum. The median
// resists the few deals stuck for months that pull the mean up. Source: the
// textbook definitions of arithmetic mean and median.
//
// durations is not modified. An empty slice and a negative duration are
// errors matching crmkit.ErrInvalid.
func SalesCycle(durations []time.Duration) (crmkit.Durations, error) {
	if len(durations) == 0 {
		return crmkit.Durations{}, wrap("sales cycle", crmkit.Invalid("durations", "empty: no closed deals"))
	}
	for i, d := range durations {
		if d < 0 {
			return crmkit.Durations{}, wrap("sales cycle", crmkit.Invalid(fmt.Sprintf("durations[%d]", i), "negative duration %s", d))
		}
	}
	set, err := crmkit.DurationsOf(crmkit.QuantilesExact, durations...)
	if err != nil {
		return crmkit.Durations{}, wrap("sales cycle", err)
	}
	return set, nil
}
