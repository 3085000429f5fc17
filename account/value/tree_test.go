package value_test

import (
	"encoding/csv"
	"errors"
	"iter"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account/value"
	"github.com/crmkit/crmkit/kpi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var jobs = []string{"sales", "engineer", "teacher"}

// miningData is the article's example made exact: customers aged 20-30 in
// a sales job adopt at 90% (18 of every 20), everybody else at 5% (1 of
// 20). Ages 18..60, three jobs, 20 customers per cell.
func miningData() iter.Seq[value.Sample] {
	return func(yield func(value.Sample) bool) {
		for age := 18; age <= 60; age++ {
			for j := range jobs {
				for k := range 20 {
					in := age >= 20 && age <= 30 && j == 0
					s := value.Sample{Values: []float64{float64(age), float64(j)}, Adopted: (in && k < 18) || (!in && k == 0)}
					if !yield(s) {
						return
					}
				}
			}
		}
	}
}

var miningAttrs = []value.Attribute{{Name: "age", Kind: value.Numeric}, {Name: "job", Kind: value.Categorical, Levels: jobs}}

func TestTreeFindsTheSegment(t *testing.T) {
	tree, err := value.TrainTree(miningAttrs, miningData(), value.TreeConfig{MaxDepth: 3, MinLeaf: 10})
	require.NoError(t, err)
	// Base rate: 11 ages x 18 adopters in the segment, 118 cells x 1 outside:
	// (198 + 118) / 2580 = 79/645 = 0.12248062015503875968... -> 16 places
	// 0.1224806201550388.
	assert.True(t, tree.BaseRate().Equal(d("0.1224806201550388")), tree.BaseRate().String())
	segs := tree.Rules()
	require.NotEmpty(t, segs)
	top := segs[0]
	assert.Equal(t, "19.5 < age <= 30.5 and job in {sales}", top.Rule)
	assert.True(t, top.Probability.Equal(d("0.9")), top.Probability.String())
	assert.Equal(t, 220, top.Support)
	assert.Equal(t, 198, top.Adopted)
	total := 0
	for _, s := range segs {
		total += s.Support
	}
	assert.Equal(t, 2580, total, "the leaves partition the customers")

	p, err := tree.Probability([]float64{25, 0})
	require.NoError(t, err)
	assert.InDelta(t, 0.9, p, 1e-12)
	ranked, err := tree.Rank(slices.Values([]value.Candidate{
		{"teacher-25", []float64{25, 2}}, {"sales-25", []float64{25, 0}}, {"sales-45", []float64{45, 0}},
	}))
	require.NoError(t, err)
	assert.Equal(t, "sales-25", ranked[0].Customer)
	assert.True(t, ranked[0].Probability.Equal(d("0.9")))

	_, err = tree.Probability([]float64{25, 3})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "job level out of range")
	_, err = tree.Probability([]float64{math.NaN(), 0})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = value.TrainTree(miningAttrs, slices.Values([]value.Sample{{Values: []float64{1}}}), value.TreeConfig{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = value.TrainTree(miningAttrs, slices.Values([]value.Sample(nil)), value.TreeConfig{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = value.TrainTree(miningAttrs, miningData(), value.TreeConfig{MaxDepth: 31})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	// Depth 1 with a large minimum leaf is a single split or none.
	stump, err := value.TrainTree(miningAttrs, miningData(), value.TreeConfig{MaxDepth: 1, MinLeaf: 2000})
	require.NoError(t, err)
	require.Len(t, stump.Rules(), 1)
	assert.Equal(t, "all customers", stump.Rules()[0].Rule)
}

// telco is one row of the IBM Telco data set as the tests use it.
type telco struct {
	contract, internet, payment, techSupport, security string
	tenure                                             float64
	monthly                                            crmkit.Money
	churned                                            bool
}

// loadTelco reads the CSV; rows whose TotalCharges do not parse as money
// are returned as errors, not zeroed.
func loadTelco(t *testing.T) (rows []telco, blank []error) {
	t.Helper()
	f, err := os.Open("testdata/Telco-Customer-Churn.csv")
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	usd := crmkit.MustCurrency("USD")
	for i, r := range recs[1:] {
		tenure, err := strconv.Atoi(r[5])
		require.NoError(t, err)
		monthly, err := crmkit.ParseMoney(r[18], usd)
		require.NoError(t, err)
		if _, err := crmkit.ParseMoney(r[19], usd); err != nil {
			blank = append(blank, err)
			require.Equal(t, 0, tenure, "row %d", i+2)
		}
		rows = append(rows, telco{contract: r[15], internet: r[8], payment: r[17], techSupport: r[12], security: r[9],
			tenure: float64(tenure), monthly: monthly, churned: r[20] == "Yes"})
	}
	return rows, blank
}

func TestTelcoChurn(t *testing.T) {
	rows, blank := loadTelco(t)
	require.Len(t, rows, 7043)
	assert.Len(t, blank, 11, "the 11 blank TotalCharges rows are reported")
	for _, err := range blank {
		assert.True(t, errors.Is(err, crmkit.ErrInvalid))
	}

	groups, err := value.ChurnByGroup(func(yield func(value.ChurnRecord) bool) {
		for _, r := range rows {
			if !yield(value.ChurnRecord{Group: r.contract, Churned: r.churned}) {
				return
			}
		}
	})
	require.NoError(t, err)
	require.Len(t, groups, 4)
	all := groups[0]
	assert.Equal(t, int64(7043), all.Customers)
	assert.Equal(t, int64(1869), all.Churned)
	assert.True(t, all.Rate.Round(4).Equal(d("0.2654")), all.Rate.String())
	byName := map[string]value.GroupChurn{}
	for _, g := range groups[1:] {
		byName[g.Group] = g
	}
	m2m, two := byName["Month-to-month"], byName["Two year"]
	assert.Equal(t, int64(1655), m2m.Churned)
	assert.Equal(t, int64(3875), m2m.Customers)
	assert.True(t, m2m.Rate.Round(4).Equal(d("0.4271")), m2m.Rate.String())
	assert.True(t, two.Rate.Round(4).Equal(d("0.0283")), two.Rate.String())
	assert.True(t, byName["One year"].Rate.Round(4).Equal(d("0.1127")))
	assert.True(t, m2m.Rate.GreaterThan(two.Rate.Mul(d("10"))), "month-to-month churns far more than two-year")

	// Same figure straight from kpi.
	c, err := kpi.LogoChurn(7043, 1869)
	require.NoError(t, err)
	assert.True(t, c.Equal(all.Rate))
}

var telcoAttrs = []value.Attribute{
	{Name: "tenure", Kind: value.Numeric},
	{Name: "monthly charges", Kind: value.Numeric},
	{Name: "contract", Kind: value.Categorical, Levels: []string{"Month-to-month", "One year", "Two year"}},
	{Name: "internet", Kind: value.Categorical, Levels: []string{"DSL", "Fiber optic", "No"}},
	{Name: "payment", Kind: value.Categorical, Levels: []string{"Electronic check", "Mailed check", "Bank transfer (automatic)", "Credit card (automatic)"}},
	{Name: "tech support", Kind: value.Categorical, Levels: []string{"No", "Yes", "No internet service"}},
	{Name: "online security", Kind: value.Categorical, Levels: []string{"No", "Yes", "No internet service"}},
}

func telcoValues(t *testing.T, r telco) []float64 {
	lvl := func(a int, s string) float64 {
		i := slices.Index(telcoAttrs[a].Levels, s)
		require.GreaterOrEqual(t, i, 0, "%s %q", telcoAttrs[a].Name, s)
		return float64(i)
	}
	return []float64{r.tenure, r.monthly.Decimal().InexactFloat64(), lvl(2, r.contract), lvl(3, r.internet), lvl(4, r.payment), lvl(5, r.techSupport), lvl(6, r.security)}
}

// A tree trained on four fifths of the customers (every row whose index is
// not a multiple of 5) predicts churn on the held-out fifth better than
// the base rate (always "stays").
func TestTelcoTreeBeatsBaseRate(t *testing.T) {
	rows, _ := loadTelco(t)
	train := func(yield func(value.Sample) bool) {
		for i, r := range rows {
			if i%5 != 0 && !yield(value.Sample{Values: telcoValues(t, r), Adopted: r.churned}) {
				return
			}
		}
	}
	tree, err := value.TrainTree(telcoAttrs, train, value.TreeConfig{MaxDepth: 4, MinLeaf: 50})
	require.NoError(t, err)
	var held, correct, stayed int
	for i := 0; i < len(rows); i += 5 {
		p, err := tree.Probability(telcoValues(t, rows[i]))
		require.NoError(t, err)
		held++
		if (p >= 0.5) == rows[i].churned {
			correct++
		}
		if !rows[i].churned {
			stayed++
		}
	}
	t.Logf("held out %d: tree right on %d, base rate (always stays) on %d", held, correct, stayed)
	assert.Greater(t, correct, stayed, "the tree beats the base rate on held-out rows")
	segs := tree.Rules()
	require.NotEmpty(t, segs)
	t.Logf("top segment: %s: %s of %d", segs[0].Rule, segs[0].Probability, segs[0].Support)
	assert.True(t, segs[0].Probability.GreaterThan(tree.BaseRate().Mul(d("2"))), "the top segment churns at over twice the base rate")
	assert.Contains(t, segs[0].Rule, "contract in {Month-to-month}")
}

// The leaves of any tree partition the training customers: supports add
// up to the sample count and adopters to the adopters; every leaf but a
// lone root holds at least MinLeaf customers; every training customer's
// probability is its leaf's rate; segments come highest probability first.
func TestTreeLeavesPartitionProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 200).Draw(t, "n")
		samples := make([]value.Sample, n)
		pos := 0
		for i := range samples {
			samples[i] = value.Sample{
				Values:  []float64{float64(rapid.IntRange(18, 70).Draw(t, "age")), float64(rapid.IntRange(0, 2).Draw(t, "job"))},
				Adopted: rapid.IntRange(0, 3).Draw(t, "adopt") == 0,
			}
			if samples[i].Adopted {
				pos++
			}
		}
		cfg := value.TreeConfig{MaxDepth: rapid.IntRange(1, 5).Draw(t, "depth"), MinLeaf: rapid.IntRange(1, 20).Draw(t, "minLeaf")}
		tree, err := value.TrainTree(miningAttrs, slices.Values(samples), cfg)
		if err != nil {
			t.Fatal(err)
		}
		segs := tree.Rules()
		support, adopted := 0, 0
		for i, s := range segs {
			support += s.Support
			adopted += s.Adopted
			if len(segs) > 1 && s.Support < cfg.MinLeaf {
				t.Fatalf("leaf %q holds %d < min leaf %d", s.Rule, s.Support, cfg.MinLeaf)
			}
			if i > 0 && s.Probability.GreaterThan(segs[i-1].Probability) {
				t.Fatalf("segments out of order at %d", i)
			}
		}
		if support != n || adopted != pos {
			t.Fatalf("leaves hold %d customers, %d adopters; trained on %d, %d", support, adopted, n, pos)
		}
		for _, s := range samples {
			p, err := tree.Probability(s.Values)
			if err != nil || p < 0 || p > 1 {
				t.Fatalf("probability %v, %v", p, err)
			}
		}
	})
}
