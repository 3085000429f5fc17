package account

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/internal/fsm"
	"github.com/google/uuid"
	looplab "github.com/looplab/fsm"
	"github.com/shopspring/decimal"
)

// ContractStatus is where a contract stands in its life:
//
//	Draft -> Approved -> Signed -> Active -> Completed -> Closed
//	Draft, Approved, Signed, Active, Completed -> Terminated
//
// Closed and Terminated are final: no event leaves them. The zero value is
// not a status.
type ContractStatus uint8

// The contract statuses.
const (
	_ ContractStatus = iota
	// Draft is being written and negotiated.
	Draft
	// Approved passed the internal approval (review, approval,
	// authorisation).
	Approved
	// Signed is signed by both sides; execution is being planned.
	Signed
	// Active is being delivered and billed.
	Active
	// Completed has delivered everything; open items (final invoice,
	// debts) remain.
	Completed
	// Closed is done with nothing open.
	Closed
	// Terminated ended early.
	Terminated
	numContractStatuses
)

// Final reports whether no event leaves s.
func (s ContractStatus) Final() bool { return s == Closed || s == Terminated }

// ContractTrigger is an event of the contract state machine, by number.
type ContractTrigger uint8

// The contract triggers, with the looplab event names in parentheses.
const (
	TriggerApprove   ContractTrigger = iota // draft -> approved ("approve")
	TriggerSign                             // approved -> signed ("sign")
	TriggerActivate                         // signed -> active ("activate")
	TriggerComplete                         // active -> completed ("complete")
	TriggerClose                            // completed -> closed ("close")
	TriggerTerminate                        // any but closed, terminated -> terminated ("terminate")
	numContractTriggers
)

// ContractEvents returns the contract state machine as a looplab/fsm
// definition, the one place its transitions are written down. States and
// events are named by ContractStatus.String and ContractTrigger.String.
func ContractEvents() looplab.Events {
	return looplab.Events{
		{Name: "approve", Src: []string{"draft"}, Dst: "approved"},
		{Name: "sign", Src: []string{"approved"}, Dst: "signed"},
		{Name: "activate", Src: []string{"signed"}, Dst: "active"},
		{Name: "complete", Src: []string{"active"}, Dst: "completed"},
		{Name: "close", Src: []string{"completed"}, Dst: "closed"},
		{Name: "terminate", Src: []string{"draft", "approved", "signed", "active", "completed"}, Dst: "terminated"},
	}
}

// contractMachine is ContractEvents compiled by crmkit's one
// state-machine runtime, with the approval guard of TriggerApprove. Every
// command and every replay runs on it.
var contractMachine = newContractMachine()

// contractCmd is what the guards read of a command besides the contract.
type contractCmd struct {
	req *approval.Request
}

func newContractMachine() *fsm.Machine[Contract, contractCmd] {
	t, err := fsm.Compile(ContractEvents(), contractStatusNames.Index(), contractTriggerNames.Index())
	if err != nil {
		panic(err) // ContractEvents is a literal; the tests compile it
	}
	m := fsm.NewMachine[Contract, contractCmd](t)
	m.Guard(int(TriggerApprove), approvalGuard)
	return m
}

// NextStatus returns the status a contract in s reaches by t and true, or
// false when the definition has no such transition. It is the table
// compiled from ContractEvents, for bulk work (replay, import checks): a
// lookup without allocation. It does not apply the commands' guards.
func NextStatus(s ContractStatus, t ContractTrigger) (ContractStatus, bool) {
	n, ok := contractMachine.Table().Next(int(s), int(t))
	return ContractStatus(n), ok
}

// ContractMermaid draws the contract state machine as a Mermaid state
// diagram, rendered by looplab/fsm from ContractEvents.
func ContractMermaid() (string, error) {
	return contractMachine.Table().Mermaid(Draft.String()), nil
}

// Execution is how far the delivery of a signed contract has come:
// planning, implementation started, implementation done. Project,
// purchasing and inventory events of the host application move it
// forward with Contract.Execute.
type Execution uint8

// The execution stages; the zero value is "not started" (before signing).
const (
	NotStarted Execution = iota
	// Planning plans the delivery.
	Planning
	// ImplementationStarted is delivering.
	ImplementationStarted
	// ImplementationDone has delivered.
	ImplementationDone
)

// TermsKind says why a version of a contract's terms exists.
type TermsKind uint8

