package report

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"os"
	"strconv"
)

// The HTML page is one file: CSS in a style element, charts as inline
// SVG, no script, no font or image from elsewhere. Every figure is the
// same text -json and the table print (amounts as decimal strings, rates
// as percentages with two decimals).
var page = template.Must(template.New("page").Funcs(template.FuncMap{"pct": pct, "opt": opt, "days": dayFig}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>crmkit report</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2733;background:#fff}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #d8dee6;padding-bottom:4px}
table{border-collapse:collapse;font-size:13px}td,th{padding:3px 8px;border-bottom:1px solid #e6eaef;text-align:right}
td:first-child,th:first-child{text-align:left}th{background:#f2f5f8}
.kpi{display:inline-block;margin:0 18px 10px 0;padding:8px 12px;background:#f2f5f8;border-radius:6px}
.kpi b{display:block;font-size:18px}.note{color:#6b7785;font-size:12px}
svg text{font-size:12px;fill:#1d2733}
</style></head><body>
<h1>crmkit report</h1>
<p class="note">As of {{if .R.AsOf}}{{.R.AsOf}}{{else}}(no dates){{end}}; amounts in {{.R.Currency}}; durations in days; store {{.R.Store}}.</p>
{{with .R.Deals}}{{with .Total}}
<div id="totals">
<span class="kpi">deals<b id="deals">{{.Deals}}</b></span>
<span class="kpi">won<b id="won">{{.Won}}</b></span>
<span class="kpi">lost<b id="lost">{{.Lost}}</b></span>
<span class="kpi">open<b id="open">{{.Open}}</b></span>
<span class="kpi">win rate<b id="win-rate">{{pct .WinRate}}</b></span>
<span class="kpi">won revenue<b id="won-amount">{{.WonAmount}}</b></span>
<span class="kpi">open pipeline<b id="open-amount">{{.OpenAmount}}</b></span>
{{if .OpenAtListPrice}}<span class="kpi">open at list price<b id="open-list">{{opt .OpenAtListPrice}}</b></span>{{end}}
<span class="kpi">average won deal<b id="average-won">{{opt .AverageWon}}</b></span>
<span class="kpi">sales cycle mean/median<b id="cycle">{{days .Cycle}}</b></span>
</div>{{end}}{{end}}
{{if .R.Deals}}
<h2>Funnel by stage</h2>
<svg id="funnel" xmlns="http://www.w3.org/2000/svg" width="760" height="{{.FunnelH}}" role="img" aria-label="deals reaching each stage">
{{range .Funnel}}<rect x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="22" fill="#3b7dd8"/><text x="8" y="{{.TY}}">{{.Label}}</text><text x="{{.VX}}" y="{{.TY}}">{{.Value}}</text>
{{end}}</svg>
<h2>Stage-to-stage conversion</h2>
<table id="stages"><tr><th>stage</th><th>reached</th><th>amount</th><th>advanced</th><th>conversion</th><th>won</th><th>to won</th><th>dropped off</th><th>open</th><th>open amount</th></tr>
{{range .R.Deals.Stages}}<tr><td>{{.Name}}</td><td>{{.Reached}}</td><td>{{.ReachedAmount}}</td><td>{{.Advanced}}</td><td>{{pct .Conversion}}</td><td>{{.Won}}</td><td>{{pct .ToWon}}</td><td>{{.DroppedOff}}</td><td>{{.Open}}</td><td>{{.OpenAmount}}</td></tr>
{{end}}</table>
<h2>Sales cycle distribution (won deals, days)</h2>
<svg id="cycles" xmlns="http://www.w3.org/2000/svg" width="760" height="220" role="img" aria-label="won deals by sales cycle length">
{{range .Cycles}}<rect x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" fill="#2f9e6e"/><text x="{{.TX}}" y="205">{{.Label}}</text><text x="{{.TX}}" y="{{.VY}}">{{.Value}}</text>
{{end}}</svg>
<h2>Won revenue by month of close</h2>
<svg id="monthly" xmlns="http://www.w3.org/2000/svg" width="{{.MonthW}}" height="240" role="img" aria-label="won revenue per month">
{{range .Months}}<rect x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" fill="#d8863b"/><text x="{{.TX}}" y="225">{{.Label}}</text><text x="{{.TX}}" y="{{.VY}}">{{.Value}}</text>
{{end}}</svg>
{{with .R.Deals.ByOwner}}<h2>Per owner</h2>
<table id="owners"><tr><th>owner</th><th>deals</th><th>won</th><th>lost</th><th>open</th><th>win rate</th><th>won revenue</th><th>open pipeline</th><th>average won</th><th>cycle mean/median</th></tr>
{{range .}}<tr><td>{{.Name}}</td><td>{{.Deals}}</td><td>{{.Won}}</td><td>{{.Lost}}</td><td>{{.Open}}</td><td>{{pct .WinRate}}</td><td>{{.WonAmount}}</td><td>{{.OpenAmount}}</td><td>{{opt .AverageWon}}</td><td>{{days .Cycle}}</td></tr>
{{end}}</table>{{end}}
{{end}}
{{with .R.Leads}}<h2>Leads</h2>
<p id="leads">leads <b>{{.Total.Leads}}</b>, converted <b>{{.Total.Converted}}</b>, conversion <b id="lead-conversion">{{pct .Total.Conversion}}</b></p>
{{with .BySource}}<table id="lead-sources"><tr><th>source</th><th>leads</th><th>converted</th><th>conversion</th></tr>
{{range .}}<tr><td>{{.Name}}</td><td>{{.Leads}}</td><td>{{.Converted}}</td><td>{{pct .Conversion}}</td></tr>
{{end}}</table>{{end}}{{end}}
<h2>Rejected rows: <span id="rejected">{{.R.Rejected.Count}}</span></h2>
{{with .R.Rejected.Reasons}}<table><tr><th>reason</th><th>rows</th><th>first</th></tr>
{{range .}}<tr><td>{{.Reason}}</td><td>{{.Count}}</td><td>{{range .FirstLines}}{{.File}}:{{.Line}} {{end}}</td></tr>
{{end}}</table>{{end}}
{{with .R.NearDuplicates}}<h2>Names written more than one way</h2><ul>
{{range .}}<li>{{.Kind}}: {{range .Spellings}}“{{.Name}}” {{end}}</li>
{{end}}</ul>{{end}}
{{range .R.Notes}}<p class="note">{{.}}</p>
{{end}}</body></html>
`))

type bar struct {
	X, Y, W, H, TX, TY, VX, VY int
	Label, Value               string
}

type pageData struct {
	R              *Report
	Funnel         []bar
	FunnelH        int
	Cycles, Months []bar
	MonthW         int
}

func scale(v, max float64, px int) int {
	if max <= 0 || v <= 0 {
		return 0
	}
	w := int(v / max * float64(px))
	if w < 1 {
		w = 1
	}
	return w
}

func writeHTML(w io.Writer, r *Report) error {
	d := pageData{R: r, MonthW: 760}
	if ds := r.Deals; ds != nil {
		var most int64
		for _, s := range ds.Stages {
			most = maxI(most, s.Reached)
		}
		for i, s := range ds.Stages {
			y := 6 + i*30
			wd := scale(float64(s.Reached), float64(most), 400)
			d.Funnel = append(d.Funnel, bar{X: 200, Y: y, W: wd, TY: y + 16, VX: 210 + wd, Label: s.Name,
				Value: fmt.Sprintf("%d (%s)", s.Reached, s.ReachedAmount)})
		}
		d.FunnelH = 12 + 30*len(ds.Stages)
		var cmax int64
		for _, b := range ds.CycleDays {
			cmax = maxI(cmax, b.Deals)
		}
		for i, b := range ds.CycleDays {
			h := scale(float64(b.Deals), float64(cmax), 160)
			x := 20 + i*100
			d.Cycles = append(d.Cycles, bar{X: x, Y: 185 - h, W: 70, H: h, TX: x, VY: 180 - h, Label: b.Label, Value: strconv.FormatInt(b.Deals, 10)})
		}
		var mmax float64
		for _, m := range ds.MonthlyWon {
			v, _ := strconv.ParseFloat(m.Amount, 64)
			mmax = max(mmax, v)
		}
		step := 90
		d.MonthW = max(760, 20+step*len(ds.MonthlyWon))
		for i, m := range ds.MonthlyWon {
			v, _ := strconv.ParseFloat(m.Amount, 64)
			h := scale(v, mmax, 170)
			x := 20 + i*step
			d.Months = append(d.Months, bar{X: x, Y: 205 - h, W: 60, H: h, TX: x, VY: 200 - h, Label: m.Month, Value: m.Amount})
		}
	}
	return page.Execute(w, d)
}

func maxI(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

func writeHTMLFile(path string, r *Report) error {
	var b bytes.Buffer
	if err := writeHTML(&b, r); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}
