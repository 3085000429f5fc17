package storage

import (
	"fmt"
	"slices"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
)

// CampaignKind is the aggregate kind of stored marketing campaigns, as
// errors and the campaign's events name it.
const CampaignKind = "campaign"

// CampaignStore is implemented by a Tx (and a Store) that stores
// marketing campaigns: an optional ability found by type assertion, like
// PlanStore.
//
// funnel.NewCampaign returns a campaign at Version 0 without an event;
// store it at Version 1 (set the field) with an event of your own, since
// every stored aggregate has a version of at least 1. The campaign's
// commands (Submit, Approve, ...) bump the version and return the event
// to Save with.
type CampaignStore interface {
	// Campaigns is the campaign repository.
	Campaigns() CampaignRepository
}

// CampaignRepository stores funnel.Campaign aggregates.
type CampaignRepository = Repository[funnel.Campaign, CampaignFilter]

// maxCampaignStatuses is the number of campaign statuses.
const maxCampaignStatuses = int(funnel.CampaignCancelled) + 1

// CampaignFilter selects campaigns for List. A zero field matches every
// campaign; the zero CampaignFilter matches all.
type CampaignFilter struct {
	// Statuses, if not empty, selects campaigns whose status is one of
	// them. It is a set rather than one status because the zero status
	// (funnel.CampaignPlanned) is a status.
	Statuses []funnel.CampaignStatus
	// Owner, if not empty, selects campaigns owned by that key.
	Owner string
	// Code, if not empty, selects the campaigns with that code.
	Code string
	// During, if not zero, selects campaigns whose schedule overlaps it
	// (crmkit.Period.Overlaps: an empty schedule overlaps nothing). A
	// During with a zero Start or End, or End before Start, is an error
	// matching crmkit.ErrInvalid.
	During crmkit.Period
}

func validCampaignStatus(s funnel.CampaignStatus) bool { return int(s) < maxCampaignStatuses }

// ValidateCampaign checks a campaign before it is stored: a non-nil ID, a
// version of at least 1, a known status, a non-blank code and name, a
// code and owner (and approvers) of at most MaxKeyLen bytes, a budget
// with a currency and not negative, an actual cost and planned targets
// not negative and, when they carry a currency, in the budget's, a
// schedule that does not end before it starts, and every string within
// the stored domain (see ValidateValue). These are funnel.NewCampaign's rules,
// which package funnel has no Validate for.
func ValidateCampaign(c funnel.Campaign) error {
	if err := ValidateID(CampaignKind, c.ID); err != nil {
		return err
	}
	cur := c.Budget.Currency()
	switch {
	case c.Version < 1:
		return crmkit.Invalid("version", "campaign %s: version %d is below 1", c.ID, c.Version)
	case !validCampaignStatus(c.Status):
		return crmkit.Invalid("status", "campaign %s: %s is not a status", c.ID, c.Status)
	case strings.TrimSpace(c.Code) == "":
		return crmkit.Invalid("code", "campaign %s: empty code", c.ID)
	case strings.TrimSpace(c.Name) == "":
		return crmkit.Invalid("name", "campaign %s: empty name", c.ID)
	case cur.IsZero() || c.Budget.Sign() < 0:
		return crmkit.Invalid("budget", "campaign %s: budget %s is negative or has no currency", c.ID, c.Budget)
	case c.ActualCost.Sign() < 0:
		return crmkit.Invalid("actual cost", "campaign %s: negative actual cost %s", c.ID, c.ActualCost)
	case !c.ActualCost.Currency().IsZero() && c.ActualCost.Currency() != cur:
		return fmt.Errorf("campaign %s: actual cost %s, budget %s: %w", c.ID, c.ActualCost, c.Budget, crmkit.ErrCurrencyMismatch)
	case c.Planned.Leads < 0 || c.Planned.Opportunities < 0 || c.Planned.Contracts < 0 || c.Planned.Revenue.Sign() < 0:
		return crmkit.Invalid("planned", "campaign %s: negative target", c.ID)
	case !c.Planned.Revenue.Currency().IsZero() && c.Planned.Revenue.Currency() != cur:
		return fmt.Errorf("campaign %s: planned revenue %s, budget %s: %w", c.ID, c.Planned.Revenue, c.Budget, crmkit.ErrCurrencyMismatch)
	case c.Schedule.End.Before(c.Schedule.Start):
		return crmkit.Invalid("schedule", "campaign %s: schedule %s ends before it starts", c.ID, c.Schedule)
	}
	for _, f := range [...]struct{ name, s string }{{"code", c.Code}, {"owner", c.Owner}, {"submitted by", c.SubmittedBy}, {"approved by", c.ApprovedBy}} {
		if err := checkString(f.name, f.s, MaxKeyLen); err != nil {
			return fmt.Errorf("campaign %s: %w", c.ID, err)
		}
	}
	if err := ValidateValue("campaign", c); err != nil {
		return fmt.Errorf("campaign %s: %w", c.ID, err)
	}
	return nil
}

// Validate checks the filter: at most as many statuses as there are, each known, an
// owner and a code of at most MaxKeyLen bytes of valid UTF-8 without NUL
// bytes, and a zero During or a valid period (see ValidatePeriod).
func (f CampaignFilter) Validate() error {
	if len(f.Statuses) > maxCampaignStatuses {
		return crmkit.Invalid("statuses filter", "%d statuses, more than %d", len(f.Statuses), maxCampaignStatuses)
	}
	for i, s := range f.Statuses {
		if !validCampaignStatus(s) {
			return crmkit.Invalid(fmt.Sprintf("statuses filter[%d]", i), "%s is not a status", s)
		}
	}
	if err := checkString("owner filter", f.Owner, MaxKeyLen); err != nil {
		return err
	}
	if err := checkString("code filter", f.Code, MaxKeyLen); err != nil {
		return err
	}
	if f.hasDuring() {
		if err := ValidatePeriod(f.During); err != nil {
			return fmt.Errorf("during filter: %w", err)
		}
	}
	return nil
}

// Match reports whether c passes the filter.
func (f *CampaignFilter) Match(c *funnel.Campaign) bool {
	if f.Owner != "" && c.Owner != f.Owner || f.Code != "" && c.Code != f.Code {
		return false
	}
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, c.Status) {
		return false
	}
	return !f.hasDuring() || c.Schedule.Overlaps(f.During)
}

// hasDuring reports whether f selects by schedule.
func (f *CampaignFilter) hasDuring() bool { return !f.During.Start.IsZero() || !f.During.End.IsZero() }
