package quote

import "github.com/crmkit/crmkit"

// The name tables of the package's enums (see crmkit.Enum): each value's
// one stable text form, used by String, text and JSON encoding and
// storage. A zero value that is not a value is written "unset".
var (
	statusNames        = crmkit.NewEnum("quote.Status", Draft, "draft", "pending-approval", "approved", "rejected", "sent", "accepted", "declined", "expired")
	discountBasisNames = crmkit.NewEnum("DiscountBasis", MaxLineDiscount, "max-line-discount", "overall-discount")
)

// String returns the text form of s: its name ("draft", "pending-approval",
// "approved", ...) or "unset" for the zero Status.
func (s Status) String() string { return statusNames.String(s) }

// Valid reports whether s is one of the declared Status values (not the
// unset zero).
func (s Status) Valid() bool { return statusNames.Valid(s) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (s Status) MarshalText() ([]byte, error) { return statusNames.MarshalText(s) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (s *Status) UnmarshalText(text []byte) error {
	return statusNames.UnmarshalText(text, s)
}

// String returns the text form of b: its name ("max-line-discount",
// "overall-discount") or "unset" for the zero DiscountBasis.
func (b DiscountBasis) String() string { return discountBasisNames.String(b) }

// Valid reports whether b is one of the declared DiscountBasis values (not
// the unset zero).
func (b DiscountBasis) Valid() bool { return discountBasisNames.Valid(b) }

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (b DiscountBasis) MarshalText() ([]byte, error) { return discountBasisNames.MarshalText(b) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form
// String returns. Other text is an error matching crmkit.ErrInvalid.
func (b *DiscountBasis) UnmarshalText(text []byte) error {
	return discountBasisNames.UnmarshalText(text, b)
}
