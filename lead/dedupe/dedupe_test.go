package dedupe_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/internal/enumtest"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/dedupe"
	"github.com/crmkit/crmkit/lead/leadtest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestNormalizeEmail(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Ada@Example.COM", "ada@example.com"},
		{"  ada+news@example.com ", "ada@example.com"},
		{"a.d.a@gmail.com", "ada@gmail.com"},
		{"A.Da+x@GoogleMail.com", "ada@gmail.com"},
		{"a.da@outlook.com", "a.da@outlook.com"},
		{"ada@mail.example.org.", "ada@mail.example.org"},
	}
	for _, c := range cases {
		got, ok := dedupe.NormalizeEmail(c.in)
		assert.True(t, ok, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
	for _, bad := range []string{"", "ada", "ada@", "@example.com", "ada@example", "a b@example.com", "a@b@example.com", "ada@example..com"} {
		_, ok := dedupe.NormalizeEmail(bad)
		assert.False(t, ok, bad)
	}
}

func TestNormalizeDomainAndPhone(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.Acme.com/about?x=1": "acme.com",
		"acme.com":                       "acme.com",
		"http://shop.acme.co.uk:8080":    "shop.acme.co.uk",
		"WWW.ACME.COM.":                  "acme.com",
	} {
		got, ok := dedupe.NormalizeDomain(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "localhost", "http://", "acme..com", "ac me.com"} {
		_, ok := dedupe.NormalizeDomain(bad)
		assert.False(t, ok, bad)
	}
	// International and national forms of a Budapest number share a key.
	for _, in := range []string{"+36 1 234 5678", "0036-1-234-5678", "06 (1) 234 5678", "1 234 5678"} {
		got, ok := dedupe.NormalizePhone(in)
		assert.True(t, ok, in)
		assert.Equal(t, "612345678"[1:], got[len(got)-8:], in)
	}
	got, _ := dedupe.NormalizePhone("+36 1 234 5678")
	assert.Equal(t, "612345678", got)
	_, ok := dedupe.NormalizePhone("12-34")
	assert.False(t, ok)
}

func TestKeysFreeMailVersusCompanyDomain(t *testing.T) {
	m := dedupe.Matcher{}
	assert.Equal(t, []dedupe.Key{{Kind: dedupe.KeyEmail, Value: "ada@gmail.com"}},
		m.Keys(lead.Person{Email: "A.da@gmail.com"}))
	assert.Equal(t, []dedupe.Key{
		{Kind: dedupe.KeyEmail, Value: "ada@acme.com"},
		{Kind: dedupe.KeyDomain, Value: "acme.com"},
		{Kind: dedupe.KeyPhone, Value: "612345678"},
	}, m.Keys(lead.Person{Email: "ada@acme.com", Website: "https://www.acme.com", Phone: "+36 1 234 5678"}))
	// A custom free-mail list replaces the default one.
	custom := dedupe.Matcher{FreeMail: []string{"acme.com"}}
	assert.Equal(t, []dedupe.Key{{Kind: dedupe.KeyEmail, Value: "ada@acme.com"}, {Kind: dedupe.KeyDomain, Value: "gmail.com"}},
		custom.Keys(lead.Person{Email: "ada@acme.com", Website: "gmail.com"}))
	assert.Equal(t, "domain:acme.com", dedupe.Key{Kind: dedupe.KeyDomain, Value: "acme.com"}.String())
}

func TestFindDuplicates(t *testing.T) {
	mk := func(p lead.Person) lead.Lead { return lead.Lead{Who: p} }
	leads := []lead.Lead{
		mk(lead.Person{Email: "ada@gmail.com"}),                           // 0
		mk(lead.Person{Email: "bob@acme.com"}),                            // 1
		mk(lead.Person{Email: "Ada+crm@GMAIL.com"}),                       // 2: same address as 0
		mk(lead.Person{Email: "eve@gmail.com"}),                           // 3: same free-mail domain only: no match
		mk(lead.Person{Email: "carol@acme.com", Phone: "+1 555 0100 99"}), // 4: same company domain as 1
		mk(lead.Person{Name: "Dan", Phone: "555-0100-99"}),                // 5: same phone as 4
		mk(lead.Person{Name: "Zed"}),                                      // 6: no keys
	}
	groups := dedupe.Matcher{}.FindDuplicates(leads)
	require.Len(t, groups, 2)
	assert.Equal(t, []int{0, 2}, groups[0].Indices)
	assert.Equal(t, []dedupe.Key{{Kind: dedupe.KeyEmail, Value: "ada@gmail.com"}}, groups[0].Keys)
	assert.Equal(t, []int{1, 4, 5}, groups[1].Indices)
	assert.Equal(t, []dedupe.Key{{Kind: dedupe.KeyDomain, Value: "acme.com"}, {Kind: dedupe.KeyPhone, Value: "555010099"}}, groups[1].Keys)
	assert.Empty(t, dedupe.Matcher{}.FindDuplicates(nil))
}

func BenchmarkFindDuplicates(b *testing.B) {
	const n = 100_000
	leads := make([]lead.Lead, n)
	for i := range leads {
		k := i % 20_000
		switch i % 3 {
		case 0:
			leads[i].Who.Email = fmt.Sprintf("user%d@gmail.com", k)
		case 1:
			leads[i].Who.Email = fmt.Sprintf("buyer@company%d.example", k)
		default:
			leads[i].Who.Phone = fmt.Sprintf("+36 30 %07d", k)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		groups := dedupe.Matcher{}.FindDuplicates(leads)
		if len(groups) == 0 {
			b.Fatal("no duplicates")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/lead")
}

// FindDuplicates agrees with a brute-force pairwise comparison: two leads
// are in one group exactly when a chain of shared keys links them.
func TestFindDuplicatesMatchesBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ls := leadtest.Leads(10).Draw(t, "leads")
		m := dedupe.Matcher{}
		n := len(ls)
		// Transitive closure of "shares a key", by hand.
		linked := make([][]bool, n)
		for i := range linked {
			linked[i] = make([]bool, n)
			linked[i][i] = true
		}
		for i := range n {
			for j := range n {
				for _, k := range m.Keys(ls[i].Who) {
					if slices.Contains(m.Keys(ls[j].Who), k) {
						linked[i][j] = true
					}
				}
			}
		}
		for k := range n {
			for i := range n {
				for j := range n {
					if linked[i][k] && linked[k][j] {
						linked[i][j] = true
					}
				}
			}
		}
		groupOf := make([]int, n)
		for i := range groupOf {
			groupOf[i] = -1
		}
		prevFirst := -1
		for gi, g := range m.FindDuplicates(ls) {
			require.GreaterOrEqual(t, len(g.Indices), 2)
			require.True(t, slices.IsSorted(g.Indices))
			require.Greater(t, g.Indices[0], prevFirst, "groups ordered by first index")
			prevFirst = g.Indices[0]
			require.NotEmpty(t, g.Keys)
			for _, i := range g.Indices {
				groupOf[i] = gi
			}
		}
		for i := range n {
			for j := range n {
				if i == j {
					continue
				}
				same := groupOf[i] >= 0 && groupOf[i] == groupOf[j]
				require.Equal(t, linked[i][j], same, "leads %d and %d", i, j)
			}
		}
	})
}

func TestResolve(t *testing.T) {
	m := dedupe.Matcher{}
	accID, conID, otherAcc := crmkit.NewID(), crmkit.NewID(), crmkit.NewID()
	ada := lead.Lead{ID: crmkit.NewID(), Who: lead.Person{Name: "Ada", Email: "Ada+webinar@Acme.com"}}
	accounts := []dedupe.ExistingAccount{{ID: otherAcc, Domain: "globex.com"}, {ID: accID, Domain: "https://www.acme.com"}}
	contacts := []dedupe.ExistingContact{{ID: conID, AccountID: accID, Email: "ada@acme.com"}}

	// The same address (case and +tag aside): the contact and its account.
	links, err := m.Resolve(ada, accounts, contacts, dedupe.LinkExisting)
	require.NoError(t, err)
	assert.Equal(t, lead.Links{Account: accID, Contact: conID}, links)

	// A new person at a known company domain: the account only.
	bob := lead.Lead{ID: crmkit.NewID(), Who: lead.Person{Name: "Bob", Email: "bob@acme.com"}}
	links, err = m.Resolve(bob, accounts, contacts, dedupe.LinkExisting)
	require.NoError(t, err)
	assert.Equal(t, lead.Links{Account: accID}, links)

	// A free-mail address never matches an account by domain.
	eve := lead.Lead{ID: crmkit.NewID(), Who: lead.Person{Name: "Eve", Email: "eve@gmail.com", Phone: "+36 30 123 4567"}}
	links, err = m.Resolve(eve, []dedupe.ExistingAccount{{ID: accID, Domain: "gmail.com"}}, nil, dedupe.LinkExisting)
	require.NoError(t, err)
	assert.Equal(t, lead.Links{}, links)

	// The same phone in national form matches a contact; rejecting
	// duplicates makes it a *DuplicateError naming the contact.
	_, err = m.Resolve(eve, nil, []dedupe.ExistingContact{{ID: conID, AccountID: otherAcc, Phone: "06 30 123 4567"}}, dedupe.RejectDuplicates)
	require.ErrorIs(t, err, crmkit.ErrConflict)
	var dup *dedupe.DuplicateError
	require.ErrorAs(t, err, &dup)
	assert.Equal(t, "contact", dup.Kind)
	assert.Equal(t, conID, dup.ID)
	assert.Equal(t, dedupe.Key{Kind: dedupe.KeyPhone, Value: "301234567"}, dup.Key)
	_, err = m.Resolve(bob, accounts, nil, dedupe.RejectDuplicates)
	require.ErrorAs(t, err, &dup)
	assert.Equal(t, "account", dup.Kind)
	assert.Equal(t, accID, dup.ID)
	assert.Contains(t, err.Error(), accID.String())

	// Bad input names what is wrong.
	for name, c := range map[string]struct {
		a []dedupe.ExistingAccount
		c []dedupe.ExistingContact
		p dedupe.DuplicatePolicy
	}{
		"nil account id":          {a: []dedupe.ExistingAccount{{Domain: "x.com"}}},
		"nil contact id":          {c: []dedupe.ExistingContact{{AccountID: accID, Email: "x@x.com"}}},
		"contact without account": {c: []dedupe.ExistingContact{{ID: conID, Email: "x@x.com"}}},
		"unknown policy":          {p: 7},
	} {
		_, err := m.Resolve(ada, c.a, c.c, c.p)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
}

func TestEnums(t *testing.T) {
	assert.Equal(t, []string{"unset", "email", "domain", "phone"}, enumtest.Check[dedupe.KeyKind](t, 3, true))
	assert.Equal(t, []string{"link_existing", "reject_duplicates"}, enumtest.Check[dedupe.DuplicatePolicy](t, 2, false))
}

// Resolve links only what shares a key with the lead, finds a contact
// whenever one shares an e-mail or phone key, and RejectDuplicates
// refuses exactly when LinkExisting would link something.
func TestPropertyResolve(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := dedupe.Matcher{}
		l := lead.Lead{ID: crmkit.NewID(), Who: leadtest.Person().Draw(t, "who")}
		people := rapid.SliceOfN(leadtest.Person(), 0, 6).Draw(t, "existing")
		var accounts []dedupe.ExistingAccount
		var contacts []dedupe.ExistingContact
		for i, p := range people {
			// Some share a key with the lead, in another spelling.
			switch rapid.IntRange(0, 3).Draw(t, fmt.Sprintf("share%d", i)) {
			case 1:
				p.Email = strings.ToUpper(l.Who.Email)
			case 2:
				p.Phone = strings.Replace(l.Who.Phone, "+36 ", "06-", 1)
			case 3:
				p.Website = l.Who.Email
			}
			a := dedupe.ExistingAccount{ID: crmkit.NewID(), Domain: p.Website}
			if rapid.Bool().Draw(t, fmt.Sprintf("domainFromEmail%d", i)) {
				a.Domain = p.Email
			}
			accounts = append(accounts, a)
			contacts = append(contacts, dedupe.ExistingContact{ID: crmkit.NewID(), AccountID: a.ID, Email: p.Email, Phone: p.Phone})
		}
		links, err := m.Resolve(l, accounts, contacts, dedupe.LinkExisting)
		require.NoError(t, err)
		keys := m.Keys(l.Who)
		shares := func(c dedupe.ExistingContact) bool {
			for _, k := range m.Keys(lead.Person{Email: c.Email, Phone: c.Phone}) {
				if k.Kind != dedupe.KeyDomain && slices.Contains(keys, k) {
					return true
				}
			}
			return false
		}
		anyShares := slices.ContainsFunc(contacts, shares)
		require.Equal(t, anyShares, links.Contact != uuid.Nil, "a contact is linked exactly when one shares a key")
		if links.Contact != uuid.Nil {
			i := slices.IndexFunc(contacts, func(c dedupe.ExistingContact) bool { return c.ID == links.Contact })
			require.True(t, shares(contacts[i]))
			require.Equal(t, contacts[i].AccountID, links.Account, "the contact's own account")
		} else if links.Account != uuid.Nil {
			i := slices.IndexFunc(accounts, func(a dedupe.ExistingAccount) bool { return a.ID == links.Account })
			d, ok := dedupe.NormalizeDomain(accounts[i].Domain)
			require.True(t, ok)
			require.Equal(t, m.CompanyDomain(l.Who), d, "an account alone is linked by the company domain")
		}
		_, err = m.Resolve(l, accounts, contacts, dedupe.RejectDuplicates)
		require.Equal(t, links != lead.Links{}, err != nil, "reject refuses exactly what link links")
		if err != nil {
			require.ErrorIs(t, err, crmkit.ErrConflict)
		}
	})
}
