package memory

import (
	"fmt"

	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

var fieldSchemaKind = &kind[field.Schema, storage.FieldSchemaFilter]{
	ops: ops[field.Schema]{
		name:     field.SchemaKind,
		slot:     slotFieldSchema,
		id:       func(s *field.Schema) uuid.UUID { return s.ID },
		version:  func(s *field.Schema) int64 { return s.Version },
		clone:    field.Schema.Clone,
		validate: storage.ValidateFieldSchema,
	},
	validateFilter: storage.FieldSchemaFilter.Validate,
	match:          (*storage.FieldSchemaFilter).Match,
}

// FieldSchemas returns the custom field schema repository; each call on
// it is its own transaction.
func (s *Store) FieldSchemas() storage.FieldSchemaRepository {
	return &repo[field.Schema, storage.FieldSchemaFilter]{st: s.state(), k: fieldSchemaKind}
}

// FieldSchemas returns the custom field schema repository of the
// transaction.
func (tx *txn) FieldSchemas() storage.FieldSchemaRepository {
	return &repo[field.Schema, storage.FieldSchemaFilter]{st: tx.st, k: fieldSchemaKind, tx: tx}
}

// withCustom adds to a kind's reference check (nil for none) the check
// of its custom values against the kind's schema as tx sees it. Like
// references, it runs where the write is made and again at commit.
func withCustom[T any](check func(st *state, tx *txn, v *T, locked bool) error) func(st *state, tx *txn, v *T, locked bool) error {
	return func(st *state, tx *txn, v *T, locked bool) error {
		if check != nil {
			if err := check(st, tx, v, locked); err != nil {
				return err
			}
		}
		name := kindName(v)
		s, _ := lookup(st, tx, &fieldSchemaKind.ops, field.SchemaID(name), locked)
		if err := storage.CheckCustom(v, s); err != nil {
			return err
		}
		if a, ok := any(v).(*account.Account); ok {
			cs, _ := lookup(st, tx, &fieldSchemaKind.ops, field.SchemaID(storage.ContactKind), locked)
			return storage.CheckContactsCustom(a, cs)
		}
		return nil
	}
}

// kindName returns the aggregate kind of a value that holds custom
// values.
func kindName(v any) string {
	switch v.(type) {
	case *lead.Lead:
		return lead.LeadKind
	case *deal.Deal:
		return deal.DealKind
	case *account.Account:
		return account.AccountKind
	}
	panic(fmt.Sprintf("memory: %T holds no custom values", v))
}
