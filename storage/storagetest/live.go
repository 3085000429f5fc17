package storagetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// errRollback makes an Update roll back on purpose.
var errRollback = errors.New("storagetest: roll back")

// testLive checks storage.Projections, when the store offers it: after
// any random history of deals (created in several months, moved forward
// and backward, won, lost, reopened, suspended, reactivated, terminated,
// re-priced, handed over; some saves inside Updates, some Updates rolled
// back, some saves refused as stale, some deals bulk imported when the
// store is a storage.Importer) the live summary's report equals
// funnel.Summarize over funnel.OpportunityOf of the stored deals (a full
// recompute), for every split the live summary allows, counts and amounts
// alike.
func testLive(t *testing.T, o Opener) {
	probe := openBare(t, o, "live-probe")
	if _, ok := probe.(storage.Projections); !ok {
		t.Skip("the store does not implement storage.Projections")
	}
	p := deal.DefaultPipeline()
	n := 0
	rapid.Check(t, func(rt *rapid.T) {
		n++
		ctx := context.Background()
		s := open(t, o, fmt.Sprintf("live-%d", n))
		// A first read between writes: a store that caches its summary
		// must see the later writes.
		for i := range rapid.IntRange(0, 3).Draw(rt, "deals before a read") {
			writeLiveDeal(rt, ctx, s, p, 200+i)
		}
		checkLive(rt, ctx, s, p)
		count := rapid.IntRange(0, 5).Draw(rt, "deals")
		for i := range count {
			writeLiveDeal(rt, ctx, s, p, i)
			if rapid.Bool().Draw(rt, "read") {
				checkLive(rt, ctx, s, p) // the next read applies the groups changed since
			}
		}
		if im, ok := s.(storage.Importer); ok {
			var deals []deal.Deal
			var events []crmkit.Event
			for i := range rapid.IntRange(0, 2).Draw(rt, "imported") {
				d, ev := newLiveDeal(rt, p, 100+i)
				deals, events = append(deals, d), append(events, ev)
			}
			if len(deals) > 0 {
				_, err := im.ImportDeals(ctx, deals, events)
				require.NoError(rt, err)
			}
		}
		checkLive(rt, ctx, s, p)
	})
}

// checkLive compares the store's live summary with a full recompute.
func checkLive(t require.TestingT, ctx context.Context, s storage.Store, p *deal.Pipeline) {
	var current []funnel.Opportunity
	for d, err := range storage.All(ctx, s.Deals(), storage.DealFilter{}, storage.MaxPageSize) {
		require.NoError(t, err)
		current = append(current, funnel.OpportunityOf(&d))
	}
	live, err := s.(storage.Projections).LiveDeals(ctx)
	require.NoError(t, err)
	var n int64
	for _, g := range live.Rows() {
		n += g.Count
	}
	require.Equal(t, int64(len(current)), n, "deals in the live summary")
	asOf := base.AddDate(2, 0, 0)
	for _, by := range [][]funnel.Dimension{nil, {funnel.ByOwner}, {funnel.ByPeriod}, {funnel.ByOwner, funnel.BySource, funnel.ByPeriod}} {
		q := funnel.Query{AsOf: asOf, By: by, Quantiles: crmkit.QuantilesNone}
		want, err := funnel.Summarize(p, slices.Values(current), q)
		require.NoError(t, err)
		got, err := live.Report(p, q)
		require.NoError(t, err)
		require.Equal(t, countsOnly(want), countsOnly(got), "live summary by %v", by)
	}
}

// countsOnly drops the durations of a report, which a live summary does
// not keep.
func countsOnly(r funnel.Report) funnel.Report {
	strip := func(s *funnel.Summary) {
		s.Cycle, s.LossCycle = crmkit.Durations{}, crmkit.Durations{}
		for i := range s.Stages {
			s.Stages[i].Stay, s.Stages[i].OpenStay = crmkit.Durations{}, crmkit.Durations{}
		}
	}
	strip(&r.Total)
	r.Groups = slices.Clone(r.Groups)
	for i := range r.Groups {
		strip(&r.Groups[i].Summary)
	}
	return r
}

// newLiveDeal makes deal i, created in one of three months with a random
// stage, owner and amount.
func newLiveDeal(t *rapid.T, p *deal.Pipeline, i int) (deal.Deal, crmkit.Event) {
	at := base.AddDate(0, rapid.IntRange(0, 2).Draw(t, "month"), 0).Add(time.Duration(i) * time.Hour)
	stages := p.Stages()
	d, ev, err := deal.New(p, deal.NewDeal{
		Name: fmt.Sprintf("deal %d", i), Type: deal.NewBusiness,
		Amount:    crmkit.MustMoney(fmt.Sprintf("%d.%02d", rapid.IntRange(0, 5000).Draw(t, "units"), rapid.IntRange(0, 99).Draw(t, "cents")), "EUR"),
		CloseDate: base.AddDate(0, 4, 0), AccountID: suiteAccount, ContactID: suiteContact,
		Owner: rapid.SampledFrom([]string{"ana", "ben"}).Draw(t, "owner"),
		Stage: stages[rapid.IntRange(0, len(stages)-1).Draw(t, "stage")].Name,
	}, deal.Cmd{Cmd: crmkit.Cmd{By: actor, At: at}})
	require.NoError(t, err)
	return d, ev
}

