package account

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
)

// The event types of edits and of archiving.
const (
	// EventAccountEdited: fields of the account changed (Edit); payload
	// crmkit.EditPayload.
	EventAccountEdited = "AccountEdited"
	// EventContactEdited: fields of one contact changed (EditContact);
	// payload crmkit.EditPayload, each change's Item the contact's ID.
	EventContactEdited = "ContactEdited"
	// EventAccountArchived: the account was archived (Archive).
	EventAccountArchived = "AccountArchived"
	// EventAccountRestored: an archived account was restored (Restore).
	EventAccountRestored = "AccountRestored"
)

// Patch is the input of Edit: the account's fields to change, each nil
// to leave it as it is (as an HTTP PATCH). Strings are trimmed as New
// trims them. The owner changes with Reassign, the relations with
// SetRelations, departments and contacts with their own commands.
type Patch struct {
	Name        *string    `json:"name,omitempty"`
	Parent      *uuid.UUID `json:"parent,omitempty"`
	Segment     *string    `json:"segment,omitempty"`
	Category    *string    `json:"category,omitempty"`
	Domain      *string    `json:"domain,omitempty"`
	Website     *string    `json:"website,omitempty"`
	Industry    *string    `json:"industry,omitempty"`
	Country     *string    `json:"country,omitempty"`
	Size        *int       `json:"size,omitempty"`
	Description *string    `json:"description,omitempty"`
}

// ContactPatch is the input of EditContact: the contact's fields to
// change, each nil to leave it as it is. Strings are kept as given.
type ContactPatch struct {
	Name       *string      `json:"name,omitempty"`
	Email      *string      `json:"email,omitempty"`
	Phone      *string      `json:"phone,omitempty"`
	Title      *string      `json:"title,omitempty"`
	Department *string      `json:"department,omitempty"`
	Role       *ContactRole `json:"role,omitempty"`
}

// FieldTransitions returns the account events that change one field
// without an edit payload, for crmkit.FieldHistory:
// EventAccountReassigned is the owner and EventRelationsChanged the
// relations (From and To the old and new values).
func FieldTransitions() crmkit.FieldTransitions {
	return crmkit.FieldTransitions{EventAccountReassigned: "owner", EventRelationsChanged: "relations"}
}

// changes collects the field changes of one edit.
type changes struct {
	list []crmkit.FieldChange
	item uuid.UUID
}

func (cs *changes) str(field string, dst *string, v *string, trim bool) {
	if v == nil {
		return
	}
	to := *v
	if trim {
		to = strings.TrimSpace(to)
	}
	if to != *dst {
		cs.list = append(cs.list, crmkit.FieldChange{Field: field, Item: cs.item, From: *dst, To: to})
		*dst = to
	}
}

// Edit changes the fields p sets and returns the changed account with its
// EventAccountEdited event, whose payload (crmkit.EditPayload) holds each
// changed field's old and new value in the order of Patch, named as the
// JSON of Account names them (the parent as its UUID, "" for none); By,
// At and Reason are c's. The edited account is validated as New validates
// it (an empty name, itself as parent, a size outside 0 .. MaxEmployees,
// a malformed domain, a control character, ...): that, a command
// crmkit.Cmd.Validate refuses and a patch that changes nothing are errors
// matching crmkit.ErrInvalid naming the field. An archived account is a
// *crmkit.ArchivedError. On error the account is unchanged and there is
// no event.
func (a Account) Edit(p Patch, c crmkit.Cmd) (Account, crmkit.Event, error) {
	out := a.clone()
	var cs changes
	cs.str("name", &out.Name, p.Name, true)
	if p.Parent != nil && *p.Parent != a.Parent {
		cs.list = append(cs.list, crmkit.FieldChange{Field: "parent", From: idText(a.Parent), To: idText(*p.Parent)})
		out.Parent = *p.Parent
	}
	cs.str("segment", &out.Segment, p.Segment, true)
	cs.str("category", &out.Category, p.Category, true)
	cs.str("domain", &out.Domain, p.Domain, true)
	cs.str("website", &out.Website, p.Website, true)
	cs.str("industry", &out.Industry, p.Industry, true)
	cs.str("country", &out.Country, p.Country, true)
	if p.Size != nil && *p.Size != a.Size {
		cs.list = append(cs.list, crmkit.FieldChange{Field: "size", From: strconv.Itoa(a.Size), To: strconv.Itoa(*p.Size)})
		out.Size = *p.Size
	}
	cs.str("description", &out.Description, p.Description, false)
	return a.edited(out, cs.list, EventAccountEdited, c)
}

