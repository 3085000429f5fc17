package deal

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
)

// ApprovalStatus is where an ApprovalRequest stands. The zero value is not a
// status: a request is created Pending by NewApprovalRequest.
//
//	Pending -> Approved   (the last step approved)
//	Pending -> Rejected   (any step rejected)
//	Pending -> Expired    (ExpiresAt passed before the last approval)
//	Pending -> Cancelled  (withdrawn)
//
// Approved, Rejected, Expired and Cancelled are final.
type ApprovalStatus uint8

// The approval statuses.
const (
	_ ApprovalStatus = iota
	// ApprovalPending waits for the decision of its current step.
	ApprovalPending
	// ApprovalApproved has every step approved.
	ApprovalApproved
	// ApprovalRejected was rejected at one of its steps.
	ApprovalRejected
	// ApprovalExpired ran past its ExpiresAt before it was granted.
	ApprovalExpired
	// ApprovalCancelled was withdrawn before a decision.
	ApprovalCancelled
)

// ParseApprovalStatus parses the form String returns.
func ParseApprovalStatus(s string) (ApprovalStatus, error) {
	v, err := approvalStatusNames.Parse(s)
	if err == nil && !approvalStatusNames.Valid(v) {
		return 0, crmkit.Invalid("ApprovalStatus", "%q is not an ApprovalStatus", s)
	}
	return v, err
}

// Final reports whether no event leaves the status.
func (s ApprovalStatus) Final() bool {
	return s >= ApprovalApproved && s <= ApprovalCancelled
}

// Event types of the "approval" aggregate, past-tense facts. Every event
// carries the request ID as its aggregate ID and the request's Version
// after it.
const (
	// EventApprovalRequested opens a request; its payload is
	// ApprovalRequestedPayload.
	EventApprovalRequested = "ApprovalRequested"
	// EventApprovalStepApproved approves a step that is not the last; its
	// payload is ApprovalDecidedPayload.
	EventApprovalStepApproved = "ApprovalStepApproved"
	// EventApprovalGranted approves the last step: the request is
	// Approved. Its payload is ApprovalDecidedPayload.
	EventApprovalGranted = "ApprovalGranted"
	// EventApprovalRejected rejects the current step and so the request.
	// Its payload is ApprovalDecidedPayload.
	EventApprovalRejected = "ApprovalRejected"
	// EventApprovalExpired records that ExpiresAt passed while pending.
	EventApprovalExpired = "ApprovalExpired"
	// EventApprovalCancelled records a withdrawn request.
	EventApprovalCancelled = "ApprovalCancelled"
)

// ApprovalKind is the AggregateKind of approval events.
const ApprovalKind = "approval"

// ApprovalStep is one step of an approval chain: somebody holding Role
// must approve it. Steps are decided in order.
type ApprovalStep struct {
	Role string `json:"role"`
}

// ApprovalDecision records one decision on a step: who decided, under which
// role, approve or reject, when, and why.
type ApprovalDecision struct {
	Step     int       `json:"step"`
	Approver string    `json:"approver"`
	Role     string    `json:"role"`
	Approved bool      `json:"approved"`
	At       time.Time `json:"at"`
	Comment  string    `json:"comment,omitempty"`
}

// Approver is a person deciding on a request: the host application's user
// key and the roles it grants that user (for example "manager",
// "director"). Roles match exactly, case included.
type Approver struct {
	ID    string
	Roles []string
}

// HasRole reports whether a holds role.
func (a Approver) HasRole(role string) bool { return slices.Contains(a.Roles, role) }

// ApprovalRequest is a small, general approval flow: a Requester asks for
// Subject (a stage gate, a deal reactivation, a quote's discount, a
// contract) to be approved by a chain of Steps, each by somebody holding
// the step's role, in order. It is used by stage gates, reactivation and
// quotes in this package and by contracts in package account.
//
// Separation of duties, enforced by Approve and Reject with ErrForbidden:
//   - nobody decides on their own request (Approver.ID == Requester);
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
// An ApprovalRequest is a value: every method returns a new value and an
// event and never changes its receiver (slices are copied). A rejected
// call returns an error and the zero value. Version counts the events so
// far, starting at 1 for EventApprovalRequested; ReplayApproval rebuilds a
// request from its events.
type ApprovalRequest struct {
	ID          uuid.UUID          `json:"id"`
	Subject     string             `json:"subject"`
	Requester   string             `json:"requester"`
	RequestedAt time.Time          `json:"requested_at"`
	ExpiresAt   time.Time          `json:"expires_at,omitzero"`
	Steps       []ApprovalStep     `json:"steps"`
	Decisions   []ApprovalDecision `json:"decisions,omitempty"`
	Status      ApprovalStatus     `json:"status"`
	// Version is the number of events of the request so far.
	Version int64 `json:"version"`
	// ClosedAt is when the request left Pending (zero while pending).
	ClosedAt time.Time `json:"closed_at,omitzero"`
}

