package dedupe_test

import (
	"fmt"

	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/dedupe"
)

func ExampleMatcher_FindDuplicates() {
	leads := []lead.Lead{
		{Who: lead.Person{Email: "ada@gmail.com"}},
		{Who: lead.Person{Email: "bob@acme.example"}},
		{Who: lead.Person{Email: "A.DA+news@gmail.com"}},
		{Who: lead.Person{Email: "eve@gmail.com"}},
		{Who: lead.Person{Email: "carol@acme.example"}},
	}
	for _, g := range (dedupe.Matcher{}).FindDuplicates(leads) {
		fmt.Println(g.Indices, g.Keys)
	}
	// Output:
	// [0 2] [email:ada@gmail.com]
	// [1 4] [domain:acme.example]
}
