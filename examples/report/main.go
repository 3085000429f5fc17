// Command report prints a sales funnel report from any CRM's CSV export of
// deals (and, optionally, of leads).
//
//	go run ./examples/report -deals deals.csv [-leads leads.csv] \
//	    [-id id] [-stage stage] [-status status] [-amount amount] \
//	    [-currency currency] [-created created] [-closed closed] \
//	    [-owner owner] [-source source] [-product product] [-account account] \
//	    [-date-format 2006-01-02] [-won won] [-lost lost] [-json]
//
// The column flags name the header of each field in the deals file (the
// defaults are the field names). id, amount and created are required, and
// so is one of status or stage: the outcome of a deal is read from the
// status column, or from the stage column when there is no status column,
// and compared, ignoring case and spaces, with the -won and -lost lists
// (comma separated; anything else is open). A column left at its default
// name and missing from the file is not reported on; a column named
// explicitly and missing is an error. Amounts are exact (crmkit.Money) in
// the row's currency (the currency column, or -default-currency); the report
// is in one currency, -report-currency or the first row's, and rows in
// another currency are reported as unreadable rather than converted. Dates
// are parsed with -date-format, a Go layout or several separated by "|".
//
// The report gives, for all deals and then per owner, source, product and
// month of creation: the number of deals won, lost and open; the win rate
// won / (won + lost); won revenue; open pipeline (the sum of open deals'
// amounts); the average won deal; and the sales cycle (created to closed,
// in days), mean and median, for won, lost and all closed deals. The
// formulas are package kpi's (WinRate, AverageDealSize, SalesCycle,
// ConversionRate).
//
// With -leads, the leads file (columns -lead-id, -lead-source,
// -lead-created and -lead-deal, the id of the deal a lead became, empty when
// it did not) adds lead-to-deal conversion and the time from lead creation
// to a won deal's close, per lead source.
//
// Nothing is dropped silently: every row that cannot be read (a bad amount
// or date, a won or lost deal without a close date, a deal closed before it
// was created, a duplicate id, a lead pointing at an unknown deal) is
// listed with its file, line and reason and left out of every figure; and
// names that differ only in case or spacing ("Widget" and "widget") are
// counted together and listed as mismatches.
package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/kpi"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "report:", err)
		}
		os.Exit(2)
	}
}

// Deal fields, in the order of the column flags.
var dealFields = []string{"id", "stage", "status", "amount", "currency", "created", "closed", "owner", "source", "product", "account"}

// Lead fields: flag name and default column.
var leadFields = [][2]string{{"lead-id", "id"}, {"lead-source", "source"}, {"lead-created", "created"}, {"lead-deal", "deal_id"}}

