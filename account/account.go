package account

import (
	"fmt"
	"slices"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
)

// Relation is what an organisation is to the company. The same
// organisation can be several at once (a customer that is also a partner,
// a competitor that buys from us), so Relation is a bit set.
type Relation uint8

// The relations an organisation can have with the company.
const (
	// Prospect is an organisation we want to sell to.
	Prospect Relation = 1 << iota
	// Customer is an organisation that has bought.
	Customer
	// Partner resells, refers or delivers with us.
	Partner
	// Competitor competes with us for deals.
	Competitor

	allRelations = Prospect | Customer | Partner | Competitor
)

// Has reports whether r includes every relation of q.
func (r Relation) Has(q Relation) bool { return q != 0 && r&q == q }

// ContactRole is the part a person plays in the customer's buying
// decisions.
type ContactRole uint8

// The contact roles. The zero value is not a role.
const (
	_ ContactRole = iota
	// DecisionMaker signs off the purchase.
	DecisionMaker
	// Influencer shapes the decision without making it.
	Influencer
	// User works with what is bought.
	User
	// Gatekeeper controls access to the others.
	Gatekeeper
	// Champion argues for us inside the customer.
	Champion
)

// Contact is a person at an account: name, e-mail, department and role.
type Contact struct {
	ID         uuid.UUID   `json:"id"`
	Name       string      `json:"name"`
	Email      string      `json:"email,omitempty"`
	Department string      `json:"department,omitempty"`
	Role       ContactRole `json:"role"`
}

// key identifies a contact for the duplicate check: the lower-cased
// e-mail when there is one, else the lower-cased name and department.
func (c Contact) key() string {
	if e := strings.ToLower(strings.TrimSpace(c.Email)); e != "" {
		return "e:" + e
	}
	return "n:" + strings.ToLower(strings.TrimSpace(c.Name)) + "\x00" + strings.ToLower(strings.TrimSpace(c.Department))
}

// Account is an organisation the company deals with: its relations
// (prospect, customer, partner, competitor), its parent in a group of
// companies (uuid.Nil for none), its departments and contacts, the
// key-account manager who owns it, its segment and category.
//
// An Account is a value: methods return a changed copy and never modify
// the receiver. Version counts the accepted changes, for optimistic
// concurrency in storage.
type Account struct {
	ID          uuid.UUID `json:"id"`
	Name        string    `json:"name"`
	Parent      uuid.UUID `json:"parent,omitzero"`
	Relations   Relation  `json:"relations"`
	Owner       string    `json:"owner"`
	Segment     string    `json:"segment,omitempty"`
	Category    string    `json:"category,omitempty"`
	Departments []string  `json:"departments,omitempty"`
	Contacts    []Contact `json:"contacts,omitempty"`
	Version     int64     `json:"version"`
}

// AccountKind is the AggregateKind of account events.
const AccountKind = "account"

// Event types of accounts. Each carries the account's Version after it.
const (
	// EventAccountCreated: payload AccountCreatedPayload.
	EventAccountCreated = "AccountCreated"
	// EventDepartmentAdded: To is the department.
	EventDepartmentAdded = "DepartmentAdded"
	// EventContactAdded: payload the Contact.
	EventContactAdded = "ContactAdded"
	// EventAccountReassigned: From and To are the old and new owner.
	EventAccountReassigned = "AccountReassigned"
	// EventRelationsChanged: From and To are the old and new relations
	// (a prospect becoming a customer).
	EventRelationsChanged = "RelationsChanged"
)

// AccountCreatedPayload is the payload of EventAccountCreated.
type AccountCreatedPayload struct {
	Name      string   `json:"name"`
	Owner     string   `json:"owner"`
	Relations Relation `json:"relations"`
}

