package clv_test

import (
	"math"
	"testing"

	"pgregory.net/rapid"

	"github.com/crmkit/crmkit/account/clv"
)

// fittedModels returns the three purchase models fitted once on CDNOW.
func fittedModels(t *testing.T) map[string]clv.PurchaseModel {
	bg, _ := cdnowBGNBD(t)
	pnbd, _ := cdnowPareto(t)
	mbg := clv.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614}
	return map[string]clv.PurchaseModel{"BG/NBD": bg, "MBG/NBD": mbg, "Pareto/NBD": pnbd}
}

// customerGen draws a valid (x, t_x, T) summary in weeks.
func customerGen() *rapid.Generator[clv.Customer] {
	return rapid.Custom(func(t *rapid.T) clv.Customer {
		age := rapid.Float64Range(0, 150).Draw(t, "T")
		x := rapid.IntRange(0, 60).Draw(t, "x")
		c := clv.Customer{Frequency: x, T: age}
		if x > 0 {
			c.Recency = age * rapid.Float64Range(0, 1).Draw(t, "recency share")
		}
		c.MonetaryValue = rapid.Float64Range(0.01, 500).Draw(t, "m")
		return c
	})
}

func ok(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) && v >= 0 }

func TestPropertyPredictionsAreFiniteBoundedAndMonotone(t *testing.T) {
	models := fittedModels(t)
	for name, m := range models {
		t.Run(name, func(t *testing.T) {
			rapid.Check(t, func(rt *rapid.T) {
				c := customerGen().Draw(rt, "customer")
				t1 := rapid.Float64Range(0, 200).Draw(rt, "t1")
				t2 := t1 + rapid.Float64Range(0, 200).Draw(rt, "dt")

				p, err := m.ProbAlive(c)
				if err != nil || math.IsNaN(p) || p < 0 || p > 1 {
					rt.Fatalf("P(alive) = %v, %v for %+v", p, err, c)
				}
				if _, isBG := m.(clv.BGNBD); isBG && c.Frequency == 0 && p != 1 {
					rt.Fatalf("BG/NBD P(alive) of a customer without repeat purchase = %v", p)
				}

				e1, err1 := m.ConditionalExpectedPurchases(t1, c)
				e2, err2 := m.ConditionalExpectedPurchases(t2, c)
				if err1 != nil || err2 != nil || !ok(e1) || !ok(e2) {
					rt.Fatalf("conditional expectations %v, %v (%v, %v) for %+v", e1, e2, err1, err2, c)
				}
				if e2 < e1-1e-9*(1+e1) {
					rt.Fatalf("conditional expectation shrinks with the horizon: E(%v)=%v > E(%v)=%v for %+v", t1, e1, t2, e2, c)
				}

				u1, err1 := m.ExpectedPurchases(t1)
				u2, err2 := m.ExpectedPurchases(t2)
				if err1 != nil || err2 != nil || !ok(u1) || !ok(u2) || u2 < u1-1e-9*(1+u1) {
					rt.Fatalf("expectations E[X(%v)]=%v, E[X(%v)]=%v (%v, %v)", t1, u1, t2, u2, err1, err2)
				}

				n := rapid.IntRange(0, 30).Draw(rt, "n")
				pn, err := m.ProbPurchases(n, t1)
				if err != nil || !ok(pn) || pn > 1+1e-12 {
					rt.Fatalf("P(X(%v)=%d) = %v, %v", t1, n, pn, err)
				}
			})
		})
	}
}

