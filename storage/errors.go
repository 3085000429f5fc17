package storage

import (
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
// written.
var ErrSerialization = errors.New("serialization failure")

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
