package sqlbench_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/internal/sqlbench"
	"github.com/jackc/pgx/v5/pgxpool"
)

var sink any

// conn acquires a connection of its own with
// max_parallel_workers_per_gather set to workers (0: serial plans).
func conn(b *testing.B, p *pgxpool.Pool, workers int) *pgxpool.Conn {
	b.Helper()
	ctx := context.Background()
	c, err := p.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Release)
	// SET takes no parameters; set_config does.
	if _, err := c.Exec(ctx, "SELECT set_config('max_parallel_workers_per_gather', $1, false)", strconv.Itoa(workers)); err != nil {
		b.Fatal(err)
	}
	return c
}

// drain runs a query and reads every row.
func drain(b *testing.B, db sqlbench.DB, sql string, args ...any) int {
	rows, err := db.Query(context.Background(), sql, args...)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkSummary1M is issue 7's comparison: the summary report (per
// stage count, amount, conversion, mean time to close) over 1,000,000
// deals held as values, by funnel.Summarize, beside PostgreSQL
// computing it with one GROUP BY over the same rows in the same run,
// serial (max_parallel_workers_per_gather = 0) and with 2 parallel
// workers; minimal is the smallest GROUP BY the issue names (per current stage:
// count, sum of amounts, mean cycle of the won deals), which is not the
// whole report. x-slice is each path's time over Summarize's.
func BenchmarkSummary1M(b *testing.B) {
	const n = 1_000_000
	ctx := context.Background()
	deals := benchDeals(n)
	p := pool(b)
	s := sqlbench.Store{DB: p, Schema: schema(b, p)}
	if err := s.CreateTable(ctx); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if _, err := s.Load(ctx, deals); err != nil {
		b.Fatal(err)
	}
	b.Logf("COPY of %d deals: %s", n, time.Since(start).Round(time.Millisecond))
	if _, err := p.Exec(ctx, "VACUUM (FREEZE, ANALYZE) "+s.Table()); err != nil {
		b.Fatal(err)
	}
	serial, parallel := conn(b, p, 0), conn(b, p, 2)
	minimal := `SELECT stage, count(*), sum(amount),
	avg(date_part('epoch', closed - origin)) FILTER (WHERE status = 2)
FROM ` + s.Table() + ` GROUP BY stage`

	var goNs float64
	report := func(b *testing.B) float64 {
		ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(ns/1e6, "ms/report")
		b.ReportMetric(ns/n, "ns/deal")
		if goNs > 0 {
			b.ReportMetric(ns/goNs, "x-slice")
		}
		return ns
	}
	b.Run("go-Summarize", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r, err := funnel.Summarize(benchStages, slices.Values(deals), summaryQuery)
			if err != nil {
				b.Fatal(err)
			}
			sink = r
		}
		goNs = report(b)
	})
	for _, c := range []struct {
		name string
		db   *pgxpool.Conn
	}{{"serial", serial}, {"parallel2", parallel}} {
		b.Run("sql-groupby-"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = drain(b, c.db, sqlbench.SummaryQuery(s.Table()), benchAsOf)
			}
			report(b)
		})
		b.Run("sql-minimal-"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = drain(b, c.db, minimal)
			}
			report(b)
		})
	}
}
