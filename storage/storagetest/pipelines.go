package storagetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Pipeline definitions run the generic checks of the other repositories
// through pipelineSpecs, which adapts Tx.Pipelines (keyed by the
// pipeline's string ID) to a Repository of specs keyed by
// deal.PipelineAggregateID; testPipelineVersions checks what is their
// own: old versions readable, and deals referring to a stored version.

func testPipelines(t *testing.T, o Opener) { runOptional(t, o, pipelineFixture()) }

// pipelineKeys maps deal.PipelineAggregateID back to the pipeline IDs the
// fixture made, for pipelineSpecs.Get.
var pipelineKeys sync.Map

// pipelineSpecs is Tx.Pipelines as a storage.Repository of specs.
type pipelineSpecs struct{ r storage.PipelineRepository }

func (a pipelineSpecs) Get(ctx context.Context, id uuid.UUID) (deal.PipelineSpec, error) {
	key, ok := pipelineKeys.Load(id)
	switch {
	case id == uuid.Nil:
		key = "" // invalid, as a nil ID is
	case !ok:
		key = "unknown-" + id.String() // never stored
	}
	p, err := a.r.Get(ctx, key.(string))
	if err != nil {
		return deal.PipelineSpec{}, err
	}
	return p.Spec(), nil
}

func (a pipelineSpecs) List(ctx context.Context, f storage.PipelineFilter, p storage.Page) ([]deal.PipelineSpec, storage.Cursor, error) {
	ps, next, err := a.r.List(ctx, f, p)
	if err != nil {
		return nil, next, err
	}
	out := make([]deal.PipelineSpec, len(ps))
	for i, p := range ps {
		out[i] = p.Spec()
	}
	return out, next, nil
}

// pipelineOf builds the pipeline of s; a spec NewPipeline refuses is
// the error a Create would give (a *deal.Pipeline cannot hold it).
func pipelineOf(s deal.PipelineSpec) (*deal.Pipeline, error) { return deal.NewPipeline(s) }

func (a pipelineSpecs) Create(ctx context.Context, s deal.PipelineSpec, key string, events ...crmkit.Event) (deal.PipelineSpec, error) {
	p, err := pipelineOf(s)
	if err != nil {
		return deal.PipelineSpec{}, err
	}
	got, err := a.r.Create(ctx, p, key, events...)
	if err != nil {
		return deal.PipelineSpec{}, err
	}
	return got.Spec(), nil
}

func (a pipelineSpecs) Save(ctx context.Context, s deal.PipelineSpec, expected int64, events ...crmkit.Event) error {
	p, err := pipelineOf(s)
	if err != nil {
		return err
	}
	return a.r.Save(ctx, p, expected, events...)
}

func pipelineFixture() fixture[deal.PipelineSpec, storage.PipelineFilter] {
	return fixture[deal.PipelineSpec, storage.PipelineFilter]{
		repo: func(tx storage.Tx) storage.Repository[deal.PipelineSpec, storage.PipelineFilter] {
			return pipelineSpecs{tx.Pipelines()}
		},
		make:    makePipeline,
		next:    nextPipeline,
		touch:   func(s *deal.PipelineSpec) { s.Stages[0].Name = "touched" },
		clone:   deal.PipelineSpec.Clone,
		id:      storage.PipelineSpecID,
		version: func(s *deal.PipelineSpec) int64 { return s.Version },
		// Variants: named "Sales" for even i, "Renewals" for odd.
		filter:   storage.PipelineFilter{Name: "Sales"},
		selected: func(i int) bool { return i%2 == 0 },
		bad: func(t testing.TB) []deal.PipelineSpec {
			var out []deal.PipelineSpec
			bad := func(change func(s *deal.PipelineSpec)) {
				s, _ := makePipeline(t, 0)
				change(&s)
				out = append(out, s)
			}
			bad(func(s *deal.PipelineSpec) { s.Version = 0 })
			bad(func(s *deal.PipelineSpec) { s.ID = "" })
			bad(func(s *deal.PipelineSpec) { s.Stages = nil })
			bad(func(s *deal.PipelineSpec) { s.Stages[1].Probability = decimal.RequireFromString("1.5") })
			bad(func(s *deal.PipelineSpec) { s.Name = string(make([]byte, storage.MaxKeyLen+1)) })
			return out
		},
		badFilters: []storage.PipelineFilter{{Name: "\xff"}, {Name: "a\x00"}},
	}
}

