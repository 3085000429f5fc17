package postgres_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage/postgres"
	"github.com/crmkit/crmkit/storage/storagetest"
)

// BenchmarkReports is the shared report benchmark over 2,000 deals
// (imported with ImportDeals): the Source scan, the GROUP BY of the
// Aggregator and the Histories stream beside funnel over the same values
// and events in memory, in one run.
func BenchmarkReports(b *testing.B) {
	s, err := newDB(b).Tenant("reports")
	if err != nil {
		b.Fatal(err)
	}
	storagetest.BenchmarkReports(b, s, 2000)
}

// benchEnvInt returns the positive integer in the environment variable
// name, or 0 when it is unset.
func benchEnvInt(b *testing.B, name string) int {
	v := os.Getenv(name)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

// sourceProtos returns 1,000 deals of p made by pipeline commands: moved
// forward zero to two stages, then left open, won, lost (to one of
// three competitors) or suspended, of 40 owners.
func sourceProtos(b *testing.B, p *deal.Pipeline) []deal.Deal {
	protos := make([]deal.Deal, 1000)
	stages := p.Stages()
	for i := range protos {
		d, _ := testDeal(b, p, "owner-"+strconv.Itoa(i%40), i)
		c := func(k int) deal.Cmd {
			return deal.Cmd{Cmd: crmkit.Cmd{By: "bench", At: t0.Add(time.Duration(k*24+i%24) * time.Hour)}}
		}
		k := 1
		for s := 1; s <= i%3 && s < len(stages)-1; s++ {
			next, _, err := p.Move(d, stages[s].Name, c(k))
			if err != nil {
				b.Fatal(err)
			}
			d, k = next, k+1
		}
		var err error
		next := d
		switch (i / 4) % 4 {
		case 1:
			next, _, err = p.Win(d, deal.Outcome{Summary: "signed"}, c(k))
		case 2:
			next, _, err = p.Lose(d, deal.Outcome{Summary: "lost", Reason: "price", Competitor: "rival-" + strconv.Itoa(i%3)}, c(k))
		case 3:
			cmd := c(k)
			cmd.Reason = "budget freeze"
			next, _, err = p.Suspend(d, cmd.At.AddDate(0, 1, 0), cmd)
		}
		if err != nil {
			b.Fatal(err)
		}
		protos[i] = next
	}
	return protos
}

// BenchmarkSource1M is issue 19's first goal: funnel.Summarize over the
// store's funnel.Source scanning N deals (CRMKIT_BENCH_DEALS, on demand;
// 1,000,000 for the figure), beside, in the same run, the
// smallest GROUP BY that computes per-stage count, amount and mean time to
// close over the same table (serial and with 2 parallel workers), the
// store's funnel.Aggregator and funnel.Summarize over the same deals in a
// slice. The Source's allocations and bytes are reported per deal.
//
//	CRMKIT_BENCH_DEALS=1000000 CRMKIT_POSTGRES_DSN=... go test -run '^$' \
//	  -bench Source1M -benchtime 3x -timeout 30m ./storage/postgres/
func BenchmarkSource1M(b *testing.B) {
	n := benchEnvInt(b, "CRMKIT_BENCH_DEALS")
	if n == 0 {
		b.Skip("set CRMKIT_BENCH_DEALS (1000000 for the issue's figure)")
	}
	ctx := context.Background()
	db := newDB(b, postgres.MaxConns(4))
	s, err := db.Tenant("bench")
	if err != nil {
		b.Fatal(err)
	}
	storeTestAccount(b, s)
	p := deal.DefaultPipeline()
	protos := sourceProtos(b, p)
	opps := make([]funnel.Opportunity, 0, n)
	start := time.Now()
	batch := make([]deal.Deal, 0, 100_000)
	for i := 0; i < n; i += cap(batch) {
		batch = batch[:0]
		for j := i; j < min(n, i+cap(batch)); j++ {
			d := protos[j%len(protos)]
			d.ID = crmkit.NewID()
			batch = append(batch, d)
			opps = append(opps, funnel.OpportunityOf(&d))
		}
		if _, err := s.ImportDeals(ctx, batch, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("imported %d deals in %s", n, time.Since(start).Round(time.Millisecond))
	if _, err := db.Pool().Exec(ctx, "VACUUM (FREEZE, ANALYZE) deals"); err != nil {
		b.Fatal(err)
	}
	q := funnel.Query{AsOf: t0.AddDate(1, 0, 0), Quantiles: crmkit.QuantilesNone}
	want, err := funnel.Summarize(p, slices.Values(opps), q)
	if err != nil {
		b.Fatal(err)
	}
	minimal := `SELECT stage, count(*), sum(amount_minor),
	avg(date_part('epoch', closed_at - created_at)) FILTER (WHERE status = 'won')
FROM deals WHERE tenant_id = $1 GROUP BY stage`
	// The same minimal GROUP BY over the deals the summary counts: the
	// Source, the Aggregator and List leave archived deals out (schema
	// version 16), so a GROUP BY computing the same summary must too, on
	// the archived column (schema version 20).
	sameSummary := `SELECT stage, count(*), sum(amount_minor),
	avg(date_part('epoch', closed_at - created_at)) FILTER (WHERE status = 'won')
FROM deals WHERE tenant_id = $1 AND NOT archived GROUP BY stage`
	var base, baseSame float64
	report := func(b *testing.B) {
		ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(ns/1e6, "ms/report")
		b.ReportMetric(ns/float64(n), "ns/deal")
		if base > 0 {
			b.ReportMetric(ns/base, "x-minimal-serial")
		}
		if baseSame > 0 {
			b.ReportMetric(ns/baseSame, "x-same-summary-serial")
		}
	}
	for _, c := range []struct {
		name  string
		query string
		base  *float64
	}{{"sql-minimal", minimal, &base}, {"sql-minimal-unarchived", sameSummary, &baseSame}} {
		for _, workers := range []int{0, 2} {
			b.Run(fmt.Sprintf("%s-workers%d", c.name, workers), func(b *testing.B) {
				conn, err := db.Pool().Acquire(ctx)
				if err != nil {
					b.Fatal(err)
				}
				defer conn.Release()
				if _, err := conn.Exec(ctx, "SELECT set_config('max_parallel_workers_per_gather', $1, false)", strconv.Itoa(workers)); err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					rows, err := conn.Query(ctx, c.query, "bench")
					if err != nil {
						b.Fatal(err)
					}
					for rows.Next() {
					}
					if err := rows.Err(); err != nil {
						b.Fatal(err)
					}
				}
				report(b)
				if workers == 0 {
					*c.base = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
				}
			})
		}
	}
	check := func(b *testing.B, r funnel.Report) {
		if r.Total.Entities != want.Total.Entities || r.Total.Won != want.Total.Won || r.Total.OpenAmount != want.Total.OpenAmount {
			b.Fatalf("report of %d deals (%d won, open %s), want %d (%d, %s)", r.Total.Entities, r.Total.Won, r.Total.OpenAmount,
				want.Total.Entities, want.Total.Won, want.Total.OpenAmount)
		}
	}
	b.Run("slice", func(b *testing.B) {
		for b.Loop() {
			r, err := funnel.Summarize(p, slices.Values(opps), q)
			if err != nil {
				b.Fatal(err)
			}
			check(b, r)
		}
		report(b)
	})
	b.Run("aggregator", func(b *testing.B) {
		for b.Loop() {
			r, err := s.AggregateFunnel(ctx, p, q)
			if err != nil {
				b.Fatal(err)
			}
			check(b, r)
		}
		report(b)
	})
	b.Run("source", func(b *testing.B) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for b.Loop() {
			var scanErr error
			r, err := funnel.Summarize(p, func(yield func(funnel.Opportunity) bool) {
				for o, err := range s.Opportunities(ctx) {
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
		runtime.ReadMemStats(&after)
		per := float64(b.N) * float64(n)
		b.ReportMetric(float64(after.Mallocs-before.Mallocs)/per, "allocs/deal")
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/per, "B/deal")
		report(b)
	})
}
