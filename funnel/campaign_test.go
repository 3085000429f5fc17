package funnel_test

import (
	"context"
	"slices"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/google/uuid"
	"github.com/looplab/fsm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func newCampaign(t *testing.T, code string, budget int64, planned funnel.Targets) funnel.Campaign {
	c, err := funnel.NewCampaign(uuid.Nil, code, code+" campaign", money(t, budget), planned, crmkit.Period{Start: at(0), End: at(30)}, "ann")
	require.NoError(t, err)
	return c
}

func TestCampaignLifecycle(t *testing.T) {
	ctx := context.Background()
	c := newCampaign(t, "spring", 100000, funnel.Targets{})
	assert.Equal(t, funnel.CampaignPlanned, c.Status)
	c, e, err := c.Submit(ctx, "ann", at(1))
	require.NoError(t, err)
	assert.Equal(t, [3]string{"planned", "pending approval", ""}, [3]string{e.From, e.To, e.Reason})
	assert.Equal(t, int64(1), e.Version)

	_, _, err = c.Approve(ctx, "ann", at(2))
	assert.ErrorIs(t, err, crmkit.ErrForbidden, "no approving one's own submission")
	_, _, err = c.Reject(ctx, "bob", "", at(2))
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "a rejection needs a reason")
	rejected, e, err := c.Reject(ctx, "bob", "budget too high", at(2))
	require.NoError(t, err)
	assert.Equal(t, funnel.CampaignPlanned, rejected.Status)
	assert.Equal(t, "budget too high", e.Reason)

	c, _, err = c.Approve(ctx, "bob", at(2))
	require.NoError(t, err)
	assert.Equal(t, "bob", c.ApprovedBy)
	_, _, err = c.Complete(ctx, "ann", at(3), money(t, 1))
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "an approved campaign must run before it completes")
	c, _, err = c.Start(ctx, "ann", at(3))
	require.NoError(t, err)
	_, _, err = c.Complete(ctx, "ann", at(20), crmkit.MustMoney("1", "USD"))
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
	_, _, err = c.Complete(ctx, "ann", at(20), money(t, -1))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	done, e, err := c.Complete(ctx, "ann", at(20), money(t, 120000))
	require.NoError(t, err)
	assert.Equal(t, funnel.CampaignCompleted, done.Status)
	assert.Equal(t, money(t, 120000), done.ActualCost)
	assert.Equal(t, int64(4), done.Version)
	assert.Equal(t, funnel.CampaignChanged, e.Type)
	assert.Equal(t, funnel.CampaignRunning, c.Status, "commands return a copy")

	_, _, err = done.Cancel(ctx, "ann", "too late", at(21))
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	cancelled, _, err := c.Cancel(ctx, "ann", "venue closed", at(5))
	require.NoError(t, err)
	assert.Equal(t, funnel.CampaignCancelled, cancelled.Status)

	_, _, err = c.Start(ctx, "", at(3))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	_, err = funnel.NewCampaign(uuid.Nil, "", "x", money(t, 1), funnel.Targets{}, crmkit.Period{}, "ann")
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = funnel.NewCampaign(uuid.Nil, "x", "x", money(t, 1), funnel.Targets{Revenue: crmkit.MustMoney("1", "USD")}, crmkit.Period{}, "ann")
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
}

func TestCampaignCancelledContext(t *testing.T) {
	c := newCampaign(t, "spring", 100000, funnel.Targets{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// A guarded event with a cancelled context fails and changes nothing.
	c, _, err := c.Submit(context.Background(), "ann", at(1))
	require.NoError(t, err)
	_, _, err = c.Approve(ctx, "bob", at(2))
	assert.ErrorIs(t, err, context.Canceled)
	// A fresh machine is built per command: the next command works.
	c, _, err = c.Approve(context.Background(), "bob", at(2))
	require.NoError(t, err)
	assert.Equal(t, funnel.CampaignApproved, c.Status)
}

// The compiled table agrees with the looplab machine on every (status,
// event) pair.
func TestCampaignTableAgreesWithLooplab(t *testing.T) {
	for s := funnel.CampaignPlanned; s <= funnel.CampaignCancelled; s++ {
		for e := funnel.CampaignSubmit; e <= funnel.CampaignCancel; e++ {
			m := fsm.NewFSM(s.String(), funnel.CampaignDefinition(), nil)
			err := m.Event(context.Background(), e.String())
			next, ok := funnel.CampaignNext(s, e)
			assert.Equal(t, err == nil, ok, "%s from %s", e, s)
			if ok {
				assert.Equal(t, next.String(), m.Current(), "%s from %s", e, s)
			}
		}
	}
	_, ok := funnel.CampaignNext(funnel.CampaignStatus(9), funnel.CampaignSubmit)
	assert.False(t, ok)
}

// Random command sequences: the commands and the table agree, and the
// version counts the successful commands.
func TestPropertyCampaignCommandsFollowTable(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, err := funnel.NewCampaign(uuid.Nil, "c", "c", crmkit.MustMoney("10", "EUR"), funnel.Targets{}, crmkit.Period{}, "ann")
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		n := rapid.IntRange(0, 12).Draw(t, "steps")
		var ok int64
		for range n {
			e := funnel.CampaignEvent(rapid.IntRange(0, 5).Draw(t, "event"))
			want, legal := funnel.CampaignNext(c.Status, e)
			var next funnel.Campaign
			switch e {
			case funnel.CampaignSubmit:
				next, _, err = c.Submit(ctx, "ann", at(1))
			case funnel.CampaignApprove:
				next, _, err = c.Approve(ctx, "bob", at(1))
			case funnel.CampaignReject:
				next, _, err = c.Reject(ctx, "bob", "no", at(1))
			case funnel.CampaignStart:
				next, _, err = c.Start(ctx, "ann", at(1))
			case funnel.CampaignComplete:
				next, _, err = c.Complete(ctx, "ann", at(1), crmkit.MustMoney("5", "EUR"))
			case funnel.CampaignCancel:
				next, _, err = c.Cancel(ctx, "ann", "no", at(1))
			}
			if legal != (err == nil) {
				t.Fatalf("%s from %s: table says %v, command says %v", e, c.Status, legal, err)
			}
			if err == nil {
				if next.Status != want {
					t.Fatalf("%s from %s: command reached %s, table %s", e, c.Status, next.Status, want)
				}
				c = next
				ok++
			}
		}
		if c.Version != ok {
			t.Fatalf("version %d after %d transitions", c.Version, ok)
		}
	})
}

