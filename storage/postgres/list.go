package postgres

import (
	"strings"
	"time"

	"github.com/google/uuid"
)

// The List statement, built in one place for every kind. A page is the
// next size+1 rows in the List's order after the cursor, and each filter
// shape is answered from an index in that order (migrations 0011 and
// 0014, see doc.go):
//
//   - no filter, or equality filters (ID order): the kind's where
//     conditions over one index (tenant_id, column, id), walked in id
//     order from the cursor, so a page reads about a page of rows when
//     the other conditions (if any) hold for most of the rows that index
//     gives;
//   - a set filter of several members (deal stages, statuses, outcomes;
//     ID order): one such index scan per member, each LIMITed to the
//     page, merged in ID order (UNION ALL, the split hook); one member
//     is "col = $n", which PostgreSQL 15 walks in id order (it does not
//     for "col = ANY($n)");
//   - a filter with a range (close dates, renewal dates, periods: the
//     dated hook) is in date order (storage.Repository.List): one
//     LIMITed scan of the range index (tenant_id, column, id) from the
//     cursor's (date, id) on, a row comparison that is a bound of the
//     index scan, with the other filters checked on the rows it gives.
//     A page reads a page when the other filters hold for most of the
//     window's rows, and a page divided by their share otherwise.

// listQuery returns the statement and arguments of one List page: up to
// size+1 rows after the cursor (at, after) of the filter f; at is read
// only for a filter in date order (the dated hook), and after is uuid.Nil
// for the first page. Parameters: $1 tenant, $2 cursor ID, $3 the row
// limit, then the filter's; in date order $1 tenant, $2 the row limit,
// then the filter's, then the cursor's date and ID if there is a cursor.
func (k *kind[T, F]) listQuery(tenant string, f *F, at time.Time, after uuid.UUID, size int) (string, []any) {
	var b strings.Builder
	if k.dated != nil {
		if col, date := k.dated(f); date != nil {
			args := []any{tenant, size + 1}
			b.WriteString(`SELECT body FROM ` + k.table + ` WHERE tenant_id = $1`)
			args = k.where(f, &b, args)
			if after != uuid.Nil {
				// With the range's lower bound, both bound the index scan
				// (PostgreSQL starts it at the greater).
				b.WriteString(` AND (` + col + `, id) > (` + param(&args, at) + `::timestamptz, ` + param(&args, [16]byte(after)) + `::uuid)`)
			}
			b.WriteString(` ORDER BY ` + col + `, id LIMIT $2`)
			return b.String(), args
		}
	}
	args := []any{tenant, [16]byte(after), size + 1}
	if k.split != nil {
		if parts := k.split(*f); len(parts) == 1 {
			f = &parts[0]
		} else if len(parts) > 1 {
			b.WriteString(`SELECT body FROM (`)
			for i := range parts {
				if i > 0 {
					b.WriteString("\nUNION ALL ")
				}
				b.WriteString(`(SELECT id, body FROM ` + k.table + ` WHERE tenant_id = $1 AND id > $2`)
				args = k.where(&parts[i], &b, args)
				b.WriteString(` ORDER BY id LIMIT $3)`)
			}
			b.WriteString(`) AS u ORDER BY id LIMIT $3`)
			return b.String(), args
		}
	}
	b.WriteString(`SELECT body FROM ` + k.table + ` WHERE tenant_id = $1 AND id > $2`)
	args = k.where(f, &b, args)
	b.WriteString(` ORDER BY id LIMIT $3`)
	return b.String(), args
}

// splitSet returns f as one filter per distinct member of its set (the
// field set points at), in the set's order: nil when the set is empty,
// one filter when it has one distinct member.
func splitSet[F any, E comparable](f F, set func(*F) *[]E) []F {
	s := *set(&f)
	if len(s) == 0 {
		return nil
	}
	seen := make(map[E]bool, len(s))
	out := make([]F, 0, len(s))
	for _, e := range s {
		if seen[e] {
			continue
		}
		seen[e] = true
		g := f
		*set(&g) = []E{e}
		out = append(out, g)
	}
	return out
}

// inSet returns the condition "col is one of vals": "col = $n" for one
// value (an index walk in id order), "col = ANY($n::typ[])" for more.
func inSet[E any](args *[]any, col, typ string, vals []E) string {
	if len(vals) == 1 {
		return " AND " + col + " = " + param(args, vals[0]) + "::" + typ
	}
	return " AND " + col + " = ANY(" + param(args, vals) + "::" + typ + "[])"
}
