package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage"

	_ "modernc.org/sqlite" // the pure-Go driver, registered as "sqlite"
)

// BusyTimeout is how long, in milliseconds, a connection waits for
// another process's lock on the file (SQLite's busy_timeout) before the
// call fails with an error matching storage.ErrSerialization.
const BusyTimeout = 5000

// DB is a SQLite database file holding any number of tenants. Open makes
// one; Tenant gives one tenant's store. It is safe for concurrent use.
//
// A DB has two connection pools on the file: one connection that does
// every write, so writes of the process take turns (an Update holds it
// from begin to commit), and a pool of read-only connections that read
// alongside it (WAL mode: readers never wait for the writer).
type DB struct {
	write *sql.DB // one connection, transactions BEGIN IMMEDIATE
	read  *sql.DB // query_only connections
	path  string
}

// Open opens (creating it if missing) the SQLite database file at path,
// switches it to WAL mode with foreign keys on and a busy timeout of
// BusyTimeout ms, and checks that it can be read. A nil ctx, an empty
// path, ":memory:" (each connection would get a database of its own:
// use a temporary file) or a path that is not UTF-8 or holds a NUL byte
// is an error matching crmkit.ErrInvalid; a file that cannot be opened
// (a missing directory, no permission, not a database) an error matching
// crmkit.ErrUnavailable. Open does not migrate: call Migrate once before
// using the stores. Close releases the file.
func Open(ctx context.Context, path string) (*DB, error) {
	if ctx == nil {
		return nil, crmkit.Invalid("context", "nil context")
	}
	if strings.TrimSpace(path) == "" || !utf8.ValidString(path) || strings.IndexByte(path, 0) >= 0 {
		return nil, crmkit.Invalid("path", "%q is not a file path of UTF-8 without NUL", path)
	}
	if path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, crmkit.Invalid("path", "%q: give the path of a file (use a temporary file for a throw-away database)", path)
	}
	common := "_pragma=busy_timeout(" + fmt.Sprint(BusyTimeout) + ")&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	w, err := sql.Open("sqlite", dsn(path, common+"&_pragma=journal_mode(WAL)&_txlock=immediate"))
	if err != nil {
		return nil, crmkit.Invalid("path", "%q: %v", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	// The write connection comes first: it creates the file and puts it
	// in WAL mode before a reader opens it.
	if err := w.PingContext(ctx); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, mapErr(ctx, err))
	}
	r, err := sql.Open("sqlite", dsn(path, common+"&_pragma=query_only(1)"))
	if err != nil {
		_ = w.Close()
		return nil, crmkit.Invalid("path", "%q: %v", path, err)
	}
	r.SetMaxIdleConns(4)
	db := &DB{write: w, read: r, path: path}
	var n int
	if err := r.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&n); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, mapErr(ctx, err))
	}
	return db, nil
}

// dsn returns the driver's name for path with the query params: a
// file: URI, so that a path holding '?' or '#' stays a path.
func dsn(path, params string) string {
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return "file:" + r.Replace(path) + "?" + params
}

// Path returns the file the database was opened on ("" for a nil DB).
func (db *DB) Path() string {
	if db == nil {
		return ""
	}
	return db.path
}

// Close closes the database's connections, waiting for calls in progress.
// Calls on stores of db afterwards are errors matching
// crmkit.ErrUnavailable. Closing a nil or zero DB does nothing.
func (db *DB) Close() {
	if db == nil || db.write == nil {
		return
	}
	_ = db.read.Close()
	_ = db.write.Close()
}

// check rejects a nil or zero DB (not made by Open).
func (db *DB) check() error {
	if db == nil || db.write == nil {
		return crmkit.Invalid("db", "nil or zero sqlite.DB: make one with Open")
	}
	return nil
}

// Tenant returns the store of tenant name. Stores of the same name share
// data; stores of different names share nothing. A name that is empty,
// longer than storage.MaxKeyLen, not UTF-8 or holding a NUL byte is an
// error matching crmkit.ErrInvalid, and so is a nil or zero DB.
func (db *DB) Tenant(name string) (*Store, error) {
	if err := db.check(); err != nil {
		return nil, err
	}
	if err := storage.ValidateTenant(name); err != nil {
		return nil, err
	}
	return &Store{db: db, sc: scope{tenant: name, db: db}}, nil
}
