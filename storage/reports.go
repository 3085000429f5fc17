package storage

import (
	"context"
	"iter"

	"github.com/crmkit/crmkit"
)

// HistoryStreamer is an optional interface of a Store that streams the
// histories of every aggregate of one kind (deal.DealKind, lead.LeadKind, ...)
// grouped by aggregate: the events ordered by (aggregate ID bytes, version,
// time, event ID), the order funnel reads records in once mapped by
// funnel.DealEvents or funnel.LeadEvents (EventMap.Reader). A store reads
// them in batches, never with a query per aggregate. An error ends the
// sequence; a kind no aggregate has yields nothing. Every store of crmkit
// implements it; find it by type assertion:
//
//	if hs, ok := store.(storage.HistoryStreamer); ok {
//		events := hs.Histories(ctx, deal.DealKind)
//		...
//	}
type HistoryStreamer interface {
	Histories(ctx context.Context, kind string) iter.Seq2[crmkit.Event, error]
}
