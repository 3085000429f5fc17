package clv

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit"
)

const (
	cdnowFile = "testdata/CDNOW_sample.txt"
	// Fader, Hardie and Lee (2005), "Counting Your Customers the Easy
	// Way", section 5, and the Gamma-Gamma note: the published estimates
	// on the CDNOW sample.
	paperBGNBD      = "0.243,4.414,0.793,2.426"
	paperGammaGamma = "6.25,3.74,15.44"
)

// runCmd runs the command in-process and returns its exit status, standard
// output and standard error.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func runOK(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runCmd(t, args...)
	require.Equal(t, 0, code, errOut)
	return out
}

func write(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
	return p
}

// cdnowHoldout holds the holdout check of the CDNOW sample (calibration to
// 1997-09-30, holdout to 1998-06-30, 39 weeks) per calibration repeat
// purchases 0..7+: customers and holdout purchase days counted from the
// raw file with awk (the means 0.2367, 0.6970, 1.3925, 1.5600, 2.5323,
// 2.9474, 3.8621, 6.3594 are those of the BTYD package's vignette), and the
// BG/NBD conditional expectations with the paper's estimates from an
// independent Python transcription of the paper's equation 10.
var cdnowHoldout = []struct {
	customers, actual int
	expected          float64
}{
	{1411, 334, 318.1112}, {439, 306, 229.6743}, {214, 298, 223.4523}, {100, 156, 152.0293},
	{62, 157, 134.1602}, {38, 112, 100.8456}, {29, 112, 101.6157}, {64, 407, 394.0526},
}

// TestCDNOWSample fits the models to the 2,357 CDNOW customers with the
// papers' calibration period and checks the published estimates, the
// holdout table and the SVG chart.
func TestCDNOWSample(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "holdout.svg")
	s := runOK(t, "-in", cdnowFile, "-format", "cdnow", "-svg", svg)
	// 6,919 lines; 946 repeat buyers making 2,457 repeat purchases in the
	// calibration period (Fader, Hardie and Lee 2005, section 5); the
	// dollar values add up to 244,091.94 (awk '{s+=$5}').
	assert.Contains(t, s, "6919 transactions, spend 244091.94 USD; calibration period 1997-01-01..1997-09-30: 2357 customers (0 excluded")
	assert.Contains(t, s, "repeat buyers 946, repeat purchases 2457")
	// 1,411 customers never bought again (the paper's figure 3, x = 0).
	assert.Regexp(t, `(?m)^    1 .* 1411 1 `, s)
	assert.Contains(t, s, "r=0.243 alpha=4.414 a=0.793 b=2.426 LL=-9582.4")
	assert.Contains(t, s, "p=6.25 q=3.74 gamma=15.44")
	assert.Contains(t, s, "== Holdout check 1997-10-01..1998-06-30 (39.00 weeks)")
	assert.Regexp(t, `(?m)^0 +1411 +334 .* 0\.237 `, s)
	assert.Regexp(t, `(?m)^7\+ +64 +407 .* 6\.359 `, s)
	assert.Regexp(t, `(?m)^all +2357 +1882 `, s) // 1,882 holdout repeat purchases
	assert.Contains(t, s, "== CLV over 12 months")

	b, err := os.ReadFile(svg)
	require.NoError(t, err)
	checkSVG(t, string(b), 8)
}

// checkSVG checks that doc is well-formed XML, self-contained and draws
// points for every non-empty group in both series.
func checkSVG(t *testing.T, doc string, points int) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(doc))
	root := ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		if se, ok := tok.(xml.StartElement); ok {
			if root == "" {
				root = se.Name.Local
			}
			assert.NotContains(t, []string{"script", "image", "use", "a", "foreignObject", "style"}, se.Name.Local)
			for _, a := range se.Attr {
				assert.NotEqual(t, "href", a.Name.Local, "no links in a self-contained chart")
			}
		}
	}
	assert.Equal(t, "svg", root)
	assert.Equal(t, 2*points, strings.Count(doc, "<circle"))
	assert.Equal(t, 2, strings.Count(doc, "<polyline"))
	assert.NotContains(t, doc, "url(")
}

