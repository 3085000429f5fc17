package value_test

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account/value"
	"github.com/crmkit/crmkit/kpi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCohorts(t *testing.T) {
	cal, err := crmkit.Gregorian(time.UTC)
	require.NoError(t, err)
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 12, 0, 0, 0, time.UTC) }
	acts := []value.Activity{
		{"a", day(1, 3)}, {"b", day(1, 9)}, {"c", day(1, 20)}, {"a", day(1, 25)},
		{"a", day(2, 1)}, {"b", day(2, 2)}, {"d", day(2, 10)},
		{"a", day(3, 1)}, {"d", day(3, 5)}, {"e", day(3, 7)},
	}
	rows, err := value.Cohorts(cal, slices.Values(acts))
	require.NoError(t, err)
	require.Len(t, rows, 3)
	assert.Equal(t, []int64{3, 2, 1}, rows[0].Active)
	assert.Equal(t, []int64{1, 1}, rows[1].Active)
	assert.Equal(t, []int64{1}, rows[2].Active)
	assert.Equal(t, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), rows[1].Month.Start)
	r, err := rows[0].Retention(1)
	require.NoError(t, err)
	assert.True(t, r.Equal(d("0.6666666666666667")), r.String()) // 2/3, 16 places
	r, _ = rows[0].Retention(2)
	assert.True(t, r.Equal(d("0.3333333333333333")), r.String()) // 1/3
	_, err = rows[0].Retention(3)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	// Order of the stream does not matter.
	rev := slices.Clone(acts)
	slices.Reverse(rev)
	again, err := value.Cohorts(cal, slices.Values(rev))
	require.NoError(t, err)
	assert.Equal(t, rows, again)

	_, err = value.Cohorts(cal, slices.Values([]value.Activity{{"", day(1, 1)}}))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestChurnLimits(t *testing.T) {
	checks, err := value.CheckChurnLimits([]value.TeamChurn{
		{Team: "kam-north", Start: 100, Lost: 6, Limit: d("0.05")},
		{Team: "service", Start: 50, Lost: 2, Limit: d("0.05")},
		{Team: "kam-south", Start: 100, Lost: 5, Limit: d("0.05")},
	})
	require.NoError(t, err)
	assert.True(t, checks[0].Churn.Equal(d("0.06")))
	b := value.Breaches(checks)
	require.Len(t, b, 1, "exactly at the limit is not over it")
	assert.Equal(t, "kam-north", b[0].Team)

	_, err = value.CheckChurnLimits([]value.TeamChurn{{Team: "x", Start: 10, Lost: 11, Limit: d("0.1")}})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = value.CheckChurnLimits([]value.TeamChurn{{Team: "x", Start: 10, Lost: 1, Limit: d("1.5")}})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = value.CheckChurnLimits([]value.TeamChurn{{Start: 10, Lost: 1, Limit: d("0.5")}})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestCategoriesPerCustomer(t *testing.T) {
	p := map[int][2]string{0: {"a", "x"}, 1: {"a", "y"}, 2: {"b", "x"}, 3: {"a", "x"}}
	seq := func(yield func(string, string) bool) {
		for _, k := range slices.Sorted(maps.Keys(p)) {
			if !yield(p[k][0], p[k][1]) {
				return
			}
		}
	}
	r, err := value.CategoriesPerCustomer(seq)
	require.NoError(t, err)
	// By hand: a buys x and y, b buys x: (2 + 1) / 2 = 1.5 categories per
	// customer, while the cross-sell ratio (one of two customers bought a
	// second category) is 0.5, kpi's one definition.
	assert.True(t, r.Equal(d("1.5")), r.String())
	ratio, err := kpi.CrossSellRatio(1, 2)
	require.NoError(t, err)
	assert.True(t, ratio.Equal(d("0.5")), ratio.String())
	_, err = value.CategoriesPerCustomer(func(func(string, string) bool) {})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = value.ChurnByGroup(func(func(value.ChurnRecord) bool) {})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}
