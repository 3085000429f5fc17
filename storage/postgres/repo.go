package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// column is a real column a kind's lists filter on, beside the JSONB body.
type column struct {
	name, typ string // typ is the SQL type parameters are cast to
}

// kind describes how one aggregate kind is stored: its table, its filter
// columns and the SQL built from them once.
type kind[T, F any] struct {
	name           string // "lead", "deal": the kind in errors
	table          string
	cols           []column
	colValues      func(v *T, dst []any) []any // appends the cols' values
	id             func(*T) uuid.UUID
	version        func(*T) int64
	validate       func(T) error
	validateFilter func(F) error
	// where appends the filter's conditions (" AND ...") to b, numbering
	// parameters after those in args, and returns args with theirs.
	where func(f *F, b *strings.Builder, args []any) []any
	// split, optional, returns the filter as one filter per member of
	// its set filter (see splitSet), so that List reads one index per
	// member; nil when the filter has no set. dated, optional, returns
	// for a filter with a range (a close date, a renewal date, a period)
	// the column a List of it orders by, then by id (storage.Repository
	// .List: date order), and that column's value of a value; "" and nil
	// for any other filter (ID order; see listQuery).
	split func(f F) []F
	dated func(f *F) (col string, date func(*T) time.Time)

	// The references of the kind (see storage.ReferenceError), all
	// optional. checkCreate and checkSave return a query of one text
	// value: the field of the written value whose reference does not
	// resolve, NULL when all do; the write happens only when it is NULL.
	// sideCreate and sideSave return more CTEs the write runs when it
	// writes (the account's rows of account_contacts), over the
	// parameter sideValues appends. ph gives the placeholder of a filter
	// column, or of the side parameter for "side".
	checkCreate, checkSave func(ph func(col string) string) string
	sideCreate, sideSave   func(ph func(col string) string) string
	sideValues             func(v *T, dst []any) []any
	// refs returns the references of a value, to name the one a foreign
	// key violation reports (by its Field).
	refs func(v *T) []storage.Reference
	// custom, if not nil, returns the custom field values of a value,
	// checked against the kind's stored schema before every write (see
	// kinds_fields.go).
	custom func(v *T) field.Values

	getSQL, createSQL, saveSQL, versionSQL, keySQL string
}

// build writes the kind's SQL. Parameters: $1 tenant, $2 id, $3 version,
// $4 idempotency key (create) or expected version (save), $5 body, then
// the filter columns, then the event arrays of eventsInsert.
func (k *kind[T, F]) build() *kind[T, F] {
	var names, casts, sets strings.Builder
	for i, c := range k.cols {
		p := "$" + strconv.Itoa(6+i) + "::" + c.typ
		fmt.Fprintf(&names, ", %s", c.name)
		fmt.Fprintf(&casts, ", %s", p)
		fmt.Fprintf(&sets, ", %s = %s", c.name, p)
	}
	ev := 6 + len(k.cols)
	dup := `dup AS (SELECT id FROM events WHERE tenant_id = $1 AND id = ANY($` + strconv.Itoa(ev) + `::uuid[]) LIMIT 1)`
	ph := func(col string) string {
		if col == "side" {
			return "$" + strconv.Itoa(ev+eventArrays)
		}
		for i, c := range k.cols {
			if c.name == col {
				return "$" + strconv.Itoa(6+i) + "::" + c.typ
			}
		}
		panic("postgres: kind " + k.name + " has no column " + col)
	}
	check := func(q func(func(string) string) string) string {
		if q == nil {
			return `ref AS (SELECT NULL::text AS bad)`
		}
		return `ref AS (SELECT (` + q(ph) + `) AS bad)`
	}
	side := func(q func(func(string) string) string) string {
		if q == nil {
			return ""
		}
		return ",\n" + q(ph)
	}
	k.getSQL = `SELECT body FROM ` + k.table + ` WHERE tenant_id = $1 AND id = $2`
	k.versionSQL = `SELECT version FROM ` + k.table + ` WHERE tenant_id = $1 AND id = $2`
	k.keySQL = `SELECT body FROM ` + k.table + ` WHERE tenant_id = $1 AND create_key = $2`
	k.createSQL = `WITH ` + dup + `,
` + check(k.checkCreate) + `,
prior AS (SELECT 1 FROM events WHERE tenant_id = $1 AND aggregate_id = $2::uuid LIMIT 1),
w AS (
	INSERT INTO ` + k.table + ` (tenant_id, id, version, create_key, body` + names.String() + `)
	SELECT $1::text, $2::uuid, $3::bigint, $4::text, $5::jsonb` + casts.String() + `
	WHERE NOT EXISTS (SELECT 1 FROM dup) AND (SELECT bad FROM ref) IS NULL AND NOT EXISTS (SELECT 1 FROM prior)
	ON CONFLICT DO NOTHING
	RETURNING 1
),
ev AS (` + eventsInsert(ev, "EXISTS (SELECT 1 FROM w)") + `)` + side(k.sideCreate) + `
SELECT EXISTS (SELECT 1 FROM w), (SELECT id FROM dup), (SELECT bad FROM ref), EXISTS (SELECT 1 FROM prior)`
	k.saveSQL = `WITH ` + dup + `,
` + check(k.checkSave) + `,
w AS (
	UPDATE ` + k.table + ` SET version = $3::bigint, body = $5::jsonb` + sets.String() + `
	WHERE tenant_id = $1 AND id = $2::uuid AND version = $4::bigint AND NOT EXISTS (SELECT 1 FROM dup)
		AND (SELECT bad FROM ref) IS NULL
	RETURNING 1
),
ev AS (` + eventsInsert(ev, "EXISTS (SELECT 1 FROM w)") + `)` + side(k.sideSave) + `
SELECT EXISTS (SELECT 1 FROM w), (SELECT id FROM dup), (SELECT bad FROM ref)`
	return k
}