// New returns a new account with a fresh ID, version 1, and its
// EventAccountCreated by c.By at c.At.
//
// Errors (ErrInvalid): an empty name or owner, a command crmkit.Cmd.Validate
// refuses (no actor, no time), no relation or an unknown relation bit.
func New(name, owner string, relations Relation, c crmkit.Cmd) (Account, crmkit.Event, error) {
	a := Account{ID: c.NewID(), Name: strings.TrimSpace(name), Owner: strings.TrimSpace(owner), Relations: relations}
	if err := a.validate(); err != nil {
		return Account{}, crmkit.Event{}, err
	}
	return a.record(EventAccountCreated, c, "", "", AccountCreatedPayload{Name: a.Name, Owner: a.Owner, Relations: relations})
}

// record returns a with its version advanced and the event of the change
// by command c, after crmkit.Cmd.Validate accepts c.
func (a Account) record(typ string, c crmkit.Cmd, from, to string, payload any) (Account, crmkit.Event, error) {
	if err := c.Validate(); err != nil {
		return Account{}, crmkit.Event{}, fmt.Errorf("account %s: %s: %w", a.ID, typ, err)
	}
	a.Version++
	e, err := c.NewEvent(AccountKind, a.ID, typ, a.Version, payload)
	if err != nil {
		return Account{}, crmkit.Event{}, fmt.Errorf("account %s: %w", a.ID, err)
	}
	e.From, e.To, e.Reason = from, to, c.Reason
	return a, e, nil
}

// validate reports the first problem of a apart from its version (see
// Validate).
func (a Account) validate() error {
	switch {
	case a.ID == uuid.Nil:
		return crmkit.Invalid("id", "account with nil UUID")
	case strings.TrimSpace(a.Name) == "":
		return crmkit.Invalid("name", "account %s has an empty name", a.ID)
	case strings.TrimSpace(a.Owner) == "":
		return crmkit.Invalid("owner", "account %s has no owner", a.ID)
	case a.Relations == 0 || a.Relations&^allRelations != 0:
		return crmkit.Invalid("relations", "account %s has relations %s", a.ID, a.Relations)
	case a.Parent == a.ID:
		return crmkit.Invalid("parent", "account %s is its own parent", a.ID)
	}
	for i, d := range a.Departments {
		if strings.TrimSpace(d) == "" {
			return crmkit.Invalid(fmt.Sprintf("departments[%d]", i), "account %s: empty department", a.ID)
		}
		if slices.Contains(a.Departments[:i], d) {
			return crmkit.Invalid(fmt.Sprintf("departments[%d]", i), "account %s: department %q twice", a.ID, d)
		}
	}
	seen := make(map[string]bool, len(a.Contacts))
	for i, c := range a.Contacts {
		if err := a.checkContact(c); err != nil {
			return fmt.Errorf("contacts[%d]: %w", i, err)
		}
		if seen[c.key()] {
			return fmt.Errorf("account %s contacts[%d] %q: duplicate contact: %w", a.ID, i, c.Name, crmkit.ErrConflict)
		}
		seen[c.key()] = true
	}
	return nil
}

func (a Account) checkContact(c Contact) error {
	switch {
	case c.ID == uuid.Nil:
		return crmkit.Invalid("contact id", "account %s: contact %q with nil UUID", a.ID, c.Name)
	case strings.TrimSpace(c.Name) == "":
		return crmkit.Invalid("contact name", "account %s: contact %s has no name", a.ID, c.ID)
	case !c.Role.Valid():
		return crmkit.Invalid("contact role", "account %s: contact %q has role %s", a.ID, c.Name, c.Role)
	case c.Email != "" && !strings.Contains(c.Email, "@"):
		return crmkit.Invalid("contact email", "account %s: contact %q has e-mail %q without @", a.ID, c.Name, c.Email)
	case c.Department != "" && !slices.Contains(a.Departments, c.Department):
		return crmkit.Invalid("contact department", "account %s: contact %q in unknown department %q", a.ID, c.Name, c.Department)
	}
	return nil
}

func (a Account) clone() Account {
	a.Departments = slices.Clone(a.Departments)
	a.Contacts = slices.Clone(a.Contacts)
	return a
}

