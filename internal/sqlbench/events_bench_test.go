package sqlbench_test

import (
	"context"
	"fmt"
	"iter"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/funneltest"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// benchEvents yields the records of funnel's own benchmarks
// (funneltest.SyntheticEvents with the same stages and start).
func benchEvents(n int) iter.Seq[funnel.Record] {
	return funneltest.SyntheticEvents(benchStages, benchStart, n)
}

// The SQL equivalents of the full report's parts, over the events table
// %[1]s: time in stage with LEAD() (completed stays up to $1), cohorts by
// month of creation (entities and wins), the pipeline as of $1 (open
// entities: the last record at or before $1 is a creation or a stage).
const (
	stayQuery = `SELECT stage, count(*), sum(d), min(d), max(d) FROM (
	SELECT kind, stage, (date_part('epoch', lead(at) OVER w - at) * 1000000)::bigint AS d
	FROM %[1]s WHERE at <= $1 WINDOW w AS (PARTITION BY entity ORDER BY seq)) AS t
WHERE kind = 2 AND d IS NOT NULL GROUP BY stage`
	cohortQuery = `SELECT date_trunc('month', created, 'UTC') AS m, count(*), count(*) FILTER (WHERE won)
FROM (SELECT entity, min(at) FILTER (WHERE kind = 1) AS created, bool_or(kind = 3) AS won
	FROM %[1]s WHERE at <= $1 GROUP BY entity) AS e GROUP BY m`
	pipelineQuery = `SELECT count(*) FROM (
	SELECT DISTINCT ON (entity) kind FROM %[1]s WHERE at <= $1 ORDER BY entity, seq DESC) AS t
WHERE kind IN (1, 2)`
)

// BenchmarkFullReport is issue 7's second comparison: the full report
// (time in stage, cohorts by month, the pipeline as of a date) from
// events, by funnel.SummarizeRecords and funnel.Replay over a generator, beside the
// equivalent SQL with window functions over the same events in a table,
// in the same run. It uses 1,000,000 events unless CRMKIT_BENCH_EVENTS
// says otherwise (the figure is 10,000,000:
// CRMKIT_BENCH_EVENTS=10000000; loading them takes a few minutes).
func BenchmarkFullReport(b *testing.B) {
	n := 1_000_000
	if v := os.Getenv("CRMKIT_BENCH_EVENTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("CRMKIT_BENCH_EVENTS=%q is not a positive count", v)
		}
	}
	ctx := context.Background()
	p := pool(b)
	sch := schema(b, p)
	tbl := pgx.Identifier{sch, "events"}.Sanitize()
	if _, err := p.Exec(ctx, `CREATE TABLE `+tbl+` (entity uuid NOT NULL, seq integer NOT NULL,
		at timestamptz NOT NULL, kind smallint NOT NULL, stage integer NOT NULL, amount bigint NOT NULL,
		owner text NOT NULL, PRIMARY KEY (entity, seq))`); err != nil {
		b.Fatal(err)
	}
	// Stream the generated events into COPY: ten million rows never sit in
	// memory at once.
	next, stop := iter.Pull(benchEvents(n))
	defer stop()
	var prev uuid.UUID
	seq := int32(0)
	row := make([]any, 7)
	start := time.Now()
	copied, err := p.CopyFrom(ctx, pgx.Identifier{sch, "events"}, []string{"entity", "seq", "at", "kind", "stage", "amount", "owner"},
		pgx.CopyFromFunc(func() ([]any, error) {
			r, ok := next()
			if !ok {
				return nil, nil
			}
			if r.Entity != prev {
				prev, seq = r.Entity, 0
			}
			seq++
			row[0], row[1], row[2], row[3], row[4], row[5], row[6] = r.Entity, seq, r.At, int16(r.Kind), int32(r.Stage), r.Amount.Minor(), r.Dims.Owner
			return row, nil
		}))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("COPY of %d events: %s", copied, time.Since(start).Round(time.Millisecond))
	if _, err := p.Exec(ctx, "VACUUM (FREEZE, ANALYZE) "+tbl); err != nil {
		b.Fatal(err)
	}
	asOf := benchStart.Add(200 * 24 * time.Hour)
	per := func(b *testing.B) {
		ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(ns/1e6, "ms/report")
		b.ReportMetric(ns/float64(n), "ns/record")
	}
	b.Run("go-report", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rep, err := funnel.SummarizeRecords(benchStages, benchEvents(n), funnel.Query{AsOf: benchAsOf, By: []funnel.Dimension{funnel.ByPeriod}})
			if err != nil {
				b.Fatal(err)
			}
			sink = rep
		}
		per(b)
	})
	b.Run("go-pipeline-as-of", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			open := 0
			for o, err := range funnel.Replay(benchStages, benchEvents(n), asOf) {
				if err != nil {
					b.Fatal(err)
				}
				if o.Status == funnel.Open {
					open++
				}
			}
			sink = open
		}
		per(b)
	})
	b.Run("go-generator-only", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			k := 0
			for range benchEvents(n) {
				k++
			}
			sink = k
		}
		per(b)
	})
	// The whole report, both passes at once on the two cores: the report
	// with time in stage and cohorts, and the pipeline as of a date.
	b.Run("go-full-concurrent", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var (
				wg      sync.WaitGroup
				rep     funnel.Report
				repErr  error
				open    int
				openErr error
			)
			wg.Go(func() {
				rep, repErr = funnel.SummarizeRecords(benchStages, benchEvents(n), funnel.Query{AsOf: benchAsOf, By: []funnel.Dimension{funnel.ByPeriod}})
			})
			wg.Go(func() {
				for o, err := range funnel.Replay(benchStages, benchEvents(n), asOf) {
					if err != nil {
						openErr = err
						return
					}
					if o.Status == funnel.Open {
						open++
					}
				}
			})
			wg.Wait()
			if repErr != nil || openErr != nil {
				b.Fatal(repErr, openErr)
			}
			sink = [2]any{rep, open}
		}
		per(b)
	})
	// The whole report from one read of the records: the generator runs
	// once and both passes read its batches, at once (fullReportOneRead).
	b.Run("go-full-one-read", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rep, open, err := fullReportOneRead(benchStages, benchEvents(n), funnel.Query{AsOf: benchAsOf, By: []funnel.Dimension{funnel.ByPeriod}}, asOf)
			if err != nil {
				b.Fatal(err)
			}
			sink = [2]any{rep, open}
		}
		per(b)
	})
	for _, workers := range []int{0, 2} {
		c := conn(b, p, workers)
		for _, q := range []struct {
			name, sql string
			at        time.Time
		}{{"stay", stayQuery, benchAsOf}, {"cohorts", cohortQuery, benchAsOf}, {"pipeline-as-of", pipelineQuery, asOf}} {
			b.Run(fmt.Sprintf("sql-%s-workers=%d", q.name, workers), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					sink = drain(b, c, fmt.Sprintf(q.sql, tbl), q.at)
				}
				per(b)
			})
		}
	}
}
