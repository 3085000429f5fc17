package account_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestProfitAndCLV(t *testing.T) {
	p, err := account.Profit(eur("1000.00"), eur("1200.00"))
	require.NoError(t, err)
	assert.Equal(t, eur("-200.00"), p, "a customer can cost more than it brings")
	m, err := account.ProfitMargin(eur("1000.00"), eur("250.00"))
	require.NoError(t, err)
	assert.True(t, m.Equal(d("0.75")), m.String())
	_, err = account.ProfitMargin(eur("0"), eur("0"))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = account.Profit(eur("-1"), eur("0"))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	// 100 * 0.8 / (1 + 0.1 - 0.8) = 266.666... -> 266.67
	v, err := account.HistoricalCLV(eur("100.00"), d("0.8"), d("0.1"), crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, eur("266.67"), v)
	// T=1: 100*0.8/1.1 = 72.727 -> 72.73; T=2: + 100*(0.8/1.1)^2 = 52.893 -> 125.62
	v, err = account.FiniteCLV(eur("100.00"), d("0.8"), d("0.1"), 1, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, eur("72.73"), v)
	v, err = account.FiniteCLV(eur("100.00"), d("0.8"), d("0.1"), 2, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, eur("125.62"), v)
	v, err = account.FiniteCLV(eur("100.00"), d("0.8"), d("0.1"), 1200, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, eur("266.67"), v, "the finite form converges to the infinite one")

	_, err = account.HistoricalCLV(eur("100"), d("1"), d("0"), crmkit.RoundHalfEven)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = account.HistoricalCLV(eur("100"), d("1.2"), d("0.1"), crmkit.RoundHalfEven)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = account.FiniteCLV(eur("100"), d("0.5"), d("-0.1"), 3, crmkit.RoundHalfEven)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = account.FiniteCLV(eur("100"), d("0.5"), d("0.1"), 0, crmkit.RoundHalfEven)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	s, err := account.MaxRetentionSpend(eur("1000.00"), d("0.3"), crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, eur("300.00"), s)
	s, err = account.MaxRetentionSpend(eur("-50.00"), d("0.9"), crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.True(t, s.IsZero(), "nothing is spent on a customer of negative value")
	_, err = account.MaxRetentionSpend(eur("1"), d("1.01"), crmkit.RoundHalfEven)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

// The finite CLV rises with the horizon and never exceeds the infinite one.
func TestFiniteCLVBoundedProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m, _ := crmkit.NewMoney(rapid.Int64Range(0, 1e9).Draw(t, "m"), crmkit.MustCurrency("EUR"))
		r := decimal.New(rapid.Int64Range(0, 99).Draw(t, "r"), -2)
		dr := decimal.New(rapid.Int64Range(0, 50).Draw(t, "d"), -2)
		n := rapid.IntRange(1, 60).Draw(t, "n")
		inf, err := account.HistoricalCLV(m, r, dr, crmkit.RoundFloor)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := account.FiniteCLV(m, r, dr, n, crmkit.RoundFloor)
		b, _ := account.FiniteCLV(m, r, dr, n+1, crmkit.RoundFloor)
		if a.Minor() > b.Minor() || b.Minor() > inf.Minor() {
			t.Fatalf("T=%d %v, T=%d %v, infinite %v", n, a, n+1, b, inf)
		}
	})
}

func rfmSample() []account.RFMInput {
	freq := []int64{1, 1, 1, 1, 1, 1, 2, 3, 3, 5}
	in := make([]account.RFMInput, 10)
	for i := range in {
		in[i] = account.RFMInput{
			Customer: fmt.Sprintf("c%d", i), Last: t0.AddDate(0, 0, i), Frequency: freq[i],
			Monetary: eur(fmt.Sprint((10 - i) * 10)),
		}
	}
	return in
}

