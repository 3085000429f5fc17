package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// The change feed (storage.Feed) on SQLite.
//
// Places. Every event row has feed_pos, its place in the tenant's feed,
// set by the INSERT itself to one more than the tenant's last place
// (insertEventSQL; a trigger does the same for a writer of the file that
// leaves it NULL). The INSERT runs inside the writing transaction, under
// the file's write lock: SQLite has one writer at a time, so no other
// transaction commits between the read of the last place and this
// transaction's commit. Commit order is therefore place order, a
// rolled-back transaction gives its places back, and a consumer that has
// read place n can never meet a later commit with a place at or below n:
// the feed has no gaps. Migration 0004 gave the events stored before it
// places per tenant in the order of (at, id).
//
// Consumers. feed_consumers holds each consumer's position (the place it
// has handled up to), feed_parked its parked events. Consume, Park and
// Unpark begin with a write (an UPDATE of the consumer's row), so they
// hold the write lock from their first statement to their commit: two
// calls of one consumer take turns, the position read is the latest, and
// the handler's writes commit with the new position or not at all. The
// price is SQLite's: while a handler runs, the file's other writers wait.
//
// Waking. Every write commit of a DB closes the DB's wake channel, which
// is how Wait learns of events written by the process; another process
// writing the same file is seen by Wait's re-check every feedPoll.

var _ storage.Feed = (*Store)(nil)

// feedPoll is how often Wait looks for new events without being woken:
// the writes of other processes on the file.
const feedPoll = 500 * time.Millisecond

// wakeFeed wakes the DB's waiters after a write commit.
func (db *DB) wakeFeed() {
	db.wakeMu.Lock()
	if db.wake != nil {
		close(db.wake)
		db.wake = nil
	}
	db.wakeMu.Unlock()
}

// feedWaiter returns the channel closed at the DB's next write commit.
func (db *DB) feedWaiter() <-chan struct{} {
	db.wakeMu.Lock()
	defer db.wakeMu.Unlock()
	if db.wake == nil {
		db.wake = make(chan struct{})
	}
	return db.wake
}

// feedCheck runs the checks every feed call starts with.
func (s *Store) feedCheck(ctx context.Context, name string) error {
	if s == nil || s.db == nil {
		return errZeroStore()
	}
	if err := storage.CheckContext(ctx); err != nil {
		return err
	}
	return storage.ValidateConsumer(name)
}

// feedHead returns the place of the tenant's last event (0 for none).
func feedHead(ctx context.Context, q querier, tenant string) (int64, error) {
	var head int64
	if err := q.QueryRowContext(ctx, `SELECT coalesce(max(feed_pos), 0) FROM events WHERE tenant_id = ?`, tenant).Scan(&head); err != nil {
		return 0, fmt.Errorf("sqlite: feed: read head: %w", mapErr(ctx, err))
	}
	return head, nil
}

// readPosition returns consumer's position through q.
func readPosition(ctx context.Context, q querier, tenant, name string) (int64, error) {
	var pos int64
	err := q.QueryRowContext(ctx, `SELECT pos FROM feed_consumers WHERE tenant_id = ? AND name = ?`, tenant, name).Scan(&pos)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, storage.UnknownConsumer(name)
	}
	if err != nil {
		return 0, fmt.Errorf("sqlite: feed: read position of %q: %w", name, mapErr(ctx, err))
	}
	return pos, nil
}

// lockConsumer returns consumer's position with a write of its row, the
// first statement of a feed transaction: it takes the file's write lock,
// so the position is the latest and stays the consumer's until commit.
func lockConsumer(ctx context.Context, q querier, tenant, name string) (int64, error) {
	var pos int64
	err := q.QueryRowContext(ctx, `UPDATE feed_consumers SET pos = pos WHERE tenant_id = ? AND name = ? RETURNING pos`, tenant, name).Scan(&pos)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, storage.UnknownConsumer(name)
	}
	if err != nil {
		return 0, fmt.Errorf("sqlite: feed: lock consumer %q: %w", name, mapErr(ctx, err))
	}
	return pos, nil
}

// moveConsumer sets consumer's position to next.
func moveConsumer(ctx context.Context, q querier, tenant, name string, next int64) error {
	if _, err := q.ExecContext(ctx, `UPDATE feed_consumers SET pos = ? WHERE tenant_id = ? AND name = ?`, next, tenant, name); err != nil {
		return fmt.Errorf("sqlite: feed: move %q: %w", name, mapErr(ctx, err))
	}
	return nil
}

// readFeed returns up to max events after place pos, in feed order, and
// the place of the last.
func readFeed(ctx context.Context, q querier, tenant string, pos int64, max int) ([]crmkit.Event, int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+eventCols+`, feed_pos FROM events WHERE tenant_id = ? AND feed_pos > ? ORDER BY feed_pos LIMIT ?`, tenant, pos, max)
	if err != nil {
		return nil, 0, fmt.Errorf("sqlite: feed: read events: %w", mapErr(ctx, err))
	}
	defer rows.Close()
	var (
		events []crmkit.Event
		last   int64
	)
	for rows.Next() {
		e, err := scanEvent(rows, &last)
		if err != nil {
			return nil, 0, fmt.Errorf("sqlite: feed: read events: %w", mapErr(ctx, err))
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("sqlite: feed: read events: %w", mapErr(ctx, err))
	}
	return events, last, nil
}

