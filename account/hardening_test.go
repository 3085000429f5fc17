package account_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/internal/harness"
)

func errOf[T any](_ T, err error) error { return err }

// TestHardening covers account's domain-side bad inputs: nil iterators,
// nil and zero Tree, Classifier, Hierarchy and ParetoRanking, spans of
// months beyond MaxMonths, and rates whose decimal exponent would make
// exact arithmetic take forever (1e-2000000000 holds a coefficient of 1
// but means two billion decimal places). Each is refused with a root
// sentinel before any work; none panics or hangs.
func TestHardening(t *testing.T) {
	var (
		nilTree *account.Tree
		nilCls  *account.Classifier
		nilH    *account.Hierarchy
		cal     crmkit.Calendar
		eur     = crmkit.MustCurrency("EUR")
		m100    = crmkit.MustMoney("100", "EUR")
		at      = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
		attrs   = []account.Attribute{{Name: "age", Kind: account.Numeric}}
	)
	history := []crmkit.Money{m100, m100, m100, m100, m100, m100}
	cases := []harness.Case{
		{Name: "TrainTree nil samples", Call: func() error { return errOf(account.TrainTree(attrs, nil, account.TreeConfig{})) }},
		{Name: "JourneyStatsOf nil interactions", Call: func() error { return errOf(account.JourneyStatsOf(nil)) }},
		{Name: "RepeatSupportSignals nil interactions", Call: func() error {
			return errOf(account.RepeatSupportSignals(nil, nil, crmkit.Period{Start: at, End: at.AddDate(0, 1, 0)}, 2))
		}},
		{Name: "ChurnByGroup nil records", Call: func() error { return errOf(account.ChurnByGroup(nil)) }},
		{Name: "Cohorts nil activities", Call: func() error { return errOf(account.Cohorts(cal, nil)) }},
		{Name: "CategoriesPerCustomer nil purchases", Call: func() error { return errOf(account.CategoriesPerCustomer(nil)) }},

		{Name: "nil Tree Probability", Call: func() error { return errOf(nilTree.Probability([]float64{1})) }},
		{Name: "nil Tree Rank", Call: func() error { return errOf(nilTree.Rank(slices.Values([]account.Candidate{}))) }},
		{Name: "zero Tree Probability", Call: func() error { return errOf(new(account.Tree).Probability([]float64{1})) }},
		{Name: "zero Tree Rank", Call: func() error { return errOf(new(account.Tree).Rank(slices.Values([]account.Candidate{}))) }},
		{Name: "nil Classifier Classify", Call: func() error { return errOf(nilCls.Classify(history)) }},
		{Name: "zero Classifier Classify", Call: func() error { return errOf(new(account.Classifier).Classify(history)) }},
		{Name: "nil Hierarchy SetParent", Call: func() error { return nilH.SetParent(uuid.New(), uuid.Nil) }},
		{Name: "nil Hierarchy RollUp", Call: func() error { return errOf(nilH.RollUp(eur, nil)) }},
		{Name: "zero Hierarchy SetParent", Want: crmkit.ErrNotFound, Call: func() error { return new(account.Hierarchy).SetParent(uuid.New(), uuid.Nil) }},
		{Name: "zero ParetoRanking KeyCustomers", Call: func() error { return errOf(account.ParetoRanking{}.KeyCustomers(decimal.New(8, -1))) }},

		{Name: "Cohorts over two millennia", Call: func() error {
			acts := []account.Activity{{Customer: "a", At: at}, {Customer: "a", At: at.AddDate(2000, 0, 0)}}
			return errOf(account.Cohorts(cal, slices.Values(acts)))
		}},
		{Name: "Cohorts from year -1e9 to 1e9", Call: func() error {
			acts := []account.Activity{{Customer: "a", At: time.Date(-1e9, 1, 1, 0, 0, 0, 0, time.UTC)}, {Customer: "b", At: time.Date(1e9, 1, 1, 0, 0, 0, 0, time.UTC)}}
			return errOf(account.Cohorts(cal, slices.Values(acts)))
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
	ranking, err := account.Pareto(eur, []account.CustomerRevenue{{Customer: "a", Revenue: m100}})
	require.NoError(t, err)
	for label, r := range rates {
		ok := decimal.New(1, -1)
		cases = append(cases,
			harness.Case{Name: "FiniteCLV retention " + label, Call: func() error { return errOf(account.FiniteCLV(m100, r, ok, 1200, crmkit.RoundHalfEven)) }},
			harness.Case{Name: "FiniteCLV discount " + label, Call: func() error { return errOf(account.FiniteCLV(m100, ok, r, 1200, crmkit.RoundHalfEven)) }},
			harness.Case{Name: "HistoricalCLV retention " + label, Call: func() error { return errOf(account.HistoricalCLV(m100, r, ok, crmkit.RoundHalfEven)) }},
			harness.Case{Name: "HistoricalCLV discount " + label, Call: func() error { return errOf(account.HistoricalCLV(m100, ok, r, crmkit.RoundHalfEven)) }},
			harness.Case{Name: "KeyCustomers " + label, Call: func() error { return errOf(ranking.KeyCustomers(r)) }},
			harness.Case{Name: "NewClassifier " + label, Call: func() error { return errOf(account.NewClassifier(account.LifecycleRules{GrowthAbove: r})) }},
			harness.Case{Name: "CheckChurnLimits " + label, Call: func() error {
				return errOf(account.CheckChurnLimits([]account.TeamChurn{{Team: "t", Start: 10, Lost: 1, Limit: r}}))
			}},
			harness.Case{Name: "MaxRetentionSpend " + label, Call: func() error { return errOf(account.MaxRetentionSpend(m100, r, crmkit.RoundHalfEven)) }},
		)
	}
	for _, n := range []int{account.MaxCLVPeriods + 1, math.MaxInt, math.MinInt, 0} {
		cases = append(cases, harness.Case{Name: "FiniteCLV periods", Call: func() error {
			return errOf(account.FiniteCLV(m100, decimal.New(8, -1), decimal.New(1, -1), n, crmkit.RoundHalfEven))
		}})
	}
	harness.Run(t, cases)
}

// TestHardeningNilAccessors: accessors without an error return give the
// zero value on a nil or zero receiver instead of panicking.
func TestHardeningNilAccessors(t *testing.T) {
	var (
		nilTree *account.Tree
		nilH    *account.Hierarchy
		id      = uuid.New()
	)
	assert.True(t, nilTree.BaseRate().IsZero())
	assert.True(t, new(account.Tree).BaseRate().IsZero())
	assert.Nil(t, nilTree.Rules())
	assert.Zero(t, nilH.Len())
	_, ok := nilH.Parent(id)
	assert.False(t, ok)
	assert.Nil(t, nilH.Children(id))
	assert.Nil(t, nilH.Roots())
	assert.Nil(t, nilH.Ancestors(id))
	assert.Nil(t, nilH.Subtree(id))
}

// TestFiniteCLVBoundsKeepExactness: rates at the bounds (18 places, the
// largest discount, the longest horizon) still compute, and trailing
// zeros beyond 18 places are the same value, accepted.
func TestFiniteCLVBoundsKeepExactness(t *testing.T) {
	m := crmkit.MustMoney("100", "EUR")
	// 0.8 written with 30 trailing zeros is 0.8: FiniteCLV(100, 0.8, 0.1, 2)
	// = 100·(0.8/1.1 + 0.64/1.21) = 72.7272... + 52.8925... = 125.62.
	r := decimal.RequireFromString("0.8" + "000000000000000000000000000000")
	v, err := account.FiniteCLV(m, r, decimal.New(1, -1), 2, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, "125.62 EUR", v.String())
	_, err = account.FiniteCLV(m, decimal.RequireFromString("0.99999999999999999999"),
		decimal.NewFromInt(1), account.MaxCLVPeriods, crmkit.RoundHalfEven)
	require.NoError(t, err)
}
