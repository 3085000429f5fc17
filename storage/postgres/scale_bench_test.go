package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/postgres"
	"github.com/google/uuid"
)

// The scale benchmark of issue #24, on demand: CRMKIT_SCALE lists the
// deal counts one tenant grows to, such as "10000,100000,1000000"; at
// each it measures every operation scaleReps times and reports median
// and p99 (ms) and the growth of each median from the first size. Deals
// are imported (ImportDeals, COPY) with their DealCreated event, created
// scaleGap apart with close dates 30 days after creation, so close dates
// follow ID order; 50 owners; one account. It also reports what a
// million deals take on disk. Run:
//
//	CRMKIT_POSTGRES_DSN=... CRMKIT_SCALE=10000,100000,1000000 \
//	  go test ./storage/postgres -run '^$' -bench BenchmarkScale -benchtime 1x -timeout 3h
//
// CRMKIT_SCALE_TENANTS=1000x1000 measures 1,000 tenants of 1,000 deals
// each instead (Get, Save and List of one tenant among them).

const (
	scaleReps  = 250
	scaleGap   = 30 * time.Second
	scaleBatch = 20000
	scalePage  = 50
	// scaleOldMax is the largest size the old statements run at.
	scaleOldMax = 3_000_000
)

var scaleT0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// scaleAt is the creation time of the i-th deal.
func scaleAt(i int) time.Time { return scaleT0.Add(time.Duration(i) * scaleGap) }

// scaleDeal is the i-th generated deal and its creation event.
func scaleDeal(b *testing.B, p *deal.Pipeline, i int) (deal.Deal, crmkit.Event) {
	at := scaleAt(i)
	// The deals Save moves (the first scaleReps) start in bidding and
	// negotiation, alternately, and the moves keep half in each: the
	// stage Lists return a page at every size.
	stage := ""
	if i < scaleReps {
		stage = [2]string{"bidding", "negotiation"}[i%2]
	}
	d, e, err := deal.New(p, deal.NewDeal{Stage: stage,
		Name: "Deal " + strconv.Itoa(i), Type: deal.NewBusiness,
		Amount:    crmkit.MustMoney(fmt.Sprintf("%d.00", 1000+i%5000), "EUR"),
		CloseDate: at.AddDate(0, 0, 30), AccountID: testAccount, ContactID: testContact, Owner: "o" + strconv.Itoa(i%50),
	}, deal.Cmd{Cmd: crmkit.Cmd{By: "importer", At: at}})
	if err != nil {
		b.Fatal(err)
	}
	return d, e
}

