package storage

import (
	"context"
	"iter"

	"github.com/crmkit/crmkit"
)

// All walks every page of r.List(ctx, f, ...) with pages of pageSize (0
// for DefaultPageSize) and yields the aggregates in the List's order (ID
// order, or date order for a filter with a range: see Repository.List).
// An error (an invalid filter, a cancelled ctx) is yielded once and ends
// the walk. Like List it neither skips nor repeats an aggregate that exists and
// matches throughout the walk, however others write meanwhile. A nil r
// yields one error matching crmkit.ErrInvalid.
func All[T, F any](ctx context.Context, r Repository[T, F], f F, pageSize int) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		if r == nil {
			var zero T
			yield(zero, crmkit.Invalid("repository", "nil repository"))
			return
		}
		var after Cursor
		for {
			page, next, err := r.List(ctx, f, Page{Size: pageSize, After: after})
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, v := range page {
				if !yield(v, nil) {
					return
				}
			}
			if next == "" {
				return
			}
			after = next
		}
	}
}
