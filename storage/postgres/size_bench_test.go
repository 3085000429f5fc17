package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/storage/postgres"
	"github.com/google/uuid"
)

// BenchmarkStorageSize measures what deals with one event each take on
// disk (issue #24, storage per deal) under the schema of version 16 and
// the deal JSON older code wrote ("before": migrations up to 0016, a
// trigger adding "probability": null to every body and DealCreated
// payload as that code did) beside this code's schema and JSON ("after"),
// loaded the same way in the same run: heap, TOAST, the JSON body and
// event payload (pg_column_size), every index, per million deals. At each
// size it then times, alternating between the two, a stage-move Save,
// ByAggregate and Get (scaleReps each, median and p99 in ms). On demand:
//
//	CRMKIT_POSTGRES_DSN=... CRMKIT_SIZE=10000,100000 \
//	  go test ./storage/postgres -run '^$' -bench BenchmarkStorageSize -benchtime 1x -timeout 60m -v
//
// CRMKIT_SIZE_BARE=1 adds a third schema, this code's without the deals
// indexes of the List filters, to see what they cost a Save.
// CRMKIT_SIZE_PREV=1 adds the schema of the version before this code's
// (postgres.SchemaVersion-1) written by this code, "prev": what the last
// migration costs.
func BenchmarkStorageSize(b *testing.B) {
	sizes := scaleSizes(b, "CRMKIT_SIZE", "storage size benchmark")
	ctx := context.Background()
	type side struct {
		name string
		db   *postgres.DB
		s    *postgres.Store
		ids  []uuid.UUID
		hot  []deal.Deal
	}
	before := &side{name: "before", db: oldSchemaDB(b, 16)}
	// What code of schema version 16 wrote: "probability": null in every
	// deal body and DealCreated payload without an override.
	if _, err := before.db.Pool().Exec(ctx, `
		CREATE FUNCTION old_body() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NOT NEW.body ? 'probability' THEN
				NEW.body := NEW.body || '{"probability": null}';
			END IF;
			RETURN NEW;
		END $$;
		CREATE FUNCTION old_payload() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.type = 'DealCreated' AND NOT NEW.payload ? 'probability' THEN
				NEW.payload := NEW.payload || '{"probability": null}';
			END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER old_body BEFORE INSERT OR UPDATE ON deals FOR EACH ROW EXECUTE FUNCTION old_body();
		CREATE TRIGGER old_payload BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION old_payload()`); err != nil {
		b.Fatal(err)
	}
	after := &side{name: "after", db: newDB(b, postgres.MaxConns(4))}
	sides := []*side{before, after}
	if os.Getenv("CRMKIT_SIZE_BARE") != "" {
		// A third schema, this code's without the deals indexes List
		// filters need: what those indexes cost a Save.
		bare := &side{name: "bare", db: newDB(b, postgres.MaxConns(4))}
		if _, err := bare.db.Pool().Exec(ctx, `DROP INDEX deals_owner, deals_stage, deals_status, deals_pipeline,
			deals_account_id, deals_expected_close, deals_custom, deals_owner_expected_close`); err != nil {
			b.Fatal(err)
		}
		sides = append(sides, bare)
	}
	if os.Getenv("CRMKIT_SIZE_PREV") != "" {
		sides = append(sides, &side{name: "prev", db: oldSchemaDB(b, postgres.SchemaVersion-1)})
	}
	p := deal.DefaultPipeline()
	for _, sd := range sides {
		var err error
		if sd.s, err = sd.db.Tenant("scale"); err != nil {
			b.Fatal(err)
		}
		storeTestAccount(b, sd.s)
	}
	for _, n := range sizes {
		b.Run("deals="+strconv.Itoa(n), func(b *testing.B) {
			sizes := map[string][]int64{}
			var order []string
			for k, sd := range sides {
				start := time.Now()
				if len(sd.ids) == 0 {
					events := make([]crmkit.Event, scaleReps)
					for i := range scaleReps {
						d, e := scaleDeal(b, p, i)
						sd.hot, events[i] = append(sd.hot, d), e
						sd.ids = append(sd.ids, d.ID)
					}
					if _, err := sd.s.ImportDeals(ctx, sd.hot, events); err != nil {
						b.Fatal(err)
					}
				}
				sd.ids = importScale(b, sd.s, p, len(sd.ids), n, sd.ids)
				if _, err := sd.db.Pool().Exec(ctx, "VACUUM ANALYZE deals, events"); err != nil {
					b.Fatal(err)
				}
				b.Logf("%s: loaded %d deals in %s", sd.name, n, time.Since(start).Round(time.Second))
				for _, c := range storageComponents(b, sd.db) {
					if _, ok := sizes[c.name]; !ok {
						order = append(order, c.name)
					}
					v := sizes[c.name]
					if v == nil {
						v = make([]int64, len(sides))
					}
					v[k] = c.bytes
					sizes[c.name] = v
				}
			}
			per := func(bytes int64) float64 { return float64(bytes) / float64(n) * 1e6 / (1 << 20) }
			var out strings.Builder
			fmt.Fprintf(&out, "%-34s", "MiB per million deals")
			for _, sd := range sides {
				fmt.Fprintf(&out, " %10s", sd.name)
			}
			for _, name := range order {
				fmt.Fprintf(&out, "\n%-34s", name)
				for _, v := range sizes[name] {
					fmt.Fprintf(&out, " %10.1f", per(v))
				}
			}
			for k, sd := range sides {
				b.ReportMetric(per(sizes["total"][k])/1024, sd.name+"-GiB/M-deals")
			}
			b.Logf("on disk at %d deals, one event each\n%s", n, out.String())

			// Operations, the two schemas alternating, on the same data.
			end := scaleAt(n)
			rng := rand.New(rand.NewPCG(uint64(n), 2))
			picks := make([]int, scaleReps)
			for i := range picks {
				picks[i] = rng.IntN(n)
			}
			ops := []struct {
				name string
				run  func(sd *side, i int) error
			}{
				{"get", func(sd *side, i int) error {
					_, err := sd.s.Deals().Get(ctx, sd.ids[picks[i]])
					return err
				}},
				{"by-aggregate", func(sd *side, i int) error {
					for _, err := range sd.s.Events().ByAggregate(ctx, sd.ids[picks[i]]) {
						if err != nil {
							return err
						}
					}
					return nil
				}},
				{"save-move", func(sd *side, i int) error {
					d := &sd.hot[i%len(sd.hot)]
					to := "negotiation"
					if p.StageName(d.Stage) == "negotiation" {
						to = "bidding"
					}
					moved, ev, err := p.Move(*d, to, deal.Cmd{Cmd: crmkit.Cmd{By: "rep", At: end.Add(time.Duration(i) * time.Second)}})
					if err != nil {
						return err
					}
					if err := sd.s.Deals().Save(ctx, moved, d.Version, ev); err != nil {
						return err
					}
					*d = moved
					return nil
				}},
			}
			var table strings.Builder
			fmt.Fprintf(&table, "%-14s", "ms p50 / p99")
			for _, sd := range sides {
				fmt.Fprintf(&table, " %21s", sd.name)
			}
			for _, op := range ops {
				ds := make([][]time.Duration, len(sides))
				for k := range ds {
					ds[k] = make([]time.Duration, scaleReps)
				}
				for i := range scaleReps {
					for k := range sides {
						j := (k + i) % len(sides) // rotate which goes first
						t := time.Now()
						if err := op.run(sides[j], i); err != nil {
							b.Fatalf("%s %s: %v", sides[j].name, op.name, err)
						}
						ds[j][i] = time.Since(t)
					}
				}
				fmt.Fprintf(&table, "\n%-14s", op.name)
				for k, sd := range sides {
					p50, p99 := quantiles(ds[k])
					b.ReportMetric(p50, sd.name+"-"+op.name+"-p50-ms")
					fmt.Fprintf(&table, " %10.2f / %8.2f", p50, p99)
				}
			}
			b.Logf("%d deals, the schemas alternating\n%s", n, table.String())
		})
	}
}

