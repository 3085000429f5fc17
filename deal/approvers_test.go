package deal_test

import (
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/approval"
	"github.com/shopspring/decimal"
)

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// approver is who decides in these tests: an actor and the roles it holds.
type approver struct {
	ID    string
	Roles []string
}

// cmd is a's decision command on an approval request at time at.
func (a approver) cmd(at time.Time, comment string) approval.Cmd {
	return approval.Cmd{Cmd: crmkit.Cmd{By: a.ID, At: at, Reason: comment}, Roles: a.Roles}
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }
