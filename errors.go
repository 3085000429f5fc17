package crmkit

import (
	"errors"
	"fmt"
)

// Sentinel errors name the kind of a failure. Every error returned by crmkit
// wraps exactly one of them, so callers branch with errors.Is:
//
//	if errors.Is(err, crmkit.ErrNotFound) { ... }
//
// The wrapping message says what was wrong: which entity, which field,
// which state.
var (
	// ErrInvalid reports input that breaks a documented rule: a malformed
	// amount, an unknown currency, an end before a start, a NaN.
	ErrInvalid = errors.New("invalid input")
	// ErrNotFound reports a lookup of something that does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict reports a write against a stale version (optimistic
	// concurrency) or a duplicate where uniqueness is required.
	ErrConflict = errors.New("conflict")
	// ErrIllegalTransition reports an event that the state machine does not
	// allow from the current state.
	ErrIllegalTransition = errors.New("illegal transition")
	// ErrForbidden reports a missing approval or a role that does not allow
	// the action, including approving one's own request.
	ErrForbidden = errors.New("forbidden")
	// ErrCurrencyMismatch reports arithmetic or comparison across two
	// currencies without an explicit conversion.
	ErrCurrencyMismatch = errors.New("currency mismatch")
	// ErrOverflow reports a result that does not fit the representation
	// (int64 minor units); crmkit never wraps around silently.
	ErrOverflow = errors.New("overflow")
)

// ValidationError reports which field of an input was rejected and why.
// It matches ErrInvalid:
//
//	var ve *crmkit.ValidationError
//	errors.As(err, &ve)          // ve.Field, ve.Reason
//	errors.Is(err, crmkit.ErrInvalid) // true
type ValidationError struct {
	// Field names the rejected input, for example "amount" or "weights[3]".
	Field string
	// Reason says what is wrong with it, in lower case.
	Reason string
}

// Error implements error. A nil *ValidationError reads "invalid input".
func (e *ValidationError) Error() string {
	if e == nil {
		return ErrInvalid.Error()
	}
	if e.Field == "" {
		return "invalid input: " + e.Reason
	}
	return fmt.Sprintf("invalid %s: %s", e.Field, e.Reason)
}

// Is reports whether target is ErrInvalid, so errors.Is(err, ErrInvalid)
// holds for every *ValidationError.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Invalid returns a *ValidationError for field with a formatted reason.
func Invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}
