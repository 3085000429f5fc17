package sqlbench_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/internal/sqlbench"
)

// A Store names its table in its schema and refuses a report without a
// report time before it runs any statement.
func Example() {
	s := sqlbench.Store{Schema: "crm"}
	fmt.Println(s.Table())
	_, err := s.Summarize(context.Background(), benchStages, time.Time{})
	fmt.Println(errors.Is(err, crmkit.ErrInvalid))
	// Output:
	// "crm"."deals"
	// true
}
