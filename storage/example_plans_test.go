package storage_test

import (
	"context"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
)

// A quota plan is stored and changed inside one Update, through the
// transaction's plan repository, and read back.
func ExamplePlanRepository() {
	ctx := context.Background()
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	store, _ := memory.New().Tenant("acme")

	plan, created, _ := quota.NewPlan(quota.PlanSpec{
		Name: "New business 2026", FiscalYear: 2026, Calendar: quota.Fiscal(time.January, ""),
		Target: quota.Amount(crmkit.MustMoney("1200000.00", "EUR")), Rounding: crmkit.RoundHalfEven,
	}, crmkit.Cmd{By: "cfo", At: at})

	err := store.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.Plans().Create(ctx, plan, "plan-2026", created); err != nil {
			return err
		}
		locked, ev, err := plan.Lock(crmkit.Cmd{By: "cfo", At: at.Add(time.Hour), Reason: "board approved"}, true, "")
		if err != nil {
			return err
		}
		return tx.Plans().Save(ctx, locked, plan.Version, ev)
	})
	fmt.Println("update:", err)

	got, _ := store.Plans().Get(ctx, plan.ID)
	target, _ := got.Target("")
	fmt.Println(got.Name, "version", got.Version, "locked:", got.Root.Locked, "target", target)
	page, _, _ := store.Plans().List(ctx, storage.PlanFilter{FiscalYear: 2026}, storage.Page{})
	fmt.Println("plans for 2026:", len(page))
	// Output:
	// update: <nil>
	// New business 2026 version 2 locked: true target 1200000.00 EUR
	// plans for 2026: 1
}
