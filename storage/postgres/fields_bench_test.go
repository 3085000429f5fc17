package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// BenchmarkCustomFilter lists one page (100) of leads out of 100,000 with
// a filter on a custom enum field (tier, 10 options, 10,000 leads each)
// beside the same selectivity on a built-in column (owner, 10 owners), in
// one run, and the same custom filter answered by an expression index on
// the field's text instead of the GIN index (the shape a generated column
// takes):
//
//   - builtin_owner: LeadFilter{Owner}, the (tenant_id, owner, id) index;
//   - custom_gin: LeadFilter{Custom}, body->'custom' @> ... over the GIN
//     index of migration 0011 (what List runs);
//   - custom_expr: the same page by body->'custom'->>'tier' = ... over an
//     expression index on (tenant_id, body->'custom'->>'tier', id), with
//     the GIN index dropped, in plain SQL.
func BenchmarkCustomFilter(b *testing.B) {
	ctx := context.Background()
	db := newDB(b)
	s, err := db.Tenant("bench")
	if err != nil {
		b.Fatal(err)
	}
	tiers := make([]string, 10)
	for i := range tiers {
		tiers[i] = fmt.Sprintf("t%d", i)
	}
	sc, ev, err := field.New(lead.LeadKind, []field.Def{{Name: "tier", Type: field.TypeEnum, Options: append(tiers, "rare")}},
		crmkit.Cmd{By: "bench", At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.FieldSchemas().Create(ctx, sc, "", ev); err != nil {
		b.Fatal(err)
	}
	const n = 100_000
	at := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	leads := make([]lead.Lead, n)
	for i := range leads {
		owner, tier := fmt.Sprintf("o%d", i%10), tiers[i%10]
		if i%1000 == 999 { // 100 leads
			owner, tier = "orare", "rare"
		}
		leads[i] = lead.Lead{
			ID: crmkit.NewID(), Who: lead.Person{Name: fmt.Sprintf("Lead %d", i), Company: "Acme"},
			Source: lead.ChannelEmail, Owner: owner, Stage: lead.StageSuspect,
			StageAt: at, CreatedAt: at, UpdatedAt: at, Version: 1,
			Custom: field.Values{"tier": field.Option(tier)},
		}
	}
	for i := 0; i < n; i += 10_000 {
		if _, err := s.ImportLeads(ctx, leads[i:i+10_000], nil); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.Pool().Exec(ctx, `ANALYZE leads`); err != nil {
		b.Fatal(err)
	}
	page := storage.Page{Size: 100}
	check := func(b *testing.B, got []lead.Lead) {
		if len(got) != 100 {
			b.Fatalf("page of %d leads, want 100", len(got))
		}
	}
	for _, sel := range []struct{ name, owner, tier string }{{"10pct", "o3", "t3"}, {"0.1pct", "orare", "rare"}} {
		b.Run("builtin_owner_"+sel.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				got, _, err := s.Leads().List(ctx, storage.LeadFilter{Owner: sel.owner}, page)
				if err != nil {
					b.Fatal(err)
				}
				check(b, got)
			}
		})
		b.Run("custom_gin_"+sel.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				got, _, err := s.Leads().List(ctx, storage.LeadFilter{Custom: field.Values{"tier": field.Option(sel.tier)}}, page)
				if err != nil {
					b.Fatal(err)
				}
				check(b, got)
			}
		})
	}
	if _, err := db.Pool().Exec(ctx, `DROP INDEX leads_custom;
		CREATE INDEX leads_custom_tier ON leads (tenant_id, (body->'custom'->>'tier'), id); ANALYZE leads`); err != nil {
		b.Fatal(err)
	}
	for _, sel := range []struct{ name, tier string }{{"10pct", "t3"}, {"0.1pct", "rare"}} {
		b.Run("custom_expr_"+sel.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rows, err := db.Pool().Query(ctx, `SELECT body FROM leads WHERE tenant_id = $1 AND id > $2
				AND body->'custom'->>'tier' = $3 ORDER BY id LIMIT 101`, "bench", uuid.Nil, sel.tier)
				if err != nil {
					b.Fatal(err)
				}
				k := 0
				for rows.Next() {
					var body []byte
					if err := rows.Scan(&body); err != nil {
						b.Fatal(err)
					}
					var l lead.Lead
					if err := json.Unmarshal(body, &l); err != nil {
						b.Fatal(err)
					}
					k++
				}
				rows.Close()
				if k < 100 {
					b.Fatalf("%d rows, want at least 100", k)
				}
			}
		})
	}
}
