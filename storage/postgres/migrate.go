package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"slices"

	"github.com/crmkit/crmkit"
	loader "github.com/crmkit/crmkit/internal/migrations"
	"github.com/crmkit/crmkit/storage"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
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
	for _, m := range loader.MustParse(migrationFiles, "migrations", "postgres") {
		out = append(out, Migration(m))
	}
	return out
}()

// Migrate brings the database's schema to SchemaVersion, applying the
// embedded migrations it lacks in order, each in its own transaction
// together with its row in schema_migrations. It is idempotent: an
// up-to-date database is left as it is. With the Schema option it creates
// the schema first if it is missing.
//
// A database at a newer version than SchemaVersion (migrated by newer
// code) is refused with an error matching crmkit.ErrConflict, and nothing
// is changed: older code must not write to a schema it does not know.
// Migrators running at once do not apply a migration twice: each
// migration's schema_migrations row is inserted first, so the second
// migrator waits for the first and then skips it. A nil ctx or a nil or
// zero DB is an error matching crmkit.ErrInvalid.
func (db *DB) Migrate(ctx context.Context) error {
	if err := db.check(); err != nil {
		return err
	}
	if err := storage.CheckContext(ctx); err != nil {
		return err
	}
	if db.schema != "" {
		if err := db.execBootstrap(ctx, "CREATE SCHEMA IF NOT EXISTS "+quoteIdent(db.schema)); err != nil {
			return fmt.Errorf("postgres: migrate: create schema %s: %w", db.schema, mapErr(ctx, err))
		}
	}
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    integer     PRIMARY KEY,
	name       text        NOT NULL,
	applied_at timestamptz NOT NULL DEFAULT now()
)`
	if err := db.execBootstrap(ctx, create); err != nil {
		return fmt.Errorf("postgres: migrate: create schema_migrations: %w", mapErr(ctx, err))
	}
	current, err := db.Version(ctx)
	if err != nil {
		return err
	}
	if current > SchemaVersion {
		return fmt.Errorf("postgres: migrate: the database is at schema version %d, newer than this code's %d: use a crmkit release that knows version %d: %w",
			current, SchemaVersion, current, crmkit.ErrConflict)
	}
	for _, m := range migrations[current:] {
		if err := db.apply(ctx, m); err != nil {
			return mapErr(ctx, err)
		}
	}
	return nil
}

// execBootstrap runs a CREATE ... IF NOT EXISTS. Two sessions running one
// at the same time may both find the object missing, and the second to
// create it fails on the catalog's unique index; running it again then
// finds the object.
func (db *DB) execBootstrap(ctx context.Context, sql string) error {
	_, err := db.pool.Exec(ctx, sql)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == codeUnique || pe.Code == codeDuplicateObject || pe.Code == codeDuplicateTable || pe.Code == codeDuplicateSchema) {
		_, err = db.pool.Exec(ctx, sql)
	}
	return err
}

// apply runs one migration in a transaction, unless another migrator
// applied it meanwhile.
func (db *DB) apply(ctx context.Context, m Migration) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING`, m.Version, m.Name)
		if err != nil {
			return fmt.Errorf("postgres: migrate: record %s: %w", m.Name, mapErr(ctx, err))
		}
		if tag.RowsAffected() == 0 {
			return nil // applied by a concurrent migrator
		}
		// No arguments: pgx sends the file with the simple protocol, which
		// runs several statements.
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return fmt.Errorf("postgres: migrate: apply %s: %w", m.Name, mapErr(ctx, err))
		}
		return nil
	})
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
	var v int
	err := db.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		if isUndefinedTable(err) {
			return 0, nil
		}
		return 0, fmt.Errorf("postgres: read schema version: %w", mapErr(ctx, err))
	}
	return v, nil
}
