package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/campaign"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/quota"
	"github.com/google/uuid"
)

// ProblemKind says which rule a Problem breaks.
type ProblemKind string

// The rules Verify checks.
const (
	// ProblemDangling: a reference names no record of the tenant (or a
	// contact outside the account named beside it).
	ProblemDangling ProblemKind = "dangling"
	// ProblemHistory: the record's events are not one per version from 1
	// to its stored version, each of the record and its kind
	// (CheckHistory).
	ProblemHistory ProblemKind = "history"
	// ProblemReplay: replaying the record's events fails, or gives
	// another state than the stored one.
	ProblemReplay ProblemKind = "replay"
)

// Problem is one inconsistency Verify found: the record (its kind and
// ID), the rule it breaks, the reference concerned (for ProblemDangling)
// and what is wrong. It is an error matching crmkit.ErrInvalid.
type Problem struct {
	Kind    string
	ID      uuid.UUID
	Problem ProblemKind
	// Ref is the reference that does not resolve (ProblemDangling only).
	Ref Reference
	// Detail says what is wrong, in lower case.
	Detail string
}

// Error implements error.
func (p *Problem) Error() string {
	if p == nil {
		return "inconsistent record"
	}
	if p.Problem == ProblemDangling {
		return fmt.Sprintf("%s %s: %s: %s %s: %s", p.Kind, p.ID, p.Problem, p.Ref.Field, p.Ref.ID, p.Detail)
	}
	return fmt.Sprintf("%s %s: %s: %s", p.Kind, p.ID, p.Problem, p.Detail)
}

// Is reports whether target is crmkit.ErrInvalid, the root sentinel of
// every *Problem.
func (p *Problem) Is(target error) bool { return target == crmkit.ErrInvalid }

// Verification is the outcome of Verify: how many records of each kind
// it checked, and the problems found, in the order found (kinds in the
// order of Verify's doc, records by ID).
type Verification struct {
	Checked  map[string]int
	Problems []Problem
}

// OK reports whether Verify found no problem.
func (v Verification) OK() bool { return len(v.Problems) == 0 }

// Err returns nil when v is OK, otherwise every problem joined
// (errors.Join), matching crmkit.ErrInvalid; errors.As finds the first
// *Problem.
func (v Verification) Err() error {
	errs := make([]error, len(v.Problems))
	for i := range v.Problems {
		errs[i] = &v.Problems[i]
	}
	return errors.Join(errs...)
}

// VerifyOptions are the definitions Verify replays histories with.
type VerifyOptions struct {
	// Ladder replays leads (lead.Ladder.ReplayStage); nil means
	// lead.NewLadder() without guards (a replay runs no guard).
	Ladder *lead.Ladder
	// Pipelines replay deals (deal.Pipeline.Replay), found by the deal's
	// PipelineID; nil means one deal.DefaultPipeline.
	Pipelines *deal.Pipelines
}

// Verify walks every record of the store's tenant and reports what
// breaks the rules the stores keep at every write: references resolve,
// history matches state. For every record it checks
//
//   - its references: a deal's account and contact and a contract's
//     account and deal (DealReferences, ContractReferences), and a
//     converted lead's account, contact and deal (lead.ConversionRef);
//   - its history: one event per version from 1 to the stored version,
//     each of the record and its kind (CheckHistory);
//   - its replay, where its domain package replays events: a lead's
//     stage (lead.Ladder.ReplayStage), a deal (deal.Pipeline.Replay:
//     status, stage, owner, amount, close date, account, contact and
//     last change), a contract (account.ReplayContract: status, terms,
//     termination and parties). Accounts, campaigns and quota plans have
//     no replay from events: for them the history check (versions and
//     event counts) is the check.
//
// Kinds are walked in that order: leads, deals, accounts, contracts,
// campaigns, plans; each kind is one entry of one table, so a new
// repository adds one line. A walk reads one page of records and one
// record's history at a time. Verify reads without a transaction: run it
// on a quiet tenant, or accept that a record written during the walk is
// checked as it was when read (its later events, written meanwhile, are
// left out when the record has since reached their version). Verify
// returns the problems found (an
// empty Verification when all holds; a deal whose pipeline is not among
// opts.Pipelines is a ProblemReplay naming it); its error is for a walk
// that could not finish: a nil ctx or tx is crmkit.ErrInvalid, and a
// store's errors are returned as the store gives them.
func Verify(ctx context.Context, tx Tx, opts VerifyOptions) (Verification, error) {
	switch {
	case ctx == nil:
		return Verification{}, crmkit.Invalid("ctx", "verify: nil context")
	case tx == nil:
		return Verification{}, crmkit.Invalid("tx", "verify: nil tx")
	}
	if opts.Ladder == nil {
		lad, err := lead.NewLadder()
		if err != nil {
			return Verification{}, err
		}
		opts.Ladder = lad
	}
	if opts.Pipelines == nil {
		ps, err := deal.NewPipelines(deal.DefaultPipeline())
		if err != nil {
			return Verification{}, err
		}
		opts.Pipelines = ps
	}
	v := &verifier{ctx: ctx, tx: tx, opts: opts, out: Verification{Checked: make(map[string]int)}}
	for _, k := range verifiedKinds {
		if err := k(v); err != nil {
			return Verification{}, err
		}
	}
	return v.out, nil
}