// makePipeline returns variant i of a pipeline definition (the default
// pipeline's stages under the ID "pipe-<uuid>") at version 1 (2, revised,
// for i = 1 and 4) and its events.
func makePipeline(t testing.TB, i int) (deal.PipelineSpec, []crmkit.Event) {
	t.Helper()
	spec := deal.DefaultPipeline().Spec()
	spec.ID, spec.Name = "pipe-"+crmkit.NewID().String(), [...]string{"Sales", "Renewals"}[i%2]
	pipelineKeys.Store(deal.PipelineAggregateID(spec.ID), spec.ID)
	p, e, err := deal.DefinePipeline(spec, crmkit.Cmd{By: actor, At: base})
	require.NoError(t, err)
	s, evs := p.Spec(), []crmkit.Event{e}
	if i%3 == 1 {
		var n []crmkit.Event
		s, n = nextPipeline(t, s)
		evs = append(evs, n...)
	}
	return s, evs
}

// nextPipeline revises the pipeline: its first stage's probability
// becomes the version in hundredths.
func nextPipeline(t testing.TB, s deal.PipelineSpec) (deal.PipelineSpec, []crmkit.Event) {
	t.Helper()
	p, err := deal.NewPipeline(s)
	require.NoError(t, err)
	terms := s.Clone()
	terms.Stages[0].Probability = decimal.New(s.Version, -2)
	n, e, err := p.Revise(terms, crmkit.Cmd{By: actor, At: base.Add(time.Duration(s.Version) * time.Hour)})
	require.NoError(t, err)
	return n.Spec(), []crmkit.Event{e}
}

