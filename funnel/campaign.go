package funnel

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/internal/fsm"
	"github.com/crmkit/crmkit/kpi"
	"github.com/google/uuid"
	looplab "github.com/looplab/fsm"
	"github.com/shopspring/decimal"
)

// CampaignStatus is where a campaign stands:
//
//	Planned -> PendingApproval -> Approved -> Running -> Completed
//	PendingApproval -> Planned (rejected)
//	Planned, PendingApproval, Approved, Running -> Cancelled
type CampaignStatus uint8

// The campaign statuses. The zero status is CampaignPlanned.
const (
	// CampaignPlanned: being planned (also after a rejection).
	CampaignPlanned CampaignStatus = iota
	// CampaignPendingApproval: submitted, waiting for a decision.
	CampaignPendingApproval
	// CampaignApproved: approved, not started.
	CampaignApproved
	// CampaignRunning: being executed and tracked.
	CampaignRunning
	// CampaignCompleted: done; its actual cost is recorded.
	CampaignCompleted
	// CampaignCancelled: stopped before its end; final.
	CampaignCancelled
	numCampaignStatuses
)

// CampaignEvent is an event of the campaign state machine.
type CampaignEvent uint8

// The campaign events.
const (
	// CampaignSubmit submits a planned campaign for approval.
	CampaignSubmit CampaignEvent = iota
	// CampaignApprove approves a submitted campaign.
	CampaignApprove
	// CampaignReject sends a submitted campaign back to planning.
	CampaignReject
	// CampaignStart starts an approved campaign.
	CampaignStart
	// CampaignComplete completes a running campaign.
	CampaignComplete
	// CampaignCancel cancels a campaign that has not ended.
	CampaignCancel
	numCampaignEvents
)

// CampaignDefinition returns the campaign state machine as a looplab/fsm
// definition: the one definition from which the interactive commands run
// and the bulk transition table (CampaignNext) is compiled.
func CampaignDefinition() looplab.Events {
	s := func(st ...CampaignStatus) []string {
		out := make([]string, len(st))
		for i, x := range st {
			out[i] = x.String()
		}
		return out
	}
	return looplab.Events{
		{Name: CampaignSubmit.String(), Src: s(CampaignPlanned), Dst: CampaignPendingApproval.String()},
		{Name: CampaignApprove.String(), Src: s(CampaignPendingApproval), Dst: CampaignApproved.String()},
		{Name: CampaignReject.String(), Src: s(CampaignPendingApproval), Dst: CampaignPlanned.String()},
		{Name: CampaignStart.String(), Src: s(CampaignApproved), Dst: CampaignRunning.String()},
		{Name: CampaignComplete.String(), Src: s(CampaignRunning), Dst: CampaignCompleted.String()},
		{Name: CampaignCancel.String(), Src: s(CampaignPlanned, CampaignPendingApproval, CampaignApproved, CampaignRunning), Dst: CampaignCancelled.String()},
	}
}

// campaignMachine is CampaignDefinition compiled by crmkit's one
// state-machine runtime, with the guards of the decisions and of
// completion. Every command and CampaignNext run on it.
var campaignMachine = newCampaignMachine()

// campaignCmd is what the guards read of a command besides the campaign.
type campaignCmd struct {
	by         string
	actualCost crmkit.Money
}

func newCampaignMachine() *fsm.Machine[Campaign, campaignCmd] {
	var states [numCampaignStatuses]string
	for s := range states {
		states[s] = CampaignStatus(s).String()
	}
	var events [numCampaignEvents]string
	for e := range events {
		events[e] = CampaignEvent(e).String()
	}
	t, err := fsm.Compile(CampaignDefinition(), states[:], events[:])
	if err != nil {
		panic(err) // CampaignDefinition is a literal; the tests compile it
	}
	m := fsm.NewMachine[Campaign, campaignCmd](t)
	m.Guard(int(CampaignApprove), notSubmitter)
	m.Guard(int(CampaignReject), notSubmitter)
	m.Guard(int(CampaignComplete), costInBudgetCurrency)
	return m
}

// notSubmitter guards a decision: the decider must not be the submitter.
// It is approval.FourEyes, the rule every approval in crmkit applies.
func notSubmitter(_ context.Context, c Campaign, cmd campaignCmd, _ time.Time) error {
	if err := approval.FourEyes(c.SubmittedBy, cmd.by); err != nil {
		return fmt.Errorf("campaign %s: submission: %w", c.Code, err)
	}
	return nil
}