// The kinds of terms.
const (
	_ TermsKind = iota
	// Original terms, as drafted.
	Original
	// Amendment changes the terms from a date on.
	Amendment
	// Renewal extends the contract by another term.
	Renewal
)

// Terms is one version of a contract's commercial terms: the period it
// covers, the recurring amount per month, the one-off value, the renewal
// date and whether the contract renews itself. Version 1 is the original;
// each amendment or renewal adds the next version, and a version is in
// force from its Period.Start until the next version's start.
type Terms struct {
	Version     int           `json:"version"`
	Kind        TermsKind     `json:"kind"`
	Period      crmkit.Period `json:"period"`
	Monthly     crmkit.Money  `json:"monthly"`
	Value       crmkit.Money  `json:"value"`
	RenewalDate time.Time     `json:"renewal_date"`
	AutoRenew   bool          `json:"auto_renew"`
}

func (t Terms) validate(cur crmkit.Currency) error {
	switch {
	case t.Period.Start.IsZero() || t.Period.End.IsZero():
		return crmkit.Invalid("term", "start and end are required")
	case !t.Period.End.After(t.Period.Start):
		return crmkit.Invalid("term", "contract ends %s before or when it starts %s", t.Period.End.Format(time.DateOnly), t.Period.Start.Format(time.DateOnly))
	case t.Monthly.Currency() != cur || t.Value.Currency() != cur:
		return fmt.Errorf("monthly %s and value %s must both be in %s: %w", t.Monthly, t.Value, cur, crmkit.ErrCurrencyMismatch)
	case t.Monthly.Sign() < 0:
		return crmkit.Invalid("monthly", "negative recurring amount %s", t.Monthly)
	case t.Value.Sign() < 0:
		return crmkit.Invalid("value", "negative contract value %s", t.Value)
	case t.RenewalDate.Before(t.Period.Start) || t.RenewalDate.After(t.Period.End):
		return crmkit.Invalid("renewal date", "%s is outside the term %s", t.RenewalDate.Format(time.DateOnly), t.Period)
	}
	return nil
}

// Contract is an agreement with an account, usually won through a deal:
// its status, execution, and the versions of its terms (Terms, oldest
// first; the last is current). It is a value: commands return a changed
// copy and the event that records the change, and leave the receiver
// alone. Version counts the events so far.
type Contract struct {
	ID         uuid.UUID       `json:"id"`
	AccountID  uuid.UUID       `json:"account_id"`
	DealID     uuid.UUID       `json:"deal_id,omitzero"`
	Title      string          `json:"title"`
	Currency   crmkit.Currency `json:"currency"`
	Status     ContractStatus  `json:"status"`
	Execution  Execution       `json:"execution"`
	Terms      []Terms         `json:"terms"`
	ApprovalID uuid.UUID       `json:"approval_id,omitzero"`
	// TerminatedAt is when the contract was terminated (zero otherwise);
	// it earns no recurring revenue from then on.
	TerminatedAt time.Time `json:"terminated_at,omitzero"`
	Version      int64     `json:"version"`
}

// ContractKind is the AggregateKind of contract events.
const ContractKind = "contract"

// Event types of contracts, past-tense facts. Each carries the contract's
// Version after it. Status changes have From and To set to the statuses;
// EventContractDrafted's payload is ContractDraftedPayload,
// EventContractApproved's ContractApprovedPayload, EventContractAmended's
// and EventContractRenewed's the new Terms; EventContractExecutionUpdated has
// From and To set to the execution stages; EventContractTerminated's
// Reason is the stated reason.
const (
	EventContractDrafted          = "ContractDrafted"
	EventContractApproved         = "ContractApproved"
	EventContractSigned           = "ContractSigned"
	EventContractActivated        = "ContractActivated"
	EventContractCompleted        = "ContractCompleted"
	EventContractClosed           = "ContractClosed"
	EventContractTerminated       = "ContractTerminated"
	EventContractAmended          = "ContractAmended"
	EventContractRenewed          = "ContractRenewed"
	EventContractExecutionUpdated = "ContractExecutionUpdated"
)

var triggerEvent = [numContractTriggers]string{
	EventContractApproved, EventContractSigned, EventContractActivated,
	EventContractCompleted, EventContractClosed, EventContractTerminated,
}

// ContractApprovalRoles returns the steps a contract's approval must
// have, in the order DOMAIN.md gives: review, approval, authorisation.
func ContractApprovalRoles() []string { return []string{"review", "approval", "authorisation"} }

// ContractSpec is what NewContract needs: the account (and deal, if any),
// a title, the term [Start, End), the recurring amount per month and the
// one-off value (zero amounts in the currency are fine), the renewal date
// (zero: End) and whether it renews itself.
type ContractSpec struct {
	AccountID   uuid.UUID
	DealID      uuid.UUID
	Title       string
	Start, End  time.Time
	Monthly     crmkit.Money
	Value       crmkit.Money
	RenewalDate time.Time
	AutoRenew   bool
}

// NewContract drafts a contract (EventContractDrafted, whose payload is
// the first Terms).
//
// Errors (ErrInvalid unless said): a nil account, an empty title, a
// command crmkit.Cmd.Validate refuses (no actor, no time), a term that ends before or when it starts, a negative
// recurring amount or value, a renewal date outside the term; monthly
// amount and value in different currencies are ErrCurrencyMismatch.
func NewContract(spec ContractSpec, c crmkit.Cmd) (Contract, crmkit.Event, error) {
	switch {
	case spec.AccountID == uuid.Nil:
		return Contract{}, crmkit.Event{}, crmkit.Invalid("account id", "contract %q without account", spec.Title)
	case strings.TrimSpace(spec.Title) == "":
		return Contract{}, crmkit.Event{}, crmkit.Invalid("title", "contract for account %s has no title", spec.AccountID)
	case spec.Monthly.Currency().IsZero():
		return Contract{}, crmkit.Event{}, crmkit.Invalid("monthly", "contract %q: recurring amount without currency (use zero of the currency)", spec.Title)
	}
	renew := spec.RenewalDate
	if renew.IsZero() {
		renew = spec.End
	}
	t := Terms{Version: 1, Kind: Original, Period: crmkit.Period{Start: spec.Start, End: spec.End},
		Monthly: spec.Monthly, Value: spec.Value, RenewalDate: renew, AutoRenew: spec.AutoRenew}
	if t.Value.Currency().IsZero() && t.Value.IsZero() {
		t.Value, _ = crmkit.NewMoney(0, spec.Monthly.Currency())
	}
	if err := t.validate(spec.Monthly.Currency()); err != nil {
		return Contract{}, crmkit.Event{}, fmt.Errorf("contract %q: %w", spec.Title, err)
	}
	k := Contract{ID: c.NewID(), AccountID: spec.AccountID, DealID: spec.DealID, Title: strings.TrimSpace(spec.Title),
		Currency: spec.Monthly.Currency(), Status: Draft, Terms: []Terms{t}}
	return k.record(EventContractDrafted, c, 0, ContractDraftedPayload{
		AccountID: k.AccountID, DealID: k.DealID, Title: k.Title, Terms: t,
	})
}

// ContractDraftedPayload is the payload of EventContractDrafted: all that
// ReplayContract needs to rebuild the draft.
type ContractDraftedPayload struct {
	AccountID uuid.UUID `json:"account_id"`
	DealID    uuid.UUID `json:"deal_id,omitzero"`
	Title     string    `json:"title"`
	Terms     Terms     `json:"terms"`
}

// ContractApprovedPayload is the payload of EventContractApproved: the
// approval request that granted it.
type ContractApprovedPayload struct {
	ApprovalID uuid.UUID `json:"approval_id"`
}

// Current returns the terms in force now: the last version.
func (c Contract) Current() Terms {
	if len(c.Terms) == 0 {
		return Terms{}
	}
	return c.Terms[len(c.Terms)-1]
}

// Subject is the subject of the contract's approval request.
func (c Contract) Subject() string { return "contract:" + c.ID.String() }

// record returns c with its version advanced and the event of the change
// by command cmd (its reason the event's), after crmkit.Cmd.Validate
// accepts cmd.
func (c Contract) record(typ string, cmd crmkit.Cmd, from ContractStatus, payload any) (Contract, crmkit.Event, error) {
	if err := cmd.Validate(); err != nil {
		return Contract{}, crmkit.Event{}, fmt.Errorf("contract %s: %s: %w", c.ID, typ, err)
	}
	c.Version++
	e, err := cmd.NewEvent(ContractKind, c.ID, typ, c.Version, payload)
	if err != nil {
		return Contract{}, crmkit.Event{}, fmt.Errorf("contract %s: %w", c.ID, err)
	}
	if from != 0 {
		e.From = from.String()
	}
	e.To, e.Reason = c.Status.String(), cmd.Reason
	return c, e, nil
}