// ApprovalRequestedPayload is the payload of EventApprovalRequested: all
// that is needed to rebuild the request.
type ApprovalRequestedPayload struct {
	Subject   string    `json:"subject"`
	Requester string    `json:"requester"`
	Roles     []string  `json:"roles"`
	ExpiresAt time.Time `json:"expires_at,omitzero"`
}

// ApprovalDecidedPayload is the payload of EventApprovalStepApproved,
// EventApprovalGranted and EventApprovalRejected. The approver is the
// event's Actor and the comment its Reason.
type ApprovalDecidedPayload struct {
	Step     int    `json:"step"`
	Role     string `json:"role"`
	Approved bool   `json:"approved"`
}

// NewApprovalRequest opens a request by requester for subject, with one
// step per role in roles (in order), at time at, expiring at expires (zero
// for never). It returns the Pending request and its EventApprovalRequested.
//
// Errors (ErrInvalid): an empty subject or requester, no roles, an empty
// role, a zero at, an expiry not after at.
func NewApprovalRequest(subject, requester string, roles []string, at, expires time.Time) (ApprovalRequest, crmkit.Event, error) {
	switch {
	case strings.TrimSpace(subject) == "":
		return ApprovalRequest{}, crmkit.Event{}, crmkit.Invalid("subject", "empty approval subject")
	case strings.TrimSpace(requester) == "":
		return ApprovalRequest{}, crmkit.Event{}, crmkit.Invalid("requester", "empty requester of approval for %q", subject)
	case len(roles) == 0:
		return ApprovalRequest{}, crmkit.Event{}, crmkit.Invalid("roles", "approval for %q has no steps", subject)
	case at.IsZero():
		return ApprovalRequest{}, crmkit.Event{}, crmkit.Invalid("requested at", "zero time")
	case !expires.IsZero() && !expires.After(at):
		return ApprovalRequest{}, crmkit.Event{}, crmkit.Invalid("expires at", "%s is not after the request time %s", expires.Format(time.RFC3339), at.Format(time.RFC3339))
	}
	steps := make([]ApprovalStep, len(roles))
	for i, role := range roles {
		if strings.TrimSpace(role) == "" {
			return ApprovalRequest{}, crmkit.Event{}, crmkit.Invalid(fmt.Sprintf("roles[%d]", i), "empty role")
		}
		steps[i] = ApprovalStep{Role: role}
	}
	r := ApprovalRequest{
		ID: crmkit.NewID(), Subject: subject, Requester: requester,
		RequestedAt: at, ExpiresAt: expires, Steps: steps,
		Status: ApprovalPending, Version: 1,
	}
	e, err := crmkit.NewEvent(ApprovalKind, r.ID, EventApprovalRequested, requester, at, r.Version,
		ApprovalRequestedPayload{Subject: subject, Requester: requester, Roles: slices.Clone(roles), ExpiresAt: expires})
	if err != nil {
		return ApprovalRequest{}, crmkit.Event{}, fmt.Errorf("approval for %q: %w", subject, err)
	}
	e.To = ApprovalPending.String()
	return r, e, nil
}

// Clone returns a deep copy of r: its slices are not shared with r.
func (r ApprovalRequest) Clone() ApprovalRequest {
	r.Steps = slices.Clone(r.Steps)
	r.Decisions = slices.Clone(r.Decisions)
	return r
}

// Roles returns the roles of the steps, in order.
func (r ApprovalRequest) Roles() []string {
	out := make([]string, len(r.Steps))
	for i, s := range r.Steps {
		out[i] = s.Role
	}
	return out
}

// CurrentStep returns the index of the step waiting for a decision and
// true, or false when the request is not pending.
func (r ApprovalRequest) CurrentStep() (int, bool) {
	if r.Status != ApprovalPending || len(r.Decisions) >= len(r.Steps) {
		return 0, false
	}
	return len(r.Decisions), true
}

