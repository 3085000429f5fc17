package dealtest_test

import (
	"fmt"
	"time"

	"github.com/crmkit/crmkit/deal/dealtest"
)

// Random pipelines and deals for property tests; Example(seed) draws one
// reproducibly.
func ExampleDeal() {
	p := dealtest.Pipeline().Example(1)
	d := dealtest.Deal(p, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)).Example(1)
	_, ok := p.Stage(d.Stage)
	fmt.Println(ok, d.Version >= 1, d.Amount.Sign() >= 0)
	// Output: true true true
}
