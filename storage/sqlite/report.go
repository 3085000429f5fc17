package sqlite

import (
	"context"
	"iter"
	"strconv"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage"
)

var (
	_ funnel.Source           = (*Store)(nil)
	_ storage.HistoryStreamer = (*Store)(nil)
)

// Opportunities yields every deal of the tenant as a funnel.Opportunity
// (funnel.OpportunityOf), in ID order, reading the deals a page of
// storage.MaxPageSize at a time (one query per page, never one per deal).
// It makes the Store a funnel.Source; funnel.SummarizeSource summarises
// it by scanning.
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

var (
	historiesFirst = `SELECT ` + eventCols + ` FROM events WHERE tenant_id = ? AND aggregate_kind = ?
	ORDER BY aggregate_id, version, at, id LIMIT ` + strconv.Itoa(streamBatch)
	historiesNext = `SELECT ` + eventCols + ` FROM events WHERE tenant_id = ? AND aggregate_kind = ?
	AND (aggregate_id, version, at, id) > (?, ?, ?, ?)
	ORDER BY aggregate_id, version, at, id LIMIT ` + strconv.Itoa(streamBatch)
)

// Histories streams the events of every aggregate of kind, grouped by
// aggregate and ordered by (aggregate ID bytes, version, time, event ID),
// in batches of 512 (keyset pagination on that order), never a query per
// aggregate. It makes the Store a storage.HistoryStreamer.
func (s *Store) Histories(ctx context.Context, kind string) iter.Seq2[crmkit.Event, error] {
	if ctx == nil {
		return errSeq(crmkit.Invalid("context", "nil context"))
	}
	if err := storage.ValidateText("kind", kind); err != nil {
		return errSeq(err)
	}
	l := &eventLog{sc: s.scope()}
	return l.stream(ctx, func(last *crmkit.Event) (string, []any) {
		if last == nil {
			return historiesFirst, []any{l.sc.tenant, kind}
		}
		return historiesNext, []any{l.sc.tenant, kind, last.AggregateID[:], last.Version, micros(last.At), last.ID[:]}
	})
}
