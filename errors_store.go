package crmkit

import "errors"

// ErrUnavailable reports a call a store could not serve for a reason
// other than its input: the database cannot be reached or is shutting
// down, its connection pool is closed, its schema is missing, or the
// call's context ended first (the error then matches the context's error
// too, as errors.Is(err, context.Canceled)). Nothing of the call was
// written; running it again later may succeed.
var ErrUnavailable = errors.New("unavailable")

// Sentinels returns crmkit's root sentinels in a new slice: every error
// the library returns matches exactly one of them with errors.Is. Tests and
// stores that check or map errors range over it rather than keep a list of
// their own.
func Sentinels() []error {
	return []error{
		ErrInvalid, ErrNotFound, ErrConflict, ErrIllegalTransition,
		ErrForbidden, ErrCurrencyMismatch, ErrOverflow, ErrUnavailable,
	}
}
