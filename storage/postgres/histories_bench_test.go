package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage/postgres"
)

// BenchmarkHistoriesMixedKinds measures the index issue 19 suggests for
// the history stream, events (tenant_id, aggregate_kind, aggregate_id,
// version, at, id), in one run: Histories of 2,000 deals (their
// DealCreated events) in a log that also holds the events of 20,000 leads,
// read without it (events_aggregate, filtering the kind row by row: the
// index is dropped first), then again after it is created again; and the
// import of 10,000 more leads with their events without and with it (the
// cost the index adds to every write of an event). Schema version 12
// has the index.
//
//	CRMKIT_POSTGRES_DSN=... go test -run '^$' -bench HistoriesMixedKinds -benchtime 5x ./storage/postgres/
func BenchmarkHistoriesMixedKinds(b *testing.B) {
	ctx := context.Background()
	db := newDB(b, postgres.MaxConns(4))
	s, err := db.Tenant("bench")
	if err != nil {
		b.Fatal(err)
	}
	storeTestAccount(b, s)
	p := deal.DefaultPipeline()
	const nDeals = 2000
	deals := make([]deal.Deal, nDeals)
	events := make([]crmkit.Event, nDeals)
	for i := range deals {
		deals[i], events[i] = testDeal(b, p, "owner", i)
	}
	if _, err := s.ImportDeals(ctx, deals, events); err != nil {
		b.Fatal(err)
	}
	leads := func(n int) ([]lead.Lead, []crmkit.Event) {
		ls := make([]lead.Lead, n)
		evs := make([]crmkit.Event, n)
		for i := range ls {
			l, ev, err := lead.New(lead.Capture{Who: lead.Person{Name: "Ada", Company: fmt.Sprintf("Company %d", i),
				Email: fmt.Sprintf("ada%d@example.com", i)}, Source: lead.ChannelReferral, Owner: "ana"},
				crmkit.Cmd{By: "web", At: t0.Add(time.Duration(i) * time.Second)})
			if err != nil {
				b.Fatal(err)
			}
			ls[i], evs[i] = l, ev
		}
		return ls, evs
	}
	ls, lev := leads(20_000)
	if _, err := s.ImportLeads(ctx, ls, lev); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Pool().Exec(ctx, "DROP INDEX events_kind_aggregate"); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Pool().Exec(ctx, "VACUUM ANALYZE events"); err != nil {
		b.Fatal(err)
	}
	stream := func(b *testing.B) {
		for b.Loop() {
			k := 0
			for _, err := range s.Histories(ctx, deal.DealKind) {
				if err != nil {
					b.Fatal(err)
				}
				k++
			}
			if k != nDeals {
				b.Fatalf("%d events, want %d", k, nDeals)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/nDeals, "ns/event")
	}
	importLeads := func(b *testing.B) {
		b.StopTimer()
		var spent time.Duration
		for range b.N {
			ls, lev := leads(10_000)
			start := time.Now()
			if _, err := s.ImportLeads(ctx, ls, lev); err != nil {
				b.Fatal(err)
			}
			spent += time.Since(start)
		}
		b.ReportMetric(float64(10_000*b.N)/spent.Seconds(), "leads/s")
	}
	b.Run("histories/events_aggregate", stream)
	b.Run("import-leads/without-kind-index", importLeads)
	if _, err := db.Pool().Exec(ctx, "CREATE INDEX events_kind_aggregate ON events (tenant_id, aggregate_kind, aggregate_id, version)"); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Pool().Exec(ctx, "VACUUM ANALYZE events"); err != nil {
		b.Fatal(err)
	}
	b.Run("histories/kind-index", stream)
	b.Run("import-leads/with-kind-index", importLeads)
}
