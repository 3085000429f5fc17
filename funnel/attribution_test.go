package funnel_test

import (
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/funneltest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// journey: six touches, day 0..5 (t1 first, t3 created the lead, t5 the
// opportunity, t6 closed and is the last).
func journey() []funnel.Touch {
	ch := []string{"ads", "blog", "webinar", "email", "demo", "call"}
	roles := []funnel.Role{0, 0, funnel.LeadCreation, 0, funnel.OpportunityCreation, funnel.CloseTouch}
	out := make([]funnel.Touch, 6)
	for i := range out {
		out[i] = funnel.Touch{At: at(i), Channel: ch[i], Roles: roles[i]}
	}
	return out
}

func cents(t *testing.T, vs ...int64) []crmkit.Money {
	out := make([]crmkit.Money, len(vs))
	for i, v := range vs {
		out[i] = money(t, v)
	}
	return out
}

func TestAttributionModelsHandComputed(t *testing.T) {
	decay, err := funnel.TimeDecay(0)
	require.NoError(t, err)
	custom, err := funnel.CustomModel("half first", funnel.Positions{First: dec("1"), Spread: dec("1")})
	require.NoError(t, err)
	amount := money(t, 100000) // 1000.00 EUR
	for _, c := range []struct {
		model funnel.Model
		want  []int64
	}{
		{funnel.FirstTouch(), []int64{100000, 0, 0, 0, 0, 0}},
		{funnel.LastTouch(), []int64{0, 0, 0, 0, 0, 100000}},
		// 100000/6 = 16666 r 4: the first four touches get one more cent.
		{funnel.Linear(), []int64{16667, 16667, 16667, 16667, 16666, 16666}},
		// 40% first, 40% lead creation, 20% over t2, t4, t5, t6.
		{funnel.UShaped(), []int64{40000, 5000, 40000, 5000, 5000, 5000}},
		// 30% first, lead, opportunity; 10% over t2, t4, t6: 3333.33 each,
		// the extra cent to t2.
		{funnel.WShaped(), []int64{30000, 3334, 30000, 3333, 30000, 3333}},
		// 22.5% first, lead, opportunity, close; 10% over t2, t4.
		{funnel.FullPath(), []int64{22500, 5000, 22500, 5000, 22500, 22500}},
		// 20% first, 60% last, 20% over t2..t5.
		{funnel.JShaped(), []int64{20000, 5000, 5000, 5000, 5000, 60000}},
		{funnel.InverseJ(), []int64{60000, 5000, 5000, 5000, 5000, 20000}},
		// Half-life 7 days, touches 5..0 days old: weights 2^(-k/7), k =
		// 5..0; exact shares (50-digit decimal arithmetic, outside this
		// code) 12827.636, 14162.859, 15637.064, 17264.718, 19061.795,
		// 21045.928 cents; largest remainders round up t2, t4, t5, t6.
		{decay, []int64{12827, 14163, 15637, 17265, 19062, 21046}},
		// first 1, spread 1 over 5: first 5/10, others 1/10 each.
		{custom, []int64{50000, 10000, 10000, 10000, 10000, 10000}},
	} {
		got, err := c.model.Attribute(amount, at(5), journey())
		require.NoError(t, err, c.model.String())
		assert.Equal(t, cents(t, c.want...), got, c.model.String())
	}
}

func TestAttributionFewTouches(t *testing.T) {
	amount := money(t, 1000)
	one := []funnel.Touch{{At: at(1), Channel: "a"}}
	decay, _ := funnel.TimeDecay(7 * day)
	models := []funnel.Model{funnel.FirstTouch(), funnel.LastTouch(), funnel.Linear(), funnel.UShaped(), funnel.WShaped(), funnel.FullPath(), funnel.JShaped(), funnel.InverseJ(), decay}
	for _, m := range models {
		got, err := m.Attribute(amount, at(2), one)
		require.NoError(t, err)
		assert.Equal(t, cents(t, 1000), got, "%s: one touch gets all", m)
	}
	two := func(r1, r2 funnel.Role) []funnel.Touch {
		return []funnel.Touch{{At: at(0), Roles: r1}, {At: at(7), Roles: r2}}
	}
	for _, c := range []struct {
		m       funnel.Model
		touches []funnel.Touch
		want    []int64
	}{
		{funnel.UShaped(), two(0, funnel.LeadCreation), []int64{500, 500}},
		{funnel.UShaped(), two(funnel.LeadCreation, 0), []int64{800, 200}},
		{funnel.UShaped(), two(0, 0), []int64{667, 333}},
		{funnel.WShaped(), two(funnel.LeadCreation, funnel.OpportunityCreation), []int64{667, 333}},
		{funnel.WShaped(), two(funnel.LeadCreation|funnel.OpportunityCreation, 0), []int64{900, 100}},
		{funnel.FullPath(), two(funnel.LeadCreation, funnel.OpportunityCreation|funnel.CloseTouch), []int64{500, 500}},
		{funnel.JShaped(), two(0, 0), []int64{250, 750}},
		{funnel.InverseJ(), two(0, 0), []int64{750, 250}},
		{funnel.Linear(), two(0, 0), []int64{500, 500}},
		{decay, two(0, 0), []int64{333, 667}},
	} {
		got, err := c.m.Attribute(amount, at(8), c.touches)
		require.NoError(t, err)
		assert.Equal(t, cents(t, c.want...), got, c.m.String())
	}
}

func TestAttributionBadInput(t *testing.T) {
	amount := money(t, 1000)
	_, err := funnel.Linear().Attribute(amount, at(1), nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = funnel.Linear().Attribute(amount, at(0), []funnel.Touch{{At: at(1)}})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = funnel.UShaped().Attribute(amount, at(5), []funnel.Touch{{At: at(1), Roles: funnel.LeadCreation}, {At: at(2), Roles: funnel.LeadCreation}})
	assert.ErrorContains(t, err, "second touch marked as lead creation")
	_, err = funnel.Model{}.Attribute(amount, at(5), journey())
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = funnel.Linear().Attribute(crmkit.Money{}, at(5), journey())
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = funnel.TimeDecay(-time.Hour)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = funnel.CustomModel("x", funnel.Positions{First: dec("-1"), Spread: dec("2")})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = funnel.CustomModel("x", funnel.Positions{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	// A touch after the conversion gets nothing and holds no position.
	touches := append(journey(), funnel.Touch{At: at(9), Channel: "late"})
	got, err := funnel.LastTouch().Attribute(money(t, 100), at(5), touches)
	require.NoError(t, err)
	assert.Equal(t, cents(t, 0, 0, 0, 0, 0, 100, 0), got)
}

func TestAttributeAllByChannel(t *testing.T) {
	convs := []funnel.Conversion{
		{Amount: money(t, 1000), Converted: at(5), Touches: journey()},
		{Amount: money(t, 500), Converted: at(3), Touches: []funnel.Touch{{At: at(1), Channel: "ads"}, {At: at(2), Channel: "email"}}},
	}
	a, err := funnel.JShaped().AttributeAll(slices.Values(convs), func(t funnel.Touch) string { return t.Channel })
	require.NoError(t, err)
	assert.Equal(t, money(t, 1500), a.Total)
	// 1000: 200 ads, 50 each blog..demo, 600 call; 500: 125 ads, 375 email.
	assert.Equal(t, money(t, 325), a.Credits["ads"])
	assert.Equal(t, money(t, 425), a.Credits["email"])
	assert.Equal(t, money(t, 600), a.Credits["call"])
	var all []crmkit.Money
	for _, m := range a.Credits {
		all = append(all, m)
	}
	require.NoError(t, funneltest.CheckCredits(a.Total, all))

	usd := append(convs, funnel.Conversion{Amount: crmkit.MustMoney("1", "USD"), Converted: at(5), Touches: journey()})
	_, err = funnel.Linear().AttributeAll(slices.Values(usd), func(t funnel.Touch) string { return t.Channel })
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
}

func TestPropertyAttributionCreditsSumToAmount(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		conv := funneltest.Conversions(crmkit.MustCurrency("EUR")).Draw(t, "conversion")
		m := funneltest.Models().Draw(t, "model")
		credits, err := m.Attribute(conv.Amount, conv.Converted, conv.Touches)
		if err != nil {
			t.Fatal(err)
		}
		if err := funneltest.CheckCredits(conv.Amount, credits); err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		var inTime int
		for i, c := range credits {
			if c.Sign() < 0 {
				t.Fatalf("%s: negative credit %s", m, c)
			}
			if conv.Touches[i].At.After(conv.Converted) {
				if !c.IsZero() {
					t.Fatalf("%s: a touch after the conversion got %s", m, c)
				}
			} else {
				inTime++
			}
		}
		if inTime == 1 {
			for i, c := range credits {
				if !conv.Touches[i].At.After(conv.Converted) && c != conv.Amount {
					t.Fatalf("%s: the only touch got %s of %s", m, c, conv.Amount)
				}
			}
		}
	})
}