type config struct {
	deals, leads    string
	cols            map[string]string // deal field -> column name
	leadCols        map[string]string // lead flag -> column name
	explicit        map[string]bool   // flags given on the command line
	layouts         []string
	won, lost       map[string]bool
	defaultCurrency crmkit.Currency
	reportCurrency  crmkit.Currency
	json            bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	c := config{cols: map[string]string{}, leadCols: map[string]string{}, explicit: map[string]bool{}}
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.deals, "deals", "", "deals CSV file (required)")
	fs.StringVar(&c.leads, "leads", "", "leads CSV file (optional)")
	colFlags := map[string]*string{}
	for _, f := range dealFields {
		colFlags[f] = fs.String(f, f, "deals column of the "+f)
	}
	leadFlags := map[string]*string{}
	for _, f := range leadFields {
		leadFlags[f[0]] = fs.String(f[0], f[1], "leads column of the "+strings.TrimPrefix(f[0], "lead-"))
	}
	layouts := fs.String("date-format", time.DateOnly, `Go layout of the dates; several separated by "|" are tried in order`)
	won := fs.String("won", "won,closed won,closed-won,closedwon,win", "outcome values meaning won (comma separated, case and spaces ignored)")
	lost := fs.String("lost", "lost,closed lost,closed-lost,closedlost,loss", "outcome values meaning lost")
	defCur := fs.String("default-currency", "", "currency of amounts without a currency column or value")
	repCur := fs.String("report-currency", "", "currency of the report (default: the first deal's)")
	fs.BoolVar(&c.json, "json", false, "print JSON instead of tables")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	fs.Visit(func(f *flag.Flag) { c.explicit[f.Name] = true })
	if c.deals == "" {
		return c, errors.New("-deals is required: the deals CSV file")
	}
	for f, p := range colFlags {
		c.cols[f] = *p
	}
	for f, p := range leadFlags {
		c.leadCols[f] = *p
	}
	for l := range strings.SplitSeq(*layouts, "|") {
		if l = strings.TrimSpace(l); l != "" {
			c.layouts = append(c.layouts, l)
		}
	}
	if len(c.layouts) == 0 {
		return c, errors.New("-date-format is empty")
	}
	c.won, c.lost = foldSet(*won), foldSet(*lost)
	for k := range c.won {
		if c.lost[k] {
			return c, fmt.Errorf("%q is in both -won and -lost", k)
		}
	}
	var err error
	if *defCur != "" {
		if c.defaultCurrency, err = crmkit.ParseCurrency(*defCur); err != nil {
			return c, fmt.Errorf("-default-currency: %w", err)
		}
	}
	if *repCur != "" {
		if c.reportCurrency, err = crmkit.ParseCurrency(*repCur); err != nil {
			return c, fmt.Errorf("-report-currency: %w", err)
		}
	}
	return c, nil
}

