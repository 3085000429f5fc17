package approval

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
)

// Status is where a Request stands. The zero value is not a
// status: a request is created Pending by New.
//
//	Pending -> Approved   (the last step approved)
//	Pending -> Rejected   (any step rejected)
//	Pending -> Expired    (ExpiresAt passed before the last approval)
//	Pending -> Cancelled  (withdrawn)
//
// Approved, Rejected, Expired and Cancelled are final.
type Status uint8

// The approval statuses.
const (
	_ Status = iota
	// Pending waits for the decision of its current step.
	Pending
	// Approved has every step approved.
	Approved
	// Rejected was rejected at one of its steps.
	Rejected
	// Expired ran past its ExpiresAt before it was granted.
	Expired
	// Cancelled was withdrawn before a decision.
	Cancelled
)

// statusNames is the name table of Status (see crmkit.Enum): each value's
// one stable text form; the zero Status is written "unset".
var statusNames = crmkit.NewEnum("Status", Pending, "pending", "approved", "rejected", "expired", "cancelled")

// String returns the text form of s: its name ("pending", "approved", ...)
// or "unset" for the zero Status.
func (s Status) String() string { return statusNames.String(s) }

// Valid reports whether s is one of the declared statuses (not the unset
// zero).
func (s Status) Valid() bool { return statusNames.Valid(s) }

// ParseStatus parses the form String returns for a declared status; "unset"
// and any other text are errors matching crmkit.ErrInvalid.
func ParseStatus(s string) (Status, error) {
	v, err := statusNames.Parse(s)
	if err == nil && !v.Valid() {
		return 0, crmkit.Invalid("approval status", "%q is not an approval status", s)
	}
	return v, err
}

