package storage

import (
	"context"
	"errors"
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
)

// ErrSerialization reports a transaction the database aborted because it
// could not be serialised with concurrent ones (PostgreSQL SQLSTATE 40001
// serialization_failure and 40P01 deadlock_detected; CockroachDB and
// YugabyteDB report their retry errors as 40001 too). Backends wrap it;
// Retry re-runs the function. Nothing of the aborted transaction was
// written. It is a kind of concurrency conflict: it matches
// crmkit.ErrConflict, the one root sentinel of every error wrapping it.
var ErrSerialization error = &kindError{msg: "serialization failure", kind: crmkit.ErrConflict}

// kindError is a sentinel of this package that belongs to a root kind.
type kindError struct {
	msg  string
	kind error
}

func (e *kindError) Error() string { return e.msg }

// Is reports whether target is the root sentinel of e's kind.
func (e *kindError) Is(target error) bool { return target == e.kind }

// CheckContext is the first check of every store call: a nil ctx is an
// error matching crmkit.ErrInvalid, a done ctx the error of Stopped, and
// a live ctx nil.
func CheckContext(ctx context.Context) error {
	if ctx == nil {
		return crmkit.Invalid("context", "nil context")
	}
	if err := ctx.Err(); err != nil {
		return Stopped(err)
	}
	return nil
}

// Stopped returns the error a store reports for a call its context ended
// (err is the context's error, or an error wrapping it): it matches err,
// so errors.Is(e, context.Canceled) holds as before, and
// crmkit.ErrUnavailable, its one root sentinel. Its message is err's.
func Stopped(err error) error {
	if err == nil || errors.Is(err, crmkit.ErrUnavailable) {
		return err
	}
	return &stoppedError{err: err}
}

// stoppedError is the error of Stopped.
type stoppedError struct{ err error }

func (e *stoppedError) Error() string        { return e.err.Error() }
func (e *stoppedError) Unwrap() error        { return e.err }
func (e *stoppedError) Is(target error) bool { return target == crmkit.ErrUnavailable }

// IsRetryable reports whether err is worth running again: it matches
// crmkit.ErrConflict (a stale version, a concurrent commit) or
// ErrSerialization.
func IsRetryable(err error) bool {
	return errors.Is(err, crmkit.ErrConflict) || errors.Is(err, ErrSerialization)
}

// Conflict returns the error a backend reports for a Save of aggregate id
// of the given kind ("lead", "deal", ...) against a stale version: it
// matches crmkit.ErrConflict and names both versions.
func Conflict(kind string, id uuid.UUID, expected, stored int64) error {
	return fmt.Errorf("%s %s: expected version %d, stored version %d: %w", kind, id, expected, stored, crmkit.ErrConflict)
}

// NotFound returns the error a backend reports for a missing aggregate:
// it matches crmkit.ErrNotFound and names the kind and ID.
func NotFound(kind string, id uuid.UUID) error {
	return fmt.Errorf("%s %s: %w", kind, id, crmkit.ErrNotFound)
}

// Exists returns the error a backend reports for a Create of an ID that
// is already stored (without its idempotency key): it matches
// crmkit.ErrConflict.
func Exists(kind string, id uuid.UUID) error {
	return fmt.Errorf("%s %s already exists: %w", kind, id, crmkit.ErrConflict)
}

// DuplicateEvent returns the error a backend reports for an event whose ID
// is already in the log: it matches crmkit.ErrConflict.
func DuplicateEvent(id uuid.UUID) error {
	return fmt.Errorf("event %s already appended: %w", id, crmkit.ErrConflict)
}
