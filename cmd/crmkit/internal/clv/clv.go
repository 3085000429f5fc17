// Package clv is the crmkit clv command: it fits the CDNOW "buy 'til you
// die" models (package account/clv) to a file of transactions, ranks the
// customers by predicted lifetime value and checks the purchase model on a
// holdout period.
//
//	crmkit clv -in transactions.csv [-format csv|cdnow] [-calibration-end 1997-09-30]
//	    [-holdout-end 1998-06-30] [-top 10] [-json] [-svg holdout.svg]
//
// It reads purchases (customer, date, amount), summarises them over the
// calibration period (account/clv.Summarize) and prints
//
//   - the input: transactions, customers, customers excluded because their
//     first purchase is after the calibration period, rejected rows;
//   - the RFM table: recency, frequency and monetary quintile scores with the
//     range of values behind each score, and the most common RFM cells;
//   - the BG/NBD purchase model and the Gamma-Gamma spend model fitted by
//     maximum likelihood, with their log-likelihoods; repeat buyers whose
//     repeat purchases add up to zero are left out of Gamma-Gamma (its
//     spend is positive by definition) and counted;
//   - the calibration/holdout check of Fader, Hardie and Lee (2005),
//     figure 5: per number of calibration repeat purchases (0..7+), the mean
//     repeat purchases the customers made in the holdout period beside the
//     BG/NBD conditional expectation (Summary.HoldoutFit); -svg FILE draws it
//     as a self-contained SVG chart;
//   - the top customers by predicted CLV over the next -months months,
//     discounted at -discount a month, times -margin.
//
// Input formats:
//
//   - csv (default): a header row, then one purchase per row; the columns are
//     named by -customer-col, -date-col and -amount-col (customer, date,
//     amount by default), dates in -date-format (Go layout, 2006-01-02),
//     fields separated by -delimiter. A UTF-8 byte order mark is skipped.
//   - cdnow: the whitespace-separated CDNOW files of Fader and Hardie,
//     "customer_id YYYYMMDD number_of_cds dollar_value" (CDNOW_master) or
//     "master_id sample_id YYYYMMDD number_of_cds dollar_value" (CDNOW_sample,
//     keyed by the sample id); -calibration-end defaults to 1997-09-30, the
//     papers' calibration period.
//
// Amounts are read exactly as crmkit.Money in -currency: plain decimals with
// no more decimal places than the currency has, not negative, at most
// 1,000,000,000,000; "1e300" is refused. Every row that cannot be read is
// listed on standard error with its line number and the reason, followed by
// a count per reason; the command goes on with the other rows and exits 1.
//
// Without -calibration-end a csv file is calibrated up to its last purchase.
// The holdout period runs from the day after the calibration end to
// -holdout-end, by default the last purchase in the file; none when that is
// the calibration end. Times are in weeks (-unit week, the papers'
// convention) or days. -bgnbd r,alpha,a,b and -gammagamma p,q,gamma score
// the customers with given parameters instead of fitting them.
//
// RFM scores: for each of recency (days from the last purchase to the end of
// the calibration period, fewer is better), frequency (purchase days) and
// monetary value (mean spend per purchase day), a customer's score is
// 1 + floor(5 · worse / n), where worse counts the customers with a strictly
// worse value and n all customers: ties share a score, and 5 means at least
// 80% of the customers are worse. This is the rule of value.ScoreRFM (package
// account/value) with five bins, but ScoreRFM scores total spend in
// crmkit.Money while this table scores the mean spend per purchase day in
// float64 (the Gamma-Gamma model's m), so the scores are computed here.
//
// Exit status: 0 when every row was read, 1 when rows were rejected (the
// figures are those of the other rows), 2 when the command could not run.
package clv

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account/clv"
)

var decimalMaxAmount = decimal.NewFromInt(maxAmount)

// holdoutBins is the number of calibration-frequency groups of the holdout
// check before the last, open one: 0..6 and 7+, as in the paper.
const holdoutBins = 7

