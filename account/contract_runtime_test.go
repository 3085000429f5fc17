package account_test

import (
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/internal/fsm/fsmtest"
	"github.com/stretchr/testify/assert"
	"pgregory.net/rapid"
)

// TestContractRuntimeAgreesWithLooplab compares the compiled contract
// machine (NextStatus, which every command runs on) with a looplab
// machine of ContractEvents on every pair and random sequences.
func TestContractRuntimeAgreesWithLooplab(t *testing.T) {
	states := make([]string, int(account.Terminated)+1)
	for s := account.Draft; s <= account.Terminated; s++ {
		states[s] = s.String()
	}
	var triggers []string
	for tr := account.TriggerApprove; tr <= account.TriggerTerminate; tr++ {
		triggers = append(triggers, tr.String())
	}
	sub := fsmtest.Subject{Def: account.ContractEvents(), States: states, Triggers: triggers,
		Next: func(s, tr int) (int, bool) {
			n, ok := account.NextStatus(account.ContractStatus(s), account.ContractTrigger(tr))
			return int(n), ok
		}}
	rapid.Check(t, func(t *rapid.T) { fsmtest.Agree(t, sub) })
}

func TestContractBadCommandIsInvalid(t *testing.T) {
	c := draft(t)
	at := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	for name, cmd := range map[string]crmkit.Cmd{
		"no actor":         {At: at, Reason: "r"},
		"blank actor":      {By: " ", At: at, Reason: "r"},
		"control in actor": {By: "ann\x00", At: at, Reason: "r"},
		"zero time":        {By: "ann", Reason: "r"},
	} {
		_, _, err := c.Terminate(cmd)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
	_, _, err := c.Fire(account.ContractTrigger(99), crmkit.Cmd{By: "ann", At: at})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}
