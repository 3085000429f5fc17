package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// TestBreakdownsAddUp checks on random exports that every row is either
// counted or listed as unreadable, and that the per-owner, per-product and
// per-month figures add up to the totals.
func TestBreakdownsAddUp(t *testing.T) {
	dir := t.TempDir()
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 30).Draw(rt, "rows")
		var b strings.Builder
		b.WriteString("id,status,amount,currency,created,closed,owner,product\n")
		for range n {
			status := rapid.SampledFrom([]string{"won", "lost", "open", "Won", "LOST"}).Draw(rt, "status")
			cents := rapid.IntRange(-5, 1_000_000).Draw(rt, "cents")
			amount := fmt.Sprintf("%d.%02d", cents/100, cents%100)
			if cents < 0 {
				amount = rapid.SampledFrom([]string{"", "abc", "1.234", "-3.00"}).Draw(rt, "bad amount")
			}
			created := rapid.IntRange(1, 28).Draw(rt, "created")
			month := rapid.IntRange(1, 3).Draw(rt, "month")
			closed := ""
			if rapid.IntRange(0, 9).Draw(rt, "closed?") > 0 {
				closed = fmt.Sprintf("2024-%02d-%02d", month, min(28, created+rapid.IntRange(-2, 20).Draw(rt, "days")))
			}
			owner := rapid.SampledFrom([]string{"Ann", "ann", "Bob", "Cy"}).Draw(rt, "owner")
			product := rapid.SampledFrom([]string{"W", "G", "g"}).Draw(rt, "product")
			id := fmt.Sprintf("D%d", rapid.IntRange(0, 2*n).Draw(rt, "id")) // duplicates happen
			fmt.Fprintf(&b, "%s,%s,%s,EUR,2024-%02d-%02d,%s,%s,%s\n", id, status, amount, month, created, closed, owner, product)
		}
		p := filepath.Join(dir, "deals.csv")
		if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
			rt.Fatal(err)
		}
		var out, errOut bytes.Buffer
		err := run([]string{"-deals", p, "-json"}, &out, &errOut)
		if err != nil {
			if strings.Contains(err.Error(), "no deal could be read") {
				return
			}
			rt.Fatal(err)
		}
		var rep Report
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			rt.Fatal(err)
		}
		if rep.RowsRead+len(rep.BadRows) != n {
			rt.Fatalf("%d read + %d bad != %d rows", rep.RowsRead, len(rep.BadRows), n)
		}
		tot := rep.Total
		if tot.Won+tot.Lost+tot.Open != tot.Deals || tot.Deals != rep.RowsRead {
			rt.Fatalf("outcomes %d+%d+%d, deals %d, read %d", tot.Won, tot.Lost, tot.Open, tot.Deals, rep.RowsRead)
		}
		for name, groups := range map[string][]Metrics{"owner": rep.ByOwner, "product": rep.ByProduct, "month": rep.ByMonth} {
			var deals, won, lost int
			var revenue, pipeline int64
			for _, g := range groups {
				deals += g.Deals
				won += g.Won
				lost += g.Lost
				revenue += g.WonRevenue.Minor()
				pipeline += g.Pipeline.Minor()
			}
			if deals != tot.Deals || won != tot.Won || lost != tot.Lost ||
				revenue != tot.WonRevenue.Minor() || pipeline != tot.Pipeline.Minor() {
				rt.Fatalf("by %s does not add up to the total", name)
			}
		}
		if len(rep.ByOwner) > 3 || len(rep.ByProduct) > 2 {
			rt.Fatalf("spellings not merged: %d owners, %d products", len(rep.ByOwner), len(rep.ByProduct))
		}
	})
}
