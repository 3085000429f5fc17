package postgres

import (
	"context"
	"fmt"
	"iter"
	"strconv"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

var (
	_ funnel.Source           = (*Store)(nil)
	_ funnel.Aggregator       = (*Store)(nil)
	_ storage.HistoryStreamer = (*Store)(nil)
)

// reportBatch is how many rows a report stream reads per query: it holds
// at most this many in memory and keeps no connection between batches.
const reportBatch = 1000

// dealFacts are the columns, and the fields of the stored body read in
// SQL, that funnel.OpportunityOf reads of a deal: the source needs no
// whole-body JSON decoding in Go.
const dealFacts = `SELECT id, stage, status, owner, pipeline,
	coalesce(body->'amount'->>'amount', ''), coalesce(body->'amount'->>'currency', ''),
	(body->>'created_at')::timestamptz, (body->>'stage_entered_at')::timestamptz,
	(body->>'updated_at')::timestamptz, (body->'outcome'->>'at')::timestamptz, (body->>'close_date')::timestamptz,
	coalesce(body->'outcome'->>'reason', ''), coalesce(body->'outcome'->>'competitor', ''),
	coalesce(body->>'type', ''), coalesce(body->>'campaign_id', '')
	FROM deals WHERE tenant_id = $1` + notArchived

var (
	dealFactsFirst = dealFacts + ` ORDER BY id LIMIT ` + strconv.Itoa(reportBatch)
	dealFactsNext  = dealFacts + ` AND id > $2::uuid ORDER BY id LIMIT ` + strconv.Itoa(reportBatch)
)

// Opportunities yields every deal of the tenant as a funnel.Opportunity
// (funnel.OpportunityOf of the deal, of which it reads only what the
// adapter reads), in ID order, reading the deals table in batches of
// 1,000 rows (keyset pagination on the ID), never a query per deal. It
// makes the Store a funnel.Source. Archived deals are left out, as
// storage.DealFilter leaves them out by default.
func (s *Store) Opportunities(ctx context.Context) iter.Seq2[funnel.Opportunity, error] {
	return func(yield func(funnel.Opportunity, error) bool) {
		if err := storage.CheckContext(ctx); err != nil {
			yield(funnel.Opportunity{}, err)
			return
		}
		sc := s.scope()
		batch := make([]deal.Deal, 0, reportBatch)
		for first := true; ; first = false {
			if err := ctx.Err(); err != nil {
				yield(funnel.Opportunity{}, storage.Stopped(err))
				return
			}
			sql, args := dealFactsFirst, []any{sc.tenant}
			if !first {
				sql, args = dealFactsNext, []any{sc.tenant, [16]byte(batch[len(batch)-1].ID)}
			}
			var err error
			if batch, err = readDealFacts(ctx, sc, sql, args, batch[:0]); err != nil {
				yield(funnel.Opportunity{}, err)
				return
			}
			for i := range batch {
				if !yield(funnel.OpportunityOf(&batch[i]), nil) {
					return
				}
			}
			if len(batch) < reportBatch {
				return
			}
		}
	}
}

// readDealFacts runs one batch's query of dealFacts rows into deals that
// hold what funnel.OpportunityOf reads.
func readDealFacts(ctx context.Context, sc *scope, sql string, args []any, dst []deal.Deal) ([]deal.Deal, error) {
	q, release, err := sc.acquire()
	if err != nil {
		return dst, err
	}
	defer release()
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return dst, fmt.Errorf("postgres: read deals: %w", mapErr(ctx, err))
	}
	defer rows.Close()
	var (
		id                                              [16]byte
		stage                                           int16
		status, amount, cur, typ, campaign              string
		created, entered, updated, outcomeAt, closeDate pgtype.Timestamptz
	)
	for rows.Next() {
		var d deal.Deal
		if err := rows.Scan(&id, &stage, &status, &d.Owner, &d.PipelineID, &amount, &cur,
			&created, &entered, &updated, &outcomeAt, &closeDate,
			&d.Outcome.Reason, &d.Outcome.Competitor, &typ, &campaign); err != nil {
			return dst, fmt.Errorf("postgres: read deals: %w", mapErr(ctx, err))
		}
		d.ID, d.Stage = id, int(stage)
		d.CreatedAt, d.StageEnteredAt, d.UpdatedAt = created.Time.UTC(), entered.Time.UTC(), updated.Time.UTC()
		d.Outcome.At, d.CloseDate = outcomeAt.Time.UTC(), closeDate.Time.UTC()
		if err := d.Status.UnmarshalText([]byte(status)); err != nil {
			return dst, storedErr(d.ID, err)
		}
		if typ != "" {
			if err := d.Type.UnmarshalText([]byte(typ)); err != nil {
				return dst, storedErr(d.ID, err)
			}
		}
		if campaign != "" {
			if d.CampaignID, err = uuid.Parse(campaign); err != nil {
				return dst, storedErr(d.ID, err)
			}
		}
		if cur != "" {
			c, err := crmkit.ParseCurrency(cur)
			if err != nil {
				return dst, storedErr(d.ID, err)
			}
			if d.Amount, err = crmkit.ParseMoney(amount, c); err != nil {
				return dst, storedErr(d.ID, err)
			}
		}
		dst = append(dst, d)
	}
	if err := rows.Err(); err != nil {
		return dst, fmt.Errorf("postgres: read deals: %w", mapErr(ctx, err))
	}
	return dst, nil
}

// storedErr is the error of a stored deal this code cannot read (written
// by other code): the store cannot serve it.
func storedErr(id uuid.UUID, err error) error {
	return fmt.Errorf("postgres: decode stored deal %s: %w: %w", id, crmkit.ErrUnavailable, err)
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