// MarshalText implements encoding.TextMarshaler with the form String
// returns; an undeclared value is an error matching crmkit.ErrInvalid.
func (s Status) MarshalText() ([]byte, error) { return statusNames.MarshalText(s) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a form String
// returns. Other text is an error matching crmkit.ErrInvalid.
func (s *Status) UnmarshalText(b []byte) error { return statusNames.UnmarshalText(b, s) }

// Final reports whether no event leaves the status.
func (s Status) Final() bool {
	return s >= Approved && s <= Cancelled
}

// Event types of the "approval" aggregate, past-tense facts. Every event
// carries the request ID as its aggregate ID and the request's Version
// after it.
const (
	// EventApprovalRequested opens a request; its payload is
	// RequestedPayload.
	EventApprovalRequested = "ApprovalRequested"
	// EventApprovalStepApproved approves a step that is not the last; its
	// payload is DecidedPayload.
	EventApprovalStepApproved = "ApprovalStepApproved"
	// EventApprovalGranted approves the last step: the request is
	// Approved. Its payload is DecidedPayload.
	EventApprovalGranted = "ApprovalGranted"
	// EventApprovalRejected rejects the current step and so the request.
	// Its payload is DecidedPayload.
	EventApprovalRejected = "ApprovalRejected"
	// EventApprovalExpired records that ExpiresAt passed while pending.
	EventApprovalExpired = "ApprovalExpired"
	// EventApprovalCancelled records a withdrawn request.
	EventApprovalCancelled = "ApprovalCancelled"
)

// FourEyes is the separation-of-duties rule every approval in crmkit
// applies: a decision is made by somebody, and not by who asked for it.
// An empty decider is crmkit.ErrInvalid; the requester deciding is
// crmkit.ErrForbidden. Request applies it to every step; aggregates with a
// one-step approval of their own (a campaign's submission) apply it to
// their decisions.
func FourEyes(requester, decider string) error {
	switch {
	case strings.TrimSpace(decider) == "":
		return crmkit.Invalid("approver", "nobody decides")
	case decider == requester:
		return fmt.Errorf("%s cannot decide on their own request: %w", decider, crmkit.ErrForbidden)
	}
	return nil
}

// Check is the test a command applies before the action r guards: r must
// be for subject, granted at time at (which includes passing Validate,
// so a forged or tampered value is refused, and not expired), have a
// distinct step for every role in roles, and by, who runs the command,
// must have decided none of its steps. Anything else is an error matching
// crmkit.ErrForbidden that says what is missing; a nil r is one too.
func (r *Request) Check(subject string, roles []string, by string, at time.Time) error {
	switch {
	case r == nil:
		return fmt.Errorf("%s needs an approval by %s: %w", subject, strings.Join(roles, ", "), crmkit.ErrForbidden)
	case r.Subject != subject:
		return fmt.Errorf("approval %s is for %q, not %q: %w", r.ID, r.Subject, subject, crmkit.ErrForbidden)
	case !r.Granted(at):
		return fmt.Errorf("approval %s is %s, not granted at %s: %w", r.ID, r.StatusAt(at), at.Format(time.RFC3339), crmkit.ErrForbidden)
	case !r.Covers(roles):
		return fmt.Errorf("approval %s (steps %s) does not cover the roles %s: %w", r.ID,
			strings.Join(r.Roles(), ", "), strings.Join(roles, ", "), crmkit.ErrForbidden)
	}
	for _, d := range r.Decisions {
		if d.Approver == by {
			return fmt.Errorf("approval %s: %s approved their own command: %w", r.ID, by, crmkit.ErrForbidden)
		}
	}
	return nil
}

// ApprovalKind is the AggregateKind of approval events.
const ApprovalKind = "approval"

// Step is one step of an approval chain: somebody holding Role
// must approve it. Steps are decided in order.
type Step struct {
	Role string `json:"role"`
}

// Decision records one decision on a step: who decided, under which
// role, approve or reject, when, and why.
type Decision struct {
	Step     int       `json:"step"`
	Approver string    `json:"approver"`
	Role     string    `json:"role"`
	Approved bool      `json:"approved"`
	At       time.Time `json:"at"`
	Comment  string    `json:"comment,omitempty"`
}

// Cmd is a decision command on a request: crmkit.Cmd (By decides, at
// At, with Reason as the decision's comment) and the Roles the host
// application grants By (for example "manager", "director"). Roles match
// exactly, case included.
type Cmd struct {
	crmkit.Cmd
	Roles []string `json:"roles,omitempty"`
}

// HasRole reports whether c's actor holds role.
func (c Cmd) HasRole(role string) bool { return slices.Contains(c.Roles, role) }

// Request is a small, general approval flow: a Requester asks for
// Subject (a stage gate, a deal reactivation, a quote's discount, a
// contract) to be approved by a chain of Steps, each by somebody holding
// the step's role, in order. It is used by deal's stage gates,
// reactivation and quotes and by account's contracts; Check is the one
// test those commands apply before the action it guards.
//
// Separation of duties, enforced by Approve and Reject with ErrForbidden:
//   - nobody decides on their own request (Cmd.By == Requester);
//   - the decider must hold the current step's role;
//   - one person decides at most one step of a chain, so an n-step chain
//     always has n different approvers besides the requester (the "four
//     eyes" become n+1 pairs of eyes even when one person holds every role).
//
// Expiry: a request with a non-zero ExpiresAt can be decided only strictly
// before it; at or after it a pending request can only be recorded as
// Expired (Expire), and an Approved one no longer counts as Granted: the
// approval is a permission valid until ExpiresAt. A zero ExpiresAt never
// expires.
//
// A Request is a value: every method returns a new value and an
// event and never changes its receiver (slices are copied). A rejected
// call returns an error and the zero value. Version counts the events so
// far, starting at 1 for EventApprovalRequested; Replay rebuilds a
// request from its events.
type Request struct {
	ID          uuid.UUID  `json:"id"`
	Subject     string     `json:"subject"`
	Requester   string     `json:"requester"`
	RequestedAt time.Time  `json:"requested_at"`
	ExpiresAt   time.Time  `json:"expires_at,omitzero"`
	Steps       []Step     `json:"steps"`
	Decisions   []Decision `json:"decisions,omitempty"`
	Status      Status     `json:"status"`
	// Version is the number of events of the request so far.
	Version int64 `json:"version"`
	// ClosedAt is when the request left Pending (zero while pending).
	ClosedAt time.Time `json:"closed_at,omitzero"`
}

// RequestedPayload is the payload of EventApprovalRequested: all
// that is needed to rebuild the request.
type RequestedPayload struct {
	Subject   string    `json:"subject"`
	Requester string    `json:"requester"`
	Roles     []string  `json:"roles"`
	ExpiresAt time.Time `json:"expires_at,omitzero"`
}

// DecidedPayload is the payload of EventApprovalStepApproved,
// EventApprovalGranted and EventApprovalRejected. The approver is the
// event's Actor and the comment its Reason.
type DecidedPayload struct {
	Step     int    `json:"step"`
	Role     string `json:"role"`
	Approved bool   `json:"approved"`
}

// New opens a request by c.By for subject at c.At, with one step per role
// in roles (in order), expiring at expires (zero for never). It returns
// the Pending request (Requester c.By, RequestedAt c.At) and its
// EventApprovalRequested, carrying c's By, At and Reason.
//
// Errors (ErrInvalid): a command crmkit.Cmd.Validate refuses, an empty
// subject, no roles, an empty role, an expiry not after c.At.
func New(subject string, roles []string, expires time.Time, c crmkit.Cmd) (Request, crmkit.Event, error) {
	requester, at := c.By, c.At
	if err := c.Validate(); err != nil {
		return Request{}, crmkit.Event{}, fmt.Errorf("approval for %q: %w", subject, err)
	}
	switch {
	case strings.TrimSpace(subject) == "":
		return Request{}, crmkit.Event{}, crmkit.Invalid("subject", "empty approval subject")
	case len(roles) == 0:
		return Request{}, crmkit.Event{}, crmkit.Invalid("roles", "approval for %q has no steps", subject)
	case !expires.IsZero() && !expires.After(at):
		return Request{}, crmkit.Event{}, crmkit.Invalid("expires at", "%s is not after the request time %s", expires.Format(time.RFC3339), at.Format(time.RFC3339))
	}
	steps := make([]Step, len(roles))
	for i, role := range roles {
		if strings.TrimSpace(role) == "" {
			return Request{}, crmkit.Event{}, crmkit.Invalid(fmt.Sprintf("roles[%d]", i), "empty role")
		}
		steps[i] = Step{Role: role}
	}
	r := Request{
		ID: c.NewID(), Subject: subject, Requester: requester,
		RequestedAt: at, ExpiresAt: expires, Steps: steps,
		Status: Pending, Version: 1,
	}
	e, err := c.NewEvent(ApprovalKind, r.ID, EventApprovalRequested, r.Version,
		RequestedPayload{Subject: subject, Requester: requester, Roles: slices.Clone(roles), ExpiresAt: expires})
	if err != nil {
		return Request{}, crmkit.Event{}, fmt.Errorf("approval for %q: %w", subject, err)
	}
	e.To = Pending.String()
	return r, e, nil
}

// Clone returns a deep copy of r: its slices are not shared with r.
func (r Request) Clone() Request {
	r.Steps = slices.Clone(r.Steps)
	r.Decisions = slices.Clone(r.Decisions)
	return r
}

// Roles returns the roles of the steps, in order.
func (r Request) Roles() []string {
	out := make([]string, len(r.Steps))
	for i, s := range r.Steps {
		out[i] = s.Role
	}
	return out
}

// CurrentStep returns the index of the step waiting for a decision and
// true, or false when the request is not pending.
func (r Request) CurrentStep() (int, bool) {
	if r.Status != Pending || len(r.Decisions) >= len(r.Steps) {
		return 0, false
	}
	return len(r.Decisions), true
}

// ExpiredAt reports whether r has an expiry and at is at or after it.
func (r Request) ExpiredAt(at time.Time) bool {
	return !r.ExpiresAt.IsZero() && !at.Before(r.ExpiresAt)
}

// StatusAt returns the status r has at time at: its Status, except that a
// pending request past its expiry reads Expired even before Expire
// records it.
func (r Request) StatusAt(at time.Time) Status {
	if r.Status == Pending && r.ExpiredAt(at) {
		return Expired
	}
	return r.Status
}

// Granted reports whether every step is approved and the approval has not
// expired at time at. A caller checks it before the action the request
// guards (a stage move, a reactivation, sending a quote). A value that
// fails Validate (hand-built or tampered with) is never granted.
func (r Request) Granted(at time.Time) bool {
	return r.Status == Approved && !r.ExpiredAt(at) && r.Validate() == nil
}

// Covers reports whether r has a distinct step for every role in roles
// (a role listed twice needs two steps). Callers that guard an action by
// a set of roles check Granted and Covers together.
func (r Request) Covers(roles []string) bool {
	used := make([]bool, len(r.Steps))
	for _, role := range roles {
		found := false
		for i, s := range r.Steps {
			if !used[i] && s.Role == role {
				used[i], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Validate reports the first inconsistency of r, as a value loaded from
// storage or JSON may have: a nil ID, an empty subject, requester or role,
// an expiry not after the request, decisions that do not fit the status
// (out of order, by the requester, two steps by one person, a rejection
// anywhere but last, times running backwards) or a Version that does not
// count its events. Roles held by the deciders cannot be checked here:
// they were checked when the decisions were made.
func (r Request) Validate() error {
	switch {
	case r.ID == uuid.Nil:
		return crmkit.Invalid("id", "approval request with nil UUID")
	case strings.TrimSpace(r.Subject) == "":
		return crmkit.Invalid("subject", "approval %s has an empty subject", r.ID)
	case strings.TrimSpace(r.Requester) == "":
		return crmkit.Invalid("requester", "approval %s has an empty requester", r.ID)
	case r.RequestedAt.IsZero():
		return crmkit.Invalid("requested at", "approval %s has a zero request time", r.ID)
	case !r.ExpiresAt.IsZero() && !r.ExpiresAt.After(r.RequestedAt):
		return crmkit.Invalid("expires at", "approval %s expires before it was requested", r.ID)
	case len(r.Steps) == 0:
		return crmkit.Invalid("steps", "approval %s has no steps", r.ID)
	case r.Status != Pending && !r.Status.Final():
		return crmkit.Invalid("status", "approval %s has status %s", r.ID, r.Status)
	case len(r.Decisions) > len(r.Steps):
		return crmkit.Invalid("decisions", "approval %s has %d decisions for %d steps", r.ID, len(r.Decisions), len(r.Steps))
	}
	for i, s := range r.Steps {
		if strings.TrimSpace(s.Role) == "" {
			return crmkit.Invalid(fmt.Sprintf("steps[%d]", i), "approval %s has an empty role", r.ID)
		}
	}
	last := r.RequestedAt
	for i, d := range r.Decisions {
		field := fmt.Sprintf("decisions[%d]", i)
		switch {
		case d.Step != i || d.Role != r.Steps[i].Role:
			return crmkit.Invalid(field, "approval %s: decision on step %d (%s) where step %d (%s) is due", r.ID, d.Step+1, d.Role, i+1, r.Steps[i].Role)
		case strings.TrimSpace(d.Approver) == "" || d.Approver == r.Requester:
			return crmkit.Invalid(field, "approval %s: step %d decided by %q, the requester or nobody", r.ID, i+1, d.Approver)
		case d.At.Before(last):
			return crmkit.Invalid(field, "approval %s: step %d decided before the previous event", r.ID, i+1)
		case !d.Approved && i != len(r.Decisions)-1:
			return crmkit.Invalid(field, "approval %s: step %d rejected but followed by more decisions", r.ID, i+1)
		}
		for _, e := range r.Decisions[:i] {
			if e.Approver == d.Approver {
				return crmkit.Invalid(field, "approval %s: %s decided two steps", r.ID, d.Approver)
			}
		}
		last = d.At
	}
	n := len(r.Decisions)
	rejected := n > 0 && !r.Decisions[n-1].Approved
	var ok bool
	events := int64(1 + n)
	switch r.Status {
	case Pending:
		ok = n < len(r.Steps) && !rejected
	case Approved:
		ok = n == len(r.Steps) && !rejected
	case Rejected:
		ok = rejected
	case Expired, Cancelled:
		ok = n < len(r.Steps) && !rejected
		events++
	}
	switch {
	case !ok:
		return crmkit.Invalid("decisions", "approval %s is %s with %d of %d steps decided", r.ID, r.Status, n, len(r.Steps))
	case r.Version != events:
		return crmkit.Invalid("version", "approval %s has version %d after %d events", r.ID, r.Version, events)
	}
	return nil
}

// Approve records c.By's approval of the current step at c.At, with
// c.Reason as its comment. Approving the last step makes the request
// Approved (EventApprovalGranted); an earlier step gives
// EventApprovalStepApproved. The event carries c's By, At and Reason.
//
// Errors: ErrInvalid for a command crmkit.Cmd.Validate refuses or a time
// earlier than the last event; ErrIllegalTransition when r is not pending
// or has expired at c.At; ErrForbidden when c.By is the requester, lacks
// the current step's role in c.Roles or already decided another step of r.
func (r Request) Approve(c Cmd) (Request, crmkit.Event, error) {
	return r.decide(c, true)
}

// Reject records c.By's rejection of the current step at c.At: the
// request becomes Rejected (EventApprovalRejected). Who may reject follows
// the same rules as Approve, with the same errors.
func (r Request) Reject(c Cmd) (Request, crmkit.Event, error) {
	return r.decide(c, false)
}

func (r Request) decide(c Cmd, approve bool) (Request, crmkit.Event, error) {
	verb := "approve"
	if !approve {
		verb = "reject"
	}
	if err := c.Validate(); err != nil {
		return Request{}, crmkit.Event{}, fmt.Errorf("approval %s: cannot %s: %w", r.ID, verb, err)
	}
	by, at, comment := c.By, c.At, c.Reason
	if err := r.checkOpen(verb, at); err != nil {
		return Request{}, crmkit.Event{}, err
	}
	step, _ := r.CurrentStep()
	role := r.Steps[step].Role
	if err := FourEyes(r.Requester, by); err != nil {
		return Request{}, crmkit.Event{}, fmt.Errorf("approval %s: cannot %s: %w", r.ID, verb, err)
	}
	if !c.HasRole(role) {
		return Request{}, crmkit.Event{}, fmt.Errorf("approval %s step %d: %s does not hold role %q: %w", r.ID, step+1, by, role, crmkit.ErrForbidden)
	}
	for _, d := range r.Decisions {
		if d.Approver == by {
			return Request{}, crmkit.Event{}, fmt.Errorf("approval %s step %d: %s already decided step %d: %w", r.ID, step+1, by, d.Step+1, crmkit.ErrForbidden)
		}
	}

	out := r.Clone()
	out.Decisions = append(out.Decisions, Decision{
		Step: step, Approver: by, Role: role, Approved: approve, At: at, Comment: comment,
	})
	out.Version++
	typ := EventApprovalStepApproved
	switch {
	case !approve:
		typ = EventApprovalRejected
		out.Status, out.ClosedAt = Rejected, at
	case step == len(r.Steps)-1:
		typ = EventApprovalGranted
		out.Status, out.ClosedAt = Approved, at
	}
	e, err := out.event(c.Cmd, typ, DecidedPayload{Step: step, Role: role, Approved: approve})
	if err != nil {
		return Request{}, crmkit.Event{}, err
	}
	e.From = r.Status.String()
	return out, e, nil
}

// Cancel withdraws a pending request at c.At (EventApprovalCancelled, with
// c's By, At and Reason). Who may cancel is the owning aggregate's rule
// (typically the requester, or the system when the subject goes away);
// c.By names who did.
//
// Errors: ErrInvalid for a command crmkit.Cmd.Validate refuses or a time
// earlier than the last event; ErrIllegalTransition when r is not pending
// or has expired at c.At (record the expiry with Expire instead).
func (r Request) Cancel(c crmkit.Cmd) (Request, crmkit.Event, error) {
	if err := c.Validate(); err != nil {
		return Request{}, crmkit.Event{}, fmt.Errorf("approval %s: cannot cancel: %w", r.ID, err)
	}
	if err := r.checkOpen("cancel", c.At); err != nil {
		return Request{}, crmkit.Event{}, err
	}
	out := r.Clone()
	out.Status, out.ClosedAt = Cancelled, c.At
	out.Version++
	e, err := out.event(c, EventApprovalCancelled, nil)
	if err != nil {
		return Request{}, crmkit.Event{}, err
	}
	e.From = r.Status.String()
	return out, e, nil
}

// Expire records that a pending request ran past its ExpiresAt
// (EventApprovalExpired), as found by c.By (usually a system job) checking
// at c.At, which must be at or after ExpiresAt. The request and the event
// carry ExpiresAt itself, the moment it expired, so a late check does not
// move history; the event's ID comes from c's ID source (crmkit.Cmd.NewID),
// so a replay under a fake clock and a fixed source repeats it exactly.
//
// Errors: ErrInvalid for a command crmkit.Cmd.Validate refuses;
// ErrIllegalTransition when r is not pending, never expires or has not
// expired at c.At.
func (r Request) Expire(c crmkit.Cmd) (Request, crmkit.Event, error) {
	if err := c.Validate(); err != nil {
		return Request{}, crmkit.Event{}, fmt.Errorf("approval %s: cannot expire: %w", r.ID, err)
	}
	return r.expire(c)
}

// expire is Expire without the check of c.By, for Apply: an
// EventApprovalExpired carries ExpiresAt and whoever found it, if anyone.
func (r Request) expire(c crmkit.Cmd) (Request, crmkit.Event, error) {
	switch {
	case c.At.IsZero():
		return Request{}, crmkit.Event{}, crmkit.Invalid("at", "zero time expiring approval %s", r.ID)
	case r.Status != Pending:
		return Request{}, crmkit.Event{}, fmt.Errorf("approval %s is %s: cannot expire: %w", r.ID, r.Status, crmkit.ErrIllegalTransition)
	case r.ExpiresAt.IsZero():
		return Request{}, crmkit.Event{}, fmt.Errorf("approval %s never expires: %w", r.ID, crmkit.ErrIllegalTransition)
	case !r.ExpiredAt(c.At):
		return Request{}, crmkit.Event{}, fmt.Errorf("approval %s expires at %s, not yet at %s: %w", r.ID,
			r.ExpiresAt.Format(time.RFC3339), c.At.Format(time.RFC3339), crmkit.ErrIllegalTransition)
	}
	out := r.Clone()
	out.Status, out.ClosedAt = Expired, r.ExpiresAt
	out.Version++
	c.At = r.ExpiresAt
	e, err := out.event(c, EventApprovalExpired, nil)
	if err != nil {
		return Request{}, crmkit.Event{}, err
	}
	e.From = r.Status.String()
	return out, e, nil
}

// checkOpen rejects a decision or cancellation of r at time at unless r
// is pending, unexpired at at, and at is not before the last event.
func (r Request) checkOpen(verb string, at time.Time) error {
	switch {
	case at.IsZero():
		return crmkit.Invalid("at", "zero time to %s approval %s", verb, r.ID)
	case r.Status != Pending:
		return fmt.Errorf("approval %s is %s: cannot %s: %w", r.ID, r.Status, verb, crmkit.ErrIllegalTransition)
	case r.ExpiredAt(at):
		return fmt.Errorf("approval %s expired at %s: cannot %s: %w", r.ID, r.ExpiresAt.Format(time.RFC3339), verb, crmkit.ErrIllegalTransition)
	case len(r.Decisions) >= len(r.Steps):
		// A pending request always has an undecided step; this is a
		// hand-built value.
		return crmkit.Invalid("decisions", "approval %s is pending with all %d steps decided", r.ID, len(r.Steps))
	case at.Before(r.lastEventAt()):
		return crmkit.Invalid("at", "%s is before the last event of approval %s at %s", at.Format(time.RFC3339), r.ID, r.lastEventAt().Format(time.RFC3339))
	}
	return nil
}

func (r Request) lastEventAt() time.Time {
	if n := len(r.Decisions); n > 0 {
		return r.Decisions[n-1].At
	}
	return r.RequestedAt
}

// event builds r's event of type typ for command c (its actor, time,
// reason and ID source).
func (r Request) event(c crmkit.Cmd, typ string, payload any) (crmkit.Event, error) {
	e, err := c.NewEvent(ApprovalKind, r.ID, typ, r.Version, payload)
	if err != nil {
		return crmkit.Event{}, fmt.Errorf("approval %s: %w", r.ID, err)
	}
	e.To = r.Status.String()
	return e, nil
}

// Replay rebuilds a request from its events, oldest first: the
// first must be EventApprovalRequested and every later one must belong to
// the same request, carry the next version and be legal where it occurs
// (the same rules Approve, Reject, Cancel and Expire apply, except that
// roles are not re-checked: the decider's roles at the time are not in the
// event). It is the inverse of the events those methods return.
func Replay(events []crmkit.Event) (Request, error) {
	if len(events) == 0 {
		return Request{}, crmkit.Invalid("events", "no events to replay")
	}
	r, err := FromRequested(events[0])
	if err != nil {
		return Request{}, fmt.Errorf("replay events[0]: %w", err)
	}
	for i, e := range events[1:] {
		if r, err = r.Apply(e); err != nil {
			return Request{}, fmt.Errorf("replay events[%d]: %w", i+1, err)
		}
	}
	return r, nil
}

// FromRequested rebuilds a request from its EventApprovalRequested, the first
// event of its history (as Replay does with it); ErrInvalid if e is not one.
func FromRequested(e crmkit.Event) (Request, error) {
	if e.Type != EventApprovalRequested || e.AggregateKind != ApprovalKind {
		return Request{}, crmkit.Invalid("event", "%s %s is not %s", e.AggregateKind, e.Type, EventApprovalRequested)
	}
	if e.Version != 1 {
		return Request{}, crmkit.Invalid("event", "%s with version %d, want 1", e.Type, e.Version)
	}
	var p RequestedPayload
	if err := e.DecodePayload(&p); err != nil {
		return Request{}, err
	}
	r, _, err := New(p.Subject, p.Roles, p.ExpiresAt, crmkit.Cmd{By: p.Requester, At: e.At, Reason: e.Reason})
	if err != nil {
		return Request{}, err
	}
	r.ID = e.AggregateID
	return r, nil
}

// Apply returns r after the event e, which must be r's next event and
// legal where it occurs (as Replay checks it); r is unchanged. Errors
// match crmkit.ErrInvalid, or the error the command would have returned.
func (r Request) Apply(e crmkit.Event) (Request, error) {
	if e.AggregateID != r.ID || e.AggregateKind != ApprovalKind {
		return Request{}, crmkit.Invalid("event", "%s belongs to %s %s, not approval %s", e.Type, e.AggregateKind, e.AggregateID, r.ID)
	}
	if e.Version != r.Version+1 {
		return Request{}, crmkit.Invalid("event", "%s with version %d after version %d of approval %s", e.Type, e.Version, r.Version, r.ID)
	}
	var (
		next Request
		err  error
	)
	switch e.Type {
	case EventApprovalStepApproved, EventApprovalGranted, EventApprovalRejected:
		var d DecidedPayload
		if err := e.DecodePayload(&d); err != nil {
			return Request{}, err
		}
		step, ok := r.CurrentStep()
		if !ok || d.Step != step || d.Role != r.Steps[step].Role || d.Approved != (e.Type != EventApprovalRejected) {
			return Request{}, crmkit.Invalid("event", "%s of step %d (%s) does not fit approval %s", e.Type, d.Step+1, d.Role, r.ID)
		}
		next, _, err = r.decide(Cmd{Cmd: crmkit.Cmd{By: e.Actor, At: e.At, Reason: e.Reason}, Roles: []string{d.Role}}, d.Approved)
		if err == nil && (e.Type == EventApprovalGranted) != (next.Status == Approved) {
			err = crmkit.Invalid("event", "%s at step %d of %d of approval %s", e.Type, d.Step+1, len(r.Steps), r.ID)
		}
	case EventApprovalCancelled:
		next, _, err = r.Cancel(crmkit.Cmd{By: e.Actor, At: e.At, Reason: e.Reason})
	case EventApprovalExpired:
		if !e.At.Equal(r.ExpiresAt) {
			return Request{}, crmkit.Invalid("event", "expired at %s, but approval %s expires at %s", e.At.Format(time.RFC3339), r.ID, r.ExpiresAt.Format(time.RFC3339))
		}
		next, _, err = r.expire(crmkit.Cmd{By: e.Actor, At: e.At, Reason: e.Reason})
	default:
		err = crmkit.Invalid("event", "unknown approval event type %q", e.Type)
	}
	return next, err
}
