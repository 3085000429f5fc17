package postgres

import (
	"strings"

	"github.com/google/uuid"
)

// The List statement, built in one place for every kind. A page is the
// next size+1 rows in ID order after the cursor, and each filter shape is
// answered from an index in that order (migration 0011, see doc.go):
//
//   - no filter, or equality filters: the kind's where conditions over
//     one index (tenant_id, column, id), walked in id order from the
//     cursor, so a page reads about a page of rows when the other
//     conditions (if any) hold for most of the rows that index gives;
//   - a set filter of several members (deal stages, statuses, outcomes):
//     one such index scan per member, each LIMITed to the page, merged in
//     ID order (UNION ALL, the split hook); one member is "col = $n",
//     which PostgreSQL 15 walks in id order (it does not for
//     "col = ANY($n)");
//   - a filter with a range (close dates, renewal dates, periods: the
//     ranged hook): the IDs of every matching row of the window, from the
//     range index (tenant_id, column, id) index only, or ANDed in a
//     bitmap with the equality filters' indexes; the page's IDs picked
//     from them; then those rows read. The rows read stay a page, the
//     index entries read are the window's (never the tenant's).

// listQuery returns the statement and arguments of one List page: up to
// size+1 rows after the ID after, of the filter f. Parameters: $1 tenant,
// $2 cursor ID, $3 the row limit, then the filter's.
func (k *kind[T, F]) listQuery(tenant string, f *F, after uuid.UUID, size int) (string, []any) {
	args := []any{tenant, [16]byte(after), size + 1}
	var b strings.Builder
	if k.ranged != nil && k.ranged(f) {
		// OFFSET 0 keeps the window a subquery of its own: its IDs come
		// from the range index (and the others' in a bitmap), never from
		// the primary key walked in id order and filtered row by row.
		b.WriteString(`SELECT body FROM ` + k.table + ` WHERE tenant_id = $1 AND id IN (SELECT id FROM (SELECT id FROM ` +
			k.table + ` WHERE tenant_id = $1 AND id > $2`)
		args = k.where(f, &b, args)
		b.WriteString(` OFFSET 0) AS w ORDER BY id LIMIT $3) ORDER BY id`)
		return b.String(), args
	}
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
