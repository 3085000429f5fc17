package funneltest_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/funneltest"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func Example() {
	h := funneltest.Histories(funneltest.Config{Forward: true, MaxEntities: 20}).Example(1)
	rep, err := funnel.SummarizeRecords(h.Pipeline, h.Seq(), funnel.Query{AsOf: h.Last})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("counts:", funneltest.CheckCounts(rep.Total, true))
	fmt.Println("rates:", funneltest.CheckRates(rep.Total))
	fmt.Println("final state:", funneltest.CheckFinalState(h))
	// Output:
	// counts: <nil>
	// rates: <nil>
	// final state: <nil>
}

func report(t *testing.T) funnel.Summary {
	t.Helper()
	h := funneltest.Histories(funneltest.Config{Forward: true, MinStages: 3, MaxEntities: 30, MaxSteps: 20}).Example(3)
	rep, err := funnel.SummarizeRecords(h.Pipeline, h.Seq(), funnel.Query{AsOf: h.Last})
	require.NoError(t, err)
	require.NoError(t, funneltest.CheckCounts(rep.Total, true))
	require.NoError(t, funneltest.CheckRates(rep.Total))
	require.Positive(t, rep.Total.Stages[0].Reached)
	return rep.Total
}

// Every check fails on a broken input: a check that cannot fail is a
// defect.
func TestChecksCatchBrokenInput(t *testing.T) {
	s := report(t)
	broken := s
	broken.Stages = slices.Clone(s.Stages)
	broken.Stages[0].Advanced = broken.Stages[0].Reached + 1
	assert.Error(t, funneltest.CheckCounts(broken, false))
	assert.Error(t, funneltest.CheckRates(broken), "advanced beyond reached is a conversion above 1")
	assert.Error(t, funneltest.DiffSummaries(s, broken))

	up := s
	up.Stages = slices.Clone(s.Stages)
	up.Stages[len(up.Stages)-1].Reached = up.Stages[0].Reached + 1
	up.Entities = up.Stages[len(up.Stages)-1].Reached
	up.Open += up.Entities - s.Entities
	assert.Error(t, funneltest.CheckCounts(up, true), "a later stage larger than an earlier one")

	statuses := s
	statuses.Won++
	assert.Error(t, funneltest.CheckCounts(statuses, false))
	assert.Error(t, funneltest.DiffSummaries(s, statuses))

	amount := s
	amount.WonAmount = crmkit.MustMoney("1", "EUR")
	assert.Error(t, funneltest.DiffSummaries(s, amount))

	d1, _ := crmkit.DurationsOf(crmkit.QuantilesExact, time.Hour, 2*time.Hour)
	d2, _ := crmkit.DurationsOf(crmkit.QuantilesExact, time.Hour, 3*time.Hour)
	assert.Error(t, funneltest.DiffDurations("x", d1, d2))
	assert.NoError(t, funneltest.DiffDurations("x", d1, d1))

	eur := crmkit.MustCurrency("EUR")
	ten, _ := crmkit.NewMoney(1000, eur)
	a, _ := crmkit.NewMoney(333, eur)
	b, _ := crmkit.NewMoney(666, eur)
	assert.Error(t, funneltest.CheckCredits(ten, []crmkit.Money{a, a, a}))
	assert.NoError(t, funneltest.CheckCredits(ten, []crmkit.Money{a, b, crmkit.MustMoney("0.01", "EUR")}))

	w := funnel.Waterfall{Start: funnel.Flow{Count: 2, Amount: ten}, End: funnel.Flow{Count: 2, Amount: ten}}
	assert.NoError(t, funneltest.CheckWaterfall(w))
	w.Won = funnel.Flow{Count: 1, Amount: a}
	assert.Error(t, funneltest.CheckWaterfall(w))

	in := funnel.PlanInput{Target: ten, AverageDeal: a, Periods: 1, Steps: []funnel.PlanStep{{Name: "opportunities", Rate: decimal.RequireFromString("0.5")}}}
	p, err := funnel.ReversePlan(in)
	require.NoError(t, err)
	assert.NoError(t, funneltest.CheckPlan(in, p))
	p.Steps[0].Total--
	assert.Error(t, funneltest.CheckPlan(in, p), "one opportunity short")

	h := funneltest.Histories(funneltest.Config{}).Example(5)
	h.Final[0].Amount = crmkit.MustMoney("123.45", "EUR")
	assert.Error(t, funneltest.CheckFinalState(h))
}

func TestCheckMergeOnGeneratedHistories(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := funneltest.Histories(funneltest.Config{}).Draw(t, "history")
		even := func(id uuid.UUID) bool { return id[15]%2 == 0 }
		if err := funneltest.CheckMerge(h.Pipeline, h.Records, even, funnel.Query{AsOf: h.Last, By: []funnel.Dimension{funnel.ByOwner}}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestGeneratorsRespectConfig(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := funneltest.Histories(funneltest.Config{MinStages: 2, MaxStages: 3, MaxEntities: 4, Forward: true}).Draw(t, "history")
		if n := h.Pipeline.Len(); n < 2 || n > 3 {
			t.Fatalf("%d stages", n)
		}
		if len(h.Final) < 1 || len(h.Final) > 4 {
			t.Fatalf("%d entities", len(h.Final))
		}
		for _, o := range h.Final {
			if o.Reached&(o.Reached+1) != 0 {
				t.Fatalf("forward history with reached set %b", o.Reached)
			}
		}
		if !slices.IsSortedFunc(h.Records, funnel.CompareRecords) {
			t.Fatal("records not in report order")
		}
	})
}
