package sqlite_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
	"github.com/crmkit/crmkit/storage/postgres"
	"github.com/crmkit/crmkit/storage/sqlite"
	"github.com/crmkit/crmkit/storage/storagetest"
)

// The shared benchmarks of storagetest on the SQLite store, one line each
// as in storage/memory and storage/postgres.

func benchStore(b *testing.B) *sqlite.Store {
	b.Helper()
	s, err := newDB(b).Tenant("bench")
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkGet(b *testing.B)      { storagetest.BenchmarkGet(b, benchStore(b)) }
func BenchmarkCreate(b *testing.B)   { storagetest.BenchmarkCreate(b, benchStore(b)) }
func BenchmarkSave(b *testing.B)     { storagetest.BenchmarkSave(b, benchStore(b)) }
func BenchmarkList(b *testing.B)     { storagetest.BenchmarkList(b, benchStore(b)) }
func BenchmarkUpdate(b *testing.B)   { storagetest.BenchmarkUpdate(b, benchStore(b)) }
func BenchmarkHandover(b *testing.B) { storagetest.BenchmarkHandover(b, benchStore(b)) }
func BenchmarkVerify(b *testing.B)   { storagetest.BenchmarkVerify(b, benchStore(b)) }
func BenchmarkStageMoves8(b *testing.B) {
	storagetest.BenchmarkStageMoves(b, benchStore(b), 8)
}
func BenchmarkEventsByAggregate(b *testing.B) {
	storagetest.BenchmarkEventsByAggregate(b, benchStore(b))
}

// BenchmarkFeed is the change feed's figures on a SQLite file:
// commit-to-handler latency and delivery rate with subscribed consumers,
// and the write rate with and without them (see storagetest.BenchmarkFeed).
func BenchmarkFeed(b *testing.B) { storagetest.BenchmarkFeed(b, benchStore(b)) }

// BenchmarkStores measures the memory, SQLite and PostgreSQL stores side
// by side in one run (PostgreSQL when CRMKIT_POSTGRES_DSN is set): a
// single Create and Get, stage moves with 8 writers, importing
// benchImportN deals with their events (ImportDeals; one Create each on
// the memory store, which has no import), and a funnel report over
// benchReportN deals read the way reports read today: storage.All over
// the deals into funnel.Summarize (the store push-down is issue 19).
//
// Sizes: CRMKIT_BENCH_IMPORT (default 100000) and CRMKIT_BENCH_REPORT
// (default 1000000) set them; -short makes them 1000 and 10000.
//
//	go test -run '^$' -bench BenchmarkStores -benchtime 1x ./storage/sqlite   # Import and Report
//	go test -run '^$' -bench 'BenchmarkStores/.*/(Create|Get|StageMoves8)' ./storage/sqlite
func BenchmarkStores(b *testing.B) {
	backends := []struct {
		name string
		open func(b *testing.B) storage.Store
	}{
		{"memory", func(b *testing.B) storage.Store {
			s, err := memory.New().Tenant("bench")
			if err != nil {
				b.Fatal(err)
			}
			return s
		}},
		{"sqlite", func(b *testing.B) storage.Store { return benchStore(b) }},
	}
	if dsn := os.Getenv("CRMKIT_POSTGRES_DSN"); dsn != "" {
		backends = append(backends, struct {
			name string
			open func(b *testing.B) storage.Store
		}{"postgres", func(b *testing.B) storage.Store { return pgStore(b, dsn) }})
	}
	importN := benchSize(b, "CRMKIT_BENCH_IMPORT", 100_000, 1000)
	reportN := benchSize(b, "CRMKIT_BENCH_REPORT", 1_000_000, 10_000)
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			b.Run("Create", func(b *testing.B) { storagetest.BenchmarkCreate(b, be.open(b)) })
			b.Run("Get", func(b *testing.B) { storagetest.BenchmarkGet(b, be.open(b)) })
			b.Run("StageMoves8", func(b *testing.B) { storagetest.BenchmarkStageMoves(b, be.open(b), 8) })
			b.Run("Import"+strconv.Itoa(importN), func(b *testing.B) { benchImport(b, be.open(b), importN) })
			b.Run("Report"+strconv.Itoa(reportN), func(b *testing.B) { benchReport(b, be.open(b), reportN) })
		})
	}
}

// benchSize reads a size from the environment, or gives def (short with
// -short).
func benchSize(b *testing.B, env string, def, short int) int {
	if v := os.Getenv(env); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("%s=%q is not a positive count", env, v)
		}
		return n
	}
	if testing.Short() {
		return short
	}
	return def
}

