package account_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/internal/enumtest"
)

// TestEnumTextForms checks every value of every account enum, unset
// included, against the names written out here by hand.
func TestEnumTextForms(t *testing.T) {
	assert.Equal(t, []string{"unset", "decision maker", "influencer", "user", "gatekeeper", "champion"}, enumtest.Check[account.ContactRole](t, 5, true))
	assert.Equal(t, []string{"unset", "draft", "approved", "signed", "active", "completed", "closed", "terminated"}, enumtest.Check[account.ContractStatus](t, 7, true))
	assert.Equal(t, []string{"approve", "sign", "activate", "complete", "close", "terminate"}, enumtest.Check[account.ContractTrigger](t, 6, false))
	assert.Equal(t, []string{"not started", "planning", "implementation started", "implementation done"}, enumtest.Check[account.Execution](t, 4, false))
	assert.Equal(t, []string{"unset", "original", "amendment", "renewal"}, enumtest.Check[account.TermsKind](t, 3, true))
	assert.Equal(t, []string{"unset", "info", "minor", "major", "critical"}, enumtest.Check[account.Severity](t, 4, true))
	assert.Equal(t, []string{"unset", "pending", "resolved", "escalated", "unresolved"}, enumtest.Check[account.Outcome](t, 4, true))
}

// TestRelationText: a Relation is a set; its text lists the relations in
// bit order joined by "|", "none" for the empty set. Every subset of the
// four relations round-trips through text and JSON; a set with an
// undeclared bit has no text form.
func TestRelationText(t *testing.T) {
	for r, want := range map[account.Relation]string{
		0:                                     "none",
		account.Customer:                      "customer",
		account.Customer | account.Partner:    "customer|partner",
		account.Prospect | account.Competitor: "prospect|competitor",
	} {
		b, err := r.MarshalText()
		require.NoError(t, err)
		assert.Equal(t, want, string(b))
	}
	rapid.Check(t, func(t *rapid.T) {
		r := account.Relation(rapid.Uint8().Draw(t, "r"))
		b, err := r.MarshalText()
		if r >= 16 {
			if !assert.ErrorIs(t, err, crmkit.ErrInvalid) || r.Valid() {
				t.Fatalf("%d has a text form", r)
			}
			return
		}
		require.NoError(t, err)
		var back account.Relation
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, r, back)
		j, err := json.Marshal(r)
		require.NoError(t, err)
		back = 0
		require.NoError(t, json.Unmarshal(j, &back))
		assert.Equal(t, r, back)
	})
	var r account.Relation
	for _, bad := range []string{"", "friend", "customer|customer", "customer,partner", "none|customer", "6"} {
		assert.ErrorIs(t, r.UnmarshalText([]byte(bad)), crmkit.ErrInvalid, bad)
	}
}
