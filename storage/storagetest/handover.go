package storagetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// The hand-over of a leaving rep's whole book (storage.Handover): deals,
// accounts and open leads in one Update.

// leaving is the rep whose book the hand-over tests move; staying owns
// records beside it that must not move.
const (
	leaving = "cy"
	staying = "dy"
)

// record is what the hand-over tests know of one stored record.
type record struct {
	kind    string
	owner   string
	version int64
	// open says whether a hand-over moves the record (deals: open or
	// suspended, closed ones too when closed is set; never terminated;
	// leads: neither converted nor disqualified; accounts always).
	open, closed bool
}

// book reads every deal, account and lead of s.
func book(t tb, ctx context.Context, s storage.Tx) map[uuid.UUID]record {
	t.Helper()
	out := make(map[uuid.UUID]record)
	for d, err := range storage.All(ctx, s.Deals(), storage.DealFilter{}, 0) {
		require.NoError(t, err)
		out[d.ID] = record{kind: deal.DealKind, owner: d.Owner, version: d.Version,
			open: d.Status == deal.Open || d.Status == deal.Suspended, closed: d.Status == deal.Won || d.Status == deal.Lost}
	}
	for a, err := range storage.All(ctx, s.Accounts(), storage.AccountFilter{}, 0) {
		require.NoError(t, err)
		out[a.ID] = record{kind: account.AccountKind, owner: a.Owner, version: a.Version, open: true}
	}
	for l, err := range storage.All(ctx, s.Leads(), storage.LeadFilter{}, 0) {
		require.NoError(t, err)
		out[l.ID] = record{kind: lead.LeadKind, owner: l.Owner, version: l.Version,
			open: l.Stage != lead.StageConverted && l.Stage != lead.StageDisqualified}
	}
	return out
}

// moves reports whether a hand-over of leaving's book moves r.
func (r record) moves(includeClosed bool) bool {
	return r.owner == leaving && (r.open || (includeClosed && r.closed))
}

// transferEvent is the event type each kind's hand-over records.
var transferEvent = map[string]string{
	deal.DealKind:       deal.EventDealTransferred,
	account.AccountKind: account.EventAccountReassigned,
	lead.LeadKind:       lead.EventLeadAssigned,
}

// seedBook stores a book drawn by t: accounts, deals of those accounts
// and leads, each owned by leaving or staying, in the states a hand-over
// must tell apart, all made by the domain commands.
func seedBook(t *rapid.T, ctx context.Context, s storage.Store) {
	at := base
	cmd := crmkit.Cmd{By: actor, At: at}
	owner := func(label string) string { return rapid.SampledFrom([]string{leaving, staying}).Draw(t, label) }
	p := deal.DefaultPipeline()
	ladder, err := lead.NewLadder()
	require.NoError(t, err)

	accounts := []uuid.UUID{suiteAccount}
	for i := range rapid.IntRange(0, 3).Draw(t, "accounts") {
		a, ev, err := account.New(account.NewAccount{Name: fmt.Sprintf("Account %d", i), Owner: owner("account owner"), Relations: account.Customer}, cmd)
		require.NoError(t, err)
		_, err = s.Accounts().Create(ctx, a, "", ev)
		require.NoError(t, err)
		accounts = append(accounts, a.ID)
	}
	for i := range rapid.IntRange(0, 6).Draw(t, "deals") {
		n := deal.NewDeal{Name: fmt.Sprintf("Deal %d", i), Type: deal.NewBusiness, Amount: eur("1000.00"),
			AccountID: rapid.SampledFrom(accounts).Draw(t, "deal account"), Owner: owner("deal owner")}
		if rapid.Bool().Draw(t, "close date") {
			n.CloseDate = at.AddDate(0, rapid.IntRange(0, 3).Draw(t, "months"), 0)
		}
		d, ev, err := deal.New(p, n, deal.Cmd{Cmd: cmd})
		require.NoError(t, err)
		events := []crmkit.Event{ev}
		dc := deal.Cmd{Cmd: crmkit.Cmd{By: actor, At: at.Add(time.Minute), Reason: "drawn"}}
		switch rapid.SampledFrom([]string{"open", "won", "lost", "suspended", "terminated"}).Draw(t, "deal status") {
		case "won":
			d, ev, err = p.Win(d, deal.Outcome{Summary: "signed"}, dc)
		case "lost":
			d, ev, err = p.Lose(d, deal.Outcome{Summary: "price", Reason: "price"}, dc)
		case "suspended":
			d, ev, err = p.Suspend(d, time.Time{}, dc)
		case "terminated":
			d, ev, err = p.Terminate(d, dc)
		default:
			ev = crmkit.Event{}
		}
		require.NoError(t, err)
		if ev.Type != "" {
			events = append(events, ev)
		}
		_, err = s.Deals().Create(ctx, d, "", events...)
		require.NoError(t, err)
	}
	for i := range rapid.IntRange(0, 5).Draw(t, "leads") {
		l, ev, err := lead.New(lead.Capture{Who: lead.Person{Name: fmt.Sprintf("Lead %d", i), Email: fmt.Sprintf("lead%d@example.com", i)},
			Source: lead.ChannelReferral, Owner: owner("lead owner")}, cmd)
		require.NoError(t, err)
		events := []crmkit.Event{ev}
		lc := lead.Command{Cmd: crmkit.Cmd{By: actor, At: at.Add(time.Minute), Reason: "drawn"}}
		switch rapid.SampledFrom([]string{"suspect", "mql", "disqualified"}).Draw(t, "lead stage") {
		case "mql":
			lc.Action = lead.ActionQualify
		case "disqualified":
			lc.Action = lead.ActionDisqualify
		}
		if lc.Action != 0 {
			l, ev, err = ladder.Fire(ctx, l, lc)
			require.NoError(t, err)
			events = append(events, ev)
		}
		_, err = s.Leads().Create(ctx, l, "", events...)
		require.NoError(t, err)
	}
}

