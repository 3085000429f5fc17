package sqlbench_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/internal/sqlbench"
)

// A Store pushes a plain summary down to PostgreSQL and declines a query
// asking for quantiles, which funnel.SummarizeSource then computes by
// scanning the table.
func Example() {
	s := sqlbench.Store{Schema: "crm"}
	fmt.Println(s.Table())
	_, err := s.AggregateFunnel(context.Background(), benchStages, funnel.Query{AsOf: benchAsOf})
	fmt.Println(errors.Is(err, errors.ErrUnsupported))
	// Output:
	// "crm"."deals"
	// true
}