// oldSchemaDB opens a fresh schema migrated to version (and no further)
// by the embedded migrations, as a database of that version is.
func oldSchemaDB(b *testing.B, version int) *postgres.DB {
	ctx := context.Background()
	db, schema := openSchema(b, testDSN(b), postgres.MaxConns(4))
	for _, sql := range []string{"CREATE SCHEMA " + schema,
		`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`} {
		if _, err := db.Pool().Exec(ctx, sql); err != nil {
			b.Fatal(err)
		}
	}
	for _, m := range postgres.Migrations() {
		if m.Version > version {
			break
		}
		if _, err := db.Pool().Exec(ctx, m.SQL); err != nil {
			b.Fatalf("%s: %v", m.Name, err)
		}
		if _, err := db.Pool().Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// storageComponent is one measured part of the storage: bytes on disk.
type storageComponent struct {
	name  string
	bytes int64
}

// storageComponents measures deals and events: each table's heap (main
// fork), free space and visibility maps, TOAST (with its index), the
// stored size of the JSON column, every index, and the total.
func storageComponents(b *testing.B, db *postgres.DB) []storageComponent {
	ctx := context.Background()
	var out []storageComponent
	var total int64
	for _, table := range []string{"deals", "events"} {
		col := map[string]string{"deals": "body", "events": "payload"}[table]
		var heap, maps, toast, json, idx int64
		if err := db.Pool().QueryRow(ctx, `SELECT pg_relation_size(c.oid), pg_relation_size(c.oid, 'fsm') + pg_relation_size(c.oid, 'vm'),
			coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0), pg_indexes_size(c.oid),
			(SELECT coalesce(sum(pg_column_size(`+col+`)), 0) FROM `+table+`)
			FROM pg_class c WHERE c.oid = $1::regclass`, table).Scan(&heap, &maps, &toast, &idx, &json); err != nil {
			b.Fatal(err)
		}
		total += heap + maps + toast + idx
		out = append(out, storageComponent{table + " heap", heap}, storageComponent{"  of which " + col + " (stored)", json},
			storageComponent{table + " TOAST", toast}, storageComponent{table + " FSM+VM", maps}, storageComponent{table + " indexes", idx})
		rows, err := db.Pool().Query(ctx, `SELECT i.relname, pg_relation_size(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
			WHERE x.indrelid = $1::regclass ORDER BY i.relname`, table)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var c storageComponent
			if err := rows.Scan(&c.name, &c.bytes); err != nil {
				b.Fatal(err)
			}
			c.name = "  " + c.name
			out = append(out, c)
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
	}
	// What the JSON would take without what other columns hold (not
	// cuts made: see BENCHMARKS.md): the body without the fields of the
	// deal's columns, the creation payload without its ID (the event's
	// aggregate_id).
	var body, payload int64
	if err := db.Pool().QueryRow(ctx, `SELECT (SELECT coalesce(sum(pg_column_size(body - $1::text[])), 0) FROM deals),
		(SELECT coalesce(sum(pg_column_size(payload - 'id')), 0) FROM events WHERE type = 'DealCreated')`,
		[]string{"id", "version", "pipeline", "pipeline_version", "stage", "status", "owner", "close_date", "account_id", "contact_id",
			"amount", "created_at", "stage_entered_at", "type", "campaign_id"}).Scan(&body, &payload); err != nil {
		b.Fatal(err)
	}
	return append(out, storageComponent{"total", total},
		storageComponent{"(body without column fields)", body}, storageComponent{"(DealCreated payload without id)", payload})
}
