package quota_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/quota"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestNewCommissionPlan(t *testing.T) {
	at := time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC)
	spec := accelerated()
	spec.Version = 7 // ignored
	cp, e, err := quota.NewCommissionPlan(spec, crmkit.Cmd{By: "cfo", At: at, Reason: "FY2025"})
	require.NoError(t, err)
	assert.NotEqual(t, uuid.Nil, cp.ID)
	assert.Equal(t, int64(1), cp.Version)
	assert.Equal(t, crmkit.Event{ID: e.ID, AggregateID: cp.ID, AggregateKind: "commission_plan", Type: "CommissionPlanCreated",
		Actor: "cfo", At: at, Version: 1, Reason: "FY2025", Payload: e.Payload}, e)
	var payload quota.CommissionPlan
	require.NoError(t, e.DecodePayload(&payload))
	assert.Equal(t, cp.ID, payload.ID)
	assert.Equal(t, "AE 2025", payload.Name)
	assert.True(t, payload.Tiers[2].Rate.Equal(decimal.RequireFromString("0.12")))

	// A given ID is kept.
	spec.ID = uuid.MustParse("019cadc6-0000-7000-8000-000000000001")
	kept, _, err := quota.NewCommissionPlan(spec, crmkit.Cmd{By: "cfo", At: at})
	require.NoError(t, err)
	assert.Equal(t, spec.ID, kept.ID)

	// Bad input: a bad command or bad terms.
	_, _, err = quota.NewCommissionPlan(accelerated(), crmkit.Cmd{At: at})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	bad := accelerated()
	bad.Tiers = nil
	_, _, err = quota.NewCommissionPlan(bad, crmkit.Cmd{By: "cfo", At: at})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestCommissionPlanRevise(t *testing.T) {
	at := time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC)
	cp, _, err := quota.NewCommissionPlan(accelerated(), crmkit.Cmd{By: "cfo", At: at})
	require.NoError(t, err)
	before := cp.Clone()

	terms := accelerated()
	terms.ID, terms.Version = crmkit.NewID(), 40 // both ignored
	terms.Tiers[2].Rate = decimal.RequireFromString("0.15")
	next, e, err := cp.Revise(terms, crmkit.Cmd{By: "cfo", At: at.AddDate(0, 3, 0), Reason: "bigger accelerator"})
	require.NoError(t, err)
	assert.Equal(t, cp.ID, next.ID)
	assert.Equal(t, int64(2), next.Version)
	assert.True(t, next.Tiers[2].Rate.Equal(decimal.RequireFromString("0.15")))
	assert.Equal(t, "CommissionPlanRevised", e.Type)
	assert.Equal(t, int64(2), e.Version)
	assert.Equal(t, cp.ID, e.AggregateID)
	assert.Equal(t, before, cp, "the plan revised is unchanged")
	terms.Tiers[2].Label = "changed after"
	assert.Equal(t, "accelerator", next.Tiers[2].Label, "the revised plan shares no tiers with the terms")

	bad := accelerated()
	bad.Tiers[0].Rate = decimal.RequireFromString("-0.01")
	got, _, err := cp.Revise(bad, crmkit.Cmd{By: "cfo", At: at})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Equal(t, before, got, "a refused revision returns the plan as it was")
	_, _, err = quota.CommissionPlan{}.Revise(accelerated(), crmkit.Cmd{By: "cfo", At: at})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "a plan never created")
}

// Every event's payload is the plan at that event's version: replaying
// the history gives each version, and the last is the plan.
func TestCommissionPlanHistoryProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		at := time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC)
		cp, e, err := quota.NewCommissionPlan(accelerated(), crmkit.Cmd{By: "cfo", At: at})
		if err != nil {
			t.Fatal(err)
		}
		versions := []quota.CommissionPlan{cp}
		events := []crmkit.Event{e}
		for i := range rapid.IntRange(0, 5).Draw(t, "revisions") {
			terms := accelerated()
			top := rapid.IntRange(0, 100).Draw(t, fmt.Sprintf("top %d", i))
			terms.Tiers[2].Rate = decimal.New(int64(top), -2)
			cp, e, err = cp.Revise(terms, crmkit.Cmd{By: "cfo", At: at.AddDate(0, i+1, 0)})
			if err != nil {
				t.Fatal(err)
			}
			versions = append(versions, cp)
			events = append(events, e)
		}
		for i, e := range events {
			if e.Version != int64(i+1) || versions[i].Version != int64(i+1) {
				t.Fatalf("event %d at version %d, plan at %d", i, e.Version, versions[i].Version)
			}
			var got quota.CommissionPlan
			if err := e.DecodePayload(&got); err != nil {
				t.Fatal(err)
			}
			if got.Version != versions[i].Version || !got.Tiers[2].Rate.Equal(versions[i].Tiers[2].Rate) {
				t.Fatalf("event %d payload %+v, plan %+v", i, got, versions[i])
			}
		}
	})
}

// ExampleNewCommissionPlan creates a commission plan and revises its
// accelerator: version 2 pays 15% above quota, version 1 stays in the
// history.
func ExampleNewCommissionPlan() {
	d := decimal.RequireFromString
	at := time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC)
	terms := quota.CommissionPlan{Name: "AE 2025", Currency: crmkit.MustCurrency("EUR"), Basis: quota.OnAttainment, Method: quota.Marginal,
		Tiers: []quota.Tier{
			{From: d("0"), To: decimal.NewNullDecimal(d("1")), Rate: d("0.08"), Label: "base"},
			{From: d("1"), Rate: d("0.12"), Label: "accelerator"},
		},
		Rounding: crmkit.RoundHalfEven, Calendar: quota.Fiscal(time.January, ""), Grain: quota.Months}
	cp, created, err := quota.NewCommissionPlan(terms, crmkit.Cmd{By: "cfo", At: at})
	if err != nil {
		panic(err)
	}
	terms.Tiers[1].Rate = d("0.15")
	cp, revised, err := cp.Revise(terms, crmkit.Cmd{By: "cfo", At: at.AddDate(0, 3, 0), Reason: "push new logos"})
	if err != nil {
		panic(err)
	}
	fmt.Println(created.Type, created.Version)
	fmt.Println(revised.Type, revised.Version, revised.Reason)
	fmt.Println("accelerator now", cp.Tiers[1].Rate)
	// Output:
	// CommissionPlanCreated 1
	// CommissionPlanRevised 2 push new logos
	// accelerator now 0.15
}