// writeLiveDeal creates deal i and applies random commands, each saved
// with its event: directly, inside an Update, inside an Update that then
// rolls back, or stale (refused).
func writeLiveDeal(t *rapid.T, ctx context.Context, s storage.Store, p *deal.Pipeline, i int) {
	d, ev := newLiveDeal(t, p, i)
	d, err := s.Deals().Create(ctx, d, "", ev)
	require.NoError(t, err)
	stages := p.Stages()
	at := d.CreatedAt
	for k := range rapid.IntRange(0, 6).Draw(t, "steps") {
		c := deal.Cmd{Cmd: crmkit.Cmd{By: actor, At: at.Add(time.Duration(k+1) * time.Minute)}}
		var (
			next deal.Deal
			e    crmkit.Event
		)
		switch rapid.SampledFrom([]string{"move", "win", "lose", "reopen", "suspend", "reactivate", "terminate", "amount", "transfer", "archive", "restore"}).Draw(t, "command") {
		case "move":
			next, e, err = p.Move(d, stages[rapid.IntRange(0, len(stages)-1).Draw(t, "to")].Name, c)
		case "win":
			next, e, err = p.Win(d, deal.Outcome{Summary: "signed"}, c)
		case "lose":
			next, e, err = p.Lose(d, deal.Outcome{Summary: "lost", Reason: "price", Competitor: "acme"}, c)
		case "reopen":
			next, e, err = p.Reopen(d, c)
		case "suspend":
			next, e, err = p.Suspend(d, c.At.AddDate(0, 1, 0), c)
		case "reactivate":
			next, e, err = p.Reactivate(d, c)
		case "terminate":
			next, e, err = p.Terminate(d, c)
		case "amount":
			next, e, err = d.SetAmount(crmkit.MustMoney(fmt.Sprintf("%d.00", rapid.IntRange(0, 9000).Draw(t, "new amount")), "EUR"), c)
		case "transfer":
			next, e, err = d.Transfer(rapid.SampledFrom([]string{"ana", "ben", "cem"}).Draw(t, "to owner"), c)
		case "archive": // out of List, the funnel.Source and the live summary
			next, e, err = d.Archive(c)
		case "restore":
			next, e, err = d.Restore(c)
		}
		if err != nil {
			continue // not allowed from where the deal stands
		}
		if rapid.IntRange(0, 3).Draw(t, "read before") == 0 {
			// A store caching its summary must see this write
			// (taking the deal out of a group its cache holds) next.
			checkLive(t, ctx, s, p)
		}
		switch rapid.IntRange(0, 3).Draw(t, "how") {
		case 0:
			require.NoError(t, s.Deals().Save(ctx, next, d.Version, e))
		case 1:
			require.NoError(t, s.Update(ctx, func(tx storage.Tx) error { return tx.Deals().Save(ctx, next, d.Version, e) }))
		case 2: // rolled back: the live summary must not see it
			err := s.Update(ctx, func(tx storage.Tx) error {
				if err := tx.Deals().Save(ctx, next, d.Version, e); err != nil {
					return err
				}
				return errRollback
			})
			require.ErrorIs(t, err, errRollback)
			continue
		case 3: // stale: refused, changes nothing
			stale := next
			stale.Version = d.Version + 5
			e.Version = stale.Version
			require.Error(t, s.Deals().Save(ctx, stale, d.Version+4, e))
			continue
		}
		d = next
	}
}

// LiveAcrossHandles checks that the live summary a store reads sees every
// write committed through another handle of the same database (another
// process, say) since its last read, as a store caching its summary must:
// a and b are one tenant of one database through two handles (two DBs
// opened on it), a a storage.Projections.
func LiveAcrossHandles(t *testing.T, a, b storage.Store) {
	ctx := context.Background()
	pa, ok := a.(storage.Projections)
	require.True(t, ok, "a must implement storage.Projections")
	p := deal.DefaultPipeline()
	read := func(want funnel.Summary, msg string) {
		t.Helper()
		for range 2 { // the second read may come from a cache
			live, err := pa.LiveDeals(ctx)
			require.NoError(t, err, msg)
			rep, err := live.Report(p, funnel.Query{AsOf: base.AddDate(1, 0, 0), Quantiles: crmkit.QuantilesNone})
			require.NoError(t, err, msg)
			require.Equal(t, want.Entities, rep.Total.Entities, msg)
			require.Equal(t, want.Open, rep.Total.Open, msg)
			require.Equal(t, want.Won, rep.Total.Won, msg)
			require.Equal(t, want.WonAmount.Minor(), rep.Total.WonAmount.Minor(), msg)
		}
	}
	read(funnel.Summary{}, "empty")
	acc, accEv := accountWith(t, reportsAccount, suiteContact, "Live across", base)
	_, err := b.Accounts().Create(ctx, acc, "", accEv...)
	require.NoError(t, err)
	c := deal.Cmd{Cmd: crmkit.Cmd{By: actor, At: base}}
	d, ev, err := deal.New(p, deal.NewDeal{Name: "across", Type: deal.NewBusiness, Amount: crmkit.MustMoney("250.00", "EUR"),
		CloseDate: base.AddDate(1, 0, 0), AccountID: reportsAccount, ContactID: suiteContact, Owner: "rep-1"}, c)
	require.NoError(t, err)
	d, err = b.Deals().Create(ctx, d, "", ev)
	require.NoError(t, err)
	read(funnel.Summary{Entities: 1, Open: 1}, "after a create through the other handle")
	next, ev, err := p.Win(d, deal.Outcome{Summary: "signed"}, c)
	require.NoError(t, err)
	require.NoError(t, b.Deals().Save(ctx, next, d.Version, ev))
	read(funnel.Summary{Entities: 1, Won: 1, WonAmount: crmkit.MustMoney("250.00", "EUR")}, "after a win through the other handle")
}

