package quote

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/approval"
	"github.com/google/uuid"
)

// Status is where a Quote stands:
//
//	Draft -> PendingApproval -> Approved | Rejected   (Submit; Approve, Reject)
//	Draft -> Approved                                   (Submit when the policy asks for no approval)
//	Approved -> Sent -> Accepted | Declined | Expired   (Send; Accept, Decline, Expire)
//
// Accepted is final. From every other status except Draft, Revise starts
// the next version as a Draft. The zero value is not a status.
type Status uint8

// The quote statuses.
const (
	_ Status = iota
	// Draft is being edited: lines and validity may change.
	Draft
	// PendingApproval waits for its approval chain.
	PendingApproval
	// Approved may be sent to the customer.
	Approved
	// Rejected was refused by an approver; revise it.
	Rejected
	// Sent is with the customer.
	Sent
	// Accepted was accepted by the customer (final).
	Accepted
	// Declined was declined by the customer.
	Declined
	// Expired was sent but not accepted before ValidUntil.
	Expired
)

// ParseStatus parses the form String returns.
func ParseStatus(s string) (Status, error) {
	v, err := statusNames.Parse(s)
	if err == nil && !statusNames.Valid(v) {
		return 0, crmkit.Invalid("quote status", "%q is not a quote status", s)
	}
	return v, err
}

// QuoteKind is the AggregateKind of quote events.
const QuoteKind = "quote"

// Event types of the "quote" aggregate. Every quote command returns one
// of them, one event per command; a command that also changes the quote's
// approval request (Submit, Approve, Reject, Revise) folds the request's
// own "approval" event into its payload (the Approval field of
// SubmittedPayload, ApprovalPayload or ContentPayload),
// and the quote's state holds the request (Quote.Approval).
const (
	// EventQuoteCreated opens a quote; payload ContentPayload.
	EventQuoteCreated = "QuoteCreated"
	// EventQuoteLinesChanged replaces a draft's lines; payload ContentPayload.
	EventQuoteLinesChanged = "QuoteLinesChanged"
	// EventQuoteValidityChanged moves a draft's ValidUntil; payload ContentPayload.
	EventQuoteValidityChanged = "QuoteValidityChanged"
	// EventQuoteSubmitted sends a draft for approval; payload SubmittedPayload.
	EventQuoteSubmitted = "QuoteSubmitted"
	// EventQuoteApproved makes a quote sendable; payload SubmittedPayload.
	EventQuoteApproved = "QuoteApproved"
	// EventQuoteRejected records an approver's refusal; payload
	// ApprovalPayload.
	EventQuoteRejected = "QuoteRejected"
	// EventQuoteStepApproved records the approval of one step of a
	// chain that needs more (the quote stays pending); payload
	// ApprovalPayload.
	EventQuoteStepApproved = "QuoteStepApproved"
	// EventQuoteSent records that the quote went to the customer.
	EventQuoteSent = "QuoteSent"
	// EventQuoteAccepted records the customer's acceptance.
	EventQuoteAccepted = "QuoteAccepted"
	// EventQuoteDeclined records the customer's refusal.
	EventQuoteDeclined = "QuoteDeclined"
	// EventQuoteExpired records that a sent quote reached ValidUntil.
	EventQuoteExpired = "QuoteExpired"
	// EventQuoteRevised starts the next version as a draft; payload ContentPayload.
	EventQuoteRevised = "QuoteRevised"
)

