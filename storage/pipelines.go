package storage

import (
	"context"
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/google/uuid"
)

// Pipeline definitions are stored versioned: a tenant's deal.PipelineSpec
// under its ID (a string key) at every version. deal.DefinePipeline gives
// version 1 with its creation event, deal.Pipeline.Revise the next version
// with its event; the latest version is the stored state and every
// version's spec is the payload of its event, so old versions stay
// readable (deals run on them).
//
// A deal records the version of the pipeline it runs on
// (deal.Deal.PipelineVersion, set by deal.New). A non-zero version is a
// reference (see DealReferences): it must name a stored version of the
// deal's pipeline in the same tenant. Version 0 is a pipeline never
// stored (deal.DefaultPipeline, one built in code): it is always allowed
// and is no reference, so deals created before their pipeline was stored
// stay writable. The default pipeline is not stored implicitly.

// PipelineRepository stores versioned pipeline definitions (Tx.Pipelines).
// Its errors are those of Repository; an ID that deal.PipelineSpec.Validate
// refuses, or longer than MaxKeyLen, is an error matching crmkit.ErrInvalid.
type PipelineRepository interface {
	// Get returns the latest version of the pipeline with id, or an
	// error matching crmkit.ErrNotFound when none is stored.
	Get(ctx context.Context, id string) (*deal.Pipeline, error)
	// GetVersion returns the given version of the pipeline with id; an
	// unknown pipeline or version is an error matching crmkit.ErrNotFound.
	GetVersion(ctx context.Context, id string, version int64) (*deal.Pipeline, error)
	// List returns the latest version of up to p.Size pipelines matching
	// f, ordered by deal.PipelineAggregateID of their IDs, and the cursor
	// of the next page, as Repository.List.
	List(ctx context.Context, f PipelineFilter, p Page) ([]*deal.Pipeline, Cursor, error)
	// Create stores a new pipeline definition (at its Version, 1 from
	// deal.DefinePipeline) with its events, as Repository.Create (key is
	// an optional idempotency key), and returns what is stored.
	Create(ctx context.Context, p *deal.Pipeline, key string, events ...crmkit.Event) (*deal.Pipeline, error)
	// Save stores a new version of a stored pipeline (from
	// deal.Pipeline.Revise) with its events if the stored version is
	// expected, as Repository.Save.
	Save(ctx context.Context, p *deal.Pipeline, expected int64, events ...crmkit.Event) error
}

// PipelineSpecRepository is what a backend implements to store pipeline
// definitions: the latest spec of each pipeline as an aggregate with ID
// deal.PipelineAggregateID(spec.ID) and the spec's Version (see
// PipelineSpecID). NewPipelineRepository builds the PipelineRepository on
// it and the tenant's event log.
type PipelineSpecRepository = Repository[deal.PipelineSpec, PipelineFilter]

// PipelineFilter selects pipelines for List. The zero PipelineFilter
// matches all.
type PipelineFilter struct {
	// Name, if not empty, selects the pipelines with that display name.
	Name string
}

// PipelineSpecID is the stored aggregate ID of a spec:
// deal.PipelineAggregateID of its ID (uuid.Nil for a nil s).
func PipelineSpecID(s *deal.PipelineSpec) uuid.UUID {
	if s == nil {
		return uuid.Nil
	}
	return deal.PipelineAggregateID(s.ID)
}

// ValidatePipelineSpec checks a pipeline spec before it is stored: the
// spec's own rules (deal.PipelineSpec.Validate, and a version of at least
// 1), an ID and a name of at most MaxKeyLen bytes, and every string
// within the stored domain (see ValidateValue).
func ValidatePipelineSpec(s deal.PipelineSpec) error {
	if err := checkString("id", s.ID, MaxKeyLen); err != nil {
		return fmt.Errorf("pipeline: %w", err)
	}
	if err := s.Validate(); err != nil {
		return fmt.Errorf("pipeline %q: %w", s.ID, err)
	}
	if s.Version < 1 {
		return crmkit.Invalid("version", "pipeline %q: version %d is below 1 (define it with deal.DefinePipeline)", s.ID, s.Version)
	}
	if err := checkString("name", s.Name, MaxKeyLen); err != nil {
		return fmt.Errorf("pipeline %q: %w", s.ID, err)
	}
	if err := ValidateValue("pipeline", s); err != nil {
		return fmt.Errorf("pipeline %q: %w", s.ID, err)
	}
	return nil
}

