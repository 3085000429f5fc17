package postgres

import (
	"strings"

	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/storage"
)

// Pipeline definitions (migration 0008): the latest spec of each
// pipeline in pipelines, keyed by deal.PipelineAggregateID of its ID,
// and every version stored in pipeline_versions, written by the
// definition's own Create and Save in the same statement, which deals'
// (pipeline, pipeline_version) foreign key points at. Older specs are
// read from the events (storage.NewPipelineRepository).

// nullVersion returns v, or nil (SQL NULL) for 0: a pipeline never
// stored, which the foreign key does not check.
func nullVersion(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// pipelineVersionInsert is the CTE of a definition's write that records
// its version.
func pipelineVersionInsert(ph func(string) string) string {
	return `versions AS (INSERT INTO pipeline_versions (tenant_id, pipeline, version)
	SELECT $1, ` + ph("pipeline_key") + `, $3::bigint WHERE EXISTS (SELECT 1 FROM w))`
}

var pipelineKind = (&kind[deal.PipelineSpec, storage.PipelineFilter]{
	name:  deal.PipelineKind,
	table: "pipelines",
	cols:  []column{{"pipeline_key", "text"}, {"name", "text"}},
	colValues: func(s *deal.PipelineSpec, dst []any) []any {
		return append(dst, s.ID, s.Name)
	},
	sideCreate:     pipelineVersionInsert,
	sideSave:       pipelineVersionInsert,
	id:             storage.PipelineSpecID,
	version:        func(s *deal.PipelineSpec) int64 { return s.Version },
	validate:       storage.ValidatePipelineSpec,
	validateFilter: storage.PipelineFilter.Validate,
	where: func(f *storage.PipelineFilter, b *strings.Builder, args []any) []any {
		if f.Name != "" {
			b.WriteString(" AND name = " + param(&args, f.Name))
		}
		return args
	},
}).build()

// Pipelines returns the pipeline definition repository; each call on it
// is its own transaction.
func (s *Store) Pipelines() storage.PipelineRepository {
	return storage.NewPipelineRepository(&repo[deal.PipelineSpec, storage.PipelineFilter]{sc: s.scope(), k: pipelineKind}, s.Events())
}

// Pipelines returns the pipeline definition repository of the
// transaction.
func (v *txView) Pipelines() storage.PipelineRepository {
	return storage.NewPipelineRepository(&repo[deal.PipelineSpec, storage.PipelineFilter]{sc: v.sc, k: pipelineKind}, v.Events())
}
