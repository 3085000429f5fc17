package funnel

import "github.com/crmkit/crmkit"

// The name tables of the package's enums (see crmkit.Enum): each value's
// one stable text form, used by String, text and JSON encoding and
// storage. A zero value that is not a value is written "unset".
var (
	rankingNames   = crmkit.NewEnum("Ranking", RankByOpportunities, "opportunities", "contract volume", "roi")
	dimensionNames = crmkit.NewEnum("Dimension", ByOwner, "owner", "source", "campaign", "product", "pipeline", "type", "competitor", "reason", "custom", "period")
	kindNames      = crmkit.NewEnum("Kind", Created, "created", "stage entered", "won", "lost", "suspended", "reactivated", "terminated", "close date changed", "amount changed", "activity", "dims changed")
	statusNames    = crmkit.NewEnum("Status", Open, "open", "suspended", "won", "lost", "terminated")
	figureNames    = crmkit.NewEnum("Figure", Weighted, "weighted", "historical", "commit", "best case", "pipeline")
)

// String returns the text form of r: its name ("opportunities", "contract
// volume", "roi").
func (r Ranking) String() string { return rankingNames.String(r) }

// Valid reports whether r is one of the declared Ranking values.
func (r Ranking) Valid() bool { return rankingNames.Valid(r) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (r Ranking) MarshalText() ([]byte, error) { return rankingNames.MarshalText(r) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (r *Ranking) UnmarshalText(text []byte) error { return rankingNames.UnmarshalText(text, r) }

// String returns the text form of d: its name ("owner", "source",
// "campaign", ...) or "unset" for the zero Dimension.
func (d Dimension) String() string { return dimensionNames.String(d) }

// Valid reports whether d is one of the declared Dimension values (not the
// unset zero).
func (d Dimension) Valid() bool { return dimensionNames.Valid(d) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (d Dimension) MarshalText() ([]byte, error) { return dimensionNames.MarshalText(d) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (d *Dimension) UnmarshalText(text []byte) error { return dimensionNames.UnmarshalText(text, d) }

// String returns the text form of k: its name ("created", "stage entered",
// "won", ...) or "unset" for the zero Kind.
func (k Kind) String() string { return kindNames.String(k) }

// Valid reports whether k is one of the declared Kind values (not the unset
// zero).
func (k Kind) Valid() bool { return kindNames.Valid(k) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (k Kind) MarshalText() ([]byte, error) { return kindNames.MarshalText(k) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (k *Kind) UnmarshalText(text []byte) error { return kindNames.UnmarshalText(text, k) }

// String returns the text form of s: its name ("open", "suspended", "won",
// ...).
func (s Status) String() string { return statusNames.String(s) }

// Valid reports whether s is one of the declared Status values.
func (s Status) Valid() bool { return statusNames.Valid(s) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (s Status) MarshalText() ([]byte, error) { return statusNames.MarshalText(s) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (s *Status) UnmarshalText(text []byte) error { return statusNames.UnmarshalText(text, s) }

// String returns the text form of f: its name ("weighted", "historical",
// "commit", ...) or "unset" for the zero Figure.
func (f Figure) String() string { return figureNames.String(f) }

// Valid reports whether f is one of the declared Figure values (not the
// unset zero).
func (f Figure) Valid() bool { return figureNames.Valid(f) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (f Figure) MarshalText() ([]byte, error) { return figureNames.MarshalText(f) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (f *Figure) UnmarshalText(text []byte) error { return figureNames.UnmarshalText(text, f) }

// roleNames names the bits of Role, lowest first.
var roleNames = crmkit.NewFlags[Role]("Role", "lead creation", "opportunity creation", "close")

// String lists the roles, such as "lead creation|close", or "none".
func (r Role) String() string { return roleNames.String(r) }

// Valid reports whether r holds only the three declared roles (no role
// included).
func (r Role) Valid() bool { return roleNames.Valid(r) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; a bit that is not a role is an error matching
// crmkit.ErrInvalid.
func (r Role) MarshalText() ([]byte, error) { return roleNames.MarshalText(r) }

// UnmarshalText implements encoding.TextUnmarshaler: "none" or role names
// joined by "|", as String writes them. Other text is an error matching
// crmkit.ErrInvalid.
func (r *Role) UnmarshalText(text []byte) error { return roleNames.UnmarshalText(text, r) }
