package storage_test

import (
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// WaitingRole is the role of the step a pending request waits for, and
// nothing once it is decided: hand-walked through a two-step chain.
func TestWaitingRole(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	r, _, err := approval.New("discount/1", []string{"manager", "director"}, time.Time{}, crmkit.Cmd{By: "ana", At: at})
	require.NoError(t, err)
	assert.Equal(t, "manager", storage.WaitingRole(&r))
	r, _, err = r.Approve(approval.Cmd{Cmd: crmkit.Cmd{By: "mia", At: at}, Roles: []string{"manager"}})
	require.NoError(t, err)
	assert.Equal(t, "director", storage.WaitingRole(&r))
	f := storage.ApprovalFilter{WaitingFor: "director", Statuses: []approval.Status{approval.Pending}}
	assert.True(t, f.Match(&r))
	r, _, err = r.Approve(approval.Cmd{Cmd: crmkit.Cmd{By: "dan", At: at}, Roles: []string{"director"}})
	require.NoError(t, err)
	assert.Equal(t, "", storage.WaitingRole(&r), "granted: nobody's inbox")
	assert.False(t, f.Match(&r))
}

// The references of quotes and interactions, by hand.
func TestServiceReferences(t *testing.T) {
	d, a, c := crmkit.NewID(), crmkit.NewID(), crmkit.NewID()
	assert.Equal(t, []storage.Reference{{Field: "deal_id", Kind: deal.DealKind, ID: d}}, storage.QuoteReferences(&quote.Quote{DealID: d}))
	assert.Empty(t, storage.QuoteReferences(&quote.Quote{}))
	assert.Equal(t, []storage.Reference{
		{Field: "account_id", Kind: account.AccountKind, ID: a},
		{Field: "contact_id", Kind: storage.ContactKind, ID: c, Account: a},
	}, storage.InteractionReferences(&account.Interaction{AccountID: a, ContactID: c}))
	assert.Equal(t, []storage.Reference{{Field: "account_id", Kind: account.AccountKind, ID: a}},
		storage.InteractionReferences(&account.Interaction{AccountID: a}))
}

// The filters refuse unknown enum values and bad strings, and accept
// their zero value.
func TestServiceFiltersValidate(t *testing.T) {
	for name, err := range map[string]error{
		"quote status 0":       storage.QuoteFilter{Statuses: []quote.Status{0}}.Validate(),
		"quote status 9":       storage.QuoteFilter{Statuses: []quote.Status{quote.Expired + 1}}.Validate(),
		"quote creator NUL":    storage.QuoteFilter{CreatedBy: "a\x00"}.Validate(),
		"approval status 0":    storage.ApprovalFilter{Statuses: []approval.Status{0}}.Validate(),
		"approval role NUL":    storage.ApprovalFilter{WaitingFor: "a\x00"}.Validate(),
		"too many statuses":    storage.ApprovalFilter{Statuses: make([]approval.Status, 6)}.Validate(),
		"interaction outcome":  storage.InteractionFilter{Outcomes: []account.Outcome{account.Unresolved + 1}}.Validate(),
		"interaction channel":  storage.InteractionFilter{Channel: string([]byte{0xff})}.Validate(),
		"too many outcomes":    storage.InteractionFilter{Outcomes: make([]account.Outcome, 5)}.Validate(),
		"quote status invalid": storage.QuoteFilter{Statuses: []quote.Status{quote.Draft, 42}}.Validate(),
	} {
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
	assert.NoError(t, storage.QuoteFilter{}.Validate())
	assert.NoError(t, storage.ApprovalFilter{}.Validate())
	assert.NoError(t, storage.InteractionFilter{Account: uuid.Nil}.Validate())
	assert.NoError(t, storage.InteractionFilter{Outcomes: []account.Outcome{account.Pending, account.Resolved}, Channel: "phone"}.Validate())
}
