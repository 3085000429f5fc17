package storagetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// dealImporter is the bulk import a store may offer (postgres.Store's
// ImportDeals); the report benchmarks load through it when present.
type dealImporter interface {
	ImportDeals(ctx context.Context, deals []deal.Deal, events []crmkit.Event) (int64, error)
}

var reportsAccount = uuid.MustParse("0190f3a0-0000-7000-8000-0000000000b7")

// reportDeals returns n deals of deal.DefaultPipeline with their
// histories, the same for every store: each created in tracking, moved
// forward zero to three stages, then left open, won, lost or suspended.
func reportDeals(b *testing.B, n int) ([]deal.Deal, []crmkit.Event) {
	b.Helper()
	p := deal.DefaultPipeline()
	stages := p.Stages()
	rng := rand.New(rand.NewPCG(19, 1))
	deals := make([]deal.Deal, 0, n)
	var events []crmkit.Event
	for i := range n {
		at := base.Add(time.Duration(i) * time.Minute)
		c := func(k int) deal.Cmd {
			return deal.Cmd{Cmd: crmkit.Cmd{By: actor, At: at.Add(time.Duration(k) * 24 * time.Hour)}}
		}
		d, e, err := deal.New(p, deal.NewDeal{Name: fmt.Sprintf("deal %d", i), Type: deal.NewBusiness,
			Amount:    crmkit.MustMoney(fmt.Sprintf("%d.00", 1000+rng.IntN(90000)), "EUR"),
			CloseDate: base.AddDate(1, 0, 0), AccountID: reportsAccount, ContactID: suiteContact,
			Owner: fmt.Sprintf("rep-%d", rng.IntN(8))}, c(0))
		if err != nil {
			b.Fatal(err)
		}
		hist := []crmkit.Event{e}
		k := 1
		for s := 1; s <= rng.IntN(4) && s < len(stages); s++ {
			if next, e, err := p.Move(d, stages[s].Name, c(k)); err == nil {
				d, hist, k = next, append(hist, e), k+1
			}
		}
		var (
			next deal.Deal
		)
		switch rng.IntN(4) {
		case 1:
			next, e, err = p.Win(d, deal.Outcome{Summary: "signed"}, c(k))
		case 2:
			next, e, err = p.Lose(d, deal.Outcome{Summary: "lost", Reason: "price"}, c(k))
		case 3:
			next, e, err = p.Suspend(d, c(k).At.AddDate(0, 1, 0), c(k))
		default:
			err = fmt.Errorf("stays open")
		}
		if err == nil {
			d, hist = next, append(hist, e)
		}
		deals = append(deals, d)
		events = append(events, hist...)
	}
	return deals, events
}

