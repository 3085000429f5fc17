package account

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/field"
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

// Contact is a person at an account: name, e-mail, phone, job title,
// department and role.
type Contact struct {
	ID         uuid.UUID   `json:"id"`
	Name       string      `json:"name"`
	Email      string      `json:"email,omitempty"`
	Phone      string      `json:"phone,omitempty"`
	Title      string      `json:"title,omitempty"`
	Department string      `json:"department,omitempty"`
	Role       ContactRole `json:"role"`
	// Erased says the contact's personal data was erased
	// (Account.EraseContact): its name is crmkit.Erased, its e-mail and
	// phone empty.
	Erased bool `json:"erased,omitempty"`
	// Custom are the contact's custom field values (package field),
	// checked by storage against the tenant's schema of kind "contact"
	// (storage.ContactKind) when the account is written; set by
	// Account.SetContactCustom.
	Custom field.Values `json:"custom,omitempty"`
}

// key identifies a contact for the duplicate check: the lower-cased
// e-mail when there is one, else the lower-cased name and department.
func (c Contact) key() string {
	if c.Erased {
		return "x:" + c.ID.String() // erased people are nobody's duplicate
	}
	if e := strings.ToLower(strings.TrimSpace(c.Email)); e != "" {
		return "e:" + e
	}
	return "n:" + strings.ToLower(strings.TrimSpace(c.Name)) + "\x00" + strings.ToLower(strings.TrimSpace(c.Department))
}

// Account is an organisation the company deals with: its relations
// (prospect, customer, partner, competitor), its parent in a group of
// companies (uuid.Nil for none), its departments and contacts, the
// key-account manager who owns it, its segment and category, and what is
// known of the company: its domain and website, industry, country and
// size in employees.
//
// An Account is a value: methods return a changed copy and never modify
// the receiver. Version counts the accepted changes, for optimistic
// concurrency in storage.
type Account struct {
	ID        uuid.UUID `json:"id"`
	Name      string    `json:"name"`
	Parent    uuid.UUID `json:"parent,omitzero"`
	Relations Relation  `json:"relations"`
	Owner     string    `json:"owner"`
	Segment   string    `json:"segment,omitempty"`
	Category  string    `json:"category,omitempty"`
	// Domain is the company's internet domain ("acme.com"), the key a
	// conversion dedupes accounts by; "" when unknown.
	Domain string `json:"domain,omitempty"`
	// Website is the company's web address as given; "" when unknown.
	Website string `json:"website,omitempty"`
	// Industry and Country are free text as the source gave them
	// (Country usually an ISO 3166 code); "" when unknown.
	Industry string `json:"industry,omitempty"`
	Country  string `json:"country,omitempty"`
	// Size is the number of employees, 0 when unknown, at most
	// MaxEmployees.
	Size        int       `json:"size,omitempty"`
	Departments []string  `json:"departments,omitempty"`
	Contacts    []Contact `json:"contacts,omitempty"`
	// Description is free text about the account (see Edit).
	Description string `json:"description,omitempty"`
	// ArchivedAt is when the account was archived (see Archive); zero
	// while it is not. An archived account takes no command but Restore.
	ArchivedAt time.Time `json:"archived_at,omitzero"`
	Version    int64     `json:"version"`
	// Custom holds the tenant's custom field values (package field),
	// checked against the account schema by storage on every write.
	Custom field.Values `json:"custom,omitempty"`
}

// MaxEmployees is the largest Account.Size: ten million employees, above
// the largest employer in the world, so a larger size is a typing error.
const MaxEmployees = 10_000_000

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

// AccountCreatedPayload is the payload of EventAccountCreated: the
// NewAccount the account was created from, its ID filled in and its
// strings trimmed.
type AccountCreatedPayload = NewAccount

// NewAccount holds what creating an account takes. Name, Owner and
// Relations are required; the other fields are optional and mean what
// the Account fields of the same names mean. A nil ID gets a fresh one
// from the command's ID source; a given ID is kept, so that an account
// drafted elsewhere (a lead's conversion) is stored under the ID the
// lead and the deal already point at.
type NewAccount struct {
	ID        uuid.UUID `json:"id"`
	Name      string    `json:"name"`
	Owner     string    `json:"owner"`
	Relations Relation  `json:"relations"`
	Parent    uuid.UUID `json:"parent,omitzero"`
	Segment   string    `json:"segment,omitempty"`
	Category  string    `json:"category,omitempty"`
	Domain    string    `json:"domain,omitempty"`
	Website   string    `json:"website,omitempty"`
	Industry  string    `json:"industry,omitempty"`
	Country   string    `json:"country,omitempty"`
	Size      int       `json:"size,omitempty"`
}