// TestCDNOWHoldoutJSON checks the holdout check with the paper's BG/NBD
// estimates given, in the JSON output.
func TestCDNOWHoldoutJSON(t *testing.T) {
	var rep Report
	out := runOK(t, "-in", cdnowFile, "-format", "cdnow", "-bgnbd", paperBGNBD, "-gammagamma", paperGammaGamma, "-json")
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.NotNil(t, rep.Holdout)
	assert.Equal(t, "1997-10-01", rep.Holdout.Start)
	assert.Equal(t, "1998-06-30", rep.Holdout.End)
	assert.InDelta(t, 39.0, rep.Holdout.Length, 1e-12)
	require.Len(t, rep.Holdout.Bins, len(cdnowHoldout))
	for i, w := range cdnowHoldout {
		got := rep.Holdout.Bins[i]
		assert.Equal(t, i, got.Frequency)
		assert.Equal(t, i == 7, got.OrMore)
		assert.Equal(t, w.customers, got.Customers, "x=%d", i)
		assert.Equal(t, w.actual, got.Actual, "x=%d", i)
		assert.InDelta(t, w.expected, got.Expected, 1e-3, "x=%d", i)
		assert.InDelta(t, float64(w.actual)/float64(w.customers), got.ActualMean, 1e-12)
		assert.InDelta(t, w.expected/float64(w.customers), got.ExpectedMean, 1e-5)
	}
	assert.Equal(t, 1882, rep.Holdout.Actual)
	assert.InDelta(t, 1653.941, rep.Holdout.Expected, 2e-3)
	assert.Equal(t, 0, rep.Input.Rejected.Rows)
	assert.Equal(t, "1998-06-30", rep.Input.HoldoutEnd)
	assert.False(t, rep.BGNBD.Fitted)
}

// TestZeroSpendRepeatPurchase is the shape of the full CDNOW file: one
// customer's only repeat purchase cost $0.00. Gamma-Gamma leaves the
// customer out, counts them, and fits the other 946 repeat buyers to the
// published estimates; the customer is not ranked by CLV.
func TestZeroSpendRepeatPurchase(t *testing.T) {
	sample, err := os.ReadFile(cdnowFile)
	require.NoError(t, err)
	in := write(t, "cdnow_zero.txt", string(sample)+" 99999 9999 19970105  1   10.00\n 99999 9999 19970301  1    0.00\n")

	s := runOK(t, "-in", in, "-format", "cdnow", "-bgnbd", paperBGNBD)
	assert.Contains(t, s, "2358 customers (0 excluded")
	assert.Contains(t, s, "repeat buyers 947, repeat purchases 2458")
	assert.Contains(t, s, "== Gamma-Gamma (fitted, ")
	assert.Contains(t, s, "946 repeat buyers; 1 excluded: repeat purchases add up to zero)")
	assert.Contains(t, s, "p=6.25 q=3.74 gamma=15.44")
	assert.Contains(t, s, "over 2357 customers (1 not ranked: repeat purchases add up to zero)")

	// Given parameters instead of a fit: the same exclusion.
	var rep Report
	out := runOK(t, "-in", in, "-format", "cdnow", "-bgnbd", paperBGNBD, "-gammagamma", paperGammaGamma, "-json", "-top", "3000")
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, 946, rep.GammaGamma.Customers)
	assert.Equal(t, 1, rep.GammaGamma.ExcludedNonPositiveSpend)
	assert.Equal(t, 1, rep.CLV.ExcludedNonPositiveSpend)
	assert.Equal(t, 2357, rep.CLV.Ranked)
	require.Len(t, rep.CLV.Top, 2357)
	for _, c := range rep.CLV.Top {
		assert.NotEqual(t, "9999", c.ID)
	}
}

