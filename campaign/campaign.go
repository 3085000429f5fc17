// Package campaign holds the marketing campaign aggregate: planned,
// submitted for approval, approved, run and completed (or cancelled), with
// a budget, its actual cost and the targets its results are compared with.
//
// The status machine is one looplab/fsm definition (Definition), compiled
// by crmkit's state-machine runtime into the table (Next) every command
// runs on. New returns version 1 of a campaign and its EventCampaignCreated
// event; every command returns the changed copy and its
// EventCampaignStatusChanged event. Decisions apply approval.FourEyes.
//
// The analytics over campaigns (ROI, cost per lead and opportunity,
// deviations from plan, rankings, attribution) live in package funnel,
// which reads Campaign values; this package imports no analytics.
package campaign

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/internal/fsm"
	"github.com/google/uuid"
	looplab "github.com/looplab/fsm"
)

// CampaignKind is the crmkit.Event AggregateKind of every campaign event.
const CampaignKind = "campaign"

// Event types of the campaign aggregate, past-tense facts named Event plus
// the fact, as every crmkit package names them. The constant's name and
// its string agree.
const (
	// EventCampaignCreated opens the history (New); payload
	// CreatedPayload.
	EventCampaignCreated = "CampaignCreated"
	// EventCampaignStatusChanged is the event type of every campaign
	// transition; the envelope's From, To and Reason say which.
	EventCampaignStatusChanged = "CampaignStatusChanged"
)

// Status is where a campaign stands:
//
//	Planned -> PendingApproval -> Approved -> Running -> Completed
//	PendingApproval -> Planned (rejected)
//	Planned, PendingApproval, Approved, Running -> Cancelled
type Status uint8

// The campaign statuses. The zero status is Planned.
const (
	// Planned: being planned (also after a rejection).
	Planned Status = iota
	// PendingApproval: submitted, waiting for a decision.
	PendingApproval
	// Approved: approved, not started.
	Approved
	// Running: being executed and tracked.
	Running
	// Completed: done; its actual cost is recorded.
	Completed
	// Cancelled: stopped before its end; final.
	Cancelled
	numStatuses
)

// Trigger is an event of the campaign state machine.
type Trigger uint8

// The campaign triggers.
const (
	// TriggerSubmit submits a planned campaign for approval.
	TriggerSubmit Trigger = iota
	// TriggerApprove approves a submitted campaign.
	TriggerApprove
	// TriggerReject sends a submitted campaign back to planning.
	TriggerReject
	// TriggerStart starts an approved campaign.
	TriggerStart
	// TriggerComplete completes a running campaign.
	TriggerComplete
	// TriggerCancel cancels a campaign that has not ended.
	TriggerCancel
	numTriggers
)

// Definition returns the campaign state machine as a looplab/fsm
// definition: the one definition from which the interactive commands run
// and the bulk transition table (Next) is compiled.
func Definition() looplab.Events {
	s := func(st ...Status) []string {
		out := make([]string, len(st))
		for i, x := range st {
			out[i] = x.String()
		}
		return out
	}
	return looplab.Events{
		{Name: TriggerSubmit.String(), Src: s(Planned), Dst: PendingApproval.String()},
		{Name: TriggerApprove.String(), Src: s(PendingApproval), Dst: Approved.String()},
		{Name: TriggerReject.String(), Src: s(PendingApproval), Dst: Planned.String()},
		{Name: TriggerStart.String(), Src: s(Approved), Dst: Running.String()},
		{Name: TriggerComplete.String(), Src: s(Running), Dst: Completed.String()},
		{Name: TriggerCancel.String(), Src: s(Planned, PendingApproval, Approved, Running), Dst: Cancelled.String()},
	}
}

// machine is Definition compiled by crmkit's one state-machine runtime,
// with the guards of the decisions and of completion. Every command and
// Next run on it.
var machine = newMachine()

// cmd is what the guards read of a command besides the campaign.
type cmd struct {
	by         string
	actualCost crmkit.Money
}

func newMachine() *fsm.Machine[Campaign, cmd] {
	var states [numStatuses]string
	for s := range states {
		states[s] = Status(s).String()
	}
	var triggers [numTriggers]string
	for e := range triggers {
		triggers[e] = Trigger(e).String()
	}
	t, err := fsm.Compile(Definition(), states[:], triggers[:])
	if err != nil {
		panic(err) // Definition is a literal; the tests compile it
	}
	m := fsm.NewMachine[Campaign, cmd](t)
	m.Guard(int(TriggerApprove), notSubmitter)
	m.Guard(int(TriggerReject), notSubmitter)
	m.Guard(int(TriggerComplete), costInBudgetCurrency)
	return m
}

// notSubmitter guards a decision: the decider must not be the submitter.
// It is approval.FourEyes, the rule every approval in crmkit applies.
func notSubmitter(_ context.Context, c Campaign, cmd cmd, _ time.Time) error {
	if err := approval.FourEyes(c.SubmittedBy, cmd.by); err != nil {
		return fmt.Errorf("campaign %s: submission: %w", c.Code, err)
	}
	return nil
}

