package quote_test

import (
	"time"
)

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// approver is who decides in these tests: an actor and the roles it holds.
type approver struct {
	ID    string
	Roles []string
}

var (
	manager  = approver{ID: "mia", Roles: []string{"manager"}}
	director = approver{ID: "dan", Roles: []string{"director"}}
	both     = approver{ID: "bea", Roles: []string{"manager", "director"}}
)
