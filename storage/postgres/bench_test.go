package postgres_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/storage/postgres"
	"github.com/crmkit/crmkit/storage/storagetest"
	"github.com/google/uuid"
)

// benchStore returns a store in a fresh schema with a pool large enough
// for the concurrent benchmarks.
func benchStore(b *testing.B) *postgres.Store {
	b.Helper()
	s, err := newDB(b, postgres.MaxConns(16)).Tenant("bench")
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkGet(b *testing.B)    { storagetest.BenchmarkGet(b, benchStore(b)) }
func BenchmarkCreate(b *testing.B) { storagetest.BenchmarkCreate(b, benchStore(b)) }
func BenchmarkSave(b *testing.B)   { storagetest.BenchmarkSave(b, benchStore(b)) }
func BenchmarkList(b *testing.B)   { storagetest.BenchmarkList(b, benchStore(b)) }
func BenchmarkUpdate(b *testing.B) { storagetest.BenchmarkUpdate(b, benchStore(b)) }
func BenchmarkEventsByAggregate(b *testing.B) {
	storagetest.BenchmarkEventsByAggregate(b, benchStore(b))
}

// BenchmarkStageMoves8 is the shared benchmark: 8 writers, each reading
// its deal, moving it and saving it with its event under Retry.
func BenchmarkStageMoves8(b *testing.B) { storagetest.BenchmarkStageMoves(b, benchStore(b), 8) }

// BenchmarkPersistedStageMoves8 measures persisted stage moves with 8
// concurrent writers, as 8 reps working their own deals would make them:
// each writer holds dealsPerWriter deals in memory (as a service that just
// read them would) and moves them in turn; a move is deal.Pipeline.Move
// and one Save with its StageChanged event (state and event in one
// statement). It reports moves/s, and beside it pgbench's TPS for its
// built-in simple-update script (pgbench -N -c 8 -j 2 -T 10) against the
// same server in the same run, and the ratio of the two. Without pgbench
// on PATH only moves/s is reported.
func BenchmarkPersistedStageMoves8(b *testing.B) {
	const (
		writers        = 8
		dealsPerWriter = 250
	)
	s := benchStore(b)
	ctx := context.Background()
	p := deal.DefaultPipeline()
	all := make([]deal.Deal, writers*dealsPerWriter)
	events := make([]crmkit.Event, len(all))
	for i := range all {
		all[i], events[i] = testDeal(b, p, "bench-"+strconv.Itoa(i%writers), i)
	}
	if _, err := s.ImportDeals(ctx, all, events); err != nil {
		b.Fatal(err)
	}
	tps, haveTPS := pgbenchTPS(b)

	var next atomic.Int64
	b.SetParallelism((writers + 1) / 2) // RunParallel starts parallelism·GOMAXPROCS goroutines
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var moves atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		w := int(next.Add(1)-1) % writers
		mine := all[w*dealsPerWriter : (w+1)*dealsPerWriter]
		at := t0
		for i := 0; pb.Next(); i++ {
			d := &mine[i%len(mine)]
			to := "negotiation"
			if p.StageName(d.Stage) == "negotiation" {
				to = "bidding"
			}
			at = at.Add(time.Second)
			moved, ev, err := p.Move(*d, to, deal.Cmd{Cmd: crmkit.Cmd{By: "rep", At: at}})
			if err != nil {
				b.Error(err)
				return
			}
			if err := s.Deals().Save(ctx, moved, d.Version, ev); err != nil {
				b.Error(err)
				return
			}
			*d = moved
			moves.Add(1)
		}
	})
	el := time.Since(start).Seconds()
	if el <= 0 {
		return
	}
	rate := float64(moves.Load()) / el
	b.ReportMetric(rate, "moves/s")
	if haveTPS {
		b.ReportMetric(tps, "pgbench-tps")
		b.ReportMetric(rate/tps, "moves/pgbench-tx")
	}
}

var (
	pgbenchOnce   sync.Once
	pgbenchResult float64
	pgbenchErr    error
)