// handoverReq returns a hand-over of leaving's book to the successors.
func handoverReq(includeClosed bool, to ...deal.Successor) deal.HandoverRequest {
	return deal.HandoverRequest{From: leaving, To: to, IncludeClosed: includeClosed,
		Cmd: deal.Cmd{Cmd: crmkit.Cmd{By: "manager", At: base.Add(time.Hour), Reason: leaving + " left"}}}
}

// testHandoverBook: a rapid property that after a hand-over of a drawn
// book the leaving rep owns nothing that moves (no open deal, no
// account, no open lead), every moved record belongs to a successor, is
// one version on and its history ends with its transfer event at that
// version, every other record is untouched, and the tenant verifies
// (storage.Verify). A book with nothing to move, or more deals than the
// successors' capacities, is a *storage.HandoverError and nothing is
// written. A dry run first writes nothing and plans what the hand-over
// then does.
func testHandoverBook(t *testing.T, o Opener) {
	ctx := context.Background()
	rapid.Check(t, func(rt *rapid.T) {
		s := open(t, o, freshTenant("handover"))
		seedBook(rt, ctx, s)
		includeClosed := rapid.Bool().Draw(rt, "include closed")
		to := []deal.Successor{{Rep: "ana", Capacity: rapid.IntRange(0, 4).Draw(rt, "ana capacity")}}
		if rapid.Bool().Draw(rt, "two successors") {
			to = append(to, deal.Successor{Rep: "bo", Capacity: rapid.IntRange(0, 4).Draw(rt, "bo capacity")})
		}
		before := book(rt, ctx, s)
		eventsBefore := len(allEvents(t, ctx, s))

		// The oracle, apart from the code: what moves, and whether the
		// successors can take the deals (0 is no limit).
		moved, deals := 0, 0
		for _, r := range before {
			if r.moves(includeClosed) {
				moved++
				if r.kind == deal.DealKind {
					deals++
				}
			}
		}
		room, limited := 0, true
		for _, s := range to {
			room += s.Capacity
			limited = limited && s.Capacity > 0
		}

		dry := handoverReq(includeClosed, to...)
		dry.DryRun = true
		plan, dryErr := storage.Handover(ctx, s, dry)
		assert.Equal(rt, before, book(rt, ctx, s), "a dry run writes nothing")
		res, err := storage.Handover(ctx, s, handoverReq(includeClosed, to...))
		after := book(rt, ctx, s)
		assert.Equal(rt, err == nil, dryErr == nil, "a dry run fails exactly when the hand-over does: %v, %v", dryErr, err)
		if err == nil && dryErr == nil {
			assert.Equal(rt, res.Successors, plan.Successors, "the dry run's plan is the one carried out")
			assert.Equal(rt, res.Customers, plan.Customers)
			assert.Empty(rt, plan.Events)
		}
		var refused *storage.HandoverError
		switch {
		case moved == 0, limited && room < deals:
			require.ErrorIs(rt, err, crmkit.ErrInvalid)
			require.ErrorAs(rt, err, &refused)
			assert.Equal(rt, map[bool]string{true: "from", false: "to"}[moved == 0], refused.Field)
			assert.Equal(rt, before, after, "a refused hand-over writes nothing")
			assert.Len(rt, allEvents(t, ctx, s), eventsBefore)
			return
		}
		require.NoError(rt, err)
		assert.Len(rt, res.Events, moved, "one event per moved record")
		successors := map[string]bool{}
		for _, s := range to {
			successors[s.Rep] = true
		}
		for id, was := range before {
			now := after[id]
			if !was.moves(includeClosed) {
				assert.Equal(rt, was, now, "%s %s does not move", was.kind, id)
				continue
			}
			assert.True(rt, successors[now.owner], "%s %s goes to a successor, not %q", was.kind, id, now.owner)
			assert.Equal(rt, was.version+1, now.version, "%s %s", was.kind, id)
			evs := collect(t, s.Events().ByAggregate(ctx, id))
			require.NotEmpty(rt, evs)
			last := evs[len(evs)-1]
			assert.Equal(rt, transferEvent[was.kind], last.Type, "%s %s", was.kind, id)
			assert.Equal(rt, now.version, last.Version)
			assert.Equal(rt, now.owner, last.To)
		}
		for id, r := range after {
			assert.False(rt, r.moves(includeClosed), "%s %s: the leaving rep still owns it", r.kind, id)
		}
		assert.Len(rt, allEvents(t, ctx, s), eventsBefore+moved)
		verified(rt, ctx, s)
	})
}

