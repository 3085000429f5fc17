package deal_test

import (
	"time"

	"github.com/crmkit/crmkit/approval"
)

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

var (
	manager  = approval.Approver{ID: "mia", Roles: []string{"manager"}}
	director = approval.Approver{ID: "dan", Roles: []string{"director"}}
	both     = approval.Approver{ID: "bea", Roles: []string{"manager", "director"}}
)