// pgbenchTPS runs pgbench's simple-update script once per process, in a
// schema of its own, and returns its TPS; false when pgbench is not on
// PATH.
func pgbenchTPS(b *testing.B) (float64, bool) {
	b.Helper()
	path, err := exec.LookPath("pgbench")
	if err != nil {
		b.Log("pgbench is not on PATH: no comparison")
		return 0, false
	}
	dsn := testDSN(b)
	pgbenchOnce.Do(func() { pgbenchResult, pgbenchErr = runPgbench(b, path, dsn) })
	if pgbenchErr != nil {
		b.Fatal(pgbenchErr)
	}
	return pgbenchResult, true
}

var tpsLine = regexp.MustCompile(`tps = ([0-9.]+)`)

// runPgbench initialises pgbench's tables in a fresh schema (PGOPTIONS sets
// the search_path of its connections), runs pgbench -N -c 8 -j 2 -T 10,
// and drops the schema.
func runPgbench(b *testing.B, path, dsn string) (float64, error) {
	ctx := context.Background()
	admin, err := postgres.Open(ctx, dsn)
	if err != nil {
		return 0, err
	}
	defer admin.Close()
	schema := "crmkit_pgbench_" + uuid.NewString()[:8]
	if _, err := admin.Pool().Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		return 0, err
	}
	defer func() { _, _ = admin.Pool().Exec(ctx, "DROP SCHEMA "+schema+" CASCADE") }()
	env := append(os.Environ(), "PGOPTIONS=-c search_path="+schema)
	run := func(args ...string) ([]byte, error) {
		cmd := exec.Command(path, append(args, dsn)...)
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if err != nil {
			return nil, fmt.Errorf("pgbench %v: %w: %s", args, err, out.Bytes())
		}
		return out.Bytes(), nil
	}
	if _, err := run("-i", "-q", "-s", "1"); err != nil {
		return 0, err
	}
	out, err := run("-N", "-c", "8", "-j", "2", "-T", "10")
	if err != nil {
		return 0, err
	}
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no tps in pgbench output: %s", out)
	}
	b.Logf("pgbench -N -c 8 -j 2 -T 10:\n%s", out)
	return strconv.ParseFloat(string(m[1]), 64)
}

// BenchmarkImportDeals measures ImportDeals of 100,000 deals with their
// DealCreated events per operation (COPY of both in one transaction) and
// reports deals/s.
func BenchmarkImportDeals(b *testing.B) { benchImport(b, true) }

// BenchmarkImportDealsWithoutEvents measures ImportDeals of 100,000 deals
// without events per operation and reports deals/s.
func BenchmarkImportDealsWithoutEvents(b *testing.B) { benchImport(b, false) }

func benchImport(b *testing.B, withEvents bool) {
	const batch = 100_000
	s := benchStore(b)
	ctx := context.Background()
	p := deal.DefaultPipeline()
	proto := make([]deal.Deal, 1000)
	protoEv := make([]crmkit.Event, len(proto))
	for i := range proto {
		proto[i], protoEv[i] = testDeal(b, p, "owner-"+strconv.Itoa(i%40), i)
	}
	deals := make([]deal.Deal, batch)
	var events []crmkit.Event
	if withEvents {
		events = make([]crmkit.Event, batch)
	}
	b.ReportAllocs()
	b.StopTimer()
	var elapsed time.Duration
	imported := 0
	for range b.N {
		for i := range deals {
			deals[i] = proto[i%len(proto)]
			deals[i].ID = crmkit.NewID()
			if withEvents {
				events[i] = protoEv[i%len(proto)]
				events[i].ID, events[i].AggregateID = crmkit.NewID(), deals[i].ID
			}
		}
		start := time.Now()
		b.StartTimer()
		n, err := s.ImportDeals(ctx, deals, events)
		b.StopTimer()
		elapsed += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		imported += int(n)
	}
	if elapsed > 0 {
		b.ReportMetric(float64(imported)/elapsed.Seconds(), "deals/s")
	}
}

// BenchmarkFeed is the change feed's figures: commit-to-handler latency
// and events delivered to 2 consumers while 8 writers write, beside the
// write rate without consumers (see storagetest.BenchmarkFeed).
func BenchmarkFeed(b *testing.B) { storagetest.BenchmarkFeed(b, benchStore(b)) }
