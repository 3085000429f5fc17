package postgres_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage/postgres"
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
	// schema version 2
}

// A malformed DSN is refused before anything connects.
func ExampleOpen_malformedDSN() {
	_, err := postgres.Open(context.Background(), "postgres://app@db:notaport/crm")
	fmt.Println(errors.Is(err, crmkit.ErrInvalid))
	// Output:
	// true
}