// hookTx is a tx whose lead List (the last read of a hand-over) runs
// after (if not nil), to change a record from outside between the hand-over's
// reads and its writes.
type hookTx struct {
	storage.Tx
	after func()
}

func (h hookTx) Leads() storage.LeadRepository { return hookLeads{h.Tx.Leads(), h.after} }

type hookLeads struct {
	storage.LeadRepository
	after func()
}

func (r hookLeads) List(ctx context.Context, f storage.LeadFilter, p storage.Page) ([]lead.Lead, storage.Cursor, error) {
	out, next, err := r.LeadRepository.List(ctx, f, p)
	if r.after != nil {
		r.after()
	}
	return out, next, err
}

// testHandoverConflict: a deal, an account or a lead of the book changed
// by someone else after the hand-over read it makes the Update fail as
// retryable, and nothing of the hand-over lands; Retry then moves the
// whole book.
func testHandoverConflict(t *testing.T, o Opener) {
	ctx := context.Background()
	for _, kind := range []string{deal.DealKind, account.AccountKind, lead.LeadKind} {
		t.Run(kind, func(t *testing.T) {
			s := open(t, o, "handover-conflict-"+kind)
			a, aev, err := account.New(account.NewAccount{Name: "Globex", Owner: leaving, Relations: account.Customer}, crmkit.Cmd{By: actor, At: base})
			require.NoError(t, err)
			_, err = s.Accounts().Create(ctx, a, "", aev)
			require.NoError(t, err)
			d, dev, err := deal.New(deal.DefaultPipeline(), deal.NewDeal{Name: "Renewal", Type: deal.Renewal, Amount: eur("1000.00"),
				AccountID: a.ID, Owner: leaving}, deal.Cmd{Cmd: crmkit.Cmd{By: actor, At: base}})
			require.NoError(t, err)
			_, err = s.Deals().Create(ctx, d, "", dev)
			require.NoError(t, err)
			l, lev, err := lead.New(lead.Capture{Who: lead.Person{Name: "Ada", Email: "ada@example.com"}, Source: lead.ChannelReferral, Owner: leaving},
				crmkit.Cmd{By: actor, At: base})
			require.NoError(t, err)
			_, err = s.Leads().Create(ctx, l, "", lev)
			require.NoError(t, err)

			// The change from outside: one version on, still the leaving
			// rep's.
			outside := crmkit.Cmd{By: leaving, At: base.Add(time.Minute)}
			change := map[string]func() error{
				deal.DealKind: func() error {
					next, ev, err := d.LogActivity(deal.Activity{Kind: deal.ActivityCall, At: outside.At, By: leaving}, deal.Cmd{Cmd: outside})
					if err != nil {
						return err
					}
					return s.Deals().Save(ctx, next, d.Version, ev)
				},
				account.AccountKind: func() error {
					next, ev, err := a.AddDepartment("Purchasing", outside)
					if err != nil {
						return err
					}
					return s.Accounts().Save(ctx, next, a.Version, ev)
				},
				lead.LeadKind: func() error {
					ladder, err := lead.NewLadder()
					if err != nil {
						return err
					}
					next, ev, err := ladder.Fire(ctx, l, lead.Command{Cmd: outside, Action: lead.ActionQualify})
					if err != nil {
						return err
					}
					return s.Leads().Save(ctx, next, l.Version, ev)
				},
			}[kind]
			before := book(t, ctx, s)
			var once sync.Once
			attempts := 0
			req := handoverReq(false, deal.Successor{Rep: "ana"})
			err = storage.Retry(ctx, storage.Policy{MaxAttempts: 3}, func(ctx context.Context) error {
				attempts++
				err := s.Update(ctx, func(tx storage.Tx) error {
					_, err := storage.Handover(ctx, hookTx{tx, func() { once.Do(func() { require.NoError(t, change()) }) }}, req)
					return err
				})
				if attempts == 1 {
					require.True(t, storage.IsRetryable(err), "the first attempt is stale: %v", err)
					after := book(t, ctx, s)
					for id, r := range before {
						want := r
						if (kind == deal.DealKind && id == d.ID) || (kind == account.AccountKind && id == a.ID) || (kind == lead.LeadKind && id == l.ID) {
							want.version++ // the outside change, and only it
						}
						assert.Equal(t, want, after[id], "%s %s: nothing of the stale hand-over lands", r.kind, id)
					}
				}
				return err
			})
			require.NoError(t, err)
			assert.Equal(t, 2, attempts)
			for id, r := range book(t, ctx, s) {
				if before[id].owner == leaving {
					assert.Equal(t, "ana", r.owner, "%s %s", r.kind, id)
				}
			}
			verified(t, ctx, s)
		})
	}
}

