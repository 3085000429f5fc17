package account

import (
	"github.com/crmkit/crmkit"
)

// The name tables of the package's enums (see crmkit.Enum): each value's
// one stable text form, used by String, text and JSON encoding and
// storage. A zero value that is not a value is written "unset".
var (
	contactRoleNames     = crmkit.NewEnum("ContactRole", DecisionMaker, "decision maker", "influencer", "user", "gatekeeper", "champion")
	contractStatusNames  = crmkit.NewEnum("ContractStatus", Draft, "draft", "approved", "signed", "active", "completed", "closed", "terminated")
	contractTriggerNames = crmkit.NewEnum("ContractTrigger", TriggerApprove, "approve", "sign", "activate", "complete", "close", "terminate")
	executionNames       = crmkit.NewEnum("Execution", NotStarted, "not started", "planning", "implementation started", "implementation done")
	termsKindNames       = crmkit.NewEnum("TermsKind", Original, "original", "amendment", "renewal")
	severityNames        = crmkit.NewEnum("Severity", Info, "info", "minor", "major", "critical")
	outcomeNames         = crmkit.NewEnum("Outcome", Pending, "pending", "resolved", "escalated", "unresolved")
)

// String returns the text form of r: its name ("decision maker",
// "influencer", "user", ...) or "unset" for the zero ContactRole.
func (r ContactRole) String() string { return contactRoleNames.String(r) }

// Valid reports whether r is one of the declared ContactRole values (not the
// unset zero).
func (r ContactRole) Valid() bool { return contactRoleNames.Valid(r) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (r ContactRole) MarshalText() ([]byte, error) { return contactRoleNames.MarshalText(r) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (r *ContactRole) UnmarshalText(text []byte) error {
	return contactRoleNames.UnmarshalText(text, r)
}

// String returns the text form of s: its name ("draft", "approved",
// "signed", ...) or "unset" for the zero ContractStatus.
func (s ContractStatus) String() string { return contractStatusNames.String(s) }

// Valid reports whether s is one of the declared ContractStatus values (not
// the unset zero).
func (s ContractStatus) Valid() bool { return contractStatusNames.Valid(s) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (s ContractStatus) MarshalText() ([]byte, error) { return contractStatusNames.MarshalText(s) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (s *ContractStatus) UnmarshalText(text []byte) error {
	return contractStatusNames.UnmarshalText(text, s)
}

// String returns the text form of t: its name ("approve", "sign",
// "activate", ...).
func (t ContractTrigger) String() string { return contractTriggerNames.String(t) }

// Valid reports whether t is one of the declared ContractTrigger values.
func (t ContractTrigger) Valid() bool { return contractTriggerNames.Valid(t) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (t ContractTrigger) MarshalText() ([]byte, error) { return contractTriggerNames.MarshalText(t) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (t *ContractTrigger) UnmarshalText(text []byte) error {
	return contractTriggerNames.UnmarshalText(text, t)
}

// String returns the text form of x: its name ("not started", "planning",
// "implementation started", ...).
func (x Execution) String() string { return executionNames.String(x) }

// Valid reports whether x is one of the declared Execution values.
func (x Execution) Valid() bool { return executionNames.Valid(x) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (x Execution) MarshalText() ([]byte, error) { return executionNames.MarshalText(x) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (x *Execution) UnmarshalText(text []byte) error { return executionNames.UnmarshalText(text, x) }

// String returns the text form of k: its name ("original", "amendment",
// "renewal") or "unset" for the zero TermsKind.
func (k TermsKind) String() string { return termsKindNames.String(k) }

// Valid reports whether k is one of the declared TermsKind values (not the
// unset zero).
func (k TermsKind) Valid() bool { return termsKindNames.Valid(k) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (k TermsKind) MarshalText() ([]byte, error) { return termsKindNames.MarshalText(k) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (k *TermsKind) UnmarshalText(text []byte) error { return termsKindNames.UnmarshalText(text, k) }

// String returns the text form of s: its name ("info", "minor", "major",
// ...) or "unset" for the zero Severity.
func (s Severity) String() string { return severityNames.String(s) }

// Valid reports whether s is one of the declared Severity values (not the
// unset zero).
func (s Severity) Valid() bool { return severityNames.Valid(s) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (s Severity) MarshalText() ([]byte, error) { return severityNames.MarshalText(s) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (s *Severity) UnmarshalText(text []byte) error { return severityNames.UnmarshalText(text, s) }

// String returns the text form of o: its name ("pending", "resolved",
// "escalated", ...) or "unset" for the zero Outcome.
func (o Outcome) String() string { return outcomeNames.String(o) }

// Valid reports whether o is one of the declared Outcome values (not the
// unset zero).
func (o Outcome) Valid() bool { return outcomeNames.Valid(o) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (o Outcome) MarshalText() ([]byte, error) { return outcomeNames.MarshalText(o) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (o *Outcome) UnmarshalText(text []byte) error { return outcomeNames.UnmarshalText(text, o) }

// relationNames names the bits of Relation, lowest first.
var relationNames = crmkit.NewFlags[Relation]("Relation", "prospect", "customer", "partner", "competitor")

// String lists the relations, such as "customer|partner", or "none".
func (r Relation) String() string { return relationNames.String(r) }

// Valid reports whether r holds only the four declared relations (the
// empty set, "none", included).
func (r Relation) Valid() bool { return relationNames.Valid(r) }

// Names returns the names of r's relations in bit order, such as
// ["customer", "partner"]; none for the empty set.
func (r Relation) Names() []string { return relationNames.Names(r) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; a bit that is not a relation is an error matching
// crmkit.ErrInvalid.
func (r Relation) MarshalText() ([]byte, error) { return relationNames.MarshalText(r) }

// UnmarshalText implements encoding.TextUnmarshaler: "none" or relation
// names joined by "|", as String writes them (any order, each once).
// Other text is an error matching crmkit.ErrInvalid.
func (r *Relation) UnmarshalText(text []byte) error { return relationNames.UnmarshalText(text, r) }
