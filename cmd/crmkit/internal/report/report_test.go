package report_test

import (
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit/cmd/crmkit/internal/report"
)

func frac(t *testing.T, want string, got *decimal.Decimal) {
	t.Helper()
	require.NotNil(t, got, "rate %s is null", want)
	w := decimal.RequireFromString(want)
	assert.True(t, w.Sub(*got).Abs().LessThan(decimal.New(1, -6)), "rate %s, want %s", got, want)
}

func figuresByName(fs []report.Figures) map[string]report.Figures {
	m := map[string]report.Figures{}
	for _, f := range fs {
		m[f.Name] = f
	}
	return m
}

// The pipeline export (testdata/pipeline, the shape of a public sample
// CRM: open deals with a stage and no value or dates, a price list and a
// teams file, one product spelled "GTXPro" and "GTX Pro").
//
// By hand, from sales_pipeline.csv (13 rows): P11 has a bad engage date,
// P12 a three-decimal USD amount, the second P3 repeats an id: 3 rejected
// (lines 12, 13, 14). The 10 others: won P1 1000, P3 1200, P7 900, P9 55;
// lost P2, P10; open P4, P5, P6, P8, all four without a value.
//
//	won revenue 1000+1200+900+55 = 3155.00; average 3155/4 = 788.75
//	win rate 4/(4+2) = 0.666667
//	cycles (calendar days): P1 Jan 2->Jan 12 = 10, P3 Jan 10->Feb 9 = 30,
//	  P7 Feb 3->Mar 5 = 30 (2017: February has 28 days), P9 Feb 20->Mar 4 = 12;
//	  mean 82/4 = 20.5, median (12+30)/2 = 21
//	stages (-stages Prospecting,Engaging): every deal reached Prospecting
//	  (10); Engaging: the 4 won (their stage column says Won: they went
//	  through every stage) + P4 + P8 = 6. Advanced from Prospecting: 6
//	  (60 %), from Engaging: the 4 won (4/6). Dropped off at Prospecting:
//	  the 2 lost (their stage column says Lost: counted at the first stage).
//	open at list price: P4 MG Special 55 + P5 GTX Pro 4821 + P6 55 + P8 4821 = 9752.00
//	Ann Lee: P1 P2 P5 P9: won 2 (1055.00, average 527.50), lost 1, open 1;
//	  cycles 10, 12: mean = median = 11
//	Dana Fox (Ann + Bo): 7 deals, won 3 (2255.00), lost 1, win rate 3/4;
//	  cycles 10, 30, 12: mean 52/3 = 17.33, median 12
//	months of close: 2017-01 P1 1000.00; 2017-02 P3 1200.00; 2017-03 P7+P9 955.00
//	blanks: account 2 (P3, P6), engage_date 2 (P5, P6), close_date 4, close_value 4
func TestPipelineExport(t *testing.T) {
	dir := "testdata/pipeline"
	args := []string{"-deals", filepath.Join(dir, "sales_pipeline.csv"), "-products", filepath.Join(dir, "products.csv"),
		"-teams", filepath.Join(dir, "sales_teams.csv"), "-currency", "USD", "-stages", "Prospecting,Engaging"}
	r := runJSON(t, report.ExitRejected, args...)
	require.NotNil(t, r.Deals)
	tot := r.Deals.Total
	assert.Equal(t, [4]int64{10, 4, 2, 4}, [4]int64{tot.Deals, tot.Won, tot.Lost, tot.Open})
	assert.Equal(t, int64(4), tot.OpenWithoutAmount)
	assert.Equal(t, "3155.00", tot.WonAmount)
	assert.Equal(t, "0.00", tot.OpenAmount)
	assert.Equal(t, "788.75", *tot.AverageWon)
	assert.Equal(t, "9752.00", *tot.OpenAtListPrice)
	frac(t, "0.666667", tot.WinRate)
	require.NotNil(t, tot.Cycle)
	assert.Equal(t, report.Cycle{Deals: 4, MeanDays: 20.5, MedianDays: 21}, *tot.Cycle)
	assert.Equal(t, "2017-03-06", r.AsOf)

	require.Len(t, r.Deals.Stages, 2)
	p, e := r.Deals.Stages[0], r.Deals.Stages[1]
	assert.Equal(t, "Prospecting", p.Name)
	assert.Equal(t, [5]int64{10, 6, 4, 2, 2}, [5]int64{p.Reached, p.Advanced, p.Won, p.DroppedOff, p.Open})
	frac(t, "0.6", p.Conversion)
	assert.Equal(t, "Engaging", e.Name)
	assert.Equal(t, [5]int64{6, 4, 4, 0, 2}, [5]int64{e.Reached, e.Advanced, e.Won, e.DroppedOff, e.Open})
	frac(t, "0.666667", e.Conversion)

	owners := figuresByName(r.Deals.ByOwner)
	ann := owners["Ann Lee"]
	assert.Equal(t, [4]int64{4, 2, 1, 1}, [4]int64{ann.Deals, ann.Won, ann.Lost, ann.Open})
	assert.Equal(t, "1055.00", ann.WonAmount)
	assert.Equal(t, "527.50", *ann.AverageWon)
	assert.Equal(t, report.Cycle{Deals: 2, MeanDays: 11, MedianDays: 11}, *ann.Cycle)
	dana := figuresByName(r.Deals.ByManager)["Dana Fox"]
	assert.Equal(t, [4]int64{7, 3, 1, 3}, [4]int64{dana.Deals, dana.Won, dana.Lost, dana.Open})
	assert.Equal(t, "2255.00", dana.WonAmount)
	frac(t, "0.75", dana.WinRate)
	assert.Equal(t, report.Cycle{Deals: 3, MeanDays: 17.33, MedianDays: 12}, *dana.Cycle)
	assert.Equal(t, int64(7), figuresByName(r.Deals.ByOffice)["East"].Deals)

	assert.Equal(t, []report.MonthWon{{Month: "2017-01", Won: 1, Amount: "1000.00"}, {Month: "2017-02", Won: 1, Amount: "1200.00"},
		{Month: "2017-03", Won: 2, Amount: "955.00"}}, r.Deals.MonthlyWon)

	// Blanks per column of the deals file.
	blanks := map[string]int{}
	for _, b := range r.Files[0].Blanks {
		blanks[b.Column] = b.Blank
	}
	assert.Equal(t, map[string]int{"opportunity_id": 0, "sales_agent": 0, "product": 0, "account": 2, "deal_stage": 0,
		"engage_date": 2, "close_date": 4, "close_value": 4}, blanks)

	// Rejections: a summary by reason with the first lines, no row list.
	assert.Equal(t, 3, r.Rejected.Count)
	assert.Nil(t, r.Rejected.Rows)
	lines := map[string]int{}
	for _, rc := range r.Rejected.Reasons {
		assert.Equal(t, 1, rc.Count)
		lines[rc.Reason] = rc.FirstLines[0].Line
	}
	assert.Equal(t, map[string]int{"bad date": 12, "bad amount": 13, "duplicate id": 14}, lines)

	// The product spelled two ways is reported, and is missing from the
	// price list under one spelling.
	require.Len(t, r.NearDuplicates, 1)
	assert.Equal(t, "product", r.NearDuplicates[0].Kind)
	assert.Equal(t, "GTX Pro", r.NearDuplicates[0].Spellings[0].Name)
	assert.Equal(t, "GTXPro", r.NearDuplicates[0].Spellings[1].Name)
	assert.Equal(t, map[string]int{"testdata/pipeline/sales_pipeline.csv": 4}, r.NearDuplicates[0].Spellings[1].Files)
	require.Len(t, r.Unmatched, 1)
	assert.Equal(t, report.Unmatched{Kind: "product", Name: "GTXPro", Rows: 4, Missing: "testdata/pipeline/products.csv", Similar: []string{"GTX Pro"}}, r.Unmatched[0])
	prods := figuresByName(r.Deals.ByProduct)
	assert.Equal(t, int64(2), prods["GTX Pro"].Deals)
	assert.Equal(t, int64(4), prods["GTXPro"].Deals)

	// -map joins them: GTX Pro is then P1 P3 P5 P7 P8 P10, and nothing is
	// unmatched; -rejected lists every rejected row.
	r = runJSON(t, report.ExitRejected, append(args, "-map", "GTXPro=GTX Pro", "-rejected")...)
	prods = figuresByName(r.Deals.ByProduct)
	assert.Equal(t, int64(6), prods["GTX Pro"].Deals)
	assert.Equal(t, "3100.00", prods["GTX Pro"].WonAmount) // 1000 + 1200 + 900
	assert.Empty(t, r.Unmatched)
	assert.Len(t, r.Rejected.Rows, 3)
	// -fold-names does the same for every near-duplicate, under the
	// spelling in the most rows: GTXPro (4 rows) over GTX Pro (3).
	r = runJSON(t, report.ExitRejected, append(args, "-fold-names")...)
	assert.Equal(t, int64(6), figuresByName(r.Deals.ByProduct)["GTXPro"].Deals)
	assert.Empty(t, r.Unmatched)
	assert.True(t, r.NearDuplicates[0].Merged)
}

