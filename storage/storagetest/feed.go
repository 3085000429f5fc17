package storagetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// The change feed (storage.Feed), for a store that offers it:
//
//   - Basics: positions count events (hand-counted), batches, an empty
//     feed, Head, Register at a position.
//   - NoGaps: 16 writers whose Updates save two leads each and wait a
//     random time before committing, and 3 subscribed consumers: every
//     consumer sees every committed event exactly once, each aggregate's
//     events in version order, and all consumers the same order.
//   - ExactlyOnce: a handler that counts events in a lead it saves
//     through tx, failing at random after writing: the count equals the
//     events handled, each handled once.
//   - Resume: a handler stopped mid-batch (its context cancelled, or
//     Subscribe cancelled) leaves the position where it was; the next
//     run gets the whole batch, nothing lost.
//   - Parking: a poison event is parked with the error text after the
//     configured attempts and the consumer goes on; Unpark retries it
//     exactly once, or leaves it parked when the retry fails or panics.
//   - BadInput: unknown consumers, malformed names, batch sizes,
//     positions of another tenant, malformed or beyond the end, nil
//     functions and contexts, panicking handlers: the documented
//     sentinel, and the position and parked list unchanged.
//   - Wait: wakes on a commit and ends with its context.
//   - Model: a rapid model test of writes, succeeding, failing and
//     panicking Consumes and Parks against a plain model.

// feedOf returns s's feed or skips the test.
func feedOf(t *testing.T, s storage.Store) storage.Feed {
	t.Helper()
	f, ok := s.(storage.Feed)
	if !ok {
		t.Skip("the store does not implement storage.Feed")
	}
	return f
}

func testFeed(t *testing.T, o Opener) {
	feedOf(t, openBare(t, o, "feed-probe"))
	checks := []struct {
		name string
		fn   func(t *testing.T, o Opener)
	}{
		{"Basics", feedBasics},
		{"NoGaps", feedNoGaps},
		{"ExactlyOnce", feedExactlyOnce},
		{"Resume", feedResume},
		{"Parking", feedParking},
		{"BadInput", feedBadInput},
		{"TenantIsolation", feedTenants},
		{"Wait", feedWait},
		{"Model", feedModel},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) { c.fn(t, o) })
	}
}

// posOf decodes p of tenant or fails the test.
func posOf(t testing.TB, tenant string, p storage.Position) int64 {
	t.Helper()
	n, err := storage.DecodePosition(tenant, p)
	require.NoError(t, err)
	return n
}

// consumerPos returns consumer's position as an event count.
func consumerPos(t testing.TB, s storage.Store, f storage.Feed, consumer string) int64 {
	t.Helper()
	p, err := f.Position(context.Background(), consumer)
	require.NoError(t, err)
	return posOf(t, s.Tenant(), p)
}

// headOf returns the feed's head as an event count.
func headOf(t testing.TB, s storage.Store, f storage.Feed) int64 {
	t.Helper()
	p, err := f.Head(context.Background())
	require.NoError(t, err)
	return posOf(t, s.Tenant(), p)
}

// createLeads creates n leads one after another, returning their
// creation events in commit order.
func createLeads(t testing.TB, s storage.Store, n int) []crmkit.Event {
	t.Helper()
	out := make([]crmkit.Event, n)
	for i := range out {
		l, ev := newLead(fmt.Sprintf("Lead %d", i), "ana", lead.StageSuspect, lead.ChannelEmail)
		_, err := s.Leads().Create(context.Background(), l, "", ev)
		require.NoError(t, err)
		out[i] = ev
	}
	return out
}

// consume runs one Consume that records the batch, failing the test on
// an error.
func consume(t testing.TB, f storage.Feed, consumer string, n int) []crmkit.Event {
	t.Helper()
	var got []crmkit.Event
	k, err := f.Consume(context.Background(), consumer, n, func(_ storage.Tx, events []crmkit.Event) error {
		got = slices.Clone(events)
		return nil
	})
	require.NoError(t, err)
	require.Len(t, got, k)
	return got
}

