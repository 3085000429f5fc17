package storage_test

import (
	"testing"
	"time"

	"github.com/crmkit/crmkit/campaign"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// campaignGen draws campaigns campaign.New accepts, stored at
// version 1, in a random status.
func campaignGen() *rapid.Generator[campaign.Campaign] {
	return rapid.Custom(func(t *rapid.T) campaign.Campaign {
		start := t0.AddDate(0, 0, rapid.IntRange(0, 360).Draw(t, "start"))
		c, _, err := campaign.New(campaign.Spec{Code: rapid.SampledFrom([]string{"C-1", "C-2"}).Draw(t, "code"), Name: "Webinar",
			Budget: crmkit.MustMoney("100.00", "EUR"), Planned: campaign.Targets{Leads: rapid.Int64Range(0, 1000).Draw(t, "leads")},
			Schedule: crmkit.Period{Start: start, End: start.AddDate(0, 0, rapid.IntRange(0, 60).Draw(t, "days"))}},
			crmkit.Cmd{By: "ana", At: t0})
		if err != nil {
			t.Fatal(err)
		}
		c.Owner = rapid.SampledFrom([]string{"", "ana", "bo"}).Draw(t, "owner")
		c.Status = campaign.Status(rapid.IntRange(0, int(campaign.Cancelled)).Draw(t, "status"))
		// What the status implies (campaign.Campaign.Validate): a submitter
		// from pending approval on, an approver from approved on, the
		// actual cost once completed.
		if c.Status != campaign.Planned {
			c.SubmittedBy = "ana"
		}
		if c.Status >= campaign.Approved {
			c.ApprovedBy = "bo"
		}
		if c.Status == campaign.Completed {
			c.ActualCost = crmkit.MustMoney("90.00", "EUR")
		}
		return c
	})
}

func TestCampaignFilterProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := campaignGen().Draw(t, "campaign")
		require.NoError(t, storage.ValidateCampaign(c))
		var zero storage.CampaignFilter
		require.True(t, zero.Match(&c), "the zero filter matches all")

		statuses := rapid.SliceOfNDistinct(rapid.IntRange(0, int(campaign.Cancelled)), 0, 6, rapid.ID[int]).Draw(t, "statuses")
		f := storage.CampaignFilter{Owner: rapid.SampledFrom([]string{"", "ana"}).Draw(t, "owner")}
		for _, s := range statuses {
			f.Statuses = append(f.Statuses, campaign.Status(s))
		}
		if rapid.Bool().Draw(t, "during") {
			start := t0.AddDate(0, 0, rapid.IntRange(0, 400).Draw(t, "from"))
			f.During = crmkit.Period{Start: start, End: start.AddDate(0, 0, rapid.IntRange(1, 60).Draw(t, "len"))}
		}
		require.NoError(t, f.Validate())
		m := f.Match(&c)
		// Each field restricts on its own: the filter matches exactly
		// when every field does.
		inStatuses := len(f.Statuses) == 0
		for _, s := range f.Statuses {
			inStatuses = inStatuses || s == c.Status
		}
		want := (f.Owner == "" || f.Owner == c.Owner) && inStatuses &&
			(f.During == (crmkit.Period{}) || // an empty schedule overlaps nothing
				c.Schedule.Start.Before(c.Schedule.End) && c.Schedule.Start.Before(f.During.End) && f.During.Start.Before(c.Schedule.End))
		require.Equal(t, want, m)
		// Adding the campaign's own status never drops it.
		if len(f.Statuses) > 0 && len(f.Statuses) < 6 {
			g := f
			g.Statuses = append(append([]campaign.Status(nil), f.Statuses...), c.Status)
			if m {
				require.True(t, g.Match(&c))
			}
		}
	})
}

func TestValidateCampaign(t *testing.T) {
	good, _, err := campaign.New(campaign.Spec{Code: "C-1", Name: "Webinar", Budget: crmkit.MustMoney("100.00", "EUR"),
		Schedule: crmkit.Period{Start: t0, End: t0.AddDate(0, 1, 0)}, Owner: "ana"}, crmkit.Cmd{By: "ana", At: t0})
	require.NoError(t, err)
	require.NoError(t, storage.ValidateCampaign(good), "New's version 1 is storable")
	v0 := good
	v0.Version = 0
	assert.ErrorIs(t, storage.ValidateCampaign(v0), crmkit.ErrInvalid, "version 0 is not storable")

	for name, change := range map[string]func(c *campaign.Campaign){
		"nil id":          func(c *campaign.Campaign) { c.ID = uuid.Nil },
		"unknown status":  func(c *campaign.Campaign) { c.Status = campaign.Cancelled + 1 },
		"blank code":      func(c *campaign.Campaign) { c.Code = "  " },
		"no budget":       func(c *campaign.Campaign) { c.Budget = crmkit.Money{} },
		"negative cost":   func(c *campaign.Campaign) { c.ActualCost = crmkit.MustMoney("-0.01", "EUR") },
		"negative target": func(c *campaign.Campaign) { c.Planned.Opportunities = -1 },
		"backward dates":  func(c *campaign.Campaign) { c.Schedule.End = t0.Add(-time.Nanosecond) },
		"nul in name":     func(c *campaign.Campaign) { c.Name = "a\x00" },
		"long owner":      func(c *campaign.Campaign) { c.Owner = string(make([]byte, storage.MaxKeyLen+1)) },
	} {
		c := good
		change(&c)
		assert.ErrorIs(t, storage.ValidateCampaign(c), crmkit.ErrInvalid, name)
	}
	c := good
	c.ActualCost = crmkit.MustMoney("1.00", "USD")
	assert.ErrorIs(t, storage.ValidateCampaign(c), crmkit.ErrInvalid, "a stored value in two currencies is invalid")
}

func TestValidatePlanAndFilter(t *testing.T) {
	p, _, err := quota.NewPlan(quota.PlanSpec{Name: "P", FiscalYear: 2026, Calendar: quota.Fiscal(time.April, ""),
		Target: quota.Count(120, "new logos"), Rounding: crmkit.RoundHalfEven}, crmkit.Cmd{By: "cfo", At: t0})
	require.NoError(t, err)
	require.NoError(t, storage.ValidatePlan(p))
	q := p
	q.Root.Target = quota.Count(121, "new logos")
	q.Root.Children = []quota.Cell{{Key: "rep=ana", Dim: "rep", Member: "ana", Period: p.Root.Period, Target: quota.Count(1, "new logos")}}
	assert.ErrorIs(t, storage.ValidatePlan(q), crmkit.ErrInvalid, "children that do not sum to their parent")
	q = p
	q.Unit = quota.CountUnit(string(make([]byte, storage.MaxKeyLen+1)))
	assert.ErrorIs(t, storage.ValidatePlan(q), crmkit.ErrInvalid)

	logos := storage.PlanFilter{Unit: quota.CountUnit("new logos")}
	assert.True(t, logos.Match(&p))
	eur := storage.PlanFilter{Unit: quota.MoneyUnit(crmkit.MustMoney("1.00", "EUR").Currency())}
	assert.False(t, eur.Match(&p))
	assert.True(t, (&storage.PlanFilter{FiscalYear: 2026}).Match(&p))
	assert.False(t, (&storage.PlanFilter{FiscalYear: 2025}).Match(&p))
	assert.ErrorIs(t, storage.PlanFilter{FiscalYear: 9999}.Validate(), crmkit.ErrInvalid)
	assert.NoError(t, storage.PlanFilter{FiscalYear: 9998}.Validate())
}
