package storagetest

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The size of the concurrency test: writers goroutines, each running
// commands commands on numDeals shared deals.
const (
	writers  = 8
	commands = 6
	numDeals = 3
)

// move is one command of the concurrency test: it reads the deal, moves
// it between bidding and negotiation and saves it with the version it
// read. Even writers do it in one Update, odd ones with a plain Get and
// Save; both must lose nothing.
func move(ctx context.Context, s storage.Store, p *deal.Pipeline, id uuid.UUID, inUpdate bool) error {
	step := func(r storage.Tx) error {
		d, err := r.Deals().Get(ctx, id)
		if err != nil {
			return err
		}
		to := "negotiation"
		if p.StageName(d.Stage) == "negotiation" {
			to = "bidding"
		}
		next, ev, err := p.Move(d, to, deal.Cmd{Cmd: crmkit.Cmd{By: "rep", At: base.Add(time.Hour)}})
		if err != nil {
			return err
		}
		return r.Deals().Save(ctx, next, d.Version, ev)
	}
	if inUpdate {
		return s.Update(ctx, step)
	}
	return step(s)
}

func testConcurrentMoves(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	dealIDs := make([]uuid.UUID, numDeals)
	for i := range dealIDs {
		d, ev := newDeal(t, dealSpec{name: "Shared", owner: "ana", stage: "bidding", close: base.AddDate(0, 2, 0)})
		_, err := s.Deals().Create(ctx, d, "", ev)
		require.NoError(t, err)
		dealIDs[i] = d.ID
	}

	p := deal.DefaultPipeline()
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		succeeded = make(map[uuid.UUID]int64)
		failures  []error
	)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			policy := storage.Policy{
				MaxAttempts: 200, BaseDelay: 50 * time.Microsecond, MaxDelay: 2 * time.Millisecond,
				Rand: rand.New(rand.NewPCG(6, uint64(w))),
			}
			for c := range commands {
				id := dealIDs[(w+c)%numDeals]
				err := storage.Retry(ctx, policy, func(ctx context.Context) error {
					return move(ctx, s, p, id, w%2 == 0)
				})
				mu.Lock()
				if err == nil {
					succeeded[id]++
				} else {
					failures = append(failures, err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, err := range failures {
		// Giving up after 200 attempts is allowed, not losing an update.
		assert.True(t, storage.IsRetryable(err), "a command failed for another reason: %v", err)
	}
	var total int64
	for _, id := range dealIDs {
		d, err := s.Deals().Get(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, 1+succeeded[id], d.Version, "deal %s: version = 1 + successful moves", id)
		events := collect(t, s.Events().ByAggregate(ctx, id))
		require.Len(t, events, int(1+succeeded[id]), "deal %s: one event per successful move", id)
		for i, e := range events {
			assert.Equal(t, int64(i+1), e.Version, "deal %s: event versions have no gap or repeat", id)
		}
		// Each move toggles the stage: an even number of moves ends in
		// bidding (index 1), an odd one in negotiation (index 2).
		assert.Equal(t, 1+int(succeeded[id]%2), d.Stage)
		total += succeeded[id]
	}
	assert.Equal(t, int64(writers*commands-len(failures)), total)
	assert.Positive(t, total)
	verified(t, ctx, s)
}

func testPaginationConcurrent(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	const existing = 60
	before := make(map[uuid.UUID]bool, existing)
	var stored []lead.Lead
	for i := range existing {
		l, ev := newLead("Before", "ana", lead.StageSuspect, lead.ChannelEmail)
		if i%2 == 0 {
			l.ID = uuid.New() // random IDs spread the rows over the key space
			ev.AggregateID = l.ID
		}
		_, err := s.Leads().Create(ctx, l, "", ev)
		require.NoError(t, err)
		before[l.ID] = true
		stored = append(stored, l)
	}

	// A writer creates leads (random IDs land before and after the walk's
	// position) and saves existing ones while the walk runs.
	done := make(chan struct{})
	var wg sync.WaitGroup
	var writeErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			if i >= 400 {
				return
			}
			if i%2 == 0 {
				l, ev := newLead("During", "ana", lead.StageSuspect, lead.ChannelEmail)
				if i%4 == 0 {
					l.ID = uuid.New()
					ev.AggregateID = l.ID
				}
				if _, err := s.Leads().Create(ctx, l, "", ev); err != nil {
					writeErr = err
					return
				}
				continue
			}
			k := (i / 2) % existing
			cur := stored[k]
			next, ev := changed(cur, "ana", lead.StageMQL)
			if err := s.Leads().Save(ctx, next, cur.Version, ev); err != nil {
				writeErr = err
				return
			}
			stored[k] = next
		}
	}()

	seen := make(map[uuid.UUID]int)
	var order []uuid.UUID
	var after storage.Cursor
	for {
		page, next, err := s.Leads().List(ctx, storage.LeadFilter{}, storage.Page{Size: 7, After: after})
		require.NoError(t, err)
		for _, l := range page {
			seen[l.ID]++
			order = append(order, l.ID)
		}
		if next == "" {
			break
		}
		after = next
		time.Sleep(100 * time.Microsecond) // let the writer in between pages
	}
	close(done)
	wg.Wait()
	require.NoError(t, writeErr)

	for id := range before {
		assert.Equal(t, 1, seen[id], "lead %s existed before the walk", id)
	}
	for id, n := range seen {
		assert.Equal(t, 1, n, "lead %s yielded %d times", id, n)
	}
	for i := 1; i < len(order); i++ {
		assert.Negative(t, compareID(order[i-1], order[i]), "the walk is in ID order")
	}
}

