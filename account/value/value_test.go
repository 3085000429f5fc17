package value_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account/value"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestProfitAndCLV(t *testing.T) {
	p, err := value.Profit(eur("1000.00"), eur("1200.00"))
	require.NoError(t, err)
	assert.Equal(t, eur("-200.00"), p, "a customer can cost more than it brings")
	m, err := value.ProfitMargin(eur("1000.00"), eur("250.00"))
	require.NoError(t, err)
	assert.True(t, m.Equal(d("0.75")), m.String())
	_, err = value.ProfitMargin(eur("0"), eur("0"))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = value.Profit(eur("-1"), eur("0"))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	// 100 * 0.8 / (1 + 0.1 - 0.8) = 266.666... -> 266.67
	v, err := value.HistoricalCLV(eur("100.00"), d("0.8"), d("0.1"), crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, eur("266.67"), v)
	// T=1: 100*0.8/1.1 = 72.727 -> 72.73; T=2: + 100*(0.8/1.1)^2 = 52.893 -> 125.62
	v, err = value.FiniteCLV(eur("100.00"), d("0.8"), d("0.1"), 1, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, eur("72.73"), v)
	v, err = value.FiniteCLV(eur("100.00"), d("0.8"), d("0.1"), 2, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, eur("125.62"), v)
	v, err = value.FiniteCLV(eur("100.00"), d("0.8"), d("0.1"), 1200, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, eur("266.67"), v, "the finite form converges to the infinite one")

	_, err = value.HistoricalCLV(eur("100"), d("1"), d("0"), crmkit.RoundHalfEven)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = value.HistoricalCLV(eur("100"), d("1.2"), d("0.1"), crmkit.RoundHalfEven)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = value.FiniteCLV(eur("100"), d("0.5"), d("-0.1"), 3, crmkit.RoundHalfEven)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = value.FiniteCLV(eur("100"), d("0.5"), d("0.1"), 0, crmkit.RoundHalfEven)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	s, err := value.MaxRetentionSpend(eur("1000.00"), d("0.3"), crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, eur("300.00"), s)
	s, err = value.MaxRetentionSpend(eur("-50.00"), d("0.9"), crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.True(t, s.IsZero(), "nothing is spent on a customer of negative value")
	_, err = value.MaxRetentionSpend(eur("1"), d("1.01"), crmkit.RoundHalfEven)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

// The finite CLV rises with the horizon and never exceeds the infinite one.
func TestFiniteCLVBoundedProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m, _ := crmkit.NewMoney(rapid.Int64Range(0, 1e9).Draw(t, "m"), crmkit.MustCurrency("EUR"))
		r := decimal.New(rapid.Int64Range(0, 99).Draw(t, "r"), -2)
		dr := decimal.New(rapid.Int64Range(0, 50).Draw(t, "d"), -2)
		n := rapid.IntRange(1, 60).Draw(t, "n")
		inf, err := value.HistoricalCLV(m, r, dr, crmkit.RoundFloor)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := value.FiniteCLV(m, r, dr, n, crmkit.RoundFloor)
		b, _ := value.FiniteCLV(m, r, dr, n+1, crmkit.RoundFloor)
		if a.Minor() > b.Minor() || b.Minor() > inf.Minor() {
			t.Fatalf("T=%d %v, T=%d %v, infinite %v", n, a, n+1, b, inf)
		}
	})
}

func rfmSample() []value.RFMInput {
	freq := []int64{1, 1, 1, 1, 1, 1, 2, 3, 3, 5}
	in := make([]value.RFMInput, 10)
	for i := range in {
		in[i] = value.RFMInput{
			Customer: fmt.Sprintf("c%d", i), Last: t0.AddDate(0, 0, i), Frequency: freq[i],
			Monetary: eur(fmt.Sprint((10 - i) * 10)),
		}
	}
	return in
}

