package sqlite

import (
	"context"
	"fmt"

	"github.com/crmkit/crmkit/storage/erasure"
)

// checkUnerase reads the stored value of v's record (a lead or an
// account; other kinds have nothing to check) inside the write's
// transaction and refuses a write that un-erases it
// (erasure.CheckUnerase).
func (r *repo[T, F]) checkUnerase(ctx context.Context, q querier, v *T) error {
	if !erasure.Erasable(r.k.name) {
		return nil
	}
	id := r.k.id(v)
	var body string
	if err := q.QueryRowContext(ctx, r.k.getSQL, r.sc.tenant, id[:]).Scan(&body); err != nil {
		return fmt.Errorf("sqlite: read stored %s %s: %w", r.k.name, id, mapErr(ctx, err))
	}
	stored, err := r.decode(body)
	if err != nil {
		return err
	}
	return erasure.CheckUnerase(stored, *v)
}