// Validate checks the filter: a name of at most MaxKeyLen bytes of valid
// UTF-8 without NUL bytes.
func (f PipelineFilter) Validate() error { return checkString("name filter", f.Name, MaxKeyLen) }

// Match reports whether s passes the filter. A nil filter passes every
// spec, as the zero filter does; a nil s passes none.
func (f *PipelineFilter) Match(s *deal.PipelineSpec) bool {
	if f == nil || s == nil {
		return s != nil
	}
	return f.Name == "" || s.Name == f.Name
}

// NewPipelineRepository returns the PipelineRepository over a backend's
// specs and the event log of the same store or transaction.
func NewPipelineRepository(specs PipelineSpecRepository, events EventLog) PipelineRepository {
	return pipelineRepo{specs: specs, events: events}
}

type pipelineRepo struct {
	specs  PipelineSpecRepository
	events EventLog
}

// checkPipelineID refuses an ID no pipeline can have.
func checkPipelineID(id string) error {
	if err := checkString("id", id, MaxKeyLen); err != nil {
		return fmt.Errorf("pipeline: %w", err)
	}
	if id == "" {
		return crmkit.Invalid("id", "empty pipeline ID")
	}
	return nil
}

func (r pipelineRepo) Get(ctx context.Context, id string) (*deal.Pipeline, error) {
	if err := CheckContext(ctx); err != nil {
		return nil, err
	}
	if err := checkPipelineID(id); err != nil {
		return nil, err
	}
	s, err := r.specs.Get(ctx, deal.PipelineAggregateID(id))
	if err != nil {
		return nil, err
	}
	return deal.NewPipeline(s)
}

func (r pipelineRepo) GetVersion(ctx context.Context, id string, version int64) (*deal.Pipeline, error) {
	latest, err := r.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	switch {
	case version == latest.Version():
		return latest, nil
	case version < 1 || version > latest.Version():
		return nil, fmt.Errorf("pipeline %q has no version %d (versions 1..%d): %w", id, version, latest.Version(), crmkit.ErrNotFound)
	}
	for e, err := range r.events.ByAggregate(ctx, deal.PipelineAggregateID(id)) {
		if err != nil {
			return nil, err
		}
		if e.Version != version || e.AggregateKind != deal.PipelineKind {
			continue
		}
		var s deal.PipelineSpec
		if err := e.DecodePayload(&s); err != nil {
			return nil, fmt.Errorf("pipeline %q version %d: event %s: %w", id, version, e.ID, err)
		}
		return deal.NewPipeline(s)
	}
	return nil, fmt.Errorf("pipeline %q version %d: no event records it: %w", id, version, crmkit.ErrNotFound)
}

func (r pipelineRepo) List(ctx context.Context, f PipelineFilter, p Page) ([]*deal.Pipeline, Cursor, error) {
	specs, next, err := r.specs.List(ctx, f, p)
	if err != nil {
		return nil, "", err
	}
	out := make([]*deal.Pipeline, len(specs))
	for i, s := range specs {
		if out[i], err = deal.NewPipeline(s); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}

// spec returns p's spec, refusing a nil or zero p.
func pipelineSpec(p *deal.Pipeline) (deal.PipelineSpec, error) {
	if p == nil || p.ID() == "" {
		return deal.PipelineSpec{}, crmkit.Invalid("pipeline", "nil or zero pipeline")
	}
	return p.Spec(), nil
}

func (r pipelineRepo) Create(ctx context.Context, p *deal.Pipeline, key string, events ...crmkit.Event) (*deal.Pipeline, error) {
	if err := CheckContext(ctx); err != nil {
		return nil, err
	}
	s, err := pipelineSpec(p)
	if err != nil {
		return nil, err
	}
	got, err := r.specs.Create(ctx, s, key, events...)
	if err != nil {
		return nil, err
	}
	return deal.NewPipeline(got)
}

func (r pipelineRepo) Save(ctx context.Context, p *deal.Pipeline, expected int64, events ...crmkit.Event) error {
	if err := CheckContext(ctx); err != nil {
		return err
	}
	s, err := pipelineSpec(p)
	if err != nil {
		return err
	}
	return r.specs.Save(ctx, s, expected, events...)
}