// scaleSizes returns the deal counts the environment variable name lists
// (comma-separated), or skips the benchmark, named what, when it is unset.
func scaleSizes(b *testing.B, name, what string) []int {
	env := os.Getenv(name)
	if env == "" {
		b.Skipf("%s is not set: the %s runs on demand", name, what)
	}
	var sizes []int
	for _, f := range strings.Split(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < scaleReps {
			b.Fatalf("%s: %q is not a deal count of at least %d", name, f, scaleReps)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// scaleOp is one measured operation: run does it once for repetition i.
type scaleOp struct {
	name string
	reps int
	run  func(i int) error
}

// quantiles returns the median and the 99th percentile of ds in ms.
func quantiles(ds []time.Duration) (p50, p99 float64) {
	slices.Sort(ds)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return ms(ds[len(ds)/2]), ms(ds[min(len(ds)-1, len(ds)*99/100)])
}

// importScale imports deals from..to-1 of tenant s, keeping their IDs.
func importScale(b *testing.B, s *postgres.Store, p *deal.Pipeline, from, to int, ids []uuid.UUID) []uuid.UUID {
	ctx := context.Background()
	for lo := from; lo < to; lo += scaleBatch {
		hi := min(lo+scaleBatch, to)
		deals := make([]deal.Deal, 0, hi-lo)
		events := make([]crmkit.Event, 0, hi-lo)
		for i := lo; i < hi; i++ {
			d, e := scaleDeal(b, p, i)
			deals, events = append(deals, d), append(events, e)
			ids = append(ids, d.ID)
		}
		if _, err := s.ImportDeals(ctx, deals, events); err != nil {
			b.Fatal(err)
		}
	}
	return ids
}

func BenchmarkScale(b *testing.B) {
	if os.Getenv("CRMKIT_SCALE_TENANTS") != "" {
		benchScaleTenants(b)
		return
	}
	sizes := scaleSizes(b, "CRMKIT_SCALE", "scale benchmark")
	ctx := context.Background()
	db := newDB(b, postgres.MaxConns(4))
	s, err := db.Tenant("scale")
	if err != nil {
		b.Fatal(err)
	}
	storeTestAccount(b, s)
	p := deal.DefaultPipeline()
	// The deals Save moves: the first scaleReps, kept current here.
	var hot []deal.Deal
	var ids []uuid.UUID
	first := map[string]float64{}
	for _, n := range sizes {
		b.Run("deals="+strconv.Itoa(n), func(b *testing.B) {
			start := time.Now()
			if len(ids) == 0 {
				events := make([]crmkit.Event, scaleReps)
				for i := range scaleReps {
					d, e := scaleDeal(b, p, i)
					hot, events[i] = append(hot, d), e
					ids = append(ids, d.ID)
				}
				if _, err := s.ImportDeals(ctx, hot, events); err != nil {
					b.Fatal(err)
				}
			}
			ids = importScale(b, s, p, len(ids), n, ids)
			if _, err := db.Pool().Exec(ctx, "VACUUM ANALYZE deals, events"); err != nil {
				b.Fatal(err)
			}
			b.Logf("loaded %d deals in %s", n, time.Since(start).Round(time.Second))
			scaleSize(b, db, n)

			rng := rand.New(rand.NewPCG(uint64(n), 1))
			end := scaleAt(n)
			week := storage.DealFilter{CloseFrom: end.AddDate(0, 0, 23), CloseTo: end.AddDate(0, 0, 30)}
			deep := storage.EncodeCursor(ids[len(ids)*3/4])
			// A deep page of "close in the next 90 days" in date order:
			// after the deal closing 15 days after end (created 15 days
			// before it), or the middle one if fewer deals exist.
			mid := n - int(15*24*time.Hour/scaleGap)
			if mid < 0 {
				mid = n / 2
			}
			deep90 := storage.EncodeCursorAt(scaleAt(mid).AddDate(0, 0, 30), ids[mid])
			list := func(f storage.DealFilter, after storage.Cursor) func(int) error {
				return func(int) error {
					_, _, err := s.Deals().List(ctx, f, storage.Page{Size: scalePage, After: after})
					return err
				}
			}
			ops := []scaleOp{
				{"get", scaleReps, func(int) error {
					_, err := s.Deals().Get(ctx, ids[rng.IntN(len(ids))])
					return err
				}},
				{"list-first", scaleReps, list(storage.DealFilter{}, "")},
				{"list-deep", scaleReps, list(storage.DealFilter{}, deep)},
				{"list-owner", scaleReps, list(storage.DealFilter{Owner: "o7"}, "")},
				{"list-owner-deep", scaleReps, list(storage.DealFilter{Owner: "o7"}, deep)},
				{"list-stage", scaleReps, list(storage.DealFilter{Stages: []int{0}}, deep)},
				{"list-stage-rare", scaleReps, list(storage.DealFilter{Stages: []int{2}}, "")},
				{"list-stages", scaleReps, list(storage.DealFilter{Stages: []int{1, 2}}, "")},
				{"list-status-rare", scaleReps, list(storage.DealFilter{Status: deal.Won}, "")},
				{"list-pipeline", scaleReps, list(storage.DealFilter{Pipeline: p.ID()}, deep)},
				{"list-close-week", scaleReps, list(week, "")},
				{"list-close-90d", scaleReps, list(storage.DealFilter{CloseFrom: end, CloseTo: end.AddDate(0, 0, 90)}, "")},
				{"list-close-90d-deep", scaleReps, list(storage.DealFilter{CloseFrom: end, CloseTo: end.AddDate(0, 0, 90)}, deep90)},
				{"list-owner-close-week", scaleReps, list(storage.DealFilter{Owner: "o7", CloseFrom: week.CloseFrom, CloseTo: week.CloseTo}, "")},
				// The range statement of schema version 14 beside the
				// date-order one: a page in ID order cut from the
				// window's IDs (the range index read whole).
				{"v14-close-week", scaleReps, windowSQL(db, `expected_close >= $4 AND expected_close < $5`, week.CloseFrom, week.CloseTo)},
				{"v14-close-90d", scaleReps, windowSQL(db, `expected_close >= $4 AND expected_close < $5`, end, end.AddDate(0, 0, 90))},
				{"v14-owner-close-week", scaleReps, windowSQL(db, `owner = $4 AND expected_close >= $5 AND expected_close < $6`, "o7", week.CloseFrom, week.CloseTo)},
				// The statements of schema version 10 beside the
				// builder's, in the same run: the close-date range and a
				// stage set as plain conditions of the id-ordered walk;
				// 25 times, as they take seconds from 1M deals on.
				{"old-sql-close-week", 25, oldSQL(db, `expected_close >= $4 AND expected_close < $5`, week.CloseFrom, week.CloseTo)},
				{"old-sql-close-90d", 25, oldSQL(db, `expected_close >= $4 AND expected_close < $5`, end, end.AddDate(0, 0, 90))},
				{"old-sql-stages", 25, oldSQL(db, `stage = ANY($4::int2[])`, []int16{1, 2})},
				{"old-sql-owner-close-week", 25, oldSQL(db, `owner = $4 AND expected_close >= $5 AND expected_close < $6`, "o7", week.CloseFrom, week.CloseTo)},
				{"by-aggregate", scaleReps, func(int) error {
					for _, err := range s.Events().ByAggregate(ctx, ids[rng.IntN(len(ids))]) {
						if err != nil {
							return err
						}
					}
					return nil
				}},
				{"between-day", 25, func(int) error {
					for _, err := range s.Events().Between(ctx, crmkit.Period{Start: end.AddDate(0, 0, -1), End: end}) {
						if err != nil {
							return err
						}
					}
					return nil
				}},
				// The whole tenant's funnel (AggregateFunnel takes no
				// selection): a scan of every deal by nature.
				{"funnel-all", 5, func(int) error {
					_, err := s.AggregateFunnel(ctx, p, funnel.Query{AsOf: end.AddDate(0, 0, 1), Quantiles: crmkit.QuantilesNone})
					return err
				}},
				// The funnel a dashboard reads: the live summary kept by
				// every deal write (storage.Projections), by owner: O(groups)
				// whatever the number of deals.
				{"funnel-live", scaleReps, func(int) error {
					live, err := s.LiveDeals(ctx)
					if err != nil {
						return err
					}
					_, err = live.Report(p, funnel.Query{AsOf: end.AddDate(0, 0, 1), Quantiles: crmkit.QuantilesNone, By: []funnel.Dimension{funnel.ByOwner}})
					return err
				}},
				// Last: its updates leave dead row versions among the
				// first IDs, which the lists above would walk over until
				// the next VACUUM.
				{"save-move", scaleReps, func(i int) error {
					d := &hot[i%len(hot)]
					to := "negotiation"
					if p.StageName(d.Stage) == "negotiation" {
						to = "bidding"
					}
					moved, ev, err := p.Move(*d, to, deal.Cmd{Cmd: crmkit.Cmd{By: "rep", At: end.Add(time.Duration(i) * time.Second)}})
					if err != nil {
						return err
					}
					if err := s.Deals().Save(ctx, moved, d.Version, ev); err != nil {
						return err
					}
					*d = moved
					return nil
				}},
			}
			if n > scaleOldMax {
				// The old statements read the tenant for each page:
				// tens of seconds each at this size, and their growth is
				// known from the smaller sizes.
				ops = slices.DeleteFunc(ops, func(op scaleOp) bool { return strings.HasPrefix(op.name, "old-sql-") })
				b.Logf("old-sql-* not run above %d deals", scaleOldMax)
			}
			var table strings.Builder
			fmt.Fprintf(&table, "%-22s %9s %9s %7s\n", "operation", "p50 ms", "p99 ms", "growth")
			for _, op := range ops {
				ds := make([]time.Duration, op.reps)
				for i := range op.reps {
					t := time.Now()
					if err := op.run(i); err != nil {
						b.Fatalf("%s: %v", op.name, err)
					}
					ds[i] = time.Since(t)
				}
				p50, p99 := quantiles(ds)
				if _, ok := first[op.name]; !ok {
					first[op.name] = p50
				}
				growth := p50 / max(first[op.name], 0.001)
				b.ReportMetric(p50, op.name+"-p50-ms")
				b.ReportMetric(p99, op.name+"-p99-ms")
				fmt.Fprintf(&table, "%-22s %9.2f %9.2f %6.1fx\n", op.name, p50, p99, growth)
			}
			b.Logf("%d deals, one tenant (growth: median over the first size's)\n%s", n, table.String())
		})
	}
}

// scaleSize logs what the deals and their events take on disk, scaled to
// a million deals: tables (with TOAST), each index, the JSON bodies and
// event payloads.
func scaleSize(b *testing.B, db *postgres.DB, n int) {
	ctx := context.Background()
	per := func(bytes int64) string { return fmt.Sprintf("%7.1f MiB", float64(bytes)/float64(n)*1e6/(1<<20)) }
	var out strings.Builder
	var total int64
	for _, table := range []string{"deals", "events"} {
		var heap, idx, body int64
		col := map[string]string{"deals": "body", "events": "payload"}[table]
		if err := db.Pool().QueryRow(ctx, `SELECT pg_table_size($1::regclass), pg_indexes_size($1::regclass),
			(SELECT coalesce(sum(pg_column_size(`+col+`)), 0) FROM `+table+`)`, table).Scan(&heap, &idx, &body); err != nil {
			b.Fatal(err)
		}
		total += heap + idx
		fmt.Fprintf(&out, "%-36s %s\n%-36s %s\n%-36s %s\n", table+" table (heap+TOAST)", per(heap), "  of which "+col+" (stored)", per(body), table+" indexes", per(idx))
		rows, err := db.Pool().Query(ctx, `SELECT i.relname, pg_relation_size(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
			WHERE x.indrelid = $1::regclass ORDER BY 2 DESC`, table)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var name string
			var size int64
			if err := rows.Scan(&name, &size); err != nil {
				b.Fatal(err)
			}
			fmt.Fprintf(&out, "  %-34s %s\n", name, per(size))
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(total)/float64(n)*1e6/(1<<30), "GiB/M-deals")
	b.Logf("on disk per million deals (measured at %d, one event each): total %s\n%s", n, per(total), out.String())
}

// benchScaleTenants loads 1,000 tenants of 1,000 deals (or what
// CRMKIT_SCALE_TENANTS says, "TxN") and measures one tenant's Get, Save
// and owner List among them.
func benchScaleTenants(b *testing.B) {
	var tenants, per int
	if _, err := fmt.Sscanf(os.Getenv("CRMKIT_SCALE_TENANTS"), "%dx%d", &tenants, &per); err != nil || tenants < 1 || per < scaleReps {
		b.Fatalf("CRMKIT_SCALE_TENANTS: want TENANTSxDEALS, deals at least %d", scaleReps)
	}
	ctx := context.Background()
	db := newDB(b, postgres.MaxConns(4))
	p := deal.DefaultPipeline()
	var s *postgres.Store
	var ids []uuid.UUID
	start := time.Now()
	for t := range tenants {
		var err error
		if s, err = db.Tenant("tenant-" + strconv.Itoa(t)); err != nil {
			b.Fatal(err)
		}
		storeTestAccount(b, s)
		ids = importScale(b, s, p, 0, per, ids[:0])
	}
	if _, err := db.Pool().Exec(ctx, "VACUUM ANALYZE deals, events"); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d tenants x %d deals in %s", tenants, per, time.Since(start).Round(time.Second))
	rng := rand.New(rand.NewPCG(1, 2))
	ops := []scaleOp{
		{"get", scaleReps, func(int) error { _, err := s.Deals().Get(ctx, ids[rng.IntN(len(ids))]); return err }},
		{"list-owner", scaleReps, func(int) error {
			_, _, err := s.Deals().List(ctx, storage.DealFilter{Owner: "o7"}, storage.Page{Size: scalePage})
			return err
		}},
		{"list-close-week", scaleReps, func(int) error {
			end := scaleAt(per)
			_, _, err := s.Deals().List(ctx, storage.DealFilter{CloseFrom: end.AddDate(0, 0, 23), CloseTo: end.AddDate(0, 0, 30)}, storage.Page{Size: scalePage})
			return err
		}},
	}
	for _, op := range ops {
		ds := make([]time.Duration, op.reps)
		for i := range op.reps {
			t := time.Now()
			if err := op.run(i); err != nil {
				b.Fatalf("%s: %v", op.name, err)
			}
			ds[i] = time.Since(t)
		}
		p50, p99 := quantiles(ds)
		b.ReportMetric(p50, op.name+"-p50-ms")
		b.ReportMetric(p99, op.name+"-p99-ms")
	}
}

// windowSQL runs List's statement of schema version 14 for a filter
// with a range (cond over $4...): the IDs of the whole window from the
// range index, the page's IDs in ID order picked from them, then those
// rows read, as List did then.
func windowSQL(db *postgres.DB, cond string, args ...any) func(int) error {
	sql := `SELECT body FROM deals WHERE tenant_id = $1 AND id IN (SELECT id FROM (SELECT id FROM deals
		WHERE tenant_id = $1 AND id > $2 AND NOT archived AND ` + cond + ` OFFSET 0) AS w ORDER BY id LIMIT $3) ORDER BY id`
	return readBodies(db, sql, args)
}

// oldSQL runs List's statement of schema version 10 (the filter's
// conditions on the walk in id order, no index per member or window) with
// cond over $4..., reading the page's bodies as List does.
func oldSQL(db *postgres.DB, cond string, args ...any) func(int) error {
	sql := `SELECT body FROM deals WHERE tenant_id = $1 AND id > $2 AND ` + cond + ` ORDER BY id LIMIT $3`
	return readBodies(db, sql, args)
}

// readBodies runs sql over the tenant, the nil cursor, the page's row
// limit and args, decoding every body as List does.
func readBodies(db *postgres.DB, sql string, args []any) func(int) error {
	return func(int) error {
		rows, err := db.Pool().Query(context.Background(), sql, append([]any{"scale", uuid.Nil, scalePage + 1}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var body []byte
		for rows.Next() {
			if err := rows.Scan(&body); err != nil {
				return err
			}
			var d deal.Deal
			if err := json.Unmarshal(body, &d); err != nil {
				return err
			}
		}
		return rows.Err()
	}
}