// testPipelineVersions stores a pipeline at versions 1 to 3 and checks
// that every version reads back as it was defined, and that a deal's
// PipelineVersion is a reference: a stored version resolves, a version
// not stored (or stored in another tenant only) is refused with nothing
// written, and 0 (a pipeline never stored) needs no definition.
func testPipelineVersions(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	globex := open(t, o, "globex")
	r := s.Pipelines()

	// Version 1: the default pipeline's stages as "fleet"; versions 2 and
	// 3 set the first stage's probability to 0.01 and 0.02.
	spec := deal.DefaultPipeline().Spec()
	spec.ID, spec.Name = "fleet", "Fleet sales"
	v1, e1, err := deal.DefinePipeline(spec, crmkit.Cmd{By: actor, At: base})
	require.NoError(t, err)
	_, err = r.Create(ctx, v1, "", e1)
	require.NoError(t, err)
	versions := []*deal.Pipeline{v1}
	for i := 1; i <= 2; i++ {
		terms := versions[i-1].Spec()
		terms.Stages[0].Probability = decimal.New(int64(i), -2)
		n, e, err := versions[i-1].Revise(terms, crmkit.Cmd{By: actor, At: base.Add(time.Duration(i) * time.Hour)})
		require.NoError(t, err)
		require.NoError(t, r.Save(ctx, n, int64(i), e))
		versions = append(versions, n)
	}
	latest, err := r.Get(ctx, "fleet")
	require.NoError(t, err)
	assert.Equal(t, int64(3), latest.Version())
	wantProb := []string{"0.1", "0.01", "0.02"} // the default's tracking stage, then the revisions
	for i := range versions {
		got, err := r.GetVersion(ctx, "fleet", int64(i+1))
		require.NoError(t, err, "version %d", i+1)
		same(t, versions[i].Spec(), got.Spec(), "version %d", i+1)
		st, _ := got.Stage(0)
		assert.True(t, st.Probability.Equal(decimal.RequireFromString(wantProb[i])), "version %d: %s", i+1, st.Probability)
	}
	for _, v := range []int64{0, 4, -1} {
		_, err = r.GetVersion(ctx, "fleet", v)
		assert.ErrorIs(t, err, crmkit.ErrNotFound, "version %d", v)
	}
	_, err = r.Get(ctx, "nope")
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	_, err = globex.Pipelines().Get(ctx, "fleet")
	assert.ErrorIs(t, err, crmkit.ErrNotFound, "another tenant's pipeline")
	for _, id := range []string{"", "a\x00", string(make([]byte, storage.MaxKeyLen+1))} {
		_, err = r.Get(ctx, id)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "id %q", id)
	}

	// Deals: on version 2, and on a pipeline never stored (version 0).
	dealOn := func(p *deal.Pipeline) (deal.Deal, crmkit.Event) {
		d, e, err := deal.New(p, deal.NewDeal{Name: "Fleet", Type: deal.NewBusiness, Amount: eur("1000.00"),
			AccountID: suiteAccount, Owner: "ana"}, deal.Cmd{Cmd: crmkit.Cmd{By: actor, At: base}})
		require.NoError(t, err)
		return d, e
	}
	d, de := dealOn(versions[1])
	assert.Equal(t, int64(2), d.PipelineVersion, "deal.New records the version")
	_, err = s.Deals().Create(ctx, d, "", de)
	require.NoError(t, err)
	got, err := s.Deals().Get(ctx, d.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.PipelineVersion)
	replayed, err := versions[1].Replay([]crmkit.Event{de})
	require.NoError(t, err)
	assert.Equal(t, int64(2), replayed.PipelineVersion, "replay restores the version")
	zero, ze := dealOn(deal.DefaultPipeline())
	assert.Equal(t, int64(0), zero.PipelineVersion)
	_, err = s.Deals().Create(ctx, zero, "", ze)
	require.NoError(t, err, "a pipeline never stored needs no definition")

	refused := func(what string, write func() error) {
		t.Helper()
		before := allEvents(t, ctx, s)
		assertBroken(t, write(), "pipeline_version", what)
		assert.Equal(t, len(before), len(allEvents(t, ctx, s)), "%s: nothing logged", what)
	}
	ahead, ae := dealOn(versions[2])
	ahead.PipelineVersion = 4
	ae = withPipelineVersion(t, ae, 4)
	refused("a version not stored", func() error { _, err := s.Deals().Create(ctx, ahead, "", ae); return err })
	_, err = s.Deals().Get(ctx, ahead.ID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	refused("the same inside Update", func() error {
		return s.Update(ctx, func(tx storage.Tx) error { _, err := tx.Deals().Create(ctx, ahead, "", ae); return err })
	})

	// globex has no "fleet": a deal there on version 1 is refused; once
	// globex defines it, the deal is stored.
	g, ge := dealOn(versions[0])
	gs := allEvents(t, ctx, globex)
	err = func() error { _, err := globex.Deals().Create(ctx, g, "", ge); return err }()
	assertBroken(t, err, "pipeline_version", "acme's pipeline from globex")
	assert.Len(t, allEvents(t, ctx, globex), len(gs), "nothing logged in globex")
	require.NoError(t, globex.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.Pipelines().Create(ctx, v1, "", e1); err != nil {
			return err
		}
		_, err := tx.Deals().Create(ctx, g, "", ge)
		return err
	}), "the definition, then the deal on it, in one Update")

	// A Save moving a stored deal to a version not stored is refused.
	moved, me, err := d.Transfer("bo", deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: base.Add(time.Hour)}})
	require.NoError(t, err)
	moved.PipelineVersion = 9
	refused("save to version 9", func() error { return s.Deals().Save(ctx, moved, d.Version, me) })
	got, err = s.Deals().Get(ctx, d.ID)
	require.NoError(t, err)
	assert.Equal(t, d.Version, got.Version)

	// Idempotent create, and a stale save.
	other := spec
	other.ID = "renewals"
	rp, re, err := deal.DefinePipeline(other, crmkit.Cmd{By: actor, At: base})
	require.NoError(t, err)
	first, err := r.Create(ctx, rp, "renewals-key", re)
	require.NoError(t, err)
	again, err := r.Create(ctx, rp, "renewals-key", re)
	require.NoError(t, err)
	assert.Equal(t, first.Version(), again.Version())
	next, ne, err := rp.Revise(other, crmkit.Cmd{By: actor, At: base.Add(time.Hour)})
	require.NoError(t, err)
	require.NoError(t, r.Save(ctx, next, 1, ne))
	other.AllowReopen = !other.AllowReopen
	rival, rve, err := rp.Revise(other, crmkit.Cmd{By: actor, At: base.Add(2 * time.Hour)})
	require.NoError(t, err)

	assert.ErrorIs(t, r.Save(ctx, rival, 1, rve), crmkit.ErrConflict, "another revision of version 1: the stored version is 2")
	assert.ErrorIs(t, r.Save(ctx, nil, 1, ne), crmkit.ErrInvalid)
	_, err = r.Create(ctx, deal.DefaultPipeline(), "", e1)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "a pipeline at version 0 is no definition")
	list, _, err := r.List(ctx, storage.PipelineFilter{}, storage.Page{})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"fleet", "renewals"}, []string{list[0].ID(), list[1].ID()})
	require.Len(t, list, 2)
}

// withPipelineVersion returns e (a DealCreated event) recording version v.
func withPipelineVersion(t testing.TB, e crmkit.Event, v int64) crmkit.Event {
	t.Helper()
	var pl deal.DealCreatedPayload
	require.NoError(t, e.DecodePayload(&pl))
	pl.PipelineVersion = v
	n, err := crmkit.NewEvent(e.AggregateKind, e.AggregateID, e.Type, e.Actor, e.At, e.Version, pl)
	require.NoError(t, err)
	n.ID, n.To = e.ID, e.To
	return n
}
