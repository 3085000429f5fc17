package account

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// Severity is how serious an interaction's issue is.
type Severity uint8

// The severities; the zero value is not one.
const (
	_ Severity = iota
	// Info is a question or a contact with no problem.
	Info
	// Minor is a small problem (the kind often solved informally).
	Minor
	// Major hinders the customer's work.
	Major
	// Critical stops it.
	Critical
)

// Outcome is how an interaction ended.
type Outcome uint8

// The outcomes; the zero value is not one.
const (
	_ Outcome = iota
	// Pending is not finished.
	Pending
	// Resolved solved the matter.
	Resolved
	// Escalated handed it to another level.
	Escalated
	// Unresolved closed without a solution.
	Unresolved
)

// Interaction is one significant step of a customer's journey: a call, a
// visit, a ticket, a complaint, a small problem solved on the spot. Who is
// the host application's key of the person who handled it.
//
// Times: At is when the customer got in touch; AutoReplyAt is an
// autoresponder's reply, which is recorded but is not service and never
// counts as a response; FirstResponseAt is the first reply by a person;
// ResolvedAt is when the matter was solved. Zero means "not (yet)".
// Satisfaction is a score 1..5, or 0 when not asked. Informal marks a
// small problem solved informally, recorded so the statistics are
// complete; FirstLine marks contacts to first-line support.
//
// An Interaction is an aggregate of kind InteractionKind: RecordInteraction
// opens it at Version 1, and its commands (Respond, Resolve, Rate) record
// what happens later, each returning the next Version and one event and
// leaving the receiver unchanged. Version counts its events; a value built
// by hand for statistics (JourneyStatsOf) may leave ID and Version zero.
type Interaction struct {
	ID              uuid.UUID `json:"id"`
	Version         int64     `json:"version"`
	AccountID       uuid.UUID `json:"account_id"`
	ContactID       uuid.UUID `json:"contact_id,omitzero"`
	Channel         string    `json:"channel"`
	Category        string    `json:"category,omitempty"`
	Severity        Severity  `json:"severity"`
	Outcome         Outcome   `json:"outcome"`
	Who             string    `json:"who"`
	At              time.Time `json:"at"`
	AutoReplyAt     time.Time `json:"auto_reply_at,omitzero"`
	FirstResponseAt time.Time `json:"first_response_at,omitzero"`
	ResolvedAt      time.Time `json:"resolved_at,omitzero"`
	Satisfaction    int       `json:"satisfaction,omitempty"`
	Informal        bool      `json:"informal,omitempty"`
	FirstLine       bool      `json:"first_line,omitempty"`
}

// Validate reports the first problem of i as a recorded interaction: a
// nil ID, a Version below 1, or a problem of its content (see
// ValidateContent).
func (i Interaction) Validate() error {
	switch {
	case i.ID == uuid.Nil:
		return crmkit.Invalid("id", "interaction without id (record it with RecordInteraction)")
	case i.Version < 1:
		return crmkit.Invalid("version", "interaction %s: version %d is below 1", i.ID, i.Version)
	}
	return i.ValidateContent()
}

// ValidateContent reports the first problem of what i records, whether
// or not it was recorded (ID and Version aside, so that a journey log of
// values built by hand can be checked): no account, channel or handler, a
// zero time, an unknown severity or outcome, a satisfaction outside 0..5,
// a reply or resolution before the contact, a resolution before the
// first response, a Resolved outcome without a resolution time.
func (i Interaction) ValidateContent() error {
	switch {
	case i.AccountID == uuid.Nil:
		return crmkit.Invalid("account id", "interaction %s without account", i.ID)
	case strings.TrimSpace(i.Channel) == "":
		return crmkit.Invalid("channel", "interaction %s without channel", i.ID)
	}
	// Who and At are the interaction's actor and time: checked as
	// crmkit.Cmd.Validate checks every command's By and At.
	if err := (crmkit.Cmd{By: i.Who, At: i.At}).Validate(); err != nil {
		var v *crmkit.ValidationError
		if errors.As(err, &v) && v.Field == "by" {
			return crmkit.Invalid("who", "interaction %s: %s", i.ID, v.Reason)
		}
		return fmt.Errorf("interaction %s: %w", i.ID, err)
	}
	switch {
	case !i.Severity.Valid():
		return crmkit.Invalid("severity", "interaction %s has severity %s", i.ID, i.Severity)
	case !i.Outcome.Valid():
		return crmkit.Invalid("outcome", "interaction %s has outcome %s", i.ID, i.Outcome)
	case i.Satisfaction < 0 || i.Satisfaction > 5:
		return crmkit.Invalid("satisfaction", "interaction %s scored %d: want 1..5 or 0", i.ID, i.Satisfaction)
	case !i.AutoReplyAt.IsZero() && i.AutoReplyAt.Before(i.At),
		!i.FirstResponseAt.IsZero() && i.FirstResponseAt.Before(i.At),
		!i.ResolvedAt.IsZero() && i.ResolvedAt.Before(i.At):
		return crmkit.Invalid("times", "interaction %s: a reply or resolution before the contact at %s", i.ID, i.At.Format(time.RFC3339))
	case !i.ResolvedAt.IsZero() && !i.FirstResponseAt.IsZero() && i.ResolvedAt.Before(i.FirstResponseAt):
		return crmkit.Invalid("resolved at", "interaction %s: resolved at %s, before its first response at %s", i.ID,
			i.ResolvedAt.Format(time.RFC3339), i.FirstResponseAt.Format(time.RFC3339))
	case i.Outcome == Resolved && i.ResolvedAt.IsZero():
		return crmkit.Invalid("resolved at", "interaction %s is resolved without a resolution time", i.ID)
	}
	return nil
}

