package deal

import (
	"encoding/json"
	"fmt"
	"iter"
	"slices"

	"github.com/crmkit/crmkit"
)

// Pipelines is a company's set of pipelines (one per sales motion, for
// example new business and renewals), keyed by pipeline ID. It is
// immutable and safe for concurrent use.
type Pipelines struct {
	list []*Pipeline
	byID map[string]*Pipeline
}

// NewPipelines collects pipelines; nil pipelines and duplicate IDs are
// errors matching crmkit.ErrInvalid.
func NewPipelines(ps ...*Pipeline) (*Pipelines, error) {
	s := &Pipelines{list: slices.Clone(ps), byID: make(map[string]*Pipeline, len(ps))}
	for i, p := range ps {
		if p == nil {
			return nil, crmkit.Invalid(fmt.Sprintf("pipelines[%d]", i), "nil pipeline")
		}
		if _, dup := s.byID[p.ID()]; dup {
			return nil, crmkit.Invalid(fmt.Sprintf("pipelines[%d].id", i), "duplicate pipeline id %q", p.ID())
		}
		s.byID[p.ID()] = p
	}
	return s, nil
}

// ParsePipelines decodes a JSON array of PipelineSpec values (unknown
// fields rejected) and builds each pipeline; an empty array is an error.
func ParsePipelines(data []byte) (*Pipelines, error) {
	var specs []PipelineSpec
	if err := decodeStrict(data, &specs); err != nil {
		return nil, err
	}
	if len(specs) == 0 {
		return nil, crmkit.Invalid("pipelines", "no pipelines")
	}
	ps := make([]*Pipeline, len(specs))
	for i, s := range specs {
		p, err := NewPipeline(s)
		if err != nil {
			return nil, fmt.Errorf("pipelines[%d]: %w", i, err)
		}
		ps[i] = p
	}
	return NewPipelines(ps...)
}

// MarshalJSON encodes the set as a JSON array of specs, which
// ParsePipelines reads back. A nil set is an error matching
// crmkit.ErrInvalid.
func (s *Pipelines) MarshalJSON() ([]byte, error) {
	if s == nil {
		return nil, errNilPipelines
	}
	return json.Marshal(s.list)
}

// errNilPipelines refuses a nil *Pipelines.
var errNilPipelines = crmkit.Invalid("pipelines", "nil Pipelines: create it with NewPipelines")

// Get returns the pipeline with the given ID; an unknown ID is an error
// matching crmkit.ErrNotFound, a nil set one matching crmkit.ErrInvalid.
func (s *Pipelines) Get(id string) (*Pipeline, error) {
	if s == nil {
		return nil, errNilPipelines
	}
	p, ok := s.byID[id]
	if !ok {
		return nil, fmt.Errorf("pipeline %q: %w", id, crmkit.ErrNotFound)
	}
	return p, nil
}

// All returns the pipelines in the order given (nil for a nil set).
func (s *Pipelines) All() []*Pipeline {
	if s == nil {
		return nil
	}
	return slices.Clone(s.list)
}

// ReplayAll is Pipeline.ReplayAll over deals of any pipeline of the set:
// each DealCreated names its pipeline. A deal of an unknown pipeline is an
// error matching crmkit.ErrNotFound, a nil set one matching
// crmkit.ErrInvalid.
func (s *Pipelines) ReplayAll(events iter.Seq[crmkit.Event]) ([]Deal, error) {
	if s == nil {
		return nil, errNilPipelines
	}
	return replayAll(events, s.Get)
}
