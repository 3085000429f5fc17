// Command clv fits the CDNOW "buy 'til you die" models to a file of
// transactions and ranks customers by predicted lifetime value.
//
//	go run ./examples/clv -in transactions.csv [-format cdnow|csv] \
//	    [-calibration-end 1997-09-30] [-top 10] [-json]
//
// It reads purchases (customer, date, amount), keeps those up to the end of
// the calibration period, and prints
//
//   - the RFM table: recency, frequency and monetary quintile scores with the
//     range of values behind each score, and the most common RFM cells;
//   - the BG/NBD purchase model and the Gamma-Gamma spend model fitted by
//     maximum likelihood (package account/clv), with their log-likelihoods;
//   - the top customers by predicted CLV over the next -months months,
//     discounted at -discount a month, times -margin.
//
// Input formats:
//
//   - csv (default): a header row, then one purchase per row; the columns are
//     named by -customer-col, -date-col and -amount-col (customer, date,
//     amount by default), dates in -date-format (Go layout, 2006-01-02).
//   - cdnow: the whitespace-separated CDNOW files of Fader and Hardie,
//     "customer_id YYYYMMDD number_of_cds dollar_value" (CDNOW_master) or
//     "master_id sample_id YYYYMMDD number_of_cds dollar_value" (CDNOW_sample,
//     keyed by the sample id); -calibration-end defaults to 1997-09-30, the
//     papers' calibration period.
//
// Without -calibration-end a csv file is calibrated up to its last purchase.
// Times are in weeks (-unit week, the papers' convention) or days. A line that
// cannot be read stops the command with its line number. -bgnbd r,alpha,a,b
// and -gammagamma p,q,gamma score the customers with given parameters instead
// of fitting them.
//
// RFM scores: for each of recency (days from the last purchase to the end of
// the calibration period, fewer is better), frequency (purchase days) and
// monetary value (mean spend per purchase day), a customer's score is
// 1 + floor(5 · worse / n), where worse counts the customers with a strictly
// worse value and n all customers: ties share a score, and 5 means at least
// 80% of the customers are worse. This is the rule of value.ScoreRFM (package
// account/value) with five bins, but ScoreRFM scores total spend in
// crmkit.Money while this table scores the mean spend per purchase day in
// float64 (the Gamma-Gamma model's m), so the scores are still computed here.
package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmkit/crmkit/account/clv"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "clv:", err)
		}
		os.Exit(2)
	}
}