func (c Contract) clone() Contract {
	c.Terms = slices.Clone(c.Terms)
	return c
}

// fire runs trigger t on the compiled machine: the table, then the
// trigger's guards. Nothing is changed here. The guards are crmkit's own
// (the approval check) and never block, so the commands take no context;
// the runtime gets a background one.
func (c Contract) fire(t ContractTrigger, cmd *contractCmd, at time.Time) (ContractStatus, error) {
	if !c.Status.Valid() {
		return 0, crmkit.Invalid("status", "contract %s has status %s", c.ID, c.Status)
	}
	if t >= numContractTriggers {
		return 0, crmkit.Invalid("trigger", "unknown contract trigger %d", uint8(t))
	}
	n, res, err := contractMachine.Fire(context.Background(), int(c.Status), int(t), &c, cmd, at)
	switch res {
	case fsm.Refused:
		return 0, fmt.Errorf("contract %s is %s: %s is not allowed: %w", c.ID, c.Status, t, crmkit.ErrIllegalTransition)
	case fsm.Blocked:
		return 0, err
	case fsm.Stopped:
		return 0, fmt.Errorf("contract %s: %s: %w", c.ID, t, err)
	}
	return ContractStatus(n), nil
}

// approvalGuard accepts TriggerApprove only with a request for the
// contract's subject, granted at the command's time, with a step for each
// of ContractApprovalRoles (approval.Request.Check).
func approvalGuard(_ context.Context, c Contract, cmd contractCmd, at time.Time) error {
	if err := cmd.req.Check(c.Subject(), ContractApprovalRoles(), "", at); err != nil {
		return fmt.Errorf("contract %s: %w", c.ID, err)
	}
	return nil
}

func (c Contract) transition(t ContractTrigger, cmd crmkit.Cmd) (Contract, crmkit.Event, error) {
	return c.transitionWith(t, cmd, nil)
}

func (c Contract) transitionWith(t ContractTrigger, cmd crmkit.Cmd, req *approval.Request) (Contract, crmkit.Event, error) {
	if err := cmd.Validate(); err != nil {
		return Contract{}, crmkit.Event{}, fmt.Errorf("contract %s: %s: %w", c.ID, t, err)
	}
	at := cmd.At
	next, err := c.fire(t, &contractCmd{req: req}, at)
	if err != nil {
		return Contract{}, crmkit.Event{}, err
	}
	out := c.clone()
	from := out.Status
	out.Status = next
	if t == TriggerSign && out.Execution == NotStarted {
		out.Execution = Planning
	}
	if t == TriggerTerminate {
		out.TerminatedAt = at
	}
	if t == TriggerApprove {
		out.ApprovalID = req.ID
		return out.record(triggerEvent[t], cmd, from, ContractApprovedPayload{ApprovalID: req.ID})
	}
	return out.record(triggerEvent[t], cmd, from, nil)
}

// Approve moves a Draft contract to Approved. req must be an
// approval.Request for c.Subject(), granted at cmd.At, with a step for each
// of ContractApprovalRoles (review, approval, authorisation); else
// ErrForbidden (approval.Request.Check).
func (c Contract) Approve(req approval.Request, cmd crmkit.Cmd) (Contract, crmkit.Event, error) {
	return c.transitionWith(TriggerApprove, cmd, &req)
}

// Sign moves an Approved contract to Signed; its execution starts at
// Planning.
func (c Contract) Sign(cmd crmkit.Cmd) (Contract, crmkit.Event, error) {
	return c.transition(TriggerSign, cmd)
}

// Activate moves a Signed contract to Active (delivery and billing run).
func (c Contract) Activate(cmd crmkit.Cmd) (Contract, crmkit.Event, error) {
	return c.transition(TriggerActivate, cmd)
}

// Complete moves an Active contract to Completed.
func (c Contract) Complete(cmd crmkit.Cmd) (Contract, crmkit.Event, error) {
	return c.transition(TriggerComplete, cmd)
}

