package storage_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/campaign"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/storage"
)

// TestNilFilters: a nil filter passes every entity, as the zero filter
// does, and a nil entity passes no filter; neither panics (issue 16).
func TestNilFilters(t *testing.T) {
	assert.True(t, (*storage.LeadFilter)(nil).Match(&lead.Lead{}))
	assert.False(t, (&storage.LeadFilter{}).Match(nil))
	assert.True(t, (*storage.DealFilter)(nil).Match(&deal.Deal{}))
	assert.False(t, (&storage.DealFilter{}).Match(nil))
	assert.True(t, (*storage.AccountFilter)(nil).Match(&account.Account{}))
	assert.False(t, (&storage.AccountFilter{}).Match(nil))
	assert.True(t, (*storage.ContractFilter)(nil).Match(&account.Contract{}))
	assert.False(t, (&storage.ContractFilter{}).Match(nil))
	assert.True(t, (*storage.CampaignFilter)(nil).Match(&campaign.Campaign{}))
	assert.False(t, (&storage.CampaignFilter{}).Match(nil))
	assert.True(t, (*storage.PlanFilter)(nil).Match(&quota.Plan{}))
	assert.False(t, (&storage.PlanFilter{}).Match(nil))
	assert.True(t, (*storage.QuoteFilter)(nil).Match(&quote.Quote{}))
	assert.False(t, (&storage.QuoteFilter{}).Match(nil))
	assert.True(t, (*storage.ApprovalFilter)(nil).Match(&approval.Request{}))
	assert.False(t, (&storage.ApprovalFilter{}).Match(nil))
	assert.True(t, (*storage.InteractionFilter)(nil).Match(&account.Interaction{}))
	assert.False(t, (&storage.InteractionFilter{}).Match(nil))
	assert.Empty(t, storage.WaitingRole(nil))
	assert.Nil(t, storage.QuoteReferences(nil))
	assert.Nil(t, storage.InteractionReferences(nil))
}