// TestTiny checks a three-customer file against numbers computed by hand,
// with the published CDNOW parameters given instead of fitted.
//
// testdata/tiny.csv, calibration ending 2024-03-31 (2024 is a leap year),
// holdout to the last purchase, 2024-04-20 (20 days, 2.857 weeks):
//
//	a: purchase days Jan 1 (10), Jan 15 (20+5 = 25), Feb 26 (40)
//	   x = 2, t_x = 56 d = 8 wk, T = 90 d = 12.857 wk, m = (25+40)/2 = 32.50
//	   RFM: recency 34 d, 3 days, mean 75/3 = 25.00
//	b: Feb 5 (12.50): x = 0, t_x = 0, T = 55 d = 7.857 wk, m = 0
//	   RFM: recency 55 d, 1 day, mean 12.50
//	c: Jan 8 (30), Mar 4 (50); Apr 20 (99) is in the holdout period
//	   x = 1, t_x = 56 d = 8 wk, T = 83 d = 11.857 wk, m = 50
//	   RFM: recency 27 d, 2 days, mean 40.00
//
// Spend: 10 + 20 + 5 + 40 + 12.50 + 30 + 50 + 99 = 266.50.
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
// b 23.593; 12-month expected purchases a 2.912, c 1.813, b 0.710; and
// the holdout (2.857 weeks) conditional expectations b 0.0547 (x = 0),
// c 0.1445 (x = 1), a 0.2402 (x = 2), against holdout purchases 0, 1, 0.
func TestTiny(t *testing.T) {
	args := []string{"-in", "testdata/tiny.csv", "-calibration-end", "2024-03-31",
		"-bgnbd", paperBGNBD, "-gammagamma", paperGammaGamma}
	s := runOK(t, args...)
	assert.Contains(t, s, "8 transactions, spend 266.50 USD; calibration period 2024-01-01..2024-03-31: 3 customers (0 excluded")
	assert.Contains(t, s, "repeat buyers 2, repeat purchases 3")
	assert.Regexp(t, `(?m)^    4 +1 27 +1 3 +1 40\.00$`, s)
	assert.Regexp(t, `(?m)^    2 +1 34 +1 2 +1 25\.00$`, s)
	assert.Regexp(t, `(?m)^    1 +1 55 +1 1 +1 12\.50$`, s)
	assert.Contains(t, s, "top cells: 424=1 242=1 111=1")
	assert.Contains(t, s, "LL=-12.0")
	assert.Contains(t, s, "== Holdout check 2024-04-01..2024-04-20 (2.86 weeks)")
	assert.Regexp(t, `(?m)^a +2 +8\.00 +12\.86 +32\.50 +0\.673 +2\.91 +32\.99 +90\.80$`, s)
	assert.Regexp(t, `(?m)^b +0 +0\.00 +7\.86 +0\.00 +1\.000 +0\.71 +35\.22 +23\.59$`, s)
	assert.Regexp(t, `(?m)^c +1 +8\.00 +11\.86 +50\.00 +0\.686 +1\.81`, s)
	assert.Contains(t, s, "total 192.31 over 3 customers") // 90.804 + 77.917 + 23.593

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
	require.NotNil(t, rep.Holdout)
	wantBins := []struct {
		customers, actual int
		expected          float64
	}{{1, 0, 0.0547}, {1, 1, 0.1445}, {1, 0, 0.2402}, {0, 0, 0}}
	for i, w := range wantBins {
		assert.Equal(t, w.customers, rep.Holdout.Bins[i].Customers, "x=%d", i)
		assert.Equal(t, w.actual, rep.Holdout.Bins[i].Actual, "x=%d", i)
		assert.InDelta(t, w.expected, rep.Holdout.Bins[i].Expected, 1e-4, "x=%d", i)
	}
	assert.InDelta(t, 0.4394, rep.Holdout.Expected, 1e-4)
}

// TestExcludedWithAndWithoutHoldout: c first bought after the calibration
// end (2024-01-31) and d after the holdout end too; both are excluded and
// counted whatever the holdout period.
func TestExcludedWithAndWithoutHoldout(t *testing.T) {
	in := write(t, "late.csv", "customer,date,amount\n"+
		"a,2024-01-01,10.00\na,2024-01-20,5.00\nb,2024-01-10,8.00\nb,2024-02-10,4.00\n"+
		"c,2024-02-05,7.00\nd,2024-03-15,7.00\n")
	for _, tc := range []struct {
		name, holdoutEnd, holdout string
	}{
		{"no holdout", "2024-01-31", ": none"},
		{"holdout to the last purchase", "", " 2024-02-01..2024-03-15"},
		{"holdout before d", "2024-02-29", " 2024-02-01..2024-02-29"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"-in", in, "-calibration-end", "2024-01-31", "-bgnbd", paperBGNBD, "-gammagamma", paperGammaGamma}
			if tc.holdoutEnd != "" {
				args = append(args, "-holdout-end", tc.holdoutEnd)
			}
			s := runOK(t, args...)
			assert.Contains(t, s, "calibration period 2024-01-01..2024-01-31: 2 customers (2 excluded: first purchase after it)")
			assert.Contains(t, s, "== Holdout check"+tc.holdout)
		})
	}
	code, _, errOut := runCmd(t, "-in", in, "-calibration-end", "2024-01-31", "-holdout-end", "2024-01-31",
		"-bgnbd", paperBGNBD, "-gammagamma", paperGammaGamma, "-svg", filepath.Join(t.TempDir(), "x.svg"))
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "no holdout period to draw")
}

