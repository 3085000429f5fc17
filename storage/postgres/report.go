package postgres

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"iter"
	"math"
	"strconv"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

var (
	_ funnel.Source           = (*Store)(nil)
	_ funnel.Aggregator       = (*Store)(nil)
	_ storage.HistoryStreamer = (*Store)(nil)
)

// dealFacts are the columns funnel.OpportunityOf reads of a deal (schema
// version 12, dealReportCols, beside the older stage, status, owner,
// pipeline and expected_close) and its custom values (the custom column of
// schema version 20, NULL for a deal without any): the statement never
// reads the JSON body, and the source decodes no JSON but the custom
// values. Every column is read in PostgreSQL's binary format
// (decodeDealFacts).
const dealFacts = `SELECT id, stage, status, owner, pipeline, amount_minor, currency,
	created_at, stage_entered_at, closed_at, expected_close, deal_type, campaign_id, competitor, reason,
	custom
	FROM deals WHERE tenant_id = $1` + notArchived

// binaryResults asks pgx for every result column in binary format.
var binaryResults = pgx.QueryResultFormats{pgx.BinaryFormatCode}

// Opportunities yields every deal of the tenant as a funnel.Opportunity
// (funnel.OpportunityOf of the deal, of which it reads only what the
// adapter reads, from the columns of schema version 12) with one query:
// the deals of one snapshot, in the table's physical order. It holds one
// connection of the pool until the loop ends, so with a pool of one
// connection (MaxConns(1)) the loop must not call the store. Rows are
// decoded from their binary form as they arrive, and repeated texts
// (owner, pipeline, type, campaign, competitor, reason) share one string
// per stream, so a deal costs no allocation once those are known. It
// makes the Store a funnel.Source. Archived deals are left out, as
// storage.DealFilter leaves them out by default.
func (s *Store) Opportunities(ctx context.Context) iter.Seq2[funnel.Opportunity, error] {
	return func(yield func(funnel.Opportunity, error) bool) {
		if err := storage.CheckContext(ctx); err != nil {
			yield(funnel.Opportunity{}, err)
			return
		}
		sc := s.scope()
		if sc.q == nil {
			yield(funnel.Opportunity{}, errZeroStore())
			return
		}
		newFactDecoder().stream(ctx, sc, yield)
	}
}

// stream runs one query of every dealFacts row of the tenant, in the
// table's physical order, and yields each row as it is decoded.
func (d *factDecoder) stream(ctx context.Context, sc *scope, yield func(funnel.Opportunity, error) bool) {
	rows, err := sc.q.Query(ctx, dealFacts, binaryResults, sc.tenant)
	if err != nil {
		yield(funnel.Opportunity{}, fmt.Errorf("postgres: read deals: %w", mapErr(ctx, err)))
		return
	}
	defer rows.Close()
	if err := checkBinary(rows); err != nil {
		yield(funnel.Opportunity{}, fmt.Errorf("postgres: read deals: %w", err))
		return
	}
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			yield(funnel.Opportunity{}, storage.Stopped(err))
			return
		}
		o, err := d.decode(rows.RawValues())
		if err != nil {
			yield(funnel.Opportunity{}, err)
			return
		}
		if !yield(o, nil) {
			return
		}
	}
	if err := rows.Err(); err != nil {
		yield(funnel.Opportunity{}, fmt.Errorf("postgres: read deals: %w", mapErr(ctx, err)))
	}
}

// factDecoder decodes dealFacts rows. It keeps one string per distinct
// text and one Currency per code for the stream it serves.
type factDecoder struct {
	texts  interner
	camps  map[[16]byte]string
	curs   map[string]crmkit.Currency
	status map[string]deal.Status
}

func newFactDecoder() *factDecoder {
	return &factDecoder{texts: interner{}, camps: map[[16]byte]string{},
		curs: map[string]crmkit.Currency{}, status: dealStatusByText}
}

// dealStatusByText maps the status column's text to the deal.Status.
var dealStatusByText = func() map[string]deal.Status {
	m := map[string]deal.Status{}
	for s := deal.Status(1); s.Valid(); s++ {
		m[s.String()] = s
	}
	return m
}()

// text returns b as a string, one per distinct value.
func (d *factDecoder) text(b []byte) string { return d.texts.text(b) }