func TestScoreRFM(t *testing.T) {
	got, err := value.ScoreRFM(rfmSample(), value.RFMConfig{})
	require.NoError(t, err)
	// Hand-computed: score = 1 + floor(5·L/10), L = customers strictly worse.
	want := map[string]struct {
		code int
		seg  value.RFMSegment
	}{
		"c0": {115, value.Lost}, "c1": {115, value.Lost}, "c2": {214, value.Hibernating},
		"c4": {313, value.NeedAttention}, "c6": {442, value.Champions}, "c7": {442, value.Champions},
		"c8": {541, value.Champions}, "c9": {551, value.Champions},
	}
	for _, s := range got {
		if w, ok := want[s.Customer]; ok {
			assert.Equal(t, w.code, s.Code, s.Customer)
			assert.Equal(t, w.seg, s.Segment, s.Customer)
		}
	}
	// Six customers bought once: all share F = 1 (the tie rule).
	for _, s := range got[:6] {
		assert.Equal(t, 1, s.F, s.Customer)
	}
	// Two bins: 1 + floor(2·L/10).
	got, err = value.ScoreRFM(rfmSample(), value.RFMConfig{RecencyBins: 2, FrequencyBins: 2, MonetaryBins: 3})
	require.NoError(t, err)
	assert.Equal(t, 2*100+2*10+1, got[9].Code)
	assert.Equal(t, 1*100+1*10+3, got[0].Code)

	bad := rfmSample()
	bad[3].Customer = "c2"
	_, err = value.ScoreRFM(bad, value.RFMConfig{})
	assert.ErrorIs(t, err, crmkit.ErrConflict)
	bad = rfmSample()
	bad[1].Frequency = -1
	_, err = value.ScoreRFM(bad, value.RFMConfig{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	bad = rfmSample()
	bad[1].Monetary = crmkit.MustMoney("1", "USD")
	_, err = value.ScoreRFM(bad, value.RFMConfig{})
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
	_, err = value.ScoreRFM(rfmSample(), value.RFMConfig{RecencyBins: 10})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Equal(t, "can't lose them", value.RFMSegmentOf(1, 5).String())
}

func rfmInputs(t *rapid.T) []value.RFMInput {
	n := rapid.IntRange(1, 60).Draw(t, "n")
	in := make([]value.RFMInput, n)
	for i := range in {
		m, _ := crmkit.NewMoney(rapid.Int64Range(0, 20).Draw(t, "m")*100, crmkit.MustCurrency("EUR"))
		in[i] = value.RFMInput{
			Customer: fmt.Sprintf("c%d", i), Last: t0.AddDate(0, 0, rapid.IntRange(0, 30).Draw(t, "day")),
			Frequency: rapid.Int64Range(1, 6).Draw(t, "f"), Monetary: m,
		}
	}
	return in
}

// RFM scores are a pure function of the ranks (the count of strictly worse
// values), identical under any input order, and codes are R*100+F*10+M.
func TestRFMPureAndOrderStableProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := rfmInputs(t)
		bins := rapid.IntRange(2, 9).Draw(t, "bins")
		cfg := value.RFMConfig{RecencyBins: bins, FrequencyBins: 5, MonetaryBins: bins}
		got, err := value.ScoreRFM(in, cfg)
		if err != nil {
			t.Fatal(err)
		}
		n := len(in)
		rank := func(i int, less func(a, b value.RFMInput) bool) int {
			l := 0
			for _, o := range in {
				if less(o, in[i]) {
					l++
				}
			}
			return l
		}
		for i, s := range got {
			r := 1 + bins*rank(i, func(a, b value.RFMInput) bool { return a.Last.Before(b.Last) })/n
			f := 1 + 5*rank(i, func(a, b value.RFMInput) bool { return a.Frequency < b.Frequency })/n
			m := 1 + bins*rank(i, func(a, b value.RFMInput) bool { return a.Monetary.Minor() < b.Monetary.Minor() })/n
			if s.R != r || s.F != f || s.M != m || s.Code != r*100+f*10+m {
				t.Fatalf("%s: got %+v, ranks give %d%d%d", s.Customer, s, r, f, m)
			}
		}
		perm := rapid.Permutation(in).Draw(t, "perm")
		again, err := value.ScoreRFM(perm, cfg)
		if err != nil {
			t.Fatal(err)
		}
		by := map[string]value.RFMScore{}
		for _, s := range got {
			by[s.Customer] = s
		}
		for _, s := range again {
			if by[s.Customer] != s {
				t.Fatalf("%s scored %+v, then %+v after reordering", s.Customer, by[s.Customer], s)
			}
		}
	})
}

