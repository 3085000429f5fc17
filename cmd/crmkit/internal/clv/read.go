package clv

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account/clv"
)

// purchase is one row read: the transaction the models see, with the
// amount kept exactly beside its float64 form.
type purchase struct {
	tx     clv.Transaction
	amount crmkit.Money
}

// BadRow is a row of the input that was rejected, with why.
type BadRow struct {
	Line int `json:"line"`
	// Reasons are the kinds of problem of the row (keys of
	// Rejected.ByReason): "fields", "customer", "date", "amount", "csv".
	Reasons []string `json:"reasons"`
	// Message says what was wrong with the row.
	Message string `json:"message"`
}

// Rejected summarises the rejected rows of the input.
type Rejected struct {
	// Rows counts the rows rejected; ByReason counts them by kind of
	// problem (a row with two problems counts under both).
	Rows     int            `json:"rows"`
	ByReason map[string]int `json:"by_reason"`
	// List holds every rejected row in file order.
	List []BadRow `json:"list"`
}

func (r *Rejected) add(line int, reason, format string, args ...any) {
	r.addRow(BadRow{Line: line, Reasons: []string{reason}, Message: fmt.Sprintf(format, args...)})
}

func (r *Rejected) addRow(b BadRow) {
	r.Rows++
	if r.ByReason == nil {
		r.ByReason = map[string]int{}
	}
	for _, k := range b.Reasons {
		r.ByReason[k]++
	}
	r.List = append(r.List, b)
}

// summary is one line such as "3 rows rejected: 2 amount, 1 date".
func (r Rejected) summary() string {
	reasons := make([]string, 0, len(r.ByReason))
	for k := range r.ByReason {
		reasons = append(reasons, k)
	}
	slices.Sort(reasons)
	parts := make([]string, len(reasons))
	for i, k := range reasons {
		parts[i] = fmt.Sprintf("%d %s", r.ByReason[k], k)
	}
	rows := "rows"
	if r.Rows == 1 {
		rows = "row"
	}
	return fmt.Sprintf("%d %s rejected (%s)", r.Rows, rows, strings.Join(parts, ", "))
}

// utf8BOM is the byte order mark spreadsheets write at the start of a
// "CSV UTF-8" file.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// skipBOM returns r without a leading UTF-8 byte order mark.
func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, utf8BOM) {
		_, _ = br.Discard(3)
	}
	return br
}

// readCDNOW reads the whitespace-separated CDNOW files, listing every line
// it cannot read in rej.
func readCDNOW(r io.Reader, cur crmkit.Currency, rej *Rejected) ([]purchase, error) {
	var out []purchase
	sc := bufio.NewScanner(skipBOM(r))
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		var id, date, amount string
		switch len(fields) {
		case 4: // CDNOW_master: customer_id YYYYMMDD number_of_cds dollar_value
			id, date, amount = fields[0], fields[1], fields[3]
		case 5: // CDNOW_sample: master_id sample_id YYYYMMDD number_of_cds dollar_value
			id, date, amount = fields[1], fields[2], fields[4]
		default:
			rej.add(line, "fields", "%d fields, want 4 (CDNOW_master) or 5 (CDNOW_sample)", len(fields))
			continue
		}
		if line == 1 && fields[0] == "customer_id" {
			continue // CDNOW_master's header
		}
		if p, ok := parseRow(line, id, date, "20060102", amount, cur, rej); ok {
			out = append(out, p)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// csvOptions names the columns and the formats of a CSV file.
type csvOptions struct {
	customerCol, dateCol, amountCol string
	dateFormat                      string
	delimiter                       rune
}

// readCSV reads a CSV file with a header row, listing every row it cannot
// read in rej. A missing column or an unreadable header is an error.
func readCSV(r io.Reader, o csvOptions, cur crmkit.Currency, rej *Rejected) ([]purchase, error) {
	cr := csv.NewReader(skipBOM(r))
	cr.Comma = o.delimiter
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("reading the header: %w", err)
	}
	header = slices.Clone(header)
	col := func(name string) (int, error) {
		for i, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), name) {
				return i, nil
			}
		}
		return 0, fmt.Errorf("no column %q in the header %q", name, strings.Join(header, string(o.delimiter)))
	}
	ci, err := col(o.customerCol)
	if err != nil {
		return nil, err
	}
	di, err := col(o.dateCol)
	if err != nil {
		return nil, err
	}
	ai, err := col(o.amountCol)
	if err != nil {
		return nil, err
	}
	need := max(ci, di, ai) + 1
	var out []purchase
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				rej.add(pe.StartLine, "csv", "%v", pe.Err)
				continue
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) < need {
			rej.add(line, "fields", "%d fields, the columns need %d", len(rec), need)
			continue
		}
		if p, ok := parseRow(line, rec[ci], rec[di], o.dateFormat, rec[ai], cur, rej); ok {
			out = append(out, p)
		}
	}
}

// parseRow checks one row's values; a row with problems is added to rej
// once, with all of them.
func parseRow(line int, id, date, layout, amount string, cur crmkit.Currency, rej *Rejected) (purchase, bool) {
	bad := BadRow{Line: line}
	var msgs []string
	id = strings.TrimSpace(id)
	if id == "" {
		bad.Reasons = append(bad.Reasons, "customer")
		msgs = append(msgs, "empty customer id")
	}
	t, err := time.Parse(layout, strings.TrimSpace(date))
	if err != nil {
		bad.Reasons = append(bad.Reasons, "date")
		msgs = append(msgs, fmt.Sprintf("date %q does not match the layout %q", date, layout))
	}
	m, err := parseAmount(amount, cur)
	if err != nil {
		bad.Reasons = append(bad.Reasons, "amount")
		msgs = append(msgs, err.Error())
	}
	if len(msgs) > 0 {
		bad.Message = strings.Join(msgs, "; ")
		rej.addRow(bad)
		return purchase{}, false
	}
	return purchase{tx: clv.Transaction{Customer: id, Time: t, Amount: m.Decimal().InexactFloat64()}, amount: m}, true
}

// maxAmount bounds one purchase, in major units: far above any real order,
// and low enough that its float64 form is exact to the cent.
const maxAmount = 1_000_000_000_000

// parseAmount reads an amount exactly, in the currency's minor unit: a
// plain decimal with no more decimal places than the currency has, not
// negative (a return is not a purchase) and at most maxAmount.
func parseAmount(s string, cur crmkit.Currency) (crmkit.Money, error) {
	t := strings.TrimSpace(s)
	for _, r := range t {
		if !(r >= '0' && r <= '9' || r == '.' || r == '-' || r == '+') {
			return crmkit.Money{}, fmt.Errorf("amount %q is not a plain decimal number (digits and one point, no exponent, no thousands separator)", s)
		}
	}
	m, err := crmkit.ParseMoney(t, cur)
	if err != nil {
		return crmkit.Money{}, fmt.Errorf("amount %q: %w", s, err)
	}
	if m.Sign() < 0 {
		return crmkit.Money{}, fmt.Errorf("amount %q is negative (a return is not a purchase)", s)
	}
	if m.Decimal().GreaterThan(decimalMaxAmount) {
		return crmkit.Money{}, fmt.Errorf("amount %q is more than %d", s, maxAmount)
	}
	return m, nil
}
