package quota

import (
	"encoding/json"
	"fmt"
	"strconv"

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
	// EventPlanAdjusted moves targets (Plan.Adjust, SetTarget);
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
// did (its Action), every cell that moved, and the plan's Unit, the unit
// of the changes' amounts.
type RevisionPayload struct {
	Action  string   `json:"action"`
	Changes []Change `json:"changes,omitempty"`
	Unit    Unit     `json:"unit"`
}

// UnmarshalJSON decodes the payload and gives the changes' amounts its
// unit. (Events written before payloads carried the unit decode with
// amounts without a unit: read them from the plan's History.) Malformed
// JSON is an error matching crmkit.ErrInvalid.
func (r *RevisionPayload) UnmarshalJSON(b []byte) error {
	if r == nil {
		return crmkit.Invalid("payload", "decode into a nil *RevisionPayload")
	}
	type plain RevisionPayload
	var v plain
	if err := json.Unmarshal(b, &v); err != nil {
		return crmkit.Invalid("payload", "malformed JSON: %v", err)
	}
	setChangeUnits(v.Changes, v.Unit)
	*r = RevisionPayload(v)
	return nil
}

// PlanCreatedPayload is the payload of EventPlanCreated: the plan's
// header as NewPlan set it (its Unit is the embedded revision's), and the
// revision (the root cell created with the annual target).
type PlanCreatedPayload struct {
	Name       string              `json:"name"`
	FiscalYear int                 `json:"fiscal_year"`
	Calendar   CalendarSpec        `json:"calendar"`
	Rounding   crmkit.RoundingMode `json:"rounding"`
	RevisionPayload
}

// UnmarshalJSON decodes the payload and gives the changes' amounts the
// plan's unit. Malformed JSON is an error matching crmkit.ErrInvalid.
func (pc *PlanCreatedPayload) UnmarshalJSON(b []byte) error {
	if pc == nil {
		return crmkit.Invalid("payload", "decode into a nil *PlanCreatedPayload")
	}
	var v struct {
		Name       string              `json:"name"`
		FiscalYear int                 `json:"fiscal_year"`
		Calendar   CalendarSpec        `json:"calendar"`
		Rounding   crmkit.RoundingMode `json:"rounding"`
		Action     string              `json:"action"`
		Changes    []Change            `json:"changes,omitempty"`
		Unit       Unit                `json:"unit"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return crmkit.Invalid("payload", "malformed JSON: %v", err)
	}
	setChangeUnits(v.Changes, v.Unit)
	*pc = PlanCreatedPayload{Name: v.Name, FiscalYear: v.FiscalYear, Calendar: v.Calendar, Rounding: v.Rounding,
		RevisionPayload: RevisionPayload{Action: v.Action, Changes: v.Changes, Unit: v.Unit}}
	return nil
}

// commit appends a revision by c, bumps the version and returns the event
// of type typ that records it; on error p is left as it was.
func (p *Plan) commit(c crmkit.Cmd, typ, action string, changes []Change) (crmkit.Event, error) {
	v := p.Version + 1
	rp := RevisionPayload{Action: action, Changes: changes, Unit: p.Unit}
	var (
		payload []byte
		err     error
	)
	if typ == EventPlanCreated {
		payload, err = json.Marshal(PlanCreatedPayload{Name: p.Name, FiscalYear: p.FiscalYear,
			Calendar: p.Calendar, Rounding: p.Rounding, RevisionPayload: rp})
		if err != nil {
			return crmkit.Event{}, crmkit.Invalid("payload", "plan %s: %v", p.ID, err)
		}
	} else {
		// A split of 10,000 reps over 12 months records 130,000 changes:
		// appended directly, not through reflection and a second scan.
		payload = rp.appendJSON(make([]byte, 0, 64+96*len(changes)))
	}
	e := crmkit.Event{ID: c.NewID(), AggregateID: p.ID, AggregateKind: PlanKind, Type: typ,
		Actor: c.By, At: c.At, Version: v, Reason: c.Reason, Payload: payload}
	if err := e.Validate(); err != nil {
		return crmkit.Event{}, fmt.Errorf("plan %s: %s event: %w", p.ID, typ, err)
	}
	p.Version = v
	p.History = append(p.History, Revision{Version: v, By: c.By, At: c.At, Reason: c.Reason, Action: action, Changes: changes})
	return e, nil
}

// appendJSON appends the payload as encoding/json writes it with its
// struct tags (a test holds the two equal). RevisionPayload has no
// MarshalJSON method on purpose: PlanCreatedPayload embeds it.
func (r RevisionPayload) appendJSON(b []byte) []byte {
	b = append(b, `{"action":`...)
	b = appendString(b, r.Action)
	if len(r.Changes) > 0 {
		b = append(b, `,"changes":[`...)
		for i, ch := range r.Changes {
			if i > 0 {
				b = append(b, ',')
			}
			b = ch.appendJSON(b)
		}
		b = append(b, ']')
	}
	b = append(b, `,"unit":`...)
	u, err := json.Marshal(r.Unit)
	if err != nil {
		u = []byte("{}") // a Unit always marshals: a currency code and a string
	}
	b = append(b, u...)
	return append(b, '}')
}

// appendJSON appends the change as encoding/json writes it with its
// struct tags.
func (ch Change) appendJSON(b []byte) []byte {
	b = append(b, `{"key":`...)
	b = appendString(b, ch.Key)
	if ch.Created {
		b = append(b, `,"created":true`...)
	}
	b = append(b, `,"before":"`...)
	b = strconv.AppendInt(b, ch.Before.n, 10)
	b = append(b, `","after":"`...)
	b = strconv.AppendInt(b, ch.After.n, 10)
	b = append(b, '"')
	if ch.LockedBefore {
		b = append(b, `,"locked_before":true`...)
	}
	if ch.LockedAfter {
		b = append(b, `,"locked_after":true`...)
	}
	if !ch.RiskBefore.IsZero() {
		b = append(b, `,"risk_before":`...)
		b = appendString(b, ch.RiskBefore.String())
	}
	if !ch.RiskAfter.IsZero() {
		b = append(b, `,"risk_after":`...)
		b = appendString(b, ch.RiskAfter.String())
	}
	return append(b, '}')
}

// appendString appends s as a JSON string: directly when it is printable
// ASCII without characters JSON or HTML escape, else through
// encoding/json.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// checkCmd validates the command of the change op on plan id.
func checkCmd(c crmkit.Cmd, op string, p *Plan) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("%s plan %s: %w", op, p.ID, err)
	}
	return nil
}
