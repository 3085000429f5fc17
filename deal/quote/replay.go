package quote

import (
	"fmt"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/approval"
)

// Replay rebuilds a quote from its history: the events its methods
// returned, in order (one per command; the approval request's events come
// inside their payloads). The first must be EventQuoteCreated; every later
// one must carry the next version and be legal where it occurs. The
// result equals the quote the methods produced, up to the representation
// of decimals (compare them with Equal).
func Replay(events []crmkit.Event) (Quote, error) {
	if len(events) == 0 {
		return Quote{}, crmkit.Invalid("events", "no events to replay")
	}
	q, err := quoteCreated(events[0])
	if err != nil {
		return Quote{}, fmt.Errorf("replay events[0]: %w", err)
	}
	for i, e := range events[1:] {
		if q, err = q.apply(e); err != nil {
			return Quote{}, fmt.Errorf("replay events[%d]: %w", i+1, err)
		}
	}
	return q, nil
}

// quoteCreated rebuilds version 1 from its EventQuoteCreated.
func quoteCreated(e crmkit.Event) (Quote, error) {
	if e.Type != EventQuoteCreated || e.AggregateKind != QuoteKind {
		return Quote{}, crmkit.Invalid("event", "%s %s is not %s", e.AggregateKind, e.Type, EventQuoteCreated)
	}
	if e.Version != 1 {
		return Quote{}, crmkit.Invalid("event", "%s with version %d, want 1", e.Type, e.Version)
	}
	var c ContentPayload
	if err := e.DecodePayload(&c); err != nil {
		return Quote{}, err
	}
	if c.Version != 1 {
		return Quote{}, crmkit.Invalid("event", "%s of quote version %d, want 1", e.Type, c.Version)
	}
	q, _, err := New(c.DealID, c.Currency, c.Lines, c.ValidUntil, crmkit.Cmd{By: e.Actor, At: e.At, Reason: e.Reason})
	if err != nil {
		return Quote{}, err
	}
	q.ID = e.AggregateID
	return q, nil
}

func (q Quote) applySubmitted(e crmkit.Event) (Quote, error) {
	if err := q.checkNext(e, Draft); err != nil {
		return Quote{}, err
	}
	var p SubmittedPayload
	if err := e.DecodePayload(&p); err != nil {
		return Quote{}, err
	}
	if p.Approval == nil {
		return Quote{}, crmkit.Invalid("event", "%s of quote %s v%d without its %s", e.Type, q.ID, q.Version, approval.EventApprovalRequested)
	}
	a, err := approval.FromRequested(*p.Approval)
	if err != nil {
		return Quote{}, err
	}
	if a.ID != p.ApprovalID || a.Subject != ApprovalSubject(q.ID, q.Version) || len(q.Lines) == 0 {
		return Quote{}, crmkit.Invalid("event", "approval %s (%s) does not fit the submission of quote %s v%d", a.ID, a.Subject, q.ID, q.Version)
	}
	out := q.Clone()
	out.Status, out.Approval = PendingApproval, &a
	return out.advance(e), nil
}

// applyApproval returns q with ae, an event of its approval request,
// applied to the request.
func (q Quote) applyApproval(ae *crmkit.Event, typ string) (Quote, error) {
	if ae == nil {
		return Quote{}, crmkit.Invalid("event", "%s of quote %s v%d without its approval event", typ, q.ID, q.Version)
	}
	if q.Approval == nil {
		return Quote{}, crmkit.Invalid("event", "%s with approval %s, but quote %s v%d has none", typ, ae.AggregateID, q.ID, q.Version)
	}
	a, err := q.Approval.Apply(*ae)
	if err != nil {
		return Quote{}, err
	}
	q.Approval = &a
	return q, nil
}