// verifier carries one Verify walk.
type verifier struct {
	ctx  context.Context
	tx   Tx
	opts VerifyOptions
	out  Verification
}

// subject is what Verify checks of one record.
type subject struct {
	kind    string
	id      uuid.UUID
	version int64
	refs    []Reference
	// replay, if not nil, checks the record's history against it and
	// returns what differs ("" when nothing), or an error for a
	// history its domain package cannot replay.
	replay func(events []crmkit.Event) (string, error)
	// current reads the record's version now.
	current func() (int64, error)
}

// verifiedKinds is the table Verify walks: one entry per repository.
var verifiedKinds = []func(*verifier) error{
	verifyKind(Tx.Leads, LeadFilter{IncludeArchived: true}, (*verifier).lead),
	verifyKind(Tx.Deals, DealFilter{IncludeArchived: true}, (*verifier).deal),
	verifyKind(Tx.Accounts, AccountFilter{IncludeArchived: true}, func(_ *verifier, a *account.Account) subject {
		return subject{kind: account.AccountKind, id: a.ID, version: a.Version}
	}),
	verifyKind(Tx.Contracts, ContractFilter{}, (*verifier).contract),
	verifyKind(Tx.Campaigns, CampaignFilter{}, func(_ *verifier, c *campaign.Campaign) subject {
		return subject{kind: campaign.CampaignKind, id: c.ID, version: c.Version}
	}),
	verifyKind(Tx.Plans, PlanFilter{}, func(_ *verifier, p *quota.Plan) subject {
		return subject{kind: quota.PlanKind, id: p.ID, version: p.Version}
	}),
}

// verifyKind returns the check of every record of one repository: of, for each
// record, says what to check.
func verifyKind[T, F any](repo func(Tx) Repository[T, F], f F, of func(*verifier, *T) subject) func(*verifier) error {
	return func(v *verifier) error {
		for rec, err := range All(v.ctx, repo(v.tx), f, MaxPageSize) {
			if err != nil {
				return err
			}
			s := of(v, &rec)
			s.current = func() (int64, error) {
				now, err := repo(v.tx).Get(v.ctx, s.id)
				if err != nil {
					return 0, err
				}
				return of(v, &now).version, nil
			}
			v.out.Checked[s.kind]++
			if err := v.check(s); err != nil {
				return err
			}
		}
		return nil
	}
}

// check checks one record and records its problems.
func (v *verifier) check(s subject) error {
	for _, ref := range s.refs {
		ok, err := v.resolves(ref)
		if err != nil {
			return err
		}
		if !ok {
			p := Problem{Kind: s.kind, ID: s.id, Problem: ProblemDangling, Ref: ref, Detail: "no " + ref.Kind + " in this tenant"}
			if ref.Kind == ContactKind {
				p.Detail = fmt.Sprintf("no contact of account %s in this tenant", ref.Account)
			}
			v.out.Problems = append(v.out.Problems, p)
		}
	}
	var events []crmkit.Event
	for e, err := range v.tx.Events().ByAggregate(v.ctx, s.id) {
		if err != nil {
			return err
		}
		events = append(events, e)
	}
	// Events beyond the version read are a write that landed between
	// the two reads when the record is at least that far on now: the
	// history up to the version read is the one to check.
	if n := len(events); n > 0 && events[n-1].Version > s.version && s.current != nil {
		now, err := s.current()
		if err != nil && !errors.Is(err, crmkit.ErrNotFound) {
			return err
		}
		if err == nil && now >= events[n-1].Version {
			events = slices.DeleteFunc(events, func(e crmkit.Event) bool { return e.Version > s.version })
		}
	}
	if err := CheckHistory(s.kind, s.id, 0, s.version, events); err != nil {
		v.out.Problems = append(v.out.Problems, Problem{Kind: s.kind, ID: s.id, Problem: ProblemHistory,
			Detail: fmt.Sprintf("version %d, %d events: %v", s.version, len(events), err)})
		return nil // a replay of a broken history says nothing more
	}
	if s.replay == nil {
		return nil
	}
	diff, err := s.replay(events)
	switch {
	case err != nil:
		diff = err.Error()
	case diff == "":
		return nil
	}
	v.out.Problems = append(v.out.Problems, Problem{Kind: s.kind, ID: s.id, Problem: ProblemReplay, Detail: diff})
	return nil
}