// race runs outside in a goroutine from inside an Update's function, after
// the function's write, and waits for it at most a moment: a backend that
// locks the written row makes outside wait for the commit, one that
// checks at commit lets it finish first. Either way exactly one of the two
// writers may win.
func race(t *testing.T, s storage.Store, write func(tx storage.Tx) error, outside func() error) (updateErr, outsideErr error) {
	t.Helper()
	ctx := context.Background()
	done := make(chan error, 1)
	updateErr = s.Update(ctx, func(tx storage.Tx) error {
		if err := write(tx); err != nil {
			return err
		}
		go func() { done <- outside() }()
		select {
		case err := <-done:
			done <- err
		case <-time.After(200 * time.Millisecond):
		}
		return nil
	})
	outsideErr = <-done
	return updateErr, outsideErr
}

func testCommitConflicts(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	l, ev := newLead("Ada", "ana", lead.StageSuspect, lead.ChannelEmail)
	_, err := s.Leads().Create(ctx, l, "", ev)
	require.NoError(t, err)

	// Two saves of the same version.
	mine, myEv := changed(l, "bo", lead.StageMQL)
	theirs, theirEv := changed(l, "cy", lead.StageSQL)
	uerr, oerr := race(t, s,
		func(tx storage.Tx) error { return tx.Leads().Save(ctx, mine, 1, myEv) },
		func() error { return s.Leads().Save(ctx, theirs, 1, theirEv) })
	got, err := s.Leads().Get(ctx, l.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Version)
	events := collect(t, s.Events().ByAggregate(ctx, l.ID))
	assert.Len(t, events, 2, "one save won")
	switch {
	case uerr == nil:
		assert.True(t, storage.IsRetryable(oerr), "the outside save lost: %v", oerr)
		same(t, mine, got)
	case oerr == nil:
		assert.True(t, storage.IsRetryable(uerr), "the Update lost: %v", uerr)
		same(t, theirs, got)
	default:
		t.Errorf("both saves failed: %v; %v", uerr, oerr)
	}

	// Two creates of the same ID.
	a, aev := newLead("A", "ana", lead.StageSuspect, lead.ChannelEmail)
	b, bev := newLead("B", "bo", lead.StageSuspect, lead.ChannelEmail)
	b.ID, bev.AggregateID = a.ID, a.ID
	uerr, oerr = race(t, s,
		func(tx storage.Tx) error { _, err := tx.Leads().Create(ctx, a, "", aev); return err },
		func() error { _, err := s.Leads().Create(ctx, b, "", bev); return err })
	got, err = s.Leads().Get(ctx, a.ID)
	require.NoError(t, err)
	assert.Len(t, collect(t, s.Events().ByAggregate(ctx, a.ID)), 1, "one create won")
	switch {
	case uerr == nil:
		assert.ErrorIs(t, oerr, crmkit.ErrConflict)
		same(t, a, got)
	case oerr == nil:
		assert.True(t, storage.IsRetryable(uerr), "the Update lost: %v", uerr)
		same(t, b, got)
	default:
		t.Errorf("both creates failed: %v; %v", uerr, oerr)
	}

	// Two creates under one idempotency key: one lead is stored, and a
	// create that returns without error returns it.
	c, cev := newLead("C", "ana", lead.StageSuspect, lead.ChannelEmail)
	d, dev := newLead("D", "bo", lead.StageSuspect, lead.ChannelEmail)
	var outsideGot lead.Lead
	uerr, oerr = race(t, s,
		func(tx storage.Tx) error { _, err := tx.Leads().Create(ctx, c, "once", cev); return err },
		func() error { var err error; outsideGot, err = s.Leads().Create(ctx, d, "once", dev); return err })
	_, cerr := s.Leads().Get(ctx, c.ID)
	_, derr := s.Leads().Get(ctx, d.ID)
	assert.True(t, (cerr == nil) != (derr == nil), "exactly one of the two leads is stored: %v; %v", cerr, derr)
	winner := c.ID
	if cerr != nil {
		winner = d.ID
		assert.True(t, storage.IsRetryable(uerr), "the Update lost: %v", uerr)
	} else {
		assert.NoError(t, uerr)
	}
	if oerr == nil {
		assert.Equal(t, winner, outsideGot.ID, "the outside create returned the stored lead")
	} else {
		assert.True(t, storage.IsRetryable(oerr), "the outside create failed: %v", oerr)
	}
	fl, fev := fresh()
	again, err := s.Leads().Create(ctx, fl, "once", fev)
	require.NoError(t, err)
	assert.Equal(t, winner, again.ID, "the key answers with the winner")
}

