package account_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/account/accounttest"
	"github.com/crmkit/crmkit/deal/dealtest"
	"github.com/crmkit/crmkit/internal/clonetest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// Every account New and the commands make is valid, and its Clone is
// deep and equal.
func TestEveryAccountTheCommandsMakeIsValid(t *testing.T) {
	depts := []string{"IT", "Sales", "Legal"}
	rapid.Check(t, func(t *rapid.T) {
		a := accounttest.Account().Draw(t, "account")
		at := t0
		for i := range rapid.IntRange(0, 12).Draw(t, "commands") {
			at = at.Add(time.Hour)
			var (
				next account.Account
				err  error
			)
			switch rapid.IntRange(0, 3).Draw(t, fmt.Sprint("op ", i)) {
			case 0:
				next, _, err = a.AddDepartment(rapid.SampledFrom(depts).Draw(t, "department"), crmkit.Cmd{By: "rep", At: at})
			case 1:
				c := account.Contact{
					Name:  rapid.SampledFrom([]string{"Ann", "Bob", "Cy"}).Draw(t, "name"),
					Email: rapid.SampledFrom([]string{"", "ann@x.example", "bob@x.example", "bad"}).Draw(t, "email"),
					Role:  account.ContactRole(rapid.IntRange(0, 6).Draw(t, "role")),
				}
				if rapid.Bool().Draw(t, "in department") {
					c.Department = rapid.SampledFrom(depts).Draw(t, "contact department")
				}
				next, _, err = a.AddContact(c, crmkit.Cmd{By: "rep", At: at})
			case 2:
				next, _, err = a.Reassign(rapid.SampledFrom([]string{"kam-1", "kam-2"}).Draw(t, "owner"), crmkit.Cmd{By: "rep", At: at})
			default:
				next, _, err = a.SetRelations(account.Relation(rapid.IntRange(0, 16).Draw(t, "relations")), crmkit.Cmd{By: "rep", At: at})
			}
			if err != nil {
				continue
			}
			if err := next.Validate(); err != nil {
				t.Fatalf("command %d made an invalid account: %v", i, err)
			}
			if err := clonetest.Check(next, account.Account.Clone); err != nil {
				t.Fatal(err)
			}
			a = next
		}
	})
}

// Every contract NewContract and the commands make is valid, and its
// Clone is deep and equal.
func TestEveryContractTheCommandsMakeIsValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, _, err := account.NewContract(account.ContractSpec{
			AccountID: crmkit.NewID(), Title: "Support", Start: t0, End: t0.AddDate(1, 0, 0),
			Monthly: eur("1000.00"), Value: eur("5000.00"), AutoRenew: rapid.Bool().Draw(t, "auto renew"),
		}, crmkit.Cmd{By: "rep", At: t0})
		if err != nil {
			t.Fatal(err)
		}
		at := t0
		for i := range rapid.IntRange(0, 24).Draw(t, "commands") {
			at = at.Add(24 * time.Hour)
			var next account.Contract
			switch op := rapid.IntRange(0, 4).Draw(t, fmt.Sprint("op ", i)); op {
			case 0:
				a, aerr := dealtest.GrantedApproval(c.Subject(), "rep", "rep", account.ContractApprovalRoles(), at, false)
				if aerr != nil {
					t.Fatal(aerr)
				}
				next, _, err = c.Approve(a, crmkit.Cmd{By: "rep", At: at.Add(2 * time.Hour)})
			case 1:
				next, _, err = c.Fire(account.ContractTrigger(rapid.IntRange(0, 5).Draw(t, "trigger")), crmkit.Cmd{By: "rep", At: at})
			case 2:
				next, _, err = c.Execute(account.Execution(rapid.IntRange(0, 4).Draw(t, "execution")), crmkit.Cmd{By: "rep", At: at})
			case 3:
				cur := c.Current()
				next, _, err = c.Amend(cur.Period.Start.AddDate(0, 1, 0), cur.Period.End, eur("1200.00"), eur("0.00"), crmkit.Cmd{By: "rep", At: at})
			default:
				next, _, err = c.Renew(eur("1100.00"), crmkit.Cmd{By: "rep", At: at})
			}
			if err != nil {
				continue
			}
			if err := next.Validate(); err != nil {
				t.Fatalf("command %d made an invalid contract: %v", i, err)
			}
			if err := clonetest.Check(next, account.Contract.Clone); err != nil {
				t.Fatal(err)
			}
			c = next
		}
	})
}

