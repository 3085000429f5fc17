package storagetest

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

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
func move(ctx context.Context, s storage.Store, id uuid.UUID, inUpdate bool) error {
	p := deal.DefaultPipeline()
	step := func(r storage.Tx) error {
		d, err := r.Deals().Get(ctx, id)
		if err != nil {
			return err
		}
		to := "negotiation"
		if p.StageName(d.Stage) == "negotiation" {
			to = "bidding"
		}
		next, ev, err := p.Move(ctx, d, to, deal.Cmd{By: "rep", At: base.Add(time.Hour)})
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
					return move(ctx, s, id, w%2 == 0)
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
