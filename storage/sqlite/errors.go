package sqlite

import (
	"context"
	"errors"
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage"
	"modernc.org/sqlite"
)

// SQLite result codes the store maps to crmkit's and storage's sentinels
// (the primary codes: an extended code's low byte).
const (
	codeBusy       = 5  // SQLITE_BUSY: another connection holds the lock
	codeLocked     = 6  // SQLITE_LOCKED: a lock within the same connection
	codeConstraint = 19 // SQLITE_CONSTRAINT

	codeConstraintPrimaryKey = 1555 // SQLITE_CONSTRAINT_PRIMARYKEY
	codeConstraintUnique     = 2067 // SQLITE_CONSTRAINT_UNIQUE
)

// rootSentinels are crmkit's root sentinels: every error the store
// returns matches exactly one of them.
var rootSentinels = crmkit.Sentinels()

// hasRoot reports whether err matches a root sentinel already.
func hasRoot(err error) bool {
	for _, s := range rootSentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// mapErr turns a driver error into one a caller can branch on, matching
// exactly one root sentinel: an error caused by ctx ending matches ctx's
// error and crmkit.ErrUnavailable (see storage.Stopped); SQLITE_BUSY and
// SQLITE_LOCKED (the file's lock held past BusyTimeout) match
// storage.ErrSerialization (so crmkit.ErrConflict, and storage.Retry runs
// the call again); primary key and unique violations crmkit.ErrConflict;
// other constraint violations, which the store's own checks keep from
// happening, crmkit.ErrInvalid; everything else (a file that cannot be
// opened or read, a closed DB, a missing table) crmkit.ErrUnavailable.
// An error that matches a root sentinel already is returned as it is. The
// driver's error stays in the chain.
func mapErr(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if hasRoot(err) {
		return err
	}
	if ctx != nil {
		if cerr := ctx.Err(); cerr != nil {
			if !errors.Is(err, cerr) {
				err = fmt.Errorf("%w: %w", cerr, err)
			}
			return storage.Stopped(err)
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return storage.Stopped(err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch code := se.Code(); {
		case code&0xff == codeBusy, code&0xff == codeLocked:
			return fmt.Errorf("%w: %w", storage.ErrSerialization, err)
		case code == codeConstraintPrimaryKey, code == codeConstraintUnique:
			return fmt.Errorf("%w: %w", crmkit.ErrConflict, err)
		case code&0xff == codeConstraint:
			return fmt.Errorf("%w: %w", crmkit.ErrInvalid, err)
		}
	}
	return fmt.Errorf("%w: %w", crmkit.ErrUnavailable, err)
}
