package storage

import (
	"fmt"
	"slices"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/google/uuid"
)

// QuoteRepository stores quote.Quote aggregates (Tx.Quotes). A quote's
// optimistic-concurrency version is its Seq (the count of its events),
// not its Version, which is the revision the customer sees: Save takes
// the Seq read as expected. quote.New returns a quote at Seq 1 with its
// creation event, ready for Create; its commands (SetLines, Submit,
// Approve, Send, Revise, ...) bump Seq and return the event to Save with.
// A quote refers to its deal (QuoteReferences), which must exist in the
// tenant.
type QuoteRepository = Repository[quote.Quote, QuoteFilter]

// maxQuoteStatuses is the number of quote statuses (Draft .. Expired).
const maxQuoteStatuses = int(quote.Expired)

// QuoteFilter selects quotes for List. A zero field matches every quote;
// the zero QuoteFilter matches all.
type QuoteFilter struct {
	// Deal, if not uuid.Nil, selects the quotes on that deal.
	Deal uuid.UUID
	// Statuses, if not empty, selects quotes whose status is one of them;
	// each must be valid (quote.Status.Valid).
	Statuses []quote.Status
	// CreatedBy, if not empty, selects the quotes created by that key.
	CreatedBy string
}

// ValidateQuote checks a quote before it is stored: the value within the
// stored domain (see ValidateValue), the quote's own invariants
// (quote.Quote.Validate: a non-nil ID and deal, a Seq of at least 1, ...),
// and a creator of at most MaxKeyLen
// bytes (a key filters select by). It holds no domain rule of its own.
func ValidateQuote(q quote.Quote) error {
	if err := ValidateValue("quote", q); err != nil {
		return fmt.Errorf("quote %s: %w", q.ID, err)
	}
	if err := q.Validate(); err != nil {
		return err
	}
	if err := checkString("created by", q.CreatedBy, MaxKeyLen); err != nil {
		return fmt.Errorf("quote %s: %w", q.ID, err)
	}
	return nil
}

// QuoteReferences returns the references of q that must resolve: its
// deal. A nil DealID is no reference (quote.Quote.Validate refuses it
// first); a nil q has none.
func QuoteReferences(q *quote.Quote) []Reference {
	if q == nil || q.DealID == uuid.Nil {
		return nil
	}
	return []Reference{{Field: "deal_id", Kind: deal.DealKind, ID: q.DealID}}
}

// Validate checks the filter: at most as many statuses as there are, each
// valid, and a creator of at most MaxKeyLen bytes of valid UTF-8 without
// NUL bytes.
func (f QuoteFilter) Validate() error {
	if len(f.Statuses) > maxQuoteStatuses {
		return crmkit.Invalid("statuses filter", "%d statuses, more than %d", len(f.Statuses), maxQuoteStatuses)
	}
	for i, s := range f.Statuses {
		if !s.Valid() {
			return crmkit.Invalid(fmt.Sprintf("statuses filter[%d]", i), "%s is not a status", s)
		}
	}
	return checkString("created by filter", f.CreatedBy, MaxKeyLen)
}

// Match reports whether q passes the filter. A nil filter passes every
// quote, as the zero filter does; a nil q passes none.
func (f *QuoteFilter) Match(q *quote.Quote) bool {
	if f == nil || q == nil {
		return q != nil
	}
	return (f.Deal == uuid.Nil || q.DealID == f.Deal) &&
		(len(f.Statuses) == 0 || slices.Contains(f.Statuses, q.Status)) &&
		(f.CreatedBy == "" || q.CreatedBy == f.CreatedBy)
}

// ApprovalRepository stores approval.Request aggregates (Tx.Approvals):
// the requests of the host application's own approval flows. A quote's
// request is part of its quote (quote.Quote.Approval) and is stored with
// it, not here. approval.New returns a request at Version 1 with its
// event, ready for Create; Approve, Reject, Cancel and Expire bump the
// version and return the event to Save with.
type ApprovalRepository = Repository[approval.Request, ApprovalFilter]

