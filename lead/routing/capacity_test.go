package routing_test

import (
	"math"
	"slices"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/routing"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCapacityViewHandComputed(t *testing.T) {
	reps := []routing.Rep{
		{ID: "ann", Team: "north", Capacity: 10, Open: 4},
		{ID: "bob", Team: "north", Capacity: 5, Open: 7}, // overloaded after a lowered capacity
		{ID: "cy", Team: "south", Capacity: 8, Open: 8},
		{ID: "dee", Team: "", Open: 3}, // no limit
	}
	v, err := routing.NewCapacityView(reps, 9)
	require.NoError(t, err)

	require.Len(t, v.Reps, 4)
	ann, bob, cy, dee := v.Reps[0], v.Reps[1], v.Reps[2], v.Reps[3]
	assert.Equal(t, "ann", ann.Rep)
	assert.Equal(t, 6, ann.Free)
	assert.Equal(t, 0, ann.Over)
	assert.True(t, ann.Utilisation.Equal(decimal.RequireFromString("0.4")), ann.Utilisation.String())
	assert.Equal(t, 0, bob.Free)
	assert.Equal(t, 2, bob.Over)
	assert.True(t, bob.Utilisation.Equal(decimal.RequireFromString("1.4")), bob.Utilisation.String())
	assert.Equal(t, 0, cy.Free)
	assert.True(t, cy.Utilisation.Equal(decimal.NewFromInt(1)))
	assert.True(t, dee.Unlimited)
	assert.Equal(t, 0, dee.Free)
	assert.True(t, dee.Utilisation.IsZero())

	// Teams sorted by key: "", north, south.
	require.Len(t, v.Teams, 3)
	none, north, south := v.Teams[0], v.Teams[1], v.Teams[2]
	assert.Equal(t, "", none.Team)
	assert.Equal(t, 1, none.Reps)
	assert.True(t, none.Unlimited)
	assert.Equal(t, 3, none.Open)
	assert.Equal(t, "north", north.Team)
	assert.Equal(t, 2, north.Reps)
	assert.Equal(t, 11, north.Open)
	assert.Equal(t, 15, north.Capacity)
	assert.Equal(t, 6, north.Free)
	assert.True(t, north.Utilisation.Equal(decimal.RequireFromString("0.7333333333333333")), north.Utilisation.String()) // 11/15 = 0.7333..., 16 places
	assert.Equal(t, 8, south.Open)
	assert.Equal(t, 0, south.Free)
	assert.True(t, south.Utilisation.Equal(decimal.NewFromInt(1)))

	assert.Equal(t, 22, v.Open)
	assert.Equal(t, 23, v.Capacity)
	assert.Equal(t, 6, v.Free)
	assert.Equal(t, 9, v.Waiting)
	assert.True(t, v.Unlimited)
	assert.Equal(t, 0, v.Shortfall, "a rep without a limit can take every waiting lead")

	// Without dee: 9 waiting, 6 free places: 3 short.
	v, err = routing.NewCapacityView(reps[:3], 9)
	require.NoError(t, err)
	assert.False(t, v.Unlimited)
	assert.Equal(t, 3, v.Shortfall)
	assert.Equal(t, 19, v.Open)
	assert.Equal(t, 23, v.Capacity)
}

func TestCapacityViewRejectsBadInput(t *testing.T) {
	good := []routing.Rep{{ID: "ann", Capacity: 3}}
	cases := map[string]struct {
		reps    []routing.Rep
		waiting int
	}{
		"negative waiting":  {good, -1},
		"negative capacity": {[]routing.Rep{{ID: "ann", Capacity: -3}}, 0},
		"negative open":     {[]routing.Rep{{ID: "ann", Open: -1}}, 0},
		"no id":             {[]routing.Rep{{Capacity: 3}}, 0},
		"repeated rep":      {[]routing.Rep{{ID: "ann"}, {ID: "ann"}}, 0},
	}
	for name, c := range cases {
		_, err := routing.NewCapacityView(c.reps, c.waiting)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
	_, err := routing.NewCapacityView([]routing.Rep{{ID: "a", Capacity: math.MaxInt}, {ID: "b", Capacity: 1}}, 0)
	assert.ErrorIs(t, err, crmkit.ErrOverflow)
	v, err := routing.NewCapacityView(nil, 0)
	require.NoError(t, err)
	assert.Empty(t, v.Reps)
}

func TestRouterCapacityBacklogPerRule(t *testing.T) {
	r, err := routing.NewRouter(rtRulesPlan())
	require.NoError(t, err)
	// Four DACH leads for two places, one Spanish lead.
	leads := []lead.Lead{rtLead(1, "DE", "", ""), rtLead(2, "AT", "", ""), rtLead(3, "CH", "", ""), rtLead(4, "DE", "", ""), rtLead(5, "ES", "", "es")}
	res, err := r.RouteAll(slices.Values(leads))
	require.NoError(t, err)
	assert.Len(t, res.Unassigned, 2)
	v, err := r.Capacity()
	require.NoError(t, err)
	assert.Equal(t, 2, v.Waiting)
	assert.Equal(t, []routing.Backlog{{Rule: "dach", Waiting: 2, Free: 0}}, v.Backlog)
	require.NoError(t, r.Release("dach2"))
	v, err = r.Capacity()
	require.NoError(t, err)
	assert.Equal(t, []routing.Backlog{{Rule: "dach", Waiting: 2, Free: 1}}, v.Backlog)
	var dach routing.TeamLoad
	for _, tl := range v.Teams {
		if tl.Team == "dach" {
			dach = tl
		}
	}
	assert.Equal(t, 1, dach.Open)
	assert.Equal(t, 2, dach.Capacity)
	assert.True(t, dach.Utilisation.Equal(decimal.RequireFromString("0.5")))
}
