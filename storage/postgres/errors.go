package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage"
	"github.com/jackc/pgx/v5/pgconn"
)

// SQLSTATE codes the store maps to crmkit's and storage's sentinels.
const (
	codeSerialization = "40001" // serialization_failure (also CockroachDB's and YugabyteDB's retry errors)
	codeDeadlock      = "40P01" // deadlock_detected
	codeUnique        = "23505" // unique_violation
	codeForeignKey    = "23503" // foreign_key_violation
	codeUndefinedTab  = "42P01" // undefined_table

	codeDuplicateObject = "42710" // duplicate_object
	codeDuplicateTable  = "42P07" // duplicate_table
	codeDuplicateSchema = "42P06" // duplicate_schema
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
// error and crmkit.ErrUnavailable (see storage.Stopped); serialization
// failures and deadlocks match storage.ErrSerialization (so
// crmkit.ErrConflict), unique violations crmkit.ErrConflict; data
// exceptions and other integrity violations (SQLSTATE classes 22 and 23),
// which the store's own checks keep from happening, crmkit.ErrInvalid;
// everything else (a server that cannot be reached or shuts down, a
// closed pool, a missing schema, a broken connection)
// crmkit.ErrUnavailable. An error that matches a root sentinel already is
// returned as it is. The driver's error stays in the chain.
func mapErr(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if hasRoot(err) {
		return err // the store's own error, as the store made it
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
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == codeSerialization, pe.Code == codeDeadlock:
			return fmt.Errorf("%w: %w", storage.ErrSerialization, err)
		case pe.Code == codeUnique:
			return fmt.Errorf("%w: %w", crmkit.ErrConflict, err)
		case strings.HasPrefix(pe.Code, "22"), strings.HasPrefix(pe.Code, "23"):
			return fmt.Errorf("%w: %w", crmkit.ErrInvalid, err)
		}
	}
	return fmt.Errorf("%w: %w", crmkit.ErrUnavailable, err)
}

// isUndefinedTable reports a query of a table that does not exist.
func isUndefinedTable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == codeUndefinedTab
}
