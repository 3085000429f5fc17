package deletion_test

import (
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage/deletion"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Validate accepts the three kinds Delete removes with a non-nil ID and a
// valid command, and refuses anything else with crmkit.ErrInvalid.
func TestValidate(t *testing.T) {
	cmd := crmkit.Cmd{By: "ana", At: time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC), Reason: "typo"}
	id := crmkit.NewID()
	for _, kind := range []string{lead.LeadKind, deal.DealKind, account.AccountKind} {
		assert.NoError(t, deletion.Validate(kind, id, cmd), kind)
	}
	for name, err := range map[string]error{
		"contract":   deletion.Validate(account.ContractKind, id, cmd),
		"long kind":  deletion.Validate(strings.Repeat("k", 100), id, cmd),
		"nil id":     deletion.Validate(lead.LeadKind, uuid.Nil, cmd),
		"no actor":   deletion.Validate(lead.LeadKind, id, crmkit.Cmd{At: cmd.At}),
		"no time":    deletion.Validate(lead.LeadKind, id, crmkit.Cmd{By: "ana"}),
		"year 10000": deletion.Validate(lead.LeadKind, id, crmkit.Cmd{By: "ana", At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}),
	} {
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
}

// Tombstone is the one event a Delete leaves: kind Kind under the deleted
// ID, version 1, type EventRecordDeleted, the command's actor, time and
// reason, and the kind and version of the record in its payload.
func TestTombstone(t *testing.T) {
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	id := crmkit.NewID()
	e, err := deletion.Tombstone(deal.DealKind, id, 4, crmkit.Cmd{By: "ana", At: at, Reason: "test entry"})
	require.NoError(t, err)
	assert.Equal(t, deletion.Kind, e.AggregateKind)
	assert.Equal(t, id, e.AggregateID)
	assert.Equal(t, int64(1), e.Version)
	assert.Equal(t, deletion.EventRecordDeleted, e.Type)
	assert.Equal(t, "ana", e.Actor)
	assert.True(t, at.Equal(e.At))
	assert.Equal(t, "test entry", e.Reason)
	assert.JSONEq(t, `{"kind":"deal","version":4}`, string(e.Payload))
}

// Referrers lists, per kind, the fields of other records that keep it
// from being deleted; a lead has none.
func TestReferrers(t *testing.T) {
	assert.Empty(t, deletion.Referrers(lead.LeadKind))
	assert.Empty(t, deletion.Referrers("contract"))
	assert.Equal(t, []deletion.Referrer{
		{Kind: account.ContractKind, Field: "deal_id"}, {Kind: "quote", Field: "deal_id"},
		{Kind: lead.LeadKind, Field: "conversion.opportunity_id"},
	}, deletion.Referrers(deal.DealKind))
	assert.Len(t, deletion.Referrers(account.AccountKind), 5)
	// *InUseError matches crmkit.ErrConflict; a nil one prints.
	var err error = &deletion.InUseError{Kind: deal.DealKind, ID: crmkit.NewID(), By: crmkit.NewID(), Field: "deal_id", ByKind: "quote"}
	assert.ErrorIs(t, err, crmkit.ErrConflict)
	assert.Contains(t, (*deletion.InUseError)(nil).Error(), "conflict")
}
