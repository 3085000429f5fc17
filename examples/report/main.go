// Command report is a tutorial: it reads a small CSV file of deals, stores
// them in crmkit's in-memory store with the deal commands (New, Move, Win,
// Lose), and prints the funnel report package funnel reads back from the
// store. It shows the path every report over stored data takes:
//
//	rows -> deal.New / Pipeline.Move / Win / Lose -> storage (Create with the events)
//	     -> funnel.SummarizeSource(store) -> Summary per stage and in total
//
//	go run ./examples/report examples/report/testdata/deals.csv
//
// The file has the columns id, stage, status (won, lost or open), amount
// (EUR), created, closed and owner, and must be clean: the tutorial stops at
// the first bad row. For real CRM exports (Salesforce, HubSpot, Pipedrive,
// Odoo; blanks, rejected rows, leads, price lists, HTML) use the crmkit
// command instead:
//
//	go install github.com/crmkit/crmkit/cmd/crmkit@latest
//	crmkit report -deals export.csv -preset salesforce -html report.html
package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/uuid"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage/memory"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: report deals.csv")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Args[1], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

// The pipeline the deals run through: crmkit's one stage model.
var pipeline = deal.MustPipeline(deal.PipelineSpec{ID: "sales", Stages: []deal.Stage{
	{Name: "Qualification", Forecast: deal.ForecastPipeline},
	{Name: "Proposal", Forecast: deal.ForecastBestCase},
	{Name: "Negotiation", Forecast: deal.ForecastCommit},
}})

func run(ctx context.Context, path string, w io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return err
	}
	store, err := memory.New().Tenant("tutorial")
	if err != nil {
		return err
	}
	// Every deal belongs to an account that is stored first.
	acct, ev, err := account.New(account.NewAccount{Name: "Customers", Owner: "sales", Relations: account.Prospect},
		crmkit.Cmd{By: "tutorial", At: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		return err
	}
	if _, err := store.Accounts().Create(ctx, acct, "", ev); err != nil {
		return err
	}
	for i, r := range rows[1:] {
		d, events, err := replay(r, acct.ID)
		if err != nil {
			return fmt.Errorf("%s line %d: %w", path, i+2, err)
		}
		// A deal is stored with its whole history: one event per version.
		if _, err := store.Deals().Create(ctx, d, "", events...); err != nil {
			return err
		}
	}
	// The store is a funnel.Source: the report reads the deals from it.
	rep, err := funnel.SummarizeSource(ctx, pipeline, store, funnel.Query{AsOf: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		return err
	}
	s := rep.Total
	fmt.Fprintf(w, "deals %d: won %d, lost %d, open %d\n", s.Entities, s.Won, s.Lost, s.Open)
	if wr, err := s.WinRate(); err == nil {
		fmt.Fprintf(w, "win rate %s%%\n", wr.Shift(2).StringFixed(2))
	}
	fmt.Fprintf(w, "won %s, open pipeline %s\n", s.WonAmount, s.OpenAmount)
	if mean, err := s.Cycle.Mean(); err == nil {
		fmt.Fprintf(w, "sales cycle, mean: %.1f days\n", mean.Hours()/24)
	}
	for _, st := range s.Stages {
		conv := "-"
		if c, err := st.Conversion(); err == nil {
			conv = c.Shift(2).StringFixed(2) + "%"
		}
		fmt.Fprintf(w, "%-14s reached %d, went on %d (%s), open %d\n", st.Name, st.Reached, st.Advanced, conv, st.Open)
	}
	return nil
}

// replay turns one row into a deal and the events of its history: created
// in the first stage, moved to its stage, then won or lost.
func replay(r []string, accountID uuid.UUID) (deal.Deal, []crmkit.Event, error) {
	if len(r) != 7 {
		return deal.Deal{}, nil, fmt.Errorf("%d fields, want 7", len(r))
	}
	amount, err := crmkit.ParseMoney(r[3], crmkit.MustCurrency("EUR"))
	if err != nil {
		return deal.Deal{}, nil, err
	}
	created, err := time.Parse(time.DateOnly, r[4])
	if err != nil {
		return deal.Deal{}, nil, err
	}
	by := deal.Cmd{Cmd: crmkit.Cmd{By: r[6], At: created}}
	d, ev, err := deal.New(pipeline, deal.NewDeal{Name: r[0], Type: deal.NewBusiness, Amount: amount, AccountID: accountID, Owner: r[6]}, by)
	if err != nil {
		return d, nil, err
	}
	events := []crmkit.Event{ev}
	if r[1] != pipeline.StageName(0) {
		if d, ev, err = pipeline.Move(d, r[1], by); err != nil {
			return d, nil, err
		}
		events = append(events, ev)
	}
	if r[2] == "open" {
		return d, events, nil
	}
	closed, err := time.Parse(time.DateOnly, r[5])
	if err != nil {
		return d, nil, err
	}
	by.At = closed
	switch r[2] {
	case "won":
		d, ev, err = pipeline.Win(d, deal.Outcome{Summary: "signed"}, by)
	case "lost":
		d, ev, err = pipeline.Lose(d, deal.Outcome{Summary: "lost", Reason: deal.LossPrice}, by)
	default:
		err = fmt.Errorf("status %q is not won, lost or open", r[2])
	}
	return d, append(events, ev), err
}
