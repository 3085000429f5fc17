package account_test

import (
	"errors"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/account/accounttest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestNewAccount(t *testing.T) {
	a, e, err := account.New(account.NewAccount{Name: "Acme GmbH", Owner: "kam-1", Relations: account.Customer | account.Partner}, crmkit.Cmd{By: "rep-1", At: t0})
	require.NoError(t, err)
	assert.Equal(t, account.EventAccountCreated, e.Type)
	assert.Equal(t, a.ID, e.AggregateID)
	assert.Equal(t, int64(1), e.Version)
	assert.True(t, a.Relations.Has(account.Customer))
	assert.True(t, a.Relations.Has(account.Partner))
	assert.False(t, a.Relations.Has(account.Competitor))
	assert.Equal(t, "customer|partner", a.Relations.String())
	assert.Equal(t, int64(1), a.Version)

	for _, c := range []struct {
		name, owner string
		rel         account.Relation
	}{{"", "kam", account.Customer}, {"x", " ", account.Customer}, {"x", "kam", 0}, {"x", "kam", 1 << 6}} {
		_, _, err := account.New(account.NewAccount{Name: c.name, Owner: c.owner, Relations: c.rel}, crmkit.Cmd{By: "rep-1", At: t0})
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "%+v", c)
	}
	_, _, err = account.New(account.NewAccount{Name: "x", Owner: "kam", Relations: account.Customer}, crmkit.Cmd{By: "", At: t0})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "no actor")

	// A prospect becomes a customer; the owner changes; both are events.
	p, _, err := account.New(account.NewAccount{Name: "Beta", Owner: "kam-1", Relations: account.Prospect}, crmkit.Cmd{By: "rep-1", At: t0})
	require.NoError(t, err)
	p, e, err = p.SetRelations(p.Relations&^account.Prospect|account.Customer, crmkit.Cmd{By: "rep-1", At: t0})
	require.NoError(t, err)
	assert.Equal(t, "prospect", e.From)
	assert.Equal(t, "customer", e.To)
	_, _, err = p.SetRelations(account.Customer, crmkit.Cmd{By: "rep-1", At: t0})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "no change")
	p, e, err = p.Reassign("kam-2", crmkit.Cmd{By: "manager", At: t0})
	require.NoError(t, err)
	assert.Equal(t, account.EventAccountReassigned, e.Type)
	assert.Equal(t, "kam-1", e.From)
	assert.Equal(t, int64(3), e.Version)
	_, _, err = p.Reassign("kam-2", crmkit.Cmd{By: "manager", At: t0})
	assert.ErrorIs(t, err, crmkit.ErrConflict)
}

func TestContacts(t *testing.T) {
	a, _, err := account.New(account.NewAccount{Name: "Acme", Owner: "kam-1", Relations: account.Prospect}, crmkit.Cmd{By: "rep", At: t0})
	require.NoError(t, err)
	a, e, err := a.AddDepartment("Purchasing", crmkit.Cmd{By: "rep", At: t0})
	require.NoError(t, err)
	assert.Equal(t, "Purchasing", e.To)
	_, _, err = a.AddDepartment("Purchasing", crmkit.Cmd{By: "rep", At: t0})
	assert.ErrorIs(t, err, crmkit.ErrConflict)

	a, e, err = a.AddContact(account.Contact{Name: "Ann", Email: "ann@acme.example", Department: "Purchasing", Role: account.DecisionMaker}, crmkit.Cmd{By: "rep", At: t0})
	require.NoError(t, err)
	var boss account.Contact
	require.NoError(t, e.DecodePayload(&boss))
	assert.NotEqual(t, uuid.Nil, boss.ID)
	assert.Equal(t, a.Contacts[0], boss)
	before := a
	_, _, err = a.AddContact(account.Contact{Name: "Ann B.", Email: "ANN@acme.example", Role: account.User}, crmkit.Cmd{By: "rep", At: t0})
	assert.ErrorIs(t, err, crmkit.ErrConflict, "same e-mail in another case is a duplicate")
	assert.Equal(t, before, a, "nothing changed")
	a, _, err = a.AddContact(account.Contact{Name: "Bob", Role: account.Influencer}, crmkit.Cmd{By: "rep", At: t0})
	require.NoError(t, err)
	_, _, err = a.AddContact(account.Contact{Name: " bob ", Role: account.User}, crmkit.Cmd{By: "rep", At: t0})
	assert.ErrorIs(t, err, crmkit.ErrConflict, "same name without e-mail is a duplicate")
	_, _, err = a.AddContact(account.Contact{ID: boss.ID, Name: "Other", Role: account.User}, crmkit.Cmd{By: "rep", At: t0})
	assert.ErrorIs(t, err, crmkit.ErrConflict, "same ID")
	_, _, err = a.AddContact(account.Contact{Name: "Cy", Role: 0}, crmkit.Cmd{By: "rep", At: t0})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = a.AddContact(account.Contact{Name: "Cy", Role: account.User, Department: "Nowhere"}, crmkit.Cmd{By: "rep", At: t0})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Len(t, a.DecisionMakers(), 1)
	assert.Equal(t, int64(4), a.Version)
	require.NoError(t, a.Validate())

	dup := a
	dup.Contacts = append(dup.Contacts, account.Contact{ID: crmkit.NewID(), Name: "Ann", Email: "ann@acme.example", Role: account.User})
	assert.ErrorIs(t, dup.Validate(), crmkit.ErrInvalid, "a stored duplicate is invalid")
}

