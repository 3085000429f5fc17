package funnel

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/campaign"
	"github.com/crmkit/crmkit/kpi"
	"github.com/shopspring/decimal"
)

// This file holds the campaign analytics: what each campaign (the
// aggregate of package campaign) produced against its cost and plan.

// Deviation compares one planned figure of a campaign with its actual.
type Deviation struct {
	// Metric is "leads", "opportunities", "contracts", "revenue" or
	// "cost".
	Metric string
	// Planned and Actual are the figures (money in minor units).
	Planned, Actual int64
	// Ratio is (Actual - Planned) / Planned (crmkit.Ratio): -0.25 is a
	// quarter below plan.
	Ratio decimal.Decimal
	// Flagged is set when |Ratio| exceeds the threshold.
	Flagged bool
}

// CampaignResult is what a campaign produced against what it cost and
// planned: one row of the side-by-side comparison that feeds next year's
// plan.
type CampaignResult struct {
	Campaign campaign.Campaign
	// Actual holds the leads (entities carrying the campaign's code),
	// opportunities (those that reached the opportunity stage),
	// contracts (won) and revenue (amount won).
	Actual campaign.Targets
	// Cost is the actual cost, or the budget while none is recorded.
	Cost crmkit.Money
	// Deviations compare Actual and Cost with the plan; metrics planned
	// at zero are left out (no ratio).
	Deviations []Deviation
}

// Flagged reports whether any deviation is flagged.
func (r CampaignResult) Flagged() bool {
	return slices.ContainsFunc(r.Deviations, func(d Deviation) bool { return d.Flagged })
}

// ROI is (revenue - cost) / cost (kpi.CampaignROI). A zero cost is
// ErrInvalid.
func (r CampaignResult) ROI() (decimal.Decimal, error) {
	return kpi.CampaignROI(r.Actual.Revenue, r.Cost)
}

// CostPerLead is cost / leads (kpi.CostPerLead), rounded with mode.
func (r CampaignResult) CostPerLead(mode crmkit.RoundingMode) (crmkit.Money, error) {
	return kpi.CostPerLead(r.Cost, r.Actual.Leads, mode)
}

// CostPerOpportunity is cost / opportunities (kpi.CostPerOpportunity).
func (r CampaignResult) CostPerOpportunity(mode crmkit.RoundingMode) (crmkit.Money, error) {
	return kpi.CostPerOpportunity(r.Cost, r.Actual.Opportunities, mode)
}

// EvaluateCampaigns compares each campaign's results with its cost and
// plan. rep must be a report split by campaign only (Query.By =
// []Dimension{ByCampaign}); a campaign's leads are the entities of its
// group, its opportunities those that reached stage opportunityStage (an
// index into the report's stages), its contracts and revenue the won ones.
// Deviations beyond threshold (a non-negative ratio such as 0.2 for 20%)
// are flagged. A report split otherwise, an unknown stage, a negative
// threshold and amounts in two currencies are errors.
func EvaluateCampaigns(campaigns []campaign.Campaign, rep Report, opportunityStage int, threshold decimal.Decimal) ([]CampaignResult, error) {
	if len(rep.By) != 1 || rep.By[0] != ByCampaign {
		return nil, crmkit.Invalid("report", "split by %v, not by campaign only", rep.By)
	}
	if opportunityStage < 0 || opportunityStage >= len(rep.Total.Stages) {
		return nil, crmkit.Invalid("opportunity stage", "index %d outside the report's %d stages", opportunityStage, len(rep.Total.Stages))
	}
	if threshold.Sign() < 0 {
		return nil, crmkit.Invalid("threshold", "negative threshold %s", threshold)
	}
	out := make([]CampaignResult, 0, len(campaigns))
	for _, c := range campaigns {
		r := CampaignResult{Campaign: c, Cost: c.ActualCost}
		if r.Cost.Currency().IsZero() {
			r.Cost = c.Budget
		}
		if s, ok := rep.Group(Key{Dims: Dims{Campaign: c.Code}}); ok {
			r.Actual = campaign.Targets{Leads: s.Entities, Opportunities: s.Stages[opportunityStage].Reached, Contracts: s.Won, Revenue: s.WonAmount}
		}
		if !r.Actual.Revenue.Currency().IsZero() && r.Actual.Revenue.Currency() != c.Budget.Currency() {
			return nil, fmt.Errorf("campaign %s: revenue %s, budget %s: %w", c.Code, r.Actual.Revenue, c.Budget, crmkit.ErrCurrencyMismatch)
		}
		for _, m := range []struct {
			name            string
			planned, actual int64
		}{
			{"leads", c.Planned.Leads, r.Actual.Leads},
			{"opportunities", c.Planned.Opportunities, r.Actual.Opportunities},
			{"contracts", c.Planned.Contracts, r.Actual.Contracts},
			{"revenue", c.Planned.Revenue.Minor(), r.Actual.Revenue.Minor()},
			{"cost", c.Budget.Minor(), r.Cost.Minor()},
		} {
			if m.planned == 0 {
				continue
			}
			ratio, err := crmkit.Ratio(decimal.NewFromInt(m.actual-m.planned), decimal.NewFromInt(m.planned))
			if err != nil {
				return nil, err
			}
			r.Deviations = append(r.Deviations, Deviation{Metric: m.name, Planned: m.planned, Actual: m.actual,
				Ratio: ratio, Flagged: ratio.Abs().GreaterThan(threshold)})
		}
		out = append(out, r)
	}
	return out, nil
}

// Ranking says how RankCampaigns orders campaigns.
type Ranking uint8

// The rankings.
const (
	// RankByOpportunities: most opportunities produced first.
	RankByOpportunities Ranking = iota
	// RankByContractVolume: most revenue won first.
	RankByContractVolume
	// RankByROI: highest ROI first; campaigns without a cost last.
	RankByROI
)

// RankCampaigns sorts results in place, best first, ties by campaign
// code.
func RankCampaigns(results []CampaignResult, by Ranking) {
	key := func(r CampaignResult) decimal.Decimal {
		switch by {
		case RankByContractVolume:
			return decimal.NewFromInt(r.Actual.Revenue.Minor())
		case RankByROI:
			roi, err := r.ROI()
			if err != nil {
				return decimal.NewFromInt(-1 << 62)
			}
			return roi
		}
		return decimal.NewFromInt(r.Actual.Opportunities)
	}
	slices.SortStableFunc(results, func(a, b CampaignResult) int {
		if c := key(b).Cmp(key(a)); c != 0 {
			return c
		}
		return cmp.Compare(a.Campaign.Code, b.Campaign.Code)
	})
}

// SalesLift measures a running campaign's effect as the change in sales:
// (during - baseline) / baseline, with baseline the sales of a comparable
// period before it. A baseline that is not positive and two currencies
// are errors.
func SalesLift(baseline, during crmkit.Money) (decimal.Decimal, error) {
	d, err := during.Sub(baseline)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("sales lift: %w", err)
	}
	if baseline.Sign() <= 0 {
		return decimal.Decimal{}, crmkit.Invalid("baseline", "baseline sales %s are not positive", baseline)
	}
	return crmkit.Ratio(decimal.NewFromInt(d.Minor()), decimal.NewFromInt(baseline.Minor()))
}