func TestAccountValidateNamesTheField(t *testing.T) {
	a, _, err := account.New(account.NewAccount{Name: "Acme", Owner: "kam", Relations: account.Customer}, crmkit.Cmd{By: "rep", At: t0})
	require.NoError(t, err)
	a, _, err = a.AddDepartment("IT", crmkit.Cmd{By: "rep", At: t0})
	require.NoError(t, err)
	a, _, err = a.AddContact(account.Contact{Name: "Ann", Email: "ann@acme.example", Department: "IT", Role: account.User}, crmkit.Cmd{By: "rep", At: t0})
	require.NoError(t, err)
	require.NoError(t, a.Validate())
	for _, tc := range []struct {
		field  string
		change func(*account.Account)
	}{
		{"version", func(a *account.Account) { a.Version = 0 }},
		{"id", func(a *account.Account) { a.ID = uuid.Nil }},
		{"name", func(a *account.Account) { a.Name = " " }},
		{"owner", func(a *account.Account) { a.Owner = "" }},
		{"relations", func(a *account.Account) { a.Relations = 0 }},
		{"parent", func(a *account.Account) { a.Parent = a.ID }},
		{"departments[1]", func(a *account.Account) { a.Departments = append(a.Departments, "IT") }},
		{"contact role", func(a *account.Account) { a.Contacts[0].Role = 0 }},
		{"contact department", func(a *account.Account) { a.Contacts[0].Department = "HR" }},
		{"contacts", func(a *account.Account) { // the same e-mail twice
			a.Contacts = append(a.Contacts, account.Contact{ID: crmkit.NewID(), Name: "Ann B.", Email: "ANN@acme.example", Role: account.User})
		}},
		{"contacts[1].id", func(a *account.Account) { // the same ID twice
			a.Contacts = append(a.Contacts, account.Contact{ID: a.Contacts[0].ID, Name: "Bob", Role: account.User})
		}},
	} {
		b := a.Clone()
		tc.change(&b)
		err := b.Validate()
		var ve *crmkit.ValidationError
		if assert.ErrorAs(t, err, &ve, tc.field) {
			assert.Equal(t, tc.field, ve.Field)
			assert.ErrorIs(t, err, crmkit.ErrInvalid, tc.field)
		}
	}
}

func TestContractValidateNamesTheField(t *testing.T) {
	c, _, err := account.NewContract(account.ContractSpec{
		AccountID: crmkit.NewID(), Title: "Support", Start: t0, End: t0.AddDate(1, 0, 0),
		Monthly: eur("1000.00"), Value: eur("5000.00"),
	}, crmkit.Cmd{By: "rep", At: t0})
	require.NoError(t, err)
	c, _, err = c.Amend(t0.AddDate(0, 6, 0), t0.AddDate(1, 0, 0), eur("1100.00"), eur("0.00"), crmkit.Cmd{By: "rep", At: t0.Add(time.Hour)})
	require.NoError(t, err)
	require.NoError(t, c.Validate())
	for _, tc := range []struct {
		field  string
		change func(*account.Contract)
	}{
		{"id", func(c *account.Contract) { c.ID = uuid.Nil }},
		{"version", func(c *account.Contract) { c.Version = 0 }},
		{"account id", func(c *account.Contract) { c.AccountID = uuid.Nil }},
		{"title", func(c *account.Contract) { c.Title = "" }},
		{"currency", func(c *account.Contract) { c.Currency = crmkit.Currency{} }},
		{"status", func(c *account.Contract) { c.Status = 0 }},
		{"execution", func(c *account.Contract) { c.Execution = 9 }},
		{"execution", func(c *account.Contract) { c.Execution = account.Planning }},                          // a draft is not being executed
		{"execution", func(c *account.Contract) { c.Status, c.ApprovalID = account.Signed, crmkit.NewID() }}, // a signed one is
		{"approval id", func(c *account.Contract) { c.ApprovalID = crmkit.NewID() }},                         // not on a draft
		{"approval id", func(c *account.Contract) { c.Status = account.Approved }},                           // an approved one has one
		{"terminated at", func(c *account.Contract) { c.Status = account.Terminated }},                       // without the time
		{"terminated at", func(c *account.Contract) { c.TerminatedAt = t0 }},                                 // on a draft
		{"terms", func(c *account.Contract) { c.Terms = nil }},                                               // none
		{"terms[1].version", func(c *account.Contract) { c.Terms[1].Version = 3 }},                           // numbered 1, 2, ...
		{"terms[0].kind", func(c *account.Contract) { c.Terms[0].Kind = account.Renewal }},                   // the first is original
		{"terms[1].kind", func(c *account.Contract) { c.Terms[1].Kind = account.Original }},                  // later ones are not
		{"terms[0]", func(c *account.Contract) { c.Terms[0].Value = crmkit.MustMoney("1.00", "USD") }},       // a mismatch, invalid here
		{"monthly", func(c *account.Contract) { c.Terms[1].Monthly = eur("-1.00") }},
		{"renewal date", func(c *account.Contract) { c.Terms[0].RenewalDate = t0.AddDate(3, 0, 0) }},
	} {
		d := c.Clone()
		tc.change(&d)
		err := d.Validate()
		var ve *crmkit.ValidationError
		if assert.ErrorAs(t, err, &ve, tc.field) {
			assert.Equal(t, tc.field, ve.Field)
			assert.ErrorIs(t, err, crmkit.ErrInvalid, tc.field)
		}
	}
}

// Zero values are invalid, not a panic, and clone to themselves.
func TestZeroAccountAndContract(t *testing.T) {
	assert.ErrorIs(t, account.Account{}.Validate(), crmkit.ErrInvalid)
	assert.ErrorIs(t, account.Contract{}.Validate(), crmkit.ErrInvalid)
	assert.Equal(t, account.Account{}, account.Account{}.Clone())
	assert.Equal(t, account.Contract{}, account.Contract{}.Clone())
}
