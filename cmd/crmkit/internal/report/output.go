package report

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

func writeJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// pct formats a fraction as a percentage with two decimals, "-" when
// undefined: the one place percent exists.
func pct(d *decimal.Decimal) string {
	if d == nil {
		return "-"
	}
	return d.Mul(decimal.NewFromInt(100)).StringFixed(2) + "%"
}

func opt(s *string) string {
	if s == nil {
		return "-"
	}
	return *s
}

func dayFig(c *Cycle) string {
	if c == nil {
		return "-"
	}
	return fmt.Sprintf("%.2f/%.2f", c.MeanDays, c.MedianDays)
}

// errWriter keeps the first write error so the printing code stays flat.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func writeText(w io.Writer, r *Report) error {
	ew := &errWriter{w: w}
	asOf := r.AsOf
	if asOf == "" {
		asOf = "(no dates)"
	}
	ew.printf("crmkit report, as of %s, store %s\n", asOf, r.Store)
	if d := r.Deals; d != nil {
		t := d.Total
		amounts := "amounts in " + r.Currency
		if r.Currency == noAmounts {
			amounts = "no amounts in the file"
		}
		ew.printf("\n== Deals (%s; durations in days, mean/median)\n", amounts)
		ew.printf("deals %d: won %d, lost %d, open %d (%d open without an amount)\n", t.Deals, t.Won, t.Lost, t.Open, t.OpenWithoutAmount)
		ew.printf("win rate            %s\n", pct(t.WinRate))
		ew.printf("won revenue         %s\n", t.WonAmount)
		ew.printf("open pipeline       %s\n", t.OpenAmount)
		if t.OpenAtListPrice != nil {
			ew.printf("open at list price  %s\n", *t.OpenAtListPrice)
		}
		ew.printf("average won deal    %s\n", opt(t.AverageWon))
		if t.Cycle != nil {
			ew.printf("sales cycle         %s over %d won deals (%d negative)\n", dayFig(t.Cycle), t.Cycle.Deals, t.Cycle.Negative)
		}
		ew.printf("\n== Stages (reached: entered the stage; conversion: went on to a later stage or a win)\n")
		ew.printf("%-24s %8s %14s %8s %10s %6s %8s %8s %6s %14s\n", "stage", "reached", "amount", "advanced", "conversion", "won", "to won", "dropped", "open", "open amount")
		for _, s := range d.Stages {
			ew.printf("%-24s %8d %14s %8d %10s %6d %8s %8d %6d %14s\n", s.Name, s.Reached, s.ReachedAmount, s.Advanced, pct(s.Conversion), s.Won, pct(s.ToWon), s.DroppedOff, s.Open, s.OpenAmount)
		}
		for _, sec := range []struct {
			title string
			rows  []Figures
		}{{"owner", d.ByOwner}, {"manager", d.ByManager}, {"office", d.ByOffice}, {"product", d.ByProduct}, {"source", d.BySource}} {
			if len(sec.rows) == 0 {
				continue
			}
			ew.printf("\n== By %s\n", sec.title)
			ew.printf("%-24s %6s %5s %5s %5s %8s %14s %14s %14s %14s %13s\n", sec.title, "deals", "won", "lost", "open", "win rate", "won revenue", "open pipeline", "at list price", "average won", "cycle")
			for _, f := range sec.rows {
				ew.printf("%-24s %6d %5d %5d %5d %8s %14s %14s %14s %14s %13s\n", f.Name, f.Deals, f.Won, f.Lost, f.Open, pct(f.WinRate), f.WonAmount, f.OpenAmount, opt(f.OpenAtListPrice), opt(f.AverageWon), dayFig(f.Cycle))
			}
		}
		if len(d.MonthlyWon) > 0 {
			ew.printf("\n== Won revenue by month of close\n")
			for _, m := range d.MonthlyWon {
				ew.printf("%s %5d %14s\n", m.Month, m.Won, m.Amount)
			}
		}
		if len(d.NegativeCycles) > 0 {
			ew.printf("\n== Won before they started (negative cycles, kept in the figures): %d\n", len(d.NegativeCycles))
			for _, n := range d.NegativeCycles {
				ew.printf("deal %q (line %d): %.2f days\n", n.Deal, n.Line, n.Days)
			}
		}
	}
	if l := r.Leads; l != nil {
		ew.printf("\n== Leads (converted: has a deal or its converted flag says so)\n")
		ew.printf("leads %d, converted %d, conversion %s\n", l.Total.Leads, l.Total.Converted, pct(l.Total.Conversion))
		if l.ToWon != nil {
			ew.printf("first contact to won %s days over %d deals (%d negative)\n", dayFig(l.ToWon), l.ToWon.Deals, l.ToWon.Negative)
		}
		for _, sec := range []struct {
			title string
			rows  []LeadFigures
		}{{"source", l.BySource}, {"origin", l.ByOrigin}} {
			if len(sec.rows) == 0 {
				continue
			}
			ew.printf("\n%-30s %6s %9s %10s\n", sec.title, "leads", "converted", "conversion")
			for _, f := range sec.rows {
				ew.printf("%-30s %6d %9d %10s\n", f.Name, f.Leads, f.Converted, pct(f.Conversion))
			}
		}
	}
	ew.printf("\n== Blank values per column\n")
	for _, f := range r.Files {
		var parts []string
		for _, b := range f.Blanks {
			if b.Blank > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", b.Column, b.Blank))
			}
		}
		if len(parts) == 0 {
			parts = []string{"none"}
		}
		ew.printf("%s (%s, %d rows, delimiter %q): %s\n", f.Path, f.Role, f.Rows, f.Delimiter, strings.Join(parts, ", "))
	}
	ew.printf("\n== Rejected rows: %d\n", r.Rejected.Count)
	for _, rc := range r.Rejected.Reasons {
		var lines []string
		for _, x := range rc.FirstLines {
			lines = append(lines, fmt.Sprintf("%s:%d", x.File, x.Line))
		}
		more := ""
		if rc.Count > len(rc.FirstLines) {
			more = ", ..."
		}
		if len(rc.FirstLines) == 0 {
			ew.printf("%-20s %5d\n", rc.Reason, rc.Count)
			continue
		}
		ew.printf("%-20s %5d  first: %s%s (e.g. %s)\n", rc.Reason, rc.Count, strings.Join(lines, " "), more, rc.FirstLines[0].Detail)
	}
	for _, x := range r.Rejected.Rows {
		ew.printf("%s line %d: %s: %s\n", x.File, x.Line, x.Reason, x.Detail)
	}
	if r.Rejected.Count > 0 && r.Rejected.Rows == nil {
		ew.printf("(every rejected row: -rejected)\n")
	}
	ew.printf("\n== Names written more than one way: %d\n", len(r.NearDuplicates))
	for _, n := range r.NearDuplicates {
		var parts []string
		for _, s := range n.Spellings {
			files := make([]string, 0, len(s.Files))
			for f, c := range s.Files {
				files = append(files, fmt.Sprintf("%s %d", f, c))
			}
			slices.Sort(files)
			parts = append(parts, fmt.Sprintf("%q (%s)", s.Name, strings.Join(files, ", ")))
		}
		how := "counted apart; join them with -map FROM=TO or -fold-names"
		if n.Merged {
			how = "counted as one (-fold-names)"
		}
		ew.printf("%s: %s: %s\n", n.Kind, strings.Join(parts, ", "), how)
	}
	if len(r.Unmatched) > 0 {
		ew.printf("\n== Names not found in the file they join\n")
		for _, u := range r.Unmatched {
			sim := ""
			if len(u.Similar) > 0 {
				sim = fmt.Sprintf("; near-duplicate there: %q (-map %q)", strings.Join(u.Similar, `", "`), u.Name+"="+u.Similar[0])
			}
			ew.printf("%s %q (%d rows) not in %s%s\n", u.Kind, u.Name, u.Rows, u.Missing, sim)
		}
	}
	for _, n := range r.Notes {
		ew.printf("note: %s\n", n)
	}
	return ew.err
}
