package campaign_test

import (
	"context"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/campaign"
	"github.com/looplab/fsm"
)

var sink any

// BenchmarkCampaignMachine compares, in one run, (a) a bare looplab/fsm
// SetState + Event, (b) a bare [6][6]uint8 table lookup, (c) the compiled
// table path campaign.Next and (d) the interactive command path (Approve
// on the same compiled runtime: the four-eyes guard, the event).
func BenchmarkCampaignMachine(b *testing.B) {
	ctx := context.Background()
	b.Run("a-looplab", func(b *testing.B) {
		b.ReportAllocs()
		m := fsm.NewFSM("pending approval", campaign.Definition(), nil)
		for b.Loop() {
			m.SetState("pending approval")
			if err := m.Event(ctx, "approve"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("b-bare-table", func(b *testing.B) {
		b.ReportAllocs()
		var table [6][6]uint8
		table[1][1] = 2
		var s uint8
		i := 0
		for b.Loop() {
			s = table[i%6][i/6%6]
			i++
		}
		sink = s
	})
	b.Run("c-Next", func(b *testing.B) {
		b.ReportAllocs()
		s := campaign.PendingApproval
		var ok bool
		i := 0
		for b.Loop() {
			// Inputs vary, so the lookup cannot be folded away.
			s, ok = campaign.Next(campaign.Status(i%6), campaign.Trigger(i/6%6))
			i++
		}
		sink = [2]any{s, ok}
	})
	b.Run("d-command", func(b *testing.B) {
		b.ReportAllocs()
		c, _, err := create("c", "c", crmkit.MustMoney("10", "EUR"), campaign.Targets{}, crmkit.Period{})
		if err != nil {
			b.Fatal(err)
		}
		c.Status, c.SubmittedBy = campaign.PendingApproval, "ann"
		for b.Loop() {
			n, _, err := c.Approve(crmkit.Cmd{By: "bob", At: at(1)})
			if err != nil {
				b.Fatal(err)
			}
			sink = n.Status
		}
	})
}
