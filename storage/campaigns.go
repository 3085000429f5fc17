package storage

import (
	"fmt"
	"slices"

	"github.com/crmkit/crmkit/campaign"

	"github.com/crmkit/crmkit"
)

// CampaignRepository stores campaign.Campaign aggregates
// (Tx.Campaigns). campaign.New returns a campaign at Version 1 with its
// creation event; the campaign's commands (Submit, Approve, ...) bump the
// version and return the event to Save with.
type CampaignRepository = Repository[campaign.Campaign, CampaignFilter]

// maxCampaignStatuses is the number of campaign statuses.
const maxCampaignStatuses = int(campaign.Cancelled) + 1

// CampaignFilter selects campaigns for List. A zero field matches every
// campaign; the zero CampaignFilter matches all.
type CampaignFilter struct {
	// Statuses, if not empty, selects campaigns whose status is one of
	// them. It is a set rather than one status because the zero status
	// (campaign.Planned) is a status.
	Statuses []campaign.Status
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

// validCampaignStatus reports whether s is a campaign status, for
// CampaignFilter only (a stored campaign's status is campaign.Campaign.Validate's
// business); it goes when package funnel exports CampaignStatus.Valid.
func validCampaignStatus(s campaign.Status) bool { return int(s) < maxCampaignStatuses }

// ValidateCampaign checks a campaign before it is stored: the value
// within the stored domain (see ValidateValue), the campaign's own
// invariants (campaign.Campaign.Validate), and a code, owner and approvers
// of at most MaxKeyLen bytes (they are keys filters select by). It holds
// no domain rule of its own.
func ValidateCampaign(c campaign.Campaign) error {
	if err := ValidateValue("campaign", c); err != nil {
		return fmt.Errorf("campaign %s: %w", c.ID, err)
	}
	if err := c.Validate(); err != nil {
		return err
	}
	for _, f := range [...]struct{ name, s string }{{"code", c.Code}, {"owner", c.Owner}, {"submitted by", c.SubmittedBy}, {"approved by", c.ApprovedBy}} {
		if err := checkString(f.name, f.s, MaxKeyLen); err != nil {
			return fmt.Errorf("campaign %s: %w", c.ID, err)
		}
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

// Match reports whether c passes the filter. A nil filter passes every
// campaign, as the zero filter does; a nil c passes none.
func (f *CampaignFilter) Match(c *campaign.Campaign) bool {
	if f == nil || c == nil {
		return c != nil
	}
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
