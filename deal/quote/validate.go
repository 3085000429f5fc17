package quote

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
)

// Validate checks every invariant a quote holds, whichever way it was
// made (New and the commands, Replay, JSON): a non-nil ID and
// deal, a quote version and an event sequence (Seq) of at least 1, a
// currency, a known status, an author, a creation time not after the last
// change, lines as New accepts them (see Line, totals within
// int64 minor units; at least one once submitted), a ValidUntil after the
// creation when set, an approval request exactly where the statuses
// have one (none on a draft; one while pending approval or rejected) that
// is valid itself (approval.Request.Validate) and asks for this version of
// this quote, and a SentAt exactly once sent (Sent, Accepted, Declined,
// Expired). The error matches crmkit.ErrInvalid and is a
// *crmkit.ValidationError naming the field.
func (q Quote) Validate() error {
	if err := q.validate(); err != nil {
		return fmt.Errorf("quote %s: %w", q.ID, err)
	}
	return nil
}

func (q Quote) validate() error {
	switch {
	case q.ID == uuid.Nil:
		return crmkit.Invalid("id", "nil UUID")
	case q.DealID == uuid.Nil:
		return crmkit.Invalid("deal_id", "nil UUID")
	case q.Version < 1:
		return crmkit.Invalid("version", "quote version %d is below 1", q.Version)
	case q.Seq < 1:
		return crmkit.Invalid("seq", "event sequence %d is below 1", q.Seq)
	case q.Currency.IsZero():
		return crmkit.Invalid("currency", "missing currency")
	case !q.Status.Valid():
		return crmkit.Invalid("status", "%s is not a status", q.Status)
	case strings.TrimSpace(q.CreatedBy) == "":
		return crmkit.Invalid("created_by", "no author")
	case q.CreatedAt.IsZero():
		return crmkit.Invalid("created_at", "zero time")
	case q.UpdatedAt.Before(q.CreatedAt):
		return crmkit.Invalid("updated_at", "%s is before the creation at %s", q.UpdatedAt.Format(time.RFC3339Nano), q.CreatedAt.Format(time.RFC3339Nano))
	case !q.ValidUntil.IsZero() && !q.ValidUntil.After(q.CreatedAt):
		return crmkit.Invalid("valid_until", "%s is not after the creation at %s", q.ValidUntil.Format(time.RFC3339Nano), q.CreatedAt.Format(time.RFC3339Nano))
	}
	if _, err := LinesTotals(q.Currency, q.Lines); err != nil {
		return asInvalid("lines", err)
	}
	sent := q.Status == Sent || q.Status == Accepted || q.Status == Declined || q.Status == Expired
	switch {
	case q.Status != Draft && len(q.Lines) == 0:
		return crmkit.Invalid("lines", "a %s quote without lines", q.Status)
	case q.Status == Draft && q.Approval != nil:
		return crmkit.Invalid("approval", "an approval request on a draft")
	case (q.Status == PendingApproval || q.Status == Rejected) && q.Approval == nil:
		return crmkit.Invalid("approval", "a %s quote without its approval request", q.Status)
	case q.Approval != nil && q.Approval.Subject != ApprovalSubject(q.ID, q.Version):
		return crmkit.Invalid("approval.subject", "%q is not version %d of this quote", q.Approval.Subject, q.Version)
	case sent && q.SentAt.IsZero():
		return crmkit.Invalid("sent_at", "a %s quote without the time it was sent", q.Status)
	case !sent && !q.SentAt.IsZero():
		return crmkit.Invalid("sent_at", "set on a %s quote", q.Status)
	case !q.SentAt.IsZero() && q.SentAt.Before(q.CreatedAt):
		return crmkit.Invalid("sent_at", "%s is before the creation at %s", q.SentAt.Format(time.RFC3339Nano), q.CreatedAt.Format(time.RFC3339Nano))
	}
	if q.Approval != nil {
		if err := q.Approval.Validate(); err != nil {
			var ve *crmkit.ValidationError
			if errors.As(err, &ve) {
				return crmkit.Invalid("approval."+ve.Field, "%s", ve.Reason)
			}
			return asInvalid("approval", err)
		}
	}
	return nil
}

// asInvalid returns err when it matches crmkit.ErrInvalid, and otherwise
// (a currency mismatch or an overflow inside a value that claims to be
// whole) a *crmkit.ValidationError for field that says what err said: a
// stored or decoded value that breaks an invariant is invalid input,
// whatever the command that would have refused it calls the problem.
func asInvalid(field string, err error) error {
	if err == nil || errors.Is(err, crmkit.ErrInvalid) {
		return err
	}
	return crmkit.Invalid(field, "%v", err)
}
