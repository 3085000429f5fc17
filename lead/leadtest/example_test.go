package leadtest_test

import (
	"fmt"

	"github.com/crmkit/crmkit/lead/leadtest"
)

// A generator gives a random, valid lead; in a property test draw it with
// leadtest.Lead().Draw(t, "lead") inside rapid.Check. Example(seed) draws
// one reproducibly, which is handy in a debugger.
func ExampleLead() {
	l := leadtest.Lead().Example(1)
	fmt.Println(l.Stage.Valid(), l.Version >= 1, !l.CreatedAt.IsZero())
	// Output: true true true
}