// repo is the generic storage.Repository over one kind, in a scope.
type repo[T, F any] struct {
	sc *scope
	k  *kind[T, F]
}

// Get returns the aggregate with id.
func (r *repo[T, F]) Get(ctx context.Context, id uuid.UUID) (T, error) {
	var zero T
	if err := storage.CheckContext(ctx); err != nil {
		return zero, err
	}
	if err := storage.ValidateID(r.k.name, id); err != nil {
		return zero, err
	}
	q, release, err := r.sc.acquire()
	if err != nil {
		return zero, err
	}
	defer release()
	var body []byte
	err = q.QueryRow(ctx, r.k.getSQL, r.sc.tenant, [16]byte(id)).Scan(&body)
	if err == pgx.ErrNoRows {
		return zero, storage.NotFound(r.k.name, id)
	}
	if err != nil {
		return zero, fmt.Errorf("postgres: get %s %s: %w", r.k.name, id, mapErr(ctx, err))
	}
	return r.decode(body)
}

// decode unmarshals a stored body.
func (r *repo[T, F]) decode(body []byte) (T, error) {
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		// Not the caller's input: a row this code cannot read (written by
		// other code), so the store cannot serve it.
		return v, fmt.Errorf("postgres: decode stored %s: %w: %w", r.k.name, crmkit.ErrUnavailable, err)
	}
	return v, nil
}

// List returns one page of matching aggregates in ID order, or in date
// order for a filter with a range (the dated hook).
func (r *repo[T, F]) List(ctx context.Context, f F, p storage.Page) ([]T, storage.Cursor, error) {
	if err := storage.CheckContext(ctx); err != nil {
		return nil, "", err
	}
	if err := r.k.validateFilter(f); err != nil {
		return nil, "", err
	}
	var (
		size  int
		at    time.Time
		after uuid.UUID
		err   error
		date  func(*T) time.Time
	)
	if r.k.dated != nil {
		_, date = r.k.dated(&f)
	}
	if date != nil {
		size, at, after, err = p.ResolveAt()
	} else {
		size, after, err = p.Resolve()
	}
	if err != nil {
		return nil, "", err
	}
	sql, args := r.k.listQuery(r.sc.tenant, &f, at, after, size)
	q, release, err := r.sc.acquire()
	if err != nil {
		return nil, "", err
	}
	defer release()
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, "", fmt.Errorf("postgres: list %ss: %w", r.k.name, mapErr(ctx, err))
	}
	defer rows.Close()
	out := make([]T, 0, min(size, 64))
	more := false
	var body []byte
	for rows.Next() {
		if len(out) == size {
			more = true
			break
		}
		if err := rows.Scan(&body); err != nil {
			return nil, "", fmt.Errorf("postgres: list %ss: %w", r.k.name, mapErr(ctx, err))
		}
		v, err := r.decode(body)
		if err != nil {
			return nil, "", err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("postgres: list %ss: %w", r.k.name, mapErr(ctx, err))
	}
	if !more || len(out) == 0 {
		return out, "", nil
	}
	if last := &out[len(out)-1]; date != nil {
		return out, storage.EncodeCursorAt(date(last), r.k.id(last)), nil
	}
	return out, storage.EncodeCursor(r.k.id(&out[len(out)-1])), nil
}

