package report

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/kpi"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
	"github.com/crmkit/crmkit/storage/sqlite"
)

const importer = "crmkit report"

// noAmounts is the report currency of a deals file without amounts.
const noAmounts = "(no amounts)"

var idSpace = uuid.MustParse("6f1d9b7e-2a43-4c8e-9a55-0d5c1f6a7e21")

func makeReport(ctx context.Context, c *config) (*Report, error) {
	rd := &reader{cfg: c, names: newNames(c.mapping, c.foldNames)}
	var (
		deals  []dealRow
		leads  []leadRow
		linked bool
		prods  []product
		team   []member
		err    error
	)
	if c.deals != "" {
		if deals, err = rd.readDeals(); err != nil {
			return nil, err
		}
	}
	if c.leads != "" {
		if leads, linked, err = rd.readLeads(); err != nil {
			return nil, err
		}
	}
	if c.products != "" {
		if prods, err = rd.readProducts(); err != nil {
			return nil, err
		}
	}
	if c.teams != "" {
		if team, err = rd.readTeams(); err != nil {
			return nil, err
		}
	}
	rd.names.resolveFold()
	rep := &Report{Store: "memory", Notes: []string{}, Unmatched: []Unmatched{}}
	if c.db != "" {
		rep.Store = "sqlite:" + c.db
	}
	asOf := time.Date(1970, 1, 2, 0, 0, 0, 0, time.UTC)
	if !rd.maxDate.IsZero() {
		asOf = rd.r0(rd.maxDate).Add(24 * time.Hour)
		rep.AsOf = asOf.Format(time.DateOnly)
	}
	// Links between deals and leads, either direction.
	leadIdx := map[string]int{}
	for i, l := range leads {
		leadIdx[l.id] = i
	}
	dealsLinked := false
	if len(leads) > 0 && len(deals) > 0 {
		dealKeys := map[string]int{}
		for i, d := range deals {
			dealKeys[d.key] = i
		}
		unknownDeal, unknownLead := 0, 0
		for i := range leads {
			if leads[i].deal == "" {
				continue
			}
			leads[i].converted = true
			dealsLinked = true
			j, ok := dealKeys[leads[i].deal]
			if !ok {
				unknownDeal++
				continue
			}
			if deals[j].created.IsZero() && !leads[i].created.IsZero() {
				deals[j].created = leads[i].created // the cycle starts at the first contact
			}
		}
		for i := range deals {
			if deals[i].lead == "" {
				continue
			}
			dealsLinked = true
			j, ok := leadIdx[deals[i].lead]
			if !ok {
				unknownLead++
				continue
			}
			leads[j].converted = true
			if deals[i].created.IsZero() && !leads[j].created.IsZero() {
				deals[i].created = leads[j].created // the cycle starts at the first contact
			}
		}
		if unknownDeal > 0 {
			rd.notef("%d leads name a deal that is not in the deals file: counted as converted", unknownDeal)
		}
		if unknownLead > 0 {
			rd.notef("%d deals name a lead that is not in the leads file: in the deal figures, not in the lead conversion", unknownLead)
		}
	}
	if len(leads) > 0 && !linked && !dealsLinked {
		return nil, usagef("cannot tell which leads converted: the leads file has no converted or deal column (-lead-col converted=COLUMN or deal=COLUMN) and no deal names a lead (-col lead=COLUMN)")
	}
	if c.deals != "" {
		ds, cur, err := dealReport(ctx, c, rd, deals, prods, team, asOf, rep)
		if err != nil {
			return nil, err
		}
		rep.Deals = ds
		rep.Currency = cur.Code()
		if rd.currency.IsZero() && c.currency.IsZero() {
			rep.Currency = noAmounts
		}
	}
	if c.leads != "" {
		ls, err := leadReport(rd, leads, deals, leadIdx)
		if err != nil {
			return nil, err
		}
		rep.Leads = ls
	}
	rep.Files = rd.files
	rep.Notes = append(rep.Notes, rd.notes...)
	rep.NearDuplicates = rd.names.nearDuplicates()
	if rep.NearDuplicates == nil {
		rep.NearDuplicates = []NearDuplicate{}
	}
	rep.Rejected = summarise(rd.rejected, c.firstLines, c.allRejected)
	return rep, nil
}

