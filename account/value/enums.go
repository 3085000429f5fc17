package value

import (
	"github.com/crmkit/crmkit"
)

// The name tables of the package's enums (see crmkit.Enum): each value's
// one stable text form, used by String, text and JSON encoding and
// storage. A zero value that is not a value is written "unset".
var (
	attrKindNames = crmkit.NewEnum("AttrKind", Numeric, "numeric", "categorical")
	stageNames    = crmkit.NewEnum("Stage", StageTooNew, "too new", "growth", "maturity", "decline", "lost")
	segmentNames  = crmkit.NewEnum("Segment", Champions, "champions", "loyal", "potential loyalist", "new customer", "need attention", "can't lose them", "at risk", "hibernating", "lost")
)

// String returns the text form of a: its name ("numeric", "categorical") or
// "unset" for the zero AttrKind.
func (a AttrKind) String() string { return attrKindNames.String(a) }

// Valid reports whether a is one of the declared AttrKind values (not the
// unset zero).
func (a AttrKind) Valid() bool { return attrKindNames.Valid(a) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (a AttrKind) MarshalText() ([]byte, error) { return attrKindNames.MarshalText(a) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (a *AttrKind) UnmarshalText(text []byte) error { return attrKindNames.UnmarshalText(text, a) }

// String returns the text form of s: its name ("too new", "growth",
// "maturity", ...) or "unset" for the zero Stage.
func (s Stage) String() string { return stageNames.String(s) }

// Valid reports whether s is one of the declared Stage values (not the unset
// zero).
func (s Stage) Valid() bool { return stageNames.Valid(s) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (s Stage) MarshalText() ([]byte, error) { return stageNames.MarshalText(s) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (s *Stage) UnmarshalText(text []byte) error { return stageNames.UnmarshalText(text, s) }

// String returns the text form of s: its name ("champions", "loyal",
// "potential loyalist", ...) or "unset" for the zero RFMSegment.
func (s RFMSegment) String() string { return segmentNames.String(s) }

// Valid reports whether s is one of the declared RFMSegment values (not the
// unset zero).
func (s RFMSegment) Valid() bool { return segmentNames.Valid(s) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (s RFMSegment) MarshalText() ([]byte, error) { return segmentNames.MarshalText(s) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (s *RFMSegment) UnmarshalText(text []byte) error { return segmentNames.UnmarshalText(text, s) }