func feedBasics(t *testing.T, o Opener) {
	ctx := context.Background()
	s := openBare(t, o, "feed-basics")
	f := feedOf(t, s)
	require.NoError(t, f.Register(ctx, "a", ""))
	assert.Zero(t, headOf(t, s, f), "an empty feed")
	assert.Empty(t, consume(t, f, "a", 0), "nothing to consume")

	// Five creates one after another: positions 1..5 in that order.
	evs := createLeads(t, s, 5)
	assert.Equal(t, int64(5), headOf(t, s, f))
	assert.Equal(t, eventIDs(evs[:2]), eventIDs(consume(t, f, "a", 2)))
	assert.Equal(t, int64(2), consumerPos(t, s, f, "a"))
	assert.Equal(t, eventIDs(evs[2:]), eventIDs(consume(t, f, "a", 10)))
	assert.Equal(t, int64(5), consumerPos(t, s, f, "a"))
	assert.Empty(t, consume(t, f, "a", 10))

	// Delivered events are the stored ones, with their content.
	got := consume(t, f, "a", 1)
	assert.Empty(t, got)
	evs2 := createLeads(t, s, 1)
	got = consume(t, f, "a", 1)
	require.Len(t, got, 1)
	same(t, storage.Canonical(evs2[0]), got[0])

	// A consumer registered at another's position starts there; one at
	// the head sees only what comes next.
	p, err := f.Position(ctx, "a")
	require.NoError(t, err)
	require.NoError(t, f.Register(ctx, "b", storage.EncodePosition(s.Tenant(), 3)))
	assert.Equal(t, eventIDs(append(evs[3:], evs2...)), eventIDs(consume(t, f, "b", 0)))
	require.NoError(t, f.Register(ctx, "c", p))
	assert.Empty(t, consume(t, f, "c", 0))
	evs3 := createLeads(t, s, 1)
	assert.Equal(t, eventIDs(evs3), eventIDs(consume(t, f, "c", 0)))

	// Every event of one Update lands at once, in its order.
	l1, e1 := newLead("One", "ana", lead.StageSuspect, lead.ChannelEmail)
	l2, e2 := newLead("Two", "ana", lead.StageSuspect, lead.ChannelEmail)
	require.NoError(t, s.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.Leads().Create(ctx, l1, "", e1); err != nil {
			return err
		}
		_, err := tx.Leads().Create(ctx, l2, "", e2)
		return err
	}))
	assert.Equal(t, []uuid.UUID{e1.ID, e2.ID}, eventIDs(consume(t, f, "c", 0)))
}

// feedWriters and the rest size the no-gaps test.
const (
	feedWriters   = 16
	feedUpdates   = 12
	feedLeads     = 6
	feedConsumers = 3
)

