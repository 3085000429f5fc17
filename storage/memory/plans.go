package memory

import (
	"slices"

	"github.com/crmkit/crmkit/campaign"

	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// Quota plans and marketing campaigns, on the store and on the
// transaction of Update (storage.Tx), so that their writes land with the
// others.

var planKind = &kind[quota.Plan, storage.PlanFilter]{
	ops: ops[quota.Plan]{
		name:     quota.PlanKind,
		slot:     slotPlan,
		id:       func(p *quota.Plan) uuid.UUID { return p.ID },
		version:  func(p *quota.Plan) int64 { return p.Version },
		clone:    clonePlan,
		validate: storage.ValidatePlan,
	},
	validateFilter: storage.PlanFilter.Validate,
	match:          (*storage.PlanFilter).Match,
}

var campaignKind = &kind[campaign.Campaign, storage.CampaignFilter]{
	ops: ops[campaign.Campaign]{
		name:     campaign.CampaignKind,
		slot:     slotCampaign,
		id:       func(c *campaign.Campaign) uuid.UUID { return c.ID },
		version:  func(c *campaign.Campaign) int64 { return c.Version },
		clone:    campaign.Campaign.Clone,
		validate: storage.ValidateCampaign,
	},
	validateFilter: storage.CampaignFilter.Validate,
	match:          (*storage.CampaignFilter).Match,
}

// clonePlan copies a plan deeply: its cell tree and its history with
// their changes (quota.Plan has no exported Clone).
func clonePlan(p quota.Plan) quota.Plan {
	q := p
	q.Root = cloneCell(p.Root)
	if p.History != nil {
		q.History = make([]quota.Revision, len(p.History))
		for i, r := range p.History {
			r.Changes = slices.Clone(r.Changes)
			q.History[i] = r
		}
	}
	return q
}

func cloneCell(c quota.Cell) quota.Cell {
	out := c
	if c.Children != nil {
		out.Children = make([]quota.Cell, len(c.Children))
		for i := range c.Children {
			out.Children[i] = cloneCell(c.Children[i])
		}
	}
	return out
}

// Plans returns the quota plan repository; each call
// on it is its own transaction.
func (s *Store) Plans() storage.PlanRepository {
	return &repo[quota.Plan, storage.PlanFilter]{st: s.state(), k: planKind}
}

// Campaigns returns the campaign repository;
// each call on it is its own transaction.
func (s *Store) Campaigns() storage.CampaignRepository {
	return &repo[campaign.Campaign, storage.CampaignFilter]{st: s.state(), k: campaignKind}
}

// Plans returns the quota plan repository of the transaction.
func (tx *txn) Plans() storage.PlanRepository {
	return &repo[quota.Plan, storage.PlanFilter]{st: tx.st, k: planKind, tx: tx}
}

// Campaigns returns the campaign repository of the transaction.
func (tx *txn) Campaigns() storage.CampaignRepository {
	return &repo[campaign.Campaign, storage.CampaignFilter]{st: tx.st, k: campaignKind, tx: tx}
}