// ExpiredAt reports whether r has an expiry and at is at or after it.
func (r ApprovalRequest) ExpiredAt(at time.Time) bool {
	return !r.ExpiresAt.IsZero() && !at.Before(r.ExpiresAt)
}

// StatusAt returns the status r has at time at: its Status, except that a
// pending request past its expiry reads ApprovalExpired even before Expire
// records it.
func (r ApprovalRequest) StatusAt(at time.Time) ApprovalStatus {
	if r.Status == ApprovalPending && r.ExpiredAt(at) {
		return ApprovalExpired
	}
	return r.Status
}

// Granted reports whether every step is approved and the approval has not
// expired at time at. A caller checks it before the action the request
// guards (a stage move, a reactivation, sending a quote). A value that
// fails Validate (hand-built or tampered with) is never granted.
func (r ApprovalRequest) Granted(at time.Time) bool {
	return r.Status == ApprovalApproved && !r.ExpiredAt(at) && r.Validate() == nil
}

// Covers reports whether r has a distinct step for every role in roles
// (a role listed twice needs two steps). Callers that guard an action by
// a set of roles check Granted and Covers together.
func (r ApprovalRequest) Covers(roles []string) bool {
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
func (r ApprovalRequest) Validate() error {
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
	case r.Status != ApprovalPending && !r.Status.Final():
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
	case ApprovalPending:
		ok = n < len(r.Steps) && !rejected
	case ApprovalApproved:
		ok = n == len(r.Steps) && !rejected
	case ApprovalRejected:
		ok = rejected
	case ApprovalExpired, ApprovalCancelled:
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

// Approve records by's approval of the current step at time at. Approving
// the last step makes the request Approved (EventApprovalGranted); an
// earlier step gives EventApprovalStepApproved.
//
// Errors: ErrInvalid for an empty approver ID or a zero or earlier time
// than the last event; ErrIllegalTransition when r is not pending or has
// expired at at; ErrForbidden when by is the requester, lacks the current
// step's role or already decided another step of r.
func (r ApprovalRequest) Approve(by Approver, at time.Time, comment string) (ApprovalRequest, crmkit.Event, error) {
	return r.decide(by, at, comment, true)
}

// Reject records by's rejection of the current step at time at: the
// request becomes Rejected (EventApprovalRejected). Who may reject follows
// the same rules as Approve, with the same errors.
func (r ApprovalRequest) Reject(by Approver, at time.Time, comment string) (ApprovalRequest, crmkit.Event, error) {
	return r.decide(by, at, comment, false)
}

func (r ApprovalRequest) decide(by Approver, at time.Time, comment string, approve bool) (ApprovalRequest, crmkit.Event, error) {
	verb := "approve"
	if !approve {
		verb = "reject"
	}
	if strings.TrimSpace(by.ID) == "" {
		return ApprovalRequest{}, crmkit.Event{}, crmkit.Invalid("approver", "empty approver id for approval %s", r.ID)
	}
	if err := r.checkOpen(verb, at); err != nil {
		return ApprovalRequest{}, crmkit.Event{}, err
	}
	step, _ := r.CurrentStep()
	role := r.Steps[step].Role
	switch {
	case by.ID == r.Requester:
		return ApprovalRequest{}, crmkit.Event{}, fmt.Errorf("approval %s: %s cannot %s their own request: %w", r.ID, by.ID, verb, crmkit.ErrForbidden)
	case !by.HasRole(role):
		return ApprovalRequest{}, crmkit.Event{}, fmt.Errorf("approval %s step %d: %s does not hold role %q: %w", r.ID, step+1, by.ID, role, crmkit.ErrForbidden)
	}
	for _, d := range r.Decisions {
		if d.Approver == by.ID {
			return ApprovalRequest{}, crmkit.Event{}, fmt.Errorf("approval %s step %d: %s already decided step %d: %w", r.ID, step+1, by.ID, d.Step+1, crmkit.ErrForbidden)
		}
	}

	out := r.Clone()
	out.Decisions = append(out.Decisions, ApprovalDecision{
		Step: step, Approver: by.ID, Role: role, Approved: approve, At: at, Comment: comment,
	})
	out.Version++
	typ := EventApprovalStepApproved
	switch {
	case !approve:
		typ = EventApprovalRejected
		out.Status, out.ClosedAt = ApprovalRejected, at
	case step == len(r.Steps)-1:
		typ = EventApprovalGranted
		out.Status, out.ClosedAt = ApprovalApproved, at
	}
	e, err := out.event(typ, by.ID, at, comment, ApprovalDecidedPayload{Step: step, Role: role, Approved: approve})
	if err != nil {
		return ApprovalRequest{}, crmkit.Event{}, err
	}
	e.From = r.Status.String()
	return out, e, nil
}

// Cancel withdraws a pending request at time at (EventApprovalCancelled).
// Who may cancel is the owning aggregate's rule (typically the requester,
// or the system when the subject goes away); actor names who did.
//
// Errors: ErrInvalid for an empty actor or a zero or earlier time than the
// last event; ErrIllegalTransition when r is not pending or has expired at
// at (record the expiry with Expire instead).
func (r ApprovalRequest) Cancel(actor string, at time.Time, reason string) (ApprovalRequest, crmkit.Event, error) {
	if strings.TrimSpace(actor) == "" {
		return ApprovalRequest{}, crmkit.Event{}, crmkit.Invalid("actor", "empty actor cancelling approval %s", r.ID)
	}
	if err := r.checkOpen("cancel", at); err != nil {
		return ApprovalRequest{}, crmkit.Event{}, err
	}
	out := r.Clone()
	out.Status, out.ClosedAt = ApprovalCancelled, at
	out.Version++
	e, err := out.event(EventApprovalCancelled, actor, at, reason, nil)
	if err != nil {
		return ApprovalRequest{}, crmkit.Event{}, err
	}
	e.From = r.Status.String()
	return out, e, nil
}

// Expire records that a pending request ran past its ExpiresAt
// (EventApprovalExpired). at is the time of the check and must be at or
// after ExpiresAt; the request and the event carry ExpiresAt itself, the
// moment it expired, so a late check does not move history.
//
// Errors: ErrInvalid for a zero at; ErrIllegalTransition when r is not
// pending, never expires or has not expired at at.
func (r ApprovalRequest) Expire(at time.Time) (ApprovalRequest, crmkit.Event, error) {
	switch {
	case at.IsZero():
		return ApprovalRequest{}, crmkit.Event{}, crmkit.Invalid("at", "zero time expiring approval %s", r.ID)
	case r.Status != ApprovalPending:
		return ApprovalRequest{}, crmkit.Event{}, fmt.Errorf("approval %s is %s: cannot expire: %w", r.ID, r.Status, crmkit.ErrIllegalTransition)
	case r.ExpiresAt.IsZero():
		return ApprovalRequest{}, crmkit.Event{}, fmt.Errorf("approval %s never expires: %w", r.ID, crmkit.ErrIllegalTransition)
	case !r.ExpiredAt(at):
		return ApprovalRequest{}, crmkit.Event{}, fmt.Errorf("approval %s expires at %s, not yet at %s: %w", r.ID,
			r.ExpiresAt.Format(time.RFC3339), at.Format(time.RFC3339), crmkit.ErrIllegalTransition)
	}
	out := r.Clone()
	out.Status, out.ClosedAt = ApprovalExpired, r.ExpiresAt
	out.Version++
	e, err := out.event(EventApprovalExpired, "", r.ExpiresAt, "", nil)
	if err != nil {
		return ApprovalRequest{}, crmkit.Event{}, err
	}
	e.From = r.Status.String()
	return out, e, nil
}

// checkOpen rejects a decision or cancellation of r at time at unless r
// is pending, unexpired at at, and at is not before the last event.
func (r ApprovalRequest) checkOpen(verb string, at time.Time) error {
	switch {
	case at.IsZero():
		return crmkit.Invalid("at", "zero time to %s approval %s", verb, r.ID)
	case r.Status != ApprovalPending:
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

func (r ApprovalRequest) lastEventAt() time.Time {
	if n := len(r.Decisions); n > 0 {
		return r.Decisions[n-1].At
	}
	return r.RequestedAt
}

func (r ApprovalRequest) event(typ, actor string, at time.Time, reason string, payload any) (crmkit.Event, error) {
	e, err := crmkit.NewEvent(ApprovalKind, r.ID, typ, actor, at, r.Version, payload)
	if err != nil {
		return crmkit.Event{}, fmt.Errorf("approval %s: %w", r.ID, err)
	}
	e.To = r.Status.String()
	e.Reason = reason
	return e, nil
}

// ReplayApproval rebuilds a request from its events, oldest first: the
// first must be EventApprovalRequested and every later one must belong to
// the same request, carry the next version and be legal where it occurs
// (the same rules Approve, Reject, Cancel and Expire apply, except that
// roles are not re-checked: the decider's roles at the time are not in the
// event). It is the inverse of the events those methods return.
func ReplayApproval(events []crmkit.Event) (ApprovalRequest, error) {
	if len(events) == 0 {
		return ApprovalRequest{}, crmkit.Invalid("events", "no events to replay")
	}
	r, err := approvalRequested(events[0])
	if err != nil {
		return ApprovalRequest{}, fmt.Errorf("replay events[0]: %w", err)
	}
	for i, e := range events[1:] {
		if r, err = r.apply(e); err != nil {
			return ApprovalRequest{}, fmt.Errorf("replay events[%d]: %w", i+1, err)
		}
	}
	return r, nil
}

// approvalRequested rebuilds a request from its EventApprovalRequested.
func approvalRequested(e crmkit.Event) (ApprovalRequest, error) {
	if e.Type != EventApprovalRequested || e.AggregateKind != ApprovalKind {
		return ApprovalRequest{}, crmkit.Invalid("event", "%s %s is not %s", e.AggregateKind, e.Type, EventApprovalRequested)
	}
	if e.Version != 1 {
		return ApprovalRequest{}, crmkit.Invalid("event", "%s with version %d, want 1", e.Type, e.Version)
	}
	var p ApprovalRequestedPayload
	if err := e.DecodePayload(&p); err != nil {
		return ApprovalRequest{}, err
	}
	r, _, err := NewApprovalRequest(p.Subject, p.Requester, p.Roles, e.At, p.ExpiresAt)
	if err != nil {
		return ApprovalRequest{}, err
	}
	r.ID = e.AggregateID
	return r, nil
}

// apply returns r after the event e, which must be r's next event and
// legal where it occurs.
func (r ApprovalRequest) apply(e crmkit.Event) (ApprovalRequest, error) {
	if e.AggregateID != r.ID || e.AggregateKind != ApprovalKind {
		return ApprovalRequest{}, crmkit.Invalid("event", "%s belongs to %s %s, not approval %s", e.Type, e.AggregateKind, e.AggregateID, r.ID)
	}
	if e.Version != r.Version+1 {
		return ApprovalRequest{}, crmkit.Invalid("event", "%s with version %d after version %d of approval %s", e.Type, e.Version, r.Version, r.ID)
	}
	var (
		next ApprovalRequest
		err  error
	)
	switch e.Type {
	case EventApprovalStepApproved, EventApprovalGranted, EventApprovalRejected:
		var d ApprovalDecidedPayload
		if err := e.DecodePayload(&d); err != nil {
			return ApprovalRequest{}, err
		}
		step, ok := r.CurrentStep()
		if !ok || d.Step != step || d.Role != r.Steps[step].Role || d.Approved != (e.Type != EventApprovalRejected) {
			return ApprovalRequest{}, crmkit.Invalid("event", "%s of step %d (%s) does not fit approval %s", e.Type, d.Step+1, d.Role, r.ID)
		}
		next, _, err = r.decide(Approver{ID: e.Actor, Roles: []string{d.Role}}, e.At, e.Reason, d.Approved)
		if err == nil && (e.Type == EventApprovalGranted) != (next.Status == ApprovalApproved) {
			err = crmkit.Invalid("event", "%s at step %d of %d of approval %s", e.Type, d.Step+1, len(r.Steps), r.ID)
		}
	case EventApprovalCancelled:
		next, _, err = r.Cancel(e.Actor, e.At, e.Reason)
	case EventApprovalExpired:
		if !e.At.Equal(r.ExpiresAt) {
			return ApprovalRequest{}, crmkit.Invalid("event", "expired at %s, but approval %s expires at %s", e.At.Format(time.RFC3339), r.ID, r.ExpiresAt.Format(time.RFC3339))
		}
		next, _, err = r.Expire(e.At)
	default:
		err = crmkit.Invalid("event", "unknown approval event type %q", e.Type)
	}
	return next, err
}
