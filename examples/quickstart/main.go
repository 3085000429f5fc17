// Command quickstart tells crmkit's whole story in a couple of seconds: a
// pipeline, leads from two channels, scoring and routing within rep
// capacity, qualification and conversion in one transaction, deals moved,
// suspended and reactivated with an approval, terminated, won and lost, and
// the won deal's contract approved and signed, then the funnel report, the
// weighted forecast, a quota attainment line and an attribution split; a
// rep leaves and hands the whole book over in one transaction, and a
// consistency check ends it: every reference resolves and every history
// replays to its stored state.
//
//	go run ./examples/quickstart
//	go run ./examples/quickstart -postgres 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
//	go run ./examples/quickstart -sqlite crm.db
//
// It runs on the in-memory store (storage/memory), with -postgres on
// PostgreSQL (storage/postgres: the tables go to the schema named by
// -schema, created and migrated if missing), or with -sqlite on a SQLite
// file (storage/sqlite: created and migrated if missing, and kept), each
// run writing as a new tenant, with a fixed clock so that its output is
// the same every time.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/kpi"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/routing"
	"github.com/crmkit/crmkit/lead/scoring"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
	"github.com/crmkit/crmkit/storage/postgres"
	"github.com/crmkit/crmkit/storage/sqlite"
)