// TestByteOrderMark reads a spreadsheet's "CSV UTF-8" file, which starts
// with a byte order mark before the header.
// TestSVGSmallFile draws the chart of testdata/tiny.csv under a file name
// that needs escaping: three non-empty groups, well-formed XML.
func TestSVGSmallFile(t *testing.T) {
	body, err := os.ReadFile("testdata/tiny.csv")
	require.NoError(t, err)
	in := write(t, `a<b&"c".csv`, string(body))
	svg := filepath.Join(t.TempDir(), "tiny.svg")
	runOK(t, "-in", in, "-calibration-end", "2024-03-31", "-bgnbd", paperBGNBD, "-gammagamma", paperGammaGamma, "-svg", svg)
	b, err := os.ReadFile(svg)
	require.NoError(t, err)
	checkSVG(t, string(b), 3)
	assert.Contains(t, string(b), "a&lt;b&amp;&#34;c&#34;.csv: 3 customers")
}

func TestByteOrderMark(t *testing.T) {
	body, err := os.ReadFile("testdata/tiny.csv")
	require.NoError(t, err)
	in := write(t, "bom.csv", "\xEF\xBB\xBF"+string(body))
	s := runOK(t, "-in", in, "-calibration-end", "2024-03-31", "-bgnbd", paperBGNBD, "-gammagamma", paperGammaGamma)
	assert.Contains(t, s, "8 transactions, spend 266.50 USD")

	cdnow := write(t, "bom.txt", "\xEF\xBB\xBF 00001 0001 19970101  1   11.77\n 00001 0001 19970201  1   12.00\n 00002 0002 19970105  1   5.00\n")
	s = runOK(t, "-in", cdnow, "-format", "cdnow", "-bgnbd", paperBGNBD, "-gammagamma", paperGammaGamma)
	assert.Contains(t, s, "3 transactions, spend 28.77 USD")
}

// TestEveryBadRowListed: five bad rows of different kinds are all listed
// with their line numbers and counted by reason; the figures come from the
// three good rows and the exit status is 1.
func TestEveryBadRowListed(t *testing.T) {
	in := write(t, "bad.csv", "customer,date,amount\n"+
		"a,2024-01-01,10.00\n"+ // 2 good
		"b,2024/01/02,10.00\n"+ // 3 date
		",2024-01-03,1e300\n"+ // 4 customer and amount
		"a,2024-01-05,12.345\n"+ // 5 amount: three decimals in USD
		"a,2024-01-06\n"+ // 6 fields
		"c,2024-01-07,-3.00\n"+ // 7 amount: negative
		"a,2024-01-20,5.00\n"+ // 8 good
		"b,2024-01-09,2.50\n"+ // 9 good
		"d,2024-01-10,2000000000000.00\n") // 10 amount: too large
	code, out, errOut := runCmd(t, "-in", in, "-bgnbd", paperBGNBD, "-gammagamma", paperGammaGamma)
	assert.Equal(t, 1, code, errOut)
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	require.Len(t, lines, 7, errOut)
	assert.Contains(t, lines[0], "line 3: date \"2024/01/02\" does not match")
	assert.Contains(t, lines[1], "line 4: empty customer id; amount \"1e300\" is not a plain decimal number")
	assert.Contains(t, lines[2], "line 5: amount \"12.345\"")
	assert.Contains(t, lines[3], "line 6: 2 fields, the columns need 3")
	assert.Contains(t, lines[4], "line 7: amount \"-3.00\" is negative")
	assert.Contains(t, lines[5], "line 10: amount \"2000000000000.00\" is more than 1000000000000")
	assert.Contains(t, lines[6], "6 rows rejected (4 amount, 1 customer, 1 date, 1 fields) of 9 read")
	assert.Contains(t, out, "3 transactions, spend 17.50 USD")
	assert.Contains(t, out, "6 rows rejected")

	var rep Report
	code, out, _ = runCmd(t, "-in", in, "-bgnbd", paperBGNBD, "-gammagamma", paperGammaGamma, "-json")
	assert.Equal(t, 1, code)
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, 6, rep.Input.Rejected.Rows)
	assert.Equal(t, map[string]int{"amount": 4, "customer": 1, "date": 1, "fields": 1}, rep.Input.Rejected.ByReason)
	var got []int
	for _, b := range rep.Input.Rejected.List {
		got = append(got, b.Line)
	}
	assert.Equal(t, []int{3, 4, 5, 6, 7, 10}, got)
	assert.Equal(t, []string{"customer", "amount"}, rep.Input.Rejected.List[1].Reasons)
}

