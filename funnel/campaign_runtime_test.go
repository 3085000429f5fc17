package funnel_test

import (
	"testing"

	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/internal/fsm/fsmtest"
	"pgregory.net/rapid"
)

// TestCampaignRuntimeAgreesWithLooplab compares the compiled campaign
// machine (CampaignNext, which every command runs on) with a looplab
// machine of CampaignDefinition on every pair and random sequences.
func TestCampaignRuntimeAgreesWithLooplab(t *testing.T) {
	var states, triggers []string
	for s := funnel.CampaignPlanned; s <= funnel.CampaignCancelled; s++ {
		states = append(states, s.String())
	}
	for e := funnel.CampaignSubmit; e <= funnel.CampaignCancel; e++ {
		triggers = append(triggers, e.String())
	}
	sub := fsmtest.Subject{Def: funnel.CampaignDefinition(), States: states, Triggers: triggers,
		Next: func(s, tr int) (int, bool) {
			n, ok := funnel.CampaignNext(funnel.CampaignStatus(s), funnel.CampaignEvent(tr))
			return int(n), ok
		}}
	rapid.Check(t, func(t *rapid.T) { fsmtest.Agree(t, sub) })
}
