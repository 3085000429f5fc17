package storage

import (
	"context"
	"fmt"
	"slices"
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
// later). Archived records are migrated too (restored, changed and
// archived again: an archived record takes no other command, and one left
// holding values its schema refuses could not be restored); erased leads
// and contacts keep what they hold (they take no change, and are never
// saved again). Run it inside Update so that the schema and the migrated
// values land together:
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
		return migrateAll(ctx, tx.Leads(), LeadFilter{IncludeArchived: true}, func(l lead.Lead) (lead.Lead, []crmkit.Event, bool, error) {
			nv := m.Apply(l.Custom)
			if nv.Equal(l.Custom) || !l.ErasedAt.IsZero() {
				return l, nil, false, nil
			}
			c := later(cmd, l.UpdatedAt)
			return unarchived(l, l.Archived(), c, lead.Lead.Restore, lead.Lead.Archive, func(l lead.Lead) (lead.Lead, []crmkit.Event, error) {
				out, e, err := l.SetCustom(nv, c)
				return out, []crmkit.Event{e}, err
			})
		}, func(l lead.Lead) int64 { return l.Version })
	case deal.DealKind:
		return migrateAll(ctx, tx.Deals(), DealFilter{IncludeArchived: true}, func(d deal.Deal) (deal.Deal, []crmkit.Event, bool, error) {
			nv := m.Apply(d.Custom)
			if nv.Equal(d.Custom) {
				return d, nil, false, nil
			}
			c := deal.Cmd{Cmd: later(cmd, d.UpdatedAt)}
			return unarchived(d, d.Archived(), c, deal.Deal.Restore, deal.Deal.Archive, func(d deal.Deal) (deal.Deal, []crmkit.Event, error) {
				out, e, err := d.SetCustom(nv, c)
				return out, []crmkit.Event{e}, err
			})
		}, func(d deal.Deal) int64 { return d.Version })
	case account.AccountKind:
		return migrateAll(ctx, tx.Accounts(), AccountFilter{IncludeArchived: true}, func(a account.Account) (account.Account, []crmkit.Event, bool, error) {
			nv := m.Apply(a.Custom)
			if nv.Equal(a.Custom) {
				return a, nil, false, nil
			}
			return unarchived(a, a.Archived(), cmd, account.Account.Restore, account.Account.Archive, func(a account.Account) (account.Account, []crmkit.Event, error) {
				out, e, err := a.SetCustom(nv, cmd)
				return out, []crmkit.Event{e}, err
			})
		}, func(a account.Account) int64 { return a.Version })
	case ContactKind:
		// Contacts live in their accounts: each account saved with one
		// EventContactCustomFieldsSet per contact whose values change.
		// Erased contacts keep what they hold (they take no change).
		return migrateAll(ctx, tx.Accounts(), AccountFilter{IncludeArchived: true}, func(a account.Account) (account.Account, []crmkit.Event, bool, error) {
			if !slices.ContainsFunc(a.Contacts, func(ct account.Contact) bool { return !ct.Erased && !m.Apply(ct.Custom).Equal(ct.Custom) }) {
				return a, nil, false, nil
			}
			return unarchived(a, a.Archived(), cmd, account.Account.Restore, account.Account.Archive, func(a account.Account) (account.Account, []crmkit.Event, error) {
				var evs []crmkit.Event
				for _, ct := range a.Contacts {
					nv := m.Apply(ct.Custom)
					if ct.Erased || nv.Equal(ct.Custom) {
						continue
					}
					out, e, err := a.SetContactCustom(ct.ID, nv, cmd)
					if err != nil {
						return a, nil, err
					}
					a, evs = out, append(evs, e)
				}
				return a, evs, nil
			})
		}, func(a account.Account) int64 { return a.Version })
	}
	return 0, nil
}

// unarchived applies change to v, which holds values a migration changes.
// An archived record takes no command but Restore, and would be left
// with values its schema no longer allows (and could not be restored):
// it is restored, changed and archived again by the same command, and its
// history says so.
func unarchived[T, C any](v T, archived bool, c C, restore, archive func(T, C) (T, crmkit.Event, error),
	change func(T) (T, []crmkit.Event, error)) (T, []crmkit.Event, bool, error) {
	var evs []crmkit.Event
	out := v
	if archived {
		r, e, err := restore(out, c)
		if err != nil {
			return v, nil, false, err
		}
		out, evs = r, append(evs, e)
	}
	next, changed, err := change(out)
	if err != nil {
		return v, nil, false, err
	}
	out, evs = next, append(evs, changed...)
	if archived {
		r, e, err := archive(out, c)
		if err != nil {
			return v, nil, false, err
		}
		out, evs = r, append(evs, e)
	}
	return out, evs, true, nil
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
