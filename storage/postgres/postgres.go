package postgres

import (
	"context"
	"fmt"
	"github.com/crmkit/crmkit/internal/livecache"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is a PostgreSQL database holding any number of tenants: a pgx
// connection pool and, optionally, the schema the tables live in. Open or
// New make one; Tenant gives one tenant's store. It is safe for concurrent
// use.
type DB struct {
	pool   *pgxpool.Pool
	schema string // "" for the connection's own search_path
	owned  bool   // Close closes pool

	feedMu sync.Mutex
	feed   *listener // the change feed's LISTEN connection, once Wait ran

	notifyMu  sync.Mutex
	pending   map[string]struct{} // tenants whose consumers to wake
	notifying bool                // a goroutine sends pending's NOTIFYs

	live livecache.Cache[string] // the live deal summaries last read, at their snapshots (live.go)
}

// Option configures Open.
type Option func(*options) error

type options struct {
	schema   string
	maxConns int32
}

// MaxSchemaLen is the longest schema name Schema accepts, in bytes
// (PostgreSQL's NAMEDATALEN - 1).
const MaxSchemaLen = 63

// Schema makes Open put every table in the named schema: each connection
// of the pool gets it as its search_path, and Migrate creates it when it is
// missing. Tests use one schema each; applications usually keep the
// default (the connection's own search_path, normally public). An empty
// name, one longer than MaxSchemaLen bytes, not UTF-8 or holding a NUL
// byte makes Open fail with an error matching crmkit.ErrInvalid.
func Schema(name string) Option {
	return func(o *options) error {
		if strings.TrimSpace(name) == "" || len(name) > MaxSchemaLen || !utf8.ValidString(name) || strings.IndexByte(name, 0) >= 0 {
			return crmkit.Invalid("schema", "%q is not a schema name of 1 to %d bytes of UTF-8 without NUL", name, MaxSchemaLen)
		}
		o.schema = name
		return nil
	}
}

// MaxConns sets the most connections the pool opens (pgxpool's default is
// the larger of 4 and the number of CPUs; the DSN parameter pool_max_conns
// sets it too). Concurrent writers beyond it wait for a connection. n
// below 1 makes Open fail with an error matching crmkit.ErrInvalid.
func MaxConns(n int) Option {
	return func(o *options) error {
		if n < 1 || n > 1<<20 {
			return crmkit.Invalid("max conns", "%d is outside 1..%d", n, 1<<20)
		}
		o.maxConns = int32(n)
		return nil
	}
}

// Open connects to the PostgreSQL server of dsn (a URL such as
// postgres://user@host:5432/db?sslmode=disable or a key=value string, as
// pgx reads them), checks that it answers, and returns the database. A
// nil ctx, a malformed dsn or option is an error matching
// crmkit.ErrInvalid; a server that does not answer (or refuses the
// connection) an error matching crmkit.ErrUnavailable. Open does not
// migrate: call Migrate once before using the stores. Close releases the
// pool.
func Open(ctx context.Context, dsn string, opts ...Option) (*DB, error) {
	if ctx == nil {
		return nil, crmkit.Invalid("context", "nil context")
	}
	var o options
	for _, opt := range opts {
		if opt == nil {
			return nil, crmkit.Invalid("option", "nil option")
		}
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx redacts the password from its message.
		return nil, crmkit.Invalid("dsn", "%v", err)
	}
	if o.schema != "" {
		cfg.ConnConfig.RuntimeParams["search_path"] = quoteIdent(o.schema)
	}
	if o.maxConns > 0 {
		cfg.MaxConns = o.maxConns
	}
	// When a context ends while a statement runs, ask the server to cancel
	// the statement (pgx's default only stops waiting for it, and the
	// server would finish, and commit, a statement outside a
	// transaction); close the connection if the server does not answer.
	cfg.ConnConfig.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: cancelDeadline}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open pool: %w", mapErr(ctx, err))
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect to %s:%d: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, mapErr(ctx, err))
	}
	return &DB{pool: pool, schema: o.schema, owned: true}, nil
}

// cancelDeadline is how long a connection waits for the server to cancel
// a statement whose context ended before it gives the connection up.
const cancelDeadline = 2 * time.Second

// New returns the database behind a pool the caller made and configured
// (its search_path decides where the tables are). Close does not close
// pool. Open configures its pool to cancel a running statement on the
// server when the statement's context ends; pgx's default, which only
// stops waiting, lets the server finish a statement and commit it: set
// ConnConfig.BuildContextWatcherHandler to a
// pgconn.CancelRequestContextWatcherHandler for the same behaviour. With
// a nil pool New returns a zero DB, every call of which is an error
// matching crmkit.ErrInvalid.
func New(pool *pgxpool.Pool) *DB {
	if pool == nil {
		return &DB{}
	}
	return &DB{pool: pool}
}

// Pool returns the connection pool, for the host application's own
// queries and for tests; nil for a nil or zero DB.
func (db *DB) Pool() *pgxpool.Pool {
	if db == nil {
		return nil
	}
	return db.pool
}

// Close stops the change feed's listener (see Store.Wait) and closes the
// pool if Open made it, waiting for connections in use to be released.
// Calls on stores of db afterwards are errors matching
// crmkit.ErrUnavailable. Closing a nil or zero DB does nothing.
func (db *DB) Close() {
	if db != nil {
		db.stopListener()
	}
	if db != nil && db.owned && db.pool != nil {
		db.pool.Close()
	}
}

// check rejects a nil or zero DB (not made by Open or New).
func (db *DB) check() error {
	if db == nil || db.pool == nil {
		return crmkit.Invalid("db", "nil or zero postgres.DB: make one with Open or New")
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
	return &Store{db: db, sc: scope{tenant: name, q: db.pool, db: db}}, nil
}

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(name string) string { return pgx.Identifier{name}.Sanitize() }
