package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/crmkit/crmkit/internal/livecache"
	"strconv"
	"strings"
	"sync"
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
// A DB is a pool of connections on the file (WAL mode: readers never wait
// for a writer) and a write lock of its own: the process's writes take
// turns under it (see Store.Update), so they never wait on SQLite's busy
// loop for each other.
type DB struct {
	pool *sql.DB
	sem  chan struct{} // the write lock: one token
	path string

	wakeMu sync.Mutex
	wake   chan struct{} // closed at the next write commit; nil with no waiter

	live livecache.Cache[int64] // the live deal summaries last read, at their write counters (live.go)
}

// Open opens (creating it if missing) the SQLite database file at path,
// switches it to WAL mode with foreign keys on and a busy timeout of
// BusyTimeout ms, and checks that it can be read. A nil ctx, an empty
// path, ":memory:" or a "file:" URI (give a plain path; use a temporary
// file for a throw-away database), or a path that is not UTF-8 or holds a
// NUL byte is an error matching crmkit.ErrInvalid; a file that cannot be
// opened (a missing directory, no permission, not a database) an error
// matching crmkit.ErrUnavailable. Open does not migrate: call Migrate once
// before using the stores. Close releases the file.
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
	pool, err := sql.Open("sqlite", dsn(path, "_pragma=busy_timeout("+strconv.Itoa(BusyTimeout)+
		")&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"))
	if err != nil {
		return nil, crmkit.Invalid("path", "%q: %v", path, err)
	}
	pool.SetMaxIdleConns(16)
	db := &DB{pool: pool, sem: make(chan struct{}, 1), path: path}
	var n int
	if err := pool.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&n); err != nil {
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
	if db == nil || db.pool == nil {
		return
	}
	_ = db.pool.Close()
}

// check rejects a nil or zero DB (not made by Open).
func (db *DB) check() error {
	if db == nil || db.pool == nil {
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
