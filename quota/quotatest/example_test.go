package quotatest_test

import (
	"fmt"

	"github.com/crmkit/crmkit/quota/quotatest"
)

// Random plans whose splits sum exactly to their parents; Example(seed)
// draws one reproducibly.
func ExamplePlan() {
	p := quotatest.Plan().Example(1)
	fmt.Println(p.Validate() == nil)
	// Output: true
}
