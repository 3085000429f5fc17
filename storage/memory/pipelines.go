package memory

import (
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/storage"
)

// Pipeline definitions: the latest spec of each pipeline is the stored
// aggregate (storage.PipelineSpecRepository); older versions are read
// from its events (storage.NewPipelineRepository).

var pipelineKind = &kind[deal.PipelineSpec, storage.PipelineFilter]{
	ops: ops[deal.PipelineSpec]{
		name:     deal.PipelineKind,
		slot:     slotPipeline,
		id:       storage.PipelineSpecID,
		version:  func(s *deal.PipelineSpec) int64 { return s.Version },
		clone:    deal.PipelineSpec.Clone,
		validate: storage.ValidatePipelineSpec,
	},
	validateFilter: storage.PipelineFilter.Validate,
	match:          (*storage.PipelineFilter).Match,
}

// Pipelines returns the pipeline definition repository; each call on it
// is its own transaction.
func (s *Store) Pipelines() storage.PipelineRepository {
	return storage.NewPipelineRepository(&repo[deal.PipelineSpec, storage.PipelineFilter]{st: s.state(), k: pipelineKind}, s.Events())
}

// Pipelines returns the pipeline definition repository of the
// transaction.
func (tx *txn) Pipelines() storage.PipelineRepository {
	return storage.NewPipelineRepository(&repo[deal.PipelineSpec, storage.PipelineFilter]{st: tx.st, k: pipelineKind, tx: tx}, tx.Events())
}
