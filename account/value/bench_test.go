package value_test

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account/value"
)

func benchRFMInputs(n int) []value.RFMInput {
	rng := rand.New(rand.NewPCG(1, 2))
	cur := crmkit.MustCurrency("EUR")
	in := make([]value.RFMInput, n)
	for i := range in {
		f := int64(1)
		if rng.IntN(2) == 0 { // over half buy once, as in CDNOW
			f += int64(rng.IntN(20))
		}
		m, _ := crmkit.NewMoney(int64(rng.IntN(100_000)), cur)
		in[i] = value.RFMInput{Customer: "c" + strconv.Itoa(i), Last: t0.AddDate(0, 0, rng.IntN(540)), Frequency: f, Monetary: m}
	}
	return in
}

func BenchmarkRFM1M(b *testing.B) {
	in := benchRFMInputs(1_000_000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := value.ScoreRFM(in, value.RFMConfig{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPareto1M(b *testing.B) {
	rfm := benchRFMInputs(1_000_000)
	in := make([]value.ParetoInput, len(rfm))
	for i, r := range rfm {
		in[i] = value.ParetoInput{Customer: r.Customer, Revenue: r.Monetary}
	}
	cur := crmkit.MustCurrency("EUR")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r, err := value.Pareto(cur, in)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.KeyCustomers(d("0.8")); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkClassify100kx36(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	cur := crmkit.MustCurrency("EUR")
	hist := make([][]crmkit.Money, 100_000)
	for i := range hist {
		h := make([]crmkit.Money, 36)
		base := int64(rng.IntN(1_000_000))
		for j := range h {
			v := base + int64(rng.IntN(200_000)) - 100_000
			if v < 0 || rng.IntN(10) == 0 {
				v = 0
			}
			h[j], _ = crmkit.NewMoney(v, cur)
		}
		hist[i] = h
	}
	c, err := value.NewClassifier(value.LifecycleRules{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, h := range hist {
			if _, err := c.Classify(h); err != nil {
				b.Fatal(err)
			}
		}
	}
}
