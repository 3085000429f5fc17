package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"sync"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/campaign"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/storage"
)

// Store is one tenant's store in a DB: a storage.Store, every repository
// of storage.Tx included. Its methods are safe for concurrent use. A nil or zero
// Store (not made by DB.Tenant) answers every call with an error matching
// crmkit.ErrInvalid. Outside Update every write is its own transaction:
// a Create or Save writes the row and its events together or not at all.
type Store struct {
	db *DB
	sc scope
}

var (
	_ storage.Store = (*Store)(nil)
	_ storage.Tx    = (*txView)(nil)
)

// querier is what the repositories need of a pool or a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// scope is where a repository call runs: the database (tx nil) or one
// Update's transaction, always for one tenant.
type scope struct {
	tenant string
	db     *DB
	tx     *txn
}

// txn is the state of one Update's transaction.
type txn struct {
	mu     sync.Mutex
	done   bool
	conn   *sql.Conn
	locked bool // holds the DB's write lock
}

// end marks the transaction finished, waiting for a call in progress.
func (t *txn) end() {
	t.mu.Lock()
	t.done = true
	t.mu.Unlock()
}

// errZeroStore is the error of a call on a nil or zero Store.
func errZeroStore() error {
	return crmkit.Invalid("store", "nil or zero sqlite.Store: open one with DB.Tenant")
}

// lock takes the DB's write lock, or returns ctx's error if ctx ends
// first.
func (db *DB) lock(ctx context.Context) error {
	select {
	case db.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return storage.Stopped(ctx.Err())
	}
}

// unlock releases the write lock.
func (db *DB) unlock() { <-db.sem }

// read runs fn on the pool, or on the Update's transaction (whose calls
// take turns: a transaction is one connection).
func (s *scope) read(fn func(q querier) error) error {
	if s.db == nil {
		return errZeroStore()
	}
	if s.tx == nil {
		return fn(s.db.pool)
	}
	s.tx.mu.Lock()
	defer s.tx.mu.Unlock()
	if s.tx.done {
		return crmkit.Invalid("transaction", "used after its Update returned")
	}
	return fn(s.tx.conn)
}

// write runs fn atomically: outside Update in a transaction of its own
// (see DB.inTx), inside Update within a savepoint of the Update's
// transaction, so that a call that fails halfway leaves nothing of itself
// there either. An Update takes the DB's write lock at its first write
// and keeps it to the end.
func (s *scope) write(ctx context.Context, fn func(q querier) error) error {
	if s.db == nil {
		return errZeroStore()
	}
	if s.tx == nil {
		return s.db.inTx(ctx, fn)
	}
	t := s.tx
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return crmkit.Invalid("transaction", "used after its Update returned")
	}
	if !t.locked {
		if err := s.db.lock(ctx); err != nil {
			return err
		}
		t.locked = true
	}
	if _, err := t.conn.ExecContext(ctx, `SAVEPOINT call`); err != nil {
		return fmt.Errorf("sqlite: savepoint: %w", mapErr(ctx, err))
	}
	if err := fn(t.conn); err != nil {
		// ROLLBACK TO keeps the savepoint open; RELEASE ends it. If the
		// transaction itself is gone, the Update fails anyway.
		rctx := context.WithoutCancel(ctx)
		_, _ = t.conn.ExecContext(rctx, `ROLLBACK TO call`)
		_, _ = t.conn.ExecContext(rctx, `RELEASE call`)
		return err
	}
	if _, err := t.conn.ExecContext(ctx, `RELEASE call`); err != nil {
		return fmt.Errorf("sqlite: release savepoint: %w", mapErr(ctx, err))
	}
	return nil
}

// begin takes a connection of the pool and begins a transaction on it
// with stmt (BEGIN or BEGIN IMMEDIATE).
func (db *DB) begin(ctx context.Context, stmt string) (*sql.Conn, error) {
	conn, err := db.pool.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlite: connect: %w", mapErr(ctx, err))
	}
	if _, err := conn.ExecContext(ctx, stmt); err != nil {
		release(conn, false)
		return nil, fmt.Errorf("sqlite: begin: %w", mapErr(ctx, err))
	}
	return conn, nil
}

// release rolls back conn's transaction, if open, and returns conn to the
// pool; a connection whose state is unknown after a failed rollback is
// closed rather than reused. ok means the transaction has ended (commit).
func release(conn *sql.Conn, ok bool) {
	if !ok {
		if _, err := conn.ExecContext(context.Background(), `ROLLBACK`); err != nil && !strings.Contains(err.Error(), "no transaction is active") {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}
	_ = conn.Close()
}

// inTx runs fn in a transaction of its own under the write lock, begun
// with BEGIN IMMEDIATE (taking the file's lock at once: a writer of
// another process makes it wait up to BusyTimeout), and commits it if fn
// returns nil.
func (db *DB) inTx(ctx context.Context, fn func(q querier) error) error {
	if err := db.lock(ctx); err != nil {
		return err
	}
	defer db.unlock()
	conn, err := db.begin(ctx, `BEGIN IMMEDIATE`)
	if err != nil {
		return err
	}
	committed := false
	defer func() { release(conn, committed) }()
	if err := fn(conn); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return storage.Stopped(err)
	}
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		return fmt.Errorf("sqlite: commit: %w", mapErr(ctx, err))
	}
	committed = true
	db.wakeFeed()
	return nil
}

