package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/campaign"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/storage"
)

// Store is one tenant's store in a DB: a storage.Store with every
// optional repository (storage.AccountStore, ContractStore, PlanStore,
// CampaignStore). Its methods are safe for concurrent use. A nil or zero
// Store (not made by DB.Tenant) answers every call with an error matching
// crmkit.ErrInvalid. Outside Update every write is its own transaction:
// a Create or Save writes the row and its events together or not at all.
type Store struct {
	db *DB
	sc scope
}

var (
	_ storage.Store         = (*Store)(nil)
	_ storage.Tx            = (*txView)(nil)
	_ storage.PlanStore     = (*Store)(nil)
	_ storage.PlanStore     = (*txView)(nil)
	_ storage.CampaignStore = (*Store)(nil)
	_ storage.CampaignStore = (*txView)(nil)
	_ storage.AccountStore  = (*Store)(nil)
	_ storage.AccountStore  = (*txView)(nil)
	_ storage.ContractStore = (*Store)(nil)
	_ storage.ContractStore = (*txView)(nil)
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
	mu   sync.Mutex
	done bool
	tx   *sql.Tx
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

// read runs fn on the read pool, or on the Update's transaction (whose
// calls take turns: a transaction is one connection).
func (s *scope) read(fn func(q querier) error) error {
	if s.db == nil {
		return errZeroStore()
	}
	if s.tx == nil {
		return fn(s.db.read)
	}
	s.tx.mu.Lock()
	defer s.tx.mu.Unlock()
	if s.tx.done {
		return crmkit.Invalid("transaction", "used after its Update returned")
	}
	return fn(s.tx.tx)
}

// write runs fn atomically: outside Update in a transaction of its own
// on the write connection (BEGIN IMMEDIATE, committed when fn returns
// nil), inside Update within a savepoint of the Update's transaction, so
// that a call that fails halfway leaves nothing of itself there either.
func (s *scope) write(ctx context.Context, fn func(q querier) error) error {
	if s.db == nil {
		return errZeroStore()
	}
	if s.tx == nil {
		return s.db.inTx(ctx, fn)
	}
	s.tx.mu.Lock()
	defer s.tx.mu.Unlock()
	if s.tx.done {
		return crmkit.Invalid("transaction", "used after its Update returned")
	}
	tx := s.tx.tx
	if _, err := tx.ExecContext(ctx, `SAVEPOINT call`); err != nil {
		return fmt.Errorf("sqlite: savepoint: %w", mapErr(ctx, err))
	}
	if err := fn(tx); err != nil {
		// ROLLBACK TO keeps the savepoint open; RELEASE ends it. If the
		// transaction itself is gone, the Update fails anyway.
		rctx := context.WithoutCancel(ctx)
		_, _ = tx.ExecContext(rctx, `ROLLBACK TO call`)
		_, _ = tx.ExecContext(rctx, `RELEASE call`)
		return err
	}
	if _, err := tx.ExecContext(ctx, `RELEASE call`); err != nil {
		return fmt.Errorf("sqlite: release savepoint: %w", mapErr(ctx, err))
	}
	return nil
}

// inTx runs fn in a transaction on the write connection and commits it
// if fn returns nil.
func (db *DB) inTx(ctx context.Context, fn func(q querier) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", mapErr(ctx, err))
	}
	committed := false
	defer func() {
		if !committed {
			_ = tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return storage.Stopped(err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", mapErr(ctx, err))
	}
	committed = true
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

// Plans returns the quota plan repository (storage.PlanStore); each call
// on it is its own transaction.
func (s *Store) Plans() storage.PlanRepository { return plansOf(s.scope()) }

// Campaigns returns the marketing campaign repository
// (storage.CampaignStore); each call on it is its own transaction.
func (s *Store) Campaigns() storage.CampaignRepository { return campaignsOf(s.scope()) }

// Accounts returns the account repository (storage.AccountStore),
// contacts included; each call on it is its own transaction.
func (s *Store) Accounts() storage.AccountRepository { return accountsOf(s.scope()) }

// Contracts returns the contract repository (storage.ContractStore);
// each call on it is its own transaction.
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

// Update runs fn in one SQLite transaction on the database's write
// connection and commits it if fn returns nil (see storage.Store.Update).
// The transaction is BEGIN IMMEDIATE: it takes the file's write lock at
// once, so Updates and writes of the process (and of other processes on
// the same file) take turns, and every version a Save checks stays as
// read until the commit. A lock another process holds past BusyTimeout is
// an error matching storage.ErrSerialization, which storage.Retry runs
// again. If fn returns an error or panics, or ctx ends, the transaction
// is rolled back (a panic is re-raised). A nil fn, a nil ctx or a nil or
// zero Store is an error matching crmkit.ErrInvalid.
//
// fn's calls through tx run one at a time; each write call is atomic on
// its own too (a savepoint). fn must not write through the Store itself
// (rather than tx): such a write waits for the write connection fn's own
// Update holds, until ctx ends.
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
	stx, err := s.db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", mapErr(ctx, err))
	}
	t := &txn{tx: stx}
	sc := &scope{tenant: s.sc.tenant, db: s.db, tx: t}
	committed := false
	defer func() {
		if committed {
			return
		}
		t.end()
		_ = stx.Rollback()
	}()
	if err := fn(&txView{sc: sc}); err != nil {
		return err
	}
	t.end()
	if err := ctx.Err(); err != nil {
		return storage.Stopped(err)
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", mapErr(ctx, err))
	}
	committed = true
	return nil
}

// preparer is the part of *sql.Tx that imports use.
type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}
