package campaign_test

import (
	"testing"

	"github.com/crmkit/crmkit/campaign"
	"github.com/crmkit/crmkit/internal/fsm/fsmtest"
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