// Clone returns a copy of i (an Interaction holds no slice or map, so a
// copy shares nothing with i).
func (i Interaction) Clone() Interaction { return i }

// Open reports whether i's outcome is still Pending.
func (i Interaction) Open() bool { return i.Outcome == Pending }

// InteractionKind is the AggregateKind of journey events.
const InteractionKind = "interaction"

// Event types of the "interaction" aggregate; each carries the
// interaction's Version after it.
const (
	// EventInteractionRecorded records an interaction in the journey
	// log; the payload is the Interaction.
	EventInteractionRecorded = "InteractionRecorded"
	// EventInteractionResponded records the first response by a person;
	// payload RespondedPayload.
	EventInteractionResponded = "InteractionResponded"
	// EventInteractionResolved records the resolution; payload
	// ResolvedPayload.
	EventInteractionResolved = "InteractionResolved"
	// EventInteractionRated records the customer's satisfaction score;
	// payload RatedPayload.
	EventInteractionRated = "InteractionRated"
)

// RespondedPayload is the payload of EventInteractionResponded.
type RespondedPayload struct {
	FirstResponseAt time.Time `json:"first_response_at"`
}

// ResolvedPayload is the payload of EventInteractionResolved.
type ResolvedPayload struct {
	ResolvedAt time.Time `json:"resolved_at"`
}

// RatedPayload is the payload of EventInteractionRated.
type RatedPayload struct {
	Satisfaction int `json:"satisfaction"`
}

// RecordInteraction checks i (ValidateContent) and c, gives i an ID from c's ID source
// (crmkit.Cmd.NewID) if it has none, and returns it at Version 1 with its
// EventInteractionRecorded: the event's ID comes from the same source, its
// actor, time and reason are c's (who recorded the interaction, and when),
// so a replay under a fake clock and a crmkit.DeterministicIDs source is
// byte-for-byte repeatable. i.Who and i.At stay the handler and the time of
// the contact. Errors match crmkit.ErrInvalid as Validate and
// crmkit.Cmd.Validate say; on error no ID is drawn.
func RecordInteraction(i Interaction, c crmkit.Cmd) (Interaction, crmkit.Event, error) {
	if err := c.Validate(); err != nil {
		return Interaction{}, crmkit.Event{}, fmt.Errorf("record interaction: %w", err)
	}
	if err := i.ValidateContent(); err != nil {
		return Interaction{}, crmkit.Event{}, err
	}
	if i.ID == uuid.Nil {
		i.ID = c.NewID()
	}
	i.Version = 1
	e, err := c.NewEvent(InteractionKind, i.ID, EventInteractionRecorded, 1, i)
	if err != nil {
		return Interaction{}, crmkit.Event{}, err
	}
	return i, e, nil
}