func TestPareto(t *testing.T) {
	in := []value.ParetoInput{
		{"E", eur("50")}, {"C", eur("100")}, {"A", eur("500")}, {"D", eur("50")}, {"B", eur("300")},
	}
	r, err := value.Pareto(crmkit.MustCurrency("EUR"), in)
	require.NoError(t, err)
	var order []string
	for _, e := range r.Entries {
		order = append(order, e.Customer)
	}
	assert.Equal(t, []string{"A", "B", "C", "D", "E"}, order)
	for i, w := range []string{"0.5", "0.8", "0.9", "0.95", "1"} {
		assert.True(t, r.Share(i).Equal(d(w)), "share %d = %s", i, r.Share(i))
	}
	k, err := r.KeyCustomers(d("0.8"))
	require.NoError(t, err)
	assert.Equal(t, 2, k, "2 of 5 customers make 80% of revenue")
	k, _ = r.KeyCustomers(d("0.81"))
	assert.Equal(t, 3, k)
	_, err = r.KeyCustomers(d("0"))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	_, err = value.Pareto(crmkit.MustCurrency("EUR"), append(in, value.ParetoInput{"A", eur("1")}))
	assert.ErrorIs(t, err, crmkit.ErrConflict)
	_, err = value.Pareto(crmkit.MustCurrency("EUR"), []value.ParetoInput{{"A", eur("-1")}})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = value.Pareto(crmkit.MustCurrency("EUR"), []value.ParetoInput{{"A", eur("0")}})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

// Pareto shares rise monotonically and end at exactly 100%; revenue is
// ranked in non-increasing order.
func TestParetoMonotoneProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 80).Draw(t, "n")
		in := make([]value.ParetoInput, n)
		for i := range in {
			m, _ := crmkit.NewMoney(rapid.Int64Range(0, 1e7).Draw(t, "rev"), crmkit.MustCurrency("EUR"))
			in[i] = value.ParetoInput{Customer: fmt.Sprintf("k%d", i), Revenue: m}
		}
		in[0].Revenue, _ = crmkit.NewMoney(1+in[0].Revenue.Minor(), crmkit.MustCurrency("EUR"))
		r, err := value.Pareto(crmkit.MustCurrency("EUR"), in)
		if err != nil {
			t.Fatal(err)
		}
		prev := decimal.Zero
		for i := range r.Entries {
			s := r.Share(i)
			if s.LessThan(prev) || (i > 0 && r.Entries[i].Revenue.Minor() > r.Entries[i-1].Revenue.Minor()) {
				t.Fatalf("entry %d: share %s after %s", i, s, prev)
			}
			prev = s
		}
		if !prev.Equal(decimal.NewFromInt(1)) {
			t.Fatalf("last share %s", prev)
		}
	})
}

// With 2, 3 or 9 bins, the worst score is segmented like a quintile 1
// and the best like a quintile 5.
func TestRFMSegmentsScaleBins(t *testing.T) {
	for _, bins := range []int{2, 3, 9} {
		in := []value.RFMInput{
			{Customer: "old-rare", Last: t0, Frequency: 1, Monetary: eur("1")},
			{Customer: "new-often", Last: t0.AddDate(0, 1, 0), Frequency: 9, Monetary: eur("9")},
		}
		got, err := value.ScoreRFM(in, value.RFMConfig{RecencyBins: bins, FrequencyBins: bins, MonetaryBins: bins})
		require.NoError(t, err)
		assert.Equal(t, value.Lost, got[0].Segment, "bins %d", bins)
		// n = 2: the better customer has L = 1, score 1 + floor(bins/2).
		best := 1 + bins/2
		assert.Equal(t, best*111, got[1].Code, "bins %d", bins)
	}
	got, err := value.ScoreRFM([]value.RFMInput{
		{Customer: "a", Last: t0, Frequency: 1, Monetary: eur("1")},
		{Customer: "b", Last: t0.AddDate(0, 1, 0), Frequency: 2, Monetary: eur("2")},
	}, value.RFMConfig{RecencyBins: 2, FrequencyBins: 2, MonetaryBins: 2})
	require.NoError(t, err)
	assert.Equal(t, value.Champions, got[1].Segment, "2 of 2 bins is the top")
}

// Duplicate keys are found wherever they are, whatever the amounts.
func TestDuplicateCustomersProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := rfmInputs(t)
		i := rapid.IntRange(0, len(in)-1).Draw(t, "i")
		j := rapid.IntRange(0, len(in)-1).Draw(t, "j")
		if i != j {
			in[j].Customer = in[i].Customer
		}
		_, err := value.ScoreRFM(in, value.RFMConfig{})
		revs := make([]value.ParetoInput, len(in))
		for k, c := range in {
			revs[k] = value.ParetoInput{Customer: c.Customer, Revenue: eur("1")}
		}
		_, perr := value.Pareto(crmkit.MustCurrency("EUR"), revs)
		if (i != j) != errors.Is(err, crmkit.ErrConflict) || (i != j) != errors.Is(perr, crmkit.ErrConflict) {
			t.Fatalf("dup %v: rfm %v, pareto %v", i != j, err, perr)
		}
	})
}