// Without -stages the open stages come in the order they first appear
// (Engaging before Prospecting here) and a note says so.
func TestStageOrderNote(t *testing.T) {
	r := runJSON(t, report.ExitRejected, "-deals", "testdata/pipeline/sales_pipeline.csv", "-currency", "USD")
	assert.Equal(t, "Engaging", r.Deals.Stages[0].Name)
	assert.Contains(t, r.Notes[0], "give the real order with -stages")
}

// The marketing-qualified-leads shape (testdata/mql): a leads file and a
// closed-deals file without an outcome column that links deal -> lead.
//
// By hand: 10 leads, deals for m1, m4, m9: conversion 3/10 = 0.3 (the 7
// leads without a deal count as not converted). Per origin:
// organic_search m1 m3 m6 m10: 1/4; paid_search m2 m5 m9: 1/3; social
// m4 m8: 1/2; blank m7: 0/1.
// Cycles from first contact (a date) to won (a timestamp), calendar days:
// m1 Feb 1 -> Feb 14 = 13, m4 Feb 10 -> Feb 9 = -1 (won before the first
// contact: kept, flagged), m9 Mar 1 -> Mar 20 = 19: mean 31/3 = 10.33,
// median 13, one negative.
// With -time-of-day: 13 + 13/24 = 13.5417, -(14.5/24) = -0.6042,
// 19 + 18.75/24 = 19.78125: mean 32.71875/3 = 10.90625, median 13.5417.
func TestMQLShape(t *testing.T) {
	args := []string{"-deals", "testdata/mql/closed_deals.csv", "-deals-outcome", "won", "-leads", "testdata/mql/leads.csv"}
	r := runJSON(t, report.ExitOK, args...)
	require.NotNil(t, r.Leads)
	assert.Equal(t, int64(10), r.Leads.Total.Leads)
	assert.Equal(t, int64(3), r.Leads.Total.Converted)
	frac(t, "0.3", r.Leads.Total.Conversion)
	want := map[string][2]int64{"organic_search": {4, 1}, "paid_search": {3, 1}, "social": {2, 1}, "(blank)": {1, 0}}
	got := map[string][2]int64{}
	for _, f := range r.Leads.ByOrigin {
		got[f.Name] = [2]int64{f.Leads, f.Converted}
	}
	assert.Equal(t, want, got)
	assert.Equal(t, int64(3), r.Deals.Total.Won)
	assert.Equal(t, report.Cycle{Deals: 3, MeanDays: 10.33, MedianDays: 13, Negative: 1}, *r.Deals.Total.Cycle)
	assert.Equal(t, report.Cycle{Deals: 3, MeanDays: 10.33, MedianDays: 13, Negative: 1}, *r.Leads.ToWon)
	assert.Equal(t, []report.NegativeCycle{{Deal: "line 3", Line: 3, Days: -1}}, r.Deals.NegativeCycles)
	assert.Equal(t, int64(1), r.Deals.CycleDays[0].Deals, "the below-0 bar")

	r = runJSON(t, report.ExitOK, append(args, "-time-of-day")...)
	assert.Equal(t, report.Cycle{Deals: 3, MeanDays: 10.91, MedianDays: 13.54, Negative: 1}, *r.Deals.Total.Cycle)

	// Without the outcome flag the file cannot be read, and the message says which flag.
	_, errs, code := run(t, args[:2]...)
	assert.Equal(t, report.ExitUsage, code)
	assert.Contains(t, errs, "-deals-outcome")
}

