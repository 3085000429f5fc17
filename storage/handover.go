package storage

import (
	"context"
	"errors"
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/google/uuid"
)

// HandoverResult is what Handover stored: the deal hand-over as
// deal.Handover planned it (its Plan, customer Notices, Kept deals, and
// the transferred Deals), the accounts and open leads that changed owner,
// each as stored, the notice list, and every event written, in order
// (deals, then accounts, then leads).
type HandoverResult struct {
	Deals    deal.HandoverResult
	Accounts []account.Account
	Leads    []lead.Lead
	// Customers are the customer contacts to tell who takes over: the
	// deal notices (account, contact, new owner, deals), then one per
	// moved account that no deal notice covers with the same new owner
	// (ContactID nil, no deals).
	Customers []deal.Notice
	// Successors tell each successor what they now own, in the order of
	// the request's successors; a successor who gets nothing is left
	// out.
	Successors []SuccessorNotice
	Events     []crmkit.Event
}

// SuccessorNotice is what one successor takes over in a hand-over: the
// IDs of the deals, accounts and leads, each in hand-over order.
type SuccessorNotice struct {
	Rep      string
	Deals    []uuid.UUID
	Accounts []uuid.UUID
	Leads    []uuid.UUID
}

// HandoverError is the error of a hand-over Handover refuses before
// writing anything: it names the leaving rep and the part of the request
// that is wrong (Field: "to" for no successor, an empty or repeated
// one, or more deals than the successors can take; "to[i].rep" for a
// successor who is the leaving rep; "from" for no leaving rep or a book
// with nothing to move; the field a domain command refused), and wraps
// the cause, so that errors.Is matches its sentinel (crmkit.ErrInvalid
// for all of these; a command a domain package refuses as it says).
type HandoverError struct {
	From  string
	Field string
	Err   error
}

// Error says whose hand-over failed, at what, and why.
func (e *HandoverError) Error() string {
	if e == nil {
		return "hand-over refused"
	}
	return fmt.Sprintf("hand over the book of %q: %s: %v", e.From, e.Field, e.Err)
}