// AddDepartment returns a with the department added (EventDepartmentAdded).
//
// Errors: ErrInvalid for an empty name or a command crmkit.Cmd.Validate
// refuses, ErrConflict for a department the account already has.
func (a Account) AddDepartment(name string, c crmkit.Cmd) (Account, crmkit.Event, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return Account{}, crmkit.Event{}, crmkit.Invalid("department", "account %s: empty department", a.ID)
	}
	if slices.Contains(a.Departments, name) {
		return Account{}, crmkit.Event{}, fmt.Errorf("account %s: department %q exists: %w", a.ID, name, crmkit.ErrConflict)
	}
	out := a.clone()
	out.Departments = append(out.Departments, name)
	return out.record(EventDepartmentAdded, c, "", name, nil)
}

// AddContact returns a with c added as its last contact
// (EventContactAdded, payload the contact); a nil c.ID gets a fresh one.
// A contact is a duplicate when another has the same ID, the same e-mail
// (ignoring case) or, without e-mail, the same name in the same
// department.
//
// Errors: ErrInvalid for an empty name, an unknown role or department, an
// e-mail without @, a command crmkit.Cmd.Validate refuses; ErrConflict
// for a duplicate.
func (a Account) AddContact(ct Contact, c crmkit.Cmd) (Account, crmkit.Event, error) {
	if ct.ID == uuid.Nil {
		ct.ID = c.NewID()
	}
	ct.Name, ct.Email = strings.TrimSpace(ct.Name), strings.TrimSpace(ct.Email)
	if err := a.checkContact(ct); err != nil {
		return Account{}, crmkit.Event{}, err
	}
	for _, o := range a.Contacts {
		if o.ID == ct.ID || o.key() == ct.key() {
			return Account{}, crmkit.Event{}, fmt.Errorf("account %s: contact %q duplicates %q (%s): %w", a.ID, ct.Name, o.Name, o.ID, crmkit.ErrConflict)
		}
	}
	out := a.clone()
	out.Contacts = append(out.Contacts, ct)
	return out.record(EventContactAdded, c, "", "", ct)
}

// DecisionMakers returns the contacts with role DecisionMaker.
func (a Account) DecisionMakers() []Contact {
	var out []Contact
	for _, c := range a.Contacts {
		if c.Role == DecisionMaker {
			out = append(out, c)
		}
	}
	return out
}

// Reassign returns a owned by a new key-account manager
// (EventAccountReassigned). Customer data belongs to the company, not the
// rep: contacts and history stay with the account. The same owner is
// ErrConflict, an empty one ErrInvalid.
func (a Account) Reassign(owner string, c crmkit.Cmd) (Account, crmkit.Event, error) {
	owner = strings.TrimSpace(owner)
	if owner == "" {
		return Account{}, crmkit.Event{}, crmkit.Invalid("owner", "account %s: empty owner", a.ID)
	}
	if owner == a.Owner {
		return Account{}, crmkit.Event{}, fmt.Errorf("account %s is already owned by %s: %w", a.ID, owner, crmkit.ErrConflict)
	}
	out := a.clone()
	out.Owner = owner
	return out.record(EventAccountReassigned, c, a.Owner, owner, nil)
}

// SetRelations returns a with new relations (EventRelationsChanged), such
// as a prospect that became a customer: SetRelations(a.Relations&^Prospect|Customer, ...).
// No relation, an unknown bit or no change is ErrInvalid.
func (a Account) SetRelations(r Relation, c crmkit.Cmd) (Account, crmkit.Event, error) {
	if r == 0 || r&^allRelations != 0 || r == a.Relations {
		return Account{}, crmkit.Event{}, crmkit.Invalid("relations", "account %s: relations %s (now %s)", a.ID, r, a.Relations)
	}
	out := a.clone()
	out.Relations = r
	return out.record(EventRelationsChanged, c, a.Relations.String(), r.String(), nil)
}
