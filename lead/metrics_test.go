package lead_test

import (
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/kpi"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/leadtest"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// history builds a lead's events by hand: steps are (day, type, to).
func history(id uuid.UUID, steps ...any) []crmkit.Event {
	var evs []crmkit.Event
	for i := 0; i < len(steps); i += 3 {
		evs = append(evs, crmkit.Event{
			ID: crmkit.NewID(), AggregateID: id, AggregateKind: lead.LeadKind,
			At: t0.Add(time.Duration(steps[i].(int)) * day), Type: steps[i+1].(string), To: steps[i+2].(string),
			Version: int64(i/3 + 1),
		})
	}
	return evs
}

func ladderHistories() []crmkit.Event {
	l1, l2, l3, l4 := crmkit.NewID(), crmkit.NewID(), crmkit.NewID(), crmkit.NewID()
	var all []crmkit.Event
	all = append(all, history(l1, 0, lead.EventLeadCaptured, "suspect", 2, lead.EventLeadQualified, "mql", 5, lead.EventLeadAccepted, "sql", 10, lead.EventLeadConverted, "converted")...)
	all = append(all, history(l2, 0, lead.EventLeadCaptured, "suspect", 1, lead.EventTouchpointRecorded, "", 4, lead.EventLeadQualified, "mql",
		6, lead.EventLeadNurtured, "nurture", 20, lead.EventLeadRecycled, "mql", 30, lead.EventLeadDisqualified, "disqualified")...)
	all = append(all, history(l3, 1, lead.EventLeadCaptured, "suspect", 3, lead.EventLeadAccepted, "sql", 8, lead.EventLeadConverted, "converted")...)
	all = append(all, history(l4, 2, lead.EventLeadCaptured, "suspect", 3, lead.EventLeadDisqualified, "disqualified")...)
	// Another aggregate's events are skipped.
	all = append(all, crmkit.Event{ID: crmkit.NewID(), AggregateID: l1, AggregateKind: "deal", Type: "StageChanged", To: "mql", At: t0, Version: 1})
	// Interleave the leads: the report must not depend on grouping.
	slices.SortStableFunc(all, func(a, b crmkit.Event) int { return a.At.Compare(b.At) })
	return all
}

func TestProgressByHand(t *testing.T) {
	r, err := lead.Progress(slices.Values(ladderHistories()))
	require.NoError(t, err)
	assert.Equal(t, int64(4), r.Leads())
	for s, want := range map[lead.Stage]int64{
		lead.StageSuspect: 4, lead.StageMQL: 2, lead.StageSQL: 2, lead.StageConverted: 2,
		lead.StageNurture: 1, lead.StageDisqualified: 2,
	} {
		assert.Equal(t, want, r.Reached(s), s.String())
	}
	rate := func(from, to lead.Stage, want string) {
		t.Helper()
		got, err := r.Conversion(from, to)
		require.NoError(t, err)
		assert.True(t, decimal.RequireFromString(want).Equal(got), "%s->%s: got %s want %s", from, to, got, want)
	}
	rate(lead.StageSuspect, lead.StageMQL, "0.5") // l1, l2 of 4
	rate(lead.StageMQL, lead.StageSQL, "0.5")     // l1 of l1, l2
	rate(lead.StageSQL, lead.StageConverted, "1") // l1, l3
	rate(lead.StageNurture, lead.StageMQL, "1")   // l2 recycled
	rate(lead.StageMQL, lead.StageNurture, "0.5") // l2
	rate(lead.StageSuspect, lead.StageDisqualified, "0.5")
	rate(lead.StageConverted, lead.StageSQL, "0") // nobody goes back
	ltc, err := r.LeadToCustomer()
	require.NoError(t, err)
	assert.True(t, decimal.RequireFromString("0.5").Equal(ltc))

	toStage := func(s lead.Stage, count int64, mean, median time.Duration) {
		t.Helper()
		set, err := r.TimeToStage(s)
		require.NoError(t, err)
		assert.Equal(t, count, set.Count(), "%s count", s)
		m, err := set.Mean()
		require.NoError(t, err)
		assert.Equal(t, mean, m, "%s mean", s)
		med, err := set.Median()
		require.NoError(t, err)
		assert.Equal(t, median, med, "%s median", s)
	}
	toStage(lead.StageConverted, 2, 8*day+12*time.Hour, 8*day+12*time.Hour) // l1 10 days, l3 7 days
	toStage(lead.StageMQL, 2, 3*day, 3*day)                                 // l1 2 days, l2 4 days (first entry)
	toStage(lead.StageSuspect, 4, 0, 0)                                     // all four at capture

	first3, err := crmkit.NewPeriod(t0, t0.Add(3*day))
	require.NoError(t, err)
	assert.Equal(t, int64(1), r.Entered(lead.StageMQL, first3)) // l1 on day 2
	assert.Equal(t, int64(4), r.Entered(lead.StageSuspect, first3))
	assert.Equal(t, int64(0), r.Entered(lead.Stage(0), first3))

	_, err = r.Conversion(lead.StageMQL, lead.StageMQL)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = r.Conversion(0, lead.StageMQL)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = r.TimeToStage(9)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	empty, err := lead.Progress(slices.Values([]crmkit.Event(nil)))
	require.NoError(t, err)
	_, err = empty.LeadToCustomer()
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "no leads: no rate")
	_, err = empty.TimeToStage(lead.StageSQL)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	bad := history(crmkit.NewID(), 0, lead.EventLeadQualified, "promoted")
	_, err = lead.Progress(slices.Values(bad))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestCountByHand(t *testing.T) {
	tp := func(c lead.Channel, d int) lead.Touchpoint {
		return lead.Touchpoint{Channel: c, Kind: lead.TouchView, At: t0.Add(time.Duration(d) * day)}
	}
	leads := []lead.Lead{
		{ID: crmkit.NewID(), Source: lead.ChannelEmail, Campaign: "spring", Stage: lead.StageMQL, CreatedAt: t0,
			Journey: []lead.Touchpoint{tp(lead.ChannelEmail, 0), tp(lead.ChannelSocial, 1), tp(lead.ChannelEmail, 2)}},
		{ID: crmkit.NewID(), Source: lead.ChannelEmail, Stage: lead.StageConverted, CreatedAt: t0.Add(40 * day),
			Journey: []lead.Touchpoint{tp(lead.ChannelLiveChat, 40)}},
		{ID: crmkit.NewID(), Source: lead.ChannelReferral, Campaign: "spring", Stage: lead.StageConverted, CreatedAt: t0.Add(10 * day)},
	}
	march, _ := crmkit.NewPeriod(t0, t0.Add(30*day))
	april, _ := crmkit.NewPeriod(t0.Add(30*day), t0.Add(60*day))
	c, err := lead.Count(slices.Values(leads), []crmkit.Period{march, april})
	require.NoError(t, err)
	assert.Equal(t, int64(3), c.Total)
	assert.Equal(t, map[lead.Channel]int64{lead.ChannelEmail: 2, lead.ChannelReferral: 1}, c.BySource)
	assert.Equal(t, map[string]int64{"spring": 2, "": 1}, c.ByCampaign)
	assert.Equal(t, map[lead.Stage]int64{lead.StageMQL: 1, lead.StageConverted: 2}, c.ByStage)
	assert.Equal(t, map[lead.Channel]int64{lead.ChannelEmail: 2, lead.ChannelSocial: 1, lead.ChannelLiveChat: 1}, c.TouchesByChannel)
	assert.Equal(t, map[lead.Channel]int64{lead.ChannelEmail: 1, lead.ChannelSocial: 1, lead.ChannelLiveChat: 1}, c.LeadsByChannel)
	assert.Equal(t, []int64{2, 1}, c.ByPeriod)
	assert.Equal(t, map[lead.MarketingArea]int64{lead.AreaLeadGeneration: 2, lead.AreaSales: 1}, c.ByArea())
	r, err := c.LeadToCustomerBySource(lead.ChannelEmail)
	require.NoError(t, err)
	assert.True(t, decimal.RequireFromString("0.5").Equal(r))
	_, err = c.LeadToCustomerBySource(lead.ChannelSocial)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	_, err = lead.Count(slices.Values([]lead.Lead{{}}), nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestCostPerLeadByKeyByHand(t *testing.T) {
	leads := map[lead.Channel]int64{lead.ChannelEmail: 3, lead.ChannelEvent: 2, lead.ChannelSocial: 5}
	spend := map[lead.Channel]crmkit.Money{
		lead.ChannelEmail:       crmkit.MustMoney("100.00", "EUR"), // 33.333... -> 33.33
		lead.ChannelEvent:       crmkit.MustMoney("0.00", "EUR"),
		lead.ChannelReferral:    crmkit.MustMoney("50.00", "EUR"), // spent, no leads
		lead.ChannelAdvertising: crmkit.MustMoney("1.00", "EUR"),
	}
	costs, none, err := lead.CostPerLeadBy(leads, spend, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, map[lead.Channel]crmkit.Money{
		lead.ChannelEmail: crmkit.MustMoney("33.33", "EUR"),
		lead.ChannelEvent: crmkit.MustMoney("0.00", "EUR"),
	}, costs)
	assert.Equal(t, []lead.Channel{lead.ChannelAdvertising, lead.ChannelReferral}, none)

	// By campaign, with the same function.
	byCampaign, _, err := lead.CostPerLeadBy(map[string]int64{"spring": 4}, map[string]crmkit.Money{"spring": crmkit.MustMoney("10.00", "EUR")}, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, crmkit.MustMoney("2.50", "EUR"), byCampaign["spring"])

	_, _, err = lead.CostPerLeadBy(leads, map[lead.Channel]crmkit.Money{lead.ChannelEmail: crmkit.MustMoney("-1.00", "EUR")}, crmkit.RoundHalfEven)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = lead.CostPerLeadBy(leads, map[lead.Channel]crmkit.Money{lead.ChannelEmail: {}}, crmkit.RoundHalfEven)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = lead.CostPerLeadBy(leads, spend, 0)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

// Reached counts shrink along the ladder and every conversion is in [0, 1].
func TestProgressProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var all []crmkit.Event
		n := rapid.IntRange(1, 6).Draw(t, "leads")
		for range n {
			all = append(all, leadtest.EventSequence().Draw(t, "history")...)
		}
		r, err := lead.Progress(slices.Values(all))
		require.NoError(t, err)
		require.LessOrEqual(t, r.Leads(), int64(n))
		require.Equal(t, r.Leads(), r.Reached(lead.StageSuspect))
		require.LessOrEqual(t, r.Reached(lead.StageConverted), r.Reached(lead.StageSQL))
		for _, a := range lead.Stages() {
			for _, b := range lead.Stages() {
				if a == b || r.Reached(a) == 0 {
					continue
				}
				v, err := r.Conversion(a, b)
				require.NoError(t, err)
				require.True(t, v.Sign() >= 0 && v.LessThanOrEqual(decimal.NewFromInt(1)), "%s->%s = %s", a, b, v)
			}
		}
		if r.Reached(lead.StageSQL) > 0 {
			// Every converted lead was an SQL before, so SQL -> Converted
			// is converted leads over SQLs.
			v, err := r.Conversion(lead.StageSQL, lead.StageConverted)
			require.NoError(t, err)
			want, err := kpi.ConversionRate(r.Reached(lead.StageConverted), r.Reached(lead.StageSQL))
			require.NoError(t, err)
			require.True(t, v.Equal(want), "SQL->converted %s, want %s", v, want)
		}
	})
}

// BenchmarkProgress reads the histories of 100,000 leads (about 400,000
// events) into a ladder report.
func BenchmarkProgress(b *testing.B) {
	const n = 100_000
	types := []struct{ typ, to string }{
		{lead.EventLeadCaptured, "suspect"}, {lead.EventTouchpointRecorded, ""}, {lead.EventLeadQualified, "mql"},
		{lead.EventLeadAccepted, "sql"}, {lead.EventLeadConverted, "converted"},
	}
	var evs []crmkit.Event
	for i := range n {
		id := crmkit.NewID()
		steps := 2 + i%4
		for j := range steps {
			evs = append(evs, crmkit.Event{AggregateID: id, AggregateKind: lead.LeadKind, Type: types[j].typ, To: types[j].to,
				At: t0.Add(time.Duration(i+j*1000) * time.Minute), Version: int64(j + 1)})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		r, err := lead.Progress(slices.Values(evs))
		if err != nil || r.Leads() != n {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(evs)), "ns/event")
}