// costInBudgetCurrency guards completion: the actual cost is in the
// budget's currency and not negative.
func costInBudgetCurrency(_ context.Context, c Campaign, cmd cmd, _ time.Time) error {
	if cmd.actualCost.Currency() != c.Budget.Currency() {
		return fmt.Errorf("campaign %s: actual cost %s, budget %s: %w", c.Code, cmd.actualCost, c.Budget, crmkit.ErrCurrencyMismatch)
	}
	if cmd.actualCost.Sign() < 0 {
		return crmkit.Invalid("actual cost", "campaign %s: negative cost %s", c.Code, cmd.actualCost)
	}
	return nil
}

// Next is the bulk path of the campaign machine: the status a campaign in
// s reaches by t, and false if the definition has no such transition. A
// table lookup compiled from Definition, no guard, no allocation.
func Next(s Status, t Trigger) (Status, bool) {
	n, ok := machine.Table().Next(int(s), int(t))
	return Status(n), ok
}

// Mermaid draws the campaign state machine as a Mermaid state diagram,
// rendered from Definition.
func Mermaid() (string, error) {
	return machine.Table().Mermaid(Planned.String()), nil
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
// many leads and opportunities: they carry its Code in funnel.Dims.Campaign.
// A Campaign is a value; its commands return the changed copy and the
// event.
type Campaign struct {
	// ID identifies the campaign (a UUIDv7).
	ID uuid.UUID `json:"id"`
	// Code is the key records and opportunities carry in
	// funnel.Dims.Campaign.
	Code string `json:"code"`
	// Name and Kind (webinar, trade show, e-mail, ...) describe it.
	Name string `json:"name"`
	Kind string `json:"kind"`
	// Status is where it stands.
	Status Status `json:"status"`
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
	// Version counts its events, starting at 1 with the creation event.
	Version int64 `json:"version"`
}

// Spec is the input of New.
type Spec struct {
	// ID identifies the campaign; a nil ID gets a new crmkit.NewID.
	ID uuid.UUID `json:"id"`
	// Code, Name and Kind describe it (Code and Name are required).
	Code string `json:"code"`
	Name string `json:"name"`
	Kind string `json:"kind"`
	// Budget is the planned cost: a currency and not negative.
	Budget crmkit.Money `json:"budget"`
	// Planned are its targets: not negative, revenue in the budget's
	// currency (or none).
	Planned Targets `json:"planned"`
	// Schedule holds its planned dates.
	Schedule crmkit.Period `json:"schedule"`
	// Owner plans it; empty means the command's By.
	Owner string `json:"owner"`
}

// CreatedPayload is the payload of EventCampaignCreated: the campaign as
// created.
type CreatedPayload struct {
	Code     string        `json:"code"`
	Name     string        `json:"name"`
	Kind     string        `json:"kind,omitempty"`
	Budget   crmkit.Money  `json:"budget"`
	Planned  Targets       `json:"planned"`
	Schedule crmkit.Period `json:"schedule"`
	Owner    string        `json:"owner"`
}

// New returns version 1 of a planned campaign, created by c, and its
// EventCampaignCreated event. An invalid command (crmkit.Cmd.Validate),
// an empty code or name, a budget that is negative or has no currency,
// planned targets that are negative and a schedule that ends before it
// starts are ErrInvalid; a planned revenue in another currency than the
// budget is ErrCurrencyMismatch.
func New(spec Spec, c crmkit.Cmd) (Campaign, crmkit.Event, error) {
	var none crmkit.Event
	if err := c.Validate(); err != nil {
		return Campaign{}, none, fmt.Errorf("new campaign %s: %w", spec.Code, err)
	}
	code, budget, planned := spec.Code, spec.Budget, spec.Planned
	switch {
	case strings.TrimSpace(code) == "":
		return Campaign{}, none, crmkit.Invalid("code", "empty campaign code")
	case strings.TrimSpace(spec.Name) == "":
		return Campaign{}, none, crmkit.Invalid("name", "campaign %s: empty name", code)
	case budget.Currency().IsZero() || budget.Sign() < 0:
		return Campaign{}, none, crmkit.Invalid("budget", "campaign %s: budget %s is negative or has no currency", code, budget)
	case planned.Leads < 0 || planned.Opportunities < 0 || planned.Contracts < 0 || planned.Revenue.Sign() < 0:
		return Campaign{}, none, crmkit.Invalid("planned", "campaign %s: negative target", code)
	case !planned.Revenue.Currency().IsZero() && planned.Revenue.Currency() != budget.Currency():
		return Campaign{}, none, fmt.Errorf("campaign %s: planned revenue %s, budget %s: %w", code, planned.Revenue, budget, crmkit.ErrCurrencyMismatch)
	case spec.Schedule.End.Before(spec.Schedule.Start):
		return Campaign{}, none, crmkit.Invalid("schedule", "campaign %s: schedule ends before it starts", code)
	}
	out := Campaign{ID: spec.ID, Code: code, Name: spec.Name, Kind: spec.Kind, Budget: budget,
		Planned: planned, Schedule: spec.Schedule, Owner: spec.Owner, Version: 1}
	if out.ID == uuid.Nil {
		out.ID = c.NewID()
	}
	if out.Owner == "" {
		out.Owner = c.By
	}
	e, err := c.NewEvent(CampaignKind, out.ID, EventCampaignCreated, out.Version, CreatedPayload{
		Code: out.Code, Name: out.Name, Kind: out.Kind, Budget: out.Budget, Planned: out.Planned,
		Schedule: out.Schedule, Owner: out.Owner})
	if err != nil {
		return Campaign{}, none, fmt.Errorf("new campaign %s: %w", code, err)
	}
	e.To, e.Reason = out.Status.String(), c.Reason
	return out, e, nil
}

// Commands take a crmkit.Cmd (who, when, why), validated by
// crmkit.Cmd.Validate (ErrInvalid naming "by" or "at"), and return the
// changed campaign and its EventCampaignStatusChanged event carrying the
// command's By, At and Reason; on error the zero Campaign, no event, and
// the campaign passed in is unchanged. The campaign's guards are its own
// (four eyes, the cost's currency) and never block, so no command takes
// a context.

// Submit submits a planned campaign for approval.
func (c Campaign) Submit(cm crmkit.Cmd) (Campaign, crmkit.Event, error) {
	return c.fire(TriggerSubmit, cm, crmkit.Money{}, func(n *Campaign) { n.SubmittedBy, n.ApprovedBy = cm.By, "" })
}

// Approve approves a submitted campaign. The approver must not be who
// submitted it (approval.FourEyes: ErrForbidden).
func (c Campaign) Approve(cm crmkit.Cmd) (Campaign, crmkit.Event, error) {
	return c.fire(TriggerApprove, cm, crmkit.Money{}, func(n *Campaign) { n.ApprovedBy = cm.By })
}

// Reject sends a submitted campaign back to planning; cm.Reason is
// required (ErrInvalid without it). The rejecter must not be who
// submitted it (ErrForbidden).
func (c Campaign) Reject(cm crmkit.Cmd) (Campaign, crmkit.Event, error) {
	if strings.TrimSpace(cm.Reason) == "" {
		return Campaign{}, crmkit.Event{}, crmkit.Invalid("reason", "campaign %s: rejection without a reason", c.Code)
	}
	return c.fire(TriggerReject, cm, crmkit.Money{}, nil)
}

// Start starts an approved campaign.
func (c Campaign) Start(cm crmkit.Cmd) (Campaign, crmkit.Event, error) {
	return c.fire(TriggerStart, cm, crmkit.Money{}, nil)
}

// Complete completes a running campaign, recording its actual cost (in
// the budget's currency, not negative).
func (c Campaign) Complete(cm crmkit.Cmd, actualCost crmkit.Money) (Campaign, crmkit.Event, error) {
	return c.fire(TriggerComplete, cm, actualCost, func(n *Campaign) { n.ActualCost = actualCost })
}

// Cancel cancels a campaign that has not ended; cm.Reason is required
// (ErrInvalid without it).
func (c Campaign) Cancel(cm crmkit.Cmd) (Campaign, crmkit.Event, error) {
	if strings.TrimSpace(cm.Reason) == "" {
		return Campaign{}, crmkit.Event{}, crmkit.Invalid("reason", "campaign %s: cancellation without a reason", c.Code)
	}
	return c.fire(TriggerCancel, cm, crmkit.Money{}, nil)
}

// fire runs one trigger on the compiled machine: the command, the table,
// then the trigger's guards; apply then fills in the command's fields.
func (c Campaign) fire(tr Trigger, cm crmkit.Cmd, actualCost crmkit.Money, apply func(*Campaign)) (Campaign, crmkit.Event, error) {
	if err := cm.Validate(); err != nil {
		return Campaign{}, crmkit.Event{}, fmt.Errorf("campaign %s: %s: %w", c.Code, tr, err)
	}
	if c.Status >= numStatuses {
		return Campaign{}, crmkit.Event{}, crmkit.Invalid("status", "campaign %s: unknown status %d", c.Code, c.Status)
	}
	g := cmd{by: cm.By, actualCost: actualCost}
	// The guards are the package's own and never block: the background
	// context only satisfies the runtime's signature.
	n, res, err := machine.Fire(context.Background(), int(c.Status), int(tr), &c, &g, cm.At)
	switch res {
	case fsm.Refused:
		return Campaign{}, crmkit.Event{}, fmt.Errorf("campaign %s: %s while %s: %w", c.Code, tr, c.Status, crmkit.ErrIllegalTransition)
	case fsm.Blocked:
		return Campaign{}, crmkit.Event{}, err
	case fsm.Stopped:
		return Campaign{}, crmkit.Event{}, fmt.Errorf("campaign %s: %s: %w", c.Code, tr, err)
	}
	next := Status(n)
	out := c
	out.Status = next
	out.Version++
	if apply != nil {
		apply(&out)
	}
	e, err := cm.NewEvent(CampaignKind, out.ID, EventCampaignStatusChanged, out.Version, nil)
	if err != nil {
		return Campaign{}, crmkit.Event{}, err
	}
	e.From, e.To, e.Reason = c.Status.String(), next.String(), cm.Reason
	return out, e, nil
}
