package accounttest_test

import (
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/account/accounttest"
	"pgregory.net/rapid"
)

// Generated accounts are valid, hierarchies build without cycles and
// histories have the asked length, currency and bounds.
func TestGeneratorsProduceValidValues(t *testing.T) {
	eur := crmkit.MustCurrency("EUR")
	rapid.Check(t, func(t *rapid.T) {
		accs := accounttest.Hierarchy(20).Draw(t, "accounts")
		for _, a := range accs {
			if err := a.Validate(); err != nil {
				t.Fatal(err)
			}
		}
		h, err := account.NewHierarchy(accs)
		if err != nil {
			t.Fatal(err)
		}
		if h.Len() != len(accs) {
			t.Fatalf("hierarchy of %d, %d accounts", h.Len(), len(accs))
		}
		n := rapid.IntRange(0, 40).Draw(t, "months")
		hist := accounttest.RevenueHistory(eur, n, 5000).Draw(t, "history")
		if len(hist) != n {
			t.Fatalf("%d months, want %d", len(hist), n)
		}
		for _, m := range hist {
			if m.Currency() != eur || m.Minor() < 0 || m.Minor() > 5000 {
				t.Fatalf("month %v", m)
			}
		}
	})
}
