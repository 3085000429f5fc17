package deal_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/internal/harness"
)

func errOf[T any](_ T, err error) error { return err }

// TestNilAndZeroPipeline: every method of a nil or zero *Pipeline and a
// nil *Pipelines answers without panicking, the accessors with zero
// answers and the methods returning an error with one matching
// crmkit.ErrInvalid (issue 16).
func TestNilAndZeroPipeline(t *testing.T) {
	for name, p := range map[string]*deal.Pipeline{"nil": nil, "zero": new(deal.Pipeline)} {
		t.Run(name, func(t *testing.T) {
			assert.Empty(t, p.ID())
			assert.Empty(t, p.Name())
			assert.Zero(t, p.Len())
			assert.Empty(t, p.Stages())
			assert.Empty(t, p.StageName(0))
			assert.Zero(t, p.Reactivation().Validate())
			st, ok := p.Stage(0)
			assert.False(t, ok)
			assert.Empty(t, st.Name)
			spec := p.Spec()
			assert.Empty(t, spec.ID)
			assert.Empty(t, spec.Stages)
			assert.Nil(t, p.Definition())
			assert.Nil(t, p.Triggers())
			assert.Empty(t, p.Mermaid())
			assert.Empty(t, p.Graphviz())
			assert.Empty(t, p.TriggerName(0))
			assert.Empty(t, p.StateName(deal.Open, 0))
			assert.False(t, p.Can(deal.Deal{}, 0))
			_, _, ok = p.Next(deal.Open, 0, 0)
			assert.False(t, ok)
			harness.Run(t, []harness.Case{
				{Name: "MarshalJSON", Call: func() error { return errOf(p.MarshalJSON()) }},
				{Name: "StageIndex", Call: func() error { return errOf(p.StageIndex("tracking")) }},
				{Name: "Replay", Call: func() error { return errOf(p.Replay(nil)) }},
				{Name: "Apply", Call: func() error { return errOf(p.Apply(deal.Deal{}, crmkit.Event{})) }},
				{Name: "ReplayAll", Call: func() error { return errOf(p.ReplayAll(nil)) }},
			})
		})
	}
	var set *deal.Pipelines
	assert.Nil(t, set.All())
	harness.Run(t, []harness.Case{
		{Name: "nil Pipelines MarshalJSON", Call: func() error { return errOf(set.MarshalJSON()) }},
		{Name: "nil Pipelines Get", Call: func() error { return errOf(set.Get("default")) }},
		{Name: "nil Pipelines ReplayAll", Call: func() error { return errOf(set.ReplayAll(nil)) }},
		{Name: "zero Pipelines Get", Want: crmkit.ErrNotFound, Call: func() error { return errOf(new(deal.Pipelines).Get("default")) }},
	})
	// A ready pipeline still answers as before.
	p := deal.DefaultPipeline()
	i, err := p.StageIndex("Negotiation")
	require.NoError(t, err)
	assert.Equal(t, 2, i)
	assert.Equal(t, 4, p.Len())
}
