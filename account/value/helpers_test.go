package value_test

import (
	"time"

	"github.com/crmkit/crmkit"
)

// t0 is the instant the tests count from.
var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func eur(s string) crmkit.Money { return crmkit.MustMoney(s, "EUR") }
