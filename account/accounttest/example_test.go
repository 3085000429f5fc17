package accounttest_test

import (
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account/accounttest"
)

// Random revenue histories for lifecycle and value properties;
// Example(seed) draws one reproducibly.
func ExampleRevenueHistory() {
	eur := crmkit.MustCurrency("EUR")
	h := accounttest.RevenueHistory(eur, 36, 1_000_000).Example(1)
	fmt.Println(len(h), h[0].Currency())
	// Output: 36 EUR
}
