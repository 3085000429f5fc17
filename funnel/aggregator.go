package funnel

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/big"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
)

// Source is where a store offers its opportunities to funnel: the current
// state of every deal (or lead), as values, in any order.
type Source interface {
	// Opportunities yields every opportunity; an error ends the sequence.
	Opportunities(ctx context.Context) iter.Seq2[Opportunity, error]
}

// Aggregator is an optional interface of a Source that can compute a
// funnel report itself, for example PostgreSQL with one GROUP BY over the
// deals table, instead of sending every row to funnel. SummarizeSource
// finds it by type assertion, as database/sql finds a driver's optional
// interfaces, and falls back to scanning the Source when it is absent or
// declines.
//
// AggregateFunnel must return the same Report that Summarize would compute
// over the Source's opportunities with the same stages and query (a
// conformance suite can check it against Summarize). It returns an error
// matching errors.ErrUnsupported for a query it cannot push down (a
// dimension or quantile mode it does not compute, say): funnel then scans.
// Queries with a Where function are never passed to it. To build the
// Durations of its Summaries a backend uses NewDurations (count, sum,
// minimum, maximum: means without quantiles) or DurationsOf (every value:
// exact quantiles).
type Aggregator interface {
	AggregateFunnel(ctx context.Context, p *deal.Pipeline, q Query) (Report, error)
}

// SummarizeSource builds the funnel report of the opportunities of src,
// pushed down to src when it implements Aggregator and the query has no
// Where function, otherwise by scanning src.Opportunities with Summarize.
func SummarizeSource(ctx context.Context, p *deal.Pipeline, src Source, q Query) (Report, error) {
	if a, ok := src.(Aggregator); ok && q.Where == nil {
		r, err := a.AggregateFunnel(ctx, p, q)
		if !errors.Is(err, errors.ErrUnsupported) {
			return r, err
		}
	}
	var scanErr error
	r, err := Summarize(p, func(yield func(Opportunity) bool) {
		for o, err := range src.Opportunities(ctx) {
			if err != nil {
				scanErr = err
				return
			}
			if !yield(o) {
				return
			}
		}
	}, q)
	if scanErr != nil {
		return Report{}, fmt.Errorf("read opportunities: %w", scanErr)
	}
	return r, err
}

// NewDurations returns a set of durations known only by its count, how
// many are negative, their exact sum in nanoseconds, minimum and maximum
// (QuantilesNone mode: Mean works, quantiles do not). It is for backends
// that aggregate themselves (see Aggregator). Counts must be consistent
// (0 <= negative <= count; an empty set has zero sum, minimum and
// maximum; min <= max otherwise), else ErrInvalid.
func NewDurations(count, negative int64, sum *big.Int, minimum, maximum time.Duration) (Durations, error) {
	if count < 0 || negative < 0 || negative > count {
		return Durations{}, crmkit.Invalid("durations", "count %d with %d negative", count, negative)
	}
	if sum == nil {
		sum = new(big.Int)
	}
	if count == 0 {
		if sum.Sign() != 0 || minimum != 0 || maximum != 0 {
			return Durations{}, crmkit.Invalid("durations", "an empty set with a sum, minimum or maximum")
		}
		return Durations{mode: QuantilesNone}, nil
	}
	if minimum > maximum || (negative > 0) != (minimum < 0) {
		return Durations{}, crmkit.Invalid("durations", "minimum %s, maximum %s and %d negative disagree", minimum, maximum, negative)
	}
	lo := new(big.Int).Mul(big.NewInt(count), big.NewInt(int64(minimum)))
	hi := new(big.Int).Mul(big.NewInt(count), big.NewInt(int64(maximum)))
	if sum.Cmp(lo) < 0 || sum.Cmp(hi) > 0 {
		return Durations{}, crmkit.Invalid("durations", "sum %s is outside count times [minimum, maximum]", sum)
	}
	d := Durations{n: count, neg: negative, min: minimum, max: maximum, mode: QuantilesNone}
	// Two's complement split of the 128-bit sum into hi:lo.
	m := new(big.Int).Lsh(big.NewInt(1), 128)
	u := new(big.Int).Mod(sum, m)
	d.lo = new(big.Int).And(u, new(big.Int).SetUint64(^uint64(0))).Uint64()
	d.hi = int64(new(big.Int).Rsh(u, 64).Uint64())
	return d, nil
}

// DurationsOf returns the set of the given durations kept in mode.
func DurationsOf(mode Quantiles, values ...time.Duration) (Durations, error) {
	if mode >= numQuantiles {
		return Durations{}, crmkit.Invalid("quantiles", "unknown mode %d", mode)
	}
	d := newDurations(mode)
	for _, v := range values {
		d.add(v)
	}
	d.finish()
	return d, nil
}
