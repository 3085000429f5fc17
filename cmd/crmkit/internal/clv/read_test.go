package clv

import (
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
)

// TestReadListsEveryBadRow: whatever mix of good and bad rows a file
// holds, every bad row is listed once with its line number, every good row
// is read, and the exact total is the sum of the good amounts in cents.
func TestReadListsEveryBadRow(t *testing.T) {
	usd, err := crmkit.ParseCurrency("USD")
	if err != nil {
		t.Fatal(err)
	}
	opts := csvOptions{customerCol: "customer", dateCol: "date", amountCol: "amount", dateFormat: "2006-01-02", delimiter: ','}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 30).Draw(t, "rows")
		var b strings.Builder
		if rapid.Bool().Draw(t, "bom") {
			b.WriteString("\xEF\xBB\xBF")
		}
		b.WriteString("customer,date,amount\n")
		var badLines []int
		good, cents := 0, int64(0)
		for i := range n {
			line := i + 2
			c := rapid.Int64Range(0, 1_000_000).Draw(t, "cents")
			amount := rapid.SampledFrom([]string{"ok", "1e300", "-1.00", "1.234", "x"}).Draw(t, "amount")
			date := rapid.SampledFrom([]string{"2024-03-05", "05/03/2024"}).Draw(t, "date")
			id := rapid.SampledFrom([]string{"a", "b", ""}).Draw(t, "id")
			if amount == "ok" {
				amount = centsString(c)
			}
			b.WriteString(id + "," + date + "," + amount + "\n")
			if id == "" || date != "2024-03-05" || amount != centsString(c) {
				badLines = append(badLines, line)
				continue
			}
			good++
			cents += c
		}
		var rej Rejected
		ps, err := readCSV(strings.NewReader(b.String()), opts, usd, &rej)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != good || rej.Rows != len(badLines) || len(rej.List) != len(badLines) {
			t.Fatalf("read %d good and %d bad rows, want %d and %d", len(ps), rej.Rows, good, len(badLines))
		}
		for i, bl := range rej.List {
			if bl.Line != badLines[i] {
				t.Fatalf("bad row %d listed at line %d, want %d", i, bl.Line, badLines[i])
			}
		}
		var sum int64
		for _, p := range ps {
			sum += p.amount.Minor()
		}
		if sum != cents {
			t.Fatalf("total %d cents, want %d", sum, cents)
		}
	})
}

// centsString writes c cents as a decimal amount, "12.05" for 1205.
func centsString(c int64) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }
