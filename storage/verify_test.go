package storage_test

import (
	"context"
	"errors"
	"iter"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tamperRepo shows a repository as it would be if a record had been
// changed or deleted behind the store's back: List and Get give every
// record through list (nil: as stored), Get says missing is not found.
type tamperRepo[T, F any] struct {
	storage.Repository[T, F]
	list    func(T) T
	missing uuid.UUID
	kind    string
}

func (r tamperRepo[T, F]) Get(ctx context.Context, id uuid.UUID) (T, error) {
	if id == r.missing {
		var zero T
		return zero, storage.NotFound(r.kind, id)
	}
	v, err := r.Repository.Get(ctx, id)
	if err == nil && r.list != nil {
		v = r.list(v)
	}
	return v, err
}

func (r tamperRepo[T, F]) List(ctx context.Context, f F, p storage.Page) ([]T, storage.Cursor, error) {
	out, next, err := r.Repository.List(ctx, f, p)
	if r.list != nil {
		for i := range out {
			out[i] = r.list(out[i])
		}
	}
	return out, next, err
}

// tamperTx is a tx whose repositories and log are tampered with.
type tamperTx struct {
	storage.Tx
	leads     tamperRepo[lead.Lead, storage.LeadFilter]
	deals     tamperRepo[deal.Deal, storage.DealFilter]
	accounts  tamperRepo[account.Account, storage.AccountFilter]
	contracts tamperRepo[account.Contract, storage.ContractFilter]
	// truncated loses the last event of its history.
	truncated uuid.UUID
	// during, if not nil, runs before a history is read.
	during func(id uuid.UUID)
}

func (t tamperTx) Leads() storage.LeadRepository         { return t.leads }
func (t tamperTx) Deals() storage.DealRepository         { return t.deals }
func (t tamperTx) Accounts() storage.AccountRepository   { return t.accounts }
func (t tamperTx) Contracts() storage.ContractRepository { return t.contracts }
func (t tamperTx) Events() storage.EventLog              { return tamperLog{t.Tx.Events(), t.truncated, t.during} }

type tamperLog struct {
	storage.EventLog
	truncated uuid.UUID
	during    func(id uuid.UUID)
}

func (l tamperLog) ByAggregate(ctx context.Context, id uuid.UUID) iter.Seq2[crmkit.Event, error] {
	if l.during != nil {
		l.during(id)
	}
	if id != l.truncated {
		return l.EventLog.ByAggregate(ctx, id)
	}
	var evs []crmkit.Event
	for e, err := range l.EventLog.ByAggregate(ctx, id) {
		if err != nil {
			return func(yield func(crmkit.Event, error) bool) { yield(crmkit.Event{}, err) }
		}
		evs = append(evs, e)
	}
	return func(yield func(crmkit.Event, error) bool) {
		for _, e := range evs[:len(evs)-1] {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// leadToCash stores a converted lead L (pointing at account A, its
// contact C and deal D), the won deal D (of A and C) and a draft
// contract K (of A and D), and returns their IDs.
func leadToCash(t *testing.T, s storage.Store) (l, a, c, d, k uuid.UUID) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	cmd := crmkit.Cmd{By: "cy", At: at}
	ladder, err := lead.NewLadder()
	require.NoError(t, err)
	p := deal.DefaultPipeline()
	ld, captured, err := lead.New(lead.Capture{Who: lead.Person{Name: "Ada", Company: "Acme", Email: "ada@acme.example"}, Source: lead.ChannelReferral, Owner: "cy"}, cmd)
	require.NoError(t, err)
	ld, accepted, err := ladder.Fire(ctx, ld, lead.Command{Cmd: cmd, Action: lead.ActionAccept})
	require.NoError(t, err)
	_, err = s.Leads().Create(ctx, ld, "", captured, accepted)
	require.NoError(t, err)
	conv, err := storage.Convert(ctx, s, ladder, p, ld.ID, storage.ConvertInput{ConvertInput: lead.ConvertInput{Cmd: cmd, Amount: crmkit.MustMoney("24000.00", "EUR")}})
	require.NoError(t, err)
	won, ev, err := p.Win(conv.Deal, deal.Outcome{Summary: "licence"}, deal.Cmd{Cmd: cmd})
	require.NoError(t, err)
	require.NoError(t, s.Deals().Save(ctx, won, conv.Deal.Version, ev))
	ct, drafted, err := account.NewContract(account.ContractSpec{AccountID: won.AccountID, DealID: won.ID, Title: "Licence",
		Start: at, End: at.AddDate(1, 0, 0), Monthly: crmkit.MustMoney("2000.00", "EUR"), Value: crmkit.MustMoney("0.00", "EUR")}, cmd)
	require.NoError(t, err)
	_, err = s.Contracts().Create(ctx, ct, "", drafted)
	require.NoError(t, err)
	return ld.ID, conv.Account.ID, conv.Contact.ID, won.ID, ct.ID
}

// found is what a test expects of one problem.
type found struct {
	kind    string
	id      uuid.UUID
	problem storage.ProblemKind
	field   string // the reference's field, or a word the detail holds
}

// TestVerify tampers with one thing at a time of a consistent lead-to-cash
// tenant and checks that Verify reports exactly the problems it makes,
// listed by hand: a missing account breaks the references of the lead's
// conversion (account, contact), of the deal (account, contact) and of
// the contract (account); a missing deal those of the lead's conversion
// and of the contract; a changed field or a lost event is one problem of
// its record.
func TestVerify(t *testing.T) {
	ctx := context.Background()
	store, err := memory.New().Tenant("acme")
	require.NoError(t, err)
	l, a, _, d, k := leadToCash(t, store)

	clean, err := storage.Verify(ctx, store, storage.VerifyOptions{})
	require.NoError(t, err)
	assert.True(t, clean.OK())
	assert.NoError(t, clean.Err())
	assert.Equal(t, map[string]int{lead.LeadKind: 1, deal.DealKind: 1, account.AccountKind: 1, account.ContractKind: 1}, clean.Checked)

	cases := []struct {
		name   string
		tamper func(tx *tamperTx)
		want   []found
	}{
		{"account gone", func(tx *tamperTx) { tx.accounts.missing = a }, []found{
			{lead.LeadKind, l, storage.ProblemDangling, "conversion.account_id"},
			{lead.LeadKind, l, storage.ProblemDangling, "conversion.contact_id"},
			{deal.DealKind, d, storage.ProblemDangling, "account_id"},
			{deal.DealKind, d, storage.ProblemDangling, "contact_id"},
			{account.ContractKind, k, storage.ProblemDangling, "account_id"},
		}},
		{"deal gone", func(tx *tamperTx) { tx.deals.missing = d }, []found{
			{lead.LeadKind, l, storage.ProblemDangling, "conversion.opportunity_id"},
			{account.ContractKind, k, storage.ProblemDangling, "deal_id"},
		}},
		{"deal owner changed", func(tx *tamperTx) {
			tx.deals.list = func(x deal.Deal) deal.Deal { x.Owner = "zed"; return x }
		}, []found{{deal.DealKind, d, storage.ProblemReplay, "owner"}}},
		{"lead stage changed", func(tx *tamperTx) {
			tx.leads.list = func(x lead.Lead) lead.Lead { x.Stage = lead.StageSQL; return x }
		}, []found{{lead.LeadKind, l, storage.ProblemReplay, "stage"}}},
		{"contract status changed", func(tx *tamperTx) {
			tx.contracts.list = func(x account.Contract) account.Contract { x.Status = account.Active; return x }
		}, []found{{account.ContractKind, k, storage.ProblemReplay, "status"}}},
		{"account event lost", func(tx *tamperTx) { tx.truncated = a }, []found{{account.AccountKind, a, storage.ProblemHistory, "version"}}},
		{"deal event lost", func(tx *tamperTx) { tx.truncated = d }, []found{{deal.DealKind, d, storage.ProblemHistory, "version"}}},
		{"deal history ahead of its state", func(tx *tamperTx) {
			tx.deals.list = func(x deal.Deal) deal.Deal { x.Version--; return x }
		}, []found{{deal.DealKind, d, storage.ProblemHistory, "version"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tx := &tamperTx{Tx: store,
				leads:     tamperRepo[lead.Lead, storage.LeadFilter]{Repository: store.Leads(), kind: lead.LeadKind},
				deals:     tamperRepo[deal.Deal, storage.DealFilter]{Repository: store.Deals(), kind: deal.DealKind},
				accounts:  tamperRepo[account.Account, storage.AccountFilter]{Repository: store.Accounts(), kind: account.AccountKind},
				contracts: tamperRepo[account.Contract, storage.ContractFilter]{Repository: store.Contracts(), kind: account.ContractKind},
			}
			c.tamper(tx)
			v, err := storage.Verify(ctx, tx, storage.VerifyOptions{})
			require.NoError(t, err)
			assert.False(t, v.OK())
			require.Len(t, v.Problems, len(c.want), "%v", v.Err())
			for i, w := range c.want {
				p := v.Problems[i]
				assert.Equal(t, w.kind, p.Kind, "problem %d", i)
				assert.Equal(t, w.id, p.ID, "problem %d", i)
				assert.Equal(t, w.problem, p.Problem, "problem %d", i)
				if w.problem == storage.ProblemDangling {
					assert.Equal(t, w.field, p.Ref.Field, "problem %d", i)
				} else {
					assert.Contains(t, p.Detail, w.field, "problem %d", i)
				}
			}
			err = v.Err()
			assert.ErrorIs(t, err, crmkit.ErrInvalid)
			var first *storage.Problem
			require.True(t, errors.As(err, &first))
			assert.Equal(t, c.want[0].id, first.ID)
		})
	}
}

// TestVerifyConcurrentWrite: a deal saved between Verify's read of it and
// the read of its history is checked as read, and is no problem.
func TestVerifyConcurrentWrite(t *testing.T) {
	ctx := context.Background()
	store, err := memory.New().Tenant("acme")
	require.NoError(t, err)
	_, _, _, d, _ := leadToCash(t, store)
	written := false
	tx := &tamperTx{Tx: store,
		leads:     tamperRepo[lead.Lead, storage.LeadFilter]{Repository: store.Leads()},
		deals:     tamperRepo[deal.Deal, storage.DealFilter]{Repository: store.Deals()},
		accounts:  tamperRepo[account.Account, storage.AccountFilter]{Repository: store.Accounts()},
		contracts: tamperRepo[account.Contract, storage.ContractFilter]{Repository: store.Contracts()},
		during: func(id uuid.UUID) {
			if id != d || written {
				return
			}
			written = true
			cur, err := store.Deals().Get(ctx, d)
			require.NoError(t, err)
			next, ev, err := cur.LogActivity(deal.Activity{Kind: deal.ActivityCall, At: cur.UpdatedAt, By: "cy"}, deal.Cmd{Cmd: crmkit.Cmd{By: "cy", At: cur.UpdatedAt}})
			require.NoError(t, err)
			require.NoError(t, store.Deals().Save(ctx, next, cur.Version, ev))
		},
	}
	v, err := storage.Verify(ctx, tx, storage.VerifyOptions{})
	require.NoError(t, err)
	require.True(t, written, "the deal was written during the walk")
	assert.NoError(t, v.Err())
}

func TestVerifyRefusesNil(t *testing.T) {
	store, err := memory.New().Tenant("acme")
	require.NoError(t, err)
	var nilCtx context.Context // the input under test
	_, err = storage.Verify(nilCtx, store, storage.VerifyOptions{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = storage.Verify(context.Background(), nil, storage.VerifyOptions{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	var p *storage.Problem
	assert.Equal(t, "inconsistent record", p.Error())
	assert.ErrorIs(t, p, crmkit.ErrInvalid)
}

func TestHandoverErrorNil(t *testing.T) {
	var e *storage.HandoverError
	assert.Equal(t, "hand-over refused", e.Error())
	assert.NoError(t, e.Unwrap())
	full := &storage.HandoverError{From: "cy", Field: "from", Err: crmkit.Invalid("from", "nothing to move")}
	assert.ErrorIs(t, full, crmkit.ErrInvalid)
	assert.Contains(t, full.Error(), `"cy"`)
}