// config holds the parsed command line.
type config struct {
	in, format                      string
	customerCol, dateCol, amountCol string
	dateFormat                      string
	calibrationEnd                  time.Time
	unit                            clv.Unit
	unitName                        string
	top, months                     int
	discount, margin                float64
	bgnbd                           *clv.BGNBD
	gammaGamma                      *clv.GammaGamma
	json                            bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("clv", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.in, "in", "", "transactions file (required)")
	fs.StringVar(&c.format, "format", "csv", "input format: csv or cdnow")
	fs.StringVar(&c.customerCol, "customer-col", "customer", "csv: column of the customer id")
	fs.StringVar(&c.dateCol, "date-col", "date", "csv: column of the purchase date")
	fs.StringVar(&c.amountCol, "amount-col", "amount", "csv: column of the purchase amount")
	fs.StringVar(&c.dateFormat, "date-format", time.DateOnly, "csv: Go layout of the dates")
	calEnd := fs.String("calibration-end", "", "last day of the calibration period, YYYY-MM-DD (cdnow: 1997-09-30; csv: the last purchase)")
	fs.StringVar(&c.unitName, "unit", "week", "time unit of the models: week or day")
	fs.IntVar(&c.top, "top", 10, "number of customers listed by CLV")
	fs.IntVar(&c.months, "months", 12, "CLV horizon in months")
	fs.Float64Var(&c.discount, "discount", 0.01, "discount rate per month")
	fs.Float64Var(&c.margin, "margin", 1, "profit margin on spend, in (0, 1]")
	bg := fs.String("bgnbd", "", "use these BG/NBD parameters r,alpha,a,b instead of fitting")
	gg := fs.String("gammagamma", "", "use these Gamma-Gamma parameters p,q,gamma instead of fitting")
	fs.BoolVar(&c.json, "json", false, "print JSON instead of tables")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if c.in == "" {
		return c, errors.New("-in is required: the transactions file")
	}
	switch c.format {
	case "csv", "cdnow":
	default:
		return c, fmt.Errorf("-format %q: want csv or cdnow", c.format)
	}
	switch c.unitName {
	case "week":
		c.unit = clv.Week
	case "day":
		c.unit = clv.Day
	default:
		return c, fmt.Errorf("-unit %q: want week or day", c.unitName)
	}
	if *calEnd == "" && c.format == "cdnow" {
		*calEnd = "1997-09-30"
	}
	if *calEnd != "" {
		t, err := time.Parse(time.DateOnly, *calEnd)
		if err != nil {
			return c, fmt.Errorf("-calibration-end %q: want YYYY-MM-DD", *calEnd)
		}
		c.calibrationEnd = t
	}
	if c.top < 0 {
		return c, fmt.Errorf("-top %d: must not be negative", c.top)
	}
	if c.months <= 0 {
		return c, fmt.Errorf("-months %d: must be positive", c.months)
	}
	if math.IsNaN(c.discount) || math.IsInf(c.discount, 0) || c.discount < 0 {
		return c, fmt.Errorf("-discount %v: must be finite and not negative", c.discount)
	}
	if !(c.margin > 0 && c.margin <= 1) {
		return c, fmt.Errorf("-margin %v: must be in (0, 1]", c.margin)
	}
	if *bg != "" {
		p, err := parseParams(*bg, 4)
		if err != nil {
			return c, fmt.Errorf("-bgnbd: %w", err)
		}
		c.bgnbd = &clv.BGNBD{R: p[0], Alpha: p[1], A: p[2], B: p[3]}
	}
	if *gg != "" {
		p, err := parseParams(*gg, 3)
		if err != nil {
			return c, fmt.Errorf("-gammagamma: %w", err)
		}
		c.gammaGamma = &clv.GammaGamma{P: p[0], Q: p[1], Gamma: p[2]}
	}
	return c, nil
}

func parseParams(s string, n int) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, fmt.Errorf("%q: want %d comma-separated numbers", s, n)
	}
	out := make([]float64, n)
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%q: parameter %d is not a positive number", s, i+1)
		}
		out[i] = v
	}
	return out, nil
}

// readTransactions reads the whole input file in the configured format.
func readTransactions(c config) ([]clv.Transaction, error) {
	f, err := os.Open(c.in)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if c.format == "cdnow" {
		return readCDNOW(f, c.in)
	}
	return readCSV(f, c)
}

func readCDNOW(r io.Reader, name string) ([]clv.Transaction, error) {
	var txs []clv.Transaction
	sc := bufio.NewScanner(r)
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
			return nil, fmt.Errorf("%s line %d: %d fields, want 4 (CDNOW_master) or 5 (CDNOW_sample)", name, line, len(fields))
		}
		if line == 1 && fields[0] == "customer_id" {
			continue // CDNOW_master's header
		}
		tx, err := transaction(id, date, "20060102", amount)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, line, err)
		}
		txs = append(txs, tx)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return txs, nil
}

func readCSV(r io.Reader, c config) ([]clv.Transaction, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: reading the header: %w", c.in, err)
	}
	col := func(name string) (int, error) {
		for i, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), name) {
				return i, nil
			}
		}
		return 0, fmt.Errorf("%s: no column %q in the header %q", c.in, name, strings.Join(header, ","))
	}
	ci, err := col(c.customerCol)
	if err != nil {
		return nil, err
	}
	di, err := col(c.dateCol)
	if err != nil {
		return nil, err
	}
	ai, err := col(c.amountCol)
	if err != nil {
		return nil, err
	}
	var txs []clv.Transaction
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return txs, nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.in, err)
		}
		if need := max(ci, di, ai) + 1; len(rec) < need {
			return nil, fmt.Errorf("%s line %d: %d fields, the mapping needs %d", c.in, line, len(rec), need)
		}
		tx, err := transaction(rec[ci], rec[di], c.dateFormat, rec[ai])
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", c.in, line, err)
		}
		txs = append(txs, tx)
	}
}

