package campaign

import "github.com/crmkit/crmkit"

// The name tables of the package's enums (see crmkit.Enum): each value's
// one stable text form, used by String, text and JSON encoding and
// storage.
var (
	statusNames  = crmkit.NewEnum("Status", Planned, "planned", "pending approval", "approved", "running", "completed", "cancelled")
	triggerNames = crmkit.NewEnum("Trigger", TriggerSubmit, "submit", "approve", "reject", "start", "complete", "cancel")
)

// String returns the text form of s: its name ("planned", "pending
// approval", "approved", ...).
func (s Status) String() string { return statusNames.String(s) }

// Valid reports whether s is one of the declared Status values.
func (s Status) Valid() bool { return statusNames.Valid(s) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (s Status) MarshalText() ([]byte, error) { return statusNames.MarshalText(s) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (s *Status) UnmarshalText(text []byte) error { return statusNames.UnmarshalText(text, s) }

// String returns the text form of t: its name ("submit", "approve",
// "reject", ...).
func (t Trigger) String() string { return triggerNames.String(t) }

// Valid reports whether t is one of the declared Trigger values.
func (t Trigger) Valid() bool { return triggerNames.Valid(t) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (t Trigger) MarshalText() ([]byte, error) { return triggerNames.MarshalText(t) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (t *Trigger) UnmarshalText(text []byte) error { return triggerNames.UnmarshalText(text, t) }
