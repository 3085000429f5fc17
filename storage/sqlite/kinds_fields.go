package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// Custom field schemas (schema version 6) and the custom values of
// leads, deals and accounts.

var fieldSchemaKind = (&kind[field.Schema, storage.FieldSchemaFilter]{
	name:  field.SchemaKind,
	table: "field_schemas",
	cols:  []string{"kind"},
	colValues: func(s *field.Schema, dst []any) []any {
		return append(dst, s.Kind)
	},
	id:             func(s *field.Schema) uuid.UUID { return s.ID },
	version:        func(s *field.Schema) int64 { return s.Version },
	validate:       storage.ValidateFieldSchema,
	validateFilter: storage.FieldSchemaFilter.Validate,
	where: func(f *storage.FieldSchemaFilter, b *strings.Builder, args []any) []any {
		if f.Kind != "" {
			args = cond(b, args, " AND kind = ?", f.Kind)
		}
		return args
	},
}).build()

// FieldSchemas returns the custom field schema repository; each call on
// it is its own transaction.
func (s *Store) FieldSchemas() storage.FieldSchemaRepository { return fieldSchemasOf(s.scope()) }

// FieldSchemas returns the custom field schema repository of the
// transaction.
func (v *txView) FieldSchemas() storage.FieldSchemaRepository { return fieldSchemasOf(v.sc) }

func fieldSchemasOf(sc *scope) storage.FieldSchemaRepository {
	return &repo[field.Schema, storage.FieldSchemaFilter]{sc: sc, k: fieldSchemaKind}
}

// checkCustom checks the custom values of v against its kind's stored
// schema (storage.CheckCustom), under the write lock.
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
	id := field.SchemaID(kind)
	var body string
	err := q.QueryRowContext(ctx, fieldSchemaKind.getSQL, tenant, id[:]).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: read field schema of %s: %w", kind, mapErr(ctx, err))
	}
	var s field.Schema
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		return nil, fmt.Errorf("sqlite: decode stored field schema of %s: %w: %w", kind, crmkit.ErrUnavailable, err)
	}
	return &s, nil
}

// customWhere appends the conditions of a custom-field filter
// (field.Values.Match): a text is one of the values json_each yields
// at the field's path (the value itself, or an element of a list); a
// list needs an array holding each of its options.
func customWhere(f field.Values, b *strings.Builder, args []any) []any {
	names := make([]string, 0, len(f))
	for n := range f {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		path := "$.custom." + n // a field name is [a-z][a-z0-9_]*
		v := f[n]
		if !v.IsList() {
			args = append(args, path, v.String())
			b.WriteString(" AND EXISTS (SELECT 1 FROM json_each(body, ?) WHERE value = ?)")
			continue
		}
		args = append(args, path)
		b.WriteString(" AND json_type(body, ?) = 'array'")
		for _, o := range v.List() {
			args = append(args, path, o)
			b.WriteString(" AND EXISTS (SELECT 1 FROM json_each(body, ?) WHERE value = ?)")
		}
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