// r0 is the calendar day of t.
func (r *reader) r0(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func summarise(rej []Rejected, first int, all bool) RejectedSummary {
	s := RejectedSummary{Count: len(rej), Reasons: []ReasonCount{}}
	idx := map[string]int{}
	for _, r := range rej {
		i, ok := idx[r.Reason]
		if !ok {
			i = len(s.Reasons)
			idx[r.Reason] = i
			s.Reasons = append(s.Reasons, ReasonCount{Reason: r.Reason, FirstLines: []Rejected{}})
		}
		s.Reasons[i].Count++
		if len(s.Reasons[i].FirstLines) < first {
			s.Reasons[i].FirstLines = append(s.Reasons[i].FirstLines, r)
		}
	}
	sort.SliceStable(s.Reasons, func(a, b int) bool { return s.Reasons[a].Count > s.Reasons[b].Count })
	if all {
		s.Rows = rej
	}
	return s
}

// openStore returns the store the rows go to and a function to close it.
func openStore(ctx context.Context, c *config) (storage.Store, func(), error) {
	if c.db == "" {
		st, err := memory.New().Tenant("report")
		return st, func() {}, err
	}
	db, err := sqlite.Open(ctx, c.db)
	if err != nil {
		return nil, nil, usagef("-db %s: %v", c.db, err)
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, nil, usagef("-db %s: %v", c.db, err)
	}
	st, err := db.Tenant("report")
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	// A second run into the same file is refused, not merged: the report
	// is read back from the store, so rows of an earlier export (or of a
	// row since removed from it) would be counted with this one's.
	deals, _, err := st.Deals().List(ctx, storage.DealFilter{}, storage.Page{Size: 1})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	accts, _, err := st.Accounts().List(ctx, storage.AccountFilter{}, storage.Page{Size: 1})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	if len(deals) > 0 || len(accts) > 0 {
		db.Close()
		return nil, nil, usagef("-db %s already holds a report's deals or accounts: nothing was changed; remove the file or name a new one", c.db)
	}
	return st, db.Close, nil
}

// storedAccount is an account the deals name, with its creation event.
type storedAccount struct {
	name    string
	a       account.Account
	created crmkit.Event
}

// storeRows writes the accounts and the deals that name them to st in one
// Update: all of them or, on any error, none, on every store. The deals
// go in one import (storage.Importer, which the Tx of every crmkit store
// implements), else one Create each, inside the same transaction.
func storeRows(ctx context.Context, st storage.Store, accounts []storedAccount, deals []deal.Deal) error {
	return st.Update(ctx, func(tx storage.Tx) error {
		for _, a := range accounts {
			if _, err := tx.Accounts().Create(ctx, a.a, "", a.created); err != nil {
				return fmt.Errorf("storing account %q (nothing was stored): %w", a.name, err)
			}
		}
		if im, ok := tx.(storage.Importer); ok {
			if _, err := im.ImportDeals(ctx, deals, nil); err != nil {
				return fmt.Errorf("storing the deals (nothing was stored): %w", err)
			}
			return nil
		}
		for _, d := range deals {
			if _, err := tx.Deals().Create(ctx, d, ""); err != nil {
				return fmt.Errorf("storing deal %s (nothing was stored): %w", d.Name, err)
			}
		}
		return nil
	})
}

// stageOrder is the pipeline's stages: -stages, else the preset's, then
// every other stage seen, in order of first appearance.
func stageOrder(c *config, rd *reader, deals []dealRow) []string {
	order := slices.Clone(c.stages)
	if len(order) == 0 && c.preset != "" {
		order = slices.Clone(presets[c.preset].stages)
	}
	known := map[string]bool{}
	for _, s := range order {
		known[looseKey(s)] = true
	}
	var extra []string
	for _, d := range deals {
		if d.stage != "" && !known[looseKey(d.stage)] {
			known[looseKey(d.stage)] = true
			extra = append(extra, d.stage)
		}
	}
	if len(extra) > 1 {
		rd.notef("stage order %s taken from the order of first appearance in the file; give the real order with -stages", strings.Join(extra, ", "))
	}
	order = append(order, extra...)
	if len(order) == 0 {
		order = []string{"deals"}
	}
	return order
}

func dealReport(ctx context.Context, c *config, rd *reader, rows []dealRow, prods []product, team []member, asOf time.Time, rep *Report) (*DealSection, crmkit.Currency, error) {
	cur := rd.currency
	if cur.IsZero() {
		cur = c.currency
	}
	if cur.IsZero() {
		cur, _ = crmkit.ParseCurrency("USD") // any currency: every amount is zero
		rd.notef("the deals file has no amounts: amounts are shown as 0.00")
	}
	zero, err := crmkit.NewMoney(0, cur)
	if err != nil {
		return nil, cur, err
	}
	stages := stageOrder(c, rd, rows)
	if len(stages) > deal.MaxStages {
		return nil, cur, usagef("%d stages: a pipeline holds at most %d (are the stage values right?)", len(stages), deal.MaxStages)
	}
	spec := deal.PipelineSpec{ID: "report"}
	stageIdx := map[string]int{}
	for i, s := range stages {
		spec.Stages = append(spec.Stages, deal.Stage{Name: s, Forecast: deal.ForecastPipeline})
		stageIdx[looseKey(s)] = i
	}
	pl, err := deal.NewPipeline(spec)
	if err != nil {
		return nil, cur, usagef("the stages %q do not make a pipeline: %v", strings.Join(stages, ", "), err)
	}
	// Every value is built and checked as the store checks it before
	// anything is written: a row the store would refuse is rejected, and
	// the store gets only values it takes.
	accounts := map[string]account.Account{}
	accountEvents := map[string]crmkit.Event{}
	accountIDs := map[string]uuid.UUID{}
	for _, d := range rows {
		name := accountName(rd, d)
		if _, ok := accounts[name]; ok {
			continue
		}
		a, ev, err := account.New(account.NewAccount{ID: uuid.NewSHA1(idSpace, []byte("account:"+name)), Name: name, Owner: importer, Relations: account.Prospect},
			crmkit.Cmd{By: importer, At: asOf})
		if err == nil {
			err = storage.ValidateAccount(a)
		}
		if err != nil {
			return nil, cur, fmt.Errorf("account %q: %w", name, err)
		}
		accounts[name], accountEvents[name], accountIDs[name] = a, ev, a.ID
	}
	kept := rows[:0:0]
	values := make([]deal.Deal, 0, len(rows))
	for _, r := range rows {
		d, err := storedDeal(pl, r, rd, accountIDs, stageIdx, zero, asOf)
		if err == nil {
			err = storage.ValidateDeal(d)
		}
		if err != nil {
			rd.reject(c.deals, r.line, "not storable", "%v", err)
			continue
		}
		kept = append(kept, r)
		values = append(values, d)
	}
	rows = kept
	byEntity := map[uuid.UUID]int{}
	used := map[string]bool{}
	for i, d := range values {
		byEntity[d.ID] = i
		used[accountName(rd, rows[i])] = true
	}
	st, closeStore, err := openStore(ctx, c)
	if err != nil {
		return nil, cur, err
	}
	defer closeStore()
	names := make([]string, 0, len(used))
	for n := range used {
		names = append(names, n)
	}
	slices.Sort(names)
	load := make([]storedAccount, len(names))
	for i, n := range names {
		load[i] = storedAccount{name: n, a: accounts[n], created: accountEvents[n]}
	}
	if err := storeRows(ctx, st, load, values); err != nil {
		return nil, cur, err
	}
	src, ok := st.(funnel.Source)
	if !ok {
		return nil, cur, errors.New("the store is not a funnel.Source")
	}
	q := funnel.Query{AsOf: asOf, Quantiles: crmkit.QuantilesNone}
	total, err := funnel.SummarizeSource(ctx, pl, src, q)
	if err != nil {
		return nil, cur, fmt.Errorf("funnel report: %w", err)
	}
	var opps []funnel.Opportunity
	for o, err := range src.Opportunities(ctx) {
		if err != nil {
			return nil, cur, fmt.Errorf("reading the store: %w", err)
		}
		opps = append(opps, o)
	}
	price := map[string]crmkit.Money{}
	for _, p := range prods {
		price[rd.names.final("product", p.name)] = p.price
	}
	teamOf := map[string]member{}
	for _, m := range team {
		teamOf[rd.names.final("rep", m.rep)] = m
	}
	fx := &figurer{rd: rd, rows: rows, byEntity: byEntity, pl: pl, asOf: asOf, zero: zero, price: price, prices: len(prods) > 0}
	ds := &DealSection{NegativeCycles: []NegativeCycle{}, MonthlyWon: []MonthWon{}}
	all, err := fx.figures("", total.Total, opps)
	if err != nil {
		return nil, cur, err
	}
	ds.Total = all
	for _, s := range total.Total.Stages {
		ds.Stages = append(ds.Stages, stageRow(s))
	}
	row := func(o *funnel.Opportunity) *dealRow { return &rows[byEntity[o.Entity]] }
	dims := []struct {
		on  bool
		dst *[]Figures
		key func(*dealRow) string
	}{
		{true, &ds.ByOwner, func(r *dealRow) string { return rd.names.final("rep", r.owner) }},
		{len(team) > 0, &ds.ByManager, func(r *dealRow) string {
			if m, ok := teamOf[rd.names.final("rep", r.owner)]; ok {
				return rd.names.final("manager", m.manager)
			}
			return "(not in the teams file)"
		}},
		{len(team) > 0, &ds.ByOffice, func(r *dealRow) string {
			if m, ok := teamOf[rd.names.final("rep", r.owner)]; ok {
				return rd.names.final("office", m.office)
			}
			return "(not in the teams file)"
		}},
		{has(rd.files[fileIndex(rd, "deals")].cols(), "product"), &ds.ByProduct, func(r *dealRow) string { return rd.names.final("product", r.product) }},
		{has(rd.files[fileIndex(rd, "deals")].cols(), "source"), &ds.BySource, func(r *dealRow) string { return rd.names.final("source", r.source) }},
	}
	for _, dm := range dims {
		if !dm.on {
			continue
		}
		if *dm.dst, err = fx.split(pl, opps, func(o *funnel.Opportunity) string { return dm.key(row(o)) }); err != nil {
			return nil, cur, err
		}
	}
	if ds.MonthlyWon, err = monthlyWon(opps, rows, byEntity); err != nil {
		return nil, cur, err
	}
	ds.CycleDays, ds.NegativeCycles = cycleBuckets(opps, rows, byEntity)
	rep.Unmatched = append(rep.Unmatched, unmatched(rd, rows, prods, team)...)
	return ds, cur, nil
}

// cols gives the resolved columns of a file as field -> presence.
func (f FileInfo) cols() map[string][]int {
	m := map[string][]int{}
	for k := range f.Columns {
		m[k] = []int{0}
	}
	return m
}

// accountName is the account a row's deal is stored under; the deals
// without one share "(no account)".
func accountName(rd *reader, r dealRow) string {
	if n := rd.names.final("account", r.account); n != "" {
		return n
	}
	return "(no account)"
}

// storedDeal is the deal.Deal a row is stored as. A row without a start
// date starts at the report time (and counts in no cycle); a closed row
// without a close date closes at its start.
func storedDeal(pl *deal.Pipeline, r dealRow, rd *reader, accounts map[string]uuid.UUID, stageIdx map[string]int, zero crmkit.Money, asOf time.Time) (deal.Deal, error) {
	created := r.created
	if created.IsZero() {
		created = r.closed
	}
	if created.IsZero() {
		created = asOf
	}
	closed := r.closed
	if closed.IsZero() {
		closed = created
	}
	acct := accountName(rd, r)
	owner := rd.names.final("rep", r.owner)
	if owner == "" {
		owner = "(blank)"
	}
	amount := zero
	if r.hasAmount {
		amount = r.amount
	}
	stage := 0
	switch {
	case r.stage != "":
		stage = stageIdx[looseKey(rd.names.final("stage", r.stage))]
	case r.outcome == won:
		stage = pl.Len() - 1 // a won deal whose stage column holds the outcome went through every stage
	}
	d := deal.Deal{
		ID:         uuid.NewSHA1(idSpace, []byte("deal:"+r.key)),
		PipelineID: pl.ID(), Name: r.key, Type: deal.NewBusiness,
		Amount: amount, AccountID: accounts[acct], Owner: owner,
		Stage: stage, StageEnteredAt: created, Status: deal.Open,
		CreatedAt: created, CreatedBy: importer, UpdatedAt: created, Version: 1,
	}
	switch r.outcome {
	case won:
		d.Status = deal.Won
		d.Outcome = deal.Outcome{At: closed, By: importer, Summary: "imported as won"}
	case lost:
		d.Status = deal.Lost
		d.Outcome = deal.Outcome{At: closed, By: importer, Summary: "imported as lost", Reason: "imported"}
	}
	if closed.After(d.UpdatedAt) && r.outcome != open {
		d.UpdatedAt = closed
	}
	return d, d.Validate()
}

func stageRow(s funnel.StageSummary) StageRow {
	r := StageRow{Name: s.Name, Reached: s.Reached, ReachedAmount: amount(s.ReachedAmount), Advanced: s.Advanced,
		Won: s.Won, DroppedOff: s.DroppedOff, Open: s.Open, OpenAmount: amount(s.OpenAmount)}
	if v, err := s.Conversion(); err == nil {
		r.Conversion = &v
	}
	if v, err := s.ToWon(); err == nil {
		r.ToWon = &v
	}
	return r
}

// amount formats m with its currency's minor digits ("" currency: 0).
func amount(m crmkit.Money) string {
	if m.Currency().IsZero() {
		return "0.00"
	}
	return m.Decimal().StringFixed(int32(m.Currency().Digits()))
}

type figurer struct {
	rd       *reader
	rows     []dealRow
	byEntity map[uuid.UUID]int
	pl       *deal.Pipeline
	asOf     time.Time
	zero     crmkit.Money
	price    map[string]crmkit.Money
	prices   bool
}

// figures turns a funnel Summary of opps into Figures; the cycle is of
// the won deals with both dates (crmkit.Durations, negatives kept).
func (f *figurer) figures(name string, s funnel.Summary, opps []funnel.Opportunity) (Figures, error) {
	fg := Figures{Name: name, Deals: s.Entities, Won: s.Won, Lost: s.Lost, Open: s.Open + s.Suspended,
		WonAmount: amount(orZero(s.WonAmount, f.zero)), OpenAmount: amount(orZero(s.OpenAmount, f.zero))}
	if wr, err := s.WinRate(); err == nil {
		fg.WinRate = &wr
	}
	if s.Won > 0 {
		avg, err := s.AverageDealSize(crmkit.RoundHalfEven)
		if err != nil {
			return fg, err
		}
		a := amount(avg)
		fg.AverageWon = &a
	}
	var cycles []time.Duration
	var atList []funnel.Opportunity
	for i := range opps {
		o := &opps[i]
		r := f.rows[f.byEntity[o.Entity]]
		if o.Status == funnel.Open && !r.hasAmount {
			fg.OpenWithoutAmount++
		}
		if o.Status == funnel.ClosedWon && !r.created.IsZero() && !r.closed.IsZero() {
			cycles = append(cycles, o.Cycle())
		}
		if f.prices && o.Status == funnel.Open {
			if p, ok := f.price[f.rd.names.final("product", r.product)]; ok {
				c := *o
				c.Amount = p
				atList = append(atList, c)
			}
		}
	}
	if len(cycles) > 0 {
		d, err := crmkit.DurationsOf(crmkit.QuantilesExact, cycles...)
		if err != nil {
			return fg, err
		}
		fg.Cycle, err = cycleOf(d)
		if err != nil {
			return fg, err
		}
	}
	if f.prices {
		rep, err := funnel.Summarize(f.pl, slices.Values(atList), funnel.Query{AsOf: f.asOf, Quantiles: crmkit.QuantilesNone})
		if err != nil {
			return fg, fmt.Errorf("open pipeline at list price: %w", err)
		}
		v := amount(orZero(rep.Total.OpenAmount, f.zero))
		fg.OpenAtListPrice = &v
	}
	return fg, nil
}

func orZero(m, zero crmkit.Money) crmkit.Money {
	if m.Currency().IsZero() {
		return zero
	}
	return m
}

func days(d time.Duration) float64 {
	return float64(int64(d/time.Second)) / 86400
}

func cycleOf(d crmkit.Durations) (*Cycle, error) {
	mean, err := d.Mean()
	if err != nil {
		return nil, err
	}
	med, err := d.Median()
	if err != nil {
		return nil, err
	}
	return &Cycle{Deals: d.Count(), MeanDays: round2(days(mean)), MedianDays: round2(days(med)), Negative: d.Negative()}, nil
}

func round2(x float64) float64 {
	v, _ := decimal.NewFromFloat(x).Round(2).Float64()
	return v
}

// split reports opps per group: each opportunity's Owner dimension is set
// to its group label and funnel splits by owner.
func (f *figurer) split(pl *deal.Pipeline, opps []funnel.Opportunity, label func(*funnel.Opportunity) string) ([]Figures, error) {
	relabelled := make([]funnel.Opportunity, len(opps))
	groups := map[string][]funnel.Opportunity{}
	for i, o := range opps {
		l := label(&opps[i])
		if l == "" {
			l = "(blank)"
		}
		o.Dims = funnel.Dims{Owner: l}
		relabelled[i] = o
		groups[l] = append(groups[l], o)
	}
	rep, err := funnel.Summarize(pl, slices.Values(relabelled), funnel.Query{AsOf: f.asOf, By: []funnel.Dimension{funnel.ByOwner}, Quantiles: crmkit.QuantilesNone})
	if err != nil {
		return nil, err
	}
	out := make([]Figures, 0, len(rep.Groups))
	for _, g := range rep.Groups {
		fg, err := f.figures(g.Key.Owner, g.Summary, groups[g.Key.Owner])
		if err != nil {
			return nil, err
		}
		out = append(out, fg)
	}
	return out, nil
}

// monthlyWon sums the won revenue per calendar month of the close
// (funnel.WonIn per month), over the won deals with a close date.
func monthlyWon(opps []funnel.Opportunity, rows []dealRow, byEntity map[uuid.UUID]int) ([]MonthWon, error) {
	var dated []funnel.Opportunity
	var first, last time.Time
	for _, o := range opps {
		if o.Status != funnel.ClosedWon || rows[byEntity[o.Entity]].closed.IsZero() {
			continue
		}
		dated = append(dated, o)
		m := time.Date(o.Closed.Year(), o.Closed.Month(), 1, 0, 0, 0, 0, time.UTC)
		if first.IsZero() || m.Before(first) {
			first = m
		}
		if m.After(last) {
			last = m
		}
	}
	out := []MonthWon{}
	if len(dated) == 0 {
		return out, nil
	}
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		fl, err := funnel.WonIn(slices.Values(dated), crmkit.Period{Start: m, End: m.AddDate(0, 1, 0)})
		if err != nil {
			return nil, err
		}
		a := "0"
		if !fl.Amount.Currency().IsZero() {
			a = amount(fl.Amount)
		} else if len(dated) > 0 {
			a = amount(mustZero(dated[0].Amount))
		}
		out = append(out, MonthWon{Month: m.Format("2006-01"), Won: fl.Count, Amount: a})
	}
	return out, nil
}

func mustZero(m crmkit.Money) crmkit.Money {
	z, err := crmkit.NewMoney(0, m.Currency())
	if err != nil {
		return m
	}
	return z
}

// cycleEdges are the upper bounds (days, inclusive) of the cycle
// distribution's bars after the "below 0" one.
var cycleEdges = []int{7, 30, 60, 90, 180}

func cycleBuckets(opps []funnel.Opportunity, rows []dealRow, byEntity map[uuid.UUID]int) ([]Bucket, []NegativeCycle) {
	b := []Bucket{{Label: "below 0"}}
	lo := 0
	for _, e := range cycleEdges {
		b = append(b, Bucket{Label: fmt.Sprintf("%d-%d", lo, e)})
		lo = e + 1
	}
	b = append(b, Bucket{Label: fmt.Sprintf("over %d", cycleEdges[len(cycleEdges)-1])})
	neg := []NegativeCycle{}
	for _, o := range opps {
		r := rows[byEntity[o.Entity]]
		if o.Status != funnel.ClosedWon || r.created.IsZero() || r.closed.IsZero() {
			continue
		}
		dd := days(o.Cycle())
		switch {
		case dd < 0:
			b[0].Deals++
			neg = append(neg, NegativeCycle{Deal: r.key, Line: r.line, Days: round2(dd)})
		default:
			i := len(b) - 1
			for j, e := range cycleEdges {
				if dd <= float64(e) {
					i = j + 1
					break
				}
			}
			b[i].Deals++
		}
	}
	slices.SortFunc(neg, func(a, b NegativeCycle) int { return a.Line - b.Line })
	return b, neg
}

