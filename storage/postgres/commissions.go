package postgres

import (
	"strings"

	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// Commission plans (migration 0008), laid out like the other aggregates:
// the body as JSONB beside the columns the filter selects by.

var commissionPlanKind = (&kind[quota.CommissionPlan, storage.CommissionPlanFilter]{
	name:  quota.CommissionPlanKind,
	table: "commission_plans",
	cols:  []column{{"currency", "text"}, {"name", "text"}},
	colValues: func(cp *quota.CommissionPlan, dst []any) []any {
		return append(dst, currencyCode(cp.Currency), cp.Name)
	},
	id:             func(cp *quota.CommissionPlan) uuid.UUID { return cp.ID },
	version:        func(cp *quota.CommissionPlan) int64 { return cp.Version },
	validate:       storage.ValidateCommissionPlan,
	validateFilter: storage.CommissionPlanFilter.Validate,
	where: func(f *storage.CommissionPlanFilter, b *strings.Builder, args []any) []any {
		if !f.Currency.IsZero() {
			b.WriteString(" AND currency = " + param(&args, currencyCode(f.Currency)))
		}
		if f.Name != "" {
			b.WriteString(" AND name = " + param(&args, f.Name))
		}
		return args
	},
}).build()

// CommissionPlans returns the commission plan repository; each call on
// it is its own transaction.
func (s *Store) CommissionPlans() storage.CommissionPlanRepository {
	return &repo[quota.CommissionPlan, storage.CommissionPlanFilter]{sc: s.scope(), k: commissionPlanKind}
}

// CommissionPlans returns the commission plan repository of the
// transaction.
func (v *txView) CommissionPlans() storage.CommissionPlanRepository {
	return &repo[quota.CommissionPlan, storage.CommissionPlanFilter]{sc: v.sc, k: commissionPlanKind}
}