// apply returns q after the quote event e.
func (q Quote) apply(e crmkit.Event) (Quote, error) {
	if e.Type == EventQuoteSubmitted {
		return q.applySubmitted(e)
	}
	out := q.Clone()
	var err error
	switch e.Type {
	case EventQuoteLinesChanged, EventQuoteValidityChanged:
		if err = q.checkNext(e, Draft); err == nil {
			err = out.applyContent(e, q.Version)
		}
	case EventQuoteApproved:
		if err = q.checkNext(e, Draft, PendingApproval); err == nil && q.Status == PendingApproval {
			var p SubmittedPayload
			if err = e.DecodePayload(&p); err == nil {
				out, err = out.applyApproval(p.Approval, e.Type)
			}
		}
		if err == nil && ((q.Status == Draft) != (out.Approval == nil) || (out.Approval != nil && out.Approval.Status != approval.Approved) || len(q.Lines) == 0) {
			err = crmkit.Invalid("event", "%s of quote %s v%d without a granted approval", e.Type, q.ID, q.Version)
		}
		out.Status = Approved
	case EventQuoteRejected, EventQuoteStepApproved:
		if err = q.checkNext(e, PendingApproval); err == nil {
			var p ApprovalPayload
			if err = e.DecodePayload(&p); err == nil {
				out, err = out.applyApproval(&p.Approval, e.Type)
			}
		}
		want := approval.Rejected
		if e.Type == EventQuoteStepApproved {
			want = approval.Pending
		}
		if err == nil && out.Approval.Status != want {
			err = crmkit.Invalid("event", "%s of quote %s v%d whose approval is %s", e.Type, q.ID, q.Version, out.Approval.Status)
		}
		if e.Type == EventQuoteRejected {
			out.Status = Rejected
		}
	case EventQuoteSent:
		err = q.checkNext(e, Approved)
		out.Status, out.SentAt = Sent, e.At
	case EventQuoteAccepted:
		err = q.checkNext(e, Sent)
		out.Status = Accepted
	case EventQuoteDeclined:
		err = q.checkNext(e, Sent)
		out.Status = Declined
	case EventQuoteExpired:
		if err = q.checkNext(e, Sent); err == nil && (q.ValidUntil.IsZero() || !e.At.Equal(q.ValidUntil)) {
			err = crmkit.Invalid("event", "%s at %s, but quote %s is valid until %s", e.Type, e.At.Format(time.RFC3339), q.ID, q.ValidUntil.Format(time.RFC3339))
		}
		out.Status = Expired
	case EventQuoteRevised:
		if err = q.checkNext(e, PendingApproval, Approved, Rejected, Sent, Declined, Expired); err == nil {
			if q.Approval != nil && q.Approval.Status == approval.Pending {
				var c ContentPayload
				if err = e.DecodePayload(&c); err == nil {
					out, err = out.applyApproval(c.Approval, e.Type)
				}
				if err == nil && out.Approval.Status == approval.Pending {
					err = crmkit.Invalid("event", "%s of quote %s v%d with approval %s still pending", e.Type, q.ID, q.Version, q.Approval.ID)
				}
				if err != nil {
					break
				}
			}
			err = out.applyContent(e, q.Version+1)
			out.Status, out.Approval, out.SentAt = Draft, nil, time.Time{}
		}
	default:
		err = crmkit.Invalid("event", "unknown quote event type %q", e.Type)
	}
	if err != nil {
		return Quote{}, err
	}
	return out.advance(e), nil
}

// checkNext checks that e is q's next event and q is in an allowed status.
func (q Quote) checkNext(e crmkit.Event, allowed ...Status) error {
	switch {
	case e.AggregateID != q.ID || e.AggregateKind != QuoteKind:
		return crmkit.Invalid("event", "%s belongs to %s %s, not quote %s", e.Type, e.AggregateKind, e.AggregateID, q.ID)
	case e.Version != q.Seq+1:
		return crmkit.Invalid("event", "%s with version %d after version %d of quote %s", e.Type, e.Version, q.Seq, q.ID)
	case !slices.Contains(allowed, q.Status):
		return fmt.Errorf("quote %s v%d is %s: no %s: %w", q.ID, q.Version, q.Status, e.Type, crmkit.ErrIllegalTransition)
	case e.At.Before(q.UpdatedAt) && e.Type != EventQuoteExpired:
		return crmkit.Invalid("event", "%s at %s is before the last change of quote %s", e.Type, e.At.Format(time.RFC3339), q.ID)
	}
	return nil
}

// applyContent takes lines and validity from a content payload of quote
// version version.
func (q *Quote) applyContent(e crmkit.Event, version int) error {
	var c ContentPayload
	if err := e.DecodePayload(&c); err != nil {
		return err
	}
	if c.DealID != q.DealID || c.Currency != q.Currency || c.Version != version {
		return crmkit.Invalid("event", "%s of deal %s in %s v%d does not fit quote %s v%d", e.Type, c.DealID, c.Currency, c.Version, q.ID, version)
	}
	if _, err := LinesTotals(q.Currency, c.Lines); err != nil {
		return err
	}
	q.Lines, q.ValidUntil, q.Version = c.Lines, c.ValidUntil, version
	return nil
}

// advance counts e as q's latest event.
func (q Quote) advance(e crmkit.Event) Quote {
	q.Seq = e.Version
	if e.At.After(q.UpdatedAt) {
		q.UpdatedAt = e.At
	}
	return q
}
