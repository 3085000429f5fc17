package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage"
	"github.com/jackc/pgx/v5/pgconn"
)

// SQLSTATE codes the store maps to crmkit's and storage's sentinels.
const (
	codeSerialization = "40001" // serialization_failure (also CockroachDB's and YugabyteDB's retry errors)
	codeDeadlock      = "40P01" // deadlock_detected
	codeUnique        = "23505" // unique_violation
	codeUndefinedTab  = "42P01" // undefined_table

	codeDuplicateObject = "42710" // duplicate_object
	codeDuplicateTable  = "42P07" // duplicate_table
	codeDuplicateSchema = "42P06" // duplicate_schema
)

// mapErr turns a driver error into one a caller can branch on:
// serialization failures and deadlocks match storage.ErrSerialization,
// unique violations crmkit.ErrConflict, and an error caused by ctx ending
// matches ctx's error. The driver's error stays in the chain.
func mapErr(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case codeSerialization, codeDeadlock:
			return fmt.Errorf("%w: %w", storage.ErrSerialization, err)
		case codeUnique:
			return fmt.Errorf("%w: %w", crmkit.ErrConflict, err)
		}
	}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("%w: %w", cerr, err)
	}
	return err
}

// isUndefinedTable reports a query of a table that does not exist.
func isUndefinedTable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == codeUndefinedTab
}