// checkWrite runs the input rules shared by Create and Save, turns *v
// into its canonical form (storage.Canonical), and returns the parameters
// common to both: tenant, id, version, a placeholder for
// $4, body, the filter columns and the events.
func (r *repo[T, F]) checkWrite(ctx context.Context, v *T, events []crmkit.Event) ([]any, error) {
	if err := storage.CheckContext(ctx); err != nil {
		return nil, err
	}
	if err := r.k.validate(*v); err != nil {
		return nil, err
	}
	if err := storage.ValidateEvents(events); err != nil {
		return nil, err
	}
	// What the store keeps, and Create returns: times in UTC, whole
	// microseconds.
	*v = storage.Canonical(*v)
	events = storage.Canonical(events)
	// The body is encoding/json's form of the aggregate: enums as their
	// text (see crmkit.Enum), never as position numbers.
	body, err := json.Marshal(v)
	if err != nil {
		return nil, crmkit.Invalid(r.k.name, "%s %s cannot be encoded: %v", r.k.name, r.k.id(v), err)
	}
	args := make([]any, 0, 6+len(r.k.cols)+eventArrays)
	args = append(args, r.sc.tenant, [16]byte(r.k.id(v)), r.k.version(v), nil, body)
	args = r.k.colValues(v, args)
	args = appendEventArgs(args, events)
	if r.k.sideValues != nil {
		args = r.k.sideValues(v, args)
	}
	return args, nil
}

// Create stores v with events in one statement, or returns the aggregate
// an earlier Create with the same key stored.
func (r *repo[T, F]) Create(ctx context.Context, v T, key string, events ...crmkit.Event) (T, error) {
	var zero T
	args, err := r.checkWrite(ctx, &v, events)
	if err != nil {
		return zero, err
	}
	if err := storage.ValidateKey(key); err != nil {
		return zero, err
	}
	id := r.k.id(&v)
	if err := storage.CheckHistory(r.k.name, id, 0, r.k.version(&v), events); err != nil {
		return zero, err
	}
	if key != "" {
		args[3] = key
	}
	q, release, err := r.sc.acquire()
	if err != nil {
		return zero, err
	}
	defer release()
	if err := r.checkCustom(ctx, q, &v); err != nil {
		return zero, err
	}
	var (
		written bool
		dup     *[16]byte
		bad     *string
		prior   bool
	)
	if err := q.QueryRow(ctx, r.k.createSQL, args...).Scan(&written, &dup, &bad, &prior); err != nil {
		return zero, fmt.Errorf("postgres: create %s %s: %w", r.k.name, id, r.mapWriteErr(ctx, &v, err))
	}
	if written {
		if len(events) > 0 {
			r.sc.wroteEvents()
		}
		return v, nil
	}
	// Nothing was written: the key was used, the ID exists, or an event
	// is already logged, in that order of precedence.
	if key != "" {
		var body []byte
		err := q.QueryRow(ctx, r.k.keySQL, r.sc.tenant, key).Scan(&body)
		if err == nil {
			return r.decode(body)
		}
		if err != pgx.ErrNoRows {
			return zero, fmt.Errorf("postgres: create %s %s: read key: %w", r.k.name, id, mapErr(ctx, err))
		}
	}
	stored, err := r.storedVersion(ctx, q, id)
	switch {
	case err != nil:
		return zero, err
	case stored > 0:
		return zero, storage.Exists(r.k.name, id)
	case dup != nil:
		return zero, storage.DuplicateEvent(uuid.UUID(*dup))
	case prior:
		return zero, storage.HistoryExists(r.k.name, id)
	case bad != nil:
		return zero, r.refError(&v, *bad)
	}
	// A concurrent writer took the key or the ID and its transaction has
	// not committed yet for this one to see; running again settles it.
	return zero, fmt.Errorf("postgres: create %s %s: a concurrent create holds its key or ID: %w", r.k.name, id, crmkit.ErrConflict)
}

// storedVersion returns the stored version of id, 0 if there is none.
func (r *repo[T, F]) storedVersion(ctx context.Context, q querier, id uuid.UUID) (int64, error) {
	var stored int64
	err := q.QueryRow(ctx, r.k.versionSQL, r.sc.tenant, [16]byte(id)).Scan(&stored)
	if err == pgx.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("postgres: read version of %s %s: %w", r.k.name, id, mapErr(ctx, err))
	}
	return stored, nil
}

