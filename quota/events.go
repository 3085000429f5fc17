package quota

import (
	"fmt"

	"github.com/crmkit/crmkit"
)

// PlanKind is the AggregateKind of quota plan events.
const PlanKind = "plan"

// Event types of the "plan" aggregate, past-tense facts named as every
// crmkit package names them: Event plus the fact ("PlanCreated"). Every
// plan event carries the plan's ID as its aggregate ID, the plan's Version
// after it, the command's By, At and Reason as Actor, At and Reason, and a
// payload that repeats the revision's Action and Changes, so the history
// of a plan can be read from its events alone.
const (
	// EventPlanCreated opens the history; payload PlanCreatedPayload.
	EventPlanCreated = "PlanCreated"
	// EventPlanSplit splits leaf cells (Plan.Split); payload
	// RevisionPayload, one created Change per new cell.
	EventPlanSplit = "PlanSplit"
	// EventPlanAdjusted moves targets (Plan.Adjust, Plan.SetTarget);
	// payload RevisionPayload.
	EventPlanAdjusted = "PlanAdjusted"
	// EventCellsLocked locks cells (Plan.Lock with true); payload
	// RevisionPayload.
	EventCellsLocked = "CellsLocked"
	// EventCellsUnlocked unlocks cells (Plan.Lock with false); payload
	// RevisionPayload.
	EventCellsUnlocked = "CellsUnlocked"
	// EventRiskCoefficientSet sets or clears a cell's completion-risk
	// coefficient (Plan.SetRisk); payload RevisionPayload.
	EventRiskCoefficientSet = "RiskCoefficientSet"
)

// RevisionPayload is the payload of every plan event: what the revision
// did (its Action) and every cell that moved.
type RevisionPayload struct {
	Action  string   `json:"action"`
	Changes []Change `json:"changes,omitempty"`
}

// PlanCreatedPayload is the payload of EventPlanCreated: the plan's
// header as NewPlan set it, and the revision (the root cell created with
// the annual target).
type PlanCreatedPayload struct {
	Name       string              `json:"name"`
	FiscalYear int                 `json:"fiscal_year"`
	Calendar   CalendarSpec        `json:"calendar"`
	Unit       Unit                `json:"unit"`
	Rounding   crmkit.RoundingMode `json:"rounding"`
	RevisionPayload
}

// commit appends a revision by c, bumps the version and returns the event
// of type typ that records it; on error p is left as it was.
func (p *Plan) commit(c crmkit.Cmd, typ, action string, changes []Change) (crmkit.Event, error) {
	v := p.Version + 1
	var payload any = RevisionPayload{Action: action, Changes: changes}
	if typ == EventPlanCreated {
		payload = PlanCreatedPayload{Name: p.Name, FiscalYear: p.FiscalYear, Calendar: p.Calendar,
			Unit: p.Unit, Rounding: p.Rounding, RevisionPayload: payload.(RevisionPayload)}
	}
	e, err := crmkit.NewEvent(PlanKind, p.ID, typ, c.By, c.At, v, payload)
	if err != nil {
		return crmkit.Event{}, fmt.Errorf("plan %s: %s event: %w", p.ID, typ, err)
	}
	e.Reason = c.Reason
	p.Version = v
	p.History = append(p.History, Revision{Version: v, By: c.By, At: c.At, Reason: c.Reason, Action: action, Changes: changes})
	return e, nil
}

// checkCmd validates the command of the change op on plan id.
func checkCmd(c crmkit.Cmd, op string, p *Plan) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("%s plan %s: %w", op, p.ID, err)
	}
	return nil
}
