package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"iter"
	"strconv"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

var (
	_ funnel.Source           = (*Store)(nil)
	_ storage.HistoryStreamer = (*Store)(nil)
)

// reportBatch is how many deals the Source reads per query.
const reportBatch = 1000

// dealFacts are the columns, and the fields of the stored body read with
// json_extract in SQL, that funnel.OpportunityOf reads of a deal: the
// source decodes no whole body in Go.
const dealFacts = `SELECT id, stage, status, owner, pipeline, expected_close,
	coalesce(json_extract(body, '$.amount.amount'), ''), coalesce(json_extract(body, '$.amount.currency'), ''),
	coalesce(json_extract(body, '$.created_at'), ''), coalesce(json_extract(body, '$.stage_entered_at'), ''),
	coalesce(json_extract(body, '$.updated_at'), ''), coalesce(json_extract(body, '$.outcome.at'), ''),
	coalesce(json_extract(body, '$.type'), ''), coalesce(json_extract(body, '$.campaign_id'), ''),
	coalesce(json_extract(body, '$.outcome.competitor'), ''), coalesce(json_extract(body, '$.outcome.reason'), ''),
	coalesce(json_extract(body, '$.custom'), '')
	FROM deals WHERE tenant_id = ?` + notArchived

var (
	dealFactsFirst = dealFacts + ` ORDER BY id LIMIT ` + strconv.Itoa(reportBatch)
	dealFactsNext  = dealFacts + ` AND id > ? ORDER BY id LIMIT ` + strconv.Itoa(reportBatch)
)

// Opportunities yields every deal of the tenant as a funnel.Opportunity
// (funnel.OpportunityOf of the deal, of which it reads only the fields
// the adapter reads: columns, and body fields extracted in SQL), in ID
// order, 1,000 deals a query (keyset pagination on the ID), never a query
// per deal. It makes the Store a funnel.Source; funnel.SummarizeSource
// summarises it by scanning. Archived deals are left out, as
// storage.DealFilter leaves them out by default.
func (s *Store) Opportunities(ctx context.Context) iter.Seq2[funnel.Opportunity, error] {
	return func(yield func(funnel.Opportunity, error) bool) {
		if err := storage.CheckContext(ctx); err != nil {
			yield(funnel.Opportunity{}, err)
			return
		}
		sc := s.scope()
		batch := make([]funnel.Opportunity, 0, reportBatch)
		var last uuid.UUID
		for first := true; ; first = false {
			if err := ctx.Err(); err != nil {
				yield(funnel.Opportunity{}, storage.Stopped(err))
				return
			}
			query, args := dealFactsFirst, []any{sc.tenant}
			if !first {
				query, args = dealFactsNext, []any{sc.tenant, last[:]}
			}
			var err error
			if batch, err = readDealFacts(ctx, sc, query, args, batch[:0]); err != nil {
				yield(funnel.Opportunity{}, err)
				return
			}
			for i := range batch {
				if !yield(batch[i], nil) {
					return
				}
			}
			if len(batch) < reportBatch {
				return
			}
			last = batch[len(batch)-1].Entity
		}
	}
}

// readDealFacts runs one batch's query of dealFacts rows and appends their
// opportunities to dst.
func readDealFacts(ctx context.Context, sc *scope, query string, args []any, dst []funnel.Opportunity) ([]funnel.Opportunity, error) {
	err := sc.read(func(q querier) error {
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var (
			id                                                        []byte
			stage                                                     int64
			closeDate                                                 sql.NullInt64
			status, amount, cur, created, entered, updated, outcomeAt string
			typ, campaign, custom                                     string
		)
		for rows.Next() {
			var d deal.Deal
			if err := rows.Scan(&id, &stage, &status, &d.Owner, &d.PipelineID, &closeDate, &amount, &cur,
				&created, &entered, &updated, &outcomeAt, &typ, &campaign, &d.Outcome.Competitor, &d.Outcome.Reason, &custom); err != nil {
				return err
			}
			if len(id) != 16 {
				return storedDealErr(uuid.Nil, fmt.Errorf("id of %d bytes", len(id)))
			}
			d.ID, d.Stage = uuid.UUID(id), int(stage)
			if closeDate.Valid {
				d.CloseDate = fromMicros(closeDate.Int64)
			}
			if err := d.Status.UnmarshalText([]byte(status)); err != nil {
				return storedDealErr(d.ID, err)
			}
			for _, t := range []struct {
				dst *time.Time
				src string
			}{{&d.CreatedAt, created}, {&d.StageEnteredAt, entered}, {&d.UpdatedAt, updated}, {&d.Outcome.At, outcomeAt}} {
				if t.src == "" {
					continue
				}
				v, err := time.Parse(time.RFC3339Nano, t.src)
				if err != nil {
					return storedDealErr(d.ID, err)
				}
				*t.dst = v.UTC()
			}
			if typ != "" {
				if err := d.Type.UnmarshalText([]byte(typ)); err != nil {
					return storedDealErr(d.ID, err)
				}
			}
			if campaign != "" {
				if d.CampaignID, err = uuid.Parse(campaign); err != nil {
					return storedDealErr(d.ID, err)
				}
			}
			if cur != "" {
				c, err := crmkit.ParseCurrency(cur)
				if err != nil {
					return storedDealErr(d.ID, err)
				}
				if d.Amount, err = crmkit.ParseMoney(amount, c); err != nil {
					return storedDealErr(d.ID, err)
				}
			}
			if custom != "" {
				// A deal with custom values, for reports split ByCustom.
				if err := json.Unmarshal([]byte(custom), &d.Custom); err != nil {
					return storedDealErr(d.ID, err)
				}
			}
			dst = append(dst, funnel.OpportunityOf(&d))
		}
		return rows.Err()
	})
	if err != nil {
		return dst, fmt.Errorf("sqlite: read deals: %w", mapErr(ctx, err))
	}
	return dst, nil
}

// storedDealErr is the error of a stored deal this code cannot read
// (written by other code): the store cannot serve it.
func storedDealErr(id uuid.UUID, err error) error {
	return fmt.Errorf("sqlite: decode stored deal %s: %w: %w", id, crmkit.ErrUnavailable, err)
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