// testHandoverBadInput: a request Handover refuses is a
// *storage.HandoverError naming the field, matching crmkit.ErrInvalid,
// and writes nothing.
func testHandoverBadInput(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "handover-bad")
	l, lev, err := lead.New(lead.Capture{Who: lead.Person{Name: "Ada", Email: "ada@example.com"}, Source: lead.ChannelReferral, Owner: leaving},
		crmkit.Cmd{By: actor, At: base})
	require.NoError(t, err)
	_, err = s.Leads().Create(ctx, l, "", lev)
	require.NoError(t, err)
	before := book(t, ctx, s)
	eventsBefore := len(allEvents(t, ctx, s))

	ok := handoverReq(false, deal.Successor{Rep: "ana"})
	cases := []struct {
		name  string
		req   func(r *deal.HandoverRequest)
		field string
	}{
		{"no successor", func(r *deal.HandoverRequest) { r.To = nil }, "to"},
		{"the leaving rep succeeds", func(r *deal.HandoverRequest) { r.To = []deal.Successor{{Rep: "ana"}, {Rep: leaving}} }, "to[1].rep"},
		{"a successor twice", func(r *deal.HandoverRequest) { r.To = []deal.Successor{{Rep: "ana"}, {Rep: "ana"}} }, "to[1].rep"},
		{"an empty successor", func(r *deal.HandoverRequest) { r.To = []deal.Successor{{Rep: " "}} }, "to[0].rep"},
		{"no leaving rep", func(r *deal.HandoverRequest) { r.From = "" }, "from"},
		{"nothing to move", func(r *deal.HandoverRequest) { r.From = "nobody" }, "from"},
		{"no actor", func(r *deal.HandoverRequest) { r.Cmd.By = "" }, "by"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := ok
			req.To = slices.Clone(ok.To)
			c.req(&req)
			for _, tx := range []storage.Tx{s, nil} {
				var err error
				if tx == nil {
					err = s.Update(ctx, func(tx storage.Tx) error {
						_, err := storage.Handover(ctx, tx, req)
						return err
					})
				} else {
					_, err = storage.Handover(ctx, tx, req)
				}
				require.ErrorIs(t, err, crmkit.ErrInvalid)
				var refused *storage.HandoverError
				require.ErrorAs(t, err, &refused)
				assert.Equal(t, c.field, refused.Field)
				assert.Equal(t, req.From, refused.From)
			}
			assert.Equal(t, before, book(t, ctx, s), "nothing written")
			assert.Len(t, allEvents(t, ctx, s), eventsBefore)
		})
	}
	_, err = storage.Handover(ctx, nil, ok)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "nil tx")
	var nilCtx context.Context // the input under test
	_, err = storage.Handover(nilCtx, s, ok)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "nil ctx")
}

// verified runs storage.Verify on s and fails t for every problem.
func verified(t tb, ctx context.Context, s storage.Tx) {
	t.Helper()
	v, err := storage.Verify(ctx, s, storage.VerifyOptions{})
	require.NoError(t, err)
	assert.NoError(t, v.Err(), "the tenant is consistent")
	assert.Positive(t, v.Checked[account.AccountKind], "the suite's account at least is checked")
}
