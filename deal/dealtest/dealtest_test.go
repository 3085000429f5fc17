package dealtest_test

import (
	"testing"
	"time"

	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/dealtest"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

var start = time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC)

func TestGeneratorsMakeValidValues(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		spec := dealtest.PipelineSpec(10).Draw(t, "spec")
		if err := spec.Validate(); err != nil {
			t.Fatalf("invalid spec: %v", err)
		}
		if len(spec.Stages) < 1 || len(spec.Stages) > 10 {
			t.Fatalf("%d stages", len(spec.Stages))
		}
		owner := rapid.SampledFrom(dealtest.Reps()).Draw(t, "owner")
		team := dealtest.Team(owner).Draw(t, "team")
		if len(team) > 0 {
			sum := decimal.Zero
			for _, m := range team {
				sum = sum.Add(m.Split)
			}
			if !sum.Equal(decimal.NewFromInt(1)) || team[0].Rep != owner {
				t.Fatalf("team %v: sum %s, first %s", team, sum, team[0].Rep)
			}
		}
		p := dealtest.Pipeline().Draw(t, "pipeline")
		d := dealtest.Deal(p, start).Draw(t, "deal")
		if d.Status != deal.Open || d.Stage != 0 || d.Version != 1 {
			t.Fatalf("new deal %s/%d v%d", d.Status, d.Stage, d.Version)
		}
	})
}

func TestGrantedApprovalAndSelfApproval(t *testing.T) {
	r, err := dealtest.GrantedApproval("subject", "ana", "ana", []string{"manager", "director"}, start, false)
	if err != nil || !r.Granted(start.Add(2*time.Hour)) {
		t.Fatalf("not granted: %v", err)
	}
	self, err := dealtest.GrantedApproval("subject", "ana", "ana", []string{"manager"}, start, true)
	if err != nil || self.Decisions[0].Approver != "ana" || self.Requester == "ana" {
		t.Fatalf("self approval %+v: %v", self, err)
	}
}

func TestRunAppliesCommands(t *testing.T) {
	p := deal.DefaultPipeline()
	d := rapid.Custom(func(t *rapid.T) deal.Deal { return dealtest.Deal(p, start).Draw(t, "deal") }).Example(1)
	c := dealtest.Command{Op: dealtest.OpSuspend, Actor: "ana", Reason: "budget freeze"}
	got, e, err := c.Run(p, d, start.Add(time.Hour))
	if err != nil || got.Status != deal.Suspended || e.Type != deal.EventDealSuspended {
		t.Fatalf("suspend: %v %s %s", err, got.Status, e.Type)
	}
}
