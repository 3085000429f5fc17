package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	require.NoError(t, run(args, &out, &errOut), errOut.String())
	return out.String()
}

// TestCDNOWSample fits the models to the 2,357 CDNOW customers with the
// papers' calibration period and checks the published estimates.
func TestCDNOWSample(t *testing.T) {
	s := runOK(t, "-in", "testdata/CDNOW_sample.txt", "-format", "cdnow")
	// 6,919 lines; 946 repeat buyers making 2,457 repeat purchases in the
	// calibration period (Fader, Hardie and Lee 2005, section 5).
	assert.Contains(t, s, "6919 transactions; calibration period 1997-01-01..1997-09-30: 2357 customers (0 excluded")
	assert.Contains(t, s, "repeat buyers 946, repeat purchases 2457")
	// 1,411 customers never bought again (the paper's figure 3, x = 0): they
	// all share the lowest frequency score.
	assert.Regexp(t, `(?m)^    1 .* 1411 1 `, s)
	// BG/NBD: Fader, Hardie and Lee (2005), "Counting Your Customers the
	// Easy Way", section 5.
	assert.Contains(t, s, "r=0.243 alpha=4.414 a=0.793 b=2.426 LL=-9582.4")
	// Gamma-Gamma: Fader, Hardie and Lee (2005), "RFM and CLV", and Fader
	// and Hardie's note on the Gamma-Gamma model: p = 6.25, q = 3.74,
	// gamma = 15.44.
	assert.Contains(t, s, "p=6.25 q=3.74 gamma=15.44")
	assert.Contains(t, s, "== CLV over 12 months")
}

