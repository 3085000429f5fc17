package quota_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/quota"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func utcDay(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }

func TestRampAndProration(t *testing.T) {
	var cal crmkit.Calendar // Gregorian, UTC
	eurUnit := quota.MoneyUnit(crmkit.MustCurrency("EUR"))
	hire := quota.Member{Rep: "new", Start: utcDay(2025, 3, 15), Ramp: quota.Ramp{d("0.25"), d("0.5"), d("0.75")}}
	q1 := cal.Quarter(utcDay(2025, 2, 1))
	q2 := cal.Quarter(utcDay(2025, 5, 1))

	// 30,000.00 a quarter is 10,000.00 a month. Q1: January and February
	// before the start carry nothing; March is tenure month 1 (25%),
	// employed 17 of 31 days: 1,000,000 x 0.25 x 17/31 = 137,096.77 ->
	// 137,097 cents.
	got, steps, err := quota.EffectiveQuota(cal, eurUnit, 3000000, q1, hire, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, int64(137097), got)
	require.Len(t, steps, 3)
	assert.Equal(t, 0, steps[0].Tenure)
	assert.Equal(t, 1, steps[2].Tenure)
	assert.Equal(t, 17*24*time.Hour, steps[2].Active)
	// Q2: April 50%, May 75%, June 100%: 5,000 + 7,500 + 10,000.
	got, _, err = quota.EffectiveQuota(cal, eurUnit, 3000000, q2, hire, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, int64(2250000), got)
	// Leaving on 16 June: June prorated 15 of 30 days, 5,000.
	leaver := hire
	leaver.End = utcDay(2025, 6, 16)
	got, _, err = quota.EffectiveQuota(cal, eurUnit, 3000000, q2, leaver, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, int64(1750000), got)

	// Counts: 10 deals a quarter are 4, 3, 3 a month (largest remainder);
	// in Q2 April 4 x 50% = 2, May 3 x 75% = 2.25 -> 2, June 3: 7 deals.
	got, _, err = quota.EffectiveQuota(cal, quota.CountUnit("deals"), 10, q2, hire, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, int64(7), got)

	// A rep without a ramp, employed throughout, carries the full quota.
	got, _, err = quota.EffectiveQuota(cal, eurUnit, 3000000, q2, quota.Member{Rep: "old"}, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, int64(3000000), got)

	for name, f := range map[string]func() error{
		"ramp above 1": func() error {
			_, _, err := quota.EffectiveQuota(cal, eurUnit, 1, q2, quota.Member{Ramp: quota.Ramp{d("1.5")}}, crmkit.RoundHalfEven)
			return err
		},
		"negative": func() error {
			_, _, err := quota.EffectiveQuota(cal, eurUnit, -1, q2, quota.Member{}, crmkit.RoundHalfEven)
			return err
		},
		"leaves first": func() error {
			_, _, err := quota.EffectiveQuota(cal, eurUnit, 1, q2, quota.Member{Start: utcDay(2025, 5, 1), End: utcDay(2025, 4, 1)}, crmkit.RoundHalfEven)
			return err
		},
		"no rounding": func() error {
			_, _, err := quota.EffectiveQuota(cal, eurUnit, 1, q2, quota.Member{}, 0)
			return err
		},
		"empty period": func() error {
			_, _, err := quota.EffectiveQuota(cal, eurUnit, 1, crmkit.Period{}, quota.Member{}, crmkit.RoundHalfEven)
			return err
		},
		"no unit": func() error {
			_, _, err := quota.EffectiveQuota(cal, quota.Unit{}, 1, q2, quota.Member{}, crmkit.RoundHalfEven)
			return err
		},
	} {
		assert.ErrorIs(t, f(), crmkit.ErrInvalid, name)
	}
}

