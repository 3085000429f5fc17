package funnel_test

import (
	"slices"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/campaign"
	"github.com/crmkit/crmkit/funnel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newCampaign(t *testing.T, code string, budget int64, planned campaign.Targets) campaign.Campaign {
	c, _, err := campaign.New(campaign.Spec{Code: code, Name: code + " campaign", Budget: money(t, budget), Planned: planned,
		Schedule: crmkit.Period{Start: at(0), End: at(30)}, Owner: "ann"}, crmkit.Cmd{By: "ann", At: at(0)})
	require.NoError(t, err)
	return c
}

func TestEvaluateCampaignsHandComputed(t *testing.T) {
	spring := newCampaign(t, "spring", 100000, campaign.Targets{Leads: 5, Opportunities: 2, Contracts: 2, Revenue: money(t, 800000)})
	spring.ActualCost = money(t, 120000)
	fair := newCampaign(t, "fair", 50000, campaign.Targets{})
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
	res, err := funnel.EvaluateCampaigns([]campaign.Campaign{spring, fair}, rep, 1, dec("0.25"))
	require.NoError(t, err)
	require.Len(t, res, 2)
	s, f := res[0], res[1]
	assert.Equal(t, campaign.Targets{Leads: 4, Opportunities: 2, Contracts: 1, Revenue: money(t, 500000)}, s.Actual)
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
	_, err = funnel.EvaluateCampaigns([]campaign.Campaign{spring}, byOwner, 1, dec("0.25"))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = funnel.EvaluateCampaigns([]campaign.Campaign{spring}, rep, 9, dec("0.25"))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func codes(rs []funnel.CampaignResult) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Campaign.Code
	}
	return out
}