// pgStore returns a PostgreSQL store in a fresh schema, dropped at the
// end.
func pgStore(b *testing.B, dsn string) storage.Store {
	b.Helper()
	ctx := context.Background()
	var r [8]byte
	_, _ = rand.Read(r[:])
	schema := "crmkit_bench_" + hex.EncodeToString(r[:])
	db, err := postgres.Open(ctx, dsn, postgres.Schema(schema), postgres.MaxConns(16))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_, _ = db.Pool().Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
		db.Close()
	})
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	s, err := db.Tenant("bench")
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// importer is the bulk import of the SQLite and PostgreSQL stores.
type importer interface {
	ImportDeals(ctx context.Context, deals []deal.Deal, events []crmkit.Event) (int64, error)
}

// dealBatch fills deals and events with new deals (fresh IDs) cycling
// through protos.
func dealBatch(deals []deal.Deal, events []crmkit.Event, protos []deal.Deal, protoEv []crmkit.Event) {
	for i := range deals {
		deals[i] = protos[i%len(protos)]
		deals[i].ID = crmkit.NewID()
		events[i] = protoEv[i%len(protos)]
		events[i].ID, events[i].AggregateID = crmkit.NewID(), deals[i].ID
	}
}

// load stores deals with their events: ImportDeals if s has it, one
// Create each otherwise.
func load(b *testing.B, s storage.Store, deals []deal.Deal, events []crmkit.Event) {
	ctx := context.Background()
	if imp, ok := s.(importer); ok {
		if _, err := imp.ImportDeals(ctx, deals, events); err != nil {
			b.Fatal(err)
		}
		return
	}
	for i := range deals {
		if _, err := s.Deals().Create(ctx, deals[i], "", events[i]); err != nil {
			b.Fatal(err)
		}
	}
}

// benchImport measures storing n new deals with their DealCreated events
// per operation; it reports deals/s.
func benchImport(b *testing.B, s storage.Store, n int) {
	acc, contact := seedAccount(b, s)
	protos, protoEv := importDeals(b, 1000, "imp", acc, contact)
	deals := make([]deal.Deal, n)
	events := make([]crmkit.Event, n)
	b.ReportAllocs()
	var elapsed time.Duration
	stored := 0
	for b.Loop() {
		b.StopTimer()
		dealBatch(deals, events, protos, protoEv)
		b.StartTimer()
		start := time.Now()
		load(b, s, deals, events)
		elapsed += time.Since(start)
		stored += n
	}
	if elapsed > 0 {
		b.ReportMetric(float64(stored)/elapsed.Seconds(), "deals/s")
	}
}

// benchReport loads n deals (untimed) and measures one funnel report over
// them per operation: every deal read with storage.All, turned into a
// funnel.Opportunity from its current state, and summarised. It reports
// deals/s.
func benchReport(b *testing.B, s storage.Store, n int) {
	ctx := context.Background()
	p := deal.DefaultPipeline()
	acc, contact := seedAccount(b, s)
	protos, protoEv := importDeals(b, 1000, "rep", acc, contact)
	const chunk = 50_000
	deals := make([]deal.Deal, min(n, chunk))
	events := make([]crmkit.Event, len(deals))
	for done := 0; done < n; done += len(deals) {
		if n-done < len(deals) {
			deals, events = deals[:n-done], events[:n-done]
		}
		dealBatch(deals, events, protos, protoEv)
		load(b, s, deals, events)
	}
	deals, events = nil, nil
	asOf := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var readErr error
		seen := 0
		rep, err := funnel.Summarize(p, func(yield func(funnel.Opportunity) bool) {
			for d, err := range storage.All(ctx, s.Deals(), storage.DealFilter{}, storage.MaxPageSize) {
				if err != nil {
					readErr = err
					return
				}
				seen++
				if !yield(opportunity(&d)) {
					return
				}
			}
		}, funnel.Query{AsOf: asOf})
		if err == nil {
			err = readErr
		}
		if err != nil {
			b.Fatal(err)
		}
		if seen != n {
			b.Fatalf("the report read %d deals, not %d", seen, n)
		}
		_ = rep
	}
	if el := b.Elapsed().Seconds(); el > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/el, "deals/s")
	}
}

// opportunity is a deal's current state as funnel reads it: every stage
// up to the current one reached.
func opportunity(d *deal.Deal) funnel.Opportunity {
	o := funnel.Opportunity{
		Reached: 1<<uint(d.Stage+1) - 1, Stage: d.Stage, Amount: d.Amount,
		Origin: d.CreatedAt, Entered: d.StageEnteredAt, CloseDate: d.CloseDate, Entity: d.ID,
	}
	switch d.Status {
	case deal.Suspended:
		o.Status = funnel.Paused
	case deal.Won:
		o.Status, o.Closed = funnel.ClosedWon, d.UpdatedAt
	case deal.Lost:
		o.Status, o.Closed = funnel.ClosedLost, d.UpdatedAt
	case deal.Terminated:
		o.Status, o.Closed = funnel.Dead, d.UpdatedAt
	}
	return o
}
