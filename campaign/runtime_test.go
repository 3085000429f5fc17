package campaign_test

import (
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/campaign"
	"github.com/crmkit/crmkit/internal/fsm/fsmtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestCampaignRuntimeAgreesWithLooplab compares the compiled campaign
// machine (CampaignNext, which every command runs on) with a looplab
// machine of CampaignDefinition on every pair and random sequences.
func TestCampaignRuntimeAgreesWithLooplab(t *testing.T) {
	var states, triggers []string
	for s := campaign.Planned; s <= campaign.Cancelled; s++ {
		states = append(states, s.String())
	}
	for e := campaign.TriggerSubmit; e <= campaign.TriggerCancel; e++ {
		triggers = append(triggers, e.String())
	}
	sub := fsmtest.Subject{Def: campaign.Definition(), States: states, Triggers: triggers,
		Next: func(s, tr int) (int, bool) {
			n, ok := campaign.Next(campaign.Status(s), campaign.Trigger(tr))
			return int(n), ok
		}}
	rapid.Check(t, func(t *rapid.T) { fsmtest.Agree(t, sub) })
}

func TestCampaignNilContextIsInvalid(t *testing.T) {
	c, _, err := create("c", "c", crmkit.MustMoney("10", "EUR"), campaign.Targets{}, crmkit.Period{})
	require.NoError(t, err)
	//lint:ignore SA1012 a nil context is the input under test
	_, _, err = c.Submit(nil, "ann", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}
