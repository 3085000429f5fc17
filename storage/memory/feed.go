package memory

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// The change feed (storage.Feed). A tenant's events sit in one slice in
// commit order (a commit appends its events under the tenant's write
// lock), so the feed order is that slice's order and a position is an
// index into it: an event is in the slice only once its transaction has
// committed, after every event committed before, so a consumer can never
// pass an event that is still to commit. Each commit that appends events
// closes the tenant's wake channel, which is how Wait learns of them.

var _ storage.Feed = (*Store)(nil)

// consumer is one named consumer of a tenant's feed. pos and parked are
// guarded by the tenant's lock; run makes the consumer's Consume, Park
// and Unpark calls take turns.
type consumer struct {
	run    sync.Mutex
	pos    int64
	parked []parkedEntry
}

// parkedEntry is a parked event: its position (1-based) and reason.
type parkedEntry struct {
	pos    int64
	reason string
}

// feedWrite is what an Update of the feed changes besides fn's writes,
// checked and applied at commit.
type feedWrite struct {
	consumer   string
	base, next int64 // move the position from base to next (if next > 0)
	unpark     int64 // remove the parked event at this position (if > 0)
}

func (w *feedWrite) check(st *state) error {
	c := st.consumers[w.consumer]
	if c == nil {
		return storage.UnknownConsumer(w.consumer)
	}
	if w.next > 0 && c.pos != w.base {
		return fmt.Errorf("commit: consumer %q moved from position %d to %d meanwhile: %w", w.consumer, w.base, c.pos, crmkit.ErrConflict)
	}
	if w.unpark > 0 && !slices.ContainsFunc(c.parked, func(p parkedEntry) bool { return p.pos == w.unpark }) {
		return fmt.Errorf("commit: parked event at %d of consumer %q was unparked meanwhile: %w", w.unpark, w.consumer, crmkit.ErrConflict)
	}
	return nil
}

func (w *feedWrite) apply(st *state) {
	c := st.consumers[w.consumer]
	if w.next > 0 {
		c.pos = w.next
	}
	if w.unpark > 0 {
		c.parked = slices.DeleteFunc(c.parked, func(p parkedEntry) bool { return p.pos == w.unpark })
	}
}

// feedCheck runs the checks every feed call starts with.
func (s *Store) feedCheck(ctx context.Context, name string) error {
	if s.state() == nil {
		return errZeroStore()
	}
	if err := storage.CheckContext(ctx); err != nil {
		return err
	}
	return storage.ValidateConsumer(name)
}

// consumer returns the registered consumer name.
func (st *state) consumer(name string) (*consumer, error) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	c := st.consumers[name]
	if c == nil {
		return nil, storage.UnknownConsumer(name)
	}
	return c, nil
}

// Register adds consumer at position from (see storage.Feed).
func (s *Store) Register(ctx context.Context, name string, from storage.Position) error {
	if err := s.feedCheck(ctx, name); err != nil {
		return err
	}
	n, err := storage.DecodePosition(s.tenant, from)
	if err != nil {
		return err
	}
	st := s.st
	st.mu.Lock()
	defer st.mu.Unlock()
	if head := int64(len(st.events.all)); n > head {
		return storage.BeyondEnd(n, head)
	}
	if st.consumers[name] != nil {
		return fmt.Errorf("consumer %q is registered already: %w", name, crmkit.ErrConflict)
	}
	st.consumers[name] = &consumer{pos: n}
	return nil
}

