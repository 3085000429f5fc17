package memory

import (
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// Commission plans, on the store and on the transaction of Update
// (storage.Tx), so that their writes land with the others.

var commissionPlanKind = &kind[quota.CommissionPlan, storage.CommissionPlanFilter]{
	ops: ops[quota.CommissionPlan]{
		name:     quota.CommissionPlanKind,
		slot:     slotCommissionPlan,
		id:       func(cp *quota.CommissionPlan) uuid.UUID { return cp.ID },
		version:  func(cp *quota.CommissionPlan) int64 { return cp.Version },
		clone:    quota.CommissionPlan.Clone,
		validate: storage.ValidateCommissionPlan,
	},
	validateFilter: storage.CommissionPlanFilter.Validate,
	match:          (*storage.CommissionPlanFilter).Match,
}

// CommissionPlans returns the commission plan repository; each call on
// it is its own transaction.
func (s *Store) CommissionPlans() storage.CommissionPlanRepository {
	return &repo[quota.CommissionPlan, storage.CommissionPlanFilter]{st: s.state(), k: commissionPlanKind}
}

// CommissionPlans returns the commission plan repository of the
// transaction.
func (tx *txn) CommissionPlans() storage.CommissionPlanRepository {
	return &repo[quota.CommissionPlan, storage.CommissionPlanFilter]{st: tx.st, k: commissionPlanKind, tx: tx}
}