func TestTeamQuotas(t *testing.T) {
	members := []quota.Member{
		{Rep: "ana", Manager: "mia"}, {Rep: "ben", Manager: "mia"}, {Rep: "cai", Manager: "zoe"},
		{Rep: "mia", Manager: "vic"}, {Rep: "zoe", Manager: "vic"},
	}
	// mia rolls up ana and ben plus her personal 10; zoe's quota is set
	// on her own (80, whatever cai carries); vic rolls up mia and zoe.
	got, err := quota.TeamQuotas(members, map[string]int64{"ana": 100, "ben": 200, "cai": 50, "mia": 10},
		[]quota.Manager{{Rep: "zoe", Mode: quota.Own, Quota: 80}})
	require.NoError(t, err)
	assert.Equal(t, map[string]int64{"ana": 100, "ben": 200, "cai": 50, "mia": 310, "zoe": 80, "vic": 390}, got)

	_, err = quota.TeamQuotas([]quota.Member{{Rep: "a", Manager: "b"}, {Rep: "b", Manager: "a"}}, nil, nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "cycle")
	_, err = quota.TeamQuotas(members, map[string]int64{"ana": -1}, nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = quota.TeamQuotas(members, nil, []quota.Manager{{Rep: "mia", Mode: 9}})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestQuotaTypesAndScorecard(t *testing.T) {
	per := crmkit.Period{Start: utcDay(2025, 1, 1), End: utcDay(2025, 4, 1)}
	rev := quota.Quota{Rep: "ana", Type: "revenue", Unit: quota.MoneyUnit(crmkit.MustCurrency("EUR")), Period: per, Target: 25000000}
	deals := quota.Quota{Rep: "ana", Type: "deals", Unit: quota.CountUnit("deals"), Period: per, Target: 12}
	meetings := quota.Quota{Rep: "ana", Type: "meetings", Unit: quota.CountUnit("meetings"), Period: per, Target: 40}
	att := map[string]decimal.Decimal{}
	for q, actual := range map[quota.Quota]int64{rev: 45000000, deals: 9, meetings: 48} {
		a := q.Attainment(actual)
		require.True(t, a.Valid)
		att[q.Type] = a.Decimal
	}
	assert.True(t, att["revenue"].Equal(d("1.8")))
	assert.True(t, att["deals"].Equal(d("0.75")))
	assert.True(t, att["meetings"].Equal(d("1.2")))
	assert.False(t, quota.Quota{Unit: quota.CountUnit("x")}.Attainment(1).Valid, "no target")

	// 0.6 x min(1.8, 1.5) + 0.3 x 0.75 + 0.1 x 1.2 = 0.9 + 0.225 + 0.12.
	card := quota.Scorecard{
		{Type: "revenue", Weight: d("0.6"), Cap: decimal.NewNullDecimal(d("1.5"))},
		{Type: "deals", Weight: d("0.3")},
		{Type: "meetings", Weight: d("0.1")},
	}
	score, err := card.Score(att)
	require.NoError(t, err)
	assert.True(t, score.Equal(d("1.245")), "score %s", score)
	_, err = quota.Scorecard{{Type: "x", Weight: d("0")}}.Score(map[string]decimal.Decimal{"x": d("1")})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "weights sum to zero")
	_, err = card.Score(map[string]decimal.Decimal{"revenue": d("1")})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "missing attainment")
}

func TestPropertyQuotas(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var cal crmkit.Calendar
		u := quota.MoneyUnit(crmkit.MustCurrency("EUR"))
		full := rapid.Int64Range(0, 1e10).Draw(t, "full")
		year := cal.YearPeriod(2025)
		per := rapid.SampledFrom(append(cal.Quarters(year), year)).Draw(t, "period")
		got, steps, err := quota.EffectiveQuota(cal, u, full, per, quota.Member{Rep: "r"}, crmkit.RoundHalfEven)
		require.NoError(t, err)
		require.Equal(t, full, got, "no ramp, employed throughout")
		var sum int64
		for _, s := range steps {
			sum += s.Full
		}
		require.Equal(t, full, sum, "the months share the full quota exactly")
		m := quota.Member{Rep: "r", Start: year.Start.Add(time.Duration(rapid.Int64Range(0, 400*24).Draw(t, "start hours")) * time.Hour)}
		for range rapid.IntRange(0, 4).Draw(t, "ramp") {
			m.Ramp = append(m.Ramp, decimal.New(rapid.Int64Range(0, 100).Draw(t, "share"), -2))
		}
		ramped, _, err := quota.EffectiveQuota(cal, u, full, per, m, crmkit.RoundHalfEven)
		require.NoError(t, err)
		if ramped < 0 || ramped > full {
			t.Fatalf("ramped quota %d outside 0..%d", ramped, full)
		}

		// Roll-up managers carry the sum of their reports.
		n := rapid.IntRange(1, 12).Draw(t, "people")
		var members []quota.Member
		quotas := map[string]int64{}
		for i := range n {
			mem := quota.Member{Rep: fmt.Sprintf("p%d", i)}
			if i > 0 {
				mem.Manager = fmt.Sprintf("p%d", rapid.IntRange(0, i-1).Draw(t, "manager"))
			}
			members = append(members, mem)
			quotas[mem.Rep] = rapid.Int64Range(0, 1e6).Draw(t, "quota")
		}
		team, err := quota.TeamQuotas(members, quotas, nil)
		require.NoError(t, err)
		for _, mem := range members {
			var want int64
			reports := 0
			for _, o := range members {
				if o.Manager == mem.Rep {
					want += team[o.Rep]
					reports++
				}
			}
			if reports > 0 {
				require.Equal(t, want+quotas[mem.Rep], team[mem.Rep], "%s rolls up its team", mem.Rep)
			} else {
				require.Equal(t, quotas[mem.Rep], team[mem.Rep])
			}
		}
	})
}
