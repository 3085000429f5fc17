package storagetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// BenchmarkFeed measures the change feed of s (which must implement
// storage.Feed) in one run, each iteration in two phases of
// feedBenchWriters writers creating leads (one event each):
//
//   - alone: the writers with no consumer; it reports writes/s-alone.
//   - with the feed: the same writers while feedBenchConsumers
//     subscribed consumers (storage.Subscribe, batches of 100, a handler
//     that only notes the time) follow; it reports writes/s-with-feed,
//     events/s delivered (to all consumers together, from the phase's
//     start until every consumer has caught up), and the latency from
//     the return of an event's Create (its commit) to the handler's call,
//     p50-ms and p99-ms (a handler called before the writer noted the
//     return counts as 0).
func BenchmarkFeed(b *testing.B, s storage.Store) {
	f, ok := s.(storage.Feed)
	if !ok {
		b.Skip("the store does not implement storage.Feed")
	}
	ctx := context.Background()
	b.ReportAllocs()
	var alone, with, delivered float64
	var lat []time.Duration
	for i := range b.N {
		d, _ := feedWrite(b, ctx, s)
		alone += float64(feedBenchWriters*feedBenchWrites) / d.Seconds()

		var (
			mu      sync.Mutex
			handled = make(map[uuid.UUID][]time.Time)
		)
		subCtx, stop := context.WithCancel(ctx)
		var subs sync.WaitGroup
		for c := range feedBenchConsumers {
			name := fmt.Sprintf("bench-%d-%d", i, c)
			head, err := f.Head(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if err := f.Register(ctx, name, head); err != nil {
				b.Fatal(err)
			}
			subs.Add(1)
			go func() {
				defer subs.Done()
				_ = storage.Subscribe(subCtx, f, storage.Subscription{Consumer: name, Batch: 100, Handler: func(_ storage.Tx, events []crmkit.Event) error {
					now := time.Now()
					mu.Lock()
					for _, e := range events {
						handled[e.ID] = append(handled[e.ID], now)
					}
					mu.Unlock()
					return nil
				}})
			}()
		}
		start := time.Now()
		d, committed := feedWrite(b, ctx, s)
		with += float64(feedBenchWriters*feedBenchWrites) / d.Seconds()
		want := len(committed) * feedBenchConsumers
		for {
			mu.Lock()
			n := 0
			for _, ts := range handled {
				n += len(ts)
			}
			mu.Unlock()
			if n >= want {
				break
			}
			time.Sleep(time.Millisecond)
		}
		delivered += float64(want) / time.Since(start).Seconds()
		stop()
		subs.Wait()
		for id, at := range committed {
			for _, h := range handled[id] {
				lat = append(lat, max(0, h.Sub(at)))
			}
		}
	}
	b.ReportMetric(alone/float64(b.N), "writes/s-alone")
	b.ReportMetric(with/float64(b.N), "writes/s-with-feed")
	b.ReportMetric(delivered/float64(b.N), "delivered-events/s")
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2])/float64(time.Millisecond), "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100])/float64(time.Millisecond), "p99-ms")
	}
}

// The size of BenchmarkFeed.
const (
	feedBenchWriters   = 8
	feedBenchWrites    = 250
	feedBenchConsumers = 2
)

// feedWrite runs the writers of BenchmarkFeed and returns how long they
// took and when each event's Create returned.
func feedWrite(b *testing.B, ctx context.Context, s storage.Store) (time.Duration, map[uuid.UUID]time.Time) {
	var (
		mu        sync.Mutex
		committed = make(map[uuid.UUID]time.Time, feedBenchWriters*feedBenchWrites)
		wg        sync.WaitGroup
	)
	start := time.Now()
	for w := range feedBenchWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range feedBenchWrites {
				l, ev := newLead(fmt.Sprintf("Bench %d-%d", w, i), "ana", lead.StageSuspect, lead.ChannelEmail)
				if _, err := s.Leads().Create(ctx, l, "", ev); err != nil {
					b.Error(err)
					return
				}
				now := time.Now()
				mu.Lock()
				committed[ev.ID] = now
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return time.Since(start), committed
}