func feedNoGaps(t *testing.T, o Opener) {
	ctx := context.Background()
	s := openBare(t, o, "feed-gaps")
	f := feedOf(t, s)
	for c := range feedConsumers {
		require.NoError(t, f.Register(ctx, fmt.Sprintf("c%d", c), ""))
	}
	leads := make([]uuid.UUID, feedLeads)
	for i := range leads {
		l, ev := newLead(fmt.Sprintf("Shared %d", i), "ana", lead.StageSuspect, lead.ChannelEmail)
		_, err := s.Leads().Create(ctx, l, "", ev)
		require.NoError(t, err)
		leads[i] = l.ID
	}

	// Consumers: Subscribe with random batch sizes, recording what they
	// handle (an external effect: it happens once per commit here, since
	// nothing fails and each consumer runs once).
	subCtx, stop := context.WithCancel(ctx)
	defer stop()
	seen := make([][]crmkit.Event, feedConsumers)
	var subs sync.WaitGroup
	subErrs := make([]error, feedConsumers)
	for c := range feedConsumers {
		subs.Add(1)
		go func() {
			defer subs.Done()
			rng := rand.New(rand.NewPCG(20, uint64(c)))
			subErrs[c] = storage.Subscribe(subCtx, f, storage.Subscription{
				Consumer: fmt.Sprintf("c%d", c), Batch: 1 + rng.IntN(40),
				Handler: func(_ storage.Tx, events []crmkit.Event) error {
					seen[c] = append(seen[c], events...)
					return nil
				},
			})
		}()
	}

	// Writers: each Update saves two leads, then waits a random time
	// before it commits, so commits overlap and finish out of order.
	var wg sync.WaitGroup
	var failed sync.Map
	for w := range feedWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(16, uint64(w)))
			policy := storage.Policy{MaxAttempts: 500, BaseDelay: 50 * time.Microsecond, MaxDelay: 3 * time.Millisecond, Rand: rand.New(rand.NewPCG(17, uint64(w)))}
			for range feedUpdates {
				a, b := rng.IntN(feedLeads), rng.IntN(feedLeads-1)
				if b >= a {
					b++
				}
				// Saved in ID order, so that two Updates never wait on
				// each other's leads in a cycle (PostgreSQL would end
				// one after deadlock_timeout, a second).
				a, b = min(a, b), max(a, b)
				delay := time.Duration(rng.IntN(3000)) * time.Microsecond
				err := storage.Retry(ctx, policy, func(ctx context.Context) error {
					return s.Update(ctx, func(tx storage.Tx) error {
						for _, id := range []uuid.UUID{leads[a], leads[b]} {
							l, err := tx.Leads().Get(ctx, id)
							if err != nil {
								return err
							}
							next, ev := changed(l, fmt.Sprintf("w%d", w), l.Stage)
							if err := tx.Leads().Save(ctx, next, l.Version, ev); err != nil {
								return err
							}
						}
						time.Sleep(delay)
						return nil
					})
				})
				if err != nil {
					failed.Store(w, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	failed.Range(func(k, v any) bool { t.Errorf("writer %v: %v", k, v); return true })

	// Every committed event, once: the log holds them all.
	all := allEvents(t, ctx, s)
	want := int64(len(all))
	require.Equal(t, int64(feedLeads+feedWriters*feedUpdates*2), want, "events committed: creates plus two per Update")
	require.Equal(t, want, headOf(t, s, f))
	for c := range feedConsumers {
		require.Eventually(t, func() bool { return consumerPos(t, s, f, fmt.Sprintf("c%d", c)) == want },
			60*time.Second, 5*time.Millisecond, "consumer c%d catches up", c)
	}
	stop()
	subs.Wait()
	for c := range feedConsumers {
		assert.ErrorIs(t, subErrs[c], context.Canceled)
		assert.ErrorIs(t, subErrs[c], crmkit.ErrUnavailable)
		got := seen[c]
		require.Len(t, got, len(all), "consumer c%d sees every event once", c)
		assert.ElementsMatch(t, eventIDs(all), eventIDs(got), "consumer c%d: the committed events", c)
		versions := make(map[uuid.UUID]int64)
		for _, e := range got {
			assert.Equal(t, versions[e.AggregateID]+1, e.Version, "consumer c%d: %s's events in version order", c, e.AggregateID)
			versions[e.AggregateID] = e.Version
		}
		assert.Equal(t, eventIDs(seen[0]), eventIDs(got), "consumers c0 and c%d see one order", c)
	}
}

// errFlaky is the error of the exactly-once test's failing handler.
var errFlaky = errors.New("storagetest: flaky handler")

func feedExactlyOnce(t *testing.T, o Opener) {
	ctx := context.Background()
	s := openBare(t, o, "feed-once")
	f := feedOf(t, s)
	// The counter is a lead whose "handled" attribute counts the events
	// the handler handled; its own events are in the feed too and skipped.
	counter, cev := newLead("Counter", "ana", lead.StageSuspect, lead.ChannelEmail)
	counter.Who.Attributes = map[string]string{"handled": "0"}
	_, err := s.Leads().Create(ctx, counter, "", cev)
	require.NoError(t, err)
	require.NoError(t, f.Register(ctx, "count", storage.EncodePosition(s.Tenant(), 1)))
	src := createLeads(t, s, 40)

	rng := rand.New(rand.NewPCG(40, 2))
	handled := make(map[uuid.UUID]int)
	for calls := 0; calls < 1000; calls++ {
		fail := rng.IntN(3) == 0
		var batch []uuid.UUID
		n, err := f.Consume(ctx, "count", 1+rng.IntN(7), func(tx storage.Tx, events []crmkit.Event) error {
			batch = batch[:0]
			for _, e := range events {
				if e.AggregateID != counter.ID {
					batch = append(batch, e.ID)
				}
			}
			if len(batch) > 0 {
				c, err := tx.Leads().Get(ctx, counter.ID)
				if err != nil {
					return err
				}
				next, ev := changed(c, c.Owner, c.Stage)
				var k int
				_, _ = fmt.Sscan(c.Who.Attributes["handled"], &k)
				next.Who.Attributes["handled"] = fmt.Sprint(k + len(batch))
				if err := tx.Leads().Save(ctx, next, c.Version, ev); err != nil {
					return err
				}
			}
			if fail {
				return errFlaky // after writing: the write must not land
			}
			return nil
		})
		if fail && n == 0 && err == nil {
			break // at the head
		}
		if fail {
			require.ErrorIs(t, err, errFlaky)
			continue
		}
		require.NoError(t, err)
		if n == 0 {
			break
		}
		for _, id := range batch {
			handled[id]++
		}
	}
	// Drain what a failing last call left.
	for {
		n, err := f.Consume(ctx, "count", 0, func(tx storage.Tx, events []crmkit.Event) error {
			for _, e := range events {
				require.Equal(t, counter.ID, e.AggregateID, "only the counter's own events are left")
			}
			return nil
		})
		require.NoError(t, err)
		if n == 0 {
			break
		}
	}
	assert.Len(t, handled, len(src), "every source event handled")
	for _, e := range src {
		assert.Equal(t, 1, handled[e.ID], "event %s handled once", e.ID)
	}
	c, err := s.Leads().Get(ctx, counter.ID)
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprint(len(src)), c.Who.Attributes["handled"], "the handler's writes count each event once")
	assert.Equal(t, headOf(t, s, f), consumerPos(t, s, f, "count"))
}

func feedResume(t *testing.T, o Opener) {
	ctx := context.Background()
	s := openBare(t, o, "feed-resume")
	f := feedOf(t, s)
	require.NoError(t, f.Register(ctx, "r", ""))
	evs := createLeads(t, s, 12)

	// Stopped mid-batch: the handler's context ends after it handled
	// three of five events.
	cctx, cancel := context.WithCancel(ctx)
	var partial []uuid.UUID
	_, err := f.Consume(cctx, "r", 5, func(_ storage.Tx, events []crmkit.Event) error {
		for i, e := range events {
			if i == 3 {
				cancel()
				return cctx.Err()
			}
			partial = append(partial, e.ID)
		}
		return nil
	})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, eventIDs(evs[:3]), partial)
	assert.Zero(t, consumerPos(t, s, f, "r"), "the position stays")
	assert.Equal(t, eventIDs(evs[:5]), eventIDs(consume(t, f, "r", 5)), "the whole batch again")

	// Subscribe stopped between and inside batches: the next run goes on
	// where the last commit left, and the committed batches hold every
	// event once.
	var committed []uuid.UUID
	for run := 0; consumerPos(t, s, f, "r") < 12 && run < 100; run++ {
		sctx, scancel := context.WithCancel(ctx)
		handled := 0
		done := make(chan error, 1)
		go func() {
			done <- storage.Subscribe(sctx, f, storage.Subscription{Consumer: "r", Batch: 3, Handler: func(_ storage.Tx, events []crmkit.Event) error {
				handled++
				if handled == 2 {
					scancel() // stop inside the second batch: it must not count
					return sctx.Err()
				}
				committed = append(committed, eventIDs(events)...)
				return nil
			}})
		}()
		// The last run handles one batch and waits at the head: stop it
		// from outside.
		var err error
		guard := time.After(60 * time.Second) // a liveness guard, not a timing assertion
	wait:
		for {
			select {
			case err = <-done:
				break wait
			case <-guard:
				scancel()
				t.Errorf("run %d: Subscribe did not reach the head (position %d)", run, consumerPos(t, s, f, "r"))
			case <-time.After(5 * time.Millisecond):
				if consumerPos(t, s, f, "r") == 12 {
					scancel()
				}
			}
		}
		scancel()
		require.ErrorIs(t, err, context.Canceled)
	}
	assert.Equal(t, eventIDs(evs[5:]), committed, "every event after the first batch, once, in order")
	assert.Empty(t, mustParked(t, f, "r"), "a stopped subscriber parks nothing")
}