// Respond records the first response by a person to i, at time at
// (FirstResponseAt), as recorded by c.By at c.At: at is not before the
// contact (i.At) and not after c.At (a response is recorded once it
// happened), i is still open (Pending: a response after the matter was
// closed would come after its resolution) and has no first response yet.
// It returns i at its next Version with one EventInteractionResponded;
// i is unchanged.
//
// Errors: crmkit.ErrInvalid for a command crmkit.Cmd.Validate refuses, an
// invalid i (Validate), or a time outside those bounds;
// crmkit.ErrIllegalTransition when i already has a first response or is
// closed.
func (i Interaction) Respond(at time.Time, c crmkit.Cmd) (Interaction, crmkit.Event, error) {
	if err := i.checkCommand("respond", at, c); err != nil {
		return Interaction{}, crmkit.Event{}, err
	}
	switch {
	case !i.FirstResponseAt.IsZero():
		return Interaction{}, crmkit.Event{}, fmt.Errorf("respond to interaction %s: first response already recorded at %s: %w",
			i.ID, i.FirstResponseAt.Format(time.RFC3339), crmkit.ErrIllegalTransition)
	case !i.Open():
		return Interaction{}, crmkit.Event{}, fmt.Errorf("respond to interaction %s: it is %s: %w", i.ID, i.Outcome, crmkit.ErrIllegalTransition)
	}
	n := i
	n.FirstResponseAt = at
	return n.next(c, EventInteractionResponded, RespondedPayload{FirstResponseAt: at})
}

// Resolve records that the matter of i was solved at time at
// (ResolvedAt, Outcome Resolved), as recorded by c.By at c.At: at is not
// before the contact, nor before the first response when there is one,
// nor after c.At, and i is still open (Pending). A matter solved on the
// spot may be resolved without a first response. It returns i at its next
// Version with one EventInteractionResolved; i is unchanged.
//
// Errors: crmkit.ErrInvalid for a command crmkit.Cmd.Validate refuses, an
// invalid i, or a time outside those bounds; crmkit.ErrIllegalTransition
// when i is not open.
func (i Interaction) Resolve(at time.Time, c crmkit.Cmd) (Interaction, crmkit.Event, error) {
	if err := i.checkCommand("resolve", at, c); err != nil {
		return Interaction{}, crmkit.Event{}, err
	}
	if !i.Open() {
		return Interaction{}, crmkit.Event{}, fmt.Errorf("resolve interaction %s: it is %s: %w", i.ID, i.Outcome, crmkit.ErrIllegalTransition)
	}
	if !i.FirstResponseAt.IsZero() && at.Before(i.FirstResponseAt) {
		return Interaction{}, crmkit.Event{}, crmkit.Invalid("resolved at", "resolve interaction %s: %s is before its first response at %s",
			i.ID, at.Format(time.RFC3339), i.FirstResponseAt.Format(time.RFC3339))
	}
	n := i
	n.ResolvedAt, n.Outcome = at, Resolved
	return n.next(c, EventInteractionResolved, ResolvedPayload{ResolvedAt: at})
}

// Rate records the customer's satisfaction score (1..5) for i, asked once
// the matter is closed (i not Pending) and only once: it returns i at its
// next Version with one EventInteractionRated; i is unchanged.
//
// Errors: crmkit.ErrInvalid for a command crmkit.Cmd.Validate refuses, an
// invalid i, c.At before the contact or a score outside 1..5;
// crmkit.ErrIllegalTransition when i is still open or already rated.
func (i Interaction) Rate(score int, c crmkit.Cmd) (Interaction, crmkit.Event, error) {
	if err := i.checkCommand("rate", c.At, c); err != nil {
		return Interaction{}, crmkit.Event{}, err
	}
	switch {
	case score < 1 || score > 5:
		return Interaction{}, crmkit.Event{}, crmkit.Invalid("satisfaction", "rate interaction %s: %d is outside 1..5", i.ID, score)
	case i.Open():
		return Interaction{}, crmkit.Event{}, fmt.Errorf("rate interaction %s: it is still pending: %w", i.ID, crmkit.ErrIllegalTransition)
	case i.Satisfaction != 0:
		return Interaction{}, crmkit.Event{}, fmt.Errorf("rate interaction %s: already rated %d: %w", i.ID, i.Satisfaction, crmkit.ErrIllegalTransition)
	}
	n := i
	n.Satisfaction = score
	return n.next(c, EventInteractionRated, RatedPayload{Satisfaction: score})
}