func transaction(id, date, layout, amount string) (clv.Transaction, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return clv.Transaction{}, errors.New("empty customer id")
	}
	t, err := time.Parse(layout, strings.TrimSpace(date))
	if err != nil {
		return clv.Transaction{}, fmt.Errorf("date %q does not match %q", date, layout)
	}
	a, err := strconv.ParseFloat(strings.TrimSpace(amount), 64)
	if err != nil || math.IsNaN(a) || math.IsInf(a, 0) {
		return clv.Transaction{}, fmt.Errorf("amount %q is not a number", amount)
	}
	if a < 0 {
		return clv.Transaction{}, fmt.Errorf("amount %q is negative (returns are not purchases)", amount)
	}
	return clv.Transaction{Customer: id, Time: t, Amount: a}, nil
}

// Report is everything the command prints, in the shape of its -json output.
type Report struct {
	Input InputSummary `json:"input"`
	RFM   RFMSummary   `json:"rfm"`
	// BGNBD and GammaGamma are the models used, fitted or given.
	BGNBD      ModelReport `json:"bgnbd"`
	GammaGamma ModelReport `json:"gamma_gamma"`
	CLV        CLVReport   `json:"clv"`
}

// InputSummary describes the transactions read.
type InputSummary struct {
	File           string `json:"file"`
	Format         string `json:"format"`
	Transactions   int    `json:"transactions"`
	Customers      int    `json:"customers"`
	Excluded       int    `json:"excluded_after_calibration"`
	FirstPurchase  string `json:"first_purchase"`
	CalibrationEnd string `json:"calibration_end"`
	Unit           string `json:"unit"`
	RepeatBuyers   int    `json:"repeat_buyers"`
	RepeatDays     int    `json:"repeat_purchases"`
}

// RFMSummary is the RFM quintile table.
type RFMSummary struct {
	Scores []RFMScore `json:"scores"`
	// Cells are the most common RFM cells ("555" best), most customers first.
	Cells []RFMCell `json:"top_cells"`
}

// RFMScore is one score (5 best) of the three RFM dimensions.
type RFMScore struct {
	Score     int      `json:"score"`
	Recency   RFMRange `json:"recency_days"`
	Frequency RFMRange `json:"frequency_days"`
	Monetary  RFMRange `json:"monetary_mean"`
}

// RFMRange counts the customers with a score in one dimension and the range
// of their values.
type RFMRange struct {
	Customers int     `json:"customers"`
	Min       float64 `json:"min"`
	Max       float64 `json:"max"`
}

// RFMCell counts the customers in one RFM cell.
type RFMCell struct {
	Cell      string `json:"cell"`
	Customers int    `json:"customers"`
}

// ModelReport is a model's parameters and fit.
type ModelReport struct {
	Params        map[string]float64 `json:"params"`
	Fitted        bool               `json:"fitted"`
	LogLikelihood float64            `json:"log_likelihood"`
	Customers     int                `json:"customers"`
	Iterations    int                `json:"iterations,omitempty"`
}

// CLVReport is the CLV ranking.
type CLVReport struct {
	Months       int           `json:"months"`
	DiscountRate float64       `json:"discount_rate"`
	Margin       float64       `json:"margin"`
	Total        float64       `json:"total"`
	Top          []CustomerCLV `json:"top"`
}

