package deal

import (
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
)

// A stored pipeline definition is an aggregate of kind PipelineKind: its
// state is the PipelineSpec, its Version the spec's Version. DefinePipeline
// creates version 1 with its EventPipelineDefined; Pipeline.Revise makes
// the next version with its EventPipelineRevised. Old versions stay
// readable (a store keeps every version's spec in its event), since deals
// run on the version they were created in (Deal.PipelineVersion).

// PipelineKind is the AggregateKind of pipeline definition events.
const PipelineKind = "pipeline"

// Event types of the "pipeline" aggregate. Both carry
// PipelineAggregateID of the pipeline's ID as aggregate ID, the version
// after the event, the command's By, At and Reason, and the whole
// normalized PipelineSpec of that version as payload.
const (
	// EventPipelineDefined opens the history (DefinePipeline).
	EventPipelineDefined = "PipelineDefined"
	// EventPipelineRevised records a new version (Pipeline.Revise).
	EventPipelineRevised = "PipelineRevised"
)

// pipelineNamespace is the UUID namespace of PipelineAggregateID.
var pipelineNamespace = uuid.MustParse("6f3c2a9e-8d1b-5e47-9a0c-3b7d5f1e2c84")

// PipelineAggregateID returns the aggregate ID of the pipeline with the
// given ID (a PipelineSpec.ID, a string key): a name-based UUID (version
// 5) of it, the same in every process, so that a pipeline's events and
// stored definition are found from its key.
func PipelineAggregateID(id string) uuid.UUID {
	return uuid.NewSHA1(pipelineNamespace, []byte(id))
}

// Version returns the pipeline's stored version (PipelineSpec.Version): 0
// for a pipeline never stored and for a nil or zero Pipeline.
func (p *Pipeline) Version() int64 {
	if p == nil {
		return 0
	}
	return p.spec.Version
}

// DefinePipeline validates spec and returns the pipeline at Version 1
// with its EventPipelineDefined event, by c.By at c.At, to be stored with
// the event. spec.Version is ignored. An invalid spec or c is an error
// matching crmkit.ErrInvalid naming the field.
func DefinePipeline(spec PipelineSpec, c crmkit.Cmd) (*Pipeline, crmkit.Event, error) {
	spec.Version = 1
	return spec.define(c, EventPipelineDefined)
}

// Revise returns the next version of p with spec's stages and rules,
// and its EventPipelineRevised event, by c.By at c.At. spec.ID must be
// p's (a pipeline's key never changes); spec.Version is ignored. Deals
// keep running on the version they were created in. p must be a stored
// definition (Version at least 1, from DefinePipeline or a store); an
// invalid spec or c, another ID or a p never defined is an error matching
// crmkit.ErrInvalid. p is immutable and unchanged either way.
func (p *Pipeline) Revise(spec PipelineSpec, c crmkit.Cmd) (*Pipeline, crmkit.Event, error) {
	if err := p.ready(); err != nil {
		return nil, crmkit.Event{}, err
	}
	switch {
	case p.spec.Version < 1:
		return nil, crmkit.Event{}, crmkit.Invalid("version", "pipeline %q was never defined (version 0): define it with DefinePipeline", p.spec.ID)
	case spec.ID != p.spec.ID:
		return nil, crmkit.Event{}, crmkit.Invalid("id", "pipeline %q cannot be revised into %q", p.spec.ID, spec.ID)
	}
	spec.Version = p.spec.Version + 1
	return spec.define(c, EventPipelineRevised)
}

// define builds the pipeline of s (at s.Version) and the event typ
// recording it.
func (s PipelineSpec) define(c crmkit.Cmd, typ string) (*Pipeline, crmkit.Event, error) {
	if err := c.Validate(); err != nil {
		return nil, crmkit.Event{}, fmt.Errorf("pipeline %q: %w", s.ID, err)
	}
	p, err := NewPipeline(s)
	if err != nil {
		return nil, crmkit.Event{}, err
	}
	e, err := c.NewEvent(PipelineKind, PipelineAggregateID(p.spec.ID), typ, p.spec.Version, p.spec)
	if err != nil {
		return nil, crmkit.Event{}, fmt.Errorf("pipeline %q: %w", s.ID, err)
	}
	return p, e, nil
}