func TestEvaluateCampaignsHandComputed(t *testing.T) {
	spring := newCampaign(t, "spring", 100000, funnel.Targets{Leads: 5, Opportunities: 2, Contracts: 2, Revenue: money(t, 800000)})
	spring.ActualCost = money(t, 120000)
	fair := newCampaign(t, "fair", 50000, funnel.Targets{})
	opp := func(n byte, campaign string, reached uint64, stage int, st funnel.Status, amount int64) funnel.Opportunity {
		o := funnel.Opportunity{Entity: id(n), Reached: reached, Stage: stage, Status: st, Amount: money(t, amount),
			Origin: at(0), Entered: at(1), Dims: funnel.Dims{Campaign: campaign}}
		if st != funnel.Open {
			o.Closed = at(5)
		}
		return o
	}
	opps := []funnel.Opportunity{
		opp(1, "spring", 0b1, 0, funnel.Open, 100),
		opp(2, "spring", 0b1, 0, funnel.ClosedLost, 100),
		opp(3, "spring", 0b11, 1, funnel.Open, 100),
		opp(4, "spring", 0b111, 2, funnel.ClosedWon, 500000),
		opp(5, "fair", 0b11, 1, funnel.ClosedWon, 100000),
		opp(6, "fair", 0b11, 1, funnel.ClosedWon, 200000),
		opp(7, "other", 0b1, 0, funnel.Open, 100),
	}
	rep, err := funnel.Summarize(testStages(), slices.Values(opps), funnel.Query{AsOf: at(10), By: []funnel.Dimension{funnel.ByCampaign}})
	require.NoError(t, err)
	res, err := funnel.EvaluateCampaigns([]funnel.Campaign{spring, fair}, rep, 1, dec("0.25"))
	require.NoError(t, err)
	require.Len(t, res, 2)
	s, f := res[0], res[1]
	assert.Equal(t, funnel.Targets{Leads: 4, Opportunities: 2, Contracts: 1, Revenue: money(t, 500000)}, s.Actual)
	roi, err := s.ROI()
	require.NoError(t, err)
	assert.True(t, roi.Equal(dec("3.1666666666666667")), "roi %s", roi) // (5000 - 1200) / 1200
	cpl, err := s.CostPerLead(crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, money(t, 30000), cpl)
	cpo, err := s.CostPerOpportunity(crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, money(t, 60000), cpo)
	want := map[string][2]any{"leads": {"-0.2", false}, "opportunities": {"0", false}, "contracts": {"-0.5", true}, "revenue": {"-0.375", true}, "cost": {"0.2", false}}
	require.Len(t, s.Deviations, 5)
	for _, d := range s.Deviations {
		assert.True(t, d.Ratio.Equal(dec(want[d.Metric][0].(string))), "%s: %s", d.Metric, d.Ratio)
		assert.Equal(t, want[d.Metric][1], d.Flagged, d.Metric)
	}
	assert.True(t, s.Flagged())
	assert.Equal(t, money(t, 50000), f.Cost, "the budget stands in until a cost is recorded")
	roi, err = f.ROI()
	require.NoError(t, err)
	assert.True(t, roi.Equal(dec("5")))
	require.Len(t, f.Deviations, 1, "nothing planned but the budget")
	assert.Equal(t, "cost", f.Deviations[0].Metric)
	assert.True(t, f.Deviations[0].Ratio.IsZero())

	funnel.RankCampaigns(res, funnel.RankByOpportunities)
	assert.Equal(t, []string{"fair", "spring"}, codes(res), "a tie goes by code")
	funnel.RankCampaigns(res, funnel.RankByContractVolume)
	assert.Equal(t, []string{"spring", "fair"}, codes(res))
	funnel.RankCampaigns(res, funnel.RankByROI)
	assert.Equal(t, []string{"fair", "spring"}, codes(res))

	lift, err := funnel.SalesLift(money(t, 1000), money(t, 1250))
	require.NoError(t, err)
	assert.True(t, lift.Equal(dec("0.25")))
	_, err = funnel.SalesLift(money(t, 0), money(t, 1250))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	byOwner, err := funnel.Summarize(testStages(), slices.Values(opps), funnel.Query{AsOf: at(10), By: []funnel.Dimension{funnel.ByOwner}})
	require.NoError(t, err)
	_, err = funnel.EvaluateCampaigns([]funnel.Campaign{spring}, byOwner, 1, dec("0.25"))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = funnel.EvaluateCampaigns([]funnel.Campaign{spring}, rep, 9, dec("0.25"))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func codes(rs []funnel.CampaignResult) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Campaign.Code
	}
	return out
}

func TestCampaignMermaid(t *testing.T) {
	m, err := funnel.CampaignMermaid()
	require.NoError(t, err)
	assert.Contains(t, m, "stateDiagram")
	assert.Contains(t, m, "approve")
	assert.Contains(t, m, "cancel")
}
