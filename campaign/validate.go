package campaign

import (
	"fmt"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
)

// Validate checks every invariant a stored campaign holds: a non-nil ID,
// a Version of at least 1 (New returns version 1 with its creation
// event), a known status, the rules of New (a code and a name, a budget with a currency and not
// negative, planned targets not negative and, when the revenue target
// carries a currency, in the budget's), an actual cost not negative and,
// when it carries a currency, in the budget's (Complete's rule), a
// schedule that does not end before it starts, an approver who is not
// the submitter (Approve's rule), the approval the status implies (a
// submitter from pending approval on, an approver from approved on, no
// approver while planned) and an actual cost exactly when completed. The
// error matches crmkit.ErrInvalid
// and is a *crmkit.ValidationError naming the field (a currency mismatch,
// which the commands refuse as crmkit.ErrCurrencyMismatch, is invalid
// here: the value already holds it).
func (c Campaign) Validate() error {
	if err := c.validate(); err != nil {
		return fmt.Errorf("campaign %s: %w", c.ID, err)
	}
	return nil
}

func (c Campaign) validate() error {
	cur := c.Budget.Currency()
	switch {
	case c.ID == uuid.Nil:
		return crmkit.Invalid("id", "nil UUID")
	case c.Version < 1:
		return crmkit.Invalid("version", "version %d is below 1", c.Version)
	case c.Status >= numStatuses:
		return crmkit.Invalid("status", "%s is not a status", c.Status)
	case strings.TrimSpace(c.Code) == "":
		return crmkit.Invalid("code", "empty code")
	case strings.TrimSpace(c.Name) == "":
		return crmkit.Invalid("name", "empty name")
	case cur.IsZero() || c.Budget.Sign() < 0:
		return crmkit.Invalid("budget", "budget %s is negative or has no currency", c.Budget)
	case c.ActualCost.Sign() < 0:
		return crmkit.Invalid("actual cost", "negative actual cost %s", c.ActualCost)
	case !c.ActualCost.Currency().IsZero() && c.ActualCost.Currency() != cur:
		return crmkit.Invalid("actual cost", "actual cost %s is not in the budget's currency (budget %s)", c.ActualCost, c.Budget)
	case c.Planned.Leads < 0 || c.Planned.Opportunities < 0 || c.Planned.Contracts < 0 || c.Planned.Revenue.Sign() < 0:
		return crmkit.Invalid("planned", "negative target")
	case !c.Planned.Revenue.Currency().IsZero() && c.Planned.Revenue.Currency() != cur:
		return crmkit.Invalid("planned", "planned revenue %s is not in the budget's currency (budget %s)", c.Planned.Revenue, c.Budget)
	case c.Schedule.End.Before(c.Schedule.Start):
		return crmkit.Invalid("schedule", "%s to %s ends before it starts", c.Schedule.Start.Format(time.RFC3339Nano), c.Schedule.End.Format(time.RFC3339Nano))
	case c.ApprovedBy != "" && c.ApprovedBy == c.SubmittedBy:
		return crmkit.Invalid("approved by", "%q approved their own submission", c.ApprovedBy)
	}
	switch c.Status {
	case Planned:
		if c.ApprovedBy != "" {
			return crmkit.Invalid("approved by", "set on a planned campaign")
		}
	case PendingApproval:
		if strings.TrimSpace(c.SubmittedBy) == "" {
			return crmkit.Invalid("submitted by", "a campaign pending approval without its submitter")
		}
	case Approved, Running, Completed:
		switch {
		case strings.TrimSpace(c.SubmittedBy) == "":
			return crmkit.Invalid("submitted by", "a %s campaign without its submitter", c.Status)
		case strings.TrimSpace(c.ApprovedBy) == "":
			return crmkit.Invalid("approved by", "a %s campaign without its approver", c.Status)
		}
	}
	switch {
	case c.Status == Completed && c.ActualCost.Currency() != cur:
		return crmkit.Invalid("actual cost", "a completed campaign without its actual cost in %s", cur)
	case c.Status != Completed && c.ActualCost != (crmkit.Money{}):
		return crmkit.Invalid("actual cost", "recorded on a %s campaign", c.Status)
	}
	return nil
}

// Clone returns a copy of c. A Campaign holds no slice, map or pointer, so
// the copy is already deep; Clone exists so that every aggregate is
// copied the same way.
func (c Campaign) Clone() Campaign { return c }