// resolves reports whether ref names a record of the tenant.
func (v *verifier) resolves(ref Reference) (bool, error) {
	var err error
	switch ref.Kind {
	case account.AccountKind:
		_, err = v.tx.Accounts().Get(v.ctx, ref.ID)
	case deal.DealKind:
		_, err = v.tx.Deals().Get(v.ctx, ref.ID)
	case ContactKind:
		var a account.Account
		a, err = v.tx.Accounts().Get(v.ctx, ref.Account)
		if err == nil {
			return slices.ContainsFunc(a.Contacts, func(c account.Contact) bool { return c.ID == ref.ID }), nil
		}
	default:
		return false, crmkit.Invalid("kind", "verify: reference to unknown kind %q", ref.Kind)
	}
	if errors.Is(err, crmkit.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// LeadReferences returns the references of l that must resolve: when it
// is converted, the account, contact (inside that account) and deal its
// conversion created or linked (lead.ConversionRef). A nil l, or a lead
// that is not converted, has none.
func LeadReferences(l *lead.Lead) []Reference {
	if l == nil || l.Stage != lead.StageConverted {
		return nil
	}
	c := l.Conversion
	refs := make([]Reference, 0, 3)
	if c.AccountID != uuid.Nil {
		refs = append(refs, Reference{Field: "conversion.account_id", Kind: account.AccountKind, ID: c.AccountID})
	}
	if c.ContactID != uuid.Nil {
		refs = append(refs, Reference{Field: "conversion.contact_id", Kind: ContactKind, ID: c.ContactID, Account: c.AccountID})
	}
	if c.OpportunityID != uuid.Nil {
		refs = append(refs, Reference{Field: "conversion.opportunity_id", Kind: deal.DealKind, ID: c.OpportunityID})
	}
	return refs
}

func (v *verifier) lead(l *lead.Lead) subject {
	return subject{kind: lead.LeadKind, id: l.ID, version: l.Version, refs: LeadReferences(l),
		replay: func(events []crmkit.Event) (string, error) {
			st, err := v.opts.Ladder.ReplayStage(slices.Values(events))
			if err != nil {
				return "", err
			}
			if st != l.Stage {
				return fmt.Sprintf("replayed stage %s, stored %s", st, l.Stage), nil
			}
			return "", nil
		}}
}

func (v *verifier) deal(d *deal.Deal) subject {
	return subject{kind: deal.DealKind, id: d.ID, version: d.Version, refs: DealReferences(d),
		replay: func(events []crmkit.Event) (string, error) {
			p, err := v.opts.Pipelines.Get(d.PipelineID)
			if err != nil {
				return "", err
			}
			r, err := p.Replay(events)
			if err != nil {
				return "", err
			}
			r = Canonical(r)
			return differ(
				field("status", r.Status, d.Status),
				field("stage", r.Stage, d.Stage),
				field("owner", r.Owner, d.Owner),
				field("amount", r.Amount, d.Amount),
				timeField("close_date", r.CloseDate, d.CloseDate),
				field("account_id", r.AccountID, d.AccountID),
				field("contact_id", r.ContactID, d.ContactID),
				field("name", r.Name, d.Name),
				field("description", r.Description, d.Description),
				timeField("archived_at", r.ArchivedAt, d.ArchivedAt),
				timeField("updated_at", r.UpdatedAt, d.UpdatedAt),
				field("version", r.Version, d.Version),
			), nil
		}}
}

func (v *verifier) contract(c *account.Contract) subject {
	return subject{kind: account.ContractKind, id: c.ID, version: c.Version, refs: ContractReferences(c),
		replay: func(events []crmkit.Event) (string, error) {
			r, err := account.ReplayContract(events)
			if err != nil {
				return "", err
			}
			r = Canonical(r)
			return differ(
				field("status", r.Status, c.Status),
				field("account_id", r.AccountID, c.AccountID),
				field("deal_id", r.DealID, c.DealID),
				field("terms", len(r.Terms), len(c.Terms)),
				timeField("terminated_at", r.TerminatedAt, c.TerminatedAt),
				field("version", r.Version, c.Version),
			), nil
		}}
}

// field returns what differs between a replayed value and a stored one
// ("" when they are equal).
func field[T comparable](name string, replayed, stored T) string {
	if replayed == stored {
		return ""
	}
	return fmt.Sprintf("%s: replayed %v, stored %v", name, replayed, stored)
}

// timeField returns what differs between a replayed time and a stored
// one, compared as instants ("" when they are the same instant).
func timeField(name string, replayed, stored time.Time) string {
	if replayed.Equal(stored) {
		return ""
	}
	return fmt.Sprintf("%s: replayed %s, stored %s", name, replayed.UTC(), stored.UTC())
}

// differ joins the differences found.
func differ(diffs ...string) string {
	out := ""
	for _, d := range diffs {
		if d == "" {
			continue
		}
		if out != "" {
			out += "; "
		}
		out += d
	}
	return out
}