func TestPropertyCLVAndSpend(t *testing.T) {
	bg, _ := cdnowBGNBD(t)
	g := clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	mean, err := g.ExpectedSpend()
	if err != nil {
		t.Fatal(err)
	}
	rapid.Check(t, func(rt *rapid.T) {
		c := customerGen().Draw(rt, "customer")
		if c.Frequency == 0 {
			c.MonetaryValue = 0
		}
		s, err := g.ConditionalExpectedSpend(c)
		if err != nil {
			rt.Fatal(err)
		}
		// The estimate is a weighted average of the population mean and the
		// customer's own mean.
		lo, hi := math.Min(mean, c.MonetaryValue), math.Max(mean, c.MonetaryValue)
		if c.Frequency == 0 {
			lo, hi = mean, mean
		}
		if s < lo-1e-9 || s > hi+1e-9 {
			rt.Fatalf("spend %v outside [%v, %v]", s, lo, hi)
		}
		opts := clv.CLVOptions{
			Periods:      rapid.IntRange(1, 24).Draw(rt, "periods"),
			PeriodLength: rapid.Float64Range(0.5, 10).Draw(rt, "length"),
			DiscountRate: rapid.Float64Range(0, 0.2).Draw(rt, "rate"),
			Margin:       rapid.Float64Range(0.01, 1).Draw(rt, "margin"),
		}
		v, err := g.CLV(bg, c, opts)
		if err != nil || !ok(v) {
			rt.Fatalf("CLV = %v, %v", v, err)
		}
		// A longer horizon never lowers CLV; discounting never raises it.
		opts.Periods++
		longer, err := g.CLV(bg, c, opts)
		if err != nil || longer < v-1e-9*(1+v) {
			rt.Fatalf("CLV over %d periods %v < %v", opts.Periods, longer, v)
		}
		opts.Periods--
		opts.DiscountRate = 0
		undiscounted, err := g.CLV(bg, c, opts)
		if err != nil || undiscounted < v-1e-9*(1+v) {
			rt.Fatalf("undiscounted CLV %v < %v", undiscounted, v)
		}
	})
}

func TestPropertyBGBB(t *testing.T) {
	m, _ := donationsBGBB(t)
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(0, 30).Draw(rt, "n")
		c := clv.DiscreteCustomer{Periods: n}
		if n > 0 {
			c.Recency = rapid.IntRange(0, n).Draw(rt, "t_x")
			if c.Recency > 0 {
				c.Frequency = rapid.IntRange(1, c.Recency).Draw(rt, "x")
			}
		}
		p, err := m.ProbAlive(c)
		if err != nil || math.IsNaN(p) || p < 0 || p > 1+1e-12 {
			rt.Fatalf("P(alive) = %v, %v for %+v", p, err, c)
		}
		f1 := rapid.IntRange(0, 20).Draw(rt, "future")
		f2 := f1 + rapid.IntRange(0, 20).Draw(rt, "more")
		e1, err1 := m.ConditionalExpectedTransactions(f1, c)
		e2, err2 := m.ConditionalExpectedTransactions(f2, c)
		if err1 != nil || err2 != nil || !ok(e1) || !ok(e2) || e2 < e1-1e-12 || e2 > float64(f2)+1e-9 {
			rt.Fatalf("E over %d = %v, over %d = %v (%v, %v) for %+v", f1, e1, f2, e2, err1, err2, c)
		}
		sum := 0.0
		for x := 0; x <= n; x++ {
			q, err := m.ProbTransactions(x, n)
			if err != nil || !ok(q) {
				rt.Fatalf("P(X(%d)=%d) = %v, %v", n, x, q, err)
			}
			sum += q
		}
		if math.Abs(sum-1) > 1e-9 {
			rt.Fatalf("P(X(%d)=x) sums to %v", n, sum)
		}
	})
}

func TestPropertyAnyParametersGiveUsablePredictions(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		param := func(name string) float64 {
			return math.Exp(rapid.Float64Range(math.Log(0.05), math.Log(50)).Draw(rt, name))
		}
		r, alpha, a, b := param("r"), param("alpha"), param("a"), param("b")
		c := customerGen().Draw(rt, "customer")
		horizon := rapid.Float64Range(0, 200).Draw(rt, "t")
		models := map[string]clv.PurchaseModel{
			"BG/NBD":     clv.BGNBD{R: r, Alpha: alpha, A: a, B: b},
			"MBG/NBD":    clv.MBGNBD{R: r, Alpha: alpha, A: a, B: b},
			"Pareto/NBD": clv.ParetoNBD{R: r, Alpha: alpha, S: a, Beta: b},
		}
		for name, m := range models {
			v, err := m.ConditionalExpectedPurchases(horizon, c)
			if err != nil || !ok(v) {
				rt.Fatalf("%s %+v: conditional expectation %v, %v", name, m, v, err)
			}
			v, err = m.ExpectedPurchases(horizon)
			if err != nil || !ok(v) {
				rt.Fatalf("%s %+v: expectation %v, %v", name, m, v, err)
			}
			v, err = m.ProbAlive(c)
			if err != nil || !ok(v) || v > 1 {
				rt.Fatalf("%s %+v: P(alive) %v, %v", name, m, v, err)
			}
			v, err = m.ProbPurchases(3, horizon)
			if err != nil || !ok(v) || v > 1+1e-9 {
				rt.Fatalf("%s %+v: P(X=3) %v, %v", name, m, v, err)
			}
		}
	})
}