func TestScoreRFM(t *testing.T) {
	got, err := account.ScoreRFM(rfmSample(), account.RFMConfig{})
	require.NoError(t, err)
	// Hand-computed: score = 1 + floor(5·L/10), L = customers strictly worse.
	want := map[string]struct {
		code int
		seg  account.RFMSegment
	}{
		"c0": {115, account.Lost}, "c1": {115, account.Lost}, "c2": {214, account.Hibernating},
		"c4": {313, account.NeedAttention}, "c6": {442, account.Champions}, "c7": {442, account.Champions},
		"c8": {541, account.Champions}, "c9": {551, account.Champions},
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
	got, err = account.ScoreRFM(rfmSample(), account.RFMConfig{RecencyBins: 2, FrequencyBins: 2, MonetaryBins: 3})
	require.NoError(t, err)
	assert.Equal(t, 2*100+2*10+1, got[9].Code)
	assert.Equal(t, 1*100+1*10+3, got[0].Code)

	bad := rfmSample()
	bad[3].Customer = "c2"
	_, err = account.ScoreRFM(bad, account.RFMConfig{})
	assert.ErrorIs(t, err, crmkit.ErrConflict)
	bad = rfmSample()
	bad[1].Frequency = -1
	_, err = account.ScoreRFM(bad, account.RFMConfig{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	bad = rfmSample()
	bad[1].Monetary = crmkit.MustMoney("1", "USD")
	_, err = account.ScoreRFM(bad, account.RFMConfig{})
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
	_, err = account.ScoreRFM(rfmSample(), account.RFMConfig{RecencyBins: 10})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Equal(t, "can't lose them", account.RFMSegmentOf(1, 5).String())
}

func rfmInputs(t *rapid.T) []account.RFMInput {
	n := rapid.IntRange(1, 60).Draw(t, "n")
	in := make([]account.RFMInput, n)
	for i := range in {
		m, _ := crmkit.NewMoney(rapid.Int64Range(0, 20).Draw(t, "m")*100, crmkit.MustCurrency("EUR"))
		in[i] = account.RFMInput{
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
		cfg := account.RFMConfig{RecencyBins: bins, FrequencyBins: 5, MonetaryBins: bins}
		got, err := account.ScoreRFM(in, cfg)
		if err != nil {
			t.Fatal(err)
		}
		n := len(in)
		rank := func(i int, less func(a, b account.RFMInput) bool) int {
			l := 0
			for _, o := range in {
				if less(o, in[i]) {
					l++
				}
			}
			return l
		}
		for i, s := range got {
			r := 1 + bins*rank(i, func(a, b account.RFMInput) bool { return a.Last.Before(b.Last) })/n
			f := 1 + 5*rank(i, func(a, b account.RFMInput) bool { return a.Frequency < b.Frequency })/n
			m := 1 + bins*rank(i, func(a, b account.RFMInput) bool { return a.Monetary.Minor() < b.Monetary.Minor() })/n
			if s.R != r || s.F != f || s.M != m || s.Code != r*100+f*10+m {
				t.Fatalf("%s: got %+v, ranks give %d%d%d", s.Customer, s, r, f, m)
			}
		}
		perm := rapid.Permutation(in).Draw(t, "perm")
		again, err := account.ScoreRFM(perm, cfg)
		if err != nil {
			t.Fatal(err)
		}
		by := map[string]account.RFMScore{}
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
	in := []account.CustomerRevenue{
		{"E", eur("50")}, {"C", eur("100")}, {"A", eur("500")}, {"D", eur("50")}, {"B", eur("300")},
	}
	r, err := account.Pareto(crmkit.MustCurrency("EUR"), in)
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

	_, err = account.Pareto(crmkit.MustCurrency("EUR"), append(in, account.CustomerRevenue{"A", eur("1")}))
	assert.ErrorIs(t, err, crmkit.ErrConflict)
	_, err = account.Pareto(crmkit.MustCurrency("EUR"), []account.CustomerRevenue{{"A", eur("-1")}})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = account.Pareto(crmkit.MustCurrency("EUR"), []account.CustomerRevenue{{"A", eur("0")}})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

// Pareto shares rise monotonically and end at exactly 100%; revenue is
// ranked in non-increasing order.
func TestParetoMonotoneProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 80).Draw(t, "n")
		in := make([]account.CustomerRevenue, n)
		for i := range in {
			m, _ := crmkit.NewMoney(rapid.Int64Range(0, 1e7).Draw(t, "rev"), crmkit.MustCurrency("EUR"))
			in[i] = account.CustomerRevenue{Customer: fmt.Sprintf("k%d", i), Revenue: m}
		}
		in[0].Revenue, _ = crmkit.NewMoney(1+in[0].Revenue.Minor(), crmkit.MustCurrency("EUR"))
		r, err := account.Pareto(crmkit.MustCurrency("EUR"), in)
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
		in := []account.RFMInput{
			{Customer: "old-rare", Last: t0, Frequency: 1, Monetary: eur("1")},
			{Customer: "new-often", Last: t0.AddDate(0, 1, 0), Frequency: 9, Monetary: eur("9")},
		}
		got, err := account.ScoreRFM(in, account.RFMConfig{RecencyBins: bins, FrequencyBins: bins, MonetaryBins: bins})
		require.NoError(t, err)
		assert.Equal(t, account.Lost, got[0].Segment, "bins %d", bins)
		// n = 2: the better customer has L = 1, score 1 + floor(bins/2).
		best := 1 + bins/2
		assert.Equal(t, best*111, got[1].Code, "bins %d", bins)
	}
	got, err := account.ScoreRFM([]account.RFMInput{
		{Customer: "a", Last: t0, Frequency: 1, Monetary: eur("1")},
		{Customer: "b", Last: t0.AddDate(0, 1, 0), Frequency: 2, Monetary: eur("2")},
	}, account.RFMConfig{RecencyBins: 2, FrequencyBins: 2, MonetaryBins: 2})
	require.NoError(t, err)
	assert.Equal(t, account.Champions, got[1].Segment, "2 of 2 bins is the top")
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
		_, err := account.ScoreRFM(in, account.RFMConfig{})
		revs := make([]account.CustomerRevenue, len(in))
		for k, c := range in {
			revs[k] = account.CustomerRevenue{Customer: c.Customer, Revenue: eur("1")}
		}
		_, perr := account.Pareto(crmkit.MustCurrency("EUR"), revs)
		if (i != j) != errors.Is(err, crmkit.ErrConflict) || (i != j) != errors.Is(perr, crmkit.ErrConflict) {
			t.Fatalf("dup %v: rfm %v, pareto %v", i != j, err, perr)
		}
	})
}