// New returns a new account made from n, version 1, and its
// EventAccountCreated (payload n with its ID) by c.By at c.At.
//
// Errors (ErrInvalid, naming the field): an empty name or owner, a
// command crmkit.Cmd.Validate refuses (no actor, no time), no relation or
// an unknown relation bit, the account as its own parent, a size below 0
// or above MaxEmployees, or a string Validate refuses.
func New(n NewAccount, c crmkit.Cmd) (Account, crmkit.Event, error) {
	if n.ID == uuid.Nil {
		n.ID = c.NewID()
	}
	n.Name, n.Owner = strings.TrimSpace(n.Name), strings.TrimSpace(n.Owner)
	n.Segment, n.Category = strings.TrimSpace(n.Segment), strings.TrimSpace(n.Category)
	n.Domain, n.Website = strings.TrimSpace(n.Domain), strings.TrimSpace(n.Website)
	n.Industry, n.Country = strings.TrimSpace(n.Industry), strings.TrimSpace(n.Country)
	a := Account{
		ID: n.ID, Name: n.Name, Owner: n.Owner, Relations: n.Relations, Parent: n.Parent,
		Segment: n.Segment, Category: n.Category, Domain: n.Domain, Website: n.Website,
		Industry: n.Industry, Country: n.Country, Size: n.Size,
	}
	if err := a.validate(); err != nil {
		return Account{}, crmkit.Event{}, err
	}
	return a.record(EventAccountCreated, c, "", "", n)
}

// record returns a with its version advanced and the event of the change
// by command c, after crmkit.Cmd.Validate accepts c.
func (a Account) record(typ string, c crmkit.Cmd, from, to string, payload any) (Account, crmkit.Event, error) {
	if err := c.Validate(); err != nil {
		return Account{}, crmkit.Event{}, fmt.Errorf("account %s: %s: %w", a.ID, typ, err)
	}
	// An archived account takes no change but its erasures (a person's
	// right to erasure does not wait for a restore).
	if !a.ArchivedAt.IsZero() && typ != EventAccountArchived && typ != EventContactErased {
		return Account{}, crmkit.Event{}, &crmkit.ArchivedError{Kind: AccountKind, ID: a.ID, What: "record " + typ}
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
	case a.Size < 0 || a.Size > MaxEmployees:
		return crmkit.Invalid("size", "account %s: %d employees is outside 0 .. %d", a.ID, a.Size, MaxEmployees)
	case a.Domain != "" && !validDomain(a.Domain):
		return crmkit.Invalid("domain", "account %s: %q is not a domain name", a.ID, a.Domain)
	}
	for _, f := range [...]struct{ name, s string }{
		{"website", a.Website}, {"industry", a.Industry}, {"country", a.Country},
	} {
		if err := checkText(f.name, f.s); err != nil {
			return fmt.Errorf("account %s: %w", a.ID, err)
		}
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
	case c.Phone != "" && !strings.ContainsAny(c.Phone, "0123456789"):
		return crmkit.Invalid("contact phone", "account %s: contact %q has phone %q without digits", a.ID, c.Name, c.Phone)
	}
	for _, f := range [...]struct{ name, s string }{
		{"contact phone", c.Phone}, {"contact title", c.Title},
	} {
		if err := checkText(f.name, f.s); err != nil {
			return fmt.Errorf("account %s: contact %s: %w", a.ID, c.ID, err)
		}
	}
	return nil
}

// checkText refuses text that is not valid UTF-8 or holds a control
// character (a NUL, a line break): names, titles and the company's
// details are single lines.
func checkText(field, s string) error {
	if !utf8.ValidString(s) {
		return crmkit.Invalid(field, "%q is not valid UTF-8", s)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return crmkit.Invalid(field, "%q holds a control character", s)
	}
	return nil
}

// validDomain reports whether d is a lower-case host name of at least
// two non-empty labels of letters, digits, hyphens or non-ASCII letters
// (any other printable character above ASCII: an internationalised name
// as typed), without scheme, "www.", port or
// path: the form a conversion stores.
func validDomain(d string) bool {
	if strings.HasPrefix(d, "www.") || !utf8.ValidString(d) {
		return false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r >= 0x80 && unicode.IsPrint(r) && !unicode.IsSpace(r)) {
				return false
			}
		}
	}
	return true
}

func (a Account) clone() Account {
	a.Departments = slices.Clone(a.Departments)
	a.Contacts = slices.Clone(a.Contacts)
	for i := range a.Contacts {
		a.Contacts[i].Custom = a.Contacts[i].Custom.Clone()
	}
	a.Custom = a.Custom.Clone()
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
	ct.Phone, ct.Title = strings.TrimSpace(ct.Phone), strings.TrimSpace(ct.Title)
	if err := a.checkContact(ct); err != nil {
		return Account{}, crmkit.Event{}, err
	}
	if err := ct.Custom.Validate(); err != nil {
		return Account{}, crmkit.Event{}, fmt.Errorf("account %s: contact %q: %w", a.ID, ct.Name, err)
	}
	ct.Custom = ct.Custom.Clone()
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
