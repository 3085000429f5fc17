package postgres_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/storage/postgres"
)

// importColumns are the columns ImportDeals writes, in its COPY order
// (tenant, id, version, body, then dealKind's columns).
const importDealColumns = `tenant_id, id, version, body, pipeline, stage, status, owner, expected_close,
	account_id, contact_id, pipeline_version, amount_minor, currency, created_at, stage_entered_at,
	closed_at, deal_type, campaign_id, competitor, reason`

const importEventColumns = `tenant_id, id, aggregate_kind, aggregate_id, type, actor, at, version,
	from_state, to_state, reason, payload`

// BenchmarkImportBesidePsql is issue 19's import goal: ImportDeals of
// 100,000 deals with their DealCreated events (COPY of both in one
// transaction) beside, in the same run, psql's own COPY of the same rows
// (the rows ImportDeals wrote, exported in binary format) into a second
// schema with the same tables, indexes and constraints, also in one
// transaction (psql -1). It reports deals/s of each and their ratio
// (x-psql: the store's rate over psql's). It needs psql on PATH.
//
//	CRMKIT_POSTGRES_DSN=... go test -run '^$' -bench ImportBesidePsql -benchtime 3x ./storage/postgres/
func BenchmarkImportBesidePsql(b *testing.B) {
	psql, lookErr := exec.LookPath("psql")
	if lookErr != nil {
		b.Skip("no psql on PATH")
	}
	const batch = 100_000
	ctx := context.Background()
	db := newDB(b, postgres.MaxConns(4))
	s, err := db.Tenant("bench")
	if err != nil {
		b.Fatal(err)
	}
	storeTestAccount(b, s)
	dsn := testDSN(b)
	// The second schema, for psql, migrated the same way.
	db2, schema2 := openSchema(b, dsn)
	if err := db2.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	s2, err := db2.Tenant("bench")
	if err != nil {
		b.Fatal(err)
	}
	storeTestAccount(b, s2)
	p := deal.DefaultPipeline()
	proto := make([]deal.Deal, 1000)
	protoEv := make([]crmkit.Event, len(proto))
	for i := range proto {
		proto[i], protoEv[i] = testDeal(b, p, "owner-"+string(rune('a'+i%26)), i)
	}
	deals := make([]deal.Deal, batch)
	events := make([]crmkit.Event, batch)
	dir := b.TempDir()
	dealsFile, eventsFile := filepath.Join(dir, "deals.bin"), filepath.Join(dir, "events.bin")
	var storeTime, psqlTime time.Duration
	b.StopTimer()
	for range b.N {
		for i := range deals {
			deals[i] = proto[i%len(proto)]
			deals[i].ID = crmkit.NewID()
			events[i] = protoEv[i%len(proto)]
			events[i].ID, events[i].AggregateID = crmkit.NewID(), deals[i].ID
		}
		start := time.Now()
		b.StartTimer()
		if _, err := s.ImportDeals(ctx, deals, events); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		storeTime += time.Since(start)
		// The same rows, as the store wrote them, for psql.
		exportRows(b, db, dealsFile, `COPY (SELECT `+importDealColumns+` FROM deals WHERE tenant_id = 'bench' AND id = ANY(`+uuidArray(deals)+`)) TO STDOUT (FORMAT binary)`)
		exportRows(b, db, eventsFile, `COPY (SELECT `+importEventColumns+` FROM events WHERE tenant_id = 'bench' AND aggregate_id = ANY(`+uuidArray(deals)+`)) TO STDOUT (FORMAT binary)`)
		cmd := exec.CommandContext(ctx, psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-1",
			"-c", `\copy deals (`+oneLine(importDealColumns)+`) FROM '`+dealsFile+`' WITH (FORMAT binary)`,
			"-c", `\copy events (`+oneLine(importEventColumns)+`) FROM '`+eventsFile+`' WITH (FORMAT binary)`,
			dsn)
		cmd.Env = append(os.Environ(), "PGOPTIONS=-c search_path="+schema2)
		start = time.Now()
		out, err := cmd.CombinedOutput()
		psqlTime += time.Since(start)
		if err != nil {
			b.Fatalf("psql: %v: %s", err, out)
		}
	}
	storeRate := float64(b.N*batch) / storeTime.Seconds()
	psqlRate := float64(b.N*batch) / psqlTime.Seconds()
	b.ReportMetric(storeRate, "deals/s")
	b.ReportMetric(psqlRate, "psql-deals/s")
	b.ReportMetric(storeRate/psqlRate, "x-psql")
	var n int
	if err := db2.Pool().QueryRow(ctx, "SELECT count(*) FROM deals").Scan(&n); err != nil || n != b.N*batch {
		b.Fatalf("psql copied %d deals (%v), want %d", n, err, b.N*batch)
	}
}

// exportRows writes the output of a COPY ... TO STDOUT run in s's schema
// to file.
func exportRows(b *testing.B, db *postgres.DB, file, copySQL string) {
	b.Helper()
	f, err := os.Create(file)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	c, err := db.Pool().Acquire(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Release()
	if _, err := c.Conn().PgConn().CopyTo(context.Background(), f, copySQL); err != nil {
		b.Fatal(err)
	}
}

// uuidArray is the SQL array literal of the deals' IDs.
func uuidArray(deals []deal.Deal) string {
	var sb strings.Builder
	sb.WriteString("'{")
	for i := range deals {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(deals[i].ID.String())
	}
	sb.WriteString("}'::uuid[]")
	return sb.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
