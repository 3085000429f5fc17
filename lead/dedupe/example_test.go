package dedupe_test

import (
	"fmt"

	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/dedupe"
	"github.com/google/uuid"
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

// A lead is resolved against stored records before its conversion: a
// contact with the same address (another spelling) links the contact and
// its account; a new person at a known company domain links the account.
func ExampleMatcher_Resolve() {
	acme := uuid.MustParse("0190a000-0000-7000-8000-00000000000a")
	ada := uuid.MustParse("0190a000-0000-7000-8000-00000000000c")
	accounts := []dedupe.ExistingAccount{{ID: acme, Domain: "https://www.acme.example"}}
	contacts := []dedupe.ExistingContact{{ID: ada, AccountID: acme, Email: "ada@acme.example"}}

	m := dedupe.Matcher{}
	links, _ := m.Resolve(lead.Lead{Who: lead.Person{Email: "Ada+webinar@ACME.example"}}, accounts, contacts, dedupe.LinkExisting)
	fmt.Println(links.Account == acme, links.Contact == ada)
	links, _ = m.Resolve(lead.Lead{Who: lead.Person{Email: "bob@acme.example"}}, accounts, contacts, dedupe.LinkExisting)
	fmt.Println(links.Account == acme, links.Contact == uuid.Nil)
	_, err := m.Resolve(lead.Lead{Who: lead.Person{Email: "bob@acme.example"}}, accounts, contacts, dedupe.RejectDuplicates)
	fmt.Println(err)
	// Output:
	// true true
	// true true
	// lead 00000000-0000-0000-0000-000000000000 duplicates existing account 0190a000-0000-7000-8000-00000000000a (domain:acme.example)
}