// pgEpochMicros is 2000-01-01 UTC, PostgreSQL's timestamp epoch, in Unix
// microseconds.
const pgEpochMicros = 946_684_800_000_000

// timestamptz decodes a binary timestamptz (NULL: the zero time).
func timestamptz(b []byte) (time.Time, bool) {
	switch len(b) {
	case 0:
		return time.Time{}, b == nil
	case 8:
		us := int64(binary.BigEndian.Uint64(b))
		if us == math.MaxInt64 || us == math.MinInt64 || us > math.MaxInt64-pgEpochMicros {
			return time.Time{}, false // infinity: never written by this store
		}
		return time.UnixMicro(us + pgEpochMicros).UTC(), true
	}
	return time.Time{}, false
}

// decode returns the opportunity of one dealFacts row in binary format:
// funnel.OpportunityOf of a deal holding the row's fields.
func (d *factDecoder) decode(v [][]byte) (funnel.Opportunity, error) {
	if len(v) != 16 || len(v[0]) != 16 || len(v[1]) != 2 || len(v[5]) != 8 {
		return funnel.Opportunity{}, storedErr(uuid.Nil, fmt.Errorf("malformed report row"))
	}
	var dl deal.Deal
	dl.ID = uuid.UUID(v[0])
	dl.Stage = int(int16(binary.BigEndian.Uint16(v[1])))
	st, ok := d.status[string(v[2])]
	if !ok {
		return funnel.Opportunity{}, storedErr(dl.ID, fmt.Errorf("status %q", v[2]))
	}
	dl.Status = st
	dl.Owner, dl.PipelineID = d.text(v[3]), d.text(v[4])
	if len(v[6]) > 0 {
		c, ok := d.curs[string(v[6])]
		if !ok {
			var err error
			if c, err = crmkit.ParseCurrency(string(v[6])); err != nil {
				return funnel.Opportunity{}, storedErr(dl.ID, err)
			}
			d.curs[string(v[6])] = c
		}
		m, err := crmkit.NewMoney(int64(binary.BigEndian.Uint64(v[5])), c)
		if err != nil {
			return funnel.Opportunity{}, storedErr(dl.ID, err)
		}
		dl.Amount = m
	}
	times := [...]*time.Time{&dl.CreatedAt, &dl.StageEnteredAt, &dl.Outcome.At, &dl.CloseDate}
	for i, t := range times {
		if *t, ok = timestamptz(v[7+i]); !ok {
			return funnel.Opportunity{}, storedErr(dl.ID, fmt.Errorf("time column %d", 7+i))
		}
	}
	dl.Outcome.Competitor, dl.Outcome.Reason = d.text(v[13]), d.text(v[14])
	if c := v[15]; len(c) > 0 {
		// A deal with custom values, for reports split ByCustom: binary
		// jsonb is a version byte (1) and the JSON text.
		if c[0] != 1 {
			return funnel.Opportunity{}, storedErr(dl.ID, fmt.Errorf("custom column: jsonb version %d", c[0]))
		}
		var err error
		if dl.Custom, err = decodeCustom(c[1:]); err != nil {
			return funnel.Opportunity{}, storedErr(dl.ID, err)
		}
	}
	o := funnel.OpportunityOf(&dl)
	o.Dims.Type = d.text(v[11])
	switch len(v[12]) {
	case 0:
	case 16:
		id := [16]byte(v[12])
		s, ok := d.camps[id]
		if !ok {
			if len(d.camps) >= maxInterned {
				clear(d.camps)
			}
			s = uuid.UUID(id).String()
			d.camps[id] = s
		}
		o.Dims.Campaign = s
	default:
		return funnel.Opportunity{}, storedErr(dl.ID, fmt.Errorf("campaign column"))
	}
	return o, nil
}

// decodeCustom decodes a deal's custom values from their JSON text, into a
// variable of its own so that decode's deal.Deal stays on the stack
// (unmarshalling into &dl.Custom moved every row's deal to the heap: one
// allocation of 640 bytes per deal).
func decodeCustom(b []byte) (field.Values, error) {
	var v field.Values
	err := json.Unmarshal(b, &v)
	return v, err
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
// batches of 512 (keyset pagination on that order over the events_kind_aggregate
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