// EditContact changes the fields p sets of the contact with id and
// returns the changed account with its EventContactEdited event (payload
// crmkit.EditPayload, each change's Item the contact's ID, fields named
// as the JSON of Contact names them, the role as its text form). The
// contact is validated as AddContact validates it (a name, a known role,
// an e-mail with @, a phone with a digit, a known department): that, a
// command crmkit.Cmd.Validate refuses and a patch that changes nothing
// are crmkit.ErrInvalid; an e-mail (or name and department) another
// contact of the account has is crmkit.ErrConflict; an unknown contact
// crmkit.ErrNotFound; an archived account a *crmkit.ArchivedError. On
// error the account is unchanged and there is no event.
func (a Account) EditContact(id uuid.UUID, p ContactPatch, c crmkit.Cmd) (Account, crmkit.Event, error) {
	i := slices.IndexFunc(a.Contacts, func(ct Contact) bool { return ct.ID == id })
	if i < 0 {
		return Account{}, crmkit.Event{}, fmt.Errorf("account %s has no contact %s: %w", a.ID, id, crmkit.ErrNotFound)
	}
	out := a.clone()
	ct := &out.Contacts[i]
	cs := changes{item: id}
	cs.str("name", &ct.Name, p.Name, false)
	cs.str("email", &ct.Email, p.Email, false)
	cs.str("phone", &ct.Phone, p.Phone, false)
	cs.str("title", &ct.Title, p.Title, false)
	cs.str("department", &ct.Department, p.Department, false)
	if p.Role != nil && *p.Role != ct.Role {
		if !p.Role.Valid() {
			return Account{}, crmkit.Event{}, crmkit.Invalid("contact role", "account %s: contact %s: role %s", a.ID, id, *p.Role)
		}
		cs.list = append(cs.list, crmkit.FieldChange{Field: "role", Item: id, From: ct.Role.String(), To: p.Role.String()})
		ct.Role = *p.Role
	}
	return a.edited(out, cs.list, EventContactEdited, c)
}

// edited validates out, the account a after an edit with list, and
// records it.
func (a Account) edited(out Account, list []crmkit.FieldChange, typ string, c crmkit.Cmd) (Account, crmkit.Event, error) {
	if err := c.Validate(); err != nil {
		return Account{}, crmkit.Event{}, fmt.Errorf("account %s: %s: %w", a.ID, typ, err)
	}
	if a.Archived() {
		return Account{}, crmkit.Event{}, &crmkit.ArchivedError{Kind: AccountKind, ID: a.ID, What: "edit it"}
	}
	if len(list) == 0 {
		return Account{}, crmkit.Event{}, crmkit.Invalid("patch", "account %s: the patch changes nothing", a.ID)
	}
	if err := out.validate(); err != nil {
		return Account{}, crmkit.Event{}, err
	}
	return out.record(typ, c, "", "", crmkit.EditPayload{Changes: list})
}

// idText is id as text, "" for uuid.Nil.
func idText(id uuid.UUID) string {
	if id == uuid.Nil {
		return ""
	}
	return id.String()
}

// Archived reports whether the account is archived.
func (a Account) Archived() bool { return !a.ArchivedAt.IsZero() }

// Archive hides the account: a store's List leaves it out unless asked
// for archived accounts, while its state and events are kept. It returns
// the account with ArchivedAt set to c.At and its EventAccountArchived
// event (By, At and Reason c's). An archived account takes no command
// until Restore. An account already archived is a *crmkit.ArchivedError;
// a command crmkit.Cmd.Validate refuses crmkit.ErrInvalid.
func (a Account) Archive(c crmkit.Cmd) (Account, crmkit.Event, error) {
	if a.Archived() {
		return Account{}, crmkit.Event{}, &crmkit.ArchivedError{Kind: AccountKind, ID: a.ID, What: "archive it again"}
	}
	out := a.clone()
	out.ArchivedAt = c.At
	return out.record(EventAccountArchived, c, "", "", nil)
}

// Restore brings an archived account back: ArchivedAt is cleared and the
// event is EventAccountRestored (By, At and Reason c's). An account that
// is not archived is crmkit.ErrIllegalTransition; a command
// crmkit.Cmd.Validate refuses crmkit.ErrInvalid.
func (a Account) Restore(c crmkit.Cmd) (Account, crmkit.Event, error) {
	if !a.Archived() {
		return Account{}, crmkit.Event{}, fmt.Errorf("account %s is not archived: cannot restore it: %w", a.ID, crmkit.ErrIllegalTransition)
	}
	out := a.clone()
	out.ArchivedAt = time.Time{}
	return out.record(EventAccountRestored, c, "", "", nil)
}