func group(t *testing.T) (accs []account.Account, root, sub, leaf1, leaf2 uuid.UUID) {
	t.Helper()
	mk := func(name string, parent uuid.UUID) account.Account {
		a, _, err := account.New(account.NewAccount{Name: name, Owner: "kam", Relations: account.Customer}, crmkit.Cmd{By: "rep", At: t0})
		require.NoError(t, err)
		a.Parent = parent
		return a
	}
	r := mk("Group", uuid.Nil)
	s := mk("Sub", r.ID)
	l1 := mk("Leaf 1", s.ID)
	l2 := mk("Leaf 2", r.ID)
	return []account.Account{l1, s, r, l2}, r.ID, s.ID, l1.ID, l2.ID
}

func TestHierarchyRollUp(t *testing.T) {
	accs, root, sub, leaf1, leaf2 := group(t)
	h, err := account.NewHierarchy(accs)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{root}, h.Roots())
	assert.Equal(t, []uuid.UUID{sub, root}, h.Ancestors(leaf1))
	assert.ElementsMatch(t, []uuid.UUID{root, sub, leaf1, leaf2}, h.Subtree(root))

	eur := func(s string) crmkit.Money { return crmkit.MustMoney(s, "EUR") }
	own := map[uuid.UUID]account.Figures{
		leaf1: {Revenue: eur("100.00"), OpenPipeline: eur("50.00"), Contracts: 1, ContractValue: eur("1200.00")},
		leaf2: {Revenue: eur("30.50"), Contracts: 2, ContractValue: eur("10.00")},
		sub:   {Revenue: eur("1.00")},
	}
	roll, err := h.RollUp(crmkit.MustCurrency("EUR"), own)
	require.NoError(t, err)
	assert.Equal(t, eur("131.50"), roll[root].Revenue)
	assert.Equal(t, eur("101.00"), roll[sub].Revenue)
	assert.Equal(t, eur("50.00"), roll[root].OpenPipeline)
	assert.Equal(t, int64(3), roll[root].Contracts)
	assert.Equal(t, eur("1210.00"), roll[root].ContractValue)

	_, err = h.RollUp(crmkit.MustCurrency("EUR"), map[uuid.UUID]account.Figures{leaf1: {Revenue: crmkit.MustMoney("1", "USD")}})
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
	_, err = h.RollUp(crmkit.MustCurrency("EUR"), map[uuid.UUID]account.Figures{crmkit.NewID(): {}})
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
}

func TestHierarchyCycles(t *testing.T) {
	accs, root, sub, leaf1, _ := group(t)
	cyc := append([]account.Account(nil), accs...)
	for i := range cyc {
		if cyc[i].ID == root {
			cyc[i].Parent = leaf1 // root -> leaf1 -> sub -> root
		}
	}
	_, err := account.NewHierarchy(cyc)
	require.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Contains(t, err.Error(), "cycle")

	_, err = account.NewHierarchy(append(accs, accs[0]))
	assert.ErrorIs(t, err, crmkit.ErrConflict)
	orphan := accs[0]
	orphan.ID, orphan.Parent = crmkit.NewID(), crmkit.NewID()
	_, err = account.NewHierarchy(append(accs, orphan))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	h, err := account.NewHierarchy(accs)
	require.NoError(t, err)
	err = h.SetParent(root, leaf1)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.ErrorIs(t, h.SetParent(sub, sub), crmkit.ErrInvalid)
	p, _ := h.Parent(root)
	assert.Equal(t, uuid.Nil, p, "nothing changed")
	assert.Equal(t, []uuid.UUID{root}, h.Roots())
	assert.ErrorIs(t, h.SetParent(crmkit.NewID(), root), crmkit.ErrNotFound)

	require.NoError(t, h.SetParent(leaf1, uuid.Nil))
	assert.ElementsMatch(t, []uuid.UUID{root, leaf1}, h.Roots())
	assert.Empty(t, h.Children(sub))
}