// checkCommand runs the checks every interaction command shares: the
// command, the interaction as it stands, and a time at of the change not
// before the contact and not after the command's own time.
func (i Interaction) checkCommand(op string, at time.Time, c crmkit.Cmd) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("%s interaction %s: %w", op, i.ID, err)
	}
	if err := i.Validate(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	switch {
	case at.IsZero():
		return crmkit.Invalid("at", "%s interaction %s: zero time", op, i.ID)
	case at.Before(i.At):
		return crmkit.Invalid("at", "%s interaction %s: %s is before the contact at %s", op, i.ID, at.Format(time.RFC3339), i.At.Format(time.RFC3339))
	case at.After(c.At):
		return crmkit.Invalid("at", "%s interaction %s: %s is after the command's time %s", op, i.ID, at.Format(time.RFC3339), c.At.Format(time.RFC3339))
	}
	return nil
}

// next bumps i's Version and returns it with its event.
func (i Interaction) next(c crmkit.Cmd, typ string, payload any) (Interaction, crmkit.Event, error) {
	i.Version++
	e, err := c.NewEvent(InteractionKind, i.ID, typ, i.Version, payload)
	if err != nil {
		return Interaction{}, crmkit.Event{}, err
	}
	return i, e, nil
}

// ReplayInteraction rebuilds an interaction from its events, oldest first:
// the first must be its EventInteractionRecorded (version 1, the payload
// the interaction as recorded), every later one of the same interaction
// at the next version and legal where it occurs (Respond, Resolve and
// Rate run again at the event's actor and time, with the payload's time
// or score). It is the inverse of the events RecordInteraction and the
// commands return. Errors match crmkit.ErrInvalid, or the error the
// command would have returned, naming the event.
func ReplayInteraction(events []crmkit.Event) (Interaction, error) {
	if len(events) == 0 {
		return Interaction{}, crmkit.Invalid("events", "no events to replay")
	}
	first := events[0]
	if first.AggregateKind != InteractionKind || first.Type != EventInteractionRecorded || first.Version != 1 {
		return Interaction{}, crmkit.Invalid("events[0]", "%s %s version %d is not an %s at version 1",
			first.AggregateKind, first.Type, first.Version, EventInteractionRecorded)
	}
	var i Interaction
	if err := first.DecodePayload(&i); err != nil {
		return Interaction{}, fmt.Errorf("replay events[0]: %w", err)
	}
	if i.ID != first.AggregateID || i.Version != 1 {
		return Interaction{}, crmkit.Invalid("events[0]", "payload of interaction %s version %d, event of %s", i.ID, i.Version, first.AggregateID)
	}
	if err := i.Validate(); err != nil {
		return Interaction{}, fmt.Errorf("replay events[0]: %w", err)
	}
	for k, e := range events[1:] {
		if e.AggregateKind != InteractionKind || e.AggregateID != i.ID || e.Version != i.Version+1 {
			return Interaction{}, crmkit.Invalid(fmt.Sprintf("events[%d]", k+1), "%s %s version %d is not the next event of interaction %s (version %d)",
				e.AggregateKind, e.AggregateID, e.Version, i.ID, i.Version+1)
		}
		c := crmkit.Cmd{By: e.Actor, At: e.At, Reason: e.Reason}
		var err error
		switch e.Type {
		case EventInteractionResponded:
			var p RespondedPayload
			if err = e.DecodePayload(&p); err == nil {
				i, _, err = i.Respond(p.FirstResponseAt, c)
			}
		case EventInteractionResolved:
			var p ResolvedPayload
			if err = e.DecodePayload(&p); err == nil {
				i, _, err = i.Resolve(p.ResolvedAt, c)
			}
		case EventInteractionRated:
			var p RatedPayload
			if err = e.DecodePayload(&p); err == nil {
				i, _, err = i.Rate(p.Satisfaction, c)
			}
		default:
			err = crmkit.Invalid("type", "%s is not an interaction event", e.Type)
		}
		if err != nil {
			return Interaction{}, fmt.Errorf("replay events[%d]: %w", k+1, err)
		}
	}
	return i, nil
}

// JourneyStats summarises a journey log.
type JourneyStats struct {
	// Interactions counts everything logged; Informal those solved
	// informally.
	Interactions, Informal int64
	// Rated counts interactions with a satisfaction score;
	// MeanSatisfaction is their mean (crmkit.Ratio, zero if none).
	Rated            int64
	MeanSatisfaction decimal.Decimal
	// AutoReplyOnly counts interactions that got only an autoresponder
	// (not service, so not in FirstResponse).
	AutoReplyOnly int64
	// FirstResponse holds the times from At to FirstResponseAt of the
	// interactions a person replied to (its Count is how many), and
	// Resolution the times from At to ResolvedAt of those with a
	// resolution time: count, mean, median and quantiles, kept exactly
	// (crmkit.QuantilesExact, sorted); empty, with Mean and Median errors,
	// when there are none.
	FirstResponse, Resolution crmkit.Durations
}

