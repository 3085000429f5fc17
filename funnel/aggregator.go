package funnel

import (
	"context"
	"errors"
	"fmt"
	"iter"

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
// Queries with a Where function or a reporting currency
// (Query.Reporting: rates are Go values) are never passed to it; should one
// come, it declines with errors.ErrUnsupported. To build the
// crmkit.Durations of its Summaries a backend uses
// crmkit.DurationsFromSummary (count, sum, minimum, maximum: means without
// quantiles) or crmkit.DurationsOf (every value: exact quantiles).
type Aggregator interface {
	AggregateFunnel(ctx context.Context, p *deal.Pipeline, q Query) (Report, error)
}

// SummarizeSource builds the funnel report of the opportunities of src,
// pushed down to src when it implements Aggregator and the query has no
// Where function or reporting currency (Query.Reporting), otherwise by
// scanning src.Opportunities with Summarize.
func SummarizeSource(ctx context.Context, p *deal.Pipeline, src Source, q Query) (Report, error) {
	if a, ok := src.(Aggregator); ok && q.Where == nil && q.Reporting.Currency.IsZero() {
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