// loadReportDeals writes the deals and their histories to s (a fresh
// tenant), through ImportDeals when s offers it, else Create and Save.
func loadReportDeals(b *testing.B, s storage.Store, deals []deal.Deal, events []crmkit.Event) {
	b.Helper()
	ctx := context.Background()
	acc, accEv := accountWith(b, reportsAccount, suiteContact, "Reports bench", base)
	if _, err := s.Accounts().Create(ctx, acc, "storagetest-reports-account", accEv...); err != nil {
		b.Fatal(err)
	}
	if im, ok := s.(dealImporter); ok {
		if _, err := im.ImportDeals(ctx, deals, events); err != nil {
			b.Fatal(err)
		}
		return
	}
	byDeal := map[uuid.UUID][]crmkit.Event{}
	for _, e := range events {
		byDeal[e.AggregateID] = append(byDeal[e.AggregateID], e)
	}
	for _, d := range deals {
		hist := byDeal[d.ID]
		if err := s.Update(ctx, func(tx storage.Tx) error {
			_, err := tx.Deals().Create(ctx, d, "", hist...)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReports measures, over the same n deals and their histories
// in one run, a funnel report read from the store and computed in memory:
//
//   - Slice: funnel.Summarize over the deals' Opportunities in a slice.
//   - Source: funnel.Summarize over the store's funnel.Source scan.
//   - Aggregator: the store's own funnel.Aggregator (QuantilesNone), when
//     it has one.
//   - EventsSlice: funnel.SummarizeRecords over the histories in memory.
//   - Histories: funnel.SummarizeRecords over the store's
//     storage.HistoryStreamer stream.
//
// Each reports ns/deal. s must be a fresh tenant (its deals are counted).
func BenchmarkReports(b *testing.B, s storage.Store, n int) {
	deals, events := reportDeals(b, n)
	loadReportDeals(b, s, deals, events)
	ctx := context.Background()
	p := deal.DefaultPipeline()
	q := funnel.Query{AsOf: base.AddDate(1, 0, 0), Quantiles: crmkit.QuantilesNone}
	opps := make([]funnel.Opportunity, len(deals))
	for i := range deals {
		opps[i] = funnel.OpportunityOf(&deals[i])
	}
	sorted := slices.Clone(events)
	slices.SortStableFunc(sorted, func(a, b crmkit.Event) int {
		if c := slices.Compare(a.AggregateID[:], b.AggregateID[:]); c != 0 {
			return c
		}
		return int(a.Version - b.Version)
	})
	want, err := funnel.Summarize(p, slices.Values(opps), q)
	if err != nil {
		b.Fatal(err)
	}
	perDeal := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/deal")
	}
	check := func(b *testing.B, r funnel.Report) {
		if r.Total.Entities != want.Total.Entities {
			b.Fatalf("%d deals reported, want %d", r.Total.Entities, want.Total.Entities)
		}
	}
	b.Run(fmt.Sprintf("Slice/%d", n), func(b *testing.B) {
		for b.Loop() {
			r, err := funnel.Summarize(p, slices.Values(opps), q)
			if err != nil {
				b.Fatal(err)
			}
			check(b, r)
		}
		perDeal(b)
	})
	if src, ok := s.(funnel.Source); ok {
		b.Run(fmt.Sprintf("Source/%d", n), func(b *testing.B) {
			for b.Loop() {
				var scanErr error
				r, err := funnel.Summarize(p, func(yield func(funnel.Opportunity) bool) {
					for o, err := range src.Opportunities(ctx) {
						if err != nil {
							scanErr = err
							return
						}
						if !yield(o) {
							return
						}
					}
				}, q)
				if err != nil || scanErr != nil {
					b.Fatal(err, scanErr)
				}
				check(b, r)
			}
			perDeal(b)
		})
		if a, ok := src.(funnel.Aggregator); ok {
			b.Run(fmt.Sprintf("Aggregator/%d", n), func(b *testing.B) {
				for b.Loop() {
					r, err := a.AggregateFunnel(ctx, p, q)
					if err != nil {
						b.Fatal(err)
					}
					check(b, r)
				}
				perDeal(b)
			})
		}
	}
	records := func(b *testing.B, events func(yield func(crmkit.Event) bool), streamErr *error) {
		rd := funnel.DealEvents(p).Reader(events)
		r, err := funnel.SummarizeRecords(p, rd.Records(), q)
		if err == nil {
			err = rd.Err()
		}
		if err == nil && streamErr != nil {
			err = *streamErr
		}
		if err != nil {
			b.Fatal(err)
		}
		check(b, r)
	}
	b.Run(fmt.Sprintf("EventsSlice/%d", n), func(b *testing.B) {
		for b.Loop() {
			records(b, slices.Values(sorted), nil)
		}
		perDeal(b)
	})
	if hs, ok := s.(storage.HistoryStreamer); ok {
		b.Run(fmt.Sprintf("Histories/%d", n), func(b *testing.B) {
			for b.Loop() {
				var streamErr error
				records(b, func(yield func(crmkit.Event) bool) {
					for e, err := range hs.Histories(ctx, deal.DealKind) {
						if err != nil {
							streamErr = err
							return
						}
						if !yield(e) {
							return
						}
					}
				}, &streamErr)
			}
			perDeal(b)
		})
	}
}