// fold is the key under which names are compared: lower case, inner runs
// of spaces collapsed, outer spaces trimmed.
func fold(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

func foldSet(list string) map[string]bool {
	m := map[string]bool{}
	for v := range strings.SplitSeq(list, ",") {
		if v = fold(v); v != "" {
			m[v] = true
		}
	}
	return m
}

// RowError is a row left out of the report, and why.
type RowError struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// Mismatch is a name written in more than one way: the spellings (with
// their row counts) were counted as one.
type Mismatch struct {
	Field     string         `json:"field"`
	Spellings map[string]int `json:"spellings"`
}

// outcome of a deal.
type outcome int

const (
	open outcome = iota
	won
	lost
)

type deal struct {
	id                              string
	outcome                         outcome
	amount                          crmkit.Money
	created, closed                 time.Time
	owner, source, product, accnt   string // folded keys
	hasOwner, hasSource, hasProduct bool
}

// names records the raw spellings of every folded name, per field.
type names map[string]map[string]map[string]int // field -> fold -> raw -> rows

func (n names) add(field, raw string) string {
	k := fold(raw)
	if n[field] == nil {
		n[field] = map[string]map[string]int{}
	}
	if n[field][k] == nil {
		n[field][k] = map[string]int{}
	}
	n[field][k][raw]++
	return k
}

// display is the most common spelling of a folded name (the smallest on a tie).
func (n names) display(field, k string) string {
	best, bestN := "", -1
	for raw, c := range n[field][k] {
		if c > bestN || c == bestN && raw < best {
			best, bestN = raw, c
		}
	}
	if strings.TrimSpace(best) == "" {
		return "(none)"
	}
	return best
}

func (n names) mismatches() []Mismatch {
	var out []Mismatch
	for _, field := range []string{"owner", "source", "product", "account", "stage", "status"} {
		keys := make([]string, 0, len(n[field]))
		for k := range n[field] {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if len(n[field][k]) > 1 {
				out = append(out, Mismatch{Field: field, Spellings: n[field][k]})
			}
		}
	}
	return out
}

type table struct {
	file   string
	header []string
	rows   [][]string
	lines  []int
}

func readTable(path string) (table, error) {
	f, err := os.Open(path)
	if err != nil {
		return table{}, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	t := table{file: path}
	t.header, err = r.Read()
	if err != nil {
		return t, fmt.Errorf("%s: reading the header: %w", path, err)
	}
	for i, h := range t.header {
		t.header[i] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return t, nil
		}
		if err != nil {
			return t, fmt.Errorf("%s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		t.rows = append(t.rows, rec)
		t.lines = append(t.lines, line)
	}
}

// columns resolves field -> index; a field absent from the header is -1,
// an error when its flag was given explicitly or it is required.
func (t table) columns(mapping map[string]string, explicit map[string]bool, required []string) (map[string]int, error) {
	idx := map[string]int{}
	for field, name := range mapping {
		idx[field] = -1
		if name == "" {
			continue
		}
		for i, h := range t.header {
			if strings.EqualFold(h, name) {
				idx[field] = i
				break
			}
		}
		if idx[field] < 0 && explicit[field] {
			return nil, fmt.Errorf("%s: no column %q (-%s) in the header %q", t.file, name, field, strings.Join(t.header, ","))
		}
	}
	for _, field := range required {
		if idx[field] < 0 {
			return nil, fmt.Errorf("%s: no column %q for the %s (set -%s)", t.file, mapping[field], strings.TrimPrefix(field, "lead-"), field)
		}
	}
	return idx, nil
}

func cell(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

func (c config) parseDate(s string) (time.Time, error) {
	for _, l := range c.layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q does not match %q", s, strings.Join(c.layouts, "|"))
}

func readDeals(c config, nm names) ([]deal, []RowError, crmkit.Currency, error) {
	t, err := readTable(c.deals)
	if err != nil {
		return nil, nil, crmkit.Currency{}, err
	}
	idx, err := t.columns(c.cols, c.explicit, []string{"id", "amount", "created"})
	if err != nil {
		return nil, nil, crmkit.Currency{}, err
	}
	outcomeCol := idx["status"]
	if outcomeCol < 0 {
		outcomeCol = idx["stage"]
	}
	if outcomeCol < 0 {
		return nil, nil, crmkit.Currency{}, fmt.Errorf("%s: no status column %q nor stage column %q to read outcomes from", c.deals, c.cols["status"], c.cols["stage"])
	}
	if idx["currency"] < 0 && c.defaultCurrency.IsZero() {
		return nil, nil, crmkit.Currency{}, fmt.Errorf("%s: no currency column %q: set -currency or -default-currency", c.deals, c.cols["currency"])
	}
	cur := c.reportCurrency
	seen := map[string]int{}
	var deals []deal
	var bad []RowError
	for i, rec := range t.rows {
		line := t.lines[i]
		d, err := c.parseDeal(rec, idx, outcomeCol, &cur)
		if err == nil {
			if first, dup := seen[d.id]; dup {
				err = fmt.Errorf("duplicate id %q (first on line %d)", d.id, first)
			}
		}
		if err != nil {
			bad = append(bad, RowError{File: c.deals, Line: line, Reason: err.Error()})
			continue
		}
		seen[d.id] = line
		// Names are recorded only for rows that count, so that every
		// spelling listed stands for rows in the figures.
		for _, f := range []string{"stage", "status"} {
			if idx[f] >= 0 {
				nm.add(f, cell(rec, idx[f]))
			}
		}
		d.owner, d.hasOwner = nm.add("owner", cell(rec, idx["owner"])), idx["owner"] >= 0
		d.source, d.hasSource = nm.add("source", cell(rec, idx["source"])), idx["source"] >= 0
		d.product, d.hasProduct = nm.add("product", cell(rec, idx["product"])), idx["product"] >= 0
		if idx["account"] >= 0 {
			d.accnt = nm.add("account", cell(rec, idx["account"]))
		}
		deals = append(deals, d)
	}
	return deals, bad, cur, nil
}

func (c config) parseDeal(rec []string, idx map[string]int, outcomeCol int, cur *crmkit.Currency) (deal, error) {
	var d deal
	if len(rec) < len(cellsNeeded(idx)) {
		return d, fmt.Errorf("%d fields, the mapping needs %d", len(rec), len(cellsNeeded(idx)))
	}
	d.id = cell(rec, idx["id"])
	if d.id == "" {
		return d, errors.New("empty id")
	}
	oc := fold(cell(rec, outcomeCol))
	switch {
	case c.won[oc]:
		d.outcome = won
	case c.lost[oc]:
		d.outcome = lost
	}
	rowCur := c.defaultCurrency
	if code := cell(rec, idx["currency"]); code != "" {
		cc, err := crmkit.ParseCurrency(code)
		if err != nil {
			return d, fmt.Errorf("currency %q: %v", code, err)
		}
		rowCur = cc
	}
	if rowCur.IsZero() {
		return d, errors.New("empty currency and no -default-currency")
	}
	if cur.IsZero() {
		*cur = rowCur
	}
	if rowCur != *cur {
		return d, fmt.Errorf("currency %s differs from the report currency %s (no conversion rates)", rowCur, *cur)
	}
	raw := cell(rec, idx["amount"])
	if raw == "" {
		return d, errors.New("empty amount")
	}
	amt, err := crmkit.ParseMoney(raw, rowCur)
	if err != nil {
		return d, fmt.Errorf("amount %q: %v", raw, err)
	}
	if amt.Sign() < 0 {
		return d, fmt.Errorf("amount %q is negative", raw)
	}
	d.amount = amt
	if d.created, err = c.parseDate(cell(rec, idx["created"])); err != nil {
		return d, fmt.Errorf("created: %v", err)
	}
	if s := cell(rec, idx["closed"]); s != "" {
		if d.closed, err = c.parseDate(s); err != nil {
			return d, fmt.Errorf("closed: %v", err)
		}
		if d.closed.Before(d.created) {
			return d, fmt.Errorf("closed %s before created %s", d.closed.Format(time.DateOnly), d.created.Format(time.DateOnly))
		}
	} else if d.outcome != open {
		return d, fmt.Errorf("%s deal without a close date", [...]string{"open", "won", "lost"}[d.outcome])
	}
	return d, nil
}

// cellsNeeded returns a slice as long as the highest mapped column + 1.
func cellsNeeded(idx map[string]int) []struct{} {
	n := 0
	for _, i := range idx {
		n = max(n, i+1)
	}
	return make([]struct{}, n)
}

// Metrics are the funnel figures of a group of deals. Rates are fractions
// in [0, 1]; nil when undefined (no closed deal, no win).
type Metrics struct {
	Name       string           `json:"name,omitempty"`
	Deals      int              `json:"deals"`
	Won        int              `json:"won"`
	Lost       int              `json:"lost"`
	Open       int              `json:"open"`
	WinRate    *decimal.Decimal `json:"win_rate"`
	WonRevenue crmkit.Money     `json:"won_revenue"`
	Pipeline   crmkit.Money     `json:"open_pipeline"`
	AverageWon *crmkit.Money    `json:"average_deal"`
	CycleWon   *Cycle           `json:"cycle_won"`
	CycleLost  *Cycle           `json:"cycle_lost"`
	CycleAll   *Cycle           `json:"cycle_closed"`
}

// Cycle is the mean and median of a set of durations, in days.
type Cycle struct {
	MeanDays   float64 `json:"mean_days"`
	MedianDays float64 `json:"median_days"`
	Deals      int     `json:"deals"`
}

func cycle(ds []time.Duration) (*Cycle, error) {
	if len(ds) == 0 {
		return nil, nil
	}
	set, err := kpi.SalesCycle(ds)
	if err != nil {
		return nil, err
	}
	mean, err := set.Mean()
	if err != nil {
		return nil, err
	}
	median, err := set.Median()
	if err != nil {
		return nil, err
	}
	return &Cycle{MeanDays: mean.Hours() / 24, MedianDays: median.Hours() / 24, Deals: int(set.Count())}, nil
}

func metrics(name string, ds []deal, cur crmkit.Currency) (Metrics, error) {
	m := Metrics{Name: name, Deals: len(ds)}
	zero, err := crmkit.NewMoney(0, cur)
	if err != nil {
		return m, err
	}
	m.WonRevenue, m.Pipeline = zero, zero
	var cw, cl, ca []time.Duration
	for _, d := range ds {
		switch d.outcome {
		case won:
			m.Won++
			if m.WonRevenue, err = m.WonRevenue.Add(d.amount); err != nil {
				return m, fmt.Errorf("won revenue: %w", err)
			}
			cw = append(cw, d.closed.Sub(d.created))
			ca = append(ca, d.closed.Sub(d.created))
		case lost:
			m.Lost++
			cl = append(cl, d.closed.Sub(d.created))
			ca = append(ca, d.closed.Sub(d.created))
		default:
			m.Open++
			if m.Pipeline, err = m.Pipeline.Add(d.amount); err != nil {
				return m, fmt.Errorf("open pipeline: %w", err)
			}
		}
	}
	if m.Won+m.Lost > 0 {
		wr, err := kpi.WinRate(int64(m.Won), int64(m.Lost))
		if err != nil {
			return m, err
		}
		m.WinRate = &wr
	}
	if m.Won > 0 {
		avg, err := kpi.AverageDealSize(m.WonRevenue, int64(m.Won), crmkit.RoundHalfEven)
		if err != nil {
			return m, err
		}
		m.AverageWon = &avg
	}
	if m.CycleWon, err = cycle(cw); err != nil {
		return m, err
	}
	if m.CycleLost, err = cycle(cl); err != nil {
		return m, err
	}
	m.CycleAll, err = cycle(ca)
	return m, err
}

// breakdown groups deals by a key and returns the metrics of each group,
// sorted by name.
func breakdown(ds []deal, cur crmkit.Currency, key func(deal) string, name func(string) string) ([]Metrics, error) {
	groups := map[string][]deal{}
	for _, d := range ds {
		k := key(d)
		groups[k] = append(groups[k], d)
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]Metrics, 0, len(keys))
	for _, k := range keys {
		m, err := metrics(name(k), groups[k], cur)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name(k), err)
		}
		out = append(out, m)
	}
	return out, nil
}

// LeadSource is the lead-to-deal figures of one lead source.
type LeadSource struct {
	Source     string           `json:"source"`
	Leads      int              `json:"leads"`
	Converted  int              `json:"converted"`
	Conversion *decimal.Decimal `json:"conversion"`
	// ToWon is the time from lead creation to the close of the won deals
	// the leads became.
	ToWon *Cycle `json:"lead_to_won"`
}

// Report is everything the command prints, in the shape of its -json output.
type Report struct {
	Currency   string       `json:"currency"`
	Total      Metrics      `json:"total"`
	ByOwner    []Metrics    `json:"by_owner,omitempty"`
	BySource   []Metrics    `json:"by_source,omitempty"`
	ByProduct  []Metrics    `json:"by_product,omitempty"`
	ByMonth    []Metrics    `json:"by_month"`
	Leads      []LeadSource `json:"leads_by_source,omitempty"`
	LeadsTotal *LeadSource  `json:"leads_total,omitempty"`
	RowsRead   int          `json:"rows_read"`
	BadRows    []RowError   `json:"bad_rows"`
	Mismatches []Mismatch   `json:"name_mismatches"`
	Notes      []string     `json:"notes,omitempty"`
}

func run(args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	nm := names{}
	deals, bad, cur, err := readDeals(c, nm)
	if err != nil {
		return err
	}
	if len(deals) == 0 {
		for _, b := range bad {
			fmt.Fprintf(stderr, "%s line %d: %s\n", b.File, b.Line, b.Reason)
		}
		return fmt.Errorf("%s: no deal could be read (%d bad rows)", c.deals, len(bad))
	}
	rep := Report{Currency: cur.Code(), RowsRead: len(deals), BadRows: bad}
	if rep.Total, err = metrics("", deals, cur); err != nil {
		return err
	}
	byField := []struct {
		field string
		has   bool
		key   func(deal) string
		dst   *[]Metrics
	}{
		{"owner", deals[0].hasOwner, func(d deal) string { return d.owner }, &rep.ByOwner},
		{"source", deals[0].hasSource, func(d deal) string { return d.source }, &rep.BySource},
		{"product", deals[0].hasProduct, func(d deal) string { return d.product }, &rep.ByProduct},
	}
	for _, b := range byField {
		if !b.has {
			rep.Notes = append(rep.Notes, fmt.Sprintf("no %s column %q: no breakdown by %s", b.field, c.cols[b.field], b.field))
			continue
		}
		field := b.field
		if *b.dst, err = breakdown(deals, cur, b.key, func(k string) string { return nm.display(field, k) }); err != nil {
			return err
		}
	}
	month := func(d deal) string { return d.created.Format("2006-01") }
	if rep.ByMonth, err = breakdown(deals, cur, month, func(k string) string { return k }); err != nil {
		return err
	}
	if c.leads != "" {
		if err := leadReport(c, deals, nm, &rep); err != nil {
			return err
		}
	}
	rep.Mismatches = nm.mismatches()
	if rep.BadRows == nil {
		rep.BadRows = []RowError{}
	}
	if rep.Mismatches == nil {
		rep.Mismatches = []Mismatch{}
	}
	if c.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return printText(stdout, rep)
}

func leadReport(c config, deals []deal, nm names, rep *Report) error {
	t, err := readTable(c.leads)
	if err != nil {
		return err
	}
	idx, err := t.columns(c.leadCols, c.explicit, []string{"lead-id", "lead-source", "lead-deal"})
	if err != nil {
		return err
	}
	byID := map[string]deal{}
	for _, d := range deals {
		byID[d.id] = d
	}
	type agg struct {
		leads, converted int
		toWon            []time.Duration
	}
	per := map[string]*agg{}
	total := &agg{}
	seen := map[string]int{}
	var read int
	for i, rec := range t.rows {
		line := t.lines[i]
		badRow := func(format string, args ...any) {
			rep.BadRows = append(rep.BadRows, RowError{File: c.leads, Line: line, Reason: fmt.Sprintf(format, args...)})
		}
		id := cell(rec, idx["lead-id"])
		if id == "" {
			badRow("empty lead id")
			continue
		}
		if first, dup := seen[id]; dup {
			badRow("duplicate lead id %q (first on line %d)", id, first)
			continue
		}
		var created time.Time
		if idx["lead-created"] >= 0 {
			if created, err = c.parseDate(cell(rec, idx["lead-created"])); err != nil {
				badRow("created: %v", err)
				continue
			}
		}
		dealID := cell(rec, idx["lead-deal"])
		d, ok := byID[dealID]
		if dealID != "" && !ok {
			badRow("deal %q is not among the deals read", dealID)
			continue
		}
		if ok && !created.IsZero() && d.outcome == won && d.closed.Before(created) {
			badRow("deal %q closed %s before the lead was created %s", dealID, d.closed.Format(time.DateOnly), created.Format(time.DateOnly))
			continue
		}
		seen[id] = line
		read++
		k := nm.add("source", cell(rec, idx["lead-source"]))
		a := per[k]
		if a == nil {
			a = &agg{}
			per[k] = a
		}
		for _, x := range []*agg{a, total} {
			x.leads++
			if ok {
				x.converted++
				if d.outcome == won && !created.IsZero() {
					x.toWon = append(x.toWon, d.closed.Sub(created))
				}
			}
		}
	}
	if read == 0 {
		return fmt.Errorf("%s: no lead could be read", c.leads)
	}
	build := func(name string, a *agg) (LeadSource, error) {
		ls := LeadSource{Source: name, Leads: a.leads, Converted: a.converted}
		cr, err := kpi.ConversionRate(int64(a.converted), int64(a.leads))
		if err != nil {
			return ls, err
		}
		ls.Conversion = &cr
		ls.ToWon, err = cycle(a.toWon)
		return ls, err
	}
	keys := make([]string, 0, len(per))
	for k := range per {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		ls, err := build(nm.display("source", k), per[k])
		if err != nil {
			return err
		}
		rep.Leads = append(rep.Leads, ls)
	}
	ls, err := build("", total)
	if err != nil {
		return err
	}
	rep.LeadsTotal = &ls
	return nil
}

func pct(d *decimal.Decimal) string {
	if d == nil {
		return "-"
	}
	return d.Mul(decimal.NewFromInt(100)).StringFixed(2) + "%"
}

func days(c *Cycle) string {
	if c == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f/%.1f", c.MeanDays, c.MedianDays)
}

func amount(m crmkit.Money) string { return m.Decimal().StringFixed(int32(m.Currency().Digits())) }

func avg(m *crmkit.Money) string {
	if m == nil {
		return "-"
	}
	return amount(*m)
}

func printText(w io.Writer, r Report) error {
	ew := &errWriter{w: w}
	t := r.Total
	ew.printf("== Deals (%d read, %d rows not read; amounts in %s)\n", r.RowsRead, len(r.BadRows), r.Currency)
	ew.printf("won %d, lost %d, open %d\n", t.Won, t.Lost, t.Open)
	ew.printf("win rate          %s\n", pct(t.WinRate))
	ew.printf("won revenue       %s\n", amount(t.WonRevenue))
	ew.printf("open pipeline     %s\n", amount(t.Pipeline))
	ew.printf("average won deal  %s\n", avg(t.AverageWon))
	ew.printf("sales cycle, days (mean/median): won %s, lost %s, closed %s\n", days(t.CycleWon), days(t.CycleLost), days(t.CycleAll))

	for _, sec := range []struct {
		title string
		rows  []Metrics
	}{{"owner", r.ByOwner}, {"source", r.BySource}, {"product", r.ByProduct}, {"month created", r.ByMonth}} {
		if len(sec.rows) == 0 {
			continue
		}
		ew.printf("\n== By %s (cycles in days, mean/median)\n", sec.title)
		ew.printf("%-14s %5s %4s %4s %4s %8s %12s %12s %12s %11s %11s %11s\n",
			sec.title, "deals", "won", "lost", "open", "win rate", "won revenue", "pipeline", "average won", "cycle won", "cycle lost", "cycle all")
		for _, m := range sec.rows {
			ew.printf("%-14s %5d %4d %4d %4d %8s %12s %12s %12s %11s %11s %11s\n",
				m.Name, m.Deals, m.Won, m.Lost, m.Open, pct(m.WinRate), amount(m.WonRevenue), amount(m.Pipeline),
				avg(m.AverageWon), days(m.CycleWon), days(m.CycleLost), days(m.CycleAll))
		}
	}
	if r.LeadsTotal != nil {
		ew.printf("\n== Leads by source (lead created to deal won, days, mean/median)\n")
		ew.printf("%-14s %5s %9s %10s %11s\n", "source", "leads", "converted", "conversion", "to won")
		for _, l := range append(slices.Clone(r.Leads), *r.LeadsTotal) {
			name := l.Source
			if name == "" {
				name = "all"
			}
			ew.printf("%-14s %5d %9d %10s %11s\n", name, l.Leads, l.Converted, pct(l.Conversion), days(l.ToWon))
		}
	}
	ew.printf("\n== Rows not read: %d\n", len(r.BadRows))
	for _, b := range r.BadRows {
		ew.printf("%s line %d: %s\n", b.File, b.Line, b.Reason)
	}
	ew.printf("\n== Names spelled more than one way (counted together): %d\n", len(r.Mismatches))
	for _, m := range r.Mismatches {
		sp := make([]string, 0, len(m.Spellings))
		for raw := range m.Spellings {
			sp = append(sp, raw)
		}
		slices.Sort(sp)
		parts := make([]string, len(sp))
		for i, raw := range sp {
			rows := "rows"
			if m.Spellings[raw] == 1 {
				rows = "row"
			}
			parts[i] = fmt.Sprintf("%q (%d %s)", raw, m.Spellings[raw], rows)
		}
		ew.printf("%s: %s\n", m.Field, strings.Join(parts, ", "))
	}
	for _, n := range r.Notes {
		ew.printf("note: %s\n", n)
	}
	return ew.err
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
