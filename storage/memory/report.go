package memory

import (
	"bytes"
	"context"
	"iter"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage"
)

var (
	_ funnel.Source           = (*Store)(nil)
	_ storage.HistoryStreamer = (*Store)(nil)
)

// Opportunities yields every deal of the tenant as a funnel.Opportunity
// (funnel.OpportunityOf), in ID order, a page at a time. It makes the
// Store a funnel.Source; funnel.SummarizeSource summarises it by scanning.
func (s *Store) Opportunities(ctx context.Context) iter.Seq2[funnel.Opportunity, error] {
	return func(yield func(funnel.Opportunity, error) bool) {
		for d, err := range storage.All(ctx, s.Deals(), storage.DealFilter{}, storage.MaxPageSize) {
			if err != nil {
				yield(funnel.Opportunity{}, err)
				return
			}
			if !yield(funnel.OpportunityOf(&d), nil) {
				return
			}
		}
	}
}

// Histories yields the events of every aggregate of kind, grouped by
// aggregate and ordered by (aggregate ID bytes, version, time, event ID).
// It makes the Store a storage.HistoryStreamer. It reads the tenant's log
// once and sorts the kind's events, so it holds them all in memory, as
// the store holds them anyway.
func (s *Store) Histories(ctx context.Context, kind string) iter.Seq2[crmkit.Event, error] {
	return func(yield func(crmkit.Event, error) bool) {
		if err := storage.CheckContext(ctx); err != nil {
			yield(crmkit.Event{}, err)
			return
		}
		if err := storage.ValidateText("kind", kind); err != nil {
			yield(crmkit.Event{}, err)
			return
		}
		var events []crmkit.Event
		all := crmkit.Period{Start: storage.MinTime, End: storage.MaxTime.Add(time.Nanosecond)} // MaxTime included
		for e, err := range s.Events().Between(ctx, all) {
			if err != nil {
				yield(crmkit.Event{}, err)
				return
			}
			if e.AggregateKind == kind {
				events = append(events, e)
			}
		}
		slices.SortFunc(events, func(a, b crmkit.Event) int {
			if c := bytes.Compare(a.AggregateID[:], b.AggregateID[:]); c != 0 {
				return c
			}
			return compareAgg(&a, &b)
		})
		for _, e := range events {
			if err := ctx.Err(); err != nil {
				yield(crmkit.Event{}, storage.Stopped(err))
				return
			}
			if !yield(e, nil) {
				return
			}
		}
	}
}
