package storagetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// The shared benchmarks. Each takes a store, writes its own data under a
// fresh owner (so that a store can serve several benchmarks), and measures
// one operation per iteration with b.Loop. A backend reuses each in one
// line:
//
//	func BenchmarkGet(b *testing.B) { storagetest.BenchmarkGet(b, newStore(b)) }

// benchRows is how many leads the read benchmarks load first.
const benchRows = 1000

// load creates n leads of a fresh owner and returns them.
func load(b *testing.B, s storage.Store, n int) ([]lead.Lead, string) {
	b.Helper()
	ctx := context.Background()
	owner := "bench-" + uuid.NewString()
	out := make([]lead.Lead, n)
	for i := range out {
		l, ev := newLead("Bench", owner, lead.StageSuspect, lead.ChannelEmail)
		if _, err := s.Leads().Create(ctx, l, "", ev); err != nil {
			b.Fatal(err)
		}
		out[i] = l
	}
	return out, owner
}

// BenchmarkGet measures Get of a lead among benchRows.
func BenchmarkGet(b *testing.B, s storage.Store) {
	ctx := context.Background()
	leads, _ := load(b, s, benchRows)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.Leads().Get(ctx, leads[i%len(leads)].ID); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkCreate measures Create of a new lead with its event.
func BenchmarkCreate(b *testing.B, s storage.Store) {
	ctx := context.Background()
	proto, ev := newLead("Bench", "bench-"+uuid.NewString(), lead.StageSuspect, lead.ChannelEmail)
	b.ReportAllocs()
	for b.Loop() {
		l := proto
		l.ID = crmkit.NewID()
		e := ev
		e.ID, e.AggregateID = crmkit.NewID(), l.ID
		if _, err := s.Leads().Create(ctx, l, "", e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSave measures Save of one lead with its event, the version
// moving on each time: a persisted change (state and event).
func BenchmarkSave(b *testing.B, s storage.Store) {
	ctx := context.Background()
	leads, _ := load(b, s, 1)
	cur := leads[0]
	ev := leadEvent(cur, lead.EventLeadAssigned)
	b.ReportAllocs()
	for b.Loop() {
		next := cur
		next.Version++
		e := ev
		e.ID, e.Version = crmkit.NewID(), next.Version
		if err := s.Leads().Save(ctx, next, cur.Version, e); err != nil {
			b.Fatal(err)
		}
		cur = next
	}
}

// BenchmarkList measures List of one page of 100 leads filtered by owner
// among benchRows; it reports ns per lead returned too.
func BenchmarkList(b *testing.B, s storage.Store) {
	ctx := context.Background()
	_, owner := load(b, s, benchRows)
	f := storage.LeadFilter{Owner: owner, Stage: lead.StageSuspect}
	var after storage.Cursor
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		page, next, err := s.Leads().List(ctx, f, storage.Page{Size: 100, After: after})
		if err != nil {
			b.Fatal(err)
		}
		rows += len(page)
		after = next // walk the pages, then start again
	}
	if rows > 0 {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rows), "ns/lead")
	}
}

// BenchmarkUpdate measures an Update that reads and saves two leads with
// their events: the shape of a small multi-aggregate transaction.
func BenchmarkUpdate(b *testing.B, s storage.Store) {
	ctx := context.Background()
	leads, _ := load(b, s, 2)
	b.ReportAllocs()
	for b.Loop() {
		err := s.Update(ctx, func(tx storage.Tx) error {
			for _, l := range leads {
				cur, err := tx.Leads().Get(ctx, l.ID)
				if err != nil {
					return err
				}
				next := cur
				next.Version++
				e := leadEvent(next, lead.EventLeadAssigned)
				if err := tx.Leads().Save(ctx, next, cur.Version, e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStageMoves measures persisted deal stage moves (read, Move in
// the default pipeline, save with the StageChanged event, under Retry)
// with the given number of concurrent writers, each on its own deal. It
// reports moves/s.
func BenchmarkStageMoves(b *testing.B, s storage.Store, writers int) {
	ctx := context.Background()
	ensureSuite(b, s) // the account the deals refer to
	ids := make([]uuid.UUID, writers)
	for i := range ids {
		d, ev := newDeal(b, dealSpec{name: "Bench", owner: "bench-" + uuid.NewString(), stage: "bidding", close: base.AddDate(0, 2, 0)})
		if _, err := s.Deals().Create(ctx, d, "", ev); err != nil {
			b.Fatal(err)
		}
		ids[i] = d.ID
	}
	p := deal.DefaultPipeline()
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(max(1, (writers+1)/2)) // RunParallel starts parallelism·GOMAXPROCS goroutines
	start := time.Now()
	var moves atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		id := ids[int(next.Add(1)-1)%len(ids)]
		for pb.Next() {
			err := storage.Retry(ctx, storage.Policy{}, func(ctx context.Context) error { return move(ctx, s, p, id, false) })
			if err != nil {
				b.Error(err)
				return
			}
			moves.Add(1)
		}
	})
	if el := time.Since(start).Seconds(); el > 0 {
		b.ReportMetric(float64(moves.Load())/el, "moves/s")
	}
}

// BenchmarkEventsByAggregate measures streaming the 1000 events of one
// aggregate; it reports ns per event.
func BenchmarkEventsByAggregate(b *testing.B, s storage.Store) {
	ctx := context.Background()
	id := crmkit.NewID()
	events := make([]crmkit.Event, 1000)
	for i := range events {
		events[i] = event(id, "TouchpointRecorded", base.Add(time.Duration(i)*time.Second), int64(i+1))
	}
	if err := s.Events().Append(ctx, events...); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, err := range s.Events().ByAggregate(ctx, id) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	if n > 0 {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/event")
	}
}

// benchBook stores a book of owner: 5 accounts, 4 open deals of each
// (20) and 10 open leads, 35 records, each with its history.
func benchBook(b *testing.B, s storage.Store, owner string) {
	b.Helper()
	ctx := context.Background()
	cmd := crmkit.Cmd{By: actor, At: base}
	for i := range 5 {
		a, ev, err := account.New(account.NewAccount{Name: fmt.Sprintf("Bench %d", i), Owner: owner, Relations: account.Customer}, cmd)
		if err == nil {
			_, err = s.Accounts().Create(ctx, a, "", ev)
		}
		if err != nil {
			b.Fatal(err)
		}
		for range 4 {
			d, ev, err := deal.New(deal.DefaultPipeline(), deal.NewDeal{Name: "Bench", Type: deal.NewBusiness, Amount: eur("1000.00"),
				AccountID: a.ID, Owner: owner}, deal.Cmd{Cmd: cmd})
			if err == nil {
				_, err = s.Deals().Create(ctx, d, "", ev)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	for i := range 10 {
		l, ev, err := lead.New(lead.Capture{Who: lead.Person{Name: fmt.Sprintf("Bench %d", i)}, Source: lead.ChannelEmail, Owner: owner}, cmd)
		if err == nil {
			_, err = s.Leads().Create(ctx, l, "", ev)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandover measures storage.Handover of a book of 35 records
// (5 accounts, 20 open deals, 10 open leads) in one Update, the book
// going back and forth between two reps.
func BenchmarkHandover(b *testing.B, s storage.Store) {
	ctx := context.Background()
	reps := [2]string{"bench-" + uuid.NewString(), "bench-" + uuid.NewString()}
	benchBook(b, s, reps[0])
	at := base
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		at = at.Add(time.Second)
		res, err := storage.Handover(ctx, s, deal.HandoverRequest{From: reps[i%2], To: []deal.Successor{{Rep: reps[(i+1)%2]}},
			Cmd: deal.Cmd{Cmd: crmkit.Cmd{By: actor, At: at}}})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Events) != 35 {
			b.Fatalf("handed over %d records, want 35", len(res.Events))
		}
		i++
	}
}

// BenchmarkVerify measures storage.Verify of a tenant holding a book of
// 35 records (5 accounts, 20 deals, 10 leads) beside whatever the store
// was given with.
func BenchmarkVerify(b *testing.B, s storage.Store) {
	ctx := context.Background()
	benchBook(b, s, "bench-"+uuid.NewString())
	b.ReportAllocs()
	for b.Loop() {
		v, err := storage.Verify(ctx, s, storage.VerifyOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if !v.OK() {
			b.Fatal(v.Err())
		}
	}
}