// maxApprovalStatuses is the number of approval statuses (Pending ..
// Cancelled).
const maxApprovalStatuses = int(approval.Cancelled)

// ApprovalFilter selects approval requests for List. A zero field matches
// every request; the zero ApprovalFilter matches all.
type ApprovalFilter struct {
	// Subject, if not empty, selects the requests for that subject.
	Subject string
	// Requester, if not empty, selects the requests by that key.
	Requester string
	// Statuses, if not empty, selects requests whose recorded Status is
	// one of them (a pending request past its expiry stays Pending until
	// Expire records it: see approval.Request.StatusAt).
	Statuses []approval.Status
	// WaitingFor, if not empty, selects the pending requests whose
	// current step waits for that role: a manager's inbox.
	WaitingFor string
}

// ValidateApproval checks a request before it is stored: the value within
// the stored domain (see ValidateValue), the request's own invariants
// (approval.Request.Validate, which refuses a nil ID and a version that
// does not count its events), and a subject, requester and roles of at
// most MaxKeyLen bytes (keys filters select by). It holds no domain rule
// of its own.
func ValidateApproval(r approval.Request) error {
	if err := ValidateValue("approval", r); err != nil {
		return fmt.Errorf("approval %s: %w", r.ID, err)
	}
	if err := r.Validate(); err != nil {
		return err
	}
	if err := checkString("subject", r.Subject, MaxKeyLen); err != nil {
		return fmt.Errorf("approval %s: %w", r.ID, err)
	}
	if err := checkString("requester", r.Requester, MaxKeyLen); err != nil {
		return fmt.Errorf("approval %s: %w", r.ID, err)
	}
	for i, s := range r.Steps {
		if err := checkString(fmt.Sprintf("steps[%d].role", i), s.Role, MaxKeyLen); err != nil {
			return fmt.Errorf("approval %s: %w", r.ID, err)
		}
	}
	return nil
}

// WaitingRole returns the role the current step of r waits for, "" when r
// is not pending: what ApprovalFilter.WaitingFor selects by. A backend
// that stores it beside the request uses this function, so that every
// store selects alike. A nil r waits for nothing.
func WaitingRole(r *approval.Request) string {
	if r == nil {
		return ""
	}
	if i, ok := r.CurrentStep(); ok && i >= 0 && i < len(r.Steps) {
		return r.Steps[i].Role
	}
	return ""
}

// Validate checks the filter: at most as many statuses as there are, each
// declared, and a subject, requester and role of at most MaxKeyLen bytes
// of valid UTF-8 without NUL bytes.
func (f ApprovalFilter) Validate() error {
	if len(f.Statuses) > maxApprovalStatuses {
		return crmkit.Invalid("statuses filter", "%d statuses, more than %d", len(f.Statuses), maxApprovalStatuses)
	}
	for i, s := range f.Statuses {
		if !s.Valid() {
			return crmkit.Invalid(fmt.Sprintf("statuses filter[%d]", i), "%s is not a status", s)
		}
	}
	for _, c := range [...]struct{ name, s string }{
		{"subject filter", f.Subject}, {"requester filter", f.Requester}, {"waiting for filter", f.WaitingFor},
	} {
		if err := checkString(c.name, c.s, MaxKeyLen); err != nil {
			return err
		}
	}
	return nil
}

// Match reports whether r passes the filter. A nil filter passes every
// request, as the zero filter does; a nil r passes none.
func (f *ApprovalFilter) Match(r *approval.Request) bool {
	if f == nil || r == nil {
		return r != nil
	}
	return (f.Subject == "" || r.Subject == f.Subject) &&
		(f.Requester == "" || r.Requester == f.Requester) &&
		(len(f.Statuses) == 0 || slices.Contains(f.Statuses, r.Status)) &&
		(f.WaitingFor == "" || WaitingRole(r) == f.WaitingFor)
}