// Register adds consumer at position from (see storage.Feed).
func (s *Store) Register(ctx context.Context, name string, from storage.Position) error {
	if err := s.feedCheck(ctx, name); err != nil {
		return err
	}
	n, err := storage.DecodePosition(s.sc.tenant, from)
	if err != nil {
		return err
	}
	return mapErr(ctx, s.sc.write(ctx, func(q querier) error {
		head, err := feedHead(ctx, q, s.sc.tenant)
		if err != nil {
			return err
		}
		if n > head {
			return storage.BeyondEnd(n, head)
		}
		res, err := q.ExecContext(ctx, `INSERT INTO feed_consumers (tenant_id, name, pos) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, s.sc.tenant, name, n)
		if err != nil {
			return fmt.Errorf("sqlite: feed: register %q: %w", name, mapErr(ctx, err))
		}
		if k, err := res.RowsAffected(); err != nil || k == 0 {
			return fmt.Errorf("consumer %q is registered already: %w", name, crmkit.ErrConflict)
		}
		return nil
	}))
}

// Position returns consumer's position (see storage.Feed).
func (s *Store) Position(ctx context.Context, name string) (storage.Position, error) {
	if err := s.feedCheck(ctx, name); err != nil {
		return "", err
	}
	pos, err := readPosition(ctx, s.db.pool, s.sc.tenant, name)
	if err != nil {
		return "", err
	}
	return storage.EncodePosition(s.sc.tenant, pos), nil
}

// Head returns the position of the feed's last event (see storage.Feed).
func (s *Store) Head(ctx context.Context) (storage.Position, error) {
	if s == nil || s.db == nil {
		return "", errZeroStore()
	}
	if err := storage.CheckContext(ctx); err != nil {
		return "", err
	}
	head, err := feedHead(ctx, s.db.pool, s.sc.tenant)
	if err != nil {
		return "", err
	}
	return storage.EncodePosition(s.sc.tenant, head), nil
}

// ready reports whether consumer has events after its position, reading
// outside any transaction.
func (s *Store) ready(ctx context.Context, name string) (bool, error) {
	pos, err := readPosition(ctx, s.db.pool, s.sc.tenant, name)
	if err != nil {
		return false, err
	}
	head, err := feedHead(ctx, s.db.pool, s.sc.tenant)
	if err != nil {
		return false, err
	}
	return pos < head, nil
}

// Consume runs fn on the next events of consumer in one Update that also
// moves its position (see storage.Feed). The Update holds the file's
// write lock from its first statement, fn included: the file's other
// writers wait while fn runs, and a write of fn through the Store rather
// than tx waits for fn itself, until ctx ends.
func (s *Store) Consume(ctx context.Context, name string, max int, fn func(tx storage.Tx, events []crmkit.Event) error) (int, error) {
	if err := s.feedCheck(ctx, name); err != nil {
		return 0, err
	}
	if fn == nil {
		return 0, crmkit.Invalid("handler", "nil function")
	}
	max, err := storage.ValidateBatch(max)
	if err != nil {
		return 0, err
	}
	// Nothing to do is found without taking the write lock.
	if ok, err := s.ready(ctx, name); err != nil || !ok {
		return 0, err
	}
	handled := 0
	err = s.Update(ctx, func(tx storage.Tx) error {
		var events []crmkit.Event
		err := tx.(*txView).sc.write(ctx, func(q querier) error {
			pos, err := lockConsumer(ctx, q, s.sc.tenant, name)
			if err != nil {
				return err
			}
			var last int64
			events, last, err = readFeed(ctx, q, s.sc.tenant, pos, max)
			if err != nil || len(events) == 0 {
				return err
			}
			return moveConsumer(ctx, q, s.sc.tenant, name, last)
		})
		if err != nil || len(events) == 0 {
			return err
		}
		if err := storage.Guard(func() error { return fn(tx, events) }); err != nil {
			return err
		}
		handled = len(events)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return handled, nil
}

// Park parks consumer's next event (see storage.Feed).
func (s *Store) Park(ctx context.Context, name string, reason string) (storage.Parked, error) {
	if err := s.feedCheck(ctx, name); err != nil {
		return storage.Parked{}, err
	}
	var out storage.Parked
	reason = storage.ParkReason(reason)
	err := s.sc.write(ctx, func(q querier) error {
		pos, err := lockConsumer(ctx, q, s.sc.tenant, name)
		if err != nil {
			return err
		}
		events, last, err := readFeed(ctx, q, s.sc.tenant, pos, 1)
		if err != nil {
			return err
		}
		if len(events) == 0 {
			return fmt.Errorf("consumer %q has no event to park after position %d: %w", name, pos, crmkit.ErrNotFound)
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO feed_parked (tenant_id, consumer, pos, event_id, reason) VALUES (?, ?, ?, ?, ?)`,
			s.sc.tenant, name, last, events[0].ID[:], reason); err != nil {
			return fmt.Errorf("sqlite: feed: park: %w", mapErr(ctx, err))
		}
		out = storage.Parked{Event: events[0], Position: storage.EncodePosition(s.sc.tenant, last), Reason: reason}
		return moveConsumer(ctx, q, s.sc.tenant, name, last)
	})
	if err != nil {
		return storage.Parked{}, mapErr(ctx, err)
	}
	return out, nil
}

// Parked lists consumer's parked events (see storage.Feed).
func (s *Store) Parked(ctx context.Context, name string) ([]storage.Parked, error) {
	if err := s.feedCheck(ctx, name); err != nil {
		return nil, err
	}
	if _, err := readPosition(ctx, s.db.pool, s.sc.tenant, name); err != nil {
		return nil, err
	}
	rows, err := s.db.pool.QueryContext(ctx, `SELECT e.id, e.aggregate_kind, e.aggregate_id, e.type, e.actor, e.at, e.version, e.from_state, e.to_state, e.reason, e.payload, p.pos, p.reason
	FROM feed_parked p JOIN events e ON e.tenant_id = p.tenant_id AND e.id = p.event_id
	WHERE p.tenant_id = ? AND p.consumer = ? ORDER BY p.pos LIMIT ?`, s.sc.tenant, name, storage.MaxPageSize)
	if err != nil {
		return nil, fmt.Errorf("sqlite: feed: list parked of %q: %w", name, mapErr(ctx, err))
	}
	defer rows.Close()
	out := []storage.Parked{}
	for rows.Next() {
		var (
			pos    int64
			reason string
		)
		e, err := scanEvent(rows, &pos, &reason)
		if err != nil {
			return nil, fmt.Errorf("sqlite: feed: list parked of %q: %w", name, mapErr(ctx, err))
		}
		out = append(out, storage.Parked{Event: e, Position: storage.EncodePosition(s.sc.tenant, pos), Reason: reason})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: feed: list parked of %q: %w", name, mapErr(ctx, err))
	}
	return out, nil
}

// Unpark removes a parked event, running fn on it in the same Update
// (see storage.Feed).
func (s *Store) Unpark(ctx context.Context, name string, id uuid.UUID, fn func(tx storage.Tx, e crmkit.Event) error) error {
	if err := s.feedCheck(ctx, name); err != nil {
		return err
	}
	if err := storage.ValidateID("event", id); err != nil {
		return err
	}
	return s.Update(ctx, func(tx storage.Tx) error {
		var e crmkit.Event
		err := tx.(*txView).sc.write(ctx, func(q querier) error {
			if _, err := lockConsumer(ctx, q, s.sc.tenant, name); err != nil {
				return err
			}
			rows, err := q.QueryContext(ctx, `SELECT `+eventCols+` FROM events WHERE tenant_id = ? AND id = (
				SELECT event_id FROM feed_parked WHERE tenant_id = ? AND consumer = ? AND event_id = ?)`,
				s.sc.tenant, s.sc.tenant, name, id[:])
			if err != nil {
				return fmt.Errorf("sqlite: feed: unpark: %w", mapErr(ctx, err))
			}
			found := false
			if rows.Next() {
				e, err = scanEvent(rows)
				found = err == nil
			}
			if cerr := rows.Close(); err == nil {
				err = cerr
			}
			if err == nil {
				err = rows.Err()
			}
			if err != nil {
				return fmt.Errorf("sqlite: feed: unpark: %w", mapErr(ctx, err))
			}
			if !found {
				return fmt.Errorf("event %s is not parked by consumer %q: %w", id, name, crmkit.ErrNotFound)
			}
			if _, err := q.ExecContext(ctx, `DELETE FROM feed_parked WHERE tenant_id = ? AND consumer = ? AND event_id = ?`, s.sc.tenant, name, id[:]); err != nil {
				return fmt.Errorf("sqlite: feed: unpark: %w", mapErr(ctx, err))
			}
			return nil
		})
		if err != nil || fn == nil {
			return err
		}
		return storage.Guard(func() error { return fn(tx, e) })
	})
}

// Wait blocks until the feed holds events after consumer's position or
// ctx ends (see storage.Feed). It wakes at the DB's write commits and,
// for other processes' writes, every feedPoll.
func (s *Store) Wait(ctx context.Context, name string) error {
	if err := s.feedCheck(ctx, name); err != nil {
		return err
	}
	poll := time.NewTimer(feedPoll)
	defer poll.Stop()
	for {
		// Take the wake channel before looking, so that a commit after
		// the look is not missed.
		wake := s.db.feedWaiter()
		ok, err := s.ready(ctx, name)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		select {
		case <-wake:
		case <-poll.C:
			poll.Reset(feedPoll)
		case <-ctx.Done():
			return storage.Stopped(ctx.Err())
		}
	}
}
