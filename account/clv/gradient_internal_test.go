package clv

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

func loadSummary(t *testing.T) []Customer {
	f, err := os.Open("testdata/cdnow_customers_summary_with_transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cs []Customer
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		r := strings.Split(strings.TrimSpace(sc.Text()), ",")
		x, _ := strconv.Atoi(r[1])
		tx, _ := strconv.ParseFloat(r[2], 64)
		age, _ := strconv.ParseFloat(r[3], 64)
		m, _ := strconv.ParseFloat(r[4], 64)
		cs = append(cs, Customer{Frequency: x, Recency: tx, T: age, MonetaryValue: m})
	}
	return cs
}

// TestAnalyticGradients compares each analytic gradient with central
// differences of the same log-likelihood, on both sides of α = β for
// Pareto/NBD.
func TestAnalyticGradients(t *testing.T) {
	cs := loadSummary(t)
	d, err := newCountData(cs, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	sd, err := newSpendData(cs, nil)
	if err != nil {
		t.Fatal(err)
	}
	bd, err := newBGBBData([]DiscreteCustomer{{Periods: 6}, {Frequency: 1, Recency: 1, Periods: 6}, {Frequency: 2, Recency: 4, Periods: 6}, {Frequency: 6, Recency: 6, Periods: 6}, {Frequency: 3, Recency: 5, Periods: 9}}, []float64{3464, 1091, 155, 1203, 7})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		ll   objective
		at   [][]float64
	}{
		{"BG/NBD", betaGeoLL(d, false), [][]float64{{0.243, 4.414, 0.793, 2.426}, {1.5, 0.7, 3, 0.2}}},
		{"MBG/NBD", betaGeoLL(d, true), [][]float64{{0.525, 6.183, 0.891, 1.614}, {2, 30, 0.4, 5}}},
		{"Pareto/NBD", paretoLL(d), [][]float64{{0.553, 10.578, 0.606, 11.669}, {0.553, 11.669, 0.606, 10.578}, {1, 3, 2, 3}, {0.3, 6, 1.5, 9}, {3, 9, 0.2, 6}}},
		{"Gamma-Gamma", gammaGammaLL(sd), [][]float64{{6.25, 3.74, 15.44}, {1, 10, 2}}},
		{"BG/BB", bgbbLL(bd), [][]float64{{1.204, 0.750, 0.657, 2.783}, {0.2, 5, 3, 0.4}}},
	}
	// Far from α = β the series is slow: the gradient is left NaN for
	// minimise to take finite differences.
	g := make([]float64, 4)
	paretoLL(d)([]float64{0.3, 2, 1.5, 9}, g)
	for i, v := range g {
		if !math.IsNaN(v) {
			t.Errorf("Pareto/NBD with z = 7/9: ∂/∂p[%d] = %v, want NaN", i, v)
		}
	}
	for _, tc := range cases {
		for _, p := range tc.at {
			got := make([]float64, len(p))
			tc.ll(p, got)
			want := fd.Gradient(nil, func(q []float64) float64 { return tc.ll(q, nil) }, p, &fd.Settings{Formula: fd.Central})
			for i := range p {
				if math.IsNaN(got[i]) || math.Abs(got[i]-want[i]) > 1e-5*(1+math.Abs(want[i])) {
					t.Errorf("%s at %v: ∂/∂p[%d] = %v, central difference %v", tc.name, p, i, got[i], want[i])
				}
			}
		}
	}
}

func TestHyp2f1DerivativesMatchHypergeo(t *testing.T) {
	for _, c := range [][3]float64{{1.2, 1.6, 0.09}, {30, 29.5, 0.05}, {0.5, 2, 0.5}, {3, 0.2, 0.3}, {2, 2, 0}} {
		a, b, z := c[0], c[1], c[2]
		f, fa, fb, fz, ok := hyp2f1Derivatives(a, b, z)
		if !ok {
			t.Fatalf("%v: not ok", c)
		}
		if want := hyp2f1(a, b, a+1, z); math.Abs(f-want) > 1e-14*want {
			t.Errorf("%v: F = %v, Hypergeo %v", c, f, want)
		}
		h := 1e-6
		num := func(da, db, dz float64) float64 {
			return (hyp2f1(a+da, b+db, a+da+1, z+dz) - hyp2f1(a-da, b-db, a-da+1, z-dz)) / (2 * h)
		}
		if c[2] > 0 {
			for i, pair := range [][2]float64{{fa, num(h, 0, 0)}, {fb, num(0, h, 0)}, {fz, num(0, 0, h)}} {
				if math.Abs(pair[0]-pair[1]) > 1e-7*(1+math.Abs(pair[1])) {
					t.Errorf("%v: derivative %d = %v, central difference %v", c, i, pair[0], pair[1])
				}
			}
		}
	}
	if _, _, _, _, ok := hyp2f1Derivatives(1, 1, 0.9); ok {
		t.Error("z = 0.9 should be left to finite differences")
	}
}