// testReadersSeeWholeUpdates lets a writer change two leads together in
// each Update while readers list both in one read: a reader must see both
// changed or neither.
func testReadersSeeWholeUpdates(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	var pair [2]lead.Lead
	for i := range pair {
		l, ev := newLead("Pair", "owner-0", lead.StageSuspect, lead.ChannelEmail)
		_, err := s.Leads().Create(ctx, l, "", ev)
		require.NoError(t, err)
		pair[i] = l
	}
	const rounds = 40
	done := make(chan struct{})
	var wg sync.WaitGroup
	var (
		mu      sync.Mutex
		readErr error
		torn    []string
	)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				page, _, err := s.Leads().List(ctx, storage.LeadFilter{}, storage.Page{Size: 10})
				if err != nil {
					mu.Lock()
					readErr = err
					mu.Unlock()
					return
				}
				if len(page) != 2 || page[0].Owner != page[1].Owner || page[0].Version != page[1].Version {
					mu.Lock()
					torn = append(torn, page[0].Owner+" / "+page[len(page)-1].Owner)
					mu.Unlock()
					return
				}
			}
		}()
	}
	for r := 1; r <= rounds; r++ {
		err := s.Update(ctx, func(tx storage.Tx) error {
			for i, l := range pair {
				next, ev := changed(l, "owner-"+string(rune('a'+r%26)), lead.StageMQL)
				if err := tx.Leads().Save(ctx, next, l.Version, ev); err != nil {
					return err
				}
				pair[i] = next
			}
			return nil
		})
		require.NoError(t, err)
	}
	close(done)
	wg.Wait()
	require.NoError(t, readErr)
	assert.Empty(t, torn, "a reader saw half an Update")
	assert.Len(t, allEvents(t, ctx, s), 2+2*rounds)
}
