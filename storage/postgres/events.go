package postgres

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// eventArrays is how many array parameters eventsInsert takes.
const eventArrays = 11

// eventsInsert returns an INSERT of the events passed as the arrays
// $first .. $first+10 (see appendEventArgs) for tenant $1, guarded by
// cond.
func eventsInsert(first int, cond string) string {
	p := func(i int, typ string) string { return "$" + strconv.Itoa(first+i) + "::" + typ + "[]" }
	return `INSERT INTO events (tenant_id, id, aggregate_kind, aggregate_id, type, actor, at, version, from_state, to_state, reason, payload)
	SELECT $1, e.id, e.kind, e.agg, e.typ, e.actor, e.at, e.ver, e.fr, e.tos, e.reason, NULLIF(e.payload, '')::jsonb
	FROM unnest(` + p(0, "uuid") + `, ` + p(1, "text") + `, ` + p(2, "uuid") + `, ` + p(3, "text") + `, ` + p(4, "text") + `, ` +
		p(5, "timestamptz") + `, ` + p(6, "int8") + `, ` + p(7, "text") + `, ` + p(8, "text") + `, ` + p(9, "text") + `, ` + p(10, "text") + `)
		AS e(id, kind, agg, typ, actor, at, ver, fr, tos, reason, payload)
	WHERE ` + cond
}

// appendEventArgs appends the eleven arrays eventsInsert reads: one
// element per event and field.
func appendEventArgs(args []any, events []crmkit.Event) []any {
	n := len(events)
	var (
		ids, aggs                                 = make([][16]byte, n), make([][16]byte, n)
		kinds, types, actors, froms, tos, reasons = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		payloads                                  = make([]string, n)
		ats                                       = make([]time.Time, n)
		versions                                  = make([]int64, n)
	)
	for i := range events {
		e := &events[i]
		ids[i], aggs[i] = e.ID, e.AggregateID
		kinds[i], types[i], actors[i] = e.AggregateKind, e.Type, e.Actor
		froms[i], tos[i], reasons[i] = e.From, e.To, e.Reason
		payloads[i] = string(e.Payload)
		ats[i], versions[i] = e.At, e.Version
	}
	return append(args, ids, kinds, aggs, types, actors, ats, versions, froms, tos, reasons, payloads)
}

// appendSQL appends events unless one of their IDs is logged already; it
// returns that ID (NULL when the events were appended).
var appendSQL = `WITH dup AS (SELECT id FROM events WHERE tenant_id = $1 AND id = ANY($2::uuid[]) LIMIT 1),
stored AS (SELECT e.i FROM unnest($3::text[], $4::uuid[]) WITH ORDINALITY AS e(kind, agg, i)
	WHERE ` + storedCond() + ` ORDER BY e.i LIMIT 1),
ev AS (` + eventsInsert(2, "NOT EXISTS (SELECT 1 FROM dup) AND NOT EXISTS (SELECT 1 FROM stored)") + `)
SELECT (SELECT id FROM dup), (SELECT i FROM stored)`

// storedCond is the condition that e.agg is an aggregate of kind e.kind
// the store holds, over every kind's table.
func storedCond() string {
	var b strings.Builder
	for i, k := range [...]struct{ name, table string }{
		{leadKind.name, leadKind.table}, {dealKind.name, dealKind.table}, {accountKind.name, accountKind.table},
		{contractKind.name, contractKind.table}, {planKind.name, planKind.table}, {campaignKind.name, campaignKind.table},
		{commissionPlanKind.name, commissionPlanKind.table}, {pipelineKind.name, pipelineKind.table},
		{forecastSnapshotKind.name, forecastSnapshotKind.table},
		{quoteKind.name, quoteKind.table}, {approvalKind.name, approvalKind.table}, {interactionKind.name, interactionKind.table},
		{fieldSchemaKind.name, fieldSchemaKind.table},
	} {
		if i > 0 {
			b.WriteString(" OR ")
		}
		fmt.Fprintf(&b, "(e.kind = '%s' AND EXISTS (SELECT 1 FROM %s WHERE tenant_id = $1 AND id = e.agg))", k.name, k.table)
	}
	return b.String()
}

// eventLog is the storage.EventLog of a scope.
type eventLog struct{ sc *scope }

// Append appends events in one statement.
func (l *eventLog) Append(ctx context.Context, events ...crmkit.Event) error {
	if err := storage.CheckContext(ctx); err != nil {
		return err
	}
	if err := storage.ValidateEvents(events); err != nil {
		return err
	}
	events = storage.Canonical(events)
	if len(events) == 0 {
		return nil
	}
	q, release, err := l.sc.acquire()
	if err != nil {
		return err
	}
	defer release()
	var (
		dup    *[16]byte
		stored *int64
	)
	if err := q.QueryRow(ctx, appendSQL, appendEventArgs([]any{l.sc.tenant}, events)...).Scan(&dup, &stored); err != nil {
		return fmt.Errorf("postgres: append events: %w", mapErr(ctx, err))
	}
	switch {
	case stored != nil:
		i := int(*stored - 1) // ORDINALITY counts from 1
		return storage.EventOfStored(i, events[i])
	case dup != nil:
		return storage.DuplicateEvent(uuid.UUID(*dup))
	}
	l.sc.wroteEvents()
	return nil
}