// Position returns consumer's position (see storage.Feed).
func (s *Store) Position(ctx context.Context, name string) (storage.Position, error) {
	if err := s.feedCheck(ctx, name); err != nil {
		return "", err
	}
	c, err := s.st.consumer(name)
	if err != nil {
		return "", err
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	return storage.EncodePosition(s.tenant, c.pos), nil
}

// Head returns the position of the feed's last event (see storage.Feed).
func (s *Store) Head(ctx context.Context) (storage.Position, error) {
	if s.state() == nil {
		return "", errZeroStore()
	}
	if err := storage.CheckContext(ctx); err != nil {
		return "", err
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	return storage.EncodePosition(s.tenant, int64(len(s.st.events.all))), nil
}

// Consume runs fn on the next events of consumer in one Update that also
// moves its position (see storage.Feed).
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
	c, err := s.st.consumer(name)
	if err != nil {
		return 0, err
	}
	c.run.Lock()
	defer c.run.Unlock()
	s.st.mu.RLock()
	pos := c.pos
	all := s.st.events.all
	events := cloneEvents(all[pos:min(pos+int64(max), int64(len(all)))])
	s.st.mu.RUnlock()
	if len(events) == 0 {
		return 0, nil
	}
	err = s.run(ctx, func(tx *txn) error {
		tx.feed = &feedWrite{consumer: name, base: pos, next: pos + int64(len(events))}
		return storage.Guard(func() error { return fn(tx, events) })
	})
	if err != nil {
		return 0, err
	}
	return len(events), nil
}

// Park parks consumer's next event (see storage.Feed).
func (s *Store) Park(ctx context.Context, name string, reason string) (storage.Parked, error) {
	if err := s.feedCheck(ctx, name); err != nil {
		return storage.Parked{}, err
	}
	c, err := s.st.consumer(name)
	if err != nil {
		return storage.Parked{}, err
	}
	c.run.Lock()
	defer c.run.Unlock()
	st := s.st
	st.mu.Lock()
	defer st.mu.Unlock()
	if c.pos >= int64(len(st.events.all)) {
		return storage.Parked{}, fmt.Errorf("consumer %q has no event to park after position %d: %w", name, c.pos, crmkit.ErrNotFound)
	}
	c.pos++
	p := parkedEntry{pos: c.pos, reason: storage.ParkReason(reason)}
	c.parked = append(c.parked, p)
	return s.parked(p), nil
}

// parked returns p as a storage.Parked. The tenant's lock is held.
func (s *Store) parked(p parkedEntry) storage.Parked {
	return storage.Parked{
		Event:    cloneEvents(s.st.events.all[p.pos-1 : p.pos])[0],
		Position: storage.EncodePosition(s.tenant, p.pos),
		Reason:   p.reason,
	}
}

// Parked lists consumer's parked events (see storage.Feed).
func (s *Store) Parked(ctx context.Context, name string) ([]storage.Parked, error) {
	if err := s.feedCheck(ctx, name); err != nil {
		return nil, err
	}
	c, err := s.st.consumer(name)
	if err != nil {
		return nil, err
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	out := make([]storage.Parked, 0, min(len(c.parked), storage.MaxPageSize))
	for _, p := range c.parked[:min(len(c.parked), storage.MaxPageSize)] {
		out = append(out, s.parked(p))
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
	c, err := s.st.consumer(name)
	if err != nil {
		return err
	}
	c.run.Lock()
	defer c.run.Unlock()
	var found *storage.Parked
	var at int64
	s.st.mu.RLock()
	for _, p := range c.parked {
		if s.st.events.all[p.pos-1].ID == id {
			v := s.parked(p)
			found, at = &v, p.pos
			break
		}
	}
	s.st.mu.RUnlock()
	if found == nil {
		return fmt.Errorf("event %s is not parked by consumer %q: %w", id, name, crmkit.ErrNotFound)
	}
	return s.run(ctx, func(tx *txn) error {
		tx.feed = &feedWrite{consumer: name, unpark: at}
		if fn == nil {
			return nil
		}
		return storage.Guard(func() error { return fn(tx, found.Event) })
	})
}

// Wait blocks until the feed holds events after consumer's position or
// ctx ends (see storage.Feed).
func (s *Store) Wait(ctx context.Context, name string) error {
	if err := s.feedCheck(ctx, name); err != nil {
		return err
	}
	c, err := s.st.consumer(name)
	if err != nil {
		return err
	}
	for {
		s.st.mu.RLock()
		ready := c.pos < int64(len(s.st.events.all))
		wake := s.st.events.wake
		s.st.mu.RUnlock()
		if ready {
			return nil
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return storage.Stopped(ctx.Err())
		}
	}
}
