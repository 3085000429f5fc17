package deal

import (
	"fmt"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
)

// The event types of edits and of archiving.
const (
	// EventDealEdited: fields of the deal changed (Edit); payload
	// crmkit.EditPayload.
	EventDealEdited = "DealEdited"
	// EventDealArchived: the deal was archived (Archive).
	EventDealArchived = "DealArchived"
	// EventDealRestored: an archived deal was restored (Restore).
	EventDealRestored = "DealRestored"
)

// Patch is the input of Edit: the fields to change, each nil to leave it
// as it is (as an HTTP PATCH). Other fields have their own commands: the
// owner Transfer, the amount SetAmount, the close date SetCloseDate, the
// probability SetProbability, the team SetTeam, the stage and status
// Pipeline.Move and the status commands.
//
// AccountID moves the deal to another account; its contact, which belongs
// to the old account, is then cleared unless ContactID names one of the
// new account (a store refuses a contact outside the deal's account).
// ContactID set to uuid.Nil clears the contact.
type Patch struct {
	Name        *string    `json:"name,omitempty"`
	Type        *DealType  `json:"type,omitempty"`
	AccountID   *uuid.UUID `json:"account_id,omitempty"`
	ContactID   *uuid.UUID `json:"contact_id,omitempty"`
	Description *string    `json:"description,omitempty"`
}

// FieldTransitions returns the deal events that change one field without
// an edit payload, for crmkit.FieldHistory: EventDealTransferred is the
// owner (From and To are the old and new owner).
func FieldTransitions() crmkit.FieldTransitions {
	return crmkit.FieldTransitions{EventDealTransferred: "owner"}
}

// Edit changes the fields p sets and returns the changed deal with its
// EventDealEdited event, whose payload (crmkit.EditPayload) holds each
// changed field's old and new value (IDs as text, uuid.Nil as "") in the
// order of Patch, the JSON names of Deal ("name", "type", "account_id",
// "contact_id", "description"); By, At and Reason are c's. Validated as
// New validates: an empty name, an unset type and a nil account are
// errors matching crmkit.ErrInvalid naming the field, as are a command
// Cmd.check refuses and a patch that changes nothing. A terminated deal is
// crmkit.ErrIllegalTransition, an archived one a *crmkit.ArchivedError.
// On error the deal is unchanged and there is no event.
func (d Deal) Edit(p Patch, c Cmd) (Deal, crmkit.Event, error) {
	if err := c.check(&d); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	if d.Status == Terminated {
		return Deal{}, crmkit.Event{}, d.illegal("edit")
	}
	switch {
	case p.Name != nil && strings.TrimSpace(*p.Name) == "":
		return Deal{}, crmkit.Event{}, crmkit.Invalid("name", "deal %s: empty deal name", d.ID)
	case p.Type != nil && !p.Type.Valid():
		return Deal{}, crmkit.Event{}, crmkit.Invalid("type", "deal %s: %s is not a deal type", d.ID, *p.Type)
	case p.AccountID != nil && *p.AccountID == uuid.Nil:
		return Deal{}, crmkit.Event{}, crmkit.Invalid("account_id", "deal %s: nil account", d.ID)
	}
	out := d.Clone()
	var changes []crmkit.FieldChange
	change := func(field, from, to string) {
		changes = append(changes, crmkit.FieldChange{Field: field, From: from, To: to})
	}
	if p.Name != nil && *p.Name != d.Name {
		change("name", d.Name, *p.Name)
		out.Name = *p.Name
	}
	if p.Type != nil && *p.Type != d.Type {
		change("type", d.Type.String(), p.Type.String())
		out.Type = *p.Type
	}
	if p.AccountID != nil && *p.AccountID != d.AccountID {
		change("account_id", d.AccountID.String(), p.AccountID.String())
		out.AccountID = *p.AccountID
		if p.ContactID == nil {
			out.ContactID = uuid.Nil
		}
	}
	if p.ContactID != nil {
		out.ContactID = *p.ContactID
	}
	if out.ContactID != d.ContactID {
		change("contact_id", idText(d.ContactID), idText(out.ContactID))
	}
	if p.Description != nil && *p.Description != d.Description {
		change("description", d.Description, *p.Description)
		out.Description = *p.Description
	}
	if len(changes) == 0 {
		return Deal{}, crmkit.Event{}, crmkit.Invalid("patch", "deal %s: the patch changes nothing", d.ID)
	}
	out.touch(c)
	e, err := out.event(EventDealEdited, c, "", "", crmkit.EditPayload{Changes: changes})
	if err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	return out, e, nil
}