// JourneyStatsOf computes the journey statistics of interactions (each checked
// with ValidateContent, so values built by hand count too; the first
// invalid one is the error).
func JourneyStatsOf(interactions iter.Seq[Interaction]) (JourneyStats, error) {
	if interactions == nil {
		return JourneyStats{}, crmkit.Invalid("interactions", "nil sequence")
	}
	var s JourneyStats
	var resp, res []time.Duration
	var satisfaction int64
	for i := range interactions {
		if err := i.ValidateContent(); err != nil {
			return JourneyStats{}, err
		}
		s.Interactions++
		if i.Informal {
			s.Informal++
		}
		if i.Satisfaction > 0 {
			s.Rated++
			satisfaction += int64(i.Satisfaction)
		}
		switch {
		case !i.FirstResponseAt.IsZero():
			resp = append(resp, i.FirstResponseAt.Sub(i.At))
		case !i.AutoReplyAt.IsZero():
			s.AutoReplyOnly++
		}
		if !i.ResolvedAt.IsZero() {
			res = append(res, i.ResolvedAt.Sub(i.At))
		}
	}
	s.MeanSatisfaction = decimal.Zero
	if s.Rated > 0 {
		var err error
		if s.MeanSatisfaction, err = crmkit.Ratio(decimal.NewFromInt(satisfaction), decimal.NewFromInt(s.Rated)); err != nil {
			return JourneyStats{}, err
		}
	}
	var err error
	if s.FirstResponse, err = crmkit.DurationsOf(crmkit.QuantilesExact, resp...); err != nil {
		return JourneyStats{}, fmt.Errorf("first response: %w", err)
	}
	if s.Resolution, err = crmkit.DurationsOf(crmkit.QuantilesExact, res...); err != nil {
		return JourneyStats{}, fmt.Errorf("resolution: %w", err)
	}
	return s, nil
}

// LogCompleteness is the share of problems that made it into the log:
//
//	completeness = (problems − unrecorded) / problems
//
// 60-70% of minor problems are solved informally and never recorded; with
// 100 problems of which 65 were solved informally off the record, the log
// is 35% complete. unrecorded comes from a survey or a sample audit.
// Negative counts, no problems, or more unrecorded than problems are
// ErrInvalid.
func LogCompleteness(problems, unrecorded int64) (decimal.Decimal, error) {
	switch {
	case problems <= 0:
		return decimal.Decimal{}, crmkit.Invalid("problems", "%d problems", problems)
	case unrecorded < 0 || unrecorded > problems:
		return decimal.Decimal{}, crmkit.Invalid("unrecorded", "%d unrecorded of %d problems", unrecorded, problems)
	}
	return crmkit.Ratio(decimal.NewFromInt(problems-unrecorded), decimal.NewFromInt(problems))
}

// ChurnSignal is a regular customer that keeps coming back to first-line
// support: a churn signal.
type ChurnSignal struct {
	AccountID uuid.UUID
	Contacts  int
}

// RepeatSupportSignals returns the regular customers (those in regular)
// with at least minContacts first-line support interactions within p,
// most contacts first (ties by account ID). minContacts below 2 is
// ErrInvalid.
func RepeatSupportSignals(interactions iter.Seq[Interaction], regular map[uuid.UUID]bool, p crmkit.Period, minContacts int) ([]ChurnSignal, error) {
	if interactions == nil {
		return nil, crmkit.Invalid("interactions", "nil sequence")
	}
	if minContacts < 2 {
		return nil, crmkit.Invalid("min contacts", "%d: a repeat needs at least 2", minContacts)
	}
	counts := map[uuid.UUID]int{}
	for i := range interactions {
		if i.FirstLine && regular[i.AccountID] && p.Contains(i.At) {
			counts[i.AccountID]++
		}
	}
	var out []ChurnSignal
	for id, n := range counts {
		if n >= minContacts {
			out = append(out, ChurnSignal{AccountID: id, Contacts: n})
		}
	}
	slices.SortFunc(out, func(a, b ChurnSignal) int {
		if c := cmp.Compare(b.Contacts, a.Contacts); c != 0 {
			return c
		}
		return strings.Compare(a.AccountID.String(), b.AccountID.String())
	})
	return out, nil
}