// A leads export with no dates (testdata/leadsonly: semicolons, a UTF-8
// BOM, a converted flag, origin and source).
//
// By hand: a10's flag "maybe" is rejected (line 11); of 9 leads a3 a5 a6
// a7 converted: 4/9. API a1 a2 a5 a8: 1/4; Landing Page Submission a3 a4
// a6 a9: 2/4; Lead Add Form a7: 1/1. Source "Google" (a5) and "google"
// (a6) are near-duplicates: apart 1/1 each, with -fold-names Google 2/2.
func TestLeadsOnly(t *testing.T) {
	r := runJSON(t, report.ExitRejected, "-leads", "testdata/leadsonly/leads.csv")
	assert.Nil(t, r.Deals)
	assert.Equal(t, ";", r.Files[0].Delimiter)
	assert.Equal(t, "Prospect ID", r.Files[0].Columns["id"], "the BOM is not part of the first header")
	assert.Equal(t, [2]int64{9, 4}, [2]int64{r.Leads.Total.Leads, r.Leads.Total.Converted})
	frac(t, "0.444444", r.Leads.Total.Conversion)
	origins := map[string][2]int64{}
	for _, f := range r.Leads.ByOrigin {
		origins[f.Name] = [2]int64{f.Leads, f.Converted}
	}
	assert.Equal(t, map[string][2]int64{"API": {4, 1}, "Landing Page Submission": {4, 2}, "Lead Add Form": {1, 1}}, origins)
	assert.Equal(t, 1, r.Rejected.Count)
	assert.Equal(t, 11, r.Rejected.Reasons[0].FirstLines[0].Line)
	require.Len(t, r.NearDuplicates, 1)
	assert.Equal(t, "source", r.NearDuplicates[0].Kind)

	r = runJSON(t, report.ExitRejected, "-leads", "testdata/leadsonly/leads.csv", "-fold-names")
	for _, f := range r.Leads.BySource {
		assert.NotEqual(t, "google", f.Name)
		if f.Name == "Google" {
			assert.Equal(t, [2]int64{2, 2}, [2]int64{f.Leads, f.Converted})
		}
	}
}

