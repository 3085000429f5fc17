package erasure_test

import (
	"errors"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage/erasure"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestCheckUneraseLead: for an erased stored lead, a next value passes
// exactly when it keeps the erasure (name, e-mail, phone, mark, no new
// custom field), whatever else changes; for a lead not erased anything
// passes.
func TestCheckUneraseLead(t *testing.T) {
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	rapid.Check(t, func(t *rapid.T) {
		stored := lead.Lead{ID: crmkit.NewID(), Who: lead.Person{Name: crmkit.Erased}, ErasedAt: at,
			Custom: field.Values{"tier": field.Option("gold")}, Owner: "ana"}
		next := stored.Clone()
		next.Owner = rapid.SampledFrom([]string{"ana", "bob"}).Draw(t, "owner")
		var want string // the field the rule must name, "" for none
		switch rapid.IntRange(0, 5).Draw(t, "change") {
		case 1:
			next.Who.Name, want = "Ada", "name"
		case 2:
			next.Who.Email, want = "a@x.example", "email"
		case 3:
			next.Who.Phone, want = "+1 555 0100", "phone"
		case 4:
			next.ErasedAt, want = time.Time{}, "erased_at"
		case 5:
			next.Custom, want = field.Values{"tier": field.Option("gold"), "nick": field.Text("A")}, "custom.nick"
		}
		err := erasure.CheckUnerase(stored, next)
		if want == "" {
			require.NoError(t, err)
		} else {
			var ue *erasure.UneraseError
			require.True(t, errors.As(err, &ue), "%v", err)
			require.ErrorIs(t, err, crmkit.ErrIllegalTransition)
			require.Equal(t, erasure.UneraseError{Kind: lead.LeadKind, ID: stored.ID, Field: want}, *ue)
		}
		live := stored
		live.ErasedAt = time.Time{}
		require.NoError(t, erasure.CheckUnerase(live, next), "a lead not erased")
	})
}

func TestCheckUneraseAccount(t *testing.T) {
	pia := account.Contact{ID: crmkit.NewID(), Name: crmkit.Erased, Erased: true, Custom: field.Values{"tier": field.Option("gold")}}
	ola := account.Contact{ID: crmkit.NewID(), Name: "Ola"}
	stored := account.Account{ID: crmkit.NewID(), Contacts: []account.Contact{pia, ola}}
	with := func(change func(c *account.Contact)) account.Account {
		a := stored.Clone()
		change(&a.Contacts[0])
		return a
	}
	assert.NoError(t, erasure.CheckUnerase(stored, stored.Clone()))
	assert.NoError(t, erasure.CheckUnerase(stored, account.Account{ID: stored.ID, Contacts: []account.Contact{ola}}), "dropped")
	a := stored.Clone()
	a.Contacts[1].Email = "ola@x.example"
	assert.NoError(t, erasure.CheckUnerase(stored, a), "a contact not erased changes freely")
	for f, change := range map[string]func(c *account.Contact){
		"erased": func(c *account.Contact) { c.Erased = false },
		"name":   func(c *account.Contact) { c.Name = "Pia" },
		"email":  func(c *account.Contact) { c.Email = "pia@x.example" },
		"phone":  func(c *account.Contact) { c.Phone = "+1 555 0100" },
		"custom.nick": func(c *account.Contact) {
			c.Custom = field.Values{"tier": field.Option("gold"), "nick": field.Text("P")}
		},
	} {
		err := erasure.CheckUnerase(stored, with(change))
		var ue *erasure.UneraseError
		require.True(t, errors.As(err, &ue), "%s: %v", f, err)
		assert.Equal(t, erasure.UneraseError{Kind: account.AccountKind, ID: stored.ID, Contact: pia.ID, Field: f}, *ue)
		assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	}
	// Other types and mismatched ones pass; a nil *UneraseError prints.
	assert.NoError(t, erasure.CheckUnerase(stored, lead.Lead{}))
	assert.NoError(t, erasure.CheckUnerase(nil, nil))
	assert.Contains(t, (*erasure.UneraseError)(nil).Error(), "illegal transition")
}
