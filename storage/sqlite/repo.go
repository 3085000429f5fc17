package sqlite

import (
	"time"

	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// kind describes how one aggregate kind is stored: its table, its filter
// columns and the SQL built from them once.
type kind[T, F any] struct {
	name           string   // "lead", "deal": the kind in errors
	table          string   // see migrations/
	cols           []string // the filter columns beside the body
	colValues      func(v *T, dst []any) []any
	id             func(*T) uuid.UUID
	version        func(*T) int64
	validate       func(T) error
	validateFilter func(F) error
	// where appends the filter's conditions (" AND ...", ? placeholders)
	// to b and returns args with their values.
	where func(f *F, b *strings.Builder, args []any) []any
	// refs, if not nil, returns the references of a value that must
	// resolve in the tenant (storage.DealReferences, ...), checked under
	// the write lock before every Create and Save.
	refs func(v *T) []storage.Reference
	// contacts, if not nil, returns the IDs of an account's contacts: a
	// Save must not drop one a deal or an interaction refers to
	// (storage.ContactInUse).
	contacts func(v *T) []uuid.UUID
	// afterWrite, if not nil, runs after the row of each Create and Save
	// is written, in the same transaction (a pipeline definition records
	// its version in pipeline_versions).
	afterWrite func(ctx context.Context, q querier, tenant string, v *T) error
	// custom, if not nil, returns the custom field values of a value,
	// checked against the kind's stored schema before every write (see
	// kinds_fields.go).
	custom func(v *T) field.Values
	// dated, optional, returns for a filter with a range the column a
	// List of it orders by (then by id) and that column's value of a
	// value (see storage.Repository.List); "" and nil for any other
	// filter (ID order).
	dated func(f *F) (col string, date func(*T) time.Time)
	// datedIndex, optional, names the index a List in date order of f
	// must read (INDEXED BY), "" to leave it to SQLite: without table
	// statistics (the store runs no ANALYZE) SQLite takes the range's
	// own index even when an index of an equality and the range serves
	// the page (a deal owner's close dates: deals_owner_expected_close).
	datedIndex func(f *F) string

	getSQL, versionSQL, keySQL, insertSQL, updateSQL, listSQL string
}

// build writes the kind's SQL. Parameters of insertSQL: tenant, id,
// version, idempotency key, body, the filter columns; of updateSQL:
// version, body, the filter columns, tenant, id.
func (k *kind[T, F]) build() *kind[T, F] {
	names := strings.Join(k.cols, ", ")
	marks := strings.Repeat(", ?", len(k.cols))
	sets := ""
	for _, c := range k.cols {
		sets += ", " + c + " = ?"
	}
	k.getSQL = `SELECT body FROM ` + k.table + ` WHERE tenant_id = ? AND id = ?`
	k.versionSQL = `SELECT version FROM ` + k.table + ` WHERE tenant_id = ? AND id = ?`
	k.keySQL = `SELECT body FROM ` + k.table + ` WHERE tenant_id = ? AND create_key = ?`
	k.insertSQL = `INSERT INTO ` + k.table + ` (tenant_id, id, version, create_key, body, ` + names + `) VALUES (?, ?, ?, ?, ?` + marks + `)`
	k.updateSQL = `UPDATE ` + k.table + ` SET version = ?, body = ?` + sets + ` WHERE tenant_id = ? AND id = ?`
	k.listSQL = `SELECT body FROM ` + k.table + ` WHERE tenant_id = ? AND id > ?`
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
	var body string
	err := r.sc.read(func(q querier) error {
		return q.QueryRowContext(ctx, r.k.getSQL, r.sc.tenant, id[:]).Scan(&body)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return zero, storage.NotFound(r.k.name, id)
	}
	if err != nil {
		return zero, fmt.Errorf("sqlite: get %s %s: %w", r.k.name, id, mapErr(ctx, err))
	}
	return r.decode(body)
}

// decode unmarshals a stored body.
func (r *repo[T, F]) decode(body string) (T, error) {
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		// Not the caller's input: a row this code cannot read (written by
		// other code), so the store cannot serve it.
		return v, fmt.Errorf("sqlite: decode stored %s: %w: %w", r.k.name, crmkit.ErrUnavailable, err)
	}
	return v, nil
}

// listQuery returns the statement and arguments of the List page p of
// the filter f, the page's size, and for a List in date order the date
// of a value it orders by (nil in ID order). A page in date order reads
// the range's index (tenant_id, col, id) from the cursor's (date, id)
// on, a row comparison SQLite takes as the start of the index range.
func (k *kind[T, F]) listQuery(tenant string, f *F, p storage.Page) (string, []any, int, func(*T) time.Time, error) {
	var (
		b    strings.Builder
		col  string
		date func(*T) time.Time
	)
	if k.dated != nil {
		col, date = k.dated(f)
	}
	if date == nil {
		size, after, err := p.Resolve()
		if err != nil {
			return "", nil, 0, nil, err
		}
		b.WriteString(k.listSQL)
		args := k.where(f, &b, []any{tenant, after[:]})
		b.WriteString(` ORDER BY id LIMIT ?`)
		return b.String(), append(args, size+1), size, nil, nil
	}
	size, at, after, err := p.ResolveAt()
	if err != nil {
		return "", nil, 0, nil, err
	}
	b.WriteString(`SELECT body FROM ` + k.table)
	if k.datedIndex != nil {
		if ix := k.datedIndex(f); ix != "" {
			b.WriteString(` INDEXED BY ` + ix)
		}
	}
	b.WriteString(` WHERE tenant_id = ?`)
	args := []any{tenant}
	if after != uuid.Nil {
		args = cond(&b, args, ` AND (`+col+`, id) > (?, ?)`, micros(at))
		args = append(args, after[:])
	}
	args = k.where(f, &b, args)
	b.WriteString(` ORDER BY ` + col + `, id LIMIT ?`)
	return b.String(), append(args, size+1), size, date, nil
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
	sql, args, size, date, err := r.k.listQuery(r.sc.tenant, &f, p)
	if err != nil {
		return nil, "", err
	}
	out := make([]T, 0, min(size, 64))
	more := false
	err = r.sc.read(func(q querier) error {
		rows, err := q.QueryContext(ctx, sql, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var body string
		for rows.Next() {
			if len(out) == size {
				more = true
				break
			}
			if err := rows.Scan(&body); err != nil {
				return err
			}
			v, err := r.decode(body)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list %ss: %w", r.k.name, mapErr(ctx, err))
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
// and events into their canonical form (storage.Canonical), and returns
// v's encoded body.
func (r *repo[T, F]) checkWrite(ctx context.Context, v *T, events []crmkit.Event) (string, []crmkit.Event, error) {
	if err := storage.CheckContext(ctx); err != nil {
		return "", nil, err
	}
	if err := r.k.validate(*v); err != nil {
		return "", nil, err
	}
	if err := storage.ValidateEvents(events); err != nil {
		return "", nil, err
	}
	// What the store keeps, and Create returns: times in UTC, whole
	// microseconds.
	*v = storage.Canonical(*v)
	events = storage.Canonical(events)
	// The body is encoding/json's form of the aggregate: enums as their
	// text (see crmkit.Enum), never as position numbers.
	body, err := json.Marshal(v)
	if err != nil {
		return "", nil, crmkit.Invalid(r.k.name, "%s %s cannot be encoded: %v", r.k.name, r.k.id(v), err)
	}
	return string(body), events, nil
}

// Create stores v with events in one transaction, or returns the
// aggregate an earlier Create with the same key stored.
func (r *repo[T, F]) Create(ctx context.Context, v T, key string, events ...crmkit.Event) (T, error) {
	var zero T
	body, events, err := r.checkWrite(ctx, &v, events)
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
	out := v
	err = r.sc.write(ctx, func(q querier) error {
		// The checks run under the write lock, so nothing changes between
		// them and the insert: the key's first aggregate, an existing ID,
		// an event already logged, a history logged without its Create, a
		// reference that does not resolve, in that order of precedence.
		if key != "" {
			var stored string
			err := q.QueryRowContext(ctx, r.k.keySQL, r.sc.tenant, key).Scan(&stored)
			if err == nil {
				out, err = r.decode(stored)
				return err
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("sqlite: create %s %s: read key: %w", r.k.name, id, mapErr(ctx, err))
			}
		}
		stored, err := r.storedVersion(ctx, q, id)
		if err != nil {
			return err
		}
		if stored > 0 {
			return storage.Exists(r.k.name, id)
		}
		if err := checkNewEvents(ctx, q, r.sc.tenant, events); err != nil {
			return err
		}
		var prior int
		err = q.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM events WHERE tenant_id = ? AND aggregate_id = ? LIMIT 1)`, r.sc.tenant, id[:]).Scan(&prior)
		if err != nil {
			return fmt.Errorf("sqlite: create %s %s: read history: %w", r.k.name, id, mapErr(ctx, err))
		}
		if prior > 0 {
			return storage.HistoryExists(r.k.name, id)
		}
		if err := r.checkRefs(ctx, q, &v, nil); err != nil {
			return err
		}
		if err := r.checkCustom(ctx, q, &v); err != nil {
			return err
		}
		var k any // NULL for no key
		if key != "" {
			k = key
		}
		args := append(make([]any, 0, 5+len(r.k.cols)), r.sc.tenant, id[:], r.k.version(&v), k, body)
		if _, err := q.ExecContext(ctx, r.k.insertSQL, r.k.colValues(&v, args)...); err != nil {
			return fmt.Errorf("sqlite: create %s %s: %w", r.k.name, id, mapErr(ctx, err))
		}
		if err := r.afterWrite(ctx, q, &v); err != nil {
			return err
		}
		return insertEvents(ctx, q, r.sc.tenant, events)
	})
	if err != nil {
		return zero, mapErr(ctx, err)
	}
	return out, nil
}

// afterWrite runs the kind's afterWrite, if any, for v.
func (r *repo[T, F]) afterWrite(ctx context.Context, q querier, v *T) error {
	if r.k.afterWrite == nil {
		return nil
	}
	return r.k.afterWrite(ctx, q, r.sc.tenant, v)
}

// storedVersion returns the stored version of id, 0 if there is none.
func (r *repo[T, F]) storedVersion(ctx context.Context, q querier, id uuid.UUID) (int64, error) {
	var stored int64
	err := q.QueryRowContext(ctx, r.k.versionSQL, r.sc.tenant, id[:]).Scan(&stored)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("sqlite: read version of %s %s: %w", r.k.name, id, mapErr(ctx, err))
	}
	return stored, nil
}

// Save replaces the aggregate if its stored version is expected and
// appends events, in one transaction.
func (r *repo[T, F]) Save(ctx context.Context, v T, expected int64, events ...crmkit.Event) error {
	body, events, err := r.checkWrite(ctx, &v, events)
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
	err = r.sc.write(ctx, func(q querier) error {
		stored, err := r.storedVersion(ctx, q, id)
		switch {
		case err != nil:
			return err
		case stored == 0:
			return storage.NotFound(r.k.name, id)
		case stored != expected:
			return storage.Conflict(r.k.name, id, expected, stored)
		}
		if err := r.checkUnerase(ctx, q, &v); err != nil {
			return err
		}
		if err := checkNewEvents(ctx, q, r.sc.tenant, events); err != nil {
			return err
		}
		if err := r.checkRefs(ctx, q, &v, nil); err != nil {
			return err
		}
		if err := r.checkCustom(ctx, q, &v); err != nil {
			return err
		}
		if err := r.checkContacts(ctx, q, &v); err != nil {
			return err
		}
		args := append(make([]any, 0, 4+len(r.k.cols)), r.k.version(&v), body)
		args = append(r.k.colValues(&v, args), r.sc.tenant, id[:])
		if _, err := q.ExecContext(ctx, r.k.updateSQL, args...); err != nil {
			return fmt.Errorf("sqlite: save %s %s: %w", r.k.name, id, mapErr(ctx, err))
		}
		if err := r.afterWrite(ctx, q, &v); err != nil {
			return err
		}
		return insertEvents(ctx, q, r.sc.tenant, events)
	})
	return mapErr(ctx, err)
}

// checkRefs returns the error of the first reference of v that does not
// resolve in the tenant (storage.Dangling), nil when all do. seen, if not
// nil, remembers the references found, for the next calls of one
// transaction (an import).
func (r *repo[T, F]) checkRefs(ctx context.Context, q querier, v *T, seen map[storage.Reference]bool) error {
	if r.k.refs == nil {
		return nil
	}
	for _, ref := range r.k.refs(v) {
		if seen[ref] {
			continue
		}
		var query string
		args := []any{r.sc.tenant, ref.ID[:]}
		switch ref.Kind {
		case account.AccountKind:
			query = `SELECT count(*) FROM accounts WHERE tenant_id = ? AND id = ?`
		case deal.DealKind:
			query = `SELECT count(*) FROM deals WHERE tenant_id = ? AND id = ?`
		case storage.ContactKind:
			// A contact lives in its account's body.
			query = `SELECT count(*) FROM accounts, json_each(accounts.body, '$.contacts') AS c
	WHERE accounts.tenant_id = ? AND json_extract(c.value, '$.id') = ? AND accounts.id = ?`
			args = []any{r.sc.tenant, ref.ID.String(), ref.Account[:]}
		case deal.PipelineKind:
			// Every version written is in pipeline_versions.
			query = `SELECT count(*) FROM pipeline_versions WHERE tenant_id = ? AND pipeline = ? AND version = ?`
			args = []any{r.sc.tenant, ref.Key, ref.Version}
		default:
			return fmt.Errorf("sqlite: %s %s refers to a %s, a kind the store does not keep: %w", r.k.name, r.k.id(v), ref.Kind, crmkit.ErrInvalid)
		}
		var n int
		if err := q.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
			return fmt.Errorf("sqlite: check %s of %s %s: %w", ref.Field, r.k.name, r.k.id(v), mapErr(ctx, err))
		}
		if n == 0 {
			return storage.Dangling(r.k.name, r.k.id(v), ref)
		}
		if seen != nil {
			seen[ref] = true
		}
	}
	return nil
}

// checkContacts refuses an account Save that drops a contact a deal or an
// interaction still refers to (storage.ContactInUse).
func (r *repo[T, F]) checkContacts(ctx context.Context, q querier, v *T) error {
	if r.k.contacts == nil {
		return nil
	}
	id := r.k.id(v)
	keep := r.k.contacts(v)
	for _, user := range [...]struct{ kind, table string }{{dealKind.name, dealKind.table}, {interactionKind.name, interactionKind.table}} {
		var b strings.Builder
		b.WriteString(`SELECT contact_id, id FROM ` + user.table + ` WHERE tenant_id = ? AND account_id = ? AND contact_id IS NOT NULL`)
		args := []any{r.sc.tenant, id[:]}
		if len(keep) > 0 {
			b.WriteString(` AND contact_id NOT IN (?` + strings.Repeat(", ?", len(keep)-1) + `)`)
			for _, c := range keep {
				args = append(args, c[:])
			}
		}
		b.WriteString(` LIMIT 1`)
		var contact, userID []byte
		err := q.QueryRowContext(ctx, b.String(), args...).Scan(&contact, &userID)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return fmt.Errorf("sqlite: check contacts of %s %s: %w", r.k.name, id, mapErr(ctx, err))
		}
		c, _ := uuid.FromBytes(contact)
		u, _ := uuid.FromBytes(userID)
		return storage.ContactInUse(id, c, user.kind, u)
	}
	return nil
}