// Close moves a Completed contract to Closed, which is final.
func (c Contract) Close(cmd crmkit.Cmd) (Contract, crmkit.Event, error) {
	return c.transition(TriggerClose, cmd)
}

// Terminate ends a contract early, from any status but Closed and
// Terminated; cmd.Reason is required (ErrInvalid without).
func (c Contract) Terminate(cmd crmkit.Cmd) (Contract, crmkit.Event, error) {
	if strings.TrimSpace(cmd.Reason) == "" {
		return Contract{}, crmkit.Event{}, crmkit.Invalid("reason", "contract %s: termination without reason", c.ID)
	}
	return c.transition(TriggerTerminate, cmd)
}

// Fire applies trigger t with no input but the command: Sign, Activate,
// Complete, Close, or Terminate (with reason "terminated" if cmd.Reason is
// empty). TriggerApprove needs an approval and is ErrForbidden here (use
// Approve).
func (c Contract) Fire(t ContractTrigger, cmd crmkit.Cmd) (Contract, crmkit.Event, error) {
	switch t {
	case TriggerApprove:
		return c.transitionWith(TriggerApprove, cmd, nil)
	case TriggerTerminate:
		if strings.TrimSpace(cmd.Reason) == "" {
			cmd.Reason = "terminated"
		}
		return c.Terminate(cmd)
	}
	return c.transition(t, cmd)
}

// Execute moves the execution of a Signed or Active contract forward to x
// (EventContractExecutionUpdated, From and To the execution stages).
// Moving backwards, staying, or a contract in another status is
// ErrIllegalTransition.
func (c Contract) Execute(x Execution, cmd crmkit.Cmd) (Contract, crmkit.Event, error) {
	switch {
	case c.Status != Signed && c.Status != Active:
		return Contract{}, crmkit.Event{}, fmt.Errorf("contract %s is %s: execution cannot move: %w", c.ID, c.Status, crmkit.ErrIllegalTransition)
	case x > ImplementationDone:
		return Contract{}, crmkit.Event{}, crmkit.Invalid("execution", "unknown execution stage %d", uint8(x))
	case x <= c.Execution:
		return Contract{}, crmkit.Event{}, fmt.Errorf("contract %s: execution %s cannot move to %s: %w", c.ID, c.Execution, x, crmkit.ErrIllegalTransition)
	}
	out := c.clone()
	from := out.Execution
	out.Execution = x
	out, e, err := out.record(EventContractExecutionUpdated, cmd, 0, nil)
	if err == nil {
		e.From, e.To = from.String(), x.String()
	}
	return out, e, err
}

// Amend adds a new version of the terms in force from `from` (inside the
// current term) to end, with a new monthly amount and value
// (EventContractAmended, payload the new Terms). Amendments are allowed
// while the contract is Draft, Approved, Signed or Active; a Draft
// amendment needs no new approval, an amendment after approval does in
// the host application's process.
func (c Contract) Amend(from, end time.Time, monthly, value crmkit.Money, cmd crmkit.Cmd) (Contract, crmkit.Event, error) {
	if c.Status.Final() || c.Status == Completed || !c.Status.Valid() {
		return Contract{}, crmkit.Event{}, fmt.Errorf("contract %s is %s: cannot amend: %w", c.ID, c.Status, crmkit.ErrIllegalTransition)
	}
	cur := c.Current()
	if from.Before(cur.Period.Start) || !from.Before(cur.Period.End) {
		return Contract{}, crmkit.Event{}, crmkit.Invalid("from", "contract %s: amendment from %s outside the current term %s", c.ID, from.Format(time.DateOnly), cur.Period)
	}
	t := Terms{Version: cur.Version + 1, Kind: Amendment, Period: crmkit.Period{Start: from, End: end},
		Monthly: monthly, Value: value, RenewalDate: end, AutoRenew: cur.AutoRenew}
	if !cur.RenewalDate.After(end) && !cur.RenewalDate.Before(from) && !cur.RenewalDate.Equal(cur.Period.End) {
		t.RenewalDate = cur.RenewalDate
	}
	if err := t.validate(c.Currency); err != nil {
		return Contract{}, crmkit.Event{}, fmt.Errorf("contract %s amendment: %w", c.ID, err)
	}
	out := c.clone()
	out.Terms = append(out.Terms, t)
	return out.record(EventContractAmended, cmd, 0, t)
}

