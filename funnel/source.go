package funnel

import (
	"context"
	"fmt"
	"iter"

	"github.com/crmkit/crmkit"
)

// Values adapts a Source to the iter.Seq[Opportunity] the functions over
// opportunities take (NewForecast, Cohorts, Replay's consumers...), so a
// report reads a store without a loop of the caller's: the sequence
// yields src's opportunities and stops at the first error, which it
// stores in *errp (nil errp: the error is dropped, so pass one); a nil
// src is an error matching crmkit.ErrInvalid. Check
// *errp once the function reading the sequence has returned.
func Values(ctx context.Context, src Source, errp *error) iter.Seq[Opportunity] {
	return func(yield func(Opportunity) bool) {
		if src == nil {
			setErr(errp, crmkit.Invalid("source", "nil Source"))
			return
		}
		for o, err := range src.Opportunities(ctx) {
			if err != nil {
				setErr(errp, fmt.Errorf("read opportunities: %w", err))
				return
			}
			if !yield(o) {
				return
			}
		}
	}
}

func setErr(errp *error, err error) {
	if errp != nil {
		*errp = err
	}
}