func unmatched(rd *reader, rows []dealRow, prods []product, team []member) []Unmatched {
	var out []Unmatched
	check := func(kind, missing string, have map[string]bool, key func(dealRow) string) {
		count := map[string]int{}
		for _, r := range rows {
			if k := key(r); k != "" && !have[k] {
				count[k]++
			}
		}
		names := make([]string, 0, len(count))
		for k := range count {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, n := range names {
			u := Unmatched{Kind: kind, Name: n, Rows: count[n], Missing: missing}
			for h := range have {
				if looseKey(h) == looseKey(n) {
					u.Similar = append(u.Similar, h)
				}
			}
			slices.Sort(u.Similar)
			out = append(out, u)
		}
	}
	if len(prods) > 0 {
		have := map[string]bool{}
		for _, p := range prods {
			have[rd.names.final("product", p.name)] = true
		}
		check("product", rd.cfg.products, have, func(r dealRow) string { return rd.names.final("product", r.product) })
	}
	if len(team) > 0 {
		have := map[string]bool{}
		for _, m := range team {
			have[rd.names.final("rep", m.rep)] = true
		}
		check("rep", rd.cfg.teams, have, func(r dealRow) string { return rd.names.final("rep", r.owner) })
	}
	return out
}

func leadReport(rd *reader, leads []leadRow, deals []dealRow, leadIdx map[string]int) (*LeadSection, error) {
	if len(leads) == 0 {
		return nil, usagef("%s: no lead could be read", rd.cfg.leads)
	}
	conv := func(name string, ls []leadRow) (LeadFigures, error) {
		f := LeadFigures{Name: name, Leads: int64(len(ls))}
		for _, l := range ls {
			if l.converted {
				f.Converted++
			}
		}
		cr, err := kpi.ConversionRate(f.Converted, f.Leads)
		if err != nil {
			return f, err
		}
		f.Conversion = &cr
		return f, nil
	}
	group := func(key func(leadRow) string) ([]LeadFigures, error) {
		g := map[string][]leadRow{}
		for _, l := range leads {
			k := key(l)
			if k == "" {
				k = "(blank)"
			}
			g[k] = append(g[k], l)
		}
		keys := make([]string, 0, len(g))
		for k := range g {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var out []LeadFigures
		for _, k := range keys {
			f, err := conv(k, g[k])
			if err != nil {
				return nil, err
			}
			out = append(out, f)
		}
		return out, nil
	}
	s := &LeadSection{}
	var err error
	if s.Total, err = conv("", leads); err != nil {
		return nil, err
	}
	if has(rd.files[fileIndex(rd, "leads")].cols(), "source") {
		if s.BySource, err = group(func(l leadRow) string { return rd.names.final("source", l.source) }); err != nil {
			return nil, err
		}
	}
	if has(rd.files[fileIndex(rd, "leads")].cols(), "origin") {
		if s.ByOrigin, err = group(func(l leadRow) string { return rd.names.final("origin", l.origin) }); err != nil {
			return nil, err
		}
	}
	// First contact to won, for deals linked to a dated lead.
	dealByKey := map[string]int{}
	for i, d := range deals {
		dealByKey[d.key] = i
	}
	var toWon []time.Duration
	for _, l := range leads {
		if l.created.IsZero() {
			continue
		}
		if i, ok := dealByKey[l.deal]; ok && l.deal != "" && deals[i].outcome == won && !deals[i].closed.IsZero() {
			toWon = append(toWon, deals[i].closed.Sub(l.created))
		}
	}
	for _, d := range deals {
		if d.lead == "" || d.outcome != won || d.closed.IsZero() {
			continue
		}
		if j, ok := leadIdx[d.lead]; ok && !leads[j].created.IsZero() {
			toWon = append(toWon, d.closed.Sub(leads[j].created))
		}
	}
	if len(toWon) > 0 {
		dd, err := crmkit.DurationsOf(crmkit.QuantilesExact, toWon...)
		if err != nil {
			return nil, err
		}
		if s.ToWon, err = cycleOf(dd); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func fileIndex(rd *reader, role string) int {
	for i, f := range rd.files {
		if f.Role == role {
			return i
		}
	}
	return 0
}
