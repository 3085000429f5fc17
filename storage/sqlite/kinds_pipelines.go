package sqlite

import (
	"time"

	"context"
	"fmt"
	"strings"

	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// Commission plans, pipeline definitions and forecast snapshots (schema
// version 3).

var commissionPlanKind = (&kind[quota.CommissionPlan, storage.CommissionPlanFilter]{
	name:  quota.CommissionPlanKind,
	table: "commission_plans",
	cols:  []string{"currency", "name"},
	colValues: func(cp *quota.CommissionPlan, dst []any) []any {
		return append(dst, currencyCode(cp.Currency), cp.Name)
	},
	id:             func(cp *quota.CommissionPlan) uuid.UUID { return cp.ID },
	version:        func(cp *quota.CommissionPlan) int64 { return cp.Version },
	validate:       storage.ValidateCommissionPlan,
	validateFilter: storage.CommissionPlanFilter.Validate,
	where: func(f *storage.CommissionPlanFilter, b *strings.Builder, args []any) []any {
		if !f.Currency.IsZero() {
			args = cond(b, args, " AND currency = ?", currencyCode(f.Currency))
		}
		if f.Name != "" {
			args = cond(b, args, " AND name = ?", f.Name)
		}
		return args
	},
}).build()

// The latest spec of each pipeline is the row of pipelines, keyed by
// deal.PipelineAggregateID of its ID; every version written is also a
// row of pipeline_versions, which deals' pipeline_version must name.
// Older specs are read from the events (storage.NewPipelineRepository).
var pipelineKind = (&kind[deal.PipelineSpec, storage.PipelineFilter]{
	name:  deal.PipelineKind,
	table: "pipelines",
	cols:  []string{"pipeline_key", "name"},
	colValues: func(s *deal.PipelineSpec, dst []any) []any {
		return append(dst, s.ID, s.Name)
	},
	afterWrite:     insertPipelineVersion,
	id:             storage.PipelineSpecID,
	version:        func(s *deal.PipelineSpec) int64 { return s.Version },
	validate:       storage.ValidatePipelineSpec,
	validateFilter: storage.PipelineFilter.Validate,
	where: func(f *storage.PipelineFilter, b *strings.Builder, args []any) []any {
		if f.Name != "" {
			args = cond(b, args, " AND name = ?", f.Name)
		}
		return args
	},
}).build()

// insertPipelineVersion records the version a pipeline definition's
// Create or Save wrote, in the same transaction.
func insertPipelineVersion(ctx context.Context, q querier, tenant string, s *deal.PipelineSpec) error {
	_, err := q.ExecContext(ctx, `INSERT INTO pipeline_versions (tenant_id, pipeline, version) VALUES (?, ?, ?)`, tenant, s.ID, s.Version)
	if err != nil {
		return fmt.Errorf("sqlite: record version %d of pipeline %q: %w", s.Version, s.ID, mapErr(ctx, err))
	}
	return nil
}

// nullVersion returns v, or nil (SQL NULL) for 0: a pipeline never
// stored, which the deals_pipeline_fk triggers do not check.
func nullVersion(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

var forecastSnapshotKind = (&kind[storage.ForecastSnapshot, storage.ForecastSnapshotFilter]{
	name:  storage.ForecastSnapshotKind,
	table: "forecast_snapshots",
	cols:  []string{"period_start", "period_end", "figure", "owner", "pipeline"},
	colValues: func(s *storage.ForecastSnapshot, dst []any) []any {
		return append(dst, micros(s.Period.Start), micros(s.Period.End), s.Figure.String(), s.Owner, s.Pipeline)
	},
	id:             func(s *storage.ForecastSnapshot) uuid.UUID { return s.ID },
	version:        storage.ForecastSnapshotVersion,
	validate:       storage.ValidateForecastSnapshot,
	validateFilter: storage.ForecastSnapshotFilter.Validate,
	where: func(f *storage.ForecastSnapshotFilter, b *strings.Builder, args []any) []any {
		if !f.Within.Start.IsZero() || !f.Within.End.IsZero() {
			// start >= Within.Start and end <= Within.End, compared
			// exactly as ForecastSnapshotFilter.Match compares (see
			// storage.TimeBound and TimeBoundAfter).
			args = cond(b, args, " AND period_start >= ?", micros(storage.TimeBound(f.Within.Start)))
			end := micros(storage.TimeBoundAfter(f.Within.End))
			args = cond(b, args, " AND period_end < ?", end)
			// A stored period never ends before it starts, so its start
			// is below the same bound: said, it bounds the walk of the
			// period_start index at both ends.
			args = cond(b, args, " AND period_start < ?", end)
		}
		if f.Figure != 0 {
			args = cond(b, args, " AND figure = ?", f.Figure.String())
		}
		if f.Owner != "" {
			args = cond(b, args, " AND owner = ?", f.Owner)
		}
		if f.Pipeline != "" {
			args = cond(b, args, " AND pipeline = ?", f.Pipeline)
		}
		return args
	},
	dated: func(f *storage.ForecastSnapshotFilter) (string, func(*storage.ForecastSnapshot) time.Time) {
		if f.Within.Start.IsZero() && f.Within.End.IsZero() {
			return "", nil
		}
		return "period_start", func(s *storage.ForecastSnapshot) time.Time { return s.Period.Start }
	},
}).build()

// CommissionPlans returns the commission plan repository; each call on
// it is its own transaction.
func (s *Store) CommissionPlans() storage.CommissionPlanRepository {
	return commissionPlansOf(s.scope())
}

// Pipelines returns the pipeline definition repository; each call on it
// is its own transaction.
func (s *Store) Pipelines() storage.PipelineRepository { return pipelinesOf(s.scope()) }

// ForecastSnapshots returns the forecast snapshot repository; each call
// on it is its own transaction.
func (s *Store) ForecastSnapshots() storage.ForecastSnapshotRepository {
	return forecastSnapshotsOf(s.scope())
}

func (v *txView) CommissionPlans() storage.CommissionPlanRepository {
	return commissionPlansOf(v.sc)
}
func (v *txView) Pipelines() storage.PipelineRepository { return pipelinesOf(v.sc) }
func (v *txView) ForecastSnapshots() storage.ForecastSnapshotRepository {
	return forecastSnapshotsOf(v.sc)
}

func commissionPlansOf(sc *scope) storage.CommissionPlanRepository {
	return &repo[quota.CommissionPlan, storage.CommissionPlanFilter]{sc: sc, k: commissionPlanKind}
}
func pipelinesOf(sc *scope) storage.PipelineRepository {
	return storage.NewPipelineRepository(&repo[deal.PipelineSpec, storage.PipelineFilter]{sc: sc, k: pipelineKind}, &eventLog{sc: sc})
}
func forecastSnapshotsOf(sc *scope) storage.ForecastSnapshotRepository {
	return storage.NewForecastSnapshotRepository(&repo[storage.ForecastSnapshot, storage.ForecastSnapshotFilter]{sc: sc, k: forecastSnapshotKind})
}
