package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
)

// outcome of a deal row.
type outcome int

const (
	open outcome = iota
	won
	lost
)

func (o outcome) String() string { return [...]string{"open", "won", "lost"}[o] }

// Rejected is a row left out of the report, and why. Reason is one of a
// few stable phrases (the summary groups by it); Detail says what was in
// the row.
type Rejected struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
	Detail string `json:"detail"`
}

// dealRow is a deal as read from its row.
type dealRow struct {
	key       string // the file's ID, or "line N" without an ID column
	line      int
	outcome   outcome
	stage     string // "" when the stage column holds the outcome, is blank or absent
	amount    crmkit.Money
	hasAmount bool
	created   time.Time
	closed    time.Time
	owner     string
	source    string
	product   string
	account   string
	lead      string // deal -> lead link
}

type leadRow struct {
	id        string
	line      int
	created   time.Time
	source    string
	origin    string
	owner     string
	converted bool // by its flag or its deal column
	deal      string
}

// reader reads the files of one run into rows, collecting rejections and
// the names for near-duplicate matching.
type reader struct {
	cfg      *config
	names    *names
	rejected []Rejected
	notes    []string
	files    []FileInfo
	currency crmkit.Currency
	maxDate  time.Time
}

func (r *reader) reject(file string, line int, reason, format string, args ...any) {
	r.rejected = append(r.rejected, Rejected{File: file, Line: line, Reason: reason, Detail: fmt.Sprintf(format, args...)})
}