// TestMalformedCSVRow: a row the CSV reader cannot parse (a bare quote) is
// listed and the rows after it are read.
func TestMalformedCSVRow(t *testing.T) {
	in := write(t, "q.csv", "customer,date,amount\na,2024-01-01,10.00\nb,2024-01-0\"2,1.00\na,2024-01-20,5.00\nb,2024-01-09,2.50\n")
	code, out, errOut := runCmd(t, "-in", in, "-bgnbd", paperBGNBD, "-gammagamma", paperGammaGamma)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "line 3: bare \" in non-quoted-field")
	assert.Contains(t, errOut, "1 row rejected (1 csv) of 4 read")
	assert.Contains(t, out, "3 transactions, spend 17.50 USD")
}

func TestParseAmountExact(t *testing.T) {
	usd := mustCurrency(t, "USD")
	for _, tc := range []struct {
		in, want string
	}{{"0.00", "0.00 USD"}, {"12.5", "12.50 USD"}, {" 7 ", "7.00 USD"}, {"1000000000000", "1000000000000.00 USD"}} {
		m, err := parseAmount(tc.in, usd)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, m.String(), tc.in)
	}
	for _, bad := range []string{"1e300", "1E2", "", "ten", "1,234.50", "0.001", "-0.01", "NaN", "Inf", "1000000000000.01", strings.Repeat("9", 80)} {
		_, err := parseAmount(bad, usd)
		assert.Error(t, err, bad)
	}
	// JPY has no minor unit.
	_, err := parseAmount("10.5", mustCurrency(t, "JPY"))
	assert.Error(t, err)
}

func TestFlagErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no input", nil, "-in is required"},
		{"bad format", []string{"-in", "x", "-format", "xls"}, `-format "xls"`},
		{"bad date flag", []string{"-in", "x", "-calibration-end", "30/09/1997"}, "-calibration-end"},
		{"holdout before calibration", []string{"-in", "x", "-calibration-end", "2024-02-01", "-holdout-end", "2024-01-01"}, "is before -calibration-end"},
		{"bad margin", []string{"-in", "x", "-margin", "0"}, "-margin"},
		{"bad months", []string{"-in", "x", "-months", "100000"}, "-months"},
		{"bad params", []string{"-in", "x", "-bgnbd", "1,2,3"}, "want 4"},
		{"bad currency", []string{"-in", "x", "-currency", "XYZW"}, "-currency"},
		{"bad delimiter", []string{"-in", "x", "-delimiter", ";;"}, "-delimiter"},
		{"extra argument", []string{"-in", "x", "y"}, `unexpected argument "y"`},
		{"missing file", []string{"-in", filepath.Join(t.TempDir(), "nope.csv")}, "no such file"},
		{"missing column", []string{"-in", write(t, "m.csv", "id,date,amount\na,2024-01-01,10\n")}, `no column "customer"`},
		{"no good rows", []string{"-in", write(t, "e.csv", "customer,date,amount\na,01/01/2024,10\n")}, "no transactions"},
		{"nobody spent on repeat purchases", []string{"-in", write(t, "z.csv", "customer,date,amount\na,2024-01-01,10\na,2024-01-05,0\n"), "-bgnbd", paperBGNBD}, "no repeat buyer with a positive spend"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, c.args...)
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, c.want)
		})
	}
	code, _, errOut := runCmd(t, "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, errOut, "usage: crmkit clv")
}

// TestStdinAndDelimiter reads a semicolon-separated file from standard
// input with other column names and a day-first date layout.
func TestStdinAndDelimiter(t *testing.T) {
	body := "Kunde;Datum;Betrag\na;01.01.2024;10.00\na;15.01.2024;20.00\nb;05.02.2024;12.50\n"
	var out, errOut bytes.Buffer
	code := Run(context.Background(), []string{"-in", "-", "-delimiter", ";", "-customer-col", "kunde", "-date-col", "datum",
		"-amount-col", "betrag", "-date-format", "02.01.2006", "-currency", "EUR", "-bgnbd", paperBGNBD, "-gammagamma", paperGammaGamma},
		strings.NewReader(body), &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	assert.Contains(t, out.String(), "3 transactions, spend 42.50 EUR; calibration period 2024-01-01..2024-02-05: 2 customers")
}

func mustCurrency(t *testing.T, code string) crmkit.Currency {
	t.Helper()
	c, err := crmkit.ParseCurrency(code)
	require.NoError(t, err)
	return c
}