// config holds the parsed command line.
type config struct {
	in, format       string
	csv              csvOptions
	currency         crmkit.Currency
	calibrationEnd   time.Time
	holdoutEnd       time.Time
	unit             clv.Unit
	unitName         string
	top, months      int
	discount, margin float64
	bgnbd            *clv.BGNBD
	gammaGamma       *clv.GammaGamma
	json             bool
	svg              string
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("clv", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: crmkit clv -in FILE [flags]")
		fmt.Fprintln(stderr, "Fits BG/NBD and Gamma-Gamma to a transactions file, checks them on a holdout period and ranks customers by CLV.")
		fs.PrintDefaults()
	}
	fs.StringVar(&c.in, "in", "", "transactions file, - for standard input (required)")
	fs.StringVar(&c.format, "format", "csv", "input format: csv or cdnow")
	fs.StringVar(&c.csv.customerCol, "customer-col", "customer", "csv: column of the customer id")
	fs.StringVar(&c.csv.dateCol, "date-col", "date", "csv: column of the purchase date")
	fs.StringVar(&c.csv.amountCol, "amount-col", "amount", "csv: column of the purchase amount")
	fs.StringVar(&c.csv.dateFormat, "date-format", time.DateOnly, "csv: Go layout of the dates")
	delim := fs.String("delimiter", ",", "csv: field delimiter, one character (\\t for tab)")
	cur := fs.String("currency", "USD", "ISO 4217 currency of the amounts (sets the decimal places allowed)")
	calEnd := fs.String("calibration-end", "", "last day of the calibration period, YYYY-MM-DD (cdnow: 1997-09-30; csv: the last purchase)")
	holdEnd := fs.String("holdout-end", "", "last day of the holdout period, YYYY-MM-DD (default: the last purchase)")
	fs.StringVar(&c.unitName, "unit", "week", "time unit of the models: week or day")
	fs.IntVar(&c.top, "top", 10, "number of customers listed by CLV")
	fs.IntVar(&c.months, "months", 12, "CLV horizon in months")
	fs.Float64Var(&c.discount, "discount", 0.01, "discount rate per month")
	fs.Float64Var(&c.margin, "margin", 1, "profit margin on spend, in (0, 1]")
	bg := fs.String("bgnbd", "", "use these BG/NBD parameters r,alpha,a,b instead of fitting")
	gg := fs.String("gammagamma", "", "use these Gamma-Gamma parameters p,q,gamma instead of fitting")
	fs.BoolVar(&c.json, "json", false, "print JSON instead of tables")
	fs.StringVar(&c.svg, "svg", "", "write the holdout check as an SVG chart to this file")
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
	if *delim == `\t` {
		*delim = "\t"
	}
	if d := []rune(*delim); len(d) != 1 || d[0] == '"' || d[0] == '\n' || d[0] == '\r' {
		return c, fmt.Errorf("-delimiter %q: want one character other than a quote or a newline", *delim)
	}
	c.csv.delimiter = []rune(*delim)[0]
	var err error
	if c.currency, err = crmkit.ParseCurrency(*cur); err != nil {
		return c, fmt.Errorf("-currency: %w", err)
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
	for _, d := range []struct {
		name, val string
		dst       *time.Time
	}{{"-calibration-end", *calEnd, &c.calibrationEnd}, {"-holdout-end", *holdEnd, &c.holdoutEnd}} {
		if d.val == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, d.val)
		if err != nil {
			return c, fmt.Errorf("%s %q: want YYYY-MM-DD", d.name, d.val)
		}
		*d.dst = t
	}
	if !c.holdoutEnd.IsZero() && !c.calibrationEnd.IsZero() && c.holdoutEnd.Before(c.calibrationEnd) {
		return c, fmt.Errorf("-holdout-end %s is before -calibration-end %s", *holdEnd, *calEnd)
	}
	if c.top < 0 {
		return c, fmt.Errorf("-top %d: must not be negative", c.top)
	}
	if c.months <= 0 || c.months > clv.MaxCLVPeriods {
		return c, fmt.Errorf("-months %d: must be in 1..%d", c.months, clv.MaxCLVPeriods)
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

// Run is the clv command. args excludes the command name; it returns the
// exit status: 0, 1 when input rows were rejected (and listed on stderr),
// 2 when it could not run.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "clv:", err)
		return 2
	}
	rep, err := run(ctx, c, stdin, stdout, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "clv:", err)
		return 2
	}
	if rep.Input.Rejected.Rows > 0 {
		return 1
	}
	return 0
}

// read reads the input file (or stdin for "-") in the configured format.
func read(c config, stdin io.Reader, rej *Rejected) ([]purchase, error) {
	r := stdin
	if c.in != "-" {
		f, err := os.Open(c.in)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	var ps []purchase
	var err error
	if c.format == "cdnow" {
		ps, err = readCDNOW(r, c.currency, rej)
	} else {
		ps, err = readCSV(r, c.csv, c.currency, rej)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.in, err)
	}
	return ps, nil
}

// run computes the report, prints it and the rejected rows, and writes the
// SVG chart when asked.
func run(ctx context.Context, c config, stdin io.Reader, stdout, stderr io.Writer) (Report, error) {
	var rej Rejected
	ps, err := read(c, stdin, &rej)
	if err != nil {
		return Report{}, err
	}
	for _, b := range rej.List {
		fmt.Fprintf(stderr, "%s line %d: %s\n", c.in, b.Line, b.Message)
	}
	if rej.Rows > 0 {
		fmt.Fprintf(stderr, "%s: %s of %d read\n", c.in, rej.summary(), rej.Rows+len(ps))
	}
	if len(ps) == 0 {
		return Report{}, fmt.Errorf("%s: no transactions to read", c.in)
	}
	rep, err := compute(ctx, c, ps)
	if err != nil {
		return Report{}, err
	}
	rep.Input.Rejected = rej
	if rep.Input.Rejected.List == nil {
		rep.Input.Rejected.List = []BadRow{}
		rep.Input.Rejected.ByReason = map[string]int{}
	}
	if c.svg != "" {
		if rep.Holdout == nil {
			return Report{}, fmt.Errorf("-svg %s: there is no holdout period to draw (the calibration period ends on the last purchase; set -calibration-end earlier)", c.svg)
		}
		if err := os.WriteFile(c.svg, []byte(holdoutSVG(rep)), 0o644); err != nil {
			return Report{}, err
		}
	}
	if c.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return rep, enc.Encode(rep)
	}
	return rep, printText(stdout, rep)
}