// CustomerCLV is one customer's summary and predictions.
type CustomerCLV struct {
	ID                string  `json:"id"`
	Frequency         int     `json:"x"`
	Recency           float64 `json:"t_x"`
	T                 float64 `json:"T"`
	MonetaryValue     float64 `json:"m"`
	ProbAlive         float64 `json:"p_alive"`
	ExpectedPurchases float64 `json:"expected_purchases"`
	ExpectedSpend     float64 `json:"expected_spend"`
	CLV               float64 `json:"clv"`
}

func run(args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	txs, err := readTransactions(c)
	if err != nil {
		return err
	}
	if len(txs) == 0 {
		return fmt.Errorf("%s: no transactions", c.in)
	}
	if c.calibrationEnd.IsZero() {
		for _, t := range txs {
			if t.Time.After(c.calibrationEnd) {
				c.calibrationEnd = t.Time
			}
		}
	}
	s, err := clv.Summarize(slices.Values(txs), clv.SummaryOptions{CalibrationEnd: c.calibrationEnd, Unit: c.unit})
	if err != nil {
		return fmt.Errorf("summarising %s: %w", c.in, err)
	}
	rep := Report{Input: InputSummary{
		File: c.in, Format: c.format, Transactions: len(txs),
		Customers: len(s.Customers), Excluded: s.Excluded,
		FirstPurchase:  s.Start.Format(time.DateOnly),
		CalibrationEnd: s.CalibrationEnd.Format(time.DateOnly),
		Unit:           c.unitName,
	}}
	for _, cu := range s.Customers {
		if cu.Frequency > 0 {
			rep.Input.RepeatBuyers++
		}
		rep.Input.RepeatDays += cu.Frequency
	}
	rep.RFM = rfm(txs, s.CalibrationEnd)

	bg := clv.BGNBD{}
	if c.bgnbd != nil {
		bg = *c.bgnbd
		ll, err := bg.LogLikelihood(s.Customers, nil)
		if err != nil {
			return fmt.Errorf("BG/NBD log-likelihood: %w", err)
		}
		rep.BGNBD = ModelReport{LogLikelihood: ll}
	} else {
		m, res, err := clv.FitBGNBD(s.Customers, clv.FitOptions{})
		if err != nil {
			return fmt.Errorf("fitting BG/NBD to %d customers: %w", len(s.Customers), err)
		}
		bg = m
		rep.BGNBD = ModelReport{Fitted: true, LogLikelihood: res.LogLikelihood, Iterations: res.Iterations}
	}
	rep.BGNBD.Customers = len(s.Customers)
	rep.BGNBD.Params = map[string]float64{"r": bg.R, "alpha": bg.Alpha, "a": bg.A, "b": bg.B}

	gg := clv.GammaGamma{}
	if c.gammaGamma != nil {
		gg = *c.gammaGamma
		ll, err := gg.LogLikelihood(s.Customers, nil)
		if err != nil {
			return fmt.Errorf("Gamma-Gamma log-likelihood: %w", err)
		}
		rep.GammaGamma = ModelReport{LogLikelihood: ll}
	} else {
		m, res, err := clv.FitGammaGamma(s.Customers, clv.FitOptions{})
		if err != nil {
			return fmt.Errorf("fitting Gamma-Gamma to the %d repeat buyers: %w", rep.Input.RepeatBuyers, err)
		}
		gg = m
		rep.GammaGamma = ModelReport{Fitted: true, LogLikelihood: res.LogLikelihood, Iterations: res.Iterations}
	}
	rep.GammaGamma.Customers = rep.Input.RepeatBuyers
	rep.GammaGamma.Params = map[string]float64{"p": gg.P, "q": gg.Q, "gamma": gg.Gamma}

	rep.CLV, err = rank(s.Customers, bg, gg, c)
	if err != nil {
		return err
	}
	if c.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return printText(stdout, rep)
}

