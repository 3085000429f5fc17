package storagetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func testCommissionPlans(t *testing.T, o Opener) { runOptional(t, o, commissionPlanFixture()) }

func commissionPlanFixture() fixture[quota.CommissionPlan, storage.CommissionPlanFilter] {
	return fixture[quota.CommissionPlan, storage.CommissionPlanFilter]{
		repo:    storage.Tx.CommissionPlans,
		make:    makeCommissionPlan,
		next:    nextCommissionPlan,
		touch:   func(cp *quota.CommissionPlan) { cp.Tiers[0].Label = "touched" },
		clone:   quota.CommissionPlan.Clone,
		id:      func(cp *quota.CommissionPlan) uuid.UUID { return cp.ID },
		version: func(cp *quota.CommissionPlan) int64 { return cp.Version },
		// Variants: EUR for even i, USD for odd; named "AE" for i < 3,
		// "SDR" from 3 on. EUR and AE: 0 and 2.
		filter:   storage.CommissionPlanFilter{Currency: crmkit.MustCurrency("EUR"), Name: "AE"},
		selected: func(i int) bool { return i == 0 || i == 2 },
		bad: func(t testing.TB) []quota.CommissionPlan {
			var out []quota.CommissionPlan
			bad := func(change func(cp *quota.CommissionPlan)) {
				cp, _ := makeCommissionPlan(t, 0)
				change(&cp)
				out = append(out, cp)
			}
			bad(func(cp *quota.CommissionPlan) { cp.ID = uuid.Nil })
			bad(func(cp *quota.CommissionPlan) { cp.Version = 0 })
			bad(func(cp *quota.CommissionPlan) { cp.Currency = crmkit.Currency{} })
			bad(func(cp *quota.CommissionPlan) { cp.Basis = 0 })
			bad(func(cp *quota.CommissionPlan) { cp.Tiers = nil })
			bad(func(cp *quota.CommissionPlan) { cp.Tiers[1].Rate = decimal.RequireFromString("1.5") })
			bad(func(cp *quota.CommissionPlan) { cp.Name = "AE\x00" })
			bad(func(cp *quota.CommissionPlan) { cp.Name = string(make([]byte, storage.MaxKeyLen+1)) })
			bad(func(cp *quota.CommissionPlan) { cp.Tiers[0].Label = "\xff" })
			return out
		},
		badFilters: []storage.CommissionPlanFilter{{Name: "\xff"}, {Name: "a\x00"}},
	}
}

// commissionTerms is an attainment plan: 4% below 50%, 8% to 100%, the
// given rate above.
func commissionTerms(name, currency, top string) quota.CommissionPlan {
	d := decimal.RequireFromString
	return quota.CommissionPlan{Name: name, Currency: crmkit.MustCurrency(currency), Basis: quota.OnAttainment, Method: quota.Marginal,
		Tiers: []quota.Tier{
			{From: d("0"), To: decimal.NewNullDecimal(d("0.5")), Rate: d("0.04"), Label: "decelerator"},
			{From: d("0.5"), To: decimal.NewNullDecimal(d("1")), Rate: d("0.08"), Label: "base"},
			{From: d("1"), Rate: d(top), Label: "accelerator"},
		},
		Rounding: crmkit.RoundHalfEven, Calendar: quota.Fiscal(time.January, ""), Grain: quota.Months}
}

// makeCommissionPlan returns variant i of a commission plan at version 1
// (2, revised, for i = 1 and 4) and its events.
func makeCommissionPlan(t testing.TB, i int) (quota.CommissionPlan, []crmkit.Event) {
	t.Helper()
	name := "AE"
	if i >= 3 {
		name = "SDR"
	}
	cp, e, err := quota.NewCommissionPlan(commissionTerms(name, [...]string{"EUR", "USD"}[i%2], "0.12"), crmkit.Cmd{By: actor, At: base})
	require.NoError(t, err)
	evs := []crmkit.Event{e}
	if i%3 == 1 {
		var n []crmkit.Event
		cp, n = nextCommissionPlan(t, cp)
		evs = append(evs, n...)
	}
	return cp, evs
}

// nextCommissionPlan revises the plan's accelerator to 12% plus the
// version in tenths of a percent, keeping its name and currency.
func nextCommissionPlan(t testing.TB, cp quota.CommissionPlan) (quota.CommissionPlan, []crmkit.Event) {
	t.Helper()
	terms := commissionTerms(cp.Name, cp.Currency.Code(), fmt.Sprintf("0.12%d", cp.Version))
	n, e, err := cp.Revise(terms, crmkit.Cmd{By: actor, At: base.Add(time.Duration(cp.Version) * time.Hour)})
	require.NoError(t, err)
	return n, []crmkit.Event{e}
}
