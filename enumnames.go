package crmkit

// The name tables of the package's enums (see crmkit.Enum): each value's
// one stable text form, used by String, text and JSON encoding and
// storage. A zero value that is not a value is written "unset".
var (
	retailPatternNames = NewEnum("RetailPattern", Pattern445, "4-4-5", "4-5-4", "5-4-4")
	yearEndRuleNames   = NewEnum("YearEndRule", LastWeekday, "last", "nearest")
	roundingNames      = NewEnum("RoundingMode", RoundHalfEven, "half-even", "half-up", "down", "up", "floor", "ceiling")
	quantilesNames     = NewEnum("Quantiles", QuantilesApprox, "approx", "exact", "none")
)

// String returns the text form of p: its name ("4-4-5", "4-5-4", "5-4-4") or
// "unset" for the zero RetailPattern.
func (p RetailPattern) String() string { return retailPatternNames.String(p) }

// Valid reports whether p is one of the declared RetailPattern values (not
// the unset zero).
func (p RetailPattern) Valid() bool { return retailPatternNames.Valid(p) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (p RetailPattern) MarshalText() ([]byte, error) { return retailPatternNames.MarshalText(p) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (p *RetailPattern) UnmarshalText(text []byte) error {
	return retailPatternNames.UnmarshalText(text, p)
}

// String returns the text form of r: its name ("last", "nearest") or "unset"
// for the zero YearEndRule.
func (r YearEndRule) String() string { return yearEndRuleNames.String(r) }

// Valid reports whether r is one of the declared YearEndRule values (not the
// unset zero).
func (r YearEndRule) Valid() bool { return yearEndRuleNames.Valid(r) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (r YearEndRule) MarshalText() ([]byte, error) { return yearEndRuleNames.MarshalText(r) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (r *YearEndRule) UnmarshalText(text []byte) error {
	return yearEndRuleNames.UnmarshalText(text, r)
}

// String returns the text form of r: its name ("half-even", "half-up",
// "down", ...) or "unset" for the zero RoundingMode.
func (r RoundingMode) String() string { return roundingNames.String(r) }

// Valid reports whether r is one of the declared RoundingMode values (not
// the unset zero).
func (r RoundingMode) Valid() bool { return roundingNames.Valid(r) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (r RoundingMode) MarshalText() ([]byte, error) { return roundingNames.MarshalText(r) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (r *RoundingMode) UnmarshalText(text []byte) error { return roundingNames.UnmarshalText(text, r) }

// String returns the text form of q: its name ("approx", "exact", "none").
func (q Quantiles) String() string { return quantilesNames.String(q) }

// Valid reports whether q is one of the declared Quantiles values.
func (q Quantiles) Valid() bool { return quantilesNames.Valid(q) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (q Quantiles) MarshalText() ([]byte, error) { return quantilesNames.MarshalText(q) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (q *Quantiles) UnmarshalText(text []byte) error { return quantilesNames.UnmarshalText(text, q) }