// Renew extends an Active contract by one more term of the same number of
// months from the current end, with the given monthly amount (the current
// one if zero of no currency) and a zero one-off value
// (EventContractRenewed, payload the new Terms).
func (c Contract) Renew(monthly crmkit.Money, cmd crmkit.Cmd) (Contract, crmkit.Event, error) {
	if c.Status != Active {
		return Contract{}, crmkit.Event{}, fmt.Errorf("contract %s is %s: only active contracts renew: %w", c.ID, c.Status, crmkit.ErrIllegalTransition)
	}
	cur := c.Current()
	if monthly == (crmkit.Money{}) {
		monthly = cur.Monthly
	}
	first := c.Terms[0].Period
	months := monthsBetween(first.Start, first.End)
	if months < 1 {
		months = 1
	}
	end := cur.Period.End.AddDate(0, months, 0)
	zero, _ := crmkit.NewMoney(0, c.Currency)
	t := Terms{Version: cur.Version + 1, Kind: Renewal, Period: crmkit.Period{Start: cur.Period.End, End: end},
		Monthly: monthly, Value: zero, RenewalDate: end, AutoRenew: cur.AutoRenew}
	if err := t.validate(c.Currency); err != nil {
		return Contract{}, crmkit.Event{}, fmt.Errorf("contract %s renewal: %w", c.ID, err)
	}
	out := c.clone()
	out.Terms = append(out.Terms, t)
	return out.record(EventContractRenewed, cmd, 0, t)
}

// monthsBetween counts whole calendar months from a to b.
func monthsBetween(a, b time.Time) int {
	n := (b.Year()-a.Year())*12 + int(b.Month()-a.Month())
	if a.AddDate(0, n, 0).After(b) {
		n--
	}
	return n
}

// RenewalDue reports whether an Active contract has reached its renewal
// date at now; AutoRenew says whether it renews itself (the host calls
// Renew) or needs a renewal deal.
func (c Contract) RenewalDue(now time.Time) (due, auto bool) {
	cur := c.Current()
	if c.Status != Active || now.Before(cur.RenewalDate) {
		return false, false
	}
	return true, cur.AutoRenew
}

// End returns the end of the last version of the terms.
func (c Contract) End() time.Time { return c.Current().Period.End }

// segments returns, for each version, the part of time it is in force:
// from its start until the next version's start (or its own end).
func (c Contract) segments() []crmkit.Period {
	out := make([]crmkit.Period, len(c.Terms))
	for i, t := range c.Terms {
		p := t.Period
		if i+1 < len(c.Terms) && c.Terms[i+1].Period.Start.Before(p.End) {
			p.End = c.Terms[i+1].Period.Start
		}
		if !c.TerminatedAt.IsZero() && c.TerminatedAt.Before(p.End) {
			p.End = c.TerminatedAt
			if p.End.Before(p.Start) {
				p.End = p.Start
			}
		}
		out[i] = p
	}
	return out
}

// RecurringRevenue returns the recurring revenue of c within p: for every
// version of the terms, the monthly amount times the share of each
// calendar month (of cal) that the version covers within p, summed
// exactly and rounded once with mode. A whole month gives exactly the
// monthly amount; 15 of 30 days give half of it. A terminated contract
// earns nothing from TerminatedAt on. The figure is what the terms bill,
// whatever the status: for a Draft it is a forecast.
func (c Contract) RecurringRevenue(p crmkit.Period, cal crmkit.Calendar, mode crmkit.RoundingMode) (crmkit.Money, error) {
	if p.End.Before(p.Start) {
		return crmkit.Money{}, crmkit.Invalid("period", "end before start")
	}
	total := decimal.Zero
	for i, seg := range c.segments() {
		in, ok := seg.Intersect(p)
		if !ok || in.IsEmpty() {
			continue
		}
		m := decimal.NewFromInt(c.Terms[i].Monthly.Minor())
		for _, piece := range cal.Months(in) {
			month := cal.Month(piece.Start)
			if piece.Equal(month) {
				total = total.Add(m)
				continue
			}
			share, err := crmkit.Ratio(decimal.NewFromInt(int64(piece.Duration())), decimal.NewFromInt(int64(month.Duration())))
			if err != nil {
				return crmkit.Money{}, err
			}
			total = total.Add(m.Mul(share))
		}
	}
	return crmkit.MoneyFromDecimal(total.Shift(-int32(c.Currency.Digits())), c.Currency, mode)
}

