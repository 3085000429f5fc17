package storage_test

import (
	"context"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
	"github.com/shopspring/decimal"
)

// A commission plan is stored, revised (a bigger accelerator), and both
// versions read back: the plan as it is now from the repository, the
// terms of version 1 from its creation event.
func ExampleCommissionPlanRepository() {
	ctx := context.Background()
	d := decimal.RequireFromString
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	store, _ := memory.New().Tenant("acme")

	terms := quota.CommissionPlan{Name: "AE", Currency: crmkit.MustCurrency("EUR"), Basis: quota.OnAttainment, Method: quota.Marginal,
		Tiers: []quota.Tier{
			{From: d("0"), To: decimal.NewNullDecimal(d("1")), Rate: d("0.08"), Label: "base"},
			{From: d("1"), Rate: d("0.12"), Label: "accelerator"},
		},
		Rounding: crmkit.RoundHalfEven, Calendar: quota.Fiscal(time.January, ""), Grain: quota.Quarters}
	cp, created, _ := quota.NewCommissionPlan(terms, crmkit.Cmd{By: "cfo", At: at})
	_, err := store.CommissionPlans().Create(ctx, cp, "ae-2026", created)
	fmt.Println("create:", err)

	terms.Tiers[1].Rate = d("0.15")
	next, revised, _ := cp.Revise(terms, crmkit.Cmd{By: "cfo", At: at.AddDate(0, 3, 0)})
	fmt.Println("save:", store.CommissionPlans().Save(ctx, next, cp.Version, revised))

	got, _ := store.CommissionPlans().Get(ctx, cp.ID)
	fmt.Println("version", got.Version, "accelerator", got.Tiers[1].Rate)
	for e, err := range store.Events().ByAggregate(ctx, cp.ID) {
		if err != nil {
			panic(err)
		}
		var then quota.CommissionPlan
		_ = e.DecodePayload(&then)
		fmt.Println(e.Type, "version", then.Version, "accelerator", then.Tiers[1].Rate)
	}
	page, _, _ := store.CommissionPlans().List(ctx, storage.CommissionPlanFilter{Currency: crmkit.MustCurrency("EUR")}, storage.Page{})
	fmt.Println("plans paying in EUR:", len(page))
	// Output:
	// create: <nil>
	// save: <nil>
	// version 2 accelerator 0.15
	// CommissionPlanCreated version 1 accelerator 0.12
	// CommissionPlanRevised version 2 accelerator 0.15
	// plans paying in EUR: 1
}
