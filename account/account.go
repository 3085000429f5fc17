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

// String lists the relations, such as "customer|partner", or "none".
func (r Relation) String() string {
	if r == 0 {
		return "none"
	}
	var parts []string
	for i, n := range []string{"prospect", "customer", "partner", "competitor"} {
		if r&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	if r&^allRelations != 0 {
		parts = append(parts, fmt.Sprintf("Relation(%#x)", uint8(r&^allRelations)))
	}
	return strings.Join(parts, "|")
}

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

var contactRoleNames = [...]string{"", "decision maker", "influencer", "user", "gatekeeper", "champion"}

// String returns the role in lower case, such as "decision maker".
func (r ContactRole) String() string {
	if r != 0 && int(r) < len(contactRoleNames) {
		return contactRoleNames[r]
	}
	return fmt.Sprintf("ContactRole(%d)", uint8(r))
}

func (r ContactRole) valid() bool { return r != 0 && int(r) < len(contactRoleNames) }

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

// New returns a new account with a fresh ID, version 1.
//
// Errors (ErrInvalid): an empty name or owner, no relation or an unknown
// relation bit.
func New(name, owner string, relations Relation) (Account, error) {
	a := Account{ID: crmkit.NewID(), Name: strings.TrimSpace(name), Owner: strings.TrimSpace(owner), Relations: relations, Version: 1}
	if err := a.Validate(); err != nil {
		return Account{}, err
	}
	return a, nil
}

// Validate reports the first problem of a: a nil ID, an empty name or
// owner, no or unknown relations, itself as its parent, an empty or
// repeated department, an invalid or duplicate contact.
func (a Account) Validate() error {
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
	case !c.Role.valid():
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

// AddDepartment returns a with the department added.
//
// Errors: ErrInvalid for an empty name, ErrConflict for a department the
// account already has.
func (a Account) AddDepartment(name string) (Account, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return Account{}, crmkit.Invalid("department", "account %s: empty department", a.ID)
	}
	if slices.Contains(a.Departments, name) {
		return Account{}, fmt.Errorf("account %s: department %q exists: %w", a.ID, name, crmkit.ErrConflict)
	}
	out := a.clone()
	out.Departments = append(out.Departments, name)
	out.Version++
	return out, nil
}

// AddContact returns a with c added; a nil c.ID gets a fresh one. A
// contact is a duplicate when another has the same e-mail (ignoring case)
// or, without e-mail, the same name in the same department.
//
// Errors: ErrInvalid for an empty name, an unknown role or department, an
// e-mail without @; ErrConflict for a duplicate.
func (a Account) AddContact(c Contact) (Account, Contact, error) {
	if c.ID == uuid.Nil {
		c.ID = crmkit.NewID()
	}
	c.Name, c.Email = strings.TrimSpace(c.Name), strings.TrimSpace(c.Email)
	if err := a.checkContact(c); err != nil {
		return Account{}, Contact{}, err
	}
	for _, o := range a.Contacts {
		if o.ID == c.ID || o.key() == c.key() {
			return Account{}, Contact{}, fmt.Errorf("account %s: contact %q duplicates %q (%s): %w", a.ID, c.Name, o.Name, o.ID, crmkit.ErrConflict)
		}
	}
	out := a.clone()
	out.Contacts = append(out.Contacts, c)
	out.Version++
	return out, c, nil
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

// Reassign returns a owned by a new key-account manager.
func (a Account) Reassign(owner string) (Account, error) {
	owner = strings.TrimSpace(owner)
	if owner == "" {
		return Account{}, crmkit.Invalid("owner", "account %s: empty owner", a.ID)
	}
	out := a.clone()
	out.Owner = owner
	out.Version++
	return out, nil
}
