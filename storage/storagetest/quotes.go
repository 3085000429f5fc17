package storagetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Quotes, approval requests and service interactions (Tx.Quotes,
// Approvals, Interactions): the optional-repository checks of each
// (round trips, stale versions, idempotent creates, filters with keyset
// pages, tenant isolation, Update, bad input), their History fixtures,
// and their references (testServiceReferences).

func testQuotes(t *testing.T, o Opener) { runOptional(t, o, quoteFixture()) }

func testApprovals(t *testing.T, o Opener) { runOptional(t, o, approvalFixture()) }

func testInteractions(t *testing.T, o Opener) { runOptional(t, o, interactionFixture()) }

// quoteFixture: quotes on the suite's deal.
func quoteFixture() fixture[quote.Quote, storage.QuoteFilter] {
	return fixture[quote.Quote, storage.QuoteFilter]{
		repo:    storage.Tx.Quotes,
		prepare: ensureSuiteDeal,
		make:    func(t testing.TB, i int) (quote.Quote, []crmkit.Event) { return makeQuote(t, i) },
		next:    nextQuote,
		touch:   func(q *quote.Quote) { q.Lines[0].Product = "touched" },
		clone:   quote.Quote.Clone,
		id:      func(q *quote.Quote) uuid.UUID { return q.ID },
		version: func(q *quote.Quote) int64 { return q.Seq },
		// Variants: created by "bo" for odd i, "ana" otherwise; approved
		// (no approval needed) for i = 1, 4, a draft otherwise. Drafts of
		// bo's: 3 and 5.
		filter:   storage.QuoteFilter{Deal: suiteDeal, Statuses: []quote.Status{quote.Draft}, CreatedBy: "bo"},
		selected: func(i int) bool { return i == 3 || i == 5 },
		bad: func(t testing.TB) []quote.Quote {
			var out []quote.Quote
			bad := func(change func(q *quote.Quote)) {
				q, _ := makeQuote(t, 0)
				change(&q)
				out = append(out, q)
			}
			bad(func(q *quote.Quote) { q.ID = uuid.Nil })
			bad(func(q *quote.Quote) { q.Seq = 0 })
			bad(func(q *quote.Quote) { q.DealID = uuid.Nil })
			bad(func(q *quote.Quote) { q.Status = 0 })
			bad(func(q *quote.Quote) { q.Status = quote.Expired + 1 })
			bad(func(q *quote.Quote) { q.Lines[0].Discount = decimal.NewFromInt(2) })
			bad(func(q *quote.Quote) { q.CreatedBy = "" })
			bad(func(q *quote.Quote) { q.Lines[0].Product = "seat\x00" })
			return out
		},
		badFilters: []storage.QuoteFilter{
			{Statuses: []quote.Status{0}},
			{Statuses: []quote.Status{quote.Expired + 1}},
			{CreatedBy: "bo\x00"},
		},
	}
}

// makeQuote returns variant i of a quote on the suite's deal, with its
// history.
func makeQuote(t tb, i int) (quote.Quote, []crmkit.Event) {
	t.Helper()
	by := "ana"
	if i%2 == 1 {
		by = "bo"
	}
	q, e, err := quote.New(suiteDeal, crmkit.MustCurrency("EUR"), []quote.Line{
		{Product: fmt.Sprintf("seat-%d", i), Quantity: decimal.NewFromInt(int64(i + 1)), UnitPrice: eur("100.00")},
	}, base.AddDate(0, 1, 0), crmkit.Cmd{By: by, At: base})
	require.NoError(t, err)
	evs := []crmkit.Event{e}
	if i%3 == 1 {
		q, e, err = q.Submit(quote.DefaultApprovalPolicy(), crmkit.Cmd{By: by, At: base.Add(time.Minute)})
		require.NoError(t, err)
		require.Equal(t, quote.Approved, q.Status, "no discount needs no approval")
		evs = append(evs, e)
	}
	return q, evs
}

// nextQuote moves a quote one event on: new lines on a draft, the next
// revision otherwise.
func nextQuote(t testing.TB, q quote.Quote) (quote.Quote, []crmkit.Event) {
	t.Helper()
	c := crmkit.Cmd{By: q.CreatedBy, At: base.Add(time.Duration(q.Seq) * time.Hour)}
	var (
		n   quote.Quote
		e   crmkit.Event
		err error
	)
	if q.Status == quote.Draft {
		lines := q.Clone().Lines
		lines[0].Quantity = lines[0].Quantity.Add(decimal.NewFromInt(1))
		n, e, err = q.SetLines(lines, c)
	} else {
		n, e, err = q.Revise(c)
	}
	require.NoError(t, err)
	return n, []crmkit.Event{e}
}

// approvalFixture: requests for two subjects, each a chain of a manager
// and a director.
func approvalFixture() fixture[approval.Request, storage.ApprovalFilter] {
	return fixture[approval.Request, storage.ApprovalFilter]{
		repo:    storage.Tx.Approvals,
		bare:    true,
		make:    func(t testing.TB, i int) (approval.Request, []crmkit.Event) { return makeApproval(t, i) },
		next:    nextApproval,
		touch:   func(r *approval.Request) { r.Steps[0].Role = "touched" },
		clone:   approval.Request.Clone,
		id:      func(r *approval.Request) uuid.UUID { return r.ID },
		version: func(r *approval.Request) int64 { return r.Version },
		// Variants: subject "discount/1" for odd i, "discount/0"
		// otherwise; the manager's step approved for i = 1, 4, so they
		// wait for a director, the others for a manager. The director's
		// inbox on discount/1: 1.
		filter: storage.ApprovalFilter{Subject: "discount/1", Requester: "ana", Statuses: []approval.Status{approval.Pending},
			WaitingFor: "director"},
		selected: func(i int) bool { return i == 1 },
		bad: func(t testing.TB) []approval.Request {
			var out []approval.Request
			bad := func(change func(r *approval.Request)) {
				r, _ := makeApproval(t, 0)
				r = r.Clone()
				change(&r)
				out = append(out, r)
			}
			bad(func(r *approval.Request) { r.ID = uuid.Nil })
			bad(func(r *approval.Request) { r.Version = 0 })
			bad(func(r *approval.Request) { r.Subject = "" })
			bad(func(r *approval.Request) { r.Status = 0 })
			bad(func(r *approval.Request) { r.Steps = nil })
			bad(func(r *approval.Request) { r.Requester = "ana\x00" })
			return out
		},
		badFilters: []storage.ApprovalFilter{
			{Statuses: []approval.Status{0}},
			{Statuses: []approval.Status{approval.Cancelled + 1}},
			{WaitingFor: "manager\x00"},
		},
	}
}

// makeApproval returns variant i of a pending request, with its history.
func makeApproval(t tb, i int) (approval.Request, []crmkit.Event) {
	t.Helper()
	r, e, err := approval.New(fmt.Sprintf("discount/%d", i%2), []string{"manager", "director"}, time.Time{},
		crmkit.Cmd{By: "ana", At: base})
	require.NoError(t, err)
	evs := []crmkit.Event{e}
	if i%3 == 1 {
		r, e, err = r.Approve(approval.Cmd{Cmd: crmkit.Cmd{By: "mia", At: base.Add(time.Minute)}, Roles: []string{"manager"}})
		require.NoError(t, err)
		evs = append(evs, e)
	}
	return r, evs
}

// nextApproval approves the current step of a pending request, or
// cancels nothing: a request decided to the end is granted.
func nextApproval(t testing.TB, r approval.Request) (approval.Request, []crmkit.Event) {
	t.Helper()
	step, ok := r.CurrentStep()
	require.True(t, ok, "the fixture moves only pending requests")
	by := fmt.Sprintf("approver-%d-%d", r.Version, step)
	n, e, err := r.Approve(approval.Cmd{Cmd: crmkit.Cmd{By: by, At: base.Add(time.Duration(r.Version) * time.Hour)},
		Roles: []string{r.Steps[step].Role}})
	require.NoError(t, err)
	return n, []crmkit.Event{e}
}

// interactionFixture: interactions of the suite's account.
func interactionFixture() fixture[account.Interaction, storage.InteractionFilter] {
	return fixture[account.Interaction, storage.InteractionFilter]{
		repo:    storage.Tx.Interactions,
		make:    func(t testing.TB, i int) (account.Interaction, []crmkit.Event) { return makeInteraction(t, i) },
		next:    nextInteraction,
		clone:   account.Interaction.Clone,
		id:      func(i *account.Interaction) uuid.UUID { return i.ID },
		version: func(i *account.Interaction) int64 { return i.Version },
		// Variants: with the suite's contact and by phone for even i, by
		// e-mail otherwise; resolved for i = 1, 4, pending otherwise. The
		// open phone calls with the contact: 0 and 2.
		filter: storage.InteractionFilter{Account: suiteAccount, Contact: suiteContact,
			Outcomes: []account.Outcome{account.Pending}, Channel: "phone"},
		selected: func(i int) bool { return i == 0 || i == 2 },
		bad: func(t testing.TB) []account.Interaction {
			var out []account.Interaction
			bad := func(change func(i *account.Interaction)) {
				v, _ := makeInteraction(t, 0)
				change(&v)
				out = append(out, v)
			}
			bad(func(i *account.Interaction) { i.ID = uuid.Nil })
			bad(func(i *account.Interaction) { i.Version = 0 })
			bad(func(i *account.Interaction) { i.AccountID = uuid.Nil })
			bad(func(i *account.Interaction) { i.Channel = "" })
			bad(func(i *account.Interaction) { i.Outcome = account.Unresolved + 1 })
			bad(func(i *account.Interaction) { i.Satisfaction = 6 })
			bad(func(i *account.Interaction) {
				i.FirstResponseAt, i.ResolvedAt, i.Outcome = i.At.Add(2*time.Hour), i.At.Add(time.Hour), account.Resolved
			})
			bad(func(i *account.Interaction) { i.Category = "billing\x00" })
			return out
		},
		badFilters: []storage.InteractionFilter{
			{Outcomes: []account.Outcome{0}},
			{Outcomes: []account.Outcome{account.Unresolved + 1}},
			{Channel: "phone\x00"},
		},
	}
}

// makeInteraction returns variant i of an interaction of the suite's
// account, with its history.
func makeInteraction(t tb, i int) (account.Interaction, []crmkit.Event) {
	t.Helper()
	v := account.Interaction{AccountID: suiteAccount, Channel: "email", Severity: account.Minor, Outcome: account.Pending,
		Who: "agent", At: base.Add(time.Duration(i) * time.Minute)}
	if i%2 == 0 {
		v.ContactID, v.Channel = suiteContact, "phone"
	}
	v, e, err := account.RecordInteraction(v, crmkit.Cmd{By: actor, At: v.At})
	require.NoError(t, err)
	evs := []crmkit.Event{e}
	if i%3 == 1 {
		v, e, err = v.Resolve(v.At.Add(time.Hour), crmkit.Cmd{By: "agent", At: v.At.Add(time.Hour)})
		require.NoError(t, err)
		evs = append(evs, e)
	}
	return v, evs
}

// nextInteraction records the next thing that happens to an interaction:
// its first response, then its resolution, then its score.
func nextInteraction(t testing.TB, v account.Interaction) (account.Interaction, []crmkit.Event) {
	t.Helper()
	at := v.At.Add(time.Duration(v.Version) * time.Hour)
	c := crmkit.Cmd{By: "agent", At: at.Add(time.Hour)}
	var (
		n   account.Interaction
		e   crmkit.Event
		err error
	)
	switch {
	case v.Open() && v.FirstResponseAt.IsZero():
		n, e, err = v.Respond(at, c)
	case v.Open():
		n, e, err = v.Resolve(at, c)
	default:
		require.Zero(t, v.Satisfaction, "the fixture rates once")
		n, e, err = v.Rate(4, c)
	}
	require.NoError(t, err)
	return n, []crmkit.Event{e}
}

// testServiceReferences: a quote's deal, an interaction's account and
// contact exist in the tenant, and an account Save that drops a contact
// an interaction refers to is refused.
func testServiceReferences(t *testing.T, o Opener) {
	ctx := context.Background()
	s := openBare(t, o, "acme-services")
	globex := openBare(t, o, "globex-services")
	a, aevs := accountWith(t, crmkit.NewID(), crmkit.NewID(), "Acme One", base)
	b, bevs := accountWith(t, crmkit.NewID(), crmkit.NewID(), "Acme Two", base)
	g, gevs := accountWith(t, crmkit.NewID(), crmkit.NewID(), "Globex", base)
	_, err := globex.Accounts().Create(ctx, g, "", gevs...)
	require.NoError(t, err)
	gd, gdev := newDeal(t, dealSpec{name: "Globex deal", owner: "ana"})
	gd.AccountID, gd.ContactID = g.ID, uuid.Nil
	_, err = globex.Deals().Create(ctx, gd, "", gdev)
	require.NoError(t, err)

	refused := func(what, field string, write func() error) {
		t.Helper()
		before := allEvents(t, ctx, s)
		assertBroken(t, write(), field, what)
		assert.Equal(t, len(before), len(allEvents(t, ctx, s)), "%s: nothing logged", what)
	}

	// Quotes: the deal is another tenant's, then not yet stored, then
	// stored (also when both come in one Update, the deal first).
	q, qev, err := quote.New(gd.ID, crmkit.MustCurrency("EUR"), nil, time.Time{}, crmkit.Cmd{By: "ana", At: base})
	require.NoError(t, err)
	refused("quote on globex's deal", "deal_id", func() error { _, err := s.Quotes().Create(ctx, q, "", qev); return err })
	_, err = s.Accounts().Create(ctx, a, "", aevs...)
	require.NoError(t, err)
	_, err = s.Accounts().Create(ctx, b, "", bevs...)
	require.NoError(t, err)
	d, dev := newDeal(t, dealSpec{name: "Fleet", owner: "ana"})
	d.AccountID, d.ContactID = a.ID, uuid.Nil
	q, qev, err = quote.New(d.ID, crmkit.MustCurrency("EUR"), nil, time.Time{}, crmkit.Cmd{By: "ana", At: base})
	require.NoError(t, err)
	refused("quote before its deal", "deal_id", func() error { _, err := s.Quotes().Create(ctx, q, "", qev); return err })
	err = s.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.Quotes().Create(ctx, q, "", qev); err != nil {
			return err
		}
		_, err := tx.Deals().Create(ctx, d, "", dev)
		return err
	})
	assertBroken(t, err, "deal_id", "a quote before its deal in one Update")
	require.NoError(t, s.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.Deals().Create(ctx, d, "", dev); err != nil {
			return err
		}
		_, err := tx.Quotes().Create(ctx, q, "", qev)
		return err
	}), "the deal, then its quote, in one Update")

	// Interactions: their account, and their contact inside it.
	record := func(acct, contact uuid.UUID) (account.Interaction, crmkit.Event) {
		i, e, err := account.RecordInteraction(account.Interaction{AccountID: acct, ContactID: contact, Channel: "phone",
			Severity: account.Minor, Outcome: account.Pending, Who: "agent", At: base}, crmkit.Cmd{By: actor, At: base})
		require.NoError(t, err)
		return i, e
	}
	i, ie := record(g.ID, uuid.Nil)
	refused("interaction of globex's account", "account_id", func() error { _, err := s.Interactions().Create(ctx, i, "", ie); return err })
	i, ie = record(a.ID, b.Contacts[0].ID)
	refused("contact of another account", "contact_id", func() error { _, err := s.Interactions().Create(ctx, i, "", ie); return err })
	i, ie = record(a.ID, crmkit.NewID())
	refused("contact of no account", "contact_id", func() error { _, err := s.Interactions().Create(ctx, i, "", ie); return err })
	i, ie = record(a.ID, a.Contacts[0].ID)
	_, err = s.Interactions().Create(ctx, i, "", ie)
	require.NoError(t, err)
	// A Save moving it to another tenant's account is refused.
	moved, mev, err := i.Respond(base.Add(time.Hour), crmkit.Cmd{By: "agent", At: base.Add(time.Hour)})
	require.NoError(t, err)
	moved.AccountID, moved.ContactID = g.ID, uuid.Nil
	refused("save to globex's account", "account_id", func() error { return s.Interactions().Save(ctx, moved, i.Version, mev) })

	// The account cannot drop the contact the interaction refers to
	// (b's contact, referred to by nothing, can go).
	drop := func(acct account.Account) (account.Account, crmkit.Event) {
		next := acct.Clone()
		next.Contacts, next.Version = nil, acct.Version+1
		ev, err := crmkit.NewEvent(account.AccountKind, acct.ID, "ContactRemoved", actor, base.Add(time.Hour), next.Version, nil)
		require.NoError(t, err)
		return next, ev
	}
	na, naev := drop(a)
	refused("drop a contact an interaction refers to", "contacts", func() error { return s.Accounts().Save(ctx, na, a.Version, naev) })
	var re *storage.ReferenceError
	if err := s.Accounts().Save(ctx, na, a.Version, naev); assert.ErrorAs(t, err, &re) {
		assert.Contains(t, re.Reason, account.InteractionKind+" "+i.ID.String(), "the error names the interaction")
	}
	nb, nbev := drop(b)
	require.NoError(t, s.Accounts().Save(ctx, nb, b.Version, nbev), "nothing refers to b's contact")
}
