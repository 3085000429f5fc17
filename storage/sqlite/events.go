package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"strconv"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// insertEventSQL inserts one event at the next place of its tenant's feed
// (see feed.go): the write lock makes the place gap-free.
const insertEventSQL = `INSERT INTO events (tenant_id, id, aggregate_kind, aggregate_id, type, actor, at, version, from_state, to_state, reason, payload, feed_pos)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, (SELECT coalesce(max(feed_pos), 0) + 1 FROM events WHERE tenant_id = ?1))`

// eventArgs returns the parameters of insertEventSQL for e.
func eventArgs(dst []any, tenant string, e *crmkit.Event) []any {
	var payload any // NULL for none
	if len(e.Payload) > 0 {
		payload = string(e.Payload)
	}
	return append(dst, tenant, e.ID[:], e.AggregateKind, e.AggregateID[:], e.Type, e.Actor,
		micros(e.At), e.Version, e.From, e.To, e.Reason, payload)
}

// checkNewEvents returns an error matching crmkit.ErrConflict if one of
// events' IDs is logged already.
func checkNewEvents(ctx context.Context, q querier, tenant string, events []crmkit.Event) error {
	if len(events) == 0 {
		return nil
	}
	args := make([]any, 0, 1+len(events))
	args = append(args, tenant)
	for i := range events {
		args = append(args, events[i].ID[:])
	}
	var dup []byte
	err := q.QueryRowContext(ctx, `SELECT id FROM events WHERE tenant_id = ? AND id IN (?`+
		strings.Repeat(", ?", len(events)-1)+`) LIMIT 1`, args...).Scan(&dup)
	switch {
	case err == sql.ErrNoRows:
		return nil
	case err != nil:
		return fmt.Errorf("sqlite: look up event IDs: %w", mapErr(ctx, err))
	}
	id, _ := uuid.FromBytes(dup)
	return storage.DuplicateEvent(id)
}

// tables are the tables of the aggregate kinds, by kind.
var tables = map[string]string{
	leadKind.name: leadKind.table, dealKind.name: dealKind.table, accountKind.name: accountKind.table,
	contractKind.name: contractKind.table, planKind.name: planKind.table, campaignKind.name: campaignKind.table,
	quoteKind.name: quoteKind.table, approvalKind.name: approvalKind.table, interactionKind.name: interactionKind.table,
	commissionPlanKind.name: commissionPlanKind.table, pipelineKind.name: pipelineKind.table,
	forecastSnapshotKind.name: forecastSnapshotKind.table, fieldSchemaKind.name: fieldSchemaKind.table,
}

