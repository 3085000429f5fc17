package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/lead"
)

// MigrateFields stores the next version of a field schema made by
// field.Schema.Migrate (next, with its EventFieldsMigrated event ev) over
// the stored version expected, and applies m (the migration of ev) to the
// custom values of every stored aggregate of the schema's kind (for the
// ContactKind schema, of every contact of every account), each one
// changed saved with its CustomFieldsSet event (lead.Lead.SetCustom, ...,
// account.Account.SetContactCustom)
// by cmd (at cmd.At, or at an aggregate's last change when that is
// later). Run it inside Update so that the schema and the migrated values
// land together:
//
//	err := store.Update(ctx, func(tx storage.Tx) error {
//		return storage.MigrateFields(ctx, tx, next, prev.Version, ev, m, cmd)
//	})
//
// It returns the number of aggregates changed. Errors are those of the
// repositories (a stale schema version is crmkit.ErrConflict) and of the
// commands; the caller's Update then writes nothing.
func MigrateFields(ctx context.Context, tx Tx, next field.Schema, expected int64, ev crmkit.Event, m field.Migration, cmd crmkit.Cmd) (int, error) {
	if tx == nil {
		return 0, crmkit.Invalid("tx", "nil transaction")
	}
	if err := tx.FieldSchemas().Save(ctx, next, expected, ev); err != nil {
		return 0, err
	}
	switch next.Kind {
	case lead.LeadKind:
		return migrateAll(ctx, tx.Leads(), LeadFilter{}, func(l lead.Lead) (lead.Lead, []crmkit.Event, bool, error) {
			nv := m.Apply(l.Custom)
			if nv.Equal(l.Custom) {
				return l, nil, false, nil
			}
			out, e, err := l.SetCustom(nv, later(cmd, l.UpdatedAt))
			return out, []crmkit.Event{e}, true, err
		}, func(l lead.Lead) int64 { return l.Version })
	case deal.DealKind:
		return migrateAll(ctx, tx.Deals(), DealFilter{}, func(d deal.Deal) (deal.Deal, []crmkit.Event, bool, error) {
			nv := m.Apply(d.Custom)
			if nv.Equal(d.Custom) {
				return d, nil, false, nil
			}
			out, e, err := d.SetCustom(nv, deal.Cmd{Cmd: later(cmd, d.UpdatedAt)})
			return out, []crmkit.Event{e}, true, err
		}, func(d deal.Deal) int64 { return d.Version })
	case account.AccountKind:
		return migrateAll(ctx, tx.Accounts(), AccountFilter{}, func(a account.Account) (account.Account, []crmkit.Event, bool, error) {
			nv := m.Apply(a.Custom)
			if nv.Equal(a.Custom) {
				return a, nil, false, nil
			}
			out, e, err := a.SetCustom(nv, cmd)
			return out, []crmkit.Event{e}, true, err
		}, func(a account.Account) int64 { return a.Version })
	case ContactKind:
		// Contacts live in their accounts: each account saved with one
		// EventContactCustomFieldsSet per contact whose values change.
		return migrateAll(ctx, tx.Accounts(), AccountFilter{}, func(a account.Account) (account.Account, []crmkit.Event, bool, error) {
			var evs []crmkit.Event
			for _, ct := range a.Contacts {
				nv := m.Apply(ct.Custom)
				if nv.Equal(ct.Custom) {
					continue
				}
				out, e, err := a.SetContactCustom(ct.ID, nv, cmd)
				if err != nil {
					return a, nil, false, err
				}
				a, evs = out, append(evs, e)
			}
			return a, evs, len(evs) > 0, nil
		}, func(a account.Account) int64 { return a.Version })
	}
	return 0, nil
}

// later returns cmd at t when t is after cmd.At.
func later(cmd crmkit.Cmd, t time.Time) crmkit.Cmd {
	if t.After(cmd.At) {
		cmd.At = t
	}
	return cmd
}

// migrateAll walks every aggregate of repo and saves the ones change
// changes.
func migrateAll[T, F any](ctx context.Context, repo Repository[T, F], f F,
	change func(T) (T, []crmkit.Event, bool, error), version func(T) int64) (int, error) {
	n := 0
	var after Cursor
	for {
		page, next, err := repo.List(ctx, f, Page{Size: MaxPageSize, After: after})
		if err != nil {
			return n, err
		}
		for _, v := range page {
			out, e, changed, err := change(v)
			if err != nil {
				return n, fmt.Errorf("migrate fields: %w", err)
			}
			if !changed {
				continue
			}
			if err := repo.Save(ctx, out, version(v), e...); err != nil {
				return n, err
			}
			n++
		}
		if next == "" {
			return n, nil
		}
		after = next
	}
}