func mustParked(t testing.TB, f storage.Feed, consumer string) []storage.Parked {
	t.Helper()
	p, err := f.Parked(context.Background(), consumer)
	require.NoError(t, err)
	return p
}

func feedParking(t *testing.T, o Opener) {
	ctx := context.Background()
	s := openBare(t, o, "feed-park")
	f := feedOf(t, s)
	require.NoError(t, f.Register(ctx, "p", ""))
	evs := createLeads(t, s, 7)
	poison := evs[3].ID
	errPoison := errors.New("cannot index this lead")

	sctx, stop := context.WithCancel(ctx)
	defer stop()
	var handled []uuid.UUID
	calls := make(map[uuid.UUID]int)
	done := make(chan error, 1)
	go func() {
		done <- storage.Subscribe(sctx, f, storage.Subscription{Consumer: "p", Batch: 5, Attempts: 2, Handler: func(_ storage.Tx, events []crmkit.Event) error {
			for _, e := range events {
				calls[e.ID]++
				if e.ID == poison {
					return errPoison
				}
			}
			handled = append(handled, eventIDs(events)...)
			return nil
		}})
	}()
	require.Eventually(t, func() bool { return consumerPos(t, s, f, "p") == 7 }, 30*time.Second, 5*time.Millisecond)
	stop()
	require.ErrorIs(t, <-done, context.Canceled)

	want := slices.Concat(eventIDs(evs[:3]), eventIDs(evs[4:]))
	assert.Equal(t, want, handled, "every other event once, in order")
	// Batch [0..4] fails once whole, then one at a time: 0, 1, 2 pass,
	// 3 fails twice (Attempts) and is parked: three calls in all.
	assert.Equal(t, 3, calls[poison])
	parked := mustParked(t, f, "p")
	require.Len(t, parked, 1)
	assert.Equal(t, poison, parked[0].Event.ID)
	assert.Equal(t, int64(4), posOf(t, s.Tenant(), parked[0].Position))
	assert.Equal(t, errPoison.Error(), parked[0].Reason)

	// A failing or panicking retry leaves it parked; a good one handles
	// it once and clears it; a second Unpark finds nothing.
	err := f.Unpark(ctx, "p", poison, func(storage.Tx, crmkit.Event) error { return errPoison })
	assert.ErrorIs(t, err, errPoison)
	err = f.Unpark(ctx, "p", poison, func(storage.Tx, crmkit.Event) error { panic("handler bug") })
	var pe *storage.PanicError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "handler bug", pe.Value)
	assert.Len(t, mustParked(t, f, "p"), 1)
	var retried []uuid.UUID
	require.NoError(t, f.Unpark(ctx, "p", poison, func(_ storage.Tx, e crmkit.Event) error {
		retried = append(retried, e.ID)
		return nil
	}))
	assert.Equal(t, []uuid.UUID{poison}, retried)
	assert.Empty(t, mustParked(t, f, "p"))
	assert.ErrorIs(t, f.Unpark(ctx, "p", poison, nil), crmkit.ErrNotFound)

	// Park by hand, and clear without a retry.
	more := createLeads(t, s, 1)
	got, err := f.Park(ctx, "p", "bad\x00 text")
	require.NoError(t, err)
	assert.Equal(t, more[0].ID, got.Event.ID)
	assert.Equal(t, "bad  text", got.Reason, "a NUL byte is not kept")
	assert.Equal(t, int64(8), consumerPos(t, s, f, "p"))
	_, err = f.Park(ctx, "p", "nothing")
	assert.ErrorIs(t, err, crmkit.ErrNotFound, "nothing left to park")
	require.NoError(t, f.Unpark(ctx, "p", more[0].ID, nil))
	assert.Empty(t, mustParked(t, f, "p"))
	long, err := f.Park(ctx, "p", strings.Repeat("é", storage.MaxTextLen))
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	assert.Empty(t, long.Reason)
}

