package deal_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var defineAt = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func fleetSpec() deal.PipelineSpec {
	s := deal.DefaultPipeline().Spec()
	s.ID, s.Name = "fleet", "Fleet sales"
	return s
}

func TestDefinePipeline(t *testing.T) {
	spec := fleetSpec()
	spec.Version = 9 // ignored
	p, e, err := deal.DefinePipeline(spec, crmkit.Cmd{By: "ops", At: defineAt, Reason: "new segment"})
	require.NoError(t, err)
	assert.Equal(t, int64(1), p.Version())
	assert.Equal(t, "fleet", p.ID())
	// The aggregate ID is the name-based UUID of the key, computed apart.
	assert.Equal(t, uuid.NewSHA1(uuid.MustParse("6f3c2a9e-8d1b-5e47-9a0c-3b7d5f1e2c84"), []byte("fleet")), e.AggregateID)
	assert.Equal(t, deal.PipelineAggregateID("fleet"), e.AggregateID)
	assert.NotEqual(t, deal.PipelineAggregateID("fleet"), deal.PipelineAggregateID("Fleet"))
	assert.Equal(t, crmkit.Event{ID: e.ID, AggregateID: e.AggregateID, AggregateKind: "pipeline", Type: "PipelineDefined",
		Actor: "ops", At: defineAt, Version: 1, Reason: "new segment", Payload: e.Payload}, e)
	var payload deal.PipelineSpec
	require.NoError(t, json.Unmarshal(e.Payload, &payload))
	again, err := deal.NewPipeline(payload)
	require.NoError(t, err)
	assert.Equal(t, p.Spec(), again.Spec(), "the payload rebuilds the pipeline")

	_, _, err = deal.DefinePipeline(spec, crmkit.Cmd{At: defineAt})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "no actor")
	bad := fleetSpec()
	bad.Stages = nil
	_, _, err = deal.DefinePipeline(bad, crmkit.Cmd{By: "ops", At: defineAt})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	neg := fleetSpec()
	neg.Version = -1
	_, err = deal.NewPipeline(neg)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "a negative version")
	assert.Equal(t, int64(0), deal.DefaultPipeline().Version(), "a pipeline never stored")
	var nilP *deal.Pipeline
	assert.Equal(t, int64(0), nilP.Version())
}

func TestPipelineRevise(t *testing.T) {
	p, _, err := deal.DefinePipeline(fleetSpec(), crmkit.Cmd{By: "ops", At: defineAt})
	require.NoError(t, err)
	before := p.Spec()
	terms := fleetSpec()
	terms.Stages[0].Probability = decimal.RequireFromString("0.15")
	n, e, err := p.Revise(terms, crmkit.Cmd{By: "ops", At: defineAt.Add(time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, int64(2), n.Version())
	assert.Equal(t, int64(2), e.Version)
	assert.Equal(t, "PipelineRevised", e.Type)
	assert.Equal(t, deal.PipelineAggregateID("fleet"), e.AggregateID)
	st, _ := n.Stage(0)
	assert.True(t, st.Probability.Equal(decimal.RequireFromString("0.15")))
	assert.Equal(t, before, p.Spec(), "p is unchanged")

	other := fleetSpec()
	other.ID = "renewals"
	_, _, err = p.Revise(other, crmkit.Cmd{By: "ops", At: defineAt})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "another key")
	_, _, err = deal.DefaultPipeline().Revise(deal.DefaultPipeline().Spec(), crmkit.Cmd{By: "ops", At: defineAt})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "never defined")
	var nilP *deal.Pipeline
	_, _, err = nilP.Revise(terms, crmkit.Cmd{By: "ops", At: defineAt})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

// A deal records the version of the pipeline it was created on, in its
// state and in its DealCreated event, and replaying the event restores
// it, whatever the version.
func TestDealPipelineVersionProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p, _, err := deal.DefinePipeline(fleetSpec(), crmkit.Cmd{By: "ops", At: defineAt})
		if err != nil {
			t.Fatal(err)
		}
		revisions := rapid.IntRange(0, 4).Draw(t, "revisions")
		for i := range revisions {
			if p, _, err = p.Revise(fleetSpec(), crmkit.Cmd{By: "ops", At: defineAt.Add(time.Duration(i+1) * time.Minute)}); err != nil {
				t.Fatal(err)
			}
		}
		d, e, err := deal.New(p, deal.NewDeal{Name: "vans", Type: deal.NewBusiness, Amount: crmkit.MustMoney("10.00", "EUR"),
			AccountID: crmkit.NewID(), Owner: "ana"}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: defineAt}})
		if err != nil {
			t.Fatal(err)
		}
		want := int64(revisions + 1)
		var pl deal.DealCreatedPayload
		if err := e.DecodePayload(&pl); err != nil {
			t.Fatal(err)
		}
		replayed, err := p.Replay([]crmkit.Event{e})
		if err != nil {
			t.Fatal(err)
		}
		if d.PipelineVersion != want || pl.PipelineVersion != want || replayed.PipelineVersion != want {
			t.Fatalf("versions: deal %d, event %d, replayed %d; want %d", d.PipelineVersion, pl.PipelineVersion, replayed.PipelineVersion, want)
		}
		if err := d.Validate(); err != nil {
			t.Fatal(err)
		}
		d.PipelineVersion = -1
		if d.Validate() == nil {
			t.Fatal("a negative pipeline version validates")
		}
	})
}

// ExampleDefinePipeline defines a pipeline, creates a deal on it and
// revises the pipeline: the deal keeps the version it was created on.
func ExampleDefinePipeline() {
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	spec := deal.DefaultPipeline().Spec()
	spec.ID = "fleet"
	v1, defined, err := deal.DefinePipeline(spec, crmkit.Cmd{By: "ops", At: at})
	if err != nil {
		panic(err)
	}
	d, _, _ := deal.New(v1, deal.NewDeal{Name: "50 vans", Type: deal.NewBusiness, Amount: crmkit.MustMoney("90000.00", "EUR"),
		AccountID: crmkit.NewID(), Owner: "ana"}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at}})
	spec.Stages[0].Probability = decimal.RequireFromString("0.15")
	v2, revised, _ := v1.Revise(spec, crmkit.Cmd{By: "ops", At: at.AddDate(0, 1, 0)})
	fmt.Println(defined.Type, defined.Version, "->", revised.Type, revised.Version)
	fmt.Println("pipeline at version", v2.Version(), "; the deal runs on version", d.PipelineVersion)
	// Output:
	// PipelineDefined 1 -> PipelineRevised 2
	// pipeline at version 2 ; the deal runs on version 1
}