func (r *reader) notef(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

// FileInfo describes one file read: its delimiter, the columns used and
// the blank cells per column.
type FileInfo struct {
	Role        string            `json:"role"`
	Path        string            `json:"path"`
	Rows        int               `json:"rows"`
	Delimiter   string            `json:"delimiter"`
	DateFormats map[string]string `json:"date_formats,omitempty"`
	Columns     map[string]string `json:"columns"`
	Blanks      []ColumnBlanks    `json:"blank_values"`
}

// ColumnBlanks is how many rows of a file leave a column blank.
type ColumnBlanks struct {
	Column string `json:"column"`
	Blank  int    `json:"blank"`
}

func (r *reader) describe(role string, t *table, cols map[string][]int) *FileInfo {
	fi := FileInfo{Role: role, Path: t.file, Rows: len(t.rows), Delimiter: delimiterName(t.delimiter), Columns: map[string]string{}, DateFormats: map[string]string{}}
	for f, idx := range cols {
		var hs []string
		for _, i := range idx {
			hs = append(hs, t.header[i])
		}
		fi.Columns[f] = strings.Join(hs, " | ")
	}
	for c, h := range t.header {
		n := 0
		for row := range t.rows {
			if t.cell(row, c) == "" {
				n++
			}
		}
		fi.Blanks = append(fi.Blanks, ColumnBlanks{Column: h, Blank: n})
	}
	r.files = append(r.files, fi)
	return &r.files[len(r.files)-1]
}

// dates detects (or takes from -date-format) the format of a date field.
func (r *reader) dates(t *table, cols map[string][]int, f string, fi *FileInfo) (dateFormat, error) {
	if r.cfg.dateFormat != "" {
		return dateFormat{layouts: strings.Split(r.cfg.dateFormat, "|")}, nil
	}
	var vals []string
	for row := range t.rows {
		for _, c := range cols[f] {
			if v := t.cell(row, c); v != "" {
				vals = append(vals, v)
			}
		}
	}
	df, err := detectDates(fmt.Sprintf("%s, %s column %q", t.file, f, fi.Columns[f]), vals)
	if err == nil && len(vals) > 0 {
		fi.DateFormats[f] = df.layouts[0]
	}
	return df, err
}

// day drops the time of day unless -time-of-day: durations are then in
// whole calendar days, the day as written in the file.
func (r *reader) day(t time.Time) time.Time {
	if r.cfg.timeOfDay {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (r *reader) seeDate(t time.Time) {
	if t.After(r.maxDate) {
		r.maxDate = t
	}
}

func (r *reader) readDeals() ([]dealRow, error) {
	c := r.cfg
	t, err := readTable(c.deals, c.delimiter)
	if err != nil {
		return nil, err
	}
	var p *preset
	if c.preset != "" {
		pp := presets[c.preset]
		p = &pp
	}
	cols, err := resolve(&t, dealFields, c.dealCols, p, "col")
	if err != nil {
		return nil, err
	}
	fi := r.describe("deals", &t, cols)
	if c.dealsOutcome == "" && !has(cols, "status") && !has(cols, "stage") {
		return nil, usagef("%s: no status or stage column to read outcomes from (header %q): name one with -col status=COLUMN, or say every row's outcome with -deals-outcome won|lost|open", t.file, strings.Join(t.header, ","))
	}
	createdF, err := r.dates(&t, cols, "created", fi)
	if err != nil {
		return nil, err
	}
	closedF, err := r.dates(&t, cols, "closed", fi)
	if err != nil {
		return nil, err
	}
	if has(cols, "amount") && !has(cols, "currency") && c.currency.IsZero() {
		for row := range t.rows {
			if value(&t, cols, row, "amount") != "" {
				return nil, usagef("%s: amounts without a currency: set -currency (for example -currency USD) or -col currency=COLUMN", t.file)
			}
		}
	}
	r.currency = c.currency
	seen := map[string]int{}
	var out []dealRow
	for row := range t.rows {
		line := t.lines[row]
		if r.ragged(&t, row) {
			continue
		}
		d := dealRow{line: line, key: fmt.Sprintf("line %d", line)}
		if has(cols, "id") {
			d.key = value(&t, cols, row, "id")
			if d.key == "" {
				r.reject(t.file, line, "empty id", "the id column %q is blank", fi.Columns["id"])
				continue
			}
			if first, dup := seen[d.key]; dup {
				r.reject(t.file, line, "duplicate id", "id %q was first on line %d", d.key, first)
				continue
			}
		}
		d.outcome = c.outcomeOf(value(&t, cols, row, "status"), value(&t, cols, row, "stage"), has(cols, "status"))
		cur := c.currency
		if code := value(&t, cols, row, "currency"); code != "" {
			cc, err := crmkit.ParseCurrency(code)
			if err != nil {
				r.reject(t.file, line, "bad currency", "currency %q is not an ISO 4217 code", code)
				continue
			}
			cur = cc
		}
		if raw := value(&t, cols, row, "amount"); raw != "" {
			if cur.IsZero() {
				r.reject(t.file, line, "bad currency", "amount %q without a currency (blank currency cell and no -currency)", raw)
				continue
			}
			if r.currency.IsZero() {
				r.currency = cur
			}
			if cur != r.currency {
				r.reject(t.file, line, "other currency", "%s, the report is in %s (no conversion rates)", cur.Code(), r.currency.Code())
				continue
			}
			amt, err := crmkit.ParseMoney(plainAmount(raw), cur)
			if err != nil {
				r.reject(t.file, line, "bad amount", "amount %q: %v", raw, err)
				continue
			}
			if amt.Sign() < 0 {
				r.reject(t.file, line, "bad amount", "amount %q is negative", raw)
				continue
			}
			d.amount, d.hasAmount = amt, true
		}
		if s := value(&t, cols, row, "created"); s != "" {
			tm, err := createdF.parse(s)
			if err != nil {
				r.reject(t.file, line, "bad date", "created: %v", err)
				continue
			}
			d.created = r.day(tm)
		}
		if s := value(&t, cols, row, "closed"); s != "" && (d.outcome != open || p == nil || !p.closedOnlyWhenClosed) {
			tm, err := closedF.parse(s)
			if err != nil {
				r.reject(t.file, line, "bad date", "closed: %v", err)
				continue
			}
			d.closed = r.day(tm)
		}
		if d.outcome == open {
			d.closed = time.Time{} // an open deal's close column is an expected date
		}
		r.seeDate(d.created)
		r.seeDate(d.closed)
		if s := value(&t, cols, row, "stage"); s != "" && !c.isOutcome(s) {
			d.stage = r.names.add("stage", t.file, s)
		}
		d.owner = r.names.add("rep", t.file, value(&t, cols, row, "owner"))
		d.source = r.names.add("source", t.file, value(&t, cols, row, "source"))
		d.product = r.names.add("product", t.file, value(&t, cols, row, "product"))
		d.account = r.names.add("account", t.file, value(&t, cols, row, "account"))
		d.lead = value(&t, cols, row, "lead")
		if has(cols, "id") {
			seen[d.key] = line
		}
		out = append(out, d)
	}
	return out, nil
}

// truth reads a converted flag.
func truth(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "y", "converted", "won", "x":
		return true, true
	case "0", "false", "no", "n", "", "-":
		return false, true
	}
	return false, false
}

func (r *reader) readLeads() ([]leadRow, bool, error) {
	c := r.cfg
	t, err := readTable(c.leads, c.delimiter)
	if err != nil {
		return nil, false, err
	}
	cols, err := resolve(&t, leadFields, c.leadCols, nil, "lead-col")
	if err != nil {
		return nil, false, err
	}
	fi := r.describe("leads", &t, cols)
	createdF, err := r.dates(&t, cols, "created", fi)
	if err != nil {
		return nil, false, err
	}
	linked := has(cols, "converted") || has(cols, "deal")
	seen := map[string]int{}
	var out []leadRow
	for row := range t.rows {
		line := t.lines[row]
		if r.ragged(&t, row) {
			continue
		}
		l := leadRow{line: line, id: fmt.Sprintf("line %d", line)}
		if has(cols, "id") {
			l.id = value(&t, cols, row, "id")
			if l.id == "" {
				r.reject(t.file, line, "empty id", "the lead id column %q is blank", fi.Columns["id"])
				continue
			}
			if first, dup := seen[l.id]; dup {
				r.reject(t.file, line, "duplicate id", "lead id %q was first on line %d", l.id, first)
				continue
			}
		}
		if has(cols, "converted") {
			v := value(&t, cols, row, "converted")
			b, ok := truth(v)
			if !ok {
				r.reject(t.file, line, "bad converted flag", "converted %q is not yes/no, true/false or 1/0", v)
				continue
			}
			l.converted = b
		}
		if s := value(&t, cols, row, "created"); s != "" {
			tm, err := createdF.parse(s)
			if err != nil {
				r.reject(t.file, line, "bad date", "created: %v", err)
				continue
			}
			l.created = r.day(tm)
			r.seeDate(l.created)
		}
		l.deal = value(&t, cols, row, "deal")
		l.source = r.names.add("source", t.file, value(&t, cols, row, "source"))
		l.origin = r.names.add("origin", t.file, value(&t, cols, row, "origin"))
		l.owner = r.names.add("rep", t.file, value(&t, cols, row, "owner"))
		if has(cols, "id") {
			seen[l.id] = line
		}
		out = append(out, l)
	}
	return out, linked, nil
}

// product is one row of the price list.
type product struct {
	name  string
	price crmkit.Money
}

func (r *reader) readProducts() ([]product, error) {
	c := r.cfg
	t, err := readTable(c.products, c.delimiter)
	if err != nil {
		return nil, err
	}
	cols, err := resolve(&t, productFields, c.productCols, nil, "product-col")
	if err != nil {
		return nil, err
	}
	r.describe("products", &t, cols)
	if !has(cols, "name") || !has(cols, "price") {
		return nil, usagef("%s: a price list needs a product name and a price column (-product-col name=COLUMN -product-col price=COLUMN), header %q", t.file, strings.Join(t.header, ","))
	}
	cur := r.currency
	if cur.IsZero() {
		cur = c.currency
	}
	if cur.IsZero() {
		return nil, usagef("%s: prices without a currency: set -currency", t.file)
	}
	seen := map[string]int{}
	var out []product
	for row := range t.rows {
		line := t.lines[row]
		if r.ragged(&t, row) {
			continue
		}
		name := r.names.add("product", t.file, value(&t, cols, row, "name"))
		if name == "" {
			r.reject(t.file, line, "empty name", "the product column is blank")
			continue
		}
		if first, dup := seen[name]; dup {
			r.reject(t.file, line, "duplicate name", "product %q was first on line %d", name, first)
			continue
		}
		raw := value(&t, cols, row, "price")
		price, err := crmkit.ParseMoney(plainAmount(raw), cur)
		if err != nil || price.Sign() < 0 {
			r.reject(t.file, line, "bad amount", "price %q of %q is not a non-negative amount in %s", raw, name, cur.Code())
			continue
		}
		seen[name] = line
		out = append(out, product{name: name, price: price})
	}
	return out, nil
}

// member is one row of the teams file.
type member struct{ rep, manager, office string }

func (r *reader) readTeams() ([]member, error) {
	c := r.cfg
	t, err := readTable(c.teams, c.delimiter)
	if err != nil {
		return nil, err
	}
	cols, err := resolve(&t, teamFields, c.teamCols, nil, "team-col")
	if err != nil {
		return nil, err
	}
	r.describe("teams", &t, cols)
	if !has(cols, "rep") {
		return nil, usagef("%s: a teams file needs a rep column (-team-col rep=COLUMN), header %q", t.file, strings.Join(t.header, ","))
	}
	seen := map[string]int{}
	var out []member
	for row := range t.rows {
		line := t.lines[row]
		if r.ragged(&t, row) {
			continue
		}
		m := member{
			rep:     r.names.add("rep", t.file, value(&t, cols, row, "rep")),
			manager: r.names.add("manager", t.file, value(&t, cols, row, "manager")),
			office:  r.names.add("office", t.file, value(&t, cols, row, "office")),
		}
		if m.rep == "" {
			r.reject(t.file, line, "empty name", "the rep column is blank")
			continue
		}
		if first, dup := seen[m.rep]; dup {
			r.reject(t.file, line, "duplicate name", "rep %q was first on line %d", m.rep, first)
			continue
		}
		seen[m.rep] = line
		out = append(out, m)
	}
	return out, nil
}

// plainAmount drops thousands separators from an amount written with both
// commas and a decimal point ("1,234.50"); any other comma is left for
// ParseMoney to refuse, since "1234,50" may mean either.
func plainAmount(s string) string {
	if strings.Contains(s, ".") {
		return strings.ReplaceAll(s, ",", "")
	}
	return s
}

// ragged rejects a row whose number of fields differs from the header's:
// a value with an unquoted delimiter or a cut line, whose cells cannot be
// trusted to be in their columns.
func (r *reader) ragged(t *table, row int) bool {
	if n := len(t.rows[row]); n != len(t.header) {
		r.reject(t.file, t.lines[row], "wrong number of fields", "%d fields, the header has %d", n, len(t.header))
		return true
	}
	return false
}
