package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	require.NoError(t, run(args, &out, &errOut), errOut.String())
	return out.String()
}

// The hand computation for testdata/deals.csv and testdata/leads.csv.
//
// Rows not read: D8 (line 9, amount 12.345 has three decimals in EUR),
// D10 (line 11, won without a close date), lead L9 (line 10, deal D99 does
// not exist). The 8 deals read, cycle = closed - created in days (2024 is a
// leap year):
//
//	D1 won  1000 Ann web      Widget 01-05 -> 01-25  20
//	D2 won  3000 Bob referral Gadget 01-10 -> 02-19  40
//	D3 lost 2000 Ann web      Gadget 01-15 -> 01-29  14
//	D4 open 5000 Bob web      Widget 02-01
//	D5 won   500 Ann referral widget 02-03 -> 02-13  10
//	D6 lost 1500 Bob web      Gadget 02-10 -> 03-11  30
//	D7 open 2500 Ann event    Gadget 02-20
//	D9 won  2000 Bob event    Widget 03-01 -> 03-11  10
//
// Total: won 4, lost 2, open 2; win rate 4/6 = 66.67%; won revenue
// 1000+3000+500+2000 = 6500.00; pipeline 5000+2500 = 7500.00; average
// 6500/4 = 1625.00. Cycles won {20,40,10,10}: mean 80/4 = 20, median
// (10+20)/2 = 15; lost {14,30}: 22/22; closed {10,10,14,20,30,40}: mean
// 124/6 = 20.67, median (14+20)/2 = 17.
//
// Ann: D1, D3, D5, D7: 2 won 1 lost 1 open, 66.67%, revenue 1500.00,
// pipeline 2500.00, average 750.00, won {20,10} 15/15, lost 14, closed
// {10,14,20} 14.67/14. Bob: D2, D4, D6, D9: 66.67%, revenue 5000.00,
// pipeline 5000.00, average 2500.00, won {40,10} 25/25, lost 30, closed
// {10,30,40} 26.67/30.
//
// Products: "Widget" (D1, D4, D9) and "widget" (D5) are one product: 3 won
// 0 lost 1 open, 100%, revenue 3500.00, average 3500/3 = 1166.67, won
// {20,10,10} 13.33/10; Gadget: 1 won 2 lost 1 open, 33.33%, revenue
// 3000.00, closed {14,30,40} 28/30.
//
// Sources: web D1 D3 D4 D6: 1 won 2 lost, 33.33%, closed {14,20,30}
// 21.33/20; referral D2 D5: 100%, 3500.00, average 1750.00, 25/25; event
// D7 D9: 100%, 2000.00, pipeline 2500.00.
//
// Months created: 2024-01 D1 D2 D3: 66.67%, 4000.00, closed {14,20,40}
// 24.67/20; 2024-02 D4-D7: 1 won 1 lost 2 open, 50%, 500.00, pipeline
// 7500.00; 2024-03 D9: 2000.00.
//
// Leads (8 read): web L1->D1, L2, L3->D3: 2/3 = 66.67%, lead to won L1
// 12-20 -> D1 01-25 = 36 days; referral L4->D2, L5: 1/2 = 50%, L4 01-01 ->
// D2 02-19 = 49 days; event L6->D7 (open), L7, L8: 1/3 = 33.33%, no win;
// all 4/8 = 50%, {36,49} mean and median 42.5.
func TestHandComputed(t *testing.T) {
	s := runOK(t, "-deals", "testdata/deals.csv", "-leads", "testdata/leads.csv")
	for _, want := range []string{
		"== Deals (8 read, 3 rows not read; amounts in EUR)",
		"won 4, lost 2, open 2",
		"win rate          66.67%",
		"won revenue       6500.00",
		"open pipeline     7500.00",
		"average won deal  1625.00",
		"sales cycle, days (mean/median): won 20.0/15.0, lost 22.0/22.0, closed 20.7/17.0",
		"testdata/deals.csv line 9: amount \"12.345\"",
		"testdata/deals.csv line 11: won deal without a close date",
		"testdata/leads.csv line 10: deal \"D99\" is not among the deals read",
		"== Names spelled more than one way (counted together): 1",
		`product: "Widget" (3 rows), "widget" (1 row)`,
	} {
		assert.Contains(t, s, want)
	}
	for _, re := range []string{
		`Ann +4 +2 +1 +1 +66\.67% +1500\.00 +2500\.00 +750\.00 +15\.0/15\.0 +14\.0/14\.0 +14\.7/14\.0\n`,
		`Bob +4 +2 +1 +1 +66\.67% +5000\.00 +5000\.00 +2500\.00 +25\.0/25\.0 +30\.0/30\.0 +26\.7/30\.0\n`,
		`Widget +4 +3 +0 +1 +100\.00% +3500\.00 +5000\.00 +1166\.67 +13\.3/10\.0 +- +13\.3/10\.0\n`,
		`Gadget +4 +1 +2 +1 +33\.33% +3000\.00 +2500\.00 +3000\.00 +40\.0/40\.0 +22\.0/22\.0 +28\.0/30\.0\n`,
		`web +4 +1 +2 +1 +33\.33% +1000\.00 +5000\.00 +1000\.00 +20\.0/20\.0 +22\.0/22\.0 +21\.3/20\.0\n`,
		`referral +2 +2 +0 +0 +100\.00% +3500\.00 +0\.00 +1750\.00 +25\.0/25\.0 +- +25\.0/25\.0\n`,
		`event +2 +1 +0 +1 +100\.00% +2000\.00 +2500\.00 +2000\.00 +10\.0/10\.0 +- +10\.0/10\.0\n`,
		`2024-01 +3 +2 +1 +0 +66\.67% +4000\.00 +0\.00 +2000\.00 +30\.0/30\.0 +14\.0/14\.0 +24\.7/20\.0\n`,
		`2024-02 +4 +1 +1 +2 +50\.00% +500\.00 +7500\.00 +500\.00 +10\.0/10\.0 +30\.0/30\.0 +20\.0/20\.0\n`,
		`2024-03 +1 +1 +0 +0 +100\.00% +2000\.00 +0\.00 +2000\.00 +10\.0/10\.0 +- +10\.0/10\.0\n`,
		`\nweb +3 +2 +66\.67% +36\.0/36\.0\n`,
		`\nreferral +2 +1 +50\.00% +49\.0/49\.0\n`,
		`\nevent +3 +1 +33\.33% +-\n`,
		`\nall +8 +4 +50\.00% +42\.5/42\.5\n`,
	} {
		assert.Regexp(t, re, s)
	}
}

