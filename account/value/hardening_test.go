package value_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account/value"
	"github.com/crmkit/crmkit/internal/harness"
)

func errOf[T any](_ T, err error) error { return err }

// TestHardening covers value's bad inputs: nil iterators, nil and zero
// Tree, Classifier and ParetoRanking, spans of
// months beyond MaxMonths, and rates whose decimal exponent would make
// exact arithmetic take forever (1e-2000000000 holds a coefficient of 1
// but means two billion decimal places). Each is refused with a root
// sentinel before any work; none panics or hangs.
func TestHardening(t *testing.T) {
	var (
		nilTree *value.Tree
		nilCls  *value.Classifier
		cal     crmkit.Calendar
		eur     = crmkit.MustCurrency("EUR")
		m100    = crmkit.MustMoney("100", "EUR")
		at      = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
		attrs   = []value.Attribute{{Name: "age", Kind: value.Numeric}}
	)
	history := []crmkit.Money{m100, m100, m100, m100, m100, m100}
	cases := []harness.Case{
		{Name: "TrainTree nil samples", Call: func() error { return errOf(value.TrainTree(attrs, nil, value.TreeConfig{})) }},
		{Name: "ChurnByGroup nil records", Call: func() error { return errOf(value.ChurnByGroup(nil)) }},
		{Name: "Cohorts nil activities", Call: func() error { return errOf(value.Cohorts(cal, nil)) }},
		{Name: "CategoriesPerCustomer nil purchases", Call: func() error { return errOf(value.CategoriesPerCustomer(nil)) }},

		{Name: "nil Tree Probability", Call: func() error { return errOf(nilTree.Probability([]float64{1})) }},
		{Name: "nil Tree Rank", Call: func() error { return errOf(nilTree.Rank(slices.Values([]value.Candidate{}))) }},
		{Name: "zero Tree Probability", Call: func() error { return errOf(new(value.Tree).Probability([]float64{1})) }},
		{Name: "zero Tree Rank", Call: func() error { return errOf(new(value.Tree).Rank(slices.Values([]value.Candidate{}))) }},
		{Name: "nil Classifier Classify", Call: func() error { return errOf(nilCls.Classify(history)) }},
		{Name: "zero Classifier Classify", Call: func() error { return errOf(new(value.Classifier).Classify(history)) }},
		{Name: "zero ParetoRanking KeyCustomers", Call: func() error { return errOf(value.ParetoRanking{}.KeyCustomers(decimal.New(8, -1))) }},

		{Name: "Cohorts over two millennia", Call: func() error {
			acts := []value.Activity{{Customer: "a", At: at}, {Customer: "a", At: at.AddDate(2000, 0, 0)}}
			return errOf(value.Cohorts(cal, slices.Values(acts)))
		}},
		{Name: "Cohorts from year -1e9 to 1e9", Call: func() error {
			acts := []value.Activity{{Customer: "a", At: time.Date(-1e9, 1, 1, 0, 0, 0, 0, time.UTC)}, {Customer: "b", At: time.Date(1e9, 1, 1, 0, 0, 0, 0, time.UTC)}}
			return errOf(value.Cohorts(cal, slices.Values(acts)))
		}},
	}
	// Rates: exponent and places are checked before any comparison.
	rates := map[string]decimal.Decimal{
		"1e-2000000000":  decimal.New(1, -2000000000),
		"1e2000000000":   decimal.New(1, 2000000000),
		"-1e2000000000":  decimal.New(-1, 2000000000),
		"21 places":      decimal.RequireFromString("0.123456789012345678901"),
		"1e-1000":        decimal.New(1, -1000),
		"above the most": decimal.NewFromInt(2),
	}
	ranking, err := value.Pareto(eur, []value.ParetoInput{{Customer: "a", Revenue: m100}})
	require.NoError(t, err)
	for label, r := range rates {
		ok := decimal.New(1, -1)
		cases = append(cases,
			harness.Case{Name: "FiniteCLV retention " + label, Call: func() error { return errOf(value.FiniteCLV(m100, r, ok, 1200, crmkit.RoundHalfEven)) }},
			harness.Case{Name: "FiniteCLV discount " + label, Call: func() error { return errOf(value.FiniteCLV(m100, ok, r, 1200, crmkit.RoundHalfEven)) }},
			harness.Case{Name: "HistoricalCLV retention " + label, Call: func() error { return errOf(value.HistoricalCLV(m100, r, ok, crmkit.RoundHalfEven)) }},
			harness.Case{Name: "HistoricalCLV discount " + label, Call: func() error { return errOf(value.HistoricalCLV(m100, ok, r, crmkit.RoundHalfEven)) }},
			harness.Case{Name: "KeyCustomers " + label, Call: func() error { return errOf(ranking.KeyCustomers(r)) }},
			harness.Case{Name: "NewClassifier " + label, Call: func() error { return errOf(value.NewClassifier(value.LifecycleRules{GrowthAbove: r})) }},
			harness.Case{Name: "CheckChurnLimits " + label, Call: func() error {
				return errOf(value.CheckChurnLimits([]value.TeamChurn{{Team: "t", Start: 10, Lost: 1, Limit: r}}))
			}},
			harness.Case{Name: "MaxRetentionSpend " + label, Call: func() error { return errOf(value.MaxRetentionSpend(m100, r, crmkit.RoundHalfEven)) }},
		)
	}
	for _, n := range []int{value.MaxFiniteCLVPeriods + 1, math.MaxInt, math.MinInt, 0} {
		cases = append(cases, harness.Case{Name: "FiniteCLV periods", Call: func() error {
			return errOf(value.FiniteCLV(m100, decimal.New(8, -1), decimal.New(1, -1), n, crmkit.RoundHalfEven))
		}})
	}
	harness.Run(t, cases)
}

// TestHardeningNilAccessors: accessors without an error return give the
// zero value on a nil or zero receiver instead of panicking.
func TestHardeningNilAccessors(t *testing.T) {
	var nilTree *value.Tree
	assert.True(t, nilTree.BaseRate().IsZero())
	assert.True(t, new(value.Tree).BaseRate().IsZero())
	assert.Nil(t, nilTree.Rules())
}

// TestFiniteCLVBoundsKeepExactness: rates at the bounds (18 places, the
// largest discount, the longest horizon) still compute, and trailing
// zeros beyond 18 places are the same value, accepted.
func TestFiniteCLVBoundsKeepExactness(t *testing.T) {
	m := crmkit.MustMoney("100", "EUR")
	// 0.8 written with 30 trailing zeros is 0.8: FiniteCLV(100, 0.8, 0.1, 2)
	// = 100·(0.8/1.1 + 0.64/1.21) = 72.7272... + 52.8925... = 125.62.
	r := decimal.RequireFromString("0.8" + "000000000000000000000000000000")
	v, err := value.FiniteCLV(m, r, decimal.New(1, -1), 2, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, "125.62 EUR", v.String())
	_, err = value.FiniteCLV(m, decimal.RequireFromString("0.99999999999999999999"),
		decimal.NewFromInt(1), value.MaxFiniteCLVPeriods, crmkit.RoundHalfEven)
	require.NoError(t, err)
}
