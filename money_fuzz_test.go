package crmkit_test

import (
	"errors"
	"testing"

	"github.com/crmkit/crmkit"
)

// FuzzParseMoney: parsing never panics, every failure is a crmkit error,
// and every success formats back to an equal amount.
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"12.34", "-0.05", "1e400", "NaN", "", "1.234", "92233720368547758.08", "0x10", "1_000", ".5", "-.5e1", "+3"} {
		f.Add(s, "EUR")
		f.Add(s, "JPY")
		f.Add(s, "KWD")
	}
	f.Fuzz(func(t *testing.T, amount, code string) {
		cur, err := crmkit.ParseCurrency(code)
		if err != nil {
			if !errors.Is(err, crmkit.ErrInvalid) {
				t.Fatalf("currency %q: %v is not ErrInvalid", code, err)
			}
			return
		}
		m, err := crmkit.ParseMoney(amount, cur)
		if err != nil {
			if !errors.Is(err, crmkit.ErrInvalid) && !errors.Is(err, crmkit.ErrOverflow) {
				t.Fatalf("amount %q: %v is neither ErrInvalid nor ErrOverflow", amount, err)
			}
			return
		}
		var back crmkit.Money
		txt, _ := m.MarshalText()
		if err := back.UnmarshalText(txt); err != nil || back != m {
			t.Fatalf("%q -> %v -> %q -> %v, %v", amount, m, txt, back, err)
		}
	})
}
