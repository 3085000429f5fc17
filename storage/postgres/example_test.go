package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/postgres"
	"github.com/google/uuid"
)

// Migrations lists the embedded schema changes Migrate applies in order.
func ExampleMigrations() {
	for _, m := range postgres.Migrations() {
		fmt.Println(m.Version, m.Name)
	}
	fmt.Println("schema version", postgres.SchemaVersion)
	// Output:
	// 1 0001_init.sql
	// 2 0002_plans_campaigns.sql
	// 3 0003_accounts_contracts.sql
	// 4 0004_fractions.sql
	// 5 0005_enum_text.sql
	// 6 0006_references.sql
	// 7 0007_account_keys.sql
	// 8 0008_pipelines_forecasts_commissions.sql
	// 9 0009_quotes_approvals_interactions.sql
	// 10 0010_feed.sql
	// 11 0011_live_deals.sql
	// 12 0012_deal_report_columns.sql
	// 13 0013_custom_fields.sql
	// 14 0014_list_indexes.sql
	// 15 0015_live_deals_rev.sql
	// 16 0016_live_deals_archived.sql
	// 17 0017_slim_indexes.sql
	// 18 0018_live_deals_changed_by.sql
	// 19 0019_deals_owner_close.sql
	// 20 0020_archived_custom_columns.sql
	// schema version 20
}

// A malformed DSN is refused before anything connects.
func ExampleOpen_malformedDSN() {
	_, err := postgres.Open(context.Background(), "postgres://app@db:notaport/crm")
	fmt.Println(errors.Is(err, crmkit.ErrInvalid))
	// Output:
	// true
}

// Open a database, migrate it, and change a deal and write its event in
// one transaction, retried when it loses a race. (Not run: it needs a
// server.)
func Example() {
	ctx := context.Background()
	db, err := postgres.Open(ctx, "postgres://app@db.internal:5432/crm?sslmode=verify-full", postgres.MaxConns(16))
	if err != nil {
		panic(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		panic(err) // crmkit.ErrConflict: the database is newer than this code
	}
	acme, err := db.Tenant("acme")
	if err != nil {
		panic(err)
	}
	p := deal.DefaultPipeline()
	id := uuid.MustParse("01960c4e-8f2a-7cc1-9a3e-4f5b6c7d8e9f")
	err = storage.Retry(ctx, storage.Policy{}, func(ctx context.Context) error {
		return acme.Update(ctx, func(tx storage.Tx) error {
			d, err := tx.Deals().Get(ctx, id)
			if err != nil {
				return err
			}
			next, ev, err := p.Move(d, "negotiation", deal.Cmd{Cmd: crmkit.Cmd{By: "rep-7", At: time.Now()}})
			if err != nil {
				return err
			}
			return tx.Deals().Save(ctx, next, d.Version, ev)
		})
	})
	if err != nil {
		panic(err)
	}
}