func TestJSON(t *testing.T) {
	var rep Report
	out := runOK(t, "-deals", "testdata/deals.csv", "-leads", "testdata/leads.csv", "-json")
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, "EUR", rep.Currency)
	assert.Equal(t, 8, rep.RowsRead)
	require.NotNil(t, rep.Total.WinRate)
	assert.True(t, rep.Total.WinRate.Equal(decimal.NewFromInt(2).Div(decimal.NewFromInt(3))), rep.Total.WinRate.String())
	assert.Equal(t, int64(650000), rep.Total.WonRevenue.Minor())
	assert.Equal(t, int64(750000), rep.Total.Pipeline.Minor())
	require.NotNil(t, rep.Total.AverageWon)
	assert.Equal(t, int64(162500), rep.Total.AverageWon.Minor())
	require.NotNil(t, rep.Total.CycleAll)
	assert.InDelta(t, 124.0/6, rep.Total.CycleAll.MeanDays, 1e-9)
	assert.InDelta(t, 17.0, rep.Total.CycleAll.MedianDays, 1e-9)
	require.Len(t, rep.ByProduct, 2)
	assert.Equal(t, "Widget", rep.ByProduct[1].Name)
	assert.Equal(t, int64(116667), rep.ByProduct[1].AverageWon.Minor()) // 3500/3 = 1166.666...
	require.Len(t, rep.BadRows, 3)
	assert.Equal(t, 9, rep.BadRows[0].Line)
	assert.Equal(t, 11, rep.BadRows[1].Line)
	assert.Equal(t, 10, rep.BadRows[2].Line)
	require.Len(t, rep.Mismatches, 1)
	assert.Equal(t, map[string]int{"Widget": 3, "widget": 1}, rep.Mismatches[0].Spellings)
	require.NotNil(t, rep.LeadsTotal)
	assert.True(t, rep.LeadsTotal.Conversion.Equal(decimal.RequireFromString("0.5")))
}

