package storage_test

import (
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// campaignGen draws campaigns funnel.NewCampaign accepts, stored at
// version 1, in a random status.
func campaignGen() *rapid.Generator[funnel.Campaign] {
	return rapid.Custom(func(t *rapid.T) funnel.Campaign {
		start := t0.AddDate(0, 0, rapid.IntRange(0, 360).Draw(t, "start"))
		c, err := funnel.NewCampaign(uuid.Nil, rapid.SampledFrom([]string{"C-1", "C-2"}).Draw(t, "code"), "Webinar",
			crmkit.MustMoney("100.00", "EUR"), funnel.Targets{Leads: rapid.Int64Range(0, 1000).Draw(t, "leads")},
			crmkit.Period{Start: start, End: start.AddDate(0, 0, rapid.IntRange(0, 60).Draw(t, "days"))},
			rapid.SampledFrom([]string{"", "ana", "bo"}).Draw(t, "owner"))
		if err != nil {
			t.Fatal(err)
		}
		c.Version = 1
		c.Status = funnel.CampaignStatus(rapid.IntRange(0, int(funnel.CampaignCancelled)).Draw(t, "status"))
		// What the status implies (funnel.Campaign.Validate): a submitter
		// from pending approval on, an approver from approved on, the
		// actual cost once completed.
		if c.Status != funnel.CampaignPlanned {
			c.SubmittedBy = "ana"
		}
		if c.Status >= funnel.CampaignApproved {
			c.ApprovedBy = "bo"
		}
		if c.Status == funnel.CampaignCompleted {
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

		statuses := rapid.SliceOfNDistinct(rapid.IntRange(0, int(funnel.CampaignCancelled)), 0, 6, rapid.ID[int]).Draw(t, "statuses")
		f := storage.CampaignFilter{Owner: rapid.SampledFrom([]string{"", "ana"}).Draw(t, "owner")}
		for _, s := range statuses {
			f.Statuses = append(f.Statuses, funnel.CampaignStatus(s))
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
			g.Statuses = append(append([]funnel.CampaignStatus(nil), f.Statuses...), c.Status)
			if m {
				require.True(t, g.Match(&c))
			}
		}
	})
}

func TestValidateCampaign(t *testing.T) {
	good, err := funnel.NewCampaign(uuid.Nil, "C-1", "Webinar", crmkit.MustMoney("100.00", "EUR"), funnel.Targets{},
		crmkit.Period{Start: t0, End: t0.AddDate(0, 1, 0)}, "ana")
	require.NoError(t, err)
	assert.ErrorIs(t, storage.ValidateCampaign(good), crmkit.ErrInvalid, "NewCampaign's version 0 is not storable")
	good.Version = 1
	require.NoError(t, storage.ValidateCampaign(good))

	for name, change := range map[string]func(c *funnel.Campaign){
		"nil id":          func(c *funnel.Campaign) { c.ID = uuid.Nil },
		"unknown status":  func(c *funnel.Campaign) { c.Status = funnel.CampaignCancelled + 1 },
		"blank code":      func(c *funnel.Campaign) { c.Code = "  " },
		"no budget":       func(c *funnel.Campaign) { c.Budget = crmkit.Money{} },
		"negative cost":   func(c *funnel.Campaign) { c.ActualCost = crmkit.MustMoney("-0.01", "EUR") },
		"negative target": func(c *funnel.Campaign) { c.Planned.Opportunities = -1 },
		"backward dates":  func(c *funnel.Campaign) { c.Schedule.End = t0.Add(-time.Nanosecond) },
		"nul in name":     func(c *funnel.Campaign) { c.Name = "a\x00" },
		"long owner":      func(c *funnel.Campaign) { c.Owner = string(make([]byte, storage.MaxKeyLen+1)) },
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
		Count: 120, CountUnit: "new logos", Rounding: crmkit.RoundHalfEven}, crmkit.Cmd{By: "cfo", At: t0})
	require.NoError(t, err)
	require.NoError(t, storage.ValidatePlan(p))
	q := p
	q.Root.Target = 121
	q.Root.Children = []quota.Cell{{Key: "rep=ana", Dim: "rep", Member: "ana", Period: p.Root.Period, Target: 1}}
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