// rfm scores the customers' calibration purchases (same-day purchases merged,
// as Summarize does) on recency, frequency and monetary value.
func rfm(txs []clv.Transaction, calEnd time.Time) RFMSummary {
	type agg struct {
		days  map[time.Time]bool
		last  time.Time
		spend float64
	}
	end := day(calEnd)
	per := map[string]*agg{}
	for _, t := range txs {
		d := day(t.Time)
		if d.After(end) {
			continue
		}
		a := per[t.Customer]
		if a == nil {
			a = &agg{days: map[time.Time]bool{}}
			per[t.Customer] = a
		}
		a.days[d] = true
		if d.After(a.last) {
			a.last = d
		}
		a.spend += t.Amount
	}
	ids := make([]string, 0, len(per))
	for id := range per {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	n := len(ids)
	// Values oriented so that larger is better; recency is negated days.
	vals := [3][]float64{make([]float64, n), make([]float64, n), make([]float64, n)}
	raw := [3][]float64{make([]float64, n), make([]float64, n), make([]float64, n)}
	for i, id := range ids {
		a := per[id]
		rd := float64(int(end.Sub(a.last).Hours()+0.5) / 24)
		f := float64(len(a.days))
		m := a.spend / f
		raw[0][i], raw[1][i], raw[2][i] = rd, f, m
		vals[0][i], vals[1][i], vals[2][i] = -rd, f, m
	}
	out := RFMSummary{Scores: make([]RFMScore, 5)}
	for s := range out.Scores {
		out.Scores[s].Score = 5 - s
	}
	scores := make([][3]int, n)
	for dim := range 3 {
		sorted := slices.Clone(vals[dim])
		slices.Sort(sorted)
		for i, v := range vals[dim] {
			worse, _ := slices.BinarySearch(sorted, v) // first index of v: count strictly below
			sc := 1 + 5*worse/n
			scores[i][dim] = sc
			row := &out.Scores[5-sc]
			r := [3]*RFMRange{&row.Recency, &row.Frequency, &row.Monetary}[dim]
			x := raw[dim][i]
			if r.Customers == 0 || x < r.Min {
				r.Min = x
			}
			if r.Customers == 0 || x > r.Max {
				r.Max = x
			}
			r.Customers++
		}
	}
	cells := map[string]int{}
	for _, sc := range scores {
		cells[fmt.Sprintf("%d%d%d", sc[0], sc[1], sc[2])]++
	}
	for cell, k := range cells {
		out.Cells = append(out.Cells, RFMCell{Cell: cell, Customers: k})
	}
	slices.SortFunc(out.Cells, func(a, b RFMCell) int {
		if a.Customers != b.Customers {
			return b.Customers - a.Customers
		}
		return strings.Compare(b.Cell, a.Cell)
	})
	if len(out.Cells) > 5 {
		out.Cells = out.Cells[:5]
	}
	return out
}

func day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// rank predicts every customer's CLV and keeps the top c.top.
func rank(customers []clv.Customer, bg clv.BGNBD, gg clv.GammaGamma, c config) (CLVReport, error) {
	// lifetimes' factor: 4.345 weeks or 30 days in a month.
	periodLength := 4.345
	if c.unit == clv.Day {
		periodLength = 30
	}
	opts := clv.CLVOptions{Periods: c.months, PeriodLength: periodLength, DiscountRate: c.discount, Margin: c.margin}
	rep := CLVReport{Months: c.months, DiscountRate: c.discount, Margin: c.margin}
	all := make([]CustomerCLV, 0, len(customers))
	for _, cu := range customers {
		v, err := gg.CLV(bg, cu, opts)
		if err != nil {
			return rep, fmt.Errorf("CLV of customer %s: %w", cu.ID, err)
		}
		pa, err := bg.ProbAlive(cu)
		if err != nil {
			return rep, fmt.Errorf("P(alive) of customer %s: %w", cu.ID, err)
		}
		ep, err := bg.ConditionalExpectedPurchases(float64(c.months)*periodLength, cu)
		if err != nil {
			return rep, fmt.Errorf("expected purchases of customer %s: %w", cu.ID, err)
		}
		es, err := gg.ConditionalExpectedSpend(cu)
		if err != nil {
			return rep, fmt.Errorf("expected spend of customer %s: %w", cu.ID, err)
		}
		rep.Total += v
		all = append(all, CustomerCLV{
			ID: cu.ID, Frequency: cu.Frequency, Recency: cu.Recency, T: cu.T, MonetaryValue: cu.MonetaryValue,
			ProbAlive: pa, ExpectedPurchases: ep, ExpectedSpend: es, CLV: v,
		})
	}
	slices.SortStableFunc(all, func(a, b CustomerCLV) int {
		switch {
		case a.CLV > b.CLV:
			return -1
		case a.CLV < b.CLV:
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	rep.Top = all[:min(c.top, len(all))]
	return rep, nil
}

func printText(w io.Writer, r Report) error {
	ew := &errWriter{w: w}
	in := r.Input
	ew.printf("== Input\n")
	ew.printf("%s (%s): %d transactions; calibration period %s..%s: %d customers (%d excluded: first purchase after it)\n",
		in.File, in.Format, in.Transactions, in.FirstPurchase, in.CalibrationEnd, in.Customers, in.Excluded)
	ew.printf("repeat buyers %d, repeat purchases %d, time unit %s\n", in.RepeatBuyers, in.RepeatDays, in.Unit)

	ew.printf("\n== RFM (score 5 best; recency in days before %s, frequency in purchase days, monetary = mean spend per purchase day)\n", in.CalibrationEnd)
	ew.printf("%5s  %6s %-13s  %6s %-13s  %6s %s\n", "score", "R cust", "R days", "F cust", "F days", "M cust", "M mean")
	for _, s := range r.RFM.Scores {
		ew.printf("%5d  %6d %-13s  %6d %-13s  %6d %s\n", s.Score,
			s.Recency.Customers, span(s.Recency, "%.0f"),
			s.Frequency.Customers, span(s.Frequency, "%.0f"),
			s.Monetary.Customers, span(s.Monetary, "%.2f"))
	}
	ew.printf("top cells:")
	for _, c := range r.RFM.Cells {
		ew.printf(" %s=%d", c.Cell, c.Customers)
	}
	ew.printf("\n")

	how := func(m ModelReport) string {
		if m.Fitted {
			return fmt.Sprintf("fitted, %d iterations", m.Iterations)
		}
		return "given"
	}
	p := r.BGNBD.Params
	ew.printf("\n== BG/NBD (%s, %d customers)\n", how(r.BGNBD), r.BGNBD.Customers)
	ew.printf("r=%.3f alpha=%.3f a=%.3f b=%.3f LL=%.1f\n", p["r"], p["alpha"], p["a"], p["b"], r.BGNBD.LogLikelihood)
	p = r.GammaGamma.Params
	ew.printf("\n== Gamma-Gamma (%s, %d repeat buyers)\n", how(r.GammaGamma), r.GammaGamma.Customers)
	ew.printf("p=%.2f q=%.2f gamma=%.2f LL=%.1f\n", p["p"], p["q"], p["gamma"], r.GammaGamma.LogLikelihood)

	c := r.CLV
	ew.printf("\n== CLV over %d months (discount %g a month, margin %g): total %.2f\n", c.Months, c.DiscountRate, c.Margin, c.Total)
	ew.printf("%-10s %4s %7s %7s %8s %8s %9s %8s %9s\n", "customer", "x", "t_x", "T", "m", "P(alive)", "E[purch]", "E[spend]", "CLV")
	for _, cu := range c.Top {
		ew.printf("%-10s %4d %7.2f %7.2f %8.2f %8.3f %9.2f %8.2f %9.2f\n",
			cu.ID, cu.Frequency, cu.Recency, cu.T, cu.MonetaryValue, cu.ProbAlive, cu.ExpectedPurchases, cu.ExpectedSpend, cu.CLV)
	}
	return ew.err
}

func span(r RFMRange, verb string) string {
	if r.Customers == 0 {
		return "-"
	}
	if r.Min == r.Max {
		return fmt.Sprintf(verb, r.Min)
	}
	return fmt.Sprintf(verb+"-"+verb, r.Min, r.Max)
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