// Save replaces the aggregate if its stored version is expected and
// appends events, in one statement.
func (r *repo[T, F]) Save(ctx context.Context, v T, expected int64, events ...crmkit.Event) error {
	args, err := r.checkWrite(ctx, &v, events)
	if err != nil {
		return err
	}
	id := r.k.id(&v)
	if expected < 1 {
		return crmkit.Invalid("expected version", "%s %s: %d is below 1", r.k.name, id, expected)
	}
	if r.k.version(&v) <= expected {
		return crmkit.Invalid("version", "%s %s: new version %d is not above the expected %d", r.k.name, id, r.k.version(&v), expected)
	}
	if err := storage.CheckHistory(r.k.name, id, expected, r.k.version(&v), events); err != nil {
		return err
	}
	args[3] = expected
	q, release, err := r.sc.acquire()
	if err != nil {
		return err
	}
	defer release()
	if err := r.checkCustom(ctx, q, &v); err != nil {
		return err
	}
	if err := r.checkUnerase(ctx, q, &v, expected); err != nil {
		return err
	}
	var (
		written bool
		dup     *[16]byte
		bad     *string
	)
	if err := q.QueryRow(ctx, r.k.saveSQL, args...).Scan(&written, &dup, &bad); err != nil {
		return fmt.Errorf("postgres: save %s %s: %w", r.k.name, id, r.mapWriteErr(ctx, &v, err))
	}
	if written {
		if len(events) > 0 {
			r.sc.wroteEvents()
		}
		return nil
	}
	stored, err := r.storedVersion(ctx, q, id)
	switch {
	case err != nil:
		return err
	case stored == 0:
		return storage.NotFound(r.k.name, id)
	case stored != expected:
		return storage.Conflict(r.k.name, id, expected, stored)
	case dup != nil:
		return storage.DuplicateEvent(uuid.UUID(*dup))
	case bad != nil:
		return r.refError(&v, *bad)
	}
	// The row was at another version when the UPDATE ran and is back at
	// expected now: impossible while versions only grow, but a conflict
	// if it happens.
	return storage.Conflict(r.k.name, id, expected, stored)
}

// refError returns the error of a write of v that the reference check
// refused: bad is the field whose reference does not resolve, or
// "contacts <contact> <kind> <id>" for an account write that drops a
// contact the record kind/id (a deal, an interaction) still refers to.
func (r *repo[T, F]) refError(v *T, bad string) error {
	id := r.k.id(v)
	if rest, ok := strings.CutPrefix(bad, "contacts "); ok {
		contact, rest, _ := strings.Cut(rest, " ")
		kind, by, _ := strings.Cut(rest, " ")
		return storage.ContactInUse(id, uuid.MustParse(contact), kind, uuid.MustParse(by))
	}
	if r.k.refs != nil {
		for _, ref := range r.k.refs(v) {
			if ref.Field == bad {
				return storage.Dangling(r.k.name, id, ref)
			}
		}
	}
	return &storage.ReferenceError{Kind: r.k.name, ID: id, Ref: storage.Reference{Field: bad}, Reason: "does not resolve"}
}

// fkFields names the field of each foreign key (schema versions 6, 8 and 9).
var fkFields = map[string]string{
	"deals_account_fk":     "account_id",
	"deals_contact_fk":     "contact_id",
	"contracts_account_fk": "account_id",
	"contracts_deal_fk":    "deal_id",
	"deals_pipeline_fk":    "pipeline_version", // schema version 8
	// schema version 9
	"quotes_deal_fk":          "deal_id",
	"interactions_account_fk": "account_id",
	"interactions_contact_fk": "contact_id",
}

// mapWriteErr is mapErr for the error of a write of v, turning a foreign
// key violation (a concurrent writer broke a reference between the
// write's check and its constraint check) into the *storage.ReferenceError
// the check would have given.
func (r *repo[T, F]) mapWriteErr(ctx context.Context, v *T, err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != codeForeignKey {
		return mapErr(ctx, err)
	}
	if field, ok := fkFields[pe.ConstraintName]; ok && pe.TableName == r.k.table {
		return fmt.Errorf("%w (%w)", r.refError(v, field), err)
	}
	id := r.k.id(v)
	re := &storage.ReferenceError{Kind: r.k.name, ID: id,
		Ref:    storage.Reference{Field: "contacts", Kind: storage.ContactKind, Account: id},
		Reason: "a deal or interaction still refers to a contact the write drops: " + pe.Detail}
	return fmt.Errorf("%w (%w)", re, err)
}