// idText is id as text, "" for uuid.Nil.
func idText(id uuid.UUID) string {
	if id == uuid.Nil {
		return ""
	}
	return id.String()
}

// Archived reports whether the deal is archived.
func (d Deal) Archived() bool { return !d.ArchivedAt.IsZero() }

// Archive hides the deal: a store's List leaves it out unless asked for
// archived deals, and funnel reports over a store (funnel.Source) skip
// it, while its state and events are kept. It returns the deal with
// ArchivedAt set to c.At and its EventDealArchived event (By, At and
// Reason c's). An archived deal takes no command until Restore. A deal
// already archived is a *crmkit.ArchivedError; a command Cmd.check
// refuses crmkit.ErrInvalid.
func (d Deal) Archive(c Cmd) (Deal, crmkit.Event, error) {
	if err := c.check(&d); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	return d.setArchived(c, EventDealArchived)
}

// Restore brings an archived deal back: ArchivedAt is cleared and the
// event is EventDealRestored (By, At and Reason c's). A deal that is not
// archived is crmkit.ErrIllegalTransition; a command Cmd.check refuses
// crmkit.ErrInvalid.
func (d Deal) Restore(c Cmd) (Deal, crmkit.Event, error) {
	if !d.Archived() {
		return Deal{}, crmkit.Event{}, fmt.Errorf("deal %s is not archived: cannot restore it: %w", d.ID, crmkit.ErrIllegalTransition)
	}
	live := d
	live.ArchivedAt = time.Time{}
	if err := c.check(&live); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	return d.setArchived(c, EventDealRestored)
}

// setArchived archives (EventDealArchived) or restores the deal.
func (d Deal) setArchived(c Cmd, typ string) (Deal, crmkit.Event, error) {
	out := d
	out.ArchivedAt = time.Time{}
	if typ == EventDealArchived {
		out.ArchivedAt = c.At
	}
	out.touch(c)
	e, err := out.event(typ, c, "", "", nil)
	if err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	return out, e, nil
}

// applyEditEvent applies an EventDealEdited, EventDealArchived or
// EventDealRestored event of the history to *d, with the checks of the
// command that made it; each change's From must be the deal's value.
func applyEditEvent(d *Deal, e *crmkit.Event, c Cmd) error {
	switch e.Type {
	case EventDealArchived:
		d.ArchivedAt = e.At
		d.touch(c)
		return nil
	case EventDealRestored:
		if !d.Archived() {
			return fmt.Errorf("deal %s is not archived: cannot restore it: %w", d.ID, crmkit.ErrIllegalTransition)
		}
		d.ArchivedAt = time.Time{}
		d.touch(c)
		return nil
	}
	if d.Status == Terminated {
		return d.illegal("edit")
	}
	var pl crmkit.EditPayload
	if err := e.DecodePayload(&pl); err != nil {
		return err
	}
	var p Patch
	for _, ch := range pl.Changes {
		var cur string
		switch ch.Field {
		case "name":
			cur, p.Name = d.Name, &ch.To
		case "type":
			t, err := ParseDealType(ch.To)
			if err != nil {
				return err
			}
			cur, p.Type = d.Type.String(), &t
		case "account_id", "contact_id":
			id := uuid.Nil
			if ch.To != "" {
				var err error
				if id, err = uuid.Parse(ch.To); err != nil {
					return crmkit.Invalid("events", "DealEdited of deal %s: %s %q: %v", d.ID, ch.Field, ch.To, err)
				}
			}
			if ch.Field == "account_id" {
				cur, p.AccountID = d.AccountID.String(), &id
			} else {
				cur, p.ContactID = idText(d.ContactID), &id
			}
		case "description":
			cur, p.Description = d.Description, &ch.To
		default:
			return crmkit.Invalid("events", "DealEdited of deal %s: unknown field %q", d.ID, ch.Field)
		}
		if cur != ch.From {
			return crmkit.Invalid("events", "DealEdited of deal %s: %s from %q, but it is %q", d.ID, ch.Field, ch.From, cur)
		}
	}
	if p.AccountID != nil && p.ContactID == nil {
		// The edit cleared the contact without saying so only if the
		// deal had none: otherwise the payload holds contact_id too.
		keep := d.ContactID
		p.ContactID = &keep
	}
	out, _, err := d.Edit(p, c)
	if err != nil {
		return err
	}
	*d = out
	return nil
}
