package clv_test

import (
	"testing"

	"github.com/crmkit/crmkit/account/clv"
)

// The fitting benchmarks use the data lifetimes' own examples fit: the
// shipped 2,357-customer CDNOW summary (Gamma-Gamma: its 946 repeat
// customers) and the 22-row weighted donations data. Each reports the
// log-likelihood reached, to compare optima.

func benchFit[M any](b *testing.B, fit func() (M, clv.FitResult, error)) {
	b.ReportAllocs()
	var res clv.FitResult
	for b.Loop() {
		var err error
		if _, res, err = fit(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(res.LogLikelihood, "LL")
	b.ReportMetric(float64(res.Evaluations), "evals")
}

func BenchmarkFitBGNBD(b *testing.B) {
	cs := cdnowCustomers(b)
	benchFit(b, func() (clv.BGNBD, clv.FitResult, error) { return clv.FitBGNBD(cs, clv.FitOptions{}) })
}

func BenchmarkFitParetoNBD(b *testing.B) {
	cs := cdnowCustomers(b)
	benchFit(b, func() (clv.ParetoNBD, clv.FitResult, error) { return clv.FitParetoNBD(cs, clv.FitOptions{}) })
}

func BenchmarkFitMBGNBD(b *testing.B) {
	cs := cdnowCustomers(b)
	benchFit(b, func() (clv.MBGNBD, clv.FitResult, error) { return clv.FitMBGNBD(cs, clv.FitOptions{}) })
}

func BenchmarkFitGammaGamma(b *testing.B) {
	cs := cdnowCustomers(b)
	benchFit(b, func() (clv.GammaGamma, clv.FitResult, error) { return clv.FitGammaGamma(cs, clv.FitOptions{}) })
}

func BenchmarkFitBGBB(b *testing.B) {
	cs, ws := donations(b)
	benchFit(b, func() (clv.BGBB, clv.FitResult, error) { return clv.FitBGBB(cs, clv.FitOptions{Weights: ws}) })
}

func BenchmarkSummarizeCDNOWSample(b *testing.B) {
	txs := sampleTransactions(b)
	var all []clv.Transaction
	for tx := range txs {
		all = append(all, tx)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := clv.Summarize(func(yield func(clv.Transaction) bool) {
			for _, tx := range all {
				if !yield(tx) {
					return
				}
			}
		}, cdnowOptions()); err != nil {
			b.Fatal(err)
		}
	}
}