// eventTrigger maps a transition event type to its trigger.
func eventTrigger(typ string) (ContractTrigger, bool) {
	i := slices.Index(triggerEvent[:], typ)
	return ContractTrigger(i), i >= 0
}

// ReplayContract rebuilds a contract from its events, oldest first. The
// first must be EventContractDrafted; every later one must carry the next
// version and be legal where it occurs. Status changes are checked with
// the compiled table (NextStatus), the bulk path: replay builds no looplab
// machine and re-checks no guards (the approval was checked when it was
// given). Errors are ErrInvalid naming the event.
func ReplayContract(events []crmkit.Event) (Contract, error) {
	if len(events) == 0 {
		return Contract{}, crmkit.Invalid("events", "no contract events")
	}
	var c Contract
	for i, e := range events {
		if err := c.apply(e); err != nil {
			return Contract{}, fmt.Errorf("replay events[%d] (%s): %w", i, e.Type, err)
		}
	}
	return c, nil
}

func (c *Contract) apply(e crmkit.Event) error {
	if e.AggregateKind != ContractKind || e.Version != c.Version+1 || (c.Version > 0 && e.AggregateID != c.ID) {
		return crmkit.Invalid("event", "%s %s version %d does not follow contract %s version %d", e.AggregateKind, e.AggregateID, e.Version, c.ID, c.Version)
	}
	if (c.Version == 0) != (e.Type == EventContractDrafted) {
		return crmkit.Invalid("event", "a contract starts with %s and only once", EventContractDrafted)
	}
	switch e.Type {
	case EventContractDrafted:
		var p ContractDraftedPayload
		if err := e.DecodePayload(&p); err != nil {
			return err
		}
		if p.AccountID == uuid.Nil || strings.TrimSpace(p.Title) == "" || p.Terms.Version != 1 || p.Terms.Kind != Original {
			return crmkit.Invalid("event", "drafted contract without account, title or original terms")
		}
		if err := p.Terms.validate(p.Terms.Monthly.Currency()); err != nil {
			return err
		}
		*c = Contract{ID: e.AggregateID, AccountID: p.AccountID, DealID: p.DealID, Title: p.Title,
			Currency: p.Terms.Monthly.Currency(), Status: Draft, Terms: []Terms{p.Terms}}
	case EventContractAmended, EventContractRenewed:
		var t Terms
		if err := e.DecodePayload(&t); err != nil {
			return err
		}
		want := Amendment
		if e.Type == EventContractRenewed {
			want = Renewal
		}
		if t.Kind != want || t.Version != c.Current().Version+1 {
			return crmkit.Invalid("event", "terms %s version %d after version %d", t.Kind, t.Version, c.Current().Version)
		}
		if err := t.validate(c.Currency); err != nil {
			return err
		}
		if c.Status.Final() || c.Status == Completed || (want == Renewal && c.Status != Active) {
			return fmt.Errorf("contract %s is %s: %w", c.ID, c.Status, crmkit.ErrIllegalTransition)
		}
		c.Terms = append(slices.Clone(c.Terms), t)
	case EventContractExecutionUpdated:
		x, xerr := executionNames.Parse(e.To)
		if (c.Status != Signed && c.Status != Active) || xerr != nil || x <= c.Execution {
			return fmt.Errorf("contract %s is %s with execution %s: cannot move to %q: %w", c.ID, c.Status, c.Execution, e.To, crmkit.ErrIllegalTransition)
		}
		c.Execution = x
	default:
		t, ok := eventTrigger(e.Type)
		if !ok {
			return crmkit.Invalid("event", "unknown contract event type %q", e.Type)
		}
		next, ok := NextStatus(c.Status, t)
		if !ok || e.To != next.String() {
			return fmt.Errorf("contract %s is %s: %s to %q: %w", c.ID, c.Status, t, e.To, crmkit.ErrIllegalTransition)
		}
		if t == TriggerApprove {
			var p ContractApprovedPayload
			if err := e.DecodePayload(&p); err != nil {
				return err
			}
			c.ApprovalID = p.ApprovalID
		}
		if t == TriggerSign && c.Execution == NotStarted {
			c.Execution = Planning
		}
		if t == TriggerTerminate {
			c.TerminatedAt = e.At
		}
		c.Status = next
	}
	c.Version = e.Version
	return nil
}
