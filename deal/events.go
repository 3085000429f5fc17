package deal

import (
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// DealKind is the AggregateKind of deal events.
const DealKind = "deal"

// Event types of the "deal" aggregate, past-tense facts. Every event
// carries the deal ID as its aggregate ID, the deal's Version after it, the
// actor, the time and, for transitions, From, To and Reason.
const (
	// EventDealCreated opens the history; payload DealCreatedPayload.
	EventDealCreated = "DealCreated"
	// EventStageChanged moves an open deal; From and To are stage names.
	EventStageChanged = "StageChanged"
	// EventDealSuspended pauses a deal; payload SuspendedPayload.
	EventDealSuspended = "DealSuspended"
	// EventDealReactivated reopens a suspended deal; payload
	// ReactivatedPayload.
	EventDealReactivated = "DealReactivated"
	// EventDealTerminated ends a deal for good; Reason says why.
	EventDealTerminated = "DealTerminated"
	// EventDealWon closes a deal as won; payload Outcome.
	EventDealWon = "DealWon"
	// EventDealLost closes a deal as lost; payload Outcome.
	EventDealLost = "DealLost"
	// EventDealReopened reopens a lost deal.
	EventDealReopened = "DealReopened"
	// EventDealTransferred hands a deal over; From and To are the owners.
	EventDealTransferred = "DealTransferred"
	// EventTeamChanged replaces the team; payload TeamPayload.
	EventTeamChanged = "TeamChanged"
	// EventAmountChanged changes the amount; payload AmountPayload.
	EventAmountChanged = "AmountChanged"
	// EventCloseDateChanged changes the close date; payload
	// CloseDatePayload.
	EventCloseDateChanged = "CloseDateChanged"
	// EventProbabilityChanged sets or removes the probability override;
	// payload ProbabilityPayload.
	EventProbabilityChanged = "ProbabilityChanged"
	// EventActivityLogged records an activity; payload Activity, To the
	// activity's kind ("visit", "call", ...), so that readers of the
	// history (funnel.DealEvents) tell visits apart without the payload.
	EventActivityLogged = "ActivityLogged"
)

// statusEventTypes maps the status triggers to their event types.
var statusEventTypes = [numStatusTriggers]string{
	TriggerSuspend:    EventDealSuspended,
	TriggerReactivate: EventDealReactivated,
	TriggerTerminate:  EventDealTerminated,
	TriggerWin:        EventDealWon,
	TriggerLose:       EventDealLost,
	TriggerReopen:     EventDealReopened,
}

// DealCreatedPayload is the payload of EventDealCreated: the pipeline and
// everything New was given (with the ID and the stage name filled in).
type DealCreatedPayload struct {
	Pipeline string `json:"pipeline"`
	// PipelineVersion is the deal's PipelineVersion (0: a pipeline never
	// stored); Replay restores it as recorded.
	PipelineVersion int64 `json:"pipeline_version,omitempty"`
	NewDeal
}

// SuspendedPayload is the payload of EventDealSuspended.
type SuspendedPayload struct {
	Until time.Time `json:"until,omitzero"`
}

// ReactivatedPayload is the payload of EventDealReactivated: the approval
// that allowed it, if the policy required one.
type ReactivatedPayload struct {
	Approval uuid.UUID `json:"approval,omitzero"`
}

// TeamPayload is the payload of EventTeamChanged.
type TeamPayload struct {
	Team []Member `json:"team"`
}

// AmountPayload is the payload of EventAmountChanged.
type AmountPayload struct {
	Amount crmkit.Money `json:"amount"`
}

// CloseDatePayload is the payload of EventCloseDateChanged.
type CloseDatePayload struct {
	CloseDate time.Time `json:"close_date,omitzero"`
}

// ProbabilityPayload is the payload of EventProbabilityChanged.
type ProbabilityPayload struct {
	Probability decimal.NullDecimal `json:"probability"`
}

// event builds the event of a change already applied to d (so d.Version
// is the version after it), marshalling payload (nil for none).
func (d *Deal) event(typ string, c Cmd, from, to string, payload any) (crmkit.Event, error) {
	e, err := c.Cmd.NewEvent(DealKind, d.ID, typ, d.Version, payload)
	if err != nil {
		return crmkit.Event{}, fmt.Errorf("deal %s: %s: %w", d.ID, typ, err)
	}
	e.From, e.To, e.Reason = from, to, c.Reason
	return e, nil
}

// transitionEvent builds a payload-free event (a stage move, a transfer)
// directly: it cannot fail, as d has an ID, c a time and d.Version >= 1.
// Its ID carries the command's time.
func (d *Deal) transitionEvent(typ string, c Cmd, from, to string) crmkit.Event {
	return crmkit.Event{
		ID: c.Cmd.NewID(), AggregateID: d.ID, AggregateKind: DealKind, Type: typ,
		Actor: c.By, At: c.At, Version: d.Version, From: from, To: to, Reason: c.Reason,
	}
}