func feedBadInput(t *testing.T, o Opener) {
	ctx := context.Background()
	s := openBare(t, o, "feed-bad")
	f := feedOf(t, s)
	require.NoError(t, f.Register(ctx, "ok", ""))
	l, lev := newLead("Victim", "ana", lead.StageSuspect, lead.ChannelEmail)
	_, err := s.Leads().Create(ctx, l, "", lev)
	require.NoError(t, err)
	createLeads(t, s, 3)
	_, err = f.Park(ctx, "ok", "parked before")
	require.NoError(t, err)
	before := consumerPos(t, s, f, "ok")
	parkedBefore := mustParked(t, f, "ok")
	other := openBare(t, o, "feed-bad-other")
	otherPos := storage.EncodePosition(other.Tenant(), 1)
	nop := func(storage.Tx, []crmkit.Event) error { return nil }
	var nilCtx context.Context // the input under test

	for _, name := range []string{"", "  ", strings.Repeat("x", storage.MaxKeyLen+1), "a\x00b", "\xff"} {
		assert.ErrorIs(t, f.Register(ctx, name, ""), crmkit.ErrInvalid, "register %q", name)
		_, err := f.Consume(ctx, name, 1, nop)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "consume %q", name)
		_, err = f.Position(ctx, name)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "position %q", name)
	}
	for name, call := range map[string]func() error{
		"consume unknown":   func() error { _, err := f.Consume(ctx, "nobody", 1, nop); return err },
		"position unknown":  func() error { _, err := f.Position(ctx, "nobody"); return err },
		"park unknown":      func() error { _, err := f.Park(ctx, "nobody", "x"); return err },
		"parked unknown":    func() error { _, err := f.Parked(ctx, "nobody"); return err },
		"unpark unknown":    func() error { return f.Unpark(ctx, "nobody", l.ID, nil) },
		"wait unknown":      func() error { return f.Wait(ctx, "nobody") },
		"unpark not parked": func() error { return f.Unpark(ctx, "ok", l.ID, nil) },
	} {
		assert.ErrorIs(t, call(), crmkit.ErrNotFound, name)
	}
	for name, call := range map[string]func() error{
		"batch -1":             func() error { _, err := f.Consume(ctx, "ok", -1, nop); return err },
		"batch too large":      func() error { _, err := f.Consume(ctx, "ok", storage.MaxPageSize+1, nop); return err },
		"nil handler":          func() error { _, err := f.Consume(ctx, "ok", 1, nil); return err },
		"nil ctx consume":      func() error { _, err := f.Consume(nilCtx, "ok", 1, nop); return err },
		"nil ctx position":     func() error { _, err := f.Position(nilCtx, "ok"); return err },
		"nil ctx head":         func() error { _, err := f.Head(nilCtx); return err },
		"nil ctx park":         func() error { _, err := f.Park(nilCtx, "ok", "x"); return err },
		"nil ctx parked":       func() error { _, err := f.Parked(nilCtx, "ok"); return err },
		"nil ctx unpark":       func() error { return f.Unpark(nilCtx, "ok", l.ID, nil) },
		"nil ctx wait":         func() error { return f.Wait(nilCtx, "ok") },
		"nil ctx register":     func() error { return f.Register(nilCtx, "new", "") },
		"nil event id":         func() error { return f.Unpark(ctx, "ok", uuid.Nil, nil) },
		"other tenant's":       func() error { return f.Register(ctx, "new", otherPos) },
		"beyond the end":       func() error { return f.Register(ctx, "new", storage.EncodePosition(s.Tenant(), 5)) },
		"malformed position":   func() error { return f.Register(ctx, "new", "not-a-position") },
		"nil subscribe feed":   func() error { return storage.Subscribe(ctx, nil, storage.Subscription{Consumer: "ok", Handler: nop}) },
		"nil subscribe handle": func() error { return storage.Subscribe(ctx, f, storage.Subscription{Consumer: "ok"}) },
		"subscribe batch": func() error {
			return storage.Subscribe(ctx, f, storage.Subscription{Consumer: "ok", Batch: -1, Handler: nop})
		},
	} {
		assert.ErrorIs(t, call(), crmkit.ErrInvalid, name)
	}
	assert.ErrorIs(t, f.Register(ctx, "ok", ""), crmkit.ErrConflict, "registered twice")
	_, err = f.Position(ctx, "new")
	assert.ErrorIs(t, err, crmkit.ErrNotFound, "no bad Register registered anything")

	// A handler that panics after writing: a typed error, nothing kept.
	next, nev := changed(l, "bo", l.Stage)
	_, err = f.Consume(ctx, "ok", 2, func(tx storage.Tx, _ []crmkit.Event) error {
		if err := tx.Leads().Save(ctx, next, l.Version, nev); err != nil {
			return err
		}
		panic("handler bug")
	})
	var pe *storage.PanicError
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Equal(t, "handler bug", pe.Value)
	got, err := s.Leads().Get(ctx, l.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.Version, "the panicking handler's write is not kept")

	// A cancelled context.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = f.Consume(cctx, "ok", 1, nop)
	assert.ErrorIs(t, err, crmkit.ErrUnavailable)
	assert.ErrorIs(t, f.Wait(cctx, "ok"), context.Canceled)

	assert.Equal(t, before, consumerPos(t, s, f, "ok"), "the position is unchanged")
	same(t, parkedBefore, mustParked(t, f, "ok"), "the parked list is unchanged")
}