// costInBudgetCurrency guards completion: the actual cost is in the
// budget's currency and not negative.
func costInBudgetCurrency(_ context.Context, c Campaign, cmd campaignCmd, _ time.Time) error {
	if cmd.actualCost.Currency() != c.Budget.Currency() {
		return fmt.Errorf("campaign %s: actual cost %s, budget %s: %w", c.Code, cmd.actualCost, c.Budget, crmkit.ErrCurrencyMismatch)
	}
	if cmd.actualCost.Sign() < 0 {
		return crmkit.Invalid("actual cost", "campaign %s: negative cost %s", c.Code, cmd.actualCost)
	}
	return nil
}

// CampaignNext is the bulk path of the campaign machine: the status a
// campaign in s reaches by e, and false if the definition has no such
// transition. A table lookup compiled from CampaignDefinition, no guard,
// no allocation.
func CampaignNext(s CampaignStatus, e CampaignEvent) (CampaignStatus, bool) {
	n, ok := campaignMachine.Table().Next(int(s), int(e))
	return CampaignStatus(n), ok
}

// Targets are what a campaign plans to produce, or produced.
type Targets struct {
	Leads         int64        `json:"leads"`
	Opportunities int64        `json:"opportunities"`
	Contracts     int64        `json:"contracts"`
	Revenue       crmkit.Money `json:"revenue"`
}

// Campaign is a marketing campaign: planned, submitted for approval,
// approved, run and completed (or cancelled), with a budget and its actual
// cost, and targets to compare its results with. One campaign produces
// many leads and opportunities: they carry its Code in Dims.Campaign.
// A Campaign is a value; its commands return the changed copy and the
// event.
type Campaign struct {
	// ID identifies the campaign (a UUIDv7).
	ID uuid.UUID `json:"id"`
	// Code is the key records and opportunities carry in Dims.Campaign.
	Code string `json:"code"`
	// Name and Kind (webinar, trade show, e-mail, ...) describe it.
	Name string `json:"name"`
	Kind string `json:"kind"`
	// Status is where it stands.
	Status CampaignStatus `json:"status"`
	// Budget is the planned cost; ActualCost the cost recorded at
	// completion.
	Budget     crmkit.Money `json:"budget"`
	ActualCost crmkit.Money `json:"actual_cost"`
	// Planned are its targets.
	Planned Targets `json:"planned"`
	// Schedule holds its planned dates.
	Schedule crmkit.Period `json:"schedule"`
	// Owner plans it; SubmittedBy and ApprovedBy record the approval.
	Owner       string `json:"owner"`
	SubmittedBy string `json:"submitted_by"`
	ApprovedBy  string `json:"approved_by"`
	// Version counts its events.
	Version int64 `json:"version"`
}

// NewCampaign returns a planned campaign. A nil ID gets a new one. An
// empty code or name, a budget that is negative or has no currency,
// and planned targets that are negative or in another currency are
// ErrInvalid.
func NewCampaign(id uuid.UUID, code, name string, budget crmkit.Money, planned Targets, schedule crmkit.Period, owner string) (Campaign, error) {
	switch {
	case strings.TrimSpace(code) == "":
		return Campaign{}, crmkit.Invalid("code", "empty campaign code")
	case strings.TrimSpace(name) == "":
		return Campaign{}, crmkit.Invalid("name", "campaign %s: empty name", code)
	case budget.Currency().IsZero() || budget.Sign() < 0:
		return Campaign{}, crmkit.Invalid("budget", "campaign %s: budget %s is negative or has no currency", code, budget)
	case planned.Leads < 0 || planned.Opportunities < 0 || planned.Contracts < 0 || planned.Revenue.Sign() < 0:
		return Campaign{}, crmkit.Invalid("planned", "campaign %s: negative target", code)
	case !planned.Revenue.Currency().IsZero() && planned.Revenue.Currency() != budget.Currency():
		return Campaign{}, fmt.Errorf("campaign %s: planned revenue %s, budget %s: %w", code, planned.Revenue, budget, crmkit.ErrCurrencyMismatch)
	}
	if id == uuid.Nil {
		id = crmkit.NewID()
	}
	return Campaign{ID: id, Code: code, Name: name, Budget: budget, Planned: planned, Schedule: schedule, Owner: owner}, nil
}

// CampaignChanged is the event type of every campaign transition; the
// envelope's From, To and Reason say which.
const CampaignChanged = "CampaignStatusChanged"

// Submit submits a planned campaign for approval.
func (c Campaign) Submit(ctx context.Context, by string, at time.Time) (Campaign, crmkit.Event, error) {
	return c.fire(ctx, CampaignSubmit, campaignCmd{by: by}, "", at, func(n *Campaign) { n.SubmittedBy, n.ApprovedBy = by, "" })
}