// checkNotStored refuses events of a stored aggregate in an Append
// (storage.EventOfStored): they go with its Create or Save.
func checkNotStored(ctx context.Context, q querier, tenant string, events []crmkit.Event) error {
	for i := range events {
		e := &events[i]
		table, ok := tables[e.AggregateKind]
		if !ok {
			continue
		}
		var n int
		err := q.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE tenant_id = ? AND id = ?`, tenant, e.AggregateID[:]).Scan(&n)
		if err != nil {
			return fmt.Errorf("sqlite: append events: %w", mapErr(ctx, err))
		}
		if n > 0 {
			return storage.EventOfStored(i, *e)
		}
	}
	return nil
}

// insertEvents inserts events (checked and canonical). An ID repeated
// among them is a primary key violation: crmkit.ErrConflict.
func insertEvents(ctx context.Context, q querier, tenant string, events []crmkit.Event) error {
	args := make([]any, 0, 12)
	for i := range events {
		if _, err := q.ExecContext(ctx, insertEventSQL, eventArgs(args[:0], tenant, &events[i])...); err != nil {
			return fmt.Errorf("sqlite: append event %s: %w", events[i].ID, mapErr(ctx, err))
		}
	}
	return nil
}

// eventLog is the storage.EventLog of a scope.
type eventLog struct{ sc *scope }

// Append appends events in one transaction.
func (l *eventLog) Append(ctx context.Context, events ...crmkit.Event) error {
	if err := storage.CheckContext(ctx); err != nil {
		return err
	}
	if l.sc.db == nil {
		return errZeroStore()
	}
	if err := storage.ValidateEvents(events); err != nil {
		return err
	}
	events = storage.Canonical(events)
	if len(events) == 0 {
		return nil
	}
	return mapErr(ctx, l.sc.write(ctx, func(q querier) error {
		if err := checkNotStored(ctx, q, l.sc.tenant, events); err != nil {
			return err
		}
		if err := checkNewEvents(ctx, q, l.sc.tenant, events); err != nil {
			return err
		}
		return insertEvents(ctx, q, l.sc.tenant, events)
	}))
}

// streamBatch is how many events a stream reads per query: a stream holds
// at most this many in memory, and keeps no connection between batches.
const streamBatch = 512

const eventCols = `id, aggregate_kind, aggregate_id, type, actor, at, version, from_state, to_state, reason, payload`

var (
	byAggregateFirst = `SELECT ` + eventCols + ` FROM events WHERE tenant_id = ? AND aggregate_id = ?
	ORDER BY version, at, id LIMIT ` + strconv.Itoa(streamBatch)
	byAggregateNext = `SELECT ` + eventCols + ` FROM events WHERE tenant_id = ? AND aggregate_id = ?
	AND (version, at, id) > (?, ?, ?)
	ORDER BY version, at, id LIMIT ` + strconv.Itoa(streamBatch)
	betweenFirst = `SELECT ` + eventCols + ` FROM events WHERE tenant_id = ? AND at >= ? AND at < ?
	ORDER BY at, id LIMIT ` + strconv.Itoa(streamBatch)
	betweenNext = `SELECT ` + eventCols + ` FROM events WHERE tenant_id = ? AND at >= ? AND at < ?
	AND (at, id) > (?, ?)
	ORDER BY at, id LIMIT ` + strconv.Itoa(streamBatch)
)

// ByAggregate streams the aggregate's events by version, then time, then
// ID, in batches (keyset pagination on that order).
func (l *eventLog) ByAggregate(ctx context.Context, id uuid.UUID) iter.Seq2[crmkit.Event, error] {
	if ctx == nil {
		return errSeq(crmkit.Invalid("context", "nil context"))
	}
	if err := storage.ValidateID("aggregate", id); err != nil {
		return errSeq(err)
	}
	return l.stream(ctx, func(last *crmkit.Event) (string, []any) {
		if last == nil {
			return byAggregateFirst, []any{l.sc.tenant, id[:]}
		}
		return byAggregateNext, []any{l.sc.tenant, id[:], last.Version, micros(last.At), last.ID[:]}
	})
}

// Between streams the events in p by time, then ID, in batches.
func (l *eventLog) Between(ctx context.Context, p crmkit.Period) iter.Seq2[crmkit.Event, error] {
	if ctx == nil {
		return errSeq(crmkit.Invalid("context", "nil context"))
	}
	if err := storage.ValidatePeriod(p); err != nil {
		return errSeq(fmt.Errorf("events between: %w", err))
	}
	// Bounds compared with the stored (whole-microsecond) times exactly
	// as p itself compares.
	start, end := micros(storage.TimeBound(p.Start)), micros(storage.TimeBound(p.End))
	return l.stream(ctx, func(last *crmkit.Event) (string, []any) {
		if last == nil {
			return betweenFirst, []any{l.sc.tenant, start, end}
		}
		return betweenNext, []any{l.sc.tenant, start, end, micros(last.At), last.ID[:]}
	})
}

// stream yields the events of successive batches: query returns the SQL
// and arguments of the batch after last (nil for the first).
func (l *eventLog) stream(ctx context.Context, query func(last *crmkit.Event) (string, []any)) iter.Seq2[crmkit.Event, error] {
	return func(yield func(crmkit.Event, error) bool) {
		var last *crmkit.Event
		batch := make([]crmkit.Event, 0, streamBatch)
		for {
			if err := ctx.Err(); err != nil {
				yield(crmkit.Event{}, storage.Stopped(err))
				return
			}
			sql, args := query(last)
			var err error
			batch, err = l.readBatch(ctx, batch[:0], sql, args)
			if err != nil {
				yield(crmkit.Event{}, err)
				return
			}
			for i := range batch {
				if err := ctx.Err(); err != nil {
					yield(crmkit.Event{}, storage.Stopped(err))
					return
				}
				if !yield(batch[i], nil) {
					return
				}
			}
			if len(batch) < streamBatch {
				return
			}
			e := batch[len(batch)-1]
			last = &e
		}
	}
}

// readBatch runs one batch's query and appends its events to dst.
func (l *eventLog) readBatch(ctx context.Context, dst []crmkit.Event, query string, args []any) ([]crmkit.Event, error) {
	err := l.sc.read(func(q querier) error {
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanEvent(rows)
			if err != nil {
				return err
			}
			dst = append(dst, e)
		}
		return rows.Err()
	})
	if err != nil {
		return dst, fmt.Errorf("sqlite: read events: %w", mapErr(ctx, err))
	}
	return dst, nil
}

// scanEvent scans a row of eventCols, then extra.
func scanEvent(rows *sql.Rows, extra ...any) (crmkit.Event, error) {
	var (
		e       crmkit.Event
		id, agg []byte
		at      int64
		payload sql.NullString
	)
	dst := append([]any{&id, &e.AggregateKind, &agg, &e.Type, &e.Actor, &at, &e.Version, &e.From, &e.To, &e.Reason, &payload}, extra...)
	if err := rows.Scan(dst...); err != nil {
		return crmkit.Event{}, err
	}
	var err error
	if e.ID, err = uuid.FromBytes(id); err != nil {
		return crmkit.Event{}, err
	}
	if e.AggregateID, err = uuid.FromBytes(agg); err != nil {
		return crmkit.Event{}, err
	}
	e.At = fromMicros(at)
	if payload.Valid && payload.String != "" {
		e.Payload = []byte(payload.String)
	}
	return e, nil
}

// errSeq is a stream of one error.
func errSeq(err error) iter.Seq2[crmkit.Event, error] {
	return func(yield func(crmkit.Event, error) bool) { yield(crmkit.Event{}, err) }
}
