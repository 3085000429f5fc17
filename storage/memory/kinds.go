package memory

import (
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/campaign"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// The kind slots: one per aggregate the store holds.
const (
	slotLead = iota
	slotDeal
	slotPlan
	slotCampaign
	slotAccount
	slotContract
	slotCommissionPlan
	slotPipeline
	slotForecastSnapshot
	slotQuote
	slotApproval
	slotInteraction
	slotFieldSchema
	numKinds
)

// newTables makes a tenant's empty tables, by slot.
var newTables = [numKinds]func() any{
	slotLead:             func() any { return newTable(&leadKind.ops) },
	slotDeal:             func() any { return newTable(&dealKind.ops) },
	slotPlan:             func() any { return newTable(&planKind.ops) },
	slotCampaign:         func() any { return newTable(&campaignKind.ops) },
	slotAccount:          func() any { return newTable(&accountKind.ops) },
	slotContract:         func() any { return newTable(&contractKind.ops) },
	slotCommissionPlan:   func() any { return newTable(&commissionPlanKind.ops) },
	slotPipeline:         func() any { return newTable(&pipelineKind.ops) },
	slotForecastSnapshot: func() any { return newTable(&forecastSnapshotKind.ops) },
	slotQuote:            func() any { return newTable(&quoteKind.ops) },
	slotApproval:         func() any { return newTable(&approvalKind.ops) },
	slotInteraction:      func() any { return newTable(&interactionKind.ops) },
	slotFieldSchema:      func() any { return newTable(&fieldSchemaKind.ops) },
}

// kindSlots finds the slot of an aggregate kind by its name.
var kindSlots = map[string]int{
	lead.LeadKind: slotLead, deal.DealKind: slotDeal, quota.PlanKind: slotPlan,
	campaign.CampaignKind: slotCampaign, account.AccountKind: slotAccount, account.ContractKind: slotContract,
	quota.CommissionPlanKind: slotCommissionPlan, deal.PipelineKind: slotPipeline,
	storage.ForecastSnapshotKind: slotForecastSnapshot,
	quote.QuoteKind:              slotQuote, approval.ApprovalKind: slotApproval, account.InteractionKind: slotInteraction,
	field.SchemaKind: slotFieldSchema,
}

// checkStored refuses an event of a stored aggregate (see
// storage.EventOfStored). st.mu is held.
func (st *state) checkStored(events []crmkit.Event) error {
	for i, e := range events {
		if slot, ok := kindSlots[e.AggregateKind]; ok && st.tables[slot].(interface{ has(uuid.UUID) bool }).has(e.AggregateID) {
			return storage.EventOfStored(i, e)
		}
	}
	return nil
}

var leadKind = &kind[lead.Lead, storage.LeadFilter]{
	ops: ops[lead.Lead]{
		name:     lead.LeadKind,
		slot:     slotLead,
		id:       func(l *lead.Lead) uuid.UUID { return l.ID },
		version:  func(l *lead.Lead) int64 { return l.Version },
		clone:    lead.Lead.Clone,
		validate: storage.ValidateLead,
	},
	validateFilter: storage.LeadFilter.Validate,
	match:          (*storage.LeadFilter).Match,
}

var dealKind = &kind[deal.Deal, storage.DealFilter]{
	ops: ops[deal.Deal]{
		name:     deal.DealKind,
		slot:     slotDeal,
		id:       func(d *deal.Deal) uuid.UUID { return d.ID },
		version:  func(d *deal.Deal) int64 { return d.Version },
		clone:    deal.Deal.Clone,
		validate: storage.ValidateDeal,
	},
	validateFilter: storage.DealFilter.Validate,
	match:          (*storage.DealFilter).Match,
	dated: func(f *storage.DealFilter) func(*deal.Deal) time.Time {
		if f.CloseFrom.IsZero() && f.CloseTo.IsZero() {
			return nil
		}
		return func(d *deal.Deal) time.Time { return d.CloseDate }
	},
}
