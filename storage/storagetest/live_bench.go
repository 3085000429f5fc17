package storagetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage"
)

// liveBenchChunk is how many deals the live benchmarks generate and load
// at a time, bounding their memory.
const liveBenchChunk = 10_000

// liveBenchSpan is the time over which the live benchmarks' deals are
// created: 24 months of 30 days, so 25 origin months.
const liveBenchSpan = 24 * 30 * 24 * time.Hour

// liveBenchDeals returns deals from..from+n of total deals of the live
// benchmarks, the same for every store: created evenly over the 24 months
// from base, whatever total (so that 10,000 and 1,000,000 deals fall in
// the same groups, and a read's cost can only differ by the number of
// deals), by one of 8 owners in tracking,
// moved forward zero to three stages, then left open, won, lost or
// suspended. Their events are not kept: the live summary reads deals.
func liveBenchDeals(b *testing.B, from, n, total int) []deal.Deal {
	p := deal.DefaultPipeline()
	stages := p.Stages()
	rng := rand.New(rand.NewPCG(19, uint64(from)))
	out := make([]deal.Deal, 0, n)
	for i := from; i < from+n; i++ {
		at := base.Add(time.Duration(i) * (liveBenchSpan / time.Duration(total)))
		c := deal.Cmd{Cmd: crmkit.Cmd{By: actor, At: at}}
		d, _, err := deal.New(p, deal.NewDeal{Name: fmt.Sprintf("deal %d", i), Type: deal.NewBusiness,
			Amount:    crmkit.MustMoney(fmt.Sprintf("%d.00", 1000+rng.IntN(90000)), "EUR"),
			CloseDate: base.AddDate(3, 0, 0), AccountID: reportsAccount, ContactID: suiteContact,
			Owner: fmt.Sprintf("rep-%d", rng.IntN(8))}, c)
		if err != nil {
			b.Fatal(err)
		}
		for s := 1; s <= rng.IntN(4) && s < len(stages); s++ {
			if next, _, err := p.Move(d, stages[s].Name, c); err == nil {
				d = next
			}
		}
		var next deal.Deal
		switch rng.IntN(4) {
		case 1:
			next, _, err = p.Win(d, deal.Outcome{Summary: "signed"}, c)
		case 2:
			next, _, err = p.Lose(d, deal.Outcome{Summary: "lost", Reason: "price"}, c)
		case 3:
			next, _, err = p.Suspend(d, at.AddDate(0, 1, 0), c)
		default:
			err = fmt.Errorf("stays open")
		}
		if err == nil {
			d = next
		}
		out = append(out, d)
	}
	return out
}

