package postgres

import (
	"context"
	"fmt"

	"github.com/crmkit/crmkit/storage/erasure"
	"github.com/jackc/pgx/v5"
)

// checkUnerase reads the stored value of v's record (a lead or an
// account; other kinds have nothing to check) and refuses a write that
// un-erases it (erasure.CheckUnerase). A row missing or at another
// version than expected passes: the conditional UPDATE that follows
// refuses the write then (not found, conflict). Versions only grow, so
// the body read at expected is the one that UPDATE replaces.
func (r *repo[T, F]) checkUnerase(ctx context.Context, q querier, v *T, expected int64) error {
	if !erasure.Erasable(r.k.name) {
		return nil
	}
	id := r.k.id(v)
	var body []byte
	err := q.QueryRow(ctx, r.k.getSQL, r.sc.tenant, [16]byte(id)).Scan(&body)
	if err == pgx.ErrNoRows {
		return nil
	}
	if err != nil {
		return fmt.Errorf("postgres: read stored %s %s: %w", r.k.name, id, mapErr(ctx, err))
	}
	stored, err := r.decode(body)
	if err != nil {
		return err
	}
	if r.k.version(&stored) != expected {
		return nil
	}
	return erasure.CheckUnerase(stored, *v)
}
