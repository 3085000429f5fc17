package campaign_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/campaign"
	"github.com/crmkit/crmkit/internal/clonetest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// newStoredCampaign is a campaign as New makes it, at version 1.
func newStoredCampaign(t require.TestingT) campaign.Campaign {
	c, _, err := campaign.New(campaign.Spec{Code: "C-1", Name: "Webinar", Budget: crmkit.MustMoney("5000.00", "EUR"),
		Planned:  campaign.Targets{Leads: 200, Revenue: crmkit.MustMoney("80000.00", "EUR")},
		Schedule: crmkit.Period{Start: t0, End: t0.AddDate(0, 1, 0)}, Owner: "ana"}, crmkit.Cmd{By: "ana", At: t0})
	require.NoError(t, err)
	return c
}

// Every campaign the commands make is valid, and Clone is deep and equal.
func TestEveryCampaignTheCommandsMakeIsValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := newStoredCampaign(t)
		people := []string{"ana", "bo"}
		at := t0
		for i := range rapid.IntRange(0, 10).Draw(t, "commands") {
			at = at.Add(time.Hour)
			by := rapid.SampledFrom(people).Draw(t, fmt.Sprint("by ", i))
			var (
				next campaign.Campaign
				err  error
			)
			switch rapid.IntRange(0, 5).Draw(t, fmt.Sprint("op ", i)) {
			case 0:
				next, _, err = c.Submit(crmkit.Cmd{By: by, At: at})
			case 1:
				next, _, err = c.Approve(crmkit.Cmd{By: by, At: at})
			case 2:
				next, _, err = c.Reject(crmkit.Cmd{By: by, At: at, Reason: "too expensive"})
			case 3:
				next, _, err = c.Start(crmkit.Cmd{By: by, At: at})
			case 4:
				next, _, err = c.Complete(crmkit.Cmd{By: by, At: at}, crmkit.MustMoney("4800.00", "EUR"))
			default:
				next, _, err = c.Cancel(crmkit.Cmd{By: by, At: at, Reason: "moved"})
			}
			if err != nil {
				continue
			}
			if err := next.Validate(); err != nil {
				t.Fatalf("command %d made an invalid campaign: %v", i, err)
			}
			if err := clonetest.Check(next, campaign.Campaign.Clone); err != nil {
				t.Fatal(err)
			}
			c = next
		}
	})
}

func TestCampaignValidateNamesTheField(t *testing.T) {
	require.NoError(t, newStoredCampaign(t).Validate())
	for _, tc := range []struct {
		field  string
		change func(*campaign.Campaign)
	}{
		{"id", func(c *campaign.Campaign) { c.ID = uuid.Nil }},
		{"version", func(c *campaign.Campaign) { c.Version = 0 }},
		{"status", func(c *campaign.Campaign) { c.Status = 42 }},
		{"code", func(c *campaign.Campaign) { c.Code = " " }},
		{"name", func(c *campaign.Campaign) { c.Name = "" }},
		{"budget", func(c *campaign.Campaign) { c.Budget = crmkit.MustMoney("-1.00", "EUR") }},
		{"budget", func(c *campaign.Campaign) { c.Budget = crmkit.Money{} }},
		{"actual cost", func(c *campaign.Campaign) { c.ActualCost = crmkit.MustMoney("-1.00", "EUR") }},
		{"actual cost", func(c *campaign.Campaign) { c.ActualCost = crmkit.MustMoney("1.00", "USD") }},
		{"planned", func(c *campaign.Campaign) { c.Planned.Contracts = -1 }},
		{"planned", func(c *campaign.Campaign) { c.Planned.Revenue = crmkit.MustMoney("1.00", "USD") }},
		{"schedule", func(c *campaign.Campaign) { c.Schedule.End = c.Schedule.Start.Add(-time.Nanosecond) }},
		{"approved by", func(c *campaign.Campaign) { c.SubmittedBy, c.ApprovedBy = "ana", "ana" }},
		{"approved by", func(c *campaign.Campaign) { c.ApprovedBy = "bo" }},
		{"submitted by", func(c *campaign.Campaign) { c.Status = campaign.PendingApproval }},
		{"submitted by", func(c *campaign.Campaign) { c.Status, c.ApprovedBy = campaign.Running, "bo" }},
		{"approved by", func(c *campaign.Campaign) { c.Status, c.SubmittedBy = campaign.Approved, "ana" }},
		{"actual cost", func(c *campaign.Campaign) { c.ActualCost = crmkit.MustMoney("1.00", "EUR") }},
		{"actual cost", func(c *campaign.Campaign) {
			c.Status, c.SubmittedBy, c.ApprovedBy = campaign.Completed, "ana", "bo"
		}},
	} {
		c := newStoredCampaign(t)
		tc.change(&c)
		err := c.Validate()
		var ve *crmkit.ValidationError
		if assert.ErrorAs(t, err, &ve, tc.field) {
			assert.Equal(t, tc.field, ve.Field)
			assert.ErrorIs(t, err, crmkit.ErrInvalid, tc.field)
		}
	}
}

// The zero campaign is invalid, not a panic, and clones to itself.
func TestZeroCampaign(t *testing.T) {
	assert.ErrorIs(t, campaign.Campaign{}.Validate(), crmkit.ErrInvalid)
	assert.Equal(t, campaign.Campaign{}, campaign.Campaign{}.Clone())
}
