package lead

import (
	"fmt"
	"strconv"
	"time"

	"github.com/crmkit/crmkit"
)

// The event types of edits and of archiving.
const (
	// EventLeadEdited: fields of the lead changed (Edit); payload
	// crmkit.EditPayload.
	EventLeadEdited = "LeadEdited"
	// EventLeadArchived: the lead was archived (Archive).
	EventLeadArchived = "LeadArchived"
	// EventLeadRestored: an archived lead was restored (Restore).
	EventLeadRestored = "LeadRestored"
)

// Field names of the edit payload beside the Field constants the rules
// read (FieldName, FieldEmail, ...).
const (
	// FieldWebsite is Person.Website in an edit payload.
	FieldWebsite = "website"
	// FieldDescription is Lead.Description in an edit payload.
	FieldDescription = "description"
)

// Patch is the input of Edit: the fields to change, each nil to leave it
// as it is (as an HTTP PATCH). The owner changes with Assign and the
// stage with the ladder, not here.
type Patch struct {
	Name        *string `json:"name,omitempty"`
	Email       *string `json:"email,omitempty"`
	Phone       *string `json:"phone,omitempty"`
	Company     *string `json:"company,omitempty"`
	Title       *string `json:"title,omitempty"`
	Industry    *string `json:"industry,omitempty"`
	Country     *string `json:"country,omitempty"`
	Website     *string `json:"website,omitempty"`
	CompanySize *int    `json:"company_size,omitempty"`
	Description *string `json:"description,omitempty"`
}

// FieldTransitions returns the lead events that change one field without
// an edit payload, for crmkit.FieldHistory: EventLeadAssigned is the
// owner (From and To are the old and new owner).
func FieldTransitions() crmkit.FieldTransitions {
	return crmkit.FieldTransitions{EventLeadAssigned: FieldOwner}
}

// Edit changes the fields p sets and returns the changed lead with its
// EventLeadEdited event, whose payload (crmkit.EditPayload) holds each
// changed field's old and new value in the order of Patch; By, At and
// Reason are c's. The edited identity must pass Person.Validate, as at
// capture (not empty, a well-formed e-mail, a phone with digits, a size
// not negative): otherwise, or for a command crmkit.Cmd.Validate refuses,
// a time before the lead's last change, or a patch that changes nothing,
// the error matches crmkit.ErrInvalid. An archived lead is a
// *crmkit.ArchivedError (crmkit.ErrIllegalTransition). On error the lead
// is unchanged and there is no event.
func (l Lead) Edit(p Patch, c crmkit.Cmd) (Lead, crmkit.Event, error) {
	if err := l.checkCmd(c); err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	next := l.Clone()
	var changes []crmkit.FieldChange
	str := func(field string, dst *string, v *string) {
		if v != nil && *v != *dst {
			changes = append(changes, crmkit.FieldChange{Field: field, From: *dst, To: *v})
			*dst = *v
		}
	}
	str(FieldName, &next.Who.Name, p.Name)
	str(FieldEmail, &next.Who.Email, p.Email)
	str(FieldPhone, &next.Who.Phone, p.Phone)
	str(FieldCompany, &next.Who.Company, p.Company)
	str(FieldTitle, &next.Who.Title, p.Title)
	str(FieldIndustry, &next.Who.Industry, p.Industry)
	str(FieldCountry, &next.Who.Country, p.Country)
	str(FieldWebsite, &next.Who.Website, p.Website)
	if p.CompanySize != nil && *p.CompanySize != next.Who.CompanySize {
		changes = append(changes, crmkit.FieldChange{Field: FieldCompanySize,
			From: strconv.Itoa(next.Who.CompanySize), To: strconv.Itoa(*p.CompanySize)})
		next.Who.CompanySize = *p.CompanySize
	}
	str(FieldDescription, &next.Description, p.Description)
	if len(changes) == 0 {
		return Lead{}, crmkit.Event{}, crmkit.Invalid("patch", "lead %s: the patch changes nothing", l.ID)
	}
	if err := next.Who.Validate(); err != nil {
		return Lead{}, crmkit.Event{}, fmt.Errorf("lead %s: %w", l.ID, err)
	}
	next.UpdatedAt = c.At
	next.Version++
	ev, err := c.NewEvent(LeadKind, l.ID, EventLeadEdited, next.Version, crmkit.EditPayload{Changes: changes})
	if err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	return next, ev, nil
}

// Archived reports whether the lead is archived.
func (l Lead) Archived() bool { return !l.ArchivedAt.IsZero() }

// Archive hides the lead: a store's List leaves it out unless asked for
// archived leads, and the reports skip it, while its state and events are
// kept. It returns the lead with ArchivedAt set to c.At and its
// EventLeadArchived event (By, At and Reason c's). An archived lead takes
// no command until Restore. A lead already archived is a
// *crmkit.ArchivedError; a command crmkit.Cmd.Validate refuses or a time
// before the last change crmkit.ErrInvalid.
func (l Lead) Archive(c crmkit.Cmd) (Lead, crmkit.Event, error) {
	if err := l.checkCmd(c); err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	return l.setArchived(c, EventLeadArchived)
}

// Restore brings an archived lead back: ArchivedAt is cleared and the
// event is EventLeadRestored (By, At and Reason c's). A lead that is not
// archived is crmkit.ErrIllegalTransition; a lead that could not have
// come from New, a command crmkit.Cmd.Validate refuses or a time before
// the last change crmkit.ErrInvalid.
func (l Lead) Restore(c crmkit.Cmd) (Lead, crmkit.Event, error) {
	if !l.Archived() {
		return Lead{}, crmkit.Event{}, fmt.Errorf("lead %s is not archived: cannot restore it: %w", l.ID, crmkit.ErrIllegalTransition)
	}
	live := l
	live.ArchivedAt = time.Time{}
	if err := live.checkCmd(c); err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	return l.setArchived(c, EventLeadRestored)
}

// setArchived archives (EventLeadArchived) or restores the lead after the
// checks of its command.
func (l Lead) setArchived(c crmkit.Cmd, typ string) (Lead, crmkit.Event, error) {
	next := l
	next.ArchivedAt = time.Time{}
	if typ == EventLeadArchived {
		next.ArchivedAt = c.At
	}
	next.UpdatedAt = c.At
	next.Version++
	ev, err := c.NewEvent(LeadKind, l.ID, typ, next.Version, nil)
	if err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	return next, ev, nil
}
