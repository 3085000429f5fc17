package sqlite

import (
	"context"
	"embed"
	"fmt"
	"slices"

	"github.com/crmkit/crmkit"
	loader "github.com/crmkit/crmkit/internal/migrations"
	"github.com/crmkit/crmkit/storage"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one embedded schema change: migrations/NNNN_name.sql,
// applied in order of Version.
type Migration struct {
	// Version is the schema version the migration brings the database to
	// (the file name's number).
	Version int
	// Name is the file name, such as "0001_init.sql".
	Name string
	// SQL is the file's text.
	SQL string
}

// Migrations returns the embedded migrations in the order Migrate applies
// them.
func Migrations() []Migration {
	return slices.Clone(migrations)
}

// SchemaVersion is the schema version this code works with: the version of
// the last embedded migration.
var SchemaVersion = migrations[len(migrations)-1].Version

// migrations are the embedded files, parsed and checked once: a malformed
// or misnumbered file is a build defect, so it panics at start-up rather
// than at some later Migrate.
var migrations = func() []Migration {
	var out []Migration
	for _, m := range loader.MustParse(migrationFiles, "migrations", "sqlite") {
		out = append(out, Migration(m))
	}
	return out
}()

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL,
	applied_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT`

// Migrate brings the database's schema to SchemaVersion, applying the
// embedded migrations it lacks in order, all in one transaction together
// with their rows in schema_migrations (SQLite's schema changes are
// transactional: a failed Migrate leaves the file as it was). It is
// idempotent: an up-to-date database is left as it is. Migrators run one
// at a time (the transaction holds the file's write lock), so none
// applies a migration twice.
//
// A database at a newer version than SchemaVersion (migrated by newer
// code) is refused with an error matching crmkit.ErrConflict, and nothing
// is changed: older code must not write to a schema it does not know. A
// nil ctx or a nil or zero DB is an error matching crmkit.ErrInvalid.
func (db *DB) Migrate(ctx context.Context) error {
	if err := db.check(); err != nil {
		return err
	}
	if err := storage.CheckContext(ctx); err != nil {
		return err
	}
	return mapErr(ctx, db.inTx(ctx, func(q querier) error {
		if _, err := q.ExecContext(ctx, createMigrationsTable); err != nil {
			return fmt.Errorf("sqlite: migrate: create schema_migrations: %w", mapErr(ctx, err))
		}
		var current int
		if err := q.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
			return fmt.Errorf("sqlite: migrate: read schema version: %w", mapErr(ctx, err))
		}
		if current > SchemaVersion {
			return fmt.Errorf("sqlite: migrate: the database is at schema version %d, newer than this code's %d: use a crmkit release that knows version %d: %w",
				current, SchemaVersion, current, crmkit.ErrConflict)
		}
		for _, m := range migrations[current:] {
			if _, err := q.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("sqlite: migrate: apply %s: %w", m.Name, mapErr(ctx, err))
			}
			if _, err := q.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.Version, m.Name); err != nil {
				return fmt.Errorf("sqlite: migrate: record %s: %w", m.Name, mapErr(ctx, err))
			}
		}
		return nil
	}))
}

// Version returns the database's schema version: 0 before the first
// Migrate, SchemaVersion after it, more if newer code migrated it. A nil
// ctx or a nil or zero DB is an error matching crmkit.ErrInvalid.
func (db *DB) Version(ctx context.Context) (int, error) {
	if err := db.check(); err != nil {
		return 0, err
	}
	if err := storage.CheckContext(ctx); err != nil {
		return 0, err
	}
	var n int
	err := db.pool.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("sqlite: read schema version: %w", mapErr(ctx, err))
	}
	if n == 0 {
		return 0, nil
	}
	var v int
	if err := db.pool.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlite: read schema version: %w", mapErr(ctx, err))
	}
	return v, nil
}
