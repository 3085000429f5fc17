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
	full := quota.Amount(eurs("30000.00"))
	deals := func(n int64) quota.Quantity { return quota.Count(n, "deals") }
	hire := quota.Member{Rep: "new", Start: utcDay(2025, 3, 15), Ramp: quota.Ramp{d("0.25"), d("0.5"), d("0.75")}}
	q1 := cal.Quarter(utcDay(2025, 2, 1))
	q2 := cal.Quarter(utcDay(2025, 5, 1))

	// 30,000.00 a quarter is 10,000.00 a month. Q1: January and February
	// before the start carry nothing; March is tenure month 1 (25%),
	// employed 17 of 31 days: 1,000,000 x 0.25 x 17/31 = 137,096.77 ->
	// 137,097 cents.
	got, steps, err := quota.EffectiveQuota(cal, full, q1, hire, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, "1370.97 EUR", got.String())
	require.Len(t, steps, 3)
	assert.Equal(t, 0, steps[0].Tenure)
	assert.Equal(t, 1, steps[2].Tenure)
	assert.Equal(t, "10000.00 EUR", steps[2].Full.String())
	assert.Equal(t, "1370.97 EUR", steps[2].Effective.String())
	assert.Equal(t, "0.00 EUR", steps[0].Effective.String())
	assert.Equal(t, 17*24*time.Hour, steps[2].Active)
	// Q2: April 50%, May 75%, June 100%: 5,000 + 7,500 + 10,000.
	got, _, err = quota.EffectiveQuota(cal, full, q2, hire, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, "22500.00 EUR", got.String())
	// Leaving on 16 June: June prorated 15 of 30 days, 5,000.
	leaver := hire
	leaver.End = utcDay(2025, 6, 16)
	got, _, err = quota.EffectiveQuota(cal, full, q2, leaver, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, "17500.00 EUR", got.String())

	// Counts: 10 deals a quarter are 4, 3, 3 a month (largest remainder);
	// in Q2 April 4 x 50% = 2, May 3 x 75% = 2.25 -> 2, June 3: 7 deals.
	got, _, err = quota.EffectiveQuota(cal, deals(10), q2, hire, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, deals(7), got)

	// A rep without a ramp, employed throughout, carries the full quota.
	got, _, err = quota.EffectiveQuota(cal, full, q2, quota.Member{Rep: "old"}, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, full, got)

	for name, f := range map[string]func() error{
		"ramp above 1": func() error {
			_, _, err := quota.EffectiveQuota(cal, quota.Amount(eurs("0.01")), q2, quota.Member{Ramp: quota.Ramp{d("1.5")}}, crmkit.RoundHalfEven)
			return err
		},
		"negative": func() error {
			_, _, err := quota.EffectiveQuota(cal, quota.Amount(eurs("-0.01")), q2, quota.Member{}, crmkit.RoundHalfEven)
			return err
		},
		"leaves first": func() error {
			_, _, err := quota.EffectiveQuota(cal, quota.Amount(eurs("0.01")), q2, quota.Member{Start: utcDay(2025, 5, 1), End: utcDay(2025, 4, 1)}, crmkit.RoundHalfEven)
			return err
		},
		"no rounding": func() error {
			_, _, err := quota.EffectiveQuota(cal, quota.Amount(eurs("0.01")), q2, quota.Member{}, 0)
			return err
		},
		"empty period": func() error {
			_, _, err := quota.EffectiveQuota(cal, quota.Amount(eurs("0.01")), crmkit.Period{}, quota.Member{}, crmkit.RoundHalfEven)
			return err
		},
		"no unit": func() error {
			_, _, err := quota.EffectiveQuota(cal, quota.Count(1, ""), q2, quota.Member{}, crmkit.RoundHalfEven)
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
	deals := func(n int64) quota.Quantity { return quota.Count(n, "deals") }
	got, err := quota.TeamQuotas(members, map[string]quota.Quantity{"ana": deals(100), "ben": deals(200), "cai": deals(50), "mia": deals(10)},
		[]quota.Manager{{Rep: "zoe", Mode: quota.Own, Quota: deals(80)}})
	require.NoError(t, err)
	assert.Equal(t, map[string]quota.Quantity{"ana": deals(100), "ben": deals(200), "cai": deals(50), "mia": deals(310), "zoe": deals(80), "vic": deals(390)}, got)
	// Money quotas roll up as money; a rep without a quota carries zero of it.
	money, err := quota.TeamQuotas(members, map[string]quota.Quantity{"ana": quota.Amount(eurs("100.50")), "ben": quota.Amount(eurs("0.50"))}, nil)
	require.NoError(t, err)
	assert.Equal(t, "101.00 EUR", money["mia"].String())
	assert.Equal(t, "101.00 EUR", money["vic"].String())
	assert.Equal(t, "0.00 EUR", money["cai"].String())

	_, err = quota.TeamQuotas([]quota.Member{{Rep: "a", Manager: "b"}, {Rep: "b", Manager: "a"}}, nil, nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "cycle")
	_, err = quota.TeamQuotas(members, map[string]quota.Quantity{"ana": deals(-1)}, nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = quota.TeamQuotas(members, map[string]quota.Quantity{"ana": deals(1)}, []quota.Manager{{Rep: "mia", Mode: quota.Own, Quota: quota.Count(1, "meetings")}})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "two units")
	_, err = quota.TeamQuotas(members, map[string]quota.Quantity{"ana": quota.Amount(eurs("1")), "ben": quota.Amount(crmkit.MustMoney("1", "USD"))}, nil)
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
	_, err = quota.TeamQuotas(members, nil, []quota.Manager{{Rep: "mia", Mode: 9}})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestQuotaTypesAndScorecard(t *testing.T) {
	per := crmkit.Period{Start: utcDay(2025, 1, 1), End: utcDay(2025, 4, 1)}
	rev := quota.Quota{Rep: "ana", Type: "revenue", Period: per, Target: quota.Amount(eurs("250000.00"))}
	deals := quota.Quota{Rep: "ana", Type: "deals", Period: per, Target: quota.Count(12, "deals")}
	meetings := quota.Quota{Rep: "ana", Type: "meetings", Period: per, Target: quota.Count(40, "meetings")}
	att := map[string]decimal.Decimal{}
	for q, actual := range map[quota.Quota]quota.Quantity{rev: quota.Amount(eurs("450000.00")), deals: quota.Count(9, "deals"), meetings: quota.Count(48, "meetings")} {
		a, err := q.Attainment(actual)
		require.NoError(t, err)
		require.True(t, a.Valid)
		att[q.Type] = a.Decimal
	}
	_, err := deals.Attainment(quota.Count(9, "meetings"))
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "meetings against a deals quota")
	_, err = rev.Attainment(quota.Amount(crmkit.MustMoney("1", "USD")))
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
	assert.True(t, att["revenue"].Equal(d("1.8")))
	assert.True(t, att["deals"].Equal(d("0.75")))
	assert.True(t, att["meetings"].Equal(d("1.2")))
	none, err := quota.Quota{Target: quota.Count(0, "x")}.Attainment(quota.Count(1, "x"))
	require.NoError(t, err)
	assert.False(t, none.Valid, "no target")

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
		cents := rapid.Int64Range(0, 1e10).Draw(t, "full")
		fullMoney, err := crmkit.NewMoney(cents, crmkit.MustCurrency("EUR"))
		require.NoError(t, err)
		full := quota.Amount(fullMoney)
		year := cal.YearPeriod(2025)
		per := rapid.SampledFrom(append(cal.Quarters(year), year)).Draw(t, "period")
		got, steps, err := quota.EffectiveQuota(cal, full, per, quota.Member{Rep: "r"}, crmkit.RoundHalfEven)
		require.NoError(t, err)
		require.Equal(t, full, got, "no ramp, employed throughout")
		parts := make([]crmkit.Money, len(steps))
		for i, s := range steps {
			parts[i], err = s.Full.Money()
			require.NoError(t, err)
		}
		sum, err := crmkit.Sum(fullMoney.Currency(), parts...)
		require.NoError(t, err)
		require.True(t, sum.Equal(fullMoney), "the months share the full quota exactly: %s, not %s", sum, fullMoney)
		m := quota.Member{Rep: "r", Start: year.Start.Add(time.Duration(rapid.Int64Range(0, 400*24).Draw(t, "start hours")) * time.Hour)}
		for range rapid.IntRange(0, 4).Draw(t, "ramp") {
			m.Ramp = append(m.Ramp, decimal.New(rapid.Int64Range(0, 100).Draw(t, "share"), -2))
		}
		ramped, _, err := quota.EffectiveQuota(cal, full, per, m, crmkit.RoundHalfEven)
		require.NoError(t, err)
		above, err := ramped.Cmp(full)
		require.NoError(t, err)
		if ramped.Sign() < 0 || above > 0 {
			t.Fatalf("ramped quota %s outside 0..%s", ramped, full)
		}

		// Roll-up managers carry the sum of their reports.
		n := rapid.IntRange(1, 12).Draw(t, "people")
		var members []quota.Member
		quotas := map[string]quota.Quantity{}
		counts := map[string]int64{}
		for i := range n {
			mem := quota.Member{Rep: fmt.Sprintf("p%d", i)}
			if i > 0 {
				mem.Manager = fmt.Sprintf("p%d", rapid.IntRange(0, i-1).Draw(t, "manager"))
			}
			members = append(members, mem)
			counts[mem.Rep] = rapid.Int64Range(0, 1e6).Draw(t, "quota")
			quotas[mem.Rep] = quota.Count(counts[mem.Rep], "deals")
		}
		team, err := quota.TeamQuotas(members, quotas, nil)
		require.NoError(t, err)
		// Independently: everyone carries their own count plus everyone's
		// below them, counted by walking up each person's managers.
		want := map[string]int64{}
		for _, mem := range members {
			for at := mem.Rep; at != ""; at = members[index(members, at)].Manager {
				want[at] += counts[mem.Rep]
			}
		}
		for _, mem := range members {
			require.Equal(t, quota.Count(want[mem.Rep], "deals"), team[mem.Rep], "%s rolls up its team", mem.Rep)
		}
	})
}

// index returns the position of rep among members.
func index(members []quota.Member, rep string) int {
	for i, m := range members {
		if m.Rep == rep {
			return i
		}
	}
	return -1
}