// Presets read each CRM's documented column names with no other flag
// (but -currency where the export has no currency column).
//
// By hand: Salesforce: won 006A 1,200.00 (Jan 15 -> Mar 15 2024 = 31 + 29
// = 60 days), lost 006C, open 006B 500.00 and 006D blank; the open deals'
// Close Date is an expected date and is ignored. HubSpot: won 101 100.00
// (May 1 -> May 10 = 9 days), lost 103, open 102. Pipedrive (tabs): won 1
// 300.00 (Apr 1 -> Apr 11 = 10 days, the won time column), lost 2 (the
// lost time column), open 3. Odoo: won "Big deal" 1000.00 (Jan 10 -> Feb
// 9 = 30 days), open 2 (400.00 and blank).
func TestPresets(t *testing.T) {
	for _, tc := range []struct {
		preset, file, currency string
		won, lost, open        int64
		wonAmount, openAmount  string
		cycle                  float64
	}{
		{"salesforce", "salesforce.csv", "", 1, 1, 2, "1200.00", "500.00", 60},
		{"hubspot", "hubspot.csv", "USD", 1, 1, 1, "100.00", "0.00", 9},
		{"pipedrive", "pipedrive.tsv", "", 1, 1, 1, "300.00", "0.00", 10},
		{"odoo", "odoo.csv", "EUR", 1, 0, 2, "1000.00", "400.00", 30},
	} {
		t.Run(tc.preset, func(t *testing.T) {
			args := []string{"-deals", filepath.Join("testdata/presets", tc.file), "-preset", tc.preset}
			if tc.currency != "" {
				args = append(args, "-currency", tc.currency)
			}
			r := runJSON(t, report.ExitOK, args...)
			tot := r.Deals.Total
			assert.Equal(t, [3]int64{tc.won, tc.lost, tc.open}, [3]int64{tot.Won, tot.Lost, tot.Open})
			assert.Equal(t, tc.wonAmount, tot.WonAmount)
			assert.Equal(t, tc.openAmount, tot.OpenAmount)
			assert.Equal(t, tc.cycle, tot.Cycle.MeanDays)
		})
	}
}

// Detection refuses to guess: day/month order that every value allows
// both ways, and a header with as many semicolons as commas.
func TestDetectionRefusesToGuess(t *testing.T) {
	_, errs, code := run(t, "-deals", "testdata/ambiguous_dates.csv")
	assert.Equal(t, report.ExitUsage, code)
	assert.Contains(t, errs, "unsure of the date format")
	assert.Contains(t, errs, "-date-format")

	// Said explicitly, the file reads: day first, 3 Apr -> 5 Jun = 63 days.
	r := runJSON(t, report.ExitOK, "-deals", "testdata/ambiguous_dates.csv", "-date-format", "02/01/2006")
	assert.Equal(t, 63.0, r.Deals.Total.Cycle.MeanDays)

	_, errs, code = run(t, "-deals", "testdata/delimiter_tie.csv")
	assert.Equal(t, report.ExitUsage, code)
	assert.Contains(t, errs, "-delimiter")
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-deals", "testdata/missing.csv"},
		{"-deals", "testdata/presets/odoo.csv", "-preset", "sugar"},
		{"-deals", "testdata/presets/odoo.csv", "-preset", "odoo"}, // amounts, no currency
		{"-deals", "testdata/presets/odoo.csv", "-col", "amount=Revenue"},
		{"-deals", "testdata/presets/odoo.csv", "-col", "colour=Stage"},
		{"-deals", "testdata/presets/odoo.csv", "-deals-outcome", "maybe"},
		{"-deals", "testdata/presets/odoo.csv", "-won", "won", "-lost", "WON"},
		{"-leads", "testdata/mql/leads.csv"}, // no way to tell conversion
		{"stray"},
	} {
		_, errs, code := run(t, args...)
		assert.Equal(t, report.ExitUsage, code, "%q: %s", args, errs)
		assert.NotEmpty(t, errs, "%q", args)
	}
}

