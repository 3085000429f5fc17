package quota

import "github.com/crmkit/crmkit"

// The name tables of the package's enums (see crmkit.Enum): each value's
// one stable text form, used by String, text and JSON encoding and
// storage. A zero value that is not a value is written "unset".
var (
	totalPolicyNames = crmkit.NewEnum("TotalPolicy", KeepTotal, "keep total", "change total")
	tierBasisNames   = crmkit.NewEnum("TierBasis", OnAttainment, "attainment", "revenue")
	tierMethodNames  = crmkit.NewEnum("TierMethod", Marginal, "marginal", "retroactive")
	lineKindNames    = crmkit.NewEnum("LineKind", LineTier, "tier", "cap", "clawback", "balance", "draw", "carry forward")
	weightKindNames  = crmkit.NewEnum("WeightKind", WeightEqual, "equal", "custom", "seasonal", "contribution")
	managerModeNames = crmkit.NewEnum("ManagerMode", RollUp, "roll up", "own")
	grainNames       = crmkit.NewEnum("Grain", Halves, "halves", "quarters", "months")
)

// String returns the text form of t: its name ("keep total", "change total")
// or "unset" for the zero TotalPolicy.
func (t TotalPolicy) String() string { return totalPolicyNames.String(t) }

// Valid reports whether t is one of the declared TotalPolicy values (not the
// unset zero).
func (t TotalPolicy) Valid() bool { return totalPolicyNames.Valid(t) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (t TotalPolicy) MarshalText() ([]byte, error) { return totalPolicyNames.MarshalText(t) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (t *TotalPolicy) UnmarshalText(text []byte) error {
	return totalPolicyNames.UnmarshalText(text, t)
}

// String returns the text form of t: its name ("attainment", "revenue") or
// "unset" for the zero TierBasis.
func (t TierBasis) String() string { return tierBasisNames.String(t) }

// Valid reports whether t is one of the declared TierBasis values (not the
// unset zero).
func (t TierBasis) Valid() bool { return tierBasisNames.Valid(t) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (t TierBasis) MarshalText() ([]byte, error) { return tierBasisNames.MarshalText(t) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (t *TierBasis) UnmarshalText(text []byte) error { return tierBasisNames.UnmarshalText(text, t) }

// String returns the text form of t: its name ("marginal", "retroactive") or
// "unset" for the zero TierMethod.
func (t TierMethod) String() string { return tierMethodNames.String(t) }

// Valid reports whether t is one of the declared TierMethod values (not the
// unset zero).
func (t TierMethod) Valid() bool { return tierMethodNames.Valid(t) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (t TierMethod) MarshalText() ([]byte, error) { return tierMethodNames.MarshalText(t) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (t *TierMethod) UnmarshalText(text []byte) error { return tierMethodNames.UnmarshalText(text, t) }

// String returns the text form of k: its name ("tier", "cap", "clawback",
// ...) or "unset" for the zero LineKind.
func (k LineKind) String() string { return lineKindNames.String(k) }

// Valid reports whether k is one of the declared LineKind values (not the
// unset zero).
func (k LineKind) Valid() bool { return lineKindNames.Valid(k) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (k LineKind) MarshalText() ([]byte, error) { return lineKindNames.MarshalText(k) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (k *LineKind) UnmarshalText(text []byte) error { return lineKindNames.UnmarshalText(text, k) }

// String returns the text form of k: its name ("equal", "custom",
// "seasonal", ...) or "unset" for the zero WeightKind.
func (k WeightKind) String() string { return weightKindNames.String(k) }

// Valid reports whether k is one of the declared WeightKind values (not the
// unset zero).
func (k WeightKind) Valid() bool { return weightKindNames.Valid(k) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (k WeightKind) MarshalText() ([]byte, error) { return weightKindNames.MarshalText(k) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (k *WeightKind) UnmarshalText(text []byte) error { return weightKindNames.UnmarshalText(text, k) }

// String returns the text form of m: its name ("roll up", "own") or "unset"
// for the zero ManagerMode.
func (m ManagerMode) String() string { return managerModeNames.String(m) }

// Valid reports whether m is one of the declared ManagerMode values (not the
// unset zero).
func (m ManagerMode) Valid() bool { return managerModeNames.Valid(m) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (m ManagerMode) MarshalText() ([]byte, error) { return managerModeNames.MarshalText(m) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (m *ManagerMode) UnmarshalText(text []byte) error {
	return managerModeNames.UnmarshalText(text, m)
}

// String returns the text form of g: its name ("halves", "quarters",
// "months") or "unset" for the zero Grain.
func (g Grain) String() string { return grainNames.String(g) }

// Valid reports whether g is one of the declared Grain values (not the unset
// zero).
func (g Grain) Valid() bool { return grainNames.Valid(g) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (g Grain) MarshalText() ([]byte, error) { return grainNames.MarshalText(g) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (g *Grain) UnmarshalText(text []byte) error { return grainNames.UnmarshalText(text, g) }