func feedTenants(t *testing.T, o Opener) {
	ctx := context.Background()
	a, b := openBare(t, o, "feed-a"), openBare(t, o, "feed-b")
	fa, fb := feedOf(t, a), feedOf(t, b)
	require.NoError(t, fa.Register(ctx, "x", ""))
	require.NoError(t, fb.Register(ctx, "x", ""))
	evs := createLeads(t, a, 2)
	assert.Empty(t, consume(t, fb, "x", 0), "b's feed holds none of a's events")
	assert.Zero(t, headOf(t, b, fb))
	assert.Equal(t, eventIDs(evs), eventIDs(consume(t, fa, "x", 0)))
	pa, err := fa.Position(ctx, "x")
	require.NoError(t, err)
	assert.ErrorIs(t, fb.Register(ctx, "y", pa), crmkit.ErrInvalid, "a's position in b's feed")
	_, err = fb.Park(ctx, "x", "none")
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
}

func feedWait(t *testing.T, o Opener) {
	ctx := context.Background()
	s := openBare(t, o, "feed-wait")
	f := feedOf(t, s)
	require.NoError(t, f.Register(ctx, "w", ""))
	woke := make(chan error, 1)
	go func() { woke <- f.Wait(ctx, "w") }()
	createLeads(t, s, 1)
	select {
	case err := <-woke:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("Wait did not return after a commit")
	}
	require.NoError(t, f.Wait(ctx, "w"), "events are waiting: no blocking")
	consume(t, f, "w", 0)
	wctx, cancel := context.WithCancel(ctx)
	ended := make(chan error, 1)
	go func() { ended <- f.Wait(wctx, "w") }()
	cancel()
	err := <-ended
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, crmkit.ErrUnavailable)
}