func main() {
	dsn := flag.String("postgres", "", "run on PostgreSQL at this DSN instead of in memory")
	schema := flag.String("schema", "crmkit_quickstart", "with -postgres: the schema for crmkit's tables")
	file := flag.String("sqlite", "", "run on this SQLite file (created if missing) instead of in memory")
	flag.Parse()
	ctx := context.Background()
	store, done, err := openStore(ctx, *dsn, *schema, *file)
	if err == nil {
		err = run(ctx, os.Stdout, store)
		done()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// openStore opens the memory store, or with a DSN a PostgreSQL store,
// or with a file a SQLite store, for a new tenant (so that the story can
// run again on the same database). A DSN and a file together are an error
// matching crmkit.ErrInvalid.
func openStore(ctx context.Context, dsn, schema, file string) (storage.Store, func(), error) {
	switch {
	case dsn != "" && file != "":
		return nil, nil, crmkit.Invalid("flags", "-postgres and -sqlite name two stores: give one")
	case file != "":
		return openSQLite(ctx, file)
	case dsn == "":
		s, err := memory.New().Tenant("acme")
		return s, func() {}, err
	}
	db, err := postgres.Open(ctx, dsn, postgres.Schema(schema))
	if err != nil {
		return nil, nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	s, err := db.Tenant("quickstart-" + crmkit.NewID().String())
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return s, db.Close, nil
}

// openSQLite opens and migrates the SQLite file and returns the store of
// a new tenant in it.
func openSQLite(ctx context.Context, file string) (storage.Store, func(), error) {
	db, err := sqlite.Open(ctx, file)
	if err != nil {
		return nil, nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	s, err := db.Tenant("quickstart-" + crmkit.NewID().String())
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return s, db.Close, nil
}

// story carries what the steps share.
type story struct {
	w        io.Writer
	clock    *crmkit.FakeClock
	store    storage.Store
	ladder   *lead.Ladder
	pipeline *deal.Pipeline
	leads    []lead.Lead
	deals    []deal.Deal
	contract account.Contract
}

func run(ctx context.Context, w io.Writer, store storage.Store) error {
	clock := crmkit.NewFakeClock(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	ladder, err := lead.NewLadder()
	if err != nil {
		return err
	}
	s := &story{w: w, clock: clock, store: store, ladder: ladder, pipeline: deal.DefaultPipeline()}
	for _, step := range []func(context.Context) error{
		s.definePipeline, s.captureLeads, s.scoreAndRoute, s.qualifyAndConvert,
		s.workDeals, s.signContract, s.report, s.handOver, s.verify,
	} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (s *story) definePipeline(context.Context) error {
	fmt.Fprintln(s.w, "== Pipeline (deal.DefaultPipeline)")
	for _, st := range s.pipeline.Stages() {
		// Probabilities are fractions; percent is only how they print.
		fmt.Fprintf(s.w, "  %-12s %3s%%  %s\n", st.Name, st.Probability.Shift(2), st.Forecast)
	}
	return nil
}

// captureLeads takes six leads from a trade show and from inbound content;
// some jump channels before they are qualified.
func (s *story) captureLeads(ctx context.Context) error {
	fmt.Fprintln(s.w, "\n== Leads captured from two channels")
	people := []struct {
		name, email, company, industry, country string
		size                                    int
		source                                  lead.Channel
	}{
		{"Ada Lovelace", "ada@analytical.example", "Analytical Engines", "software", "GB", 120, lead.ChannelEvent},
		{"Grace Hopper", "grace@cobol.example", "Cobol Works", "software", "US", 800, lead.ChannelInboundContent},
		{"Alan Turing", "alan@bletchley.example", "Bletchley Labs", "research", "GB", 60, lead.ChannelEvent},
		{"Edsger Dijkstra", "edsger@shortest.example", "Shortest Path", "software", "NL", 40, lead.ChannelInboundContent},
		{"Barbara Liskov", "barbara@clu.example", "CLU Systems", "software", "US", 300, lead.ChannelEvent},
		{"Ken Thompson", "ken@unix.example", "Unix Partners", "hardware", "US", 20, lead.ChannelInboundContent},
	}
	for i, p := range people {
		c := lead.Capture{
			Who:    lead.Person{Name: p.name, Email: p.email, Company: p.company, Industry: p.industry, Country: p.country, CompanySize: p.size},
			Source: p.source, Campaign: "launch-2026",
		}
		if p.source == lead.ChannelEvent {
			c.EventKind = lead.EventTradeShow
		}
		l, ev, err := lead.New(c, crmkit.Cmd{By: "marketing", At: s.clock.Now()})
		if err != nil {
			return err
		}
		events := []crmkit.Event{ev}
		// Every lead visits the pricing page; every other one also asks
		// for a demo through the web form: channels jump.
		touches := []lead.Touchpoint{{Channel: lead.ChannelInboundContent, Content: "pricing", Kind: lead.TouchVisit}}
		if i%2 == 0 {
			touches = append(touches, lead.Touchpoint{Channel: lead.ChannelEmail, Campaign: "launch-2026", Content: "demo", Kind: lead.TouchForm})
		}
		for _, tp := range touches {
			s.clock.Advance(time.Hour)
			tp.At = s.clock.Now()
			if l, ev, err = l.RecordTouch(lead.Sources{}, tp, crmkit.Cmd{By: "web", At: s.clock.Now()}); err != nil {
				return err
			}
			events = append(events, ev)
		}
		if _, err := s.store.Leads().Create(ctx, l, "capture:"+p.email, events...); err != nil {
			return err
		}
		s.leads = append(s.leads, l)
		fmt.Fprintf(s.w, "  %-16s %-15s %d touches\n", p.name, p.source, len(l.Journey))
	}
	return nil
}

// scoringModel: fit to the ideal customer profile plus engagement that
// halves every 30 days.
const scoringModel = `{
  "fit": [
    {"name": "software", "field": "industry", "op": "equals", "values": ["software"], "points": 10},
    {"name": "mid-size", "field": "company_size", "op": "between", "min": 50, "max": 1000, "points": 15}
  ],
  "engagement": [
    {"name": "demo request", "kind": "form", "points": 20},
    {"name": "pricing visit", "kind": "visit", "points": 5}
  ],
  "half_life": "720h",
  "mql": 20,
  "sql": 40
}`

func (s *story) scoreAndRoute(ctx context.Context) error {
	fmt.Fprintln(s.w, "\n== Scored and routed within rep capacity")
	model, err := scoring.ParseModel([]byte(scoringModel))
	if err != nil {
		return err
	}
	scorer, err := scoring.NewScorer(model)
	if err != nil {
		return err
	}
	router, err := routing.NewRouter(routing.Plan{
		Strategy: routing.StrategyRoundRobin,
		Reps:     []routing.Rep{{ID: "ana", Team: "field", Capacity: 3}, {ID: "ben", Team: "field", Capacity: 2}},
	})
	if err != nil {
		return err
	}
	for i := range s.leads {
		l := &s.leads[i]
		score, err := scorer.Score(*l, s.clock.Now())
		if err != nil {
			return err
		}
		a, err := router.Route(l)
		if err != nil {
			return err
		}
		owner := "unassigned (" + a.Reason + ")"
		if a.Assigned() {
			owner = a.Rep
			err := storage.Retry(ctx, storage.Policy{}, func(ctx context.Context) error {
				return s.store.Update(ctx, func(tx storage.Tx) error {
					cur, err := tx.Leads().Get(ctx, l.ID)
					if err != nil {
						return err
					}
					next, ev, err := cur.Assign(a.Rep, crmkit.Cmd{By: "router", At: s.clock.Now()})
					if err != nil {
						return err
					}
					*l = next
					return tx.Leads().Save(ctx, next, cur.Version, ev)
				})
			})
			if err != nil {
				return err
			}
		}
		fmt.Fprintf(s.w, "  %-16s score %5.1f (%s-worthy) -> %s\n", l.Who.Name, score.Total, score.Worthy, owner)
	}
	return nil
}

// qualifyAndConvert takes the four best leads up the ladder and converts
// each in one Update (the lead, the new deal and their events land
// together); the fifth bought a competitor's product and is nurtured.
func (s *story) qualifyAndConvert(ctx context.Context) error {
	fmt.Fprintln(s.w, "\n== Qualified, converted (one transaction each) or nurtured")
	amounts := []string{"120000.00", "45000.00", "30000.00", "80000.00"}
	for i := range s.leads {
		l := s.leads[i]
		if l.Owner == "" {
			continue
		}
		s.clock.Advance(24 * time.Hour)
		if i == 4 {
			next, ev, err := s.ladder.Fire(ctx, l, lead.Command{Cmd: crmkit.Cmd{By: l.Owner, Reason: "bought a competitor's product last month", At: s.clock.Now()}, Action: lead.ActionNurture, RevisitAt: s.clock.Now().AddDate(0, 6, 0)})
			if err != nil {
				return err
			}
			if err := s.store.Leads().Save(ctx, next, l.Version, ev); err != nil {
				return err
			}
			fmt.Fprintf(s.w, "  %-16s %s -> %s: %s\n", l.Who.Name, ev.From, ev.To, ev.Reason)
			continue
		}
		var events []crmkit.Event
		for _, a := range []lead.Action{lead.ActionQualify, lead.ActionAccept} {
			next, ev, err := s.ladder.Fire(ctx, l, lead.Command{Cmd: crmkit.Cmd{By: l.Owner, At: s.clock.Now()}, Action: a})
			if err != nil {
				return err
			}
			l, events = next, append(events, ev)
		}
		stored := s.leads[i]
		var conv storage.Conversion
		err := s.store.Update(ctx, func(tx storage.Tx) error {
			if err := tx.Leads().Save(ctx, l, stored.Version, events...); err != nil {
				return err
			}
			var err error
			conv, err = storage.Convert(ctx, tx, s.ladder, s.pipeline, l.ID, storage.ConvertInput{ConvertInput: lead.ConvertInput{
				Cmd: crmkit.Cmd{By: l.Owner, At: s.clock.Now()}, Amount: crmkit.MustMoney(amounts[i], "EUR"), ExpectedClose: s.clock.Now().AddDate(0, 4, 0),
			}})
			return err
		})
		if err != nil {
			return err
		}
		d := conv.Deal
		s.leads[i] = conv.Lead
		s.deals = append(s.deals, d)
		fmt.Fprintf(s.w, "  %-16s suspect -> mql -> sql -> converted: deal %q %s\n", l.Who.Name, d.Name, d.Amount)
	}
	return nil
}

// workDeals: one deal is won, one suspended, reactivated with a manager's
// approval and lost to a competitor, one terminated, one stays open in
// negotiation.
func (s *story) workDeals(ctx context.Context) error {
	fmt.Fprintln(s.w, "\n== Deals worked")
	p := s.pipeline
	cmd := func(by, reason string) deal.Cmd {
		s.clock.Advance(72 * time.Hour)
		return deal.Cmd{Cmd: crmkit.Cmd{By: by, At: s.clock.Now(), Reason: reason}}
	}
	type move func(d deal.Deal) (deal.Deal, crmkit.Event, error)
	plays := [][]move{
		{ // won
			func(d deal.Deal) (deal.Deal, crmkit.Event, error) {
				return p.Move(d, "bidding", cmd(d.Owner, "tender"))
			},
			func(d deal.Deal) (deal.Deal, crmkit.Event, error) {
				return p.Move(d, "negotiation", cmd(d.Owner, "shortlisted"))
			},
			func(d deal.Deal) (deal.Deal, crmkit.Event, error) {
				return p.Win(d, deal.Outcome{Reason: "best fit", Summary: "two-year licence"}, cmd(d.Owner, ""))
			},
		},
		{ // suspended, reactivated with approval, lost to a competitor
			func(d deal.Deal) (deal.Deal, crmkit.Event, error) {
				return p.Move(d, "bidding", cmd(d.Owner, "tender"))
			},
			func(d deal.Deal) (deal.Deal, crmkit.Event, error) {
				return p.Suspend(d, time.Time{}, cmd(d.Owner, "budget freeze"))
			},
			func(d deal.Deal) (deal.Deal, crmkit.Event, error) {
				s.clock.Advance(60 * 24 * time.Hour) // too long a pause for an automatic reactivation
				c := cmd(d.Owner, "budget released")
				req, _, err := approval.New(deal.ReactivationSubject(d.ID), []string{"manager"}, time.Time{}, crmkit.Cmd{By: d.Owner, At: c.At})
				if err != nil {
					return deal.Deal{}, crmkit.Event{}, err
				}
				if req, _, err = req.Approve(approval.Cmd{Cmd: crmkit.Cmd{By: "maria", At: c.At, Reason: "go ahead"}, Roles: []string{"manager"}}); err != nil {
					return deal.Deal{}, crmkit.Event{}, err
				}
				c.Approval = &req
				return p.Reactivate(d, c)
			},
			func(d deal.Deal) (deal.Deal, crmkit.Event, error) {
				return p.Lose(d, deal.Outcome{Reason: "price", Competitor: "Globex", Summary: "undercut by 20%"}, cmd(d.Owner, ""))
			},
		},
		{ // terminated
			func(d deal.Deal) (deal.Deal, crmkit.Event, error) {
				return p.Terminate(d, cmd(d.Owner, "customer went out of business"))
			},
		},
		{ // stays open in negotiation, its close date confirmed
			func(d deal.Deal) (deal.Deal, crmkit.Event, error) {
				return p.Move(d, "bidding", cmd(d.Owner, "tender"))
			},
			func(d deal.Deal) (deal.Deal, crmkit.Event, error) {
				return p.Move(d, "negotiation", cmd(d.Owner, "shortlisted"))
			},
			func(d deal.Deal) (deal.Deal, crmkit.Event, error) {
				c := cmd(d.Owner, "customer confirmed the date")
				return d.SetCloseDate(c.At.AddDate(0, 2, 0), c)
			},
		},
	}
	for i, play := range plays {
		for _, m := range play {
			d := s.deals[i]
			next, ev, err := m(d)
			if err != nil {
				return fmt.Errorf("deal %q: %w", d.Name, err)
			}
			if err := s.store.Deals().Save(ctx, next, d.Version, ev); err != nil {
				return err
			}
			s.deals[i] = next
			line := fmt.Sprintf("  %-36s %-16s", d.Name, ev.Type)
			if ev.From != "" || ev.To != "" {
				line += fmt.Sprintf(" %s -> %s", ev.From, ev.To)
			}
			if ev.Reason != "" {
				line += " (" + ev.Reason + ")"
			}
			if next.Outcome.Competitor != "" {
				line += ", lost to " + next.Outcome.Competitor
			}
			fmt.Fprintln(s.w, line)
		}
	}
	return nil
}

// signContract: the won deal becomes a contract of its account, drafted,
// approved in the three steps a contract needs and signed, each change
// stored with its event.
func (s *story) signContract(ctx context.Context) error {
	fmt.Fprintln(s.w, "\n== Contract of the won deal")
	won := s.deals[0]
	s.clock.Advance(24 * time.Hour)
	start := s.clock.Now()
	k, ev, err := account.NewContract(account.ContractSpec{
		AccountID: won.AccountID, DealID: won.ID, Title: won.Name + " licence", Start: start, End: start.AddDate(2, 0, 0),
		Monthly: crmkit.MustMoney("5000.00", "EUR"), Value: crmkit.MustMoney("0.00", "EUR"),
	}, crmkit.Cmd{By: won.Owner, At: start})
	if err != nil {
		return err
	}
	if _, err := s.store.Contracts().Create(ctx, k, "", ev); err != nil {
		return err
	}
	req, _, err := approval.New(k.Subject(), account.ContractApprovalRoles(), time.Time{}, crmkit.Cmd{By: won.Owner, At: start})
	if err != nil {
		return err
	}
	for i, role := range account.ContractApprovalRoles() {
		by := []string{"legal", "maria", "cfo"}[i]
		if req, _, err = req.Approve(approval.Cmd{Cmd: crmkit.Cmd{By: by, At: start, Reason: "ok"}, Roles: []string{role}}); err != nil {
			return err
		}
	}
	steps := []func(account.Contract) (account.Contract, crmkit.Event, error){
		func(c account.Contract) (account.Contract, crmkit.Event, error) {
			return c.Approve(req, crmkit.Cmd{By: "cfo", At: start})
		},
		func(c account.Contract) (account.Contract, crmkit.Event, error) {
			return c.Sign(crmkit.Cmd{By: won.Owner, At: start, Reason: "signed by the customer"})
		},
	}
	for _, step := range steps {
		next, ev, err := step(k)
		if err != nil {
			return err
		}
		if err := s.store.Contracts().Save(ctx, next, k.Version, ev); err != nil {
			return err
		}
		k = next
	}
	s.contract = k
	fmt.Fprintf(s.w, "  %q %s, %s a month from %s\n", k.Title, k.Status, k.Current().Monthly, start.Format(time.DateOnly))
	return nil
}

// handOver: ben leaves; his whole book (open deals, the accounts he
// manages, his open leads) goes to ana in one transaction, with the list
// of customers to tell. Closed deals stay with ben: they are the record of
// who earned them.
func (s *story) handOver(ctx context.Context) error {
	fmt.Fprintln(s.w, "\n== ben leaves: his book goes to ana (one transaction)")
	s.clock.Advance(24 * time.Hour)
	res, err := storage.Handover(ctx, s.store, deal.HandoverRequest{
		From: "ben", To: []deal.Successor{{Rep: "ana"}},
		Cmd: deal.Cmd{Cmd: crmkit.Cmd{By: "maria", At: s.clock.Now(), Reason: "ben left the company"}},
	})
	if err != nil {
		return err
	}
	for _, n := range res.Successors {
		fmt.Fprintf(s.w, "  %s takes open deals %d, accounts %d, open leads %d; closed deals staying with ben %d\n",
			n.Rep, len(n.Deals), len(n.Accounts), len(n.Leads), len(res.Deals.Kept))
	}
	for _, n := range res.Customers {
		a, err := s.store.Accounts().Get(ctx, n.AccountID)
		if err != nil {
			return err
		}
		fmt.Fprintf(s.w, "  tell %-16s %s takes over (deals: %d)\n", a.Name+":", n.NewOwner, len(n.Deals))
	}
	return nil
}

// verify: the consistency check of the whole tenant.
func (s *story) verify(ctx context.Context) error {
	fmt.Fprintln(s.w, "\n== Consistency check (storage.Verify)")
	v, err := storage.Verify(ctx, s.store, storage.VerifyOptions{Ladder: s.ladder})
	if err != nil {
		return err
	}
	fmt.Fprintf(s.w, "  checked %d leads, %d deals, %d accounts, %d contracts: every reference resolves, every history replays: %t\n",
		v.Checked[lead.LeadKind], v.Checked[deal.DealKind], v.Checked[account.AccountKind], v.Checked[account.ContractKind], v.OK())
	for _, p := range v.Problems {
		fmt.Fprintln(s.w, "  problem:", &p)
	}
	return v.Err()
}

// report reads every figure from the store through its optional report
// interfaces, found by type assertion: the funnel report and the forecast
// from the store's funnel.Source (pushed down when the store is also a
// funnel.Aggregator), the dashboard's figures from its live summary
// (storage.Projections), kept up to date by every deal write.
func (s *story) report(ctx context.Context) error {
	// funnel reads the deal pipeline itself: one stage model.
	stages := s.pipeline
	now := s.clock.Now()
	deals, ok := s.store.(funnel.Source)
	if !ok {
		return fmt.Errorf("the %T store is no funnel.Source", s.store)
	}
	rep, err := funnel.SummarizeSource(ctx, stages, deals, funnel.Query{AsOf: now, Quantiles: crmkit.QuantilesExact})
	if err != nil {
		return err
	}
	fmt.Fprintln(s.w, "\n== Funnel report (funnel.SummarizeSource over the store)")
	for _, st := range rep.Total.Stages {
		conv := "-" // no deal reached the stage: no rate, not a zero one
		if c, err := st.Conversion(); err == nil {
			conv = c.StringFixed(2)
		}
		fmt.Fprintf(s.w, "  %-12s reached %d (%s)  next-stage conversion %s  open %d\n", st.Name, st.Reached, st.ReachedAmount, conv, st.Open)
	}
	winRate, err := rep.Total.WinRate()
	if err != nil {
		return err
	}
	fmt.Fprintf(s.w, "  won %d, lost %d, win rate %s, won revenue %s\n", rep.Total.Won, rep.Total.Lost, winRate.StringFixed(2), rep.Total.WonAmount)

	if p, ok := s.store.(storage.Projections); ok {
		live, err := p.LiveDeals(ctx)
		if err != nil {
			return err
		}
		dash, err := live.Report(stages, funnel.Query{AsOf: now, By: []funnel.Dimension{funnel.ByOwner}})
		if err != nil {
			return err
		}
		fmt.Fprintf(s.w, "\n== Dashboard by owner (the live summary: %d groups, no deal read)\n", live.Len())
		for _, g := range dash.Groups {
			fmt.Fprintf(s.w, "  %-4s deals %d  open %d (%s)  won %d (%s)  lost %d\n", g.Key.Owner, g.Summary.Entities,
				g.Summary.Open, g.Summary.OpenAmount, g.Summary.Won, g.Summary.WonAmount, g.Summary.Lost)
		}
	}

	year := crmkit.Calendar{}.Year(now) // the zero Calendar is January to December, UTC
	var readErr error
	fc, err := funnel.NewForecast(stages, funnel.Values(ctx, deals, &readErr), year, now, funnel.ForecastOptions{})
	if err == nil {
		err = readErr
	}
	if err != nil {
		return err
	}
	weighted, err := fc.Computed(funnel.Weighted)
	if err != nil {
		return err
	}
	fmt.Fprintf(s.w, "\n== Forecast for %d\n", year.Start.Year())
	fmt.Fprintf(s.w, "  won so far %s + open %s weighted by stage probability = %s\n", fc.Won.Amount, fc.Open.Amount, weighted)
	for _, c := range []deal.ForecastCategory{deal.ForecastCommit, deal.ForecastBestCase, deal.ForecastPipeline} {
		fmt.Fprintf(s.w, "  %-9s %d open, %s\n", c, fc.Categories[c].Count, fc.Categories[c].Amount)
	}

	target := crmkit.MustMoney("150000.00", "EUR") // the team's target for the year
	att, err := kpi.Attainment(rep.Total.WonAmount, target)
	if err != nil {
		return err
	}
	fmt.Fprintln(s.w, "\n== Quota")
	fmt.Fprintf(s.w, "  field team: won %s of a %s target = %s%% attained\n", rep.Total.WonAmount, target, att.Shift(2).StringFixed(1))

	// Attribution: the won deal's revenue over the touches of its lead.
	won := s.deals[0]
	var src lead.Lead
	for _, l := range s.leads {
		if l.ID == won.SourceLeadID {
			src = l
		}
	}
	touches := []funnel.Touch{{At: src.CreatedAt, Channel: string(src.Source)}}
	for i, tp := range src.Journey {
		t := funnel.Touch{At: tp.At, Channel: string(tp.Channel), Campaign: tp.Campaign}
		if i == len(src.Journey)-1 {
			t.Roles = funnel.LeadCreation
		}
		touches = append(touches, t)
	}
	credits, err := funnel.UShaped().Attribute(won.Amount, now, touches)
	if err != nil {
		return err
	}
	fmt.Fprintf(s.w, "\n== U-shaped attribution of %s (%s)\n", won.Amount, won.Name)
	for i, t := range touches {
		fmt.Fprintf(s.w, "  %-16s %s\n", t.Channel, credits[i])
	}
	return nil
}