// streamBatch is how many events a stream reads per query: a stream holds
// at most this many in memory, and keeps no connection between batches.
const streamBatch = 512

const eventCols = `id, aggregate_kind, aggregate_id, type, actor, at, version, from_state, to_state, reason, payload`

var (
	byAggregateFirst = `SELECT ` + eventCols + ` FROM events WHERE tenant_id = $1 AND aggregate_id = $2
	ORDER BY version, at, id LIMIT ` + strconv.Itoa(streamBatch)
	byAggregateNext = `SELECT ` + eventCols + ` FROM events WHERE tenant_id = $1 AND aggregate_id = $2
	AND (version, at, id) > ($3::bigint, $4::timestamptz, $5::uuid)
	ORDER BY version, at, id LIMIT ` + strconv.Itoa(streamBatch)
	betweenFirst = `SELECT ` + eventCols + ` FROM events WHERE tenant_id = $1 AND at >= $2 AND at < $3
	ORDER BY at, id LIMIT ` + strconv.Itoa(streamBatch)
	betweenNext = `SELECT ` + eventCols + ` FROM events WHERE tenant_id = $1 AND at >= $2 AND at < $3
	AND (at, id) > ($4::timestamptz, $5::uuid)
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
			return byAggregateFirst, []any{l.sc.tenant, [16]byte(id)}
		}
		return byAggregateNext, []any{l.sc.tenant, [16]byte(id), last.Version, last.At, [16]byte(last.ID)}
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
	// Bounds as the database can hold them, comparing with the stored
	// (whole-microsecond) times exactly as p itself does.
	start, end := storage.TimeBound(p.Start), storage.TimeBound(p.End)
	return l.stream(ctx, func(last *crmkit.Event) (string, []any) {
		if last == nil {
			return betweenFirst, []any{l.sc.tenant, start, end}
		}
		return betweenNext, []any{l.sc.tenant, start, end, last.At, [16]byte(last.ID)}
	})
}

// stream yields the events of successive batches: query returns the SQL
// and arguments of the batch after last (nil for the first).
func (l *eventLog) stream(ctx context.Context, query func(last *crmkit.Event) (string, []any)) iter.Seq2[crmkit.Event, error] {
	return func(yield func(crmkit.Event, error) bool) {
		var last *crmkit.Event
		batch := make([]crmkit.Event, 0, streamBatch)
		dec := newEventDecoder()
		for {
			if err := ctx.Err(); err != nil {
				yield(crmkit.Event{}, storage.Stopped(err))
				return
			}
			sql, args := query(last)
			var err error
			batch, err = l.readBatch(ctx, dec, batch[:0], sql, args)
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

// readBatch runs one batch's query, its rows in binary format, and
// appends their events to dst.
func (l *eventLog) readBatch(ctx context.Context, dec *eventDecoder, dst []crmkit.Event, sql string, args []any) ([]crmkit.Event, error) {
	q, release, err := l.sc.acquire()
	if err != nil {
		return dst, err
	}
	defer release()
	rows, err := q.Query(ctx, sql, append([]any{binaryResults}, args...)...)
	if err != nil {
		return dst, fmt.Errorf("postgres: read events: %w", mapErr(ctx, err))
	}
	defer rows.Close()
	if err := checkBinary(rows); err != nil {
		return dst, fmt.Errorf("postgres: read events: %w", err)
	}
	for rows.Next() {
		e, err := dec.decode(rows.RawValues())
		if err != nil {
			return dst, err
		}
		dst = append(dst, e)
	}
	if err := rows.Err(); err != nil {
		return dst, fmt.Errorf("postgres: read events: %w", mapErr(ctx, err))
	}
	return dst, nil
}

// scanEvent reads an event from the columns eventCols names, then the
// extra columns into extra.
func scanEvent(rows pgx.Rows, extra ...any) (crmkit.Event, error) {
	var (
		e       crmkit.Event
		id, agg [16]byte
		payload []byte
	)
	dst := append([]any{&id, &e.AggregateKind, &agg, &e.Type, &e.Actor, &e.At, &e.Version, &e.From, &e.To, &e.Reason, &payload}, extra...)
	if err := rows.Scan(dst...); err != nil {
		return crmkit.Event{}, err
	}
	e.ID, e.AggregateID = id, agg
	e.At = e.At.UTC()
	if len(payload) > 0 {
		e.Payload = payload
	}
	return e, nil
}

// errSeq is a stream of one error.
func errSeq(err error) iter.Seq2[crmkit.Event, error] {
	return func(yield func(crmkit.Event, error) bool) { yield(crmkit.Event{}, err) }
}
