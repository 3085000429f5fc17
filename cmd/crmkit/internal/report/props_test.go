package report_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit/cmd/crmkit/internal/report"
)

// For any deals file, however broken its rows: every row is either in the
// figures or rejected (never both, never neither); outcomes add up to the
// deals; won revenue and open pipeline are the sums of the rows' amounts,
// computed here in integer cents; the split by owner adds up to the
// total; every deal reaches the first stage; the exit status says whether
// rows were rejected.
func TestPropertyRowsAccountedFor(t *testing.T) {
	dir := t.TempDir()
	n := 0
	rapid.Check(t, func(rt *rapid.T) {
		n++
		rows := rapid.IntRange(1, 25).Draw(rt, "rows")
		var b strings.Builder
		b.WriteString("id,owner,stage,amount,created,closed\n")
		b.WriteString("F,Ann,A,1.00,2024-01-01,\n") // one readable date, so detection has something to go on
		type want struct{ deals, won, lost, open, wonCents, openCents, rejected int64 }
		w := want{deals: 1, open: 1, openCents: 100}
		owners := map[string]int64{"Ann": 1}
		seen := map[string]bool{"F": true}
		base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range rows {
			id := rapid.SampledFrom([]string{fmt.Sprint("D", i), fmt.Sprint("D", i), "F", "D0"}).Draw(rt, "id")
			owner := rapid.SampledFrom([]string{"Ann", "Bob", "Cy", ""}).Draw(rt, "owner")
			stage := rapid.SampledFrom([]string{"A", "B", "Won", "Lost", "won", "closed lost", ""}).Draw(rt, "stage")
			cents := rapid.Int64Range(0, 1_000_000).Draw(rt, "cents")
			amt := rapid.SampledFrom([]string{"ok", "ok", "blank", "three decimals", "text", "negative"}).Draw(rt, "amount")
			day := rapid.IntRange(0, 400).Draw(rt, "day")
			created := base.AddDate(0, 0, day).Format(time.DateOnly)
			if rapid.IntRange(0, 9).Draw(rt, "bad created") == 0 {
				created = "someday"
			}
			closed := ""
			if rapid.Bool().Draw(rt, "has closed") {
				closed = base.AddDate(0, 0, day+rapid.IntRange(-5, 90).Draw(rt, "cycle")).Format(time.DateOnly)
			}
			amount := map[string]string{"ok": decimal.New(cents, -2).StringFixed(2), "blank": "", "three decimals": "1.005",
				"text": "lots", "negative": "-5.00"}[amt]
			fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s\n", id, owner, stage, amount, created, closed)

			bad := seen[id] || amt == "three decimals" || amt == "text" || amt == "negative" || created == "someday"
			if bad {
				w.rejected++
				continue
			}
			seen[id] = true
			w.deals++
			if amt == "blank" {
				cents = 0
			}
			switch strings.ToLower(stage) {
			case "won":
				w.won++
				w.wonCents += cents
			case "lost", "closed lost":
				w.lost++
			default:
				w.open++
				w.openCents += cents
			}
			if owner == "" {
				owner = "(blank)"
			}
			owners[owner]++
		}
		path := filepath.Join(dir, fmt.Sprintf("deals%d.csv", n))
		if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
			rt.Fatal(err)
		}
		code := report.ExitOK
		if w.rejected > 0 {
			code = report.ExitRejected
		}
		r := runJSON(t, code, "-deals", path, "-currency", "USD", "-stages", "A,B")
		tot := r.Deals.Total
		cents := func(s string) int64 { return decimal.RequireFromString(s).Shift(2).IntPart() }
		got := want{tot.Deals, tot.Won, tot.Lost, tot.Open, cents(tot.WonAmount), cents(tot.OpenAmount), int64(r.Rejected.Count)}
		if got != w {
			rt.Fatalf("figures %+v, want %+v\n%s", got, w, b.String())
		}
		var sum want
		gotOwners := map[string]int64{}
		for _, o := range r.Deals.ByOwner {
			sum.deals += o.Deals
			sum.won += o.Won
			sum.wonCents += cents(o.WonAmount)
			gotOwners[o.Name] = o.Deals
		}
		if sum.deals != w.deals || sum.won != w.won || sum.wonCents != w.wonCents {
			rt.Fatalf("owners add up to %+v, total %+v", sum, w)
		}
		for k, v := range owners {
			if gotOwners[k] != v {
				rt.Fatalf("owner %q: %d deals, want %d", k, gotOwners[k], v)
			}
		}
		if r.Deals.Stages[0].Reached != w.deals {
			rt.Fatalf("first stage reached by %d of %d deals", r.Deals.Stages[0].Reached, w.deals)
		}
	})
}