// Unwrap returns the cause.
func (e *HandoverError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// Handover hands a leaving rep's whole book to the successors, in one
// transaction: the deals deal.Handover moves (open and suspended ones;
// closed ones with req.IncludeClosed; terminated ones never), the
// accounts req.From manages (account.Account.Reassign; an account goes
// to the successor of its deals when some of them moved, otherwise to
// the successor with the fewest records taken so far, the first such in
// req.To), and the open leads req.From owns (lead.Lead.Assign, spread the
// same way; converted and disqualified leads stay, as the record of who
// worked them). A successor's Capacity limits deals only. The
// book is read through the repositories' owner filters (All); each
// record is saved with the version read and its event, so history
// matches state. req.DryRun computes the result and writes nothing.
// req.Cmd is the command of every change (deal.Cmd's Approval is read by
// no hand-over).
//
// Everything is read and computed before the first write. tx should be
// the tx of a Store.Update; given a Store itself, Handover runs its own
// Update. A record changed by someone else after Handover read it makes
// the Update fail with an error matching crmkit.ErrConflict (or
// ErrSerialization), and nothing is moved: re-run it under Retry.
//
// Errors, each a *HandoverError naming the leaving rep and the field,
// and nothing written: a request deal.Handover refuses (no leaving rep,
// no successor, an empty or repeated successor, the leaving rep among
// the successors, a negative capacity, no By or At, more deals than the
// successors can take), a book with nothing to move (all
// crmkit.ErrInvalid), and a command a domain package refuses for one
// record (a deal or lead changed after req.Cmd.At: Field the one
// deal.Handover names for a deal, "accounts" or "leads" otherwise; the
// cause matches what that package says). A nil ctx or tx is crmkit.ErrInvalid; a store's
// errors are returned as the store gives them.
func Handover(ctx context.Context, tx Tx, req deal.HandoverRequest) (HandoverResult, error) {
	switch {
	case ctx == nil:
		return HandoverResult{}, crmkit.Invalid("ctx", "hand over the book of %q: nil context", req.From)
	case tx == nil:
		return HandoverResult{}, crmkit.Invalid("tx", "hand over the book of %q: nil tx", req.From)
	}
	// The request's own rules first, before reading anything: a dry run
	// of no deals checks them all.
	check := req
	check.DryRun = true
	if _, err := deal.Handover(nil, check); err != nil {
		return HandoverResult{}, &HandoverError{From: req.From, Field: fieldOf(err, "to"), Err: err}
	}
	if s, ok := tx.(Store); ok && !req.DryRun {
		var out HandoverResult
		err := s.Update(ctx, func(tx Tx) error {
			r, err := handover(ctx, tx, req)
			out = r
			return err
		})
		if err != nil {
			return HandoverResult{}, err
		}
		return out, nil
	}
	return handover(ctx, tx, req)
}

// fieldOf returns the field a *crmkit.ValidationError in err names, or
// def.
func fieldOf(err error, def string) string {
	var ve *crmkit.ValidationError
	if errors.As(err, &ve) && ve.Field != "" {
		return ve.Field
	}
	return def
}

func handover(ctx context.Context, tx Tx, req deal.HandoverRequest) (HandoverResult, error) {
	refuse := func(field string, err error) (HandoverResult, error) {
		return HandoverResult{}, &HandoverError{From: req.From, Field: field, Err: err}
	}
	var deals []deal.Deal
	for d, err := range All(ctx, tx.Deals(), DealFilter{Owner: req.From}, MaxPageSize) {
		if err != nil {
			return HandoverResult{}, err
		}
		deals = append(deals, d)
	}
	var accounts []account.Account
	for a, err := range All(ctx, tx.Accounts(), AccountFilter{Owner: req.From}, MaxPageSize) {
		if err != nil {
			return HandoverResult{}, err
		}
		accounts = append(accounts, a)
	}
	var leads []lead.Lead
	for l, err := range All(ctx, tx.Leads(), LeadFilter{Owner: req.From}, MaxPageSize) {
		if err != nil {
			return HandoverResult{}, err
		}
		if l.Stage != lead.StageConverted && l.Stage != lead.StageDisqualified {
			leads = append(leads, l)
		}
	}

	dr, err := deal.Handover(deals, req)
	if err != nil {
		return refuse(fieldOf(err, "deals"), err)
	}
	if len(dr.Plan) == 0 && len(accounts) == 0 && len(leads) == 0 {
		return refuse("from", crmkit.Invalid("from", "%q owns no open deal, account or open lead", req.From))
	}

	res := HandoverResult{Deals: dr, Customers: dr.Notices}
	succ := make([]SuccessorNotice, len(req.To))
	index := make(map[string]int, len(req.To))
	for i, s := range req.To {
		succ[i].Rep = s.Rep
		index[s.Rep] = i
	}
	load := make([]int, len(req.To))
	byAccount := make(map[uuid.UUID]int)
	type notice struct {
		account uuid.UUID
		to      string
	}
	covered := make(map[notice]bool)
	for _, p := range dr.Plan {
		i := index[p.To]
		succ[i].Deals = append(succ[i].Deals, p.DealID)
		load[i]++
		if _, ok := byAccount[p.AccountID]; !ok {
			byAccount[p.AccountID] = i
		}
		covered[notice{p.AccountID, p.To}] = true
	}
	least := func() int {
		best := 0
		for i := range load {
			if load[i] < load[best] {
				best = i
			}
		}
		load[best]++
		return best
	}
	cmd := req.Cmd.Cmd
	for _, a := range accounts {
		i, ok := byAccount[a.ID]
		if ok {
			load[i]++
		} else {
			i = least()
		}
		to := succ[i].Rep
		succ[i].Accounts = append(succ[i].Accounts, a.ID)
		if !covered[notice{a.ID, to}] {
			res.Customers = append(res.Customers, deal.Notice{AccountID: a.ID, NewOwner: to})
		}
		if req.DryRun {
			continue
		}
		next, ev, err := a.Reassign(to, cmd)
		if err != nil {
			return refuse("accounts", fmt.Errorf("account %s: %w", a.ID, err))
		}
		res.Accounts = append(res.Accounts, next)
		res.Events = append(res.Events, ev)
	}
	for _, l := range leads {
		i := least()
		succ[i].Leads = append(succ[i].Leads, l.ID)
		if req.DryRun {
			continue
		}
		next, ev, err := l.Assign(succ[i].Rep, cmd)
		if err != nil {
			return refuse("leads", fmt.Errorf("lead %s: %w", l.ID, err))
		}
		res.Leads = append(res.Leads, next)
		res.Events = append(res.Events, ev)
	}
	for _, s := range succ {
		if len(s.Deals)+len(s.Accounts)+len(s.Leads) > 0 {
			res.Successors = append(res.Successors, s)
		}
	}
	if req.DryRun {
		return res, nil
	}
	res.Events = append(append([]crmkit.Event(nil), dr.Events...), res.Events...)

	// Every record is saved with the version it was read at: a change
	// made by someone else since is a conflict, and the Update keeps
	// nothing.
	read := make(map[uuid.UUID]int64, len(deals))
	for _, d := range deals {
		read[d.ID] = d.Version
	}
	for k, d := range dr.Deals {
		if err := tx.Deals().Save(ctx, d, read[d.ID], dr.Events[k]); err != nil {
			return HandoverResult{}, err
		}
	}
	for k, a := range res.Accounts {
		if err := tx.Accounts().Save(ctx, a, accounts[k].Version, res.Events[len(dr.Events)+k]); err != nil {
			return HandoverResult{}, err
		}
	}
	off := len(dr.Events) + len(res.Accounts)
	for k, l := range res.Leads {
		if err := tx.Leads().Save(ctx, l, leads[k].Version, res.Events[off+k]); err != nil {
			return HandoverResult{}, err
		}
	}
	res.Deals.Deals = cloneCanonical(dr.Deals)
	res.Accounts = cloneCanonical(res.Accounts)
	res.Leads = cloneCanonical(res.Leads)
	return res, nil
}

// cloneCanonical returns vs in the form a store keeps them (Canonical).
func cloneCanonical[T any](vs []T) []T {
	for i := range vs {
		vs[i] = Canonical(vs[i])
	}
	return vs
}
