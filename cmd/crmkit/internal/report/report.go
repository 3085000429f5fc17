// Package report is the `crmkit report` command: a sales funnel report
// from the CSV exports of any CRM (Salesforce, HubSpot, Pipedrive, Odoo
// presets, or any file with column flags), as a table, JSON or one
// self-contained HTML page.
//
// The rows are loaded into a crmkit store (storage/memory, or a
// storage/sqlite file with -db), the accounts and deals in one
// storage.Store.Update (the deals as one storage.Importer import through
// its Tx): the load is all or nothing, so a run that fails leaves a -db
// file as it found it. A second run into a file that already holds a
// report's deals or accounts is refused with a usage error before
// anything is written (not merged or upserted: the report is read back
// from the store, and rows of the earlier export would be counted with
// the new one's). The report is read back through
// funnel.SummarizeSource: the figures are package funnel's and kpi's, not
// a second implementation. Splits (owner, manager, office, product,
// source) summarise the opportunities read from the store with
// funnel.Summarize, monthly won revenue is funnel.WonIn per month, and
// sales cycles are crmkit.Durations (negative ones kept and counted). The
// leads file is not stored (a store's funnel.Source yields its deals):
// lead conversion is kpi.ConversionRate over the lead rows. See Run and
// `crmkit report -h` for the flags.
package report

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/crmkit/crmkit"
)

// Exit statuses of Run.
const (
	// ExitOK: the report was made and every row was read.
	ExitOK = 0
	// ExitRejected: the report was made, but some rows were rejected
	// (listed in the report, summarised by reason).
	ExitRejected = 1
	// ExitUsage: no report: bad flags, or a file that cannot be read
	// or interpreted (an unknown delimiter or date format, a missing
	// column).
	ExitUsage = 2
)

type config struct {
	deals, leads, products, teams string
	preset                        string
	delimiter                     rune
	dateFormat                    string
	timeOfDay                     bool
	currency                      crmkit.Currency
	dealsOutcome                  string
	won, lost                     map[string]bool
	stages                        []string
	dealCols, leadCols            colMap
	productCols, teamCols         colMap
	mapping                       nameMap
	foldNames                     bool
	db                            string
	json                          bool
	html                          string
	allRejected                   bool
	firstLines                    int
}

const usageText = `usage: crmkit report -deals FILE [flags]
       crmkit report -leads FILE [flags]   (leads only: counts and conversion)

Reads CRM exports (CSV: comma, semicolon or tab, UTF-8 with or without a
BOM), loads them into a crmkit store and prints the funnel: counts, amounts
and conversion per stage, outcomes, win rate, won revenue, open pipeline,
sales cycle in calendar days, per owner, manager, office, product and
source; lead conversion when a leads file is given.

Columns are found by their usual names (or a -preset's); name any other
with -col FIELD=COLUMN (deals), -lead-col, -product-col, -team-col.
Deal fields: id stage status amount currency created closed owner source
product account lead. Lead fields: id created source origin converted deal
owner. Product fields: name price. Team fields: rep manager office.

Outcomes come from the status column, else the stage column (-won and
-lost values), else -deals-outcome; anything else is open. The open stages
make the pipeline, in -stages order (else the preset's, else the order of
first appearance). A won deal whose stage column holds the outcome counts as
having passed every stage; a lost one as lost at the first stage. Open deals
without an amount count with 0; deals without a start date count in every
figure but the sales cycle. Durations are calendar days (-time-of-day keeps
hours); a win before its start is kept as a negative cycle and listed.

Exit status: 0 report made, every row read; 1 report made, some rows
rejected (summarised by reason); 2 no report (bad flags or unreadable file).

Flags:
`

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	c := &config{dealCols: colMap{}, leadCols: colMap{}, productCols: colMap{}, teamCols: colMap{}, mapping: nameMap{}}
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageText)
		fs.PrintDefaults()
	}
	fs.StringVar(&c.deals, "deals", "", "deals (opportunities) CSV file")
	fs.StringVar(&c.leads, "leads", "", "leads CSV file (alone: the leads-only report)")
	fs.StringVar(&c.products, "products", "", "price list CSV (product, list price): open pipeline at list price")
	fs.StringVar(&c.teams, "teams", "", "teams CSV (rep, manager, regional office): figures per manager and office")
	fs.StringVar(&c.preset, "preset", "", "export format of the deals file: "+presetNames())
	delim := fs.String("delimiter", "auto", `field delimiter: auto, ",", ";" or tab`)
	fs.StringVar(&c.dateFormat, "date-format", "", `Go layout of the dates, several separated by "|" (default: detected per column)`)
	fs.BoolVar(&c.timeOfDay, "time-of-day", false, "keep the time of day in durations (default: whole calendar days)")
	cur := fs.String("currency", "", "currency of amounts without a currency column (ISO 4217, e.g. USD)")
	fs.StringVar(&c.dealsOutcome, "deals-outcome", "", "every row of the deals file has this outcome: won, lost or open (a closed-deals export)")
	wonList := fs.String("won", "won,closed won,win", "status or stage values meaning won (comma separated; case, spaces and punctuation ignored)")
	lostList := fs.String("lost", "lost,closed lost,loss", "status or stage values meaning lost")
	stages := fs.String("stages", "", "the open stages in pipeline order, comma separated (default: the preset's, then the order of first appearance)")
	fs.Var(c.dealCols, "col", "deals column of a field, FIELD=COLUMN (repeatable; FIELD= switches a field off)")
	fs.Var(c.leadCols, "lead-col", "leads column of a field, FIELD=COLUMN (repeatable)")
	fs.Var(c.productCols, "product-col", "price list column of a field, FIELD=COLUMN")
	fs.Var(c.teamCols, "team-col", "teams column of a field, FIELD=COLUMN")
	fs.Var(c.mapping, "map", "count name FROM as TO, FROM=TO (repeatable; for near-duplicates)")
	fs.BoolVar(&c.foldNames, "fold-names", false, "count names that differ only in case, spaces or punctuation as one")
	fs.StringVar(&c.db, "db", "", "keep the rows in this SQLite file (default: in memory); stored all or nothing: a failed run changes nothing; a file that already holds a report is refused (not merged): name a new file or remove it")
	fs.BoolVar(&c.json, "json", false, "print JSON instead of tables")
	fs.StringVar(&c.html, "html", "", "also write the report as one self-contained HTML page to this file")
	fs.BoolVar(&c.allRejected, "rejected", false, "list every rejected row (default: a summary by reason)")
	fs.IntVar(&c.firstLines, "first-lines", 5, "line numbers shown per rejection reason in the summary")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, usagef("unexpected argument %q", fs.Arg(0))
	}
	if c.deals == "" && c.leads == "" {
		return nil, usagef("give -deals FILE, -leads FILE or both (crmkit report -h for help)")
	}
	if c.preset != "" {
		c.preset = strings.ToLower(c.preset)
		if _, ok := presets[c.preset]; !ok {
			return nil, usagef("-preset %q: not one of %s", c.preset, presetNames())
		}
	}
	if *delim != "auto" {
		r, ok := delimiterNames[*delim]
		if !ok {
			return nil, usagef(`-delimiter %q: want auto, ",", ";" or tab`, *delim)
		}
		c.delimiter = r
	}
	if *cur != "" {
		cc, err := crmkit.ParseCurrency(*cur)
		if err != nil {
			return nil, usagef("-currency: %v", err)
		}
		c.currency = cc
	}
	switch c.dealsOutcome = strings.ToLower(strings.TrimSpace(c.dealsOutcome)); c.dealsOutcome {
	case "", "won", "lost", "open":
	default:
		return nil, usagef("-deals-outcome %q: want won, lost or open", c.dealsOutcome)
	}
	c.won, c.lost = looseSet(*wonList), looseSet(*lostList)
	for k := range c.won {
		if c.lost[k] {
			return nil, usagef("%q is in both -won and -lost", k)
		}
	}
	for s := range strings.SplitSeq(*stages, ",") {
		if s = tidy(s); s != "" {
			c.stages = append(c.stages, s)
		}
	}
	if c.firstLines < 0 {
		return nil, usagef("-first-lines %d is negative", c.firstLines)
	}
	return c, nil
}