// scope returns the store's scope; an empty one, on which every call
// fails with errZeroStore, for a nil Store.
func (s *Store) scope() *scope {
	if s == nil {
		return &scope{}
	}
	return &s.sc
}

// Tenant returns the tenant the store is bound to ("" for a nil Store).
func (s *Store) Tenant() string { return s.scope().tenant }

// Leads returns the lead repository; each call on it is its own
// transaction.
func (s *Store) Leads() storage.LeadRepository { return leadsOf(s.scope()) }

// Deals returns the deal repository; each call on it is its own
// transaction.
func (s *Store) Deals() storage.DealRepository { return dealsOf(s.scope()) }

// Events returns the tenant's event log.
func (s *Store) Events() storage.EventLog { return &eventLog{sc: s.scope()} }

// Plans returns the quota plan repository ; each call
// on it is its own transaction.
func (s *Store) Plans() storage.PlanRepository { return plansOf(s.scope()) }

// Campaigns returns the marketing campaign repository; each
// call on it is its own transaction.
func (s *Store) Campaigns() storage.CampaignRepository { return campaignsOf(s.scope()) }

// Accounts returns the account repository, contacts
// included; each call on it is its own transaction.
func (s *Store) Accounts() storage.AccountRepository { return accountsOf(s.scope()) }

// Contracts returns the contract repository ; each
// call on it is its own transaction.
func (s *Store) Contracts() storage.ContractRepository { return contractsOf(s.scope()) }

// txView is the storage.Tx an Update's function gets.
type txView struct{ sc *scope }

func (v *txView) Leads() storage.LeadRepository         { return leadsOf(v.sc) }
func (v *txView) Deals() storage.DealRepository         { return dealsOf(v.sc) }
func (v *txView) Events() storage.EventLog              { return &eventLog{sc: v.sc} }
func (v *txView) Plans() storage.PlanRepository         { return plansOf(v.sc) }
func (v *txView) Campaigns() storage.CampaignRepository { return campaignsOf(v.sc) }
func (v *txView) Accounts() storage.AccountRepository   { return accountsOf(v.sc) }
func (v *txView) Contracts() storage.ContractRepository { return contractsOf(v.sc) }

func leadsOf(sc *scope) storage.LeadRepository {
	return &repo[lead.Lead, storage.LeadFilter]{sc: sc, k: leadKind}
}
func dealsOf(sc *scope) storage.DealRepository {
	return &repo[deal.Deal, storage.DealFilter]{sc: sc, k: dealKind}
}
func plansOf(sc *scope) storage.PlanRepository {
	return &repo[quota.Plan, storage.PlanFilter]{sc: sc, k: planKind}
}
func campaignsOf(sc *scope) storage.CampaignRepository {
	return &repo[campaign.Campaign, storage.CampaignFilter]{sc: sc, k: campaignKind}
}
func accountsOf(sc *scope) storage.AccountRepository {
	return &repo[account.Account, storage.AccountFilter]{sc: sc, k: accountKind}
}
func contractsOf(sc *scope) storage.ContractRepository {
	return &repo[account.Contract, storage.ContractFilter]{sc: sc, k: contractKind}
}

// Update runs fn in one SQLite transaction and commits it if fn returns
// nil (see storage.Store.Update). The transaction reads a snapshot of the
// file taken at its first read; at its first write it takes the DB's
// write lock and keeps it to the end, so the writes of the process take
// turns. If something else committed after the snapshot was taken,
// SQLite refuses the Update's first write (SQLITE_BUSY_SNAPSHOT): an error
// matching storage.ErrSerialization, which storage.Retry runs again on
// fresh data, so every Update is serializable, not only its Saves' version
// checks. If fn returns an error or panics, or ctx ends, the transaction
// is rolled back (a panic is re-raised). A nil fn, a nil ctx or a nil or
// zero Store is an error matching crmkit.ErrInvalid.
//
// fn's calls through tx run one at a time; each write call is atomic on
// its own too (a savepoint). A write through the Store itself (not tx)
// after fn's first write waits for the write lock the Update holds, until
// ctx ends.
func (s *Store) Update(ctx context.Context, fn func(tx storage.Tx) error) error {
	if fn == nil {
		return crmkit.Invalid("update", "nil function")
	}
	if s == nil || s.db == nil {
		return errZeroStore()
	}
	if err := storage.CheckContext(ctx); err != nil {
		return err
	}
	conn, err := s.db.begin(ctx, `BEGIN`)
	if err != nil {
		return err
	}
	t := &txn{conn: conn}
	sc := &scope{tenant: s.sc.tenant, db: s.db, tx: t}
	committed := false
	defer func() {
		t.end()
		release(conn, committed)
		if t.locked {
			s.db.unlock()
		}
	}()
	if err := fn(&txView{sc: sc}); err != nil {
		return err
	}
	t.end()
	if err := ctx.Err(); err != nil {
		return storage.Stopped(err)
	}
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		return fmt.Errorf("sqlite: commit: %w", mapErr(ctx, err))
	}
	committed = true
	if t.locked {
		s.db.wakeFeed()
	}
	return nil
}

// preparer is the part of *sql.Tx that imports use.
type preparer interface {
	querier
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}
