package funnel

import (
	"github.com/crmkit/crmkit/deal"
	"github.com/google/uuid"
)

// OpportunityOf returns the Opportunity of a deal's current state, the
// adapter every store's Source uses (a nil deal gives the opportunity of
// no stage, Stage -1):
//
//   - Reached is every stage from the first to the deal's current one: a
//     deal's state does not say which stages it skipped or left again, so
//     a report over states counts a deal at stage i as having entered
//     stages 0..i. For the stages actually entered replay the deal's
//     history (DealEvents, Replay).
//   - Status: Open, Suspended (Paused), Won (ClosedWon), Lost (ClosedLost),
//     Terminated (Dead).
//   - Origin is CreatedAt, Entered is StageEnteredAt, Closed is the
//     outcome's time (UpdatedAt when the outcome has none) for a closed
//     deal, CloseDate and Amount are the deal's.
//   - Dims: Owner, Pipeline (the pipeline ID), Type (its text form, empty
//     when unset), Campaign (the campaign ID, empty when none), and the
//     outcome's Competitor and Reason.
func OpportunityOf(d *deal.Deal) Opportunity {
	if d == nil {
		return Opportunity{Stage: -1}
	}
	o := Opportunity{
		Entity: d.ID, Stage: d.Stage, Amount: d.Amount,
		Origin: d.CreatedAt, Entered: d.StageEnteredAt, CloseDate: d.CloseDate,
		Dims: Dims{Owner: d.Owner, Pipeline: d.PipelineID,
			Competitor: d.Outcome.Competitor, Reason: d.Outcome.Reason},
		Custom: d.Custom,
	}
	switch {
	case d.Stage < 0:
		o.Stage = -1
	case d.Stage >= deal.MaxStages:
		o.Reached = ^uint64(0) // beyond any pipeline: the report refuses the stage
	default:
		o.Reached = uint64(1)<<uint(d.Stage+1) - 1
	}
	switch d.Status {
	case deal.Suspended:
		o.Status = Paused
	case deal.Won:
		o.Status = ClosedWon
	case deal.Lost:
		o.Status = ClosedLost
	case deal.Terminated:
		o.Status = Dead
	case deal.Open:
		o.Status = Open
	default:
		o.Status = numStatuses // not a status: the report refuses it
	}
	if o.Status.Closed() {
		o.Closed = d.Outcome.At
		if o.Closed.IsZero() {
			o.Closed = d.UpdatedAt
		}
	}
	if d.Type.Valid() {
		o.Dims.Type = d.Type.String()
	}
	if d.CampaignID != uuid.Nil {
		o.Dims.Campaign = d.CampaignID.String()
	}
	return o
}