// TestMapping reads an export with other column names, a stage instead of a
// status, another date layout and a default currency.
func TestMapping(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "export.csv")
	// By hand: O1 won 100.50 (01/03 -> 11/03: 8 days), O2 lost (5 days),
	// O3 open 40.00, O4 in Closed Won spelled "closed  WON" and "Rep A"
	// spelled "rep a": won 10.00 (2 days). Win rate 2/3; revenue 110.50;
	// average 55.25; won cycles {8, 2} mean 5, median 5; owner "Rep A"
	// (O1, O4) and "Rep B" (O2, O3).
	require.NoError(t, os.WriteFile(p, []byte(
		"Opportunity ID,Deal Stage,Value,Opened,Closed On,Rep\n"+
			"O1,Closed Won,100.50,01/03/2024,09/03/2024,Rep A\n"+
			"O2,Closed Lost,70.00,01/03/2024,06/03/2024,Rep B\n"+
			"O3,Demo,40.00,02/03/2024,,Rep B\n"+
			"O4,closed  WON,10.00,05/03/2024,07/03/2024,rep a\n"), 0o600))
	s := runOK(t, "-deals", p, "-id", "Opportunity ID", "-stage", "Deal Stage", "-amount", "Value",
		"-created", "Opened", "-closed", "Closed On", "-owner", "Rep", "-date-format", "02/01/2006",
		"-default-currency", "USD")
	assert.Contains(t, s, "won 2, lost 1, open 1")
	assert.Contains(t, s, "win rate          66.67%")
	assert.Contains(t, s, "won revenue       110.50")
	assert.Contains(t, s, "average won deal  55.25")
	assert.Contains(t, s, "won 5.0/5.0, lost 5.0/5.0, closed 5.0/5.0")
	assert.Regexp(t, `Rep A +2 +2 +0 +0 +100\.00% +110\.50 `, s)
	assert.Contains(t, s, `owner: "Rep A" (1 row), "rep a" (1 row)`)
	assert.Contains(t, s, `stage: "Closed Won" (1 row), "closed  WON" (1 row)`)
	assert.Contains(t, s, "note: no source column \"source\"")
}

func TestRowErrors(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "d.csv")
	require.NoError(t, os.WriteFile(p, []byte(
		"id,status,amount,currency,created,closed\n"+
			"A,won,10.00,EUR,2024-01-10,2024-01-05\n"+ // line 2: closed before created
			"B,open,5.00,USD,2024-01-10,\n"+ // line 3: other currency
			"C,open,,EUR,2024-01-10,\n"+ // line 4: empty amount
			"D,open,1.00,EUR,10.01.2024,\n"+ // line 5: bad date
			"E,lost,2.00,EUR,2024-01-10,2024-01-12\n"+
			"E,open,3.00,EUR,2024-01-10,\n"+ // line 7: duplicate
			"F,open,-3.00,EUR,2024-01-10,\n"), 0o600)) // line 8: negative
	var rep Report
	require.NoError(t, json.Unmarshal([]byte(runOK(t, "-deals", p, "-report-currency", "EUR", "-json")), &rep))
	assert.Equal(t, 1, rep.RowsRead)
	reasons := map[int]string{}
	for _, b := range rep.BadRows {
		reasons[b.Line] = b.Reason
	}
	assert.Contains(t, reasons[2], "closed 2024-01-05 before created 2024-01-10")
	assert.Contains(t, reasons[3], "currency USD differs from the report currency EUR")
	assert.Contains(t, reasons[4], "empty amount")
	assert.Contains(t, reasons[5], `date "10.01.2024"`)
	assert.Contains(t, reasons[7], `duplicate id "E" (first on line 6)`)
	assert.Contains(t, reasons[8], "negative")
	assert.Len(t, reasons, 6)
	assert.Nil(t, rep.Total.AverageWon) // no win: no average, not a zero
	assert.Nil(t, rep.Total.CycleWon)
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	ok := write("ok.csv", "id,status,amount,currency,created\nA,open,1.00,EUR,2024-01-01\n")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no deals", nil, "-deals is required"},
		{"missing file", []string{"-deals", filepath.Join(dir, "nope.csv")}, "no such file"},
		{"explicit column missing", []string{"-deals", ok, "-owner", "Rep"}, `no column "Rep" (-owner)`},
		{"required column missing", []string{"-deals", write("r.csv", "id,status,created\nA,open,2024-01-01\n"), "-default-currency", "EUR"}, `no column "amount"`},
		{"no outcome column", []string{"-deals", write("o.csv", "id,amount,currency,created\nA,1,EUR,2024-01-01\n")}, "no status column"},
		{"no currency", []string{"-deals", write("c.csv", "id,status,amount,created\nA,open,1,2024-01-01\n")}, "-default-currency"},
		{"won and lost overlap", []string{"-deals", ok, "-won", "won,done", "-lost", "Done"}, `"done" is in both`},
		{"bad currency flag", []string{"-deals", ok, "-report-currency", "EURO"}, "-report-currency"},
		{"nothing readable", []string{"-deals", write("b.csv", "id,status,amount,currency,created\nA,open,x,EUR,2024-01-01\n")}, "no deal could be read (1 bad rows)"},
		{"leads without deal column", []string{"-deals", ok, "-leads", write("l.csv", "id,source\nL1,web\n")}, `no column "deal_id"`},
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
