package postgres

import (
	"context"
	"iter"
	"strconv"

	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage"
)

var (
	_ funnel.Source           = (*Store)(nil)
	_ funnel.Aggregator       = (*Store)(nil)
	_ storage.HistoryStreamer = (*Store)(nil)
)

// reportBatch is how many rows a report stream reads per query: it holds
// at most this many in memory and keeps no connection between batches.
const reportBatch = 1000

var (
	dealBodiesFirst = `SELECT id, body FROM deals WHERE tenant_id = $1 ORDER BY id LIMIT ` + strconv.Itoa(reportBatch)
	dealBodiesNext  = `SELECT id, body FROM deals WHERE tenant_id = $1 AND id > $2::uuid ORDER BY id LIMIT ` + strconv.Itoa(reportBatch)
)

// Opportunities yields every deal of the tenant as a funnel.Opportunity
// (funnel.OpportunityOf), in ID order, reading the deals table in batches
// of 1,000 rows (keyset pagination on the ID), never a query per deal.
// It makes the Store a funnel.Source.
func (s *Store) Opportunities(ctx context.Context) iter.Seq2[funnel.Opportunity, error] {
	return func(yield func(funnel.Opportunity, error) bool) {
		if err := storage.CheckContext(ctx); err != nil {
			yield(funnel.Opportunity{}, err)
			return
		}
		r := &repo[deal.Deal, storage.DealFilter]{sc: s.scope(), k: dealKind}
		var (
			last   [16]byte
			bodies = make([][]byte, 0, reportBatch)
			ids    = make([][16]byte, 0, reportBatch)
		)
		for first := true; ; first = false {
			if err := ctx.Err(); err != nil {
				yield(funnel.Opportunity{}, storage.Stopped(err))
				return
			}
			sql, args := dealBodiesFirst, []any{r.sc.tenant}
			if !first {
				sql, args = dealBodiesNext, []any{r.sc.tenant, last}
			}
			var err error
			ids, bodies, err = readBodies(ctx, r.sc, sql, args, ids[:0], bodies[:0])
			if err != nil {
				yield(funnel.Opportunity{}, err)
				return
			}
			for _, b := range bodies {
				d, err := r.decode(b)
				if err != nil {
					yield(funnel.Opportunity{}, err)
					return
				}
				if !yield(funnel.OpportunityOf(&d), nil) {
					return
				}
			}
			if len(ids) < reportBatch {
				return
			}
			last = ids[len(ids)-1]
		}
	}
}

// readBodies runs one batch's query of (id, body) rows.
func readBodies(ctx context.Context, sc *scope, sql string, args []any, ids [][16]byte, bodies [][]byte) ([][16]byte, [][]byte, error) {
	q, release, err := sc.acquire()
	if err != nil {
		return ids, bodies, err
	}
	defer release()
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return ids, bodies, fmt.Errorf("postgres: read deals: %w", mapErr(ctx, err))
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id   [16]byte
			body []byte
		)
		if err := rows.Scan(&id, &body); err != nil {
			return ids, bodies, fmt.Errorf("postgres: read deals: %w", mapErr(ctx, err))
		}
		ids, bodies = append(ids, id), append(bodies, body)
	}
	if err := rows.Err(); err != nil {
		return ids, bodies, fmt.Errorf("postgres: read deals: %w", mapErr(ctx, err))
	}
	return ids, bodies, nil
}

var (
	historiesFirst = `SELECT ` + eventCols + ` FROM events WHERE tenant_id = $1 AND aggregate_kind = $2
	ORDER BY aggregate_id, version, at, id LIMIT ` + strconv.Itoa(streamBatch)
	historiesNext = `SELECT ` + eventCols + ` FROM events WHERE tenant_id = $1 AND aggregate_kind = $2
	AND (aggregate_id, version, at, id) > ($3::uuid, $4::bigint, $5::timestamptz, $6::uuid)
	ORDER BY aggregate_id, version, at, id LIMIT ` + strconv.Itoa(streamBatch)
)

// Histories streams the events of every aggregate of kind, grouped by
// aggregate and ordered by (aggregate ID, version, time, event ID), in
// batches of 512 (keyset pagination on that order over the events_aggregate
// index), never a query per aggregate. It makes the Store a
// storage.HistoryStreamer.
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
		return historiesNext, []any{l.sc.tenant, kind, [16]byte(last.AggregateID), last.Version, last.At, [16]byte(last.ID)}
	})
}