// Roll-ups equal the sum of the leaves: with figures on leaves only, the
// roll-ups of the roots add up to the total of all leaves, and every
// node's roll-up is the sum of its subtree's leaves.
func TestRollUpIsSumOfLeavesProperty(t *testing.T) {
	eur := crmkit.MustCurrency("EUR")
	rapid.Check(t, func(t *rapid.T) {
		accs := accounttest.Hierarchy(25).Draw(t, "accounts")
		h, err := account.NewHierarchy(accs)
		if err != nil {
			t.Fatal(err)
		}
		own := map[uuid.UUID]account.Figures{}
		var total int64
		for i, a := range accs {
			if len(h.Children(a.ID)) > 0 {
				continue
			}
			v := rapid.Int64Range(0, 1_000_000).Draw(t, "rev"+a.ID.String())
			m, _ := crmkit.NewMoney(v, eur)
			own[a.ID] = account.Figures{Revenue: m, Contracts: int64(i % 3)}
			total += v
		}
		roll, err := h.RollUp(eur, own)
		if err != nil {
			t.Fatal(err)
		}
		var rootSum int64
		for _, r := range h.Roots() {
			rootSum += roll[r].Revenue.Minor()
		}
		if rootSum != total {
			t.Fatalf("roots sum %d, leaves %d", rootSum, total)
		}
		for _, a := range accs {
			var sum, n int64
			for _, id := range h.Subtree(a.ID) {
				sum += own[id].Revenue.Minor()
				n += own[id].Contracts
			}
			if roll[a.ID].Revenue.Minor() != sum || roll[a.ID].Contracts != n {
				t.Fatalf("account %s rolls up %v / %d, leaves give %d / %d", a.ID, roll[a.ID].Revenue, roll[a.ID].Contracts, sum, n)
			}
		}
	})
}

// Linking any account under one of its own descendants is rejected and
// changes nothing.
func TestSetParentRejectsCyclesProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		accs := accounttest.Hierarchy(15).Draw(t, "accounts")
		h, err := account.NewHierarchy(accs)
		if err != nil {
			t.Fatal(err)
		}
		a := rapid.SampledFrom(accs).Draw(t, "child")
		sub := h.Subtree(a.ID)
		d := rapid.SampledFrom(sub).Draw(t, "descendant")
		before, _ := h.Parent(a.ID)
		if err := h.SetParent(a.ID, d); !errors.Is(err, crmkit.ErrInvalid) {
			t.Fatalf("moving %s under its descendant %s: %v", a.ID, d, err)
		}
		if after, _ := h.Parent(a.ID); after != before {
			t.Fatal("parent changed after a rejected move")
		}
	})
}

// New keeps a given ID and every company field, and refuses each bad
// field by name, changing nothing.
func TestNewAccountKeepsIDAndFields(t *testing.T) {
	id := uuid.MustParse("0190a000-0000-7000-8000-000000000001")
	n := account.NewAccount{
		ID: id, Name: " Acme GmbH ", Owner: "kam-1", Relations: account.Prospect,
		Domain: "acme.de", Website: "https://www.acme.de/", Industry: "Machinery", Country: "DE", Size: 250,
	}
	a, e, err := account.New(n, crmkit.Cmd{By: "rep-1", At: t0})
	require.NoError(t, err)
	assert.Equal(t, id, a.ID)
	assert.Equal(t, id, e.AggregateID)
	assert.Equal(t, "Acme GmbH", a.Name)
	assert.Equal(t, "acme.de", a.Domain)
	assert.Equal(t, "https://www.acme.de/", a.Website)
	assert.Equal(t, "Machinery", a.Industry)
	assert.Equal(t, "DE", a.Country)
	assert.Equal(t, 250, a.Size)
	require.NoError(t, a.Validate())

	for field, bad := range map[string]func(*account.NewAccount){
		"size":      func(n *account.NewAccount) { n.Size = -1 },
		"size max":  func(n *account.NewAccount) { n.Size = account.MaxEmployees + 1 },
		"domain":    func(n *account.NewAccount) { n.Domain = "https://acme.de" },
		"www":       func(n *account.NewAccount) { n.Domain = "www.acme.de" },
		"one label": func(n *account.NewAccount) { n.Domain = "acme" },
		"upper":     func(n *account.NewAccount) { n.Domain = "Acme.de" },
		"website":   func(n *account.NewAccount) { n.Website = "acme\n.de" },
		"industry":  func(n *account.NewAccount) { n.Industry = "\xff" },
	} {
		m := n
		bad(&m)
		_, _, err := account.New(m, crmkit.Cmd{By: "rep-1", At: t0})
		assert.ErrorIs(t, err, crmkit.ErrInvalid, field)
	}
	n.Size = account.MaxEmployees
	_, _, err = account.New(n, crmkit.Cmd{By: "rep-1", At: t0})
	assert.NoError(t, err, "the bound itself is a size")

	a, _, err = a.AddContact(account.Contact{Name: "Ann", Email: "ann@acme.de", Phone: " +49 30 1234567 ", Title: "CTO", Role: account.DecisionMaker}, crmkit.Cmd{By: "rep-1", At: t0})
	require.NoError(t, err)
	assert.Equal(t, "+49 30 1234567", a.Contacts[0].Phone)
	assert.Equal(t, "CTO", a.Contacts[0].Title)
	_, _, err = a.AddContact(account.Contact{Name: "Bob", Phone: "n/a", Role: account.User}, crmkit.Cmd{By: "rep-1", At: t0})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "a phone without digits")
}