// liveOwnerDeal creates, through s, a deal of owner in the first stage
// with amount.
func liveOwnerDeal(t *testing.T, ctx context.Context, s storage.Store, p *deal.Pipeline, owner, amount string) deal.Deal {
	t.Helper()
	d, ev, err := deal.New(p, deal.NewDeal{Name: "late " + owner, Type: deal.NewBusiness, Amount: crmkit.MustMoney(amount, "EUR"),
		CloseDate: base.AddDate(1, 0, 0), AccountID: reportsAccount, ContactID: suiteContact, Owner: owner},
		deal.Cmd{Cmd: crmkit.Cmd{By: actor, At: base}})
	require.NoError(t, err)
	d, err = s.Deals().Create(ctx, d, "", ev)
	require.NoError(t, err)
	return d
}

// LiveInProgress checks that a store caching its live summary misses no
// write that was in progress during one of its reads: a and b are one
// tenant of one database through two handles (two DBs opened on it), a a
// storage.Projections. An Update through b saves a deal (won) and waits;
// a reads (its cache now holds a summary without that write, at the
// version its read saw); the Update commits; a's next read must see the
// win, and so must each read after. With concurrent set (a store whose
// writers of different groups do not wait for each other), a deal of
// another group is saved through b while the Update waits, committing
// before it (a later writer committing first, the case a plain sequence
// number misses), and a must see both.
func LiveInProgress(t *testing.T, a, b storage.Store, concurrent bool) {
	ctx := context.Background()
	p := deal.DefaultPipeline()
	acc, accEv := accountWith(t, reportsAccount, suiteContact, "Live in progress", base)
	_, err := b.Accounts().Create(ctx, acc, "", accEv...)
	require.NoError(t, err)
	slow := liveOwnerDeal(t, ctx, b, p, "rep-1", "100.00")
	quick := liveOwnerDeal(t, ctx, b, p, "rep-2", "30.00")
	liveOwnerDeal(t, ctx, b, p, "rep-3", "5.00") // a group no write changes
	checkLive(t, ctx, a, p)
	c := deal.Cmd{Cmd: crmkit.Cmd{By: actor, At: base.Add(time.Hour)}}
	slowWon, slowEv, err := p.Win(slow, deal.Outcome{Summary: "signed"}, c)
	require.NoError(t, err)
	saved, proceed, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	var once sync.Once
	release := func() { once.Do(func() { close(proceed) }) }
	t.Cleanup(release) // a failed check must not leave the Update waiting
	go func() {
		done <- b.Update(ctx, func(tx storage.Tx) error {
			if err := tx.Deals().Save(ctx, slowWon, slow.Version, slowEv); err != nil {
				close(saved)
				return err
			}
			close(saved)
			<-proceed
			return nil
		})
	}()
	<-saved
	if concurrent {
		next, ev, err := p.Lose(quick, deal.Outcome{Summary: "lost", Reason: "price"}, c)
		require.NoError(t, err)
		require.NoError(t, b.Deals().Save(ctx, next, quick.Version, ev))
	}
	for range 2 { // the Update in progress: its win not seen
		checkLive(t, ctx, a, p)
	}
	live, err := a.(storage.Projections).LiveDeals(ctx)
	require.NoError(t, err)
	rep, err := live.Report(p, funnel.Query{AsOf: base.AddDate(1, 0, 0), Quantiles: crmkit.QuantilesNone})
	require.NoError(t, err)
	require.Equal(t, int64(0), rep.Total.Won, "a win not committed yet")
	release()
	require.NoError(t, <-done)
	for range 2 { // committed after a's last read, by a writer older than the one a saw
		checkLive(t, ctx, a, p)
	}
	live, err = a.(storage.Projections).LiveDeals(ctx)
	require.NoError(t, err)
	rep, err = live.Report(p, funnel.Query{AsOf: base.AddDate(1, 0, 0), Quantiles: crmkit.QuantilesNone})
	require.NoError(t, err)
	require.Equal(t, int64(1), rep.Total.Won, "the win committed after a's last read")
	require.Equal(t, crmkit.MustMoney("100.00", "EUR"), rep.Total.WonAmount)
}