// feedModel is a rapid model test: random sequences of Updates writing
// events, Consumes that succeed, fail or panic, and Parks, checked after
// every step against a model (the log in commit order, the position,
// the parked list): the handled and parked events together are always
// the log's prefix up to the position, each once.
func feedModel(t *testing.T, o Opener) {
	ctx := context.Background()
	run := 0
	rapid.Check(t, func(rt *rapid.T) {
		run++
		s, err := o(fmt.Sprintf("feed-model-%d", run))
		require.NoError(rt, err)
		f := s.(storage.Feed)
		require.NoError(rt, f.Register(ctx, "m", ""))
		var (
			log, handled, parked []uuid.UUID
			pos                  int
		)
		for range rapid.IntRange(1, 20).Draw(rt, "steps") {
			switch op := rapid.IntRange(0, 4).Draw(rt, "op"); op {
			case 0: // an Update writing 1 to 3 leads
				k := rapid.IntRange(1, 3).Draw(rt, "leads")
				var evs []crmkit.Event
				require.NoError(rt, s.Update(ctx, func(tx storage.Tx) error {
					for range k {
						l, ev := newLead("Model", "ana", lead.StageSuspect, lead.ChannelEmail)
						if _, err := tx.Leads().Create(ctx, l, "", ev); err != nil {
							return err
						}
						evs = append(evs, ev)
					}
					return nil
				}))
				log = append(log, eventIDs(evs)...)
			case 1, 2, 3: // a Consume that succeeds, fails or panics
				b := rapid.IntRange(1, 5).Draw(rt, "batch")
				var got []uuid.UUID
				n, err := f.Consume(ctx, "m", b, func(_ storage.Tx, events []crmkit.Event) error {
					got = eventIDs(events)
					switch op {
					case 2:
						return errBoom
					case 3:
						panic("model handler")
					}
					return nil
				})
				want := log[pos:min(pos+b, len(log))]
				switch {
				case len(want) == 0:
					require.NoError(rt, err)
					require.Zero(rt, n)
				case op == 1:
					require.NoError(rt, err)
					require.Equal(rt, want, got)
					handled = append(handled, got...)
					pos += n
				case op == 2:
					require.ErrorIs(rt, err, errBoom)
				default:
					var pe *storage.PanicError
					require.ErrorAs(rt, err, &pe)
				}
			case 4: // Park
				p, err := f.Park(ctx, "m", "model")
				if pos == len(log) {
					require.ErrorIs(rt, err, crmkit.ErrNotFound)
					break
				}
				require.NoError(rt, err)
				require.Equal(rt, log[pos], p.Event.ID)
				parked = append(parked, log[pos])
				pos++
			}
			p, err := f.Position(ctx, "m")
			require.NoError(rt, err)
			n, err := storage.DecodePosition(s.Tenant(), p)
			require.NoError(rt, err)
			require.Equal(rt, int64(pos), n, "position")
			ps, err := f.Parked(ctx, "m")
			require.NoError(rt, err)
			var gotParked []uuid.UUID
			for _, p := range ps {
				gotParked = append(gotParked, p.Event.ID)
			}
			require.Equal(rt, parked, gotParked, "parked list")
		}
		require.ElementsMatch(rt, log[:pos], slices.Concat(handled, parked), "handled and parked: the prefix, each once")
	})
}
