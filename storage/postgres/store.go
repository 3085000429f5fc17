package postgres

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/crmkit/crmkit/campaign"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/storage"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Store is one tenant's store in a DB: a storage.Store. Its methods are
// safe for concurrent use. A nil or zero Store (not made by DB.Tenant)
// answers every call with an error matching crmkit.ErrInvalid. Outside Update every call is one SQL statement,
// so one implicit transaction: a Create or Save writes the row and its
// events together or not at all.
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
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// scope is where a repository call runs: the pool (tx nil) or one
// Update's transaction, always for one tenant.
type scope struct {
	tenant string
	q      querier
	tx     *txn
	db     *DB
}

// wroteEvents notes that a write of the scope committed (outside Update)
// or will commit (inside) events: the change feed's consumers are woken
// after the commit.
func (s *scope) wroteEvents() {
	if s.tx != nil {
		s.tx.events = true
		return
	}
	s.db.notifyFeed(s.tenant)
}

// acquire returns the querier for one call and the function that ends the
// call. Inside an Update calls take turns, since a transaction is one
// connection, and fail once the Update has returned.
func (s *scope) acquire() (querier, func(), error) {
	if s.q == nil {
		return nil, nil, errZeroStore()
	}
	if s.tx == nil {
		return s.q, func() {}, nil
	}
	s.tx.mu.Lock()
	if s.tx.done {
		s.tx.mu.Unlock()
		return nil, nil, crmkit.Invalid("transaction", "used after its Update returned")
	}
	return s.q, s.tx.mu.Unlock, nil
}

// errZeroStore is the error of a call on a nil or zero Store.
func errZeroStore() error {
	return crmkit.Invalid("store", "nil or zero postgres.Store: open one with DB.Tenant")
}

// scope returns the store's scope; an empty one, on which every call
// fails with errZeroStore, for a nil Store.
func (s *Store) scope() *scope {
	if s == nil {
		return &scope{}
	}
	return &s.sc
}

// txn is the state of one Update's transaction.
type txn struct {
	mu     sync.Mutex
	done   bool
	events bool // a write appended events
}

// end marks the transaction finished, waiting for a call in progress.
func (t *txn) end() {
	t.mu.Lock()
	t.done = true
	t.mu.Unlock()
}

// txView is the storage.Tx an Update's function gets.
type txView struct{ sc *scope }

func (v *txView) Leads() storage.LeadRepository {
	return &repo[lead.Lead, storage.LeadFilter]{sc: v.sc, k: leadKind}
}
func (v *txView) Deals() storage.DealRepository {
	return &repo[deal.Deal, storage.DealFilter]{sc: v.sc, k: dealKind}
}
func (v *txView) Events() storage.EventLog { return &eventLog{sc: v.sc} }
func (v *txView) Plans() storage.PlanRepository {
	return &repo[quota.Plan, storage.PlanFilter]{sc: v.sc, k: planKind}
}
func (v *txView) Campaigns() storage.CampaignRepository {
	return &repo[campaign.Campaign, storage.CampaignFilter]{sc: v.sc, k: campaignKind}
}

// Tenant returns the tenant the store is bound to ("" for a nil Store).
func (s *Store) Tenant() string { return s.scope().tenant }

// Leads returns the lead repository; each call on it is its own
// transaction.
func (s *Store) Leads() storage.LeadRepository {
	return &repo[lead.Lead, storage.LeadFilter]{sc: s.scope(), k: leadKind}
}

// Deals returns the deal repository; each call on it is its own
// transaction.
func (s *Store) Deals() storage.DealRepository {
	return &repo[deal.Deal, storage.DealFilter]{sc: s.scope(), k: dealKind}
}

// Events returns the tenant's event log.
func (s *Store) Events() storage.EventLog { return &eventLog{sc: s.scope()} }

// Plans returns the quota plan repository; each call
// on it is its own transaction.
func (s *Store) Plans() storage.PlanRepository {
	return &repo[quota.Plan, storage.PlanFilter]{sc: s.scope(), k: planKind}
}

// Campaigns returns the marketing campaign repository; each call on it
// is its own transaction.
func (s *Store) Campaigns() storage.CampaignRepository {
	return &repo[campaign.Campaign, storage.CampaignFilter]{sc: s.scope(), k: campaignKind}
}

// rollbackTimeout bounds the rollback of a failed Update, which runs even
// when the Update's context has ended.
const rollbackTimeout = 5 * time.Second

// Update runs fn in one database transaction (READ COMMITTED) and commits
// it if fn returns nil (see storage.Store.Update). Every Save in it checks
// its version with its UPDATE, which waits for a concurrent writer of the
// same row and then fails with crmkit.ErrConflict if that writer moved the
// version on; PostgreSQL's serialization failures and deadlocks come back
// matching storage.ErrSerialization. If fn returns an error or panics, or
// ctx ends, the transaction is rolled back (a panic is re-raised). A nil
// fn is an error matching crmkit.ErrInvalid.
//
// fn's calls through tx run one at a time (the transaction is one
// connection). After a database error inside fn the transaction is
// aborted: fn should return the error, and Update then returns it. A nil
// ctx or a nil or zero Store is an error matching crmkit.ErrInvalid.
func (s *Store) Update(ctx context.Context, fn func(tx storage.Tx) error) error {
	if fn == nil {
		return crmkit.Invalid("update", "nil function")
	}
	if s == nil || s.db == nil || s.db.pool == nil {
		return errZeroStore()
	}
	if err := storage.CheckContext(ctx); err != nil {
		return err
	}
	ptx, err := s.db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", mapErr(ctx, err))
	}
	t := &txn{}
	sc := &scope{tenant: s.sc.tenant, q: ptx, tx: t, db: s.db}
	committed := false
	defer func() {
		if committed {
			return
		}
		t.end()
		// A dead connection needs no rollback: the server rolled back
		// when it lost it. The rollback's own error adds nothing.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		_ = ptx.Rollback(rctx)
		cancel()
	}()
	if err := fn(&txView{sc: sc}); err != nil {
		return err
	}
	t.end()
	if err := ctx.Err(); err != nil {
		return storage.Stopped(err)
	}
	if err := ptx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", mapErr(ctx, err))
	}
	committed = true
	if t.events {
		s.db.notifyFeed(s.sc.tenant)
	}
	return nil
}