// loadLiveDeals writes n generated deals to s (a fresh tenant) in chunks,
// through storage.Importer when s offers it, else one Create each.
func loadLiveDeals(b *testing.B, s storage.Store, n int) {
	ctx := context.Background()
	acc, accEv := accountWith(b, reportsAccount, suiteContact, "Live bench", base)
	if _, err := s.Accounts().Create(ctx, acc, "storagetest-live-account", accEv...); err != nil {
		b.Fatal(err)
	}
	for from := 0; from < n; from += liveBenchChunk {
		deals := liveBenchDeals(b, from, min(liveBenchChunk, n-from), n)
		if im, ok := s.(storage.Importer); ok {
			if _, err := im.ImportDeals(ctx, deals, nil); err != nil {
				b.Fatal(err)
			}
			continue
		}
		for _, d := range deals {
			if _, err := s.Deals().Create(ctx, d, ""); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkLiveRead measures the dashboard's read of the live deal
// summary (storage.Projections): LiveDeals plus LiveSummary.Report split
// by owner, at each of sizes deals, each loaded into a fresh tenant of
// open (a generated tenant name). The goal is the same time, under 1 ms,
// at 10,000 and 1,000,000 deals. Beside it at the first size, Recompute
// is the same report computed from the deals (funnel.SummarizeSource over
// the store's funnel.Source, which a PostgreSQL Aggregator may serve).
// It reports the number of groups too, and the CPU time this process
// spent per read (client-cpu-ns/op: all of it for the memory store, the
// client's share for a database), which the other jobs of a shared
// machine do not inflate as they inflate ns/op. A store that caches the
// summary it read gives forget, which empties that cache: beside Live
// (a dashboard's refresh with no write since the last one, the cache's
// case) Uncached is the read that finds the summary changed and reads
// every group, forget called before each read. Last, after one more deal
// is created, AfterWrite is the read after a write: each read follows one
// Save (not timed) moving that deal between two stages, so two groups
// change; AfterWriteUncached is the same with forget (every group read,
// as a store without a delta read does).
func BenchmarkLiveRead(b *testing.B, open func(tenant string) storage.Store, forget func(), sizes ...int) {
	ctx := context.Background()
	p := deal.DefaultPipeline()
	q := funnel.Query{AsOf: base.AddDate(3, 0, 0), By: []funnel.Dimension{funnel.ByOwner}, Quantiles: crmkit.QuantilesNone}
	for i, n := range sizes {
		// Each size loads its deals only when its benchmarks run.
		b.Run(fmt.Sprintf("deals=%d", n), func(b *testing.B) {
			s := open(fmt.Sprintf("live-read-%d", n))
			pr, ok := s.(storage.Projections)
			if !ok {
				b.Skip("the store does not implement storage.Projections")
			}
			loadLiveDeals(b, s, n)
			// read measures LiveDeals plus Report; forget (timed) empties
			// the cache, write (not timed) changes the summary before each
			// read.
			want := int64(n)
			read := func(b *testing.B, forget, write func()) {
				b.ReportAllocs()
				groups := 0
				var cpu time.Duration // of the reads alone, not the writes
				loops := 0
				for b.Loop() {
					loops++
					if write != nil {
						b.StopTimer()
						write()
						b.StartTimer()
					}
					cpu0 := cpuTime()
					if forget != nil {
						forget()
					}
					live, err := pr.LiveDeals(ctx)
					if err != nil {
						b.Fatal(err)
					}
					rep, err := live.Report(p, q)
					if err != nil {
						b.Fatal(err)
					}
					if rep.Total.Entities != want {
						b.Fatalf("live summary of %d deals, want %d", rep.Total.Entities, want)
					}
					groups = live.Len()
					cpu += cpuTime() - cpu0
				}
				b.ReportMetric(float64(groups), "groups")
				if cpu > 0 && loops > 0 {
					b.ReportMetric(float64(cpu.Nanoseconds())/float64(loops), "client-cpu-ns/op")
				}
			}
			// afterWrite is the read after one deal Save (through the same
			// store, moving a deal between two stages: two groups
			// change), the read a dashboard makes after every write; with
			// forget, the same read of every group.
			afterWrite := func() {
				write := liveBenchMover(b, s, p)
				want = int64(n) + 1
				b.Run("AfterWrite", func(b *testing.B) { read(b, nil, write) })
				if forget != nil {
					b.Run("AfterWriteUncached", func(b *testing.B) { read(b, forget, write) })
				}
			}
			b.Run("Live", func(b *testing.B) { read(b, nil, nil) })
			if forget != nil {
				b.Run("Uncached", func(b *testing.B) { read(b, forget, nil) })
			}
			// Two dimensions: the split the margins cannot answer, read
			// from every group.
			b.Run("OwnerMonth", func(b *testing.B) {
				q := q
				q.By = []funnel.Dimension{funnel.ByOwner, funnel.ByPeriod}
				b.ReportAllocs()
				for b.Loop() {
					live, err := pr.LiveDeals(ctx)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := live.Report(p, q); err != nil {
						b.Fatal(err)
					}
				}
			})
			src, ok := s.(funnel.Source)
			if !ok || i > 0 {
				afterWrite()
				return
			}
			b.Run("Recompute", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					rep, err := funnel.SummarizeSource(ctx, p, src, q)
					if err != nil {
						b.Fatal(err)
					}
					if rep.Total.Entities != int64(n) {
						b.Fatalf("report of %d deals, want %d", rep.Total.Entities, n)
					}
				}
			})
			afterWrite()
		})
	}
}

// liveBenchMover creates one more deal in s and returns a write moving it
// between bidding and negotiation with its event, one Save a call.
func liveBenchMover(b *testing.B, s storage.Store, p *deal.Pipeline) func() {
	ctx := context.Background()
	at := base.AddDate(0, 6, 0)
	d, ev, err := deal.New(p, deal.NewDeal{Name: "mover", Type: deal.NewBusiness, Amount: crmkit.MustMoney("100.00", "EUR"),
		CloseDate: base.AddDate(3, 0, 0), AccountID: reportsAccount, ContactID: suiteContact, Owner: "rep-1", Stage: "bidding"},
		deal.Cmd{Cmd: crmkit.Cmd{By: actor, At: at}})
	if err != nil {
		b.Fatal(err)
	}
	if d, err = s.Deals().Create(ctx, d, "", ev); err != nil {
		b.Fatal(err)
	}
	to, k := []string{"negotiation", "bidding"}, 0
	return func() {
		at = at.Add(time.Second)
		next, e, err := p.Move(d, to[k%2], deal.Cmd{Cmd: crmkit.Cmd{By: actor, At: at}})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Deals().Save(ctx, next, d.Version, e); err != nil {
			b.Fatal(err)
		}
		d, k = next, k+1
	}
}

// BenchmarkLiveSave measures one Save of a deal moved between bidding and
// negotiation with its event (so its live group changes on every write)
// on live, a store keeping the live summary, beside the same on plain,
// the same store with its live summary switched off (the caller's doing:
// triggers disabled, say), in one run: the write overhead of the live
// summary. Each must be a fresh tenant. Beside ns/op it reports the CPU
// time this process spent per Save (client-cpu-ns/op: all of it for the
// memory and SQLite stores, the client's share for PostgreSQL).
func BenchmarkLiveSave(b *testing.B, live, plain storage.Store) {
	for _, c := range []struct {
		name string
		s    storage.Store
	}{{"live", live}, {"plain", plain}} {
		ctx := context.Background()
		acc, accEv := accountWith(b, reportsAccount, suiteContact, "Live bench", base)
		if _, err := c.s.Accounts().Create(ctx, acc, "", accEv...); err != nil {
			b.Fatal(err)
		}
		p := deal.DefaultPipeline()
		d, ev, err := deal.New(p, deal.NewDeal{Name: "moved", Type: deal.NewBusiness, Amount: crmkit.MustMoney("100.00", "EUR"),
			CloseDate: base.AddDate(1, 0, 0), AccountID: reportsAccount, ContactID: suiteContact, Owner: "rep-1", Stage: "bidding"},
			deal.Cmd{Cmd: crmkit.Cmd{By: actor, At: base}})
		if err != nil {
			b.Fatal(err)
		}
		if d, err = c.s.Deals().Create(ctx, d, "", ev); err != nil {
			b.Fatal(err)
		}
		to := []string{"negotiation", "bidding"}
		at := base
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			k := 0
			cpu0 := cpuTime()
			defer func() {
				if c := cpuTime() - cpu0; c > 0 && k > 0 {
					b.ReportMetric(float64(c.Nanoseconds())/float64(k), "client-cpu-ns/op")
				}
			}()
			for b.Loop() {
				at = at.Add(time.Second)
				next, e, err := p.Move(d, to[k%2], deal.Cmd{Cmd: crmkit.Cmd{By: actor, At: at}})
				if err != nil {
					b.Fatal(err)
				}
				if err := c.s.Deals().Save(ctx, next, d.Version, e); err != nil {
					b.Fatal(err)
				}
				d, k = next, k+1
			}
		})
	}
}