func looseSet(list string) map[string]bool {
	m := map[string]bool{}
	for v := range strings.SplitSeq(list, ",") {
		if k := looseKey(v); k != "" {
			m[k] = true
		}
	}
	return m
}

func (c *config) isOutcome(s string) bool {
	k := looseKey(s)
	return c.won[k] || c.lost[k]
}

// outcomeOf reads a deal's outcome: -deals-outcome, else the status
// column, else the stage column; anything not won or lost is open.
func (c *config) outcomeOf(status, stage string, hasStatus bool) outcome {
	switch c.dealsOutcome {
	case "won":
		return won
	case "lost":
		return lost
	case "open":
		return open
	}
	v := stage
	if hasStatus {
		v = status
	}
	switch k := looseKey(v); {
	case c.won[k]:
		return won
	case c.lost[k]:
		return lost
	}
	return open
}

// Run runs `crmkit report` with args (the subcommand name excluded),
// reading files named by the flags (stdin is not read) and writing the
// report to stdout and problems to stderr. It returns the exit status:
// ExitOK, ExitRejected when the report was made but rows were rejected,
// ExitUsage when no report could be made. Run -h prints the flags.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	_ = stdin
	if ctx == nil {
		ctx = context.Background()
	}
	c, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		fmt.Fprintln(stderr, "crmkit report:", strings.TrimPrefix(err.Error(), errUsage.Error()+": "))
		return ExitUsage
	}
	rep, err := makeReport(ctx, c)
	if err != nil {
		fmt.Fprintln(stderr, "crmkit report:", strings.TrimPrefix(err.Error(), errUsage.Error()+": "))
		return ExitUsage
	}
	if c.html != "" {
		if err := writeHTMLFile(c.html, rep); err != nil {
			fmt.Fprintln(stderr, "crmkit report:", err)
			return ExitUsage
		}
	}
	if c.json {
		err = writeJSON(stdout, rep)
	} else {
		err = writeText(stdout, rep)
	}
	if err != nil {
		fmt.Fprintln(stderr, "crmkit report:", err)
		return ExitUsage
	}
	if rep.Rejected.Count > 0 {
		fmt.Fprintf(stderr, "crmkit report: %d rows rejected (see the report)\n", rep.Rejected.Count)
		return ExitRejected
	}
	return ExitOK
}
