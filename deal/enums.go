package deal

import (
	"slices"

	"github.com/crmkit/crmkit"
)

// The name tables of the package's enums (see crmkit.Enum): each value's
// one stable text form, used by String, text and JSON encoding and
// storage. A zero value that is not a value is written "unset".
var (
	forecastNames = crmkit.NewEnum("ForecastCategory", ForecastPipeline, "pipeline", "best_case", "commit", "closed", "omitted")
	cadenceNames  = crmkit.NewEnum("CadenceUnit", PerDay, "day", "week", "month")
	statusNames   = crmkit.NewEnum("Status", Open, "open", "won", "lost", "suspended", "terminated")
	dealTypeNames = crmkit.NewEnum("DealType", NewBusiness, "new_business", "expansion", "renewal", "cross_sell")
)

// String returns the text form of c: its name ("pipeline", "best_case",
// "commit", ...) or "unset" for the zero ForecastCategory.
func (c ForecastCategory) String() string { return forecastNames.String(c) }

// Valid reports whether c is one of the declared ForecastCategory values
// (not the unset zero).
func (c ForecastCategory) Valid() bool { return forecastNames.Valid(c) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (c ForecastCategory) MarshalText() ([]byte, error) { return forecastNames.MarshalText(c) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (c *ForecastCategory) UnmarshalText(text []byte) error {
	return forecastNames.UnmarshalText(text, c)
}

// String returns the text form of u: its name ("day", "week", "month") or
// "unset" for the zero CadenceUnit.
func (u CadenceUnit) String() string { return cadenceNames.String(u) }

// Valid reports whether u is one of the declared CadenceUnit values (not the
// unset zero).
func (u CadenceUnit) Valid() bool { return cadenceNames.Valid(u) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (u CadenceUnit) MarshalText() ([]byte, error) { return cadenceNames.MarshalText(u) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (u *CadenceUnit) UnmarshalText(text []byte) error { return cadenceNames.UnmarshalText(text, u) }

// String returns the text form of s: its name ("open", "won", "lost", ...)
// or "unset" for the zero Status.
func (s Status) String() string { return statusNames.String(s) }

// Valid reports whether s is one of the declared Status values (not the
// unset zero).
func (s Status) Valid() bool { return statusNames.Valid(s) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (s Status) MarshalText() ([]byte, error) { return statusNames.MarshalText(s) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (s *Status) UnmarshalText(text []byte) error { return statusNames.UnmarshalText(text, s) }

// String returns the text form of t: its name ("new_business", "expansion",
// "renewal", ...) or "unset" for the zero DealType.
func (t DealType) String() string { return dealTypeNames.String(t) }

// Valid reports whether t is one of the declared DealType values (not the
// unset zero).
func (t DealType) Valid() bool { return dealTypeNames.Valid(t) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (t DealType) MarshalText() ([]byte, error) { return dealTypeNames.MarshalText(t) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (t *DealType) UnmarshalText(text []byte) error { return dealTypeNames.UnmarshalText(text, t) }

// valid is Valid, under the name the status machine calls.
func (s Status) valid() bool { return s.Valid() }

// Valid reports whether f is one of the fields an entry rule can require
// (Field is a string enum: its value is its text form).
func (f Field) Valid() bool { return slices.Contains(knownFields, f) }