// -h prints the flags to stderr, as crmkit clv does, and succeeds
// (crmkit help report).
func TestHelp(t *testing.T) {
	out, errs, code := run(t, "-h")
	assert.Equal(t, report.ExitOK, code)
	assert.Empty(t, out)
	assert.Contains(t, errs, "usage: crmkit report")
	assert.Contains(t, errs, "-deals-outcome")
}

// Leads that name their deal (lead -> deal, testdata/linked).
//
// By hand: L1 -> D1 (won), L3 -> D2 (lost), L5 -> D9 (not in the deals
// file: still a lead with a deal, counted as converted, and a note says
// so); L2 and L4 have none. Conversion 3/5; web L1 L2 L5: 2/3; event L3
// L4: 1/2. The deals file has no start date: D1's cycle starts at L1's
// creation, Jan 1 -> Jan 11 = 10 days, and so does first contact to won.
func TestLeadsNameTheirDeals(t *testing.T) {
	r := runJSON(t, report.ExitOK, "-leads", "testdata/linked/leads.csv", "-deals", "testdata/linked/deals.csv", "-currency", "USD")
	assert.Equal(t, [2]int64{5, 3}, [2]int64{r.Leads.Total.Leads, r.Leads.Total.Converted})
	frac(t, "0.6", r.Leads.Total.Conversion)
	src := map[string][2]int64{}
	for _, f := range r.Leads.BySource {
		src[f.Name] = [2]int64{f.Leads, f.Converted}
	}
	assert.Equal(t, map[string][2]int64{"web": {3, 2}, "event": {2, 1}}, src)
	assert.Equal(t, report.Cycle{Deals: 1, MeanDays: 10, MedianDays: 10}, *r.Deals.Total.Cycle)
	assert.Equal(t, report.Cycle{Deals: 1, MeanDays: 10, MedianDays: 10}, *r.Leads.ToWon)
	assert.Contains(t, r.Notes, "1 leads name a deal that is not in the deals file: counted as converted")
}

// -first-lines sets how many line numbers the summary shows per reason,
// down to none; the count stays.
func TestFirstLines(t *testing.T) {
	for _, n := range []string{"0", "1"} {
		out, _, code := run(t, "-deals", "testdata/pipeline/sales_pipeline.csv", "-currency", "USD", "-first-lines", n)
		assert.Equal(t, report.ExitRejected, code)
		assert.Contains(t, out, "== Rejected rows: 3")
	}
	r := runJSON(t, report.ExitRejected, "-deals", "testdata/pipeline/sales_pipeline.csv", "-currency", "USD", "-first-lines", "0")
	assert.Empty(t, r.Rejected.Reasons[0].FirstLines)
	assert.Equal(t, 1, r.Rejected.Reasons[0].Count)
}

// Deals missing dates or amounts count in every figure they can
// (testdata/undated.csv).
//
// By hand: won A 10.00 (Jan 1 -> Jan 11, 10 days) and B 20.00 (no start:
// in the won count, the revenue and January's revenue, not in the cycle);
// open C with no amount and no dates; lost D with no close date. Won
// 30.00, win rate 2/3, cycle over 1 deal: 10 days; 2024-01: 2 won, 30.00.
func TestUndatedDeals(t *testing.T) {
	r := runJSON(t, report.ExitOK, "-deals", "testdata/undated.csv", "-currency", "EUR")
	tot := r.Deals.Total
	assert.Equal(t, [4]int64{4, 2, 1, 1}, [4]int64{tot.Deals, tot.Won, tot.Lost, tot.Open})
	assert.Equal(t, int64(1), tot.OpenWithoutAmount)
	assert.Equal(t, "30.00", tot.WonAmount)
	frac(t, "0.666667", tot.WinRate)
	assert.Equal(t, report.Cycle{Deals: 1, MeanDays: 10, MedianDays: 10}, *tot.Cycle)
	assert.Equal(t, []report.MonthWon{{Month: "2024-01", Won: 2, Amount: "30.00"}}, r.Deals.MonthlyWon)
}
