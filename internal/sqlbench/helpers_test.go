package sqlbench_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/funneltest"
	"github.com/crmkit/crmkit/internal/sqlbench"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
)

// pool connects to CRMKIT_POSTGRES_DSN: skipped when it is unset, a
// failure when it is set but unreachable.
func pool(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	dsn := os.Getenv("CRMKIT_POSTGRES_DSN")
	if dsn == "" {
		tb.Skip("CRMKIT_POSTGRES_DSN is not set")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := pgxpool.New(ctx, dsn)
	if err != nil {
		tb.Fatalf("connect to CRMKIT_POSTGRES_DSN: %v", err)
	}
	tb.Cleanup(p.Close)
	if err := p.Ping(ctx); err != nil {
		tb.Fatalf("ping CRMKIT_POSTGRES_DSN: %v", err)
	}
	return p
}

// schema creates a schema with a random name, dropped (CASCADE) when the
// test ends, and returns its name.
func schema(tb testing.TB, p *pgxpool.Pool) string {
	tb.Helper()
	name := "sqlbench_" + strings.ReplaceAll(uuid.NewString(), "-", "")
	if _, err := p.Exec(context.Background(), "CREATE SCHEMA "+pgx.Identifier{name}.Sanitize()); err != nil {
		tb.Fatalf("create schema %s: %v", name, err)
	}
	tb.Cleanup(func() {
		if _, err := p.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{name}.Sanitize()+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", name, err)
		}
	})
	return name
}

// store returns a Store over a new deals table in a schema of its own.
func store(tb testing.TB) sqlbench.Store {
	tb.Helper()
	p := pool(tb)
	s := sqlbench.Store{DB: p, Schema: schema(tb, p)}
	if err := s.CreateTable(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return s
}

// The stages and deals of funnel's own benchmarks (funnel/bench_test.go):
// the same generator with the same seed, so the figures compare.
var benchStages = pipelineOf(
	deal.Stage{Name: "lead", Probability: decimal.RequireFromString("0.05")},
	deal.Stage{Name: "mql", Probability: decimal.RequireFromString("0.1")},
	deal.Stage{Name: "sql", Probability: decimal.RequireFromString("0.2")},
	deal.Stage{Name: "proposal", Probability: decimal.RequireFromString("0.4"), Forecast: deal.ForecastBestCase},
	deal.Stage{Name: "negotiation", Probability: decimal.RequireFromString("0.6"), Forecast: deal.ForecastBestCase},
	deal.Stage{Name: "contract", Probability: decimal.RequireFromString("0.8"), Forecast: deal.ForecastCommit},
)

var (
	benchStart = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	benchAsOf  = benchStart.Add(3 * 365 * 24 * time.Hour)
)

// benchDeals returns the deals of funnel's own benchmarks
// (funneltest.SyntheticDeals with the same stages and start).
func benchDeals(n int) []funnel.Opportunity {
	return funneltest.SyntheticDeals(benchStages, benchStart, n)
}