// TestTiny checks a three-customer file against numbers computed by hand,
// with the published CDNOW parameters given instead of fitted.
//
// testdata/tiny.csv, calibration ending 2024-03-31 (2024 is a leap year):
//
//	a: purchase days Jan 1 (10), Jan 15 (20+5 = 25), Feb 26 (40)
//	   x = 2, t_x = 56 d = 8 wk, T = 90 d = 12.857 wk, m = (25+40)/2 = 32.50
//	   RFM: recency 34 d, 3 days, mean 75/3 = 25.00
//	b: Feb 5 (12.50): x = 0, t_x = 0, T = 55 d = 7.857 wk, m = 0
//	   RFM: recency 55 d, 1 day, mean 12.50
//	c: Jan 8 (30), Mar 4 (50); Apr 20 is after the calibration period
//	   x = 1, t_x = 56 d = 8 wk, T = 83 d = 11.857 wk, m = 50
//	   RFM: recency 27 d, 2 days, mean 40.00
//
// Scores 1 + floor(5 · worse / 3): best 1 + floor(10/3) = 4, middle
// 1 + floor(5/3) = 2, worst 1. Cells: a 242, b 111, c 424.
//
// With r = 0.243, alpha = 4.414, a = 0.793, b = 2.426:
//
//	P(alive | a) = 1 / (1 + 0.793/3.426 · (17.271/12.414)^2.243) = 0.673
//	P(alive | c) = 1 / (1 + 0.793/2.426 · (16.271/12.414)^1.243) = 0.686
//	P(alive | b) = 1 (no repeat purchase)
//
// With p = 6.25, q = 3.74, gamma = 15.44 the population mean spend is
// 6.25 · 15.44 / 2.74 = 35.219, and E[Z | x, m] = (2.74·35.219 + 6.25x·m)
// / (6.25x + 2.74):
//
//	a: (96.500 + 12.5 · 32.5) / 15.24 = 32.989
//	c: (96.500 + 6.25 · 50) / 8.99 = 45.495
//	b: 35.219
//
// The 12-month CLVs (4.345 weeks a month, 1% a month) and the BG/NBD
// log-likelihood (-11.998) were computed by an independent 30-line Python
// transcription of the paper's equations 10 and section 7, summing the
// Gaussian hypergeometric series term by term: a 90.804, c 77.917,
// b 23.593; 12-month expected purchases a 2.912, c 1.813, b 0.710.
func TestTiny(t *testing.T) {
	args := []string{"-in", "testdata/tiny.csv", "-calibration-end", "2024-03-31",
		"-bgnbd", "0.243,4.414,0.793,2.426", "-gammagamma", "6.25,3.74,15.44"}
	s := runOK(t, args...)
	assert.Contains(t, s, "8 transactions; calibration period 2024-01-01..2024-03-31: 3 customers (0 excluded")
	assert.Contains(t, s, "repeat buyers 2, repeat purchases 3")
	assert.Regexp(t, `(?m)^    4 +1 27 +1 3 +1 40\.00$`, s)
	assert.Regexp(t, `(?m)^    2 +1 34 +1 2 +1 25\.00$`, s)
	assert.Regexp(t, `(?m)^    1 +1 55 +1 1 +1 12\.50$`, s)
	assert.Contains(t, s, "top cells: 424=1 242=1 111=1")
	assert.Contains(t, s, "LL=-12.0")
	assert.Regexp(t, `(?m)^a +2 +8\.00 +12\.86 +32\.50 +0\.673 +2\.91 +32\.99 +90\.80$`, s)
	assert.Regexp(t, `(?m)^b +0 +0\.00 +7\.86 +0\.00 +1\.000 +0\.71 +35\.22 +23\.59$`, s)
	assert.Regexp(t, `(?m)^c +1 +8\.00 +11\.86 +50\.00 +0\.686 +1\.81`, s)
	assert.Contains(t, s, "total 192.31") // 90.804 + 77.917 + 23.593

	var rep Report
	require.NoError(t, json.Unmarshal([]byte(runOK(t, append(args, "-json", "-top", "2")...)), &rep))
	require.Len(t, rep.CLV.Top, 2)
	want := []struct {
		id                          string
		x                           int
		tx, T, m, pa, ep, spend, cl float64
	}{
		{"a", 2, 8, 90.0 / 7, 32.5, 0.673, 2.912, 32.989, 90.804},
		{"c", 1, 8, 83.0 / 7, 50, 0.686, 1.813, 45.495, 77.917},
	}
	for i, w := range want {
		got := rep.CLV.Top[i]
		assert.Equal(t, w.id, got.ID)
		assert.Equal(t, w.x, got.Frequency)
		assert.InDelta(t, w.tx, got.Recency, 1e-9)
		assert.InDelta(t, w.T, got.T, 1e-9)
		assert.InDelta(t, w.m, got.MonetaryValue, 1e-9)
		assert.InDelta(t, w.pa, got.ProbAlive, 5e-4)
		assert.InDelta(t, w.ep, got.ExpectedPurchases, 5e-4)
		assert.InDelta(t, w.spend, got.ExpectedSpend, 5e-4)
		assert.InDelta(t, w.cl, got.CLV, 5e-4)
	}
	assert.InDelta(t, 192.314, rep.CLV.Total, 1e-3)
	assert.InDelta(t, -11.998, rep.BGNBD.LogLikelihood, 1e-3)
	assert.False(t, rep.BGNBD.Fitted)
	assert.Equal(t, 3, rep.Input.Customers)
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no input", nil, "-in is required"},
		{"bad format", []string{"-in", "x", "-format", "xls"}, `-format "xls"`},
		{"bad date flag", []string{"-in", "x", "-calibration-end", "30/09/1997"}, "-calibration-end"},
		{"bad margin", []string{"-in", "x", "-margin", "0"}, "-margin"},
		{"bad params", []string{"-in", "x", "-bgnbd", "1,2,3"}, "want 4"},
		{"missing file", []string{"-in", filepath.Join(dir, "nope.csv")}, "no such file"},
		{"bad cdnow line", []string{"-format", "cdnow", "-in",
			write("c.txt", " 00001 19970101  1   11.77\n 00002 1997-01-12  1   12.00\n")}, "line 2: date"},
		{"bad csv amount", []string{"-in",
			write("a.csv", "customer,date,amount\na,2024-01-01,10\nb,2024-01-02,ten\n")}, `line 3: amount "ten"`},
		{"negative amount", []string{"-in",
			write("n.csv", "customer,date,amount\na,2024-01-01,-10\n")}, "line 2: amount \"-10\" is negative"},
		{"missing column", []string{"-in", write("m.csv", "id,date,amount\na,2024-01-01,10\n")}, `no column "customer"`},
		{"no repeat buyers", []string{"-in",
			write("o.csv", "customer,date,amount\na,2024-01-01,10\nb,2024-01-02,10\n")}, "fitting"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(c.args, &out, &errOut)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}
