package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Custom field schemas (schema version 13) and the custom values of
// leads, deals and accounts.

var fieldSchemaKind = (&kind[field.Schema, storage.FieldSchemaFilter]{
	name:  field.SchemaKind,
	table: "field_schemas",
	cols:  []column{{"kind", "text"}},
	colValues: func(s *field.Schema, dst []any) []any {
		return append(dst, s.Kind)
	},
	id:             func(s *field.Schema) uuid.UUID { return s.ID },
	version:        func(s *field.Schema) int64 { return s.Version },
	validate:       storage.ValidateFieldSchema,
	validateFilter: storage.FieldSchemaFilter.Validate,
	where: func(f *storage.FieldSchemaFilter, b *strings.Builder, args []any) []any {
		if f.Kind != "" {
			b.WriteString(" AND kind = " + param(&args, f.Kind))
		}
		return args
	},
}).build()

// FieldSchemas returns the custom field schema repository; each call on
// it is its own transaction.
func (s *Store) FieldSchemas() storage.FieldSchemaRepository {
	return &repo[field.Schema, storage.FieldSchemaFilter]{sc: s.scope(), k: fieldSchemaKind}
}

// FieldSchemas returns the custom field schema repository of the
// transaction.
func (v *txView) FieldSchemas() storage.FieldSchemaRepository {
	return &repo[field.Schema, storage.FieldSchemaFilter]{sc: v.sc, k: fieldSchemaKind}
}

// checkCustom checks the custom values of v against its kind's stored
// schema as q sees it (storage.CheckCustom). Inside Update it reads in
// the transaction; outside, the schema is read just before the write.
func (r *repo[T, F]) checkCustom(ctx context.Context, q querier, v *T) error {
	if r.k.custom == nil {
		return nil
	}
	s, err := loadSchema(ctx, q, r.sc.tenant, r.k.name)
	if err != nil {
		return err
	}
	if err := storage.CheckCustom(v, s); err != nil {
		return err
	}
	return r.checkContactsCustom(ctx, q, v)
}

// loadSchema reads the stored schema of kind, nil when there is none.
func loadSchema(ctx context.Context, q querier, tenant, kind string) (*field.Schema, error) {
	var body []byte
	err := q.QueryRow(ctx, fieldSchemaKind.getSQL, tenant, [16]byte(field.SchemaID(kind))).Scan(&body)
	if err == pgx.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: read field schema of %s: %w", kind, mapErr(ctx, err))
	}
	var s field.Schema
	if err := json.Unmarshal(body, &s); err != nil {
		return nil, fmt.Errorf("postgres: decode stored field schema of %s: %w: %w", kind, crmkit.ErrUnavailable, err)
	}
	return &s, nil
}

// customWhere appends the conditions of a custom-field filter
// (field.Values.Match) as JSONB containment, which the GIN index on
// body->'custom' serves: a text is the field's value or one element of
// its list; a list is contained in the field's list. The index holds only
// rows with custom values (schema version 17, WHERE body->'custom' IS NOT
// NULL): each condition must stay a strict operator on body->'custom',
// which implies that predicate, or the planner cannot use the index.
func customWhere(f field.Values, b *strings.Builder, args []any) []any {
	names := make([]string, 0, len(f))
	for n := range f {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		v := f[n]
		one, _ := json.Marshal(map[string]field.Value{n: v})
		if v.IsList() {
			b.WriteString(" AND body->'custom' @> " + param(&args, string(one)) + "::jsonb")
			continue
		}
		list, _ := json.Marshal(map[string]field.Value{n: field.Options(v.String())})
		b.WriteString(" AND (body->'custom' @> " + param(&args, string(one)) + "::jsonb OR body->'custom' @> " +
			param(&args, string(list)) + "::jsonb)")
	}
	return args
}

// checkContactsCustom checks the custom values of the contacts of v, an
// account (other kinds have none), against the tenant's contact schema
// (storage.CheckContactsCustom).
func (r *repo[T, F]) checkContactsCustom(ctx context.Context, q querier, v *T) error {
	a, ok := any(v).(*account.Account)
	if !ok {
		return nil
	}
	s, err := loadSchema(ctx, q, r.sc.tenant, storage.ContactKind)
	if err != nil {
		return err
	}
	return storage.CheckContactsCustom(a, s)
}