// Quote is a priced offer on a deal, in one currency. Its totals are exact
// (Totals). It moves through Status by the methods below, each of
// which returns a new Quote and the events that record the change and never
// changes its receiver; a rejected call returns an error and nothing else.
//
// Version is the revision the customer sees (1, 2, ...): Revise starts the
// next one as a Draft under the same ID, and the caller keeps the old
// value (or its events) as history. Seq counts the quote's events so far
// and is the Version of its latest event; storage uses it for optimistic
// concurrency.
//
// A quote that needs approval (ApprovalPolicy) cannot be sent before
// its Approval is granted: Send only leaves Approved, and checks the grant
// against the policy again at the time of sending, so neither a hand-built
// value nor an approval that ran out gets through. Replay rebuilds a
// quote from its events.
type Quote struct {
	ID       uuid.UUID       `json:"id"`
	DealID   uuid.UUID       `json:"deal_id"`
	Version  int             `json:"version"`
	Currency crmkit.Currency `json:"currency"`
	Lines    []Line          `json:"lines"`
	Status   Status          `json:"status"`
	// Approval is the approval request of this version, nil while a
	// draft or when the policy asked for none.
	Approval *approval.Request `json:"approval,omitempty"`
	// ValidUntil is the end of the offer (exclusive); zero for open-ended.
	ValidUntil time.Time `json:"valid_until,omitzero"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	// SentAt is when this version was sent (zero if not).
	SentAt time.Time `json:"sent_at,omitzero"`
	Seq    int64     `json:"seq"`
}

// ContentPayload is the payload of EventQuoteCreated,
// EventQuoteLinesChanged, EventQuoteValidityChanged and EventQuoteRevised:
// the content of the draft after the event.
type ContentPayload struct {
	DealID     uuid.UUID       `json:"deal_id"`
	Version    int             `json:"version"`
	Currency   crmkit.Currency `json:"currency"`
	Lines      []Line          `json:"lines"`
	ValidUntil time.Time       `json:"valid_until,omitzero"`
	// Approval is, on EventQuoteRevised of a quote pending approval, the
	// event that cancelled (or expired) its request.
	Approval *crmkit.Event `json:"approval,omitempty"`
}

// ApprovalPayload is the payload of EventQuoteStepApproved and
// EventQuoteRejected: the approval request's own event of the decision.
type ApprovalPayload struct {
	Approval crmkit.Event `json:"approval"`
}

// SubmittedPayload is the payload of EventQuoteSubmitted and
// EventQuoteApproved: the version, its totals and the approval asked for
// (no roles and a nil request when none was needed).
type SubmittedPayload struct {
	Version    int       `json:"version"`
	Totals     Totals    `json:"totals"`
	Roles      []string  `json:"roles,omitempty"`
	ApprovalID uuid.UUID `json:"approval_id,omitzero"`
	// Approval is the approval request's own event: its creation on
	// EventQuoteSubmitted, the last step on EventQuoteApproved after a
	// chain (nil when no approval was needed).
	Approval *crmkit.Event `json:"approval,omitempty"`
}

// New creates version 1 of a quote on deal dealID in cur, as a Draft
// with lines (possibly none yet), valid until validUntil (zero for
// open-ended), created by c.By at c.At.
//
// Errors: ErrInvalid for a nil deal ID, a missing currency, a command
// crmkit.Cmd.Validate refuses, validUntil not after c.At, or a bad line (see Line);
// ErrCurrencyMismatch for a line priced in another currency; ErrOverflow
// for totals beyond int64 minor units.
func New(dealID uuid.UUID, cur crmkit.Currency, lines []Line, validUntil time.Time, c crmkit.Cmd) (Quote, crmkit.Event, error) {
	by, at := c.By, c.At
	if err := c.Validate(); err != nil {
		return Quote{}, crmkit.Event{}, fmt.Errorf("new quote on deal %s: %w", dealID, err)
	}
	switch {
	case dealID == uuid.Nil:
		return Quote{}, crmkit.Event{}, crmkit.Invalid("deal id", "nil UUID")
	case cur.IsZero():
		return Quote{}, crmkit.Event{}, crmkit.Invalid("currency", "missing currency")
	case !validUntil.IsZero() && !validUntil.After(at):
		return Quote{}, crmkit.Event{}, crmkit.Invalid("valid until", "%s is not after the creation time %s", validUntil.Format(time.RFC3339), at.Format(time.RFC3339))
	}
	if _, err := LinesTotals(cur, lines); err != nil {
		return Quote{}, crmkit.Event{}, fmt.Errorf("new quote on deal %s: %w", dealID, err)
	}
	q := Quote{
		ID: c.NewID(), DealID: dealID, Version: 1, Currency: cur,
		Lines: slices.Clone(lines), Status: Draft, ValidUntil: validUntil,
		CreatedBy: by, CreatedAt: at, UpdatedAt: at, Seq: 1,
	}
	e, err := q.event(EventQuoteCreated, c, q.content())
	if err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	return q, e, nil
}

// Clone returns a deep copy of q: lines and approval are not shared.
func (q Quote) Clone() Quote {
	q.Lines = slices.Clone(q.Lines)
	if q.Approval != nil {
		a := q.Approval.Clone()
		q.Approval = &a
	}
	return q
}

// Totals returns the exact totals of the quote's lines (see the type Totals).
func (q Quote) Totals() (Totals, error) {
	if q.Currency.IsZero() {
		return Totals{}, crmkit.Invalid("currency", "quote %s has no currency", q.ID)
	}
	return linesTotals(q.Currency, q.Lines)
}

// ExpiredAt reports whether the quote has a ValidUntil and at is at or
// after it.
func (q Quote) ExpiredAt(at time.Time) bool {
	return !q.ValidUntil.IsZero() && !at.Before(q.ValidUntil)
}

// SetLines replaces the lines of a Draft (EventQuoteLinesChanged). Errors
// as New for the lines; ErrIllegalTransition unless a Draft.
func (q Quote) SetLines(lines []Line, c crmkit.Cmd) (Quote, crmkit.Event, error) {
	if err := q.checkCommand("change the lines of", c, Draft); err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	if _, err := LinesTotals(q.Currency, lines); err != nil {
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d: %w", q.ID, q.Version, err)
	}
	out := q.Clone()
	out.Lines = slices.Clone(lines)
	return out.emit(EventQuoteLinesChanged, q.Status, c, out.content())
}

// SetValidUntil moves the end of a Draft's offer (EventQuoteValidityChanged);
// zero makes it open-ended. ErrInvalid if it is not after c.At,
// ErrIllegalTransition unless a Draft.
func (q Quote) SetValidUntil(validUntil time.Time, c crmkit.Cmd) (Quote, crmkit.Event, error) {
	if err := q.checkCommand("change the validity of", c, Draft); err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	if !validUntil.IsZero() && !validUntil.After(c.At) {
		return Quote{}, crmkit.Event{}, crmkit.Invalid("valid until", "%s is not after %s for quote %s", validUntil.Format(time.RFC3339), c.At.Format(time.RFC3339), q.ID)
	}
	out := q.Clone()
	out.ValidUntil = validUntil
	return out.emit(EventQuoteValidityChanged, q.Status, c, out.content())
}

// Submit asks for the approvals policy requires of the Draft's totals. If
// it requires any, the quote becomes PendingApproval with a new
// approval.Request requested by c.By (EventQuoteSubmitted, the request's
// approval.EventApprovalRequested in its payload); otherwise it becomes Approved
// at once (EventQuoteApproved, no request).
//
// Errors: ErrIllegalTransition unless a Draft; ErrInvalid for no lines,
// an invalid policy, a quote already past ValidUntil, a command
// crmkit.Cmd.Validate refuses or a time before the last change.
func (q Quote) Submit(policy ApprovalPolicy, c crmkit.Cmd) (Quote, crmkit.Event, error) {
	by, at := c.By, c.At
	if err := q.checkCommand("submit", c, Draft); err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	if len(q.Lines) == 0 {
		return Quote{}, crmkit.Event{}, crmkit.Invalid("lines", "quote %s v%d has no lines", q.ID, q.Version)
	}
	if q.ExpiredAt(at) {
		return Quote{}, crmkit.Event{}, crmkit.Invalid("valid until", "quote %s v%d was valid until %s, before %s", q.ID, q.Version, q.ValidUntil.Format(time.RFC3339), at.Format(time.RFC3339))
	}
	if err := policy.Validate(); err != nil {
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote approval policy: %w", err)
	}
	t, err := q.Totals()
	if err != nil {
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d: %w", q.ID, q.Version, err)
	}
	roles := policy.RequiredRoles(t)
	payload := SubmittedPayload{Version: q.Version, Totals: t, Roles: roles}
	out := q.Clone()
	if len(roles) == 0 {
		out.Status = Approved
		nc := c
		nc.Reason = "no approval required"
		return out.emit(EventQuoteApproved, q.Status, nc, payload)
	}
	expires := q.ValidUntil
	if policy.TTL > 0 && (expires.IsZero() || at.Add(policy.TTL).Before(expires)) {
		expires = at.Add(policy.TTL)
	}
	a, ae, err := approval.New(ApprovalSubject(q.ID, q.Version), roles, expires, crmkit.Cmd{By: by, At: at, IDs: c.IDs})
	if err != nil {
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d: %w", q.ID, q.Version, err)
	}
	payload.ApprovalID, payload.Approval = a.ID, &ae
	out.Approval = &a
	out.Status = PendingApproval
	return out.emit(EventQuoteSubmitted, q.Status, c, payload)
}

// Approve records the approval of the current step of the quote's
// approval chain by c.By holding roles (see approval.Request.Approve for
// who may), c.Reason its comment. When it completes the chain the quote
// becomes Approved (EventQuoteApproved); otherwise it stays pending
// (EventQuoteStepApproved). Either way the approval's own event is in the
// payload and the request in the quote's Approval.
//
// Errors: ErrIllegalTransition unless PendingApproval (or when the
// approval expired); ErrForbidden from the separation-of-duties rules;
// ErrInvalid for a command crmkit.Cmd.Validate refuses or a time before
// the last change.
func (q Quote) Approve(roles []string, c crmkit.Cmd) (Quote, crmkit.Event, error) {
	return q.decide(roles, c, true)
}

// Reject records the rejection of the quote's approval by c.By holding
// roles, c.Reason its comment: the quote becomes Rejected
// (EventQuoteRejected, the approval's approval.EventApprovalRejected in its
// payload). Revise it to try again. Errors as Approve.
func (q Quote) Reject(roles []string, c crmkit.Cmd) (Quote, crmkit.Event, error) {
	return q.decide(roles, c, false)
}

func (q Quote) decide(roles []string, c crmkit.Cmd, approve bool) (Quote, crmkit.Event, error) {
	verb := "approve"
	if !approve {
		verb = "reject"
	}
	if err := q.checkCommand(verb, c, PendingApproval); err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	if q.Approval == nil {
		return Quote{}, crmkit.Event{}, crmkit.Invalid("approval", "quote %s v%d is pending approval without a request", q.ID, q.Version)
	}
	by := approval.Cmd{Cmd: c, Roles: roles}
	var (
		a   approval.Request
		ae  crmkit.Event
		err error
	)
	if approve {
		a, ae, err = q.Approval.Approve(by)
	} else {
		a, ae, err = q.Approval.Reject(by)
	}
	if err != nil {
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d: %w", q.ID, q.Version, err)
	}
	out := q.Clone()
	out.Approval = &a
	switch a.Status {
	case approval.Approved:
		t, err := q.Totals()
		if err != nil {
			return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d: %w", q.ID, q.Version, err)
		}
		out.Status = Approved
		return out.emit(EventQuoteApproved, q.Status, c, SubmittedPayload{Version: q.Version, Totals: t, Roles: a.Roles(), ApprovalID: a.ID, Approval: &ae})
	case approval.Rejected:
		out.Status = Rejected
		return out.emit(EventQuoteRejected, q.Status, c, ApprovalPayload{Approval: ae})
	default:
		// An intermediate step: the quote stays pending.
		return out.emit(EventQuoteStepApproved, q.Status, c, ApprovalPayload{Approval: ae})
	}
}

// Send records that the Approved quote went to the customer
// (EventQuoteSent). The approval is checked again against policy (the one
// Submit used, or today's): if policy requires roles for the quote's
// totals, its Approval must be for this quote version, valid, granted at
// at and have a step for each required role. An Approval the quote carries
// must be granted at at even if policy no longer asks for it.
//
// Errors: ErrForbidden while the approval is pending or rejected, or when
// it is missing, expired or does not cover policy; ErrIllegalTransition
// from any other status but Approved, or at or after ValidUntil;
// ErrInvalid for an invalid policy, a command crmkit.Cmd.Validate refuses
// or a time before the last change.
func (q Quote) Send(policy ApprovalPolicy, c crmkit.Cmd) (Quote, crmkit.Event, error) {
	at := c.At
	switch q.Status {
	case PendingApproval, Rejected:
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d is %s: cannot send without approval: %w", q.ID, q.Version, q.Status, crmkit.ErrForbidden)
	}
	if err := q.checkCommand("send", c, Approved); err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	if q.ExpiredAt(at) {
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d was valid until %s: cannot send: %w", q.ID, q.Version, q.ValidUntil.Format(time.RFC3339), crmkit.ErrIllegalTransition)
	}
	if err := policy.Validate(); err != nil {
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote approval policy: %w", err)
	}
	t, err := q.Totals()
	if err != nil {
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d: %w", q.ID, q.Version, err)
	}
	if err := q.checkApproval(policy.RequiredRoles(t), at); err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	out := q.Clone()
	out.Status, out.SentAt = Sent, at
	return out.emit(EventQuoteSent, q.Status, c, nil)
}

// checkApproval returns ErrForbidden unless q's approval (if any, and
// required when roles is not empty) is this version's, granted at at, and
// has a distinct step for every role in roles.
func (q Quote) checkApproval(roles []string, at time.Time) error {
	a := q.Approval
	switch {
	case a == nil && len(roles) == 0:
		return nil
	case a == nil:
		return fmt.Errorf("quote %s v%d needs an approval by %s: %w", q.ID, q.Version, strings.Join(roles, ", "), crmkit.ErrForbidden)
	case a.Subject != ApprovalSubject(q.ID, q.Version):
		return fmt.Errorf("quote %s v%d: approval %s is for %q: %w", q.ID, q.Version, a.ID, a.Subject, crmkit.ErrForbidden)
	case !a.Granted(at):
		return fmt.Errorf("quote %s v%d: approval %s is %s, not granted at %s: %w", q.ID, q.Version, a.ID, a.StatusAt(at), at.Format(time.RFC3339), crmkit.ErrForbidden)
	}
	if !a.Covers(roles) {
		return fmt.Errorf("quote %s v%d: approval %s by %s does not cover the roles %s: %w", q.ID, q.Version, a.ID,
			strings.Join(a.Roles(), ", "), strings.Join(roles, ", "), crmkit.ErrForbidden)
	}
	return nil
}

// ApprovalSubject is the Subject of the approval request of version
// version of quote id.
func ApprovalSubject(id uuid.UUID, version int) string {
	return fmt.Sprintf("quote %s v%d", id, version)
}

// Accept records the customer's acceptance of the Sent quote
// (EventQuoteAccepted); c.By is who recorded it. ErrIllegalTransition
// unless Sent and before ValidUntil.
func (q Quote) Accept(c crmkit.Cmd) (Quote, crmkit.Event, error) {
	if err := q.checkCommand("accept", c, Sent); err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	if q.ExpiredAt(c.At) {
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d expired at %s: cannot accept: %w", q.ID, q.Version, q.ValidUntil.Format(time.RFC3339), crmkit.ErrIllegalTransition)
	}
	out := q.Clone()
	out.Status = Accepted
	return out.emit(EventQuoteAccepted, q.Status, c, nil)
}

// Decline records the customer's refusal of the Sent quote, with the
// reason c.Reason (EventQuoteDeclined). ErrIllegalTransition unless Sent.
func (q Quote) Decline(c crmkit.Cmd) (Quote, crmkit.Event, error) {
	if err := q.checkCommand("decline", c, Sent); err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	out := q.Clone()
	out.Status = Declined
	return out.emit(EventQuoteDeclined, q.Status, c, nil)
}

// Expire records that a Sent quote reached its ValidUntil
// (EventQuoteExpired), as found by c.By (usually a system job) at c.At.
// The quote and the event carry ValidUntil itself as the time it expired.
// ErrInvalid for a command crmkit.Cmd.Validate refuses;
// ErrIllegalTransition unless Sent and expired at c.At.
func (q Quote) Expire(c crmkit.Cmd) (Quote, crmkit.Event, error) {
	if err := c.Validate(); err != nil {
		return Quote{}, crmkit.Event{}, fmt.Errorf("expire quote %s: %w", q.ID, err)
	}
	switch {
	case q.Status != Sent:
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d is %s: cannot expire: %w", q.ID, q.Version, q.Status, crmkit.ErrIllegalTransition)
	case !q.ExpiredAt(c.At):
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d is valid until %s, not expired at %s: %w", q.ID, q.Version, q.ValidUntil.Format(time.RFC3339), c.At.Format(time.RFC3339), crmkit.ErrIllegalTransition)
	}
	out := q.Clone()
	out.Status = Expired
	return out.emit(EventQuoteExpired, q.Status, crmkit.Cmd{By: c.By, At: q.ValidUntil, Reason: c.Reason, IDs: c.IDs}, nil)
}

// Revise starts the next version of the quote as a Draft with the same
// lines and validity (EventQuoteRevised, c.Reason its reason): Version+1,
// no approval, not sent. The caller keeps the old value as history. A
// pending approval is cancelled (or recorded as expired, if it has), and
// the request's event goes into the payload (ContentPayload.Approval).
//
// Errors: ErrIllegalTransition from Draft (edit it instead) or Accepted
// (final); ErrInvalid for a command crmkit.Cmd.Validate refuses or a time
// before the last change.
func (q Quote) Revise(c crmkit.Cmd) (Quote, crmkit.Event, error) {
	if err := q.checkCommand("revise", c, PendingApproval, Approved, Rejected, Sent, Declined, Expired); err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	var cancelled *crmkit.Event
	if q.Status == PendingApproval && q.Approval != nil {
		var (
			ae  crmkit.Event
			err error
		)
		ac := crmkit.Cmd{By: c.By, At: c.At, Reason: fmt.Sprintf("quote %s revised to v%d", q.ID, q.Version+1), IDs: c.IDs}
		if q.Approval.ExpiredAt(c.At) {
			_, ae, err = q.Approval.Expire(ac)
		} else {
			_, ae, err = q.Approval.Cancel(ac)
		}
		if err != nil {
			return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d: %w", q.ID, q.Version, err)
		}
		cancelled = &ae
	}
	out := q.Clone()
	out.Version++
	out.Status = Draft
	out.Approval = nil
	out.SentAt = time.Time{}
	payload := out.content()
	payload.Approval = cancelled
	return out.emit(EventQuoteRevised, q.Status, c, payload)
}

// checkCommand rejects a command unless crmkit.Cmd.Validate accepts it,
// its time is not before the last change and the quote is in one of the
// allowed statuses.
func (q Quote) checkCommand(verb string, c crmkit.Cmd, allowed ...Status) error {
	at := c.At
	if err := c.Validate(); err != nil {
		return fmt.Errorf("%s quote %s: %w", verb, q.ID, err)
	}
	switch {
	case !slices.Contains(allowed, q.Status):
		return fmt.Errorf("quote %s v%d is %s: cannot %s it: %w", q.ID, q.Version, q.Status, verb, crmkit.ErrIllegalTransition)
	case at.Before(q.UpdatedAt):
		return crmkit.Invalid("at", "%s is before the last change of quote %s at %s", at.Format(time.RFC3339), q.ID, q.UpdatedAt.Format(time.RFC3339))
	}
	return nil
}

func (q Quote) content() ContentPayload {
	return ContentPayload{DealID: q.DealID, Version: q.Version, Currency: q.Currency, Lines: q.Lines, ValidUntil: q.ValidUntil}
}

// emit finishes a change of q (already applied) from status from by
// command c: it bumps Seq and UpdatedAt and returns q with the event.
func (q Quote) emit(typ string, from Status, c crmkit.Cmd, payload any) (Quote, crmkit.Event, error) {
	q.Seq++
	if c.At.After(q.UpdatedAt) {
		q.UpdatedAt = c.At
	}
	e, err := q.event(typ, c, payload)
	if err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	e.From = from.String()
	return q, e, nil
}

func (q Quote) event(typ string, c crmkit.Cmd, payload any) (crmkit.Event, error) {
	e, err := c.NewEvent(QuoteKind, q.ID, typ, q.Seq, payload)
	if err != nil {
		return crmkit.Event{}, fmt.Errorf("quote %s: %w", q.ID, err)
	}
	e.To = q.Status.String()
	e.Reason = c.Reason
	return e, nil
}

// TotalsByCurrency adds up the net totals of quotes per currency, exactly
// (for example everything quoted on one deal, or everything accepted in a
// quarter). ErrOverflow if a sum does not fit int64 minor units.
func TotalsByCurrency(quotes []Quote) (map[crmkit.Currency]crmkit.Money, error) {
	out := make(map[crmkit.Currency]crmkit.Money)
	for i, q := range quotes {
		t, err := q.Totals()
		if err != nil {
			return nil, fmt.Errorf("quotes[%d] (%s): %w", i, q.ID, err)
		}
		s, err := out[q.Currency].Add(t.Net)
		if err != nil {
			return nil, fmt.Errorf("quotes[%d] (%s): %w", i, q.ID, err)
		}
		out[q.Currency] = s
	}
	return out, nil
}