// Approve approves a submitted campaign. The approver must not be who
// submitted it (approval.FourEyes: ErrForbidden).
func (c Campaign) Approve(ctx context.Context, by string, at time.Time) (Campaign, crmkit.Event, error) {
	return c.fire(ctx, CampaignApprove, campaignCmd{by: by}, "", at, func(n *Campaign) { n.ApprovedBy = by })
}

// Reject sends a submitted campaign back to planning, with a reason. The
// rejecter must not be who submitted it (ErrForbidden).
func (c Campaign) Reject(ctx context.Context, by, reason string, at time.Time) (Campaign, crmkit.Event, error) {
	if strings.TrimSpace(reason) == "" {
		return Campaign{}, crmkit.Event{}, crmkit.Invalid("reason", "campaign %s: rejection without a reason", c.Code)
	}
	return c.fire(ctx, CampaignReject, campaignCmd{by: by}, reason, at, nil)
}

// Start starts an approved campaign.
func (c Campaign) Start(ctx context.Context, by string, at time.Time) (Campaign, crmkit.Event, error) {
	return c.fire(ctx, CampaignStart, campaignCmd{by: by}, "", at, nil)
}

// Complete completes a running campaign, recording its actual cost (in
// the budget's currency, not negative).
func (c Campaign) Complete(ctx context.Context, by string, at time.Time, actualCost crmkit.Money) (Campaign, crmkit.Event, error) {
	return c.fire(ctx, CampaignComplete, campaignCmd{by: by, actualCost: actualCost}, "", at, func(n *Campaign) { n.ActualCost = actualCost })
}

// Cancel cancels a campaign that has not ended, with a reason.
func (c Campaign) Cancel(ctx context.Context, by, reason string, at time.Time) (Campaign, crmkit.Event, error) {
	if strings.TrimSpace(reason) == "" {
		return Campaign{}, crmkit.Event{}, crmkit.Invalid("reason", "campaign %s: cancellation without a reason", c.Code)
	}
	return c.fire(ctx, CampaignCancel, campaignCmd{by: by}, reason, at, nil)
}

// fire runs one event on the compiled machine: the context, the table,
// then the event's guards; apply then fills in the command's fields.
func (c Campaign) fire(ctx context.Context, ev CampaignEvent, cmd campaignCmd, reason string, at time.Time, apply func(*Campaign)) (Campaign, crmkit.Event, error) {
	by := cmd.by
	if strings.TrimSpace(by) == "" {
		return Campaign{}, crmkit.Event{}, crmkit.Invalid("by", "campaign %s: %s by nobody", c.Code, ev)
	}
	if at.IsZero() {
		return Campaign{}, crmkit.Event{}, crmkit.Invalid("at", "campaign %s: %s at the zero time", c.Code, ev)
	}
	if c.Status >= numCampaignStatuses {
		return Campaign{}, crmkit.Event{}, crmkit.Invalid("status", "campaign %s: unknown status %d", c.Code, c.Status)
	}
	n, res, err := campaignMachine.Fire(ctx, int(c.Status), int(ev), &c, &cmd, at)
	switch res {
	case fsm.Refused:
		return Campaign{}, crmkit.Event{}, fmt.Errorf("campaign %s: %s while %s: %w", c.Code, ev, c.Status, crmkit.ErrIllegalTransition)
	case fsm.Blocked:
		return Campaign{}, crmkit.Event{}, err
	case fsm.Stopped:
		return Campaign{}, crmkit.Event{}, fmt.Errorf("campaign %s: %s: %w", c.Code, ev, err)
	}
	next := CampaignStatus(n)
	out := c
	out.Status = next
	out.Version++
	if apply != nil {
		apply(&out)
	}
	e, err := crmkit.NewEvent("campaign", out.ID, CampaignChanged, by, at, out.Version, nil)
	if err != nil {
		return Campaign{}, crmkit.Event{}, err
	}
	e.From, e.To, e.Reason = c.Status.String(), next.String(), reason
	return out, e, nil
}

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
	Campaign Campaign
	// Actual holds the leads (entities carrying the campaign's code),
	// opportunities (those that reached the opportunity stage),
	// contracts (won) and revenue (amount won).
	Actual Targets
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
func EvaluateCampaigns(campaigns []Campaign, rep Report, opportunityStage int, threshold decimal.Decimal) ([]CampaignResult, error) {
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
			r.Actual = Targets{Leads: s.Entities, Opportunities: s.Stages[opportunityStage].Reached, Contracts: s.Won, Revenue: s.WonAmount}
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

// CampaignMermaid draws the campaign state machine as a Mermaid state
// diagram, rendered by looplab/fsm from CampaignDefinition.
func CampaignMermaid() (string, error) {
	return campaignMachine.Table().Mermaid(CampaignPlanned.String()), nil
}
