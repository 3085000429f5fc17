package lead

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead/internal/contactkey"
	"github.com/google/uuid"
)

// LeadKind is the crmkit.Event AggregateKind of every lead event.
const LeadKind = "lead"

// The event types a lead produces, in the past tense. Every command on a
// lead returns exactly one crmkit.Event of one of these types, with the
// lead's new version; ladder transitions carry From, To (stage names) and
// Reason.
const (
	// EventLeadCaptured: the lead was created (New). To is "suspect".
	EventLeadCaptured = "LeadCaptured"
	// EventLeadQualified: Suspect -> MQL, marketing found clear interest.
	EventLeadQualified = "LeadQualified"
	// EventLeadAccepted: MQL (or Suspect) -> SQL, sales accepted a lead with
	// immediate purchase intent.
	EventLeadAccepted = "LeadAccepted"
	// EventLeadNurtured: Suspect, MQL or SQL -> Nurture, set aside with a revisit
	// date and a reason.
	EventLeadNurtured = "LeadNurtured"
	// EventLeadRecycled: Nurture -> MQL, a nurtured lead is worked again.
	EventLeadRecycled = "LeadRecycled"
	// EventLeadDisqualified: -> Disqualified, no purchase intent.
	EventLeadDisqualified = "LeadDisqualified"
	// EventLeadConverted: SQL -> Converted, the lead became an account, a
	// contact and an opportunity.
	EventLeadConverted = "LeadConverted"
	// EventTouchpointRecorded: a touchpoint was added to the journey.
	EventTouchpointRecorded = "TouchpointRecorded"
	// EventTimeframeStated: the lead stated (or withdrew) a buying time frame.
	EventTimeframeStated = "TimeframeStated"
	// EventTemperatureChanged: the derived temperature changed.
	EventTemperatureChanged = "TemperatureChanged"
	// EventLeadAssigned: the owner changed.
	EventLeadAssigned = "LeadAssigned"
	// EventLeadsMerged: duplicate leads were merged into this one.
	EventLeadsMerged = "LeadsMerged"
)

// Stage is a lead's place on the qualification ladder. The zero Stage is
// not a stage.
//
//   - Suspect: top of the funnel: visited the site, asked for general
//     information.
//   - MQL (marketing-qualified lead): clear interest, not ready to buy
//     soon; marketing nurtures it.
//   - SQL (sales-qualified lead): immediate purchase intent; marketing hands
//     it straight to sales.
//   - Converted: the SQL became an account, a contact and an opportunity.
//     Final.
//   - Nurture: not now (not ready, or already bought a competitor's
//     product): set aside with a revisit date, for marketing or sales to
//     work on later.
//   - Disqualified: no purchase intent. Final.
type Stage uint8

// The stages of the ladder.
const (
	StageSuspect Stage = iota + 1
	StageMQL
	StageSQL
	StageConverted
	StageNurture
	StageDisqualified
)

// numStages is the number of Stage values including the invalid zero.
const numStages = int(StageDisqualified) + 1

// Stages returns the stages in ladder order.
func Stages() []Stage {
	return []Stage{StageSuspect, StageMQL, StageSQL, StageConverted, StageNurture, StageDisqualified}
}

// Final reports whether no transition leaves s (Converted, Disqualified).
func (s Stage) Final() bool { return s == StageConverted || s == StageDisqualified }

// ParseStage parses a stage name as String writes it, ignoring case and
// surrounding spaces; the long forms "marketing qualified lead" and "sales
// qualified lead" (with spaces, hyphens or underscores) are understood too.
// Anything else is an error matching crmkit.ErrInvalid.
func ParseStage(name string) (Stage, error) {
	c, ok := canonicalName(name)
	if ok {
		switch c {
		case "marketing_qualified_lead", "marketing_qualified":
			return StageMQL, nil
		case "sales_qualified_lead", "sales_qualified":
			return StageSQL, nil
		}
		if s, err := stageNames.Parse(c); err == nil && s != 0 {
			return s, nil
		}
	}
	return 0, crmkit.Invalid("stage", "unknown stage %q", name)
}

// Side names the team that works a nurtured lead: nurtured leads may be
// owned by marketing or by sales. The zero Side means unspecified.
type Side uint8

// The sides.
const (
	SideMarketing Side = iota + 1
	SideSales
)

// Person is who a lead is: a person, an organisation, or a person at an
// organisation. At least one of Name, Email, Phone and Company is needed.
type Person struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	Phone    string `json:"phone"`
	Company  string `json:"company"`
	Title    string `json:"title"`
	Industry string `json:"industry"`
	Country  string `json:"country"`
	// Website is the organisation's web address, used with the e-mail
	// domain to find the company domain for dedupe.
	Website     string `json:"website"`
	CompanySize int    `json:"company_size"` // employees; 0 when unknown
	// Attributes holds the company's own fields (age band, segment,
	// language, ...), used by scoring and routing rules.
	Attributes map[string]string `json:"attributes"`
}

// Equal reports whether p and q are the same person: every field equal,
// a nil attribute map equal to an empty one.
func (p Person) Equal(q Person) bool {
	return p.Name == q.Name && p.Email == q.Email && p.Phone == q.Phone && p.Company == q.Company &&
		p.Title == q.Title && p.Industry == q.Industry && p.Country == q.Country &&
		p.Website == q.Website && p.CompanySize == q.CompanySize && maps.Equal(p.Attributes, q.Attributes)
}

// IsEmpty reports whether p identifies nobody: no name, e-mail, phone or
// company.
func (p Person) IsEmpty() bool {
	return strings.TrimSpace(p.Name) == "" && strings.TrimSpace(p.Email) == "" &&
		strings.TrimSpace(p.Phone) == "" && strings.TrimSpace(p.Company) == ""
}

// Validate rejects an empty identity, a malformed e-mail address, a phone
// number without digits and a negative company size.
func (p Person) Validate() error {
	if p.IsEmpty() {
		return crmkit.Invalid("who", "empty identity: need a name, e-mail, phone or company")
	}
	if e := strings.TrimSpace(p.Email); e != "" {
		if _, _, ok := contactkey.SplitEmail(e); !ok {
			return crmkit.Invalid("email", "%q is not an e-mail address", p.Email)
		}
	}
	if ph := strings.TrimSpace(p.Phone); ph != "" && contactkey.PhoneDigits(ph) == "" {
		return crmkit.Invalid("phone", "%q has no digits", p.Phone)
	}
	if p.CompanySize < 0 {
		return crmkit.Invalid("company size", "negative size %d", p.CompanySize)
	}
	for k := range p.Attributes {
		if strings.TrimSpace(k) == "" {
			return crmkit.Invalid("attributes", "empty attribute name")
		}
	}
	return nil
}

// Clone returns a copy of p that shares no map with it.
func (p Person) Clone() Person {
	if p.Attributes != nil {
		p.Attributes = maps.Clone(p.Attributes)
	}
	return p
}

// Touchpoint is one interaction on the lead's journey: through which
// channel and campaign, with which content, of which kind, when. Customers
// jump between channels before buying; the journey keeps every touch.
type Touchpoint struct {
	Channel  Channel   `json:"channel"`
	Campaign string    `json:"campaign,omitempty"`
	Content  string    `json:"content,omitempty"` // the piece of content: a blog post, a video, a landing page
	Kind     TouchKind `json:"kind"`
	At       time.Time `json:"at"`
}

// Validate checks the touchpoint against sources (the accepted channels):
// a known channel, a non-empty kind and a non-zero time.
func (tp Touchpoint) Validate(sources Sources) error {
	if err := sources.Validate(tp.Channel); err != nil {
		return err
	}
	if strings.TrimSpace(string(tp.Kind)) == "" {
		return crmkit.Invalid("touch kind", "empty")
	}
	if tp.At.IsZero() {
		return crmkit.Invalid("touch time", "zero time")
	}
	return nil
}

// compareTouch orders touchpoints by time, then by their other fields, so
// that a journey has one canonical order.
func compareTouch(a, b Touchpoint) int {
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.Channel), string(b.Channel)); c != 0 {
		return c
	}
	if c := strings.Compare(a.Campaign, b.Campaign); c != 0 {
		return c
	}
	if c := strings.Compare(a.Content, b.Content); c != 0 {
		return c
	}
	return strings.Compare(string(a.Kind), string(b.Kind))
}

// sameTouch reports whether a and b are the same touch (same instant, even
// in different time zones).
func sameTouch(a, b Touchpoint) bool { return compareTouch(a, b) == 0 }

// Lead is a person or organisation that showed interest, directly or
// indirectly, and its way up the qualification ladder.
//
// A Lead is a value: commands such as Ladder.Fire, RecordTouch and Merge
// take a lead and return a changed copy plus the event that records the
// change, leaving the input alone. Lead holds a slice (Journey) and a map
// (Who.Attributes): copies made by assignment share them. This package
// never modifies them in place (it appends to a fresh copy), so sharing is
// safe as long as callers do the same; call Clone before modifying them
// yourself.
type Lead struct {
	// ID identifies the lead (a UUIDv7).
	ID uuid.UUID `json:"id"`
	// Who the lead is.
	Who Person `json:"who"`
	// Source is the channel the lead first came from.
	Source Channel `json:"source"`
	// EventKind says which kind of event, when Source is ChannelEvent.
	EventKind EventKind `json:"event_kind"`
	// ReferredBy is the host application's key of whoever referred the
	// lead (a customer, or someone who has not bought), for referrals.
	ReferredBy string `json:"referred_by"`
	// Campaign is the campaign that produced the lead, if any.
	Campaign string `json:"campaign"`
	// Owner is the host application's key of the rep or queue that owns
	// the lead ("" when unassigned).
	Owner string `json:"owner"`
	// Stage is the lead's place on the ladder.
	Stage Stage `json:"stage"`
	// StageAt is when the lead entered Stage.
	StageAt time.Time `json:"stage_at"`
	// Reason is the reason given for the last ladder transition
	// (why nurtured, why disqualified, ...).
	Reason string `json:"reason"`
	// RevisitAt is when a nurtured lead should be looked at again (zero
	// outside Nurture).
	RevisitAt time.Time `json:"revisit_at"`
	// NurturedBy says whether marketing or sales works the nurtured lead.
	NurturedBy Side `json:"nurtured_by"`
	// Temperature is the temperature derived from BuyBy at the last change
	// (see TemperatureRules; recompute with Lead.TemperatureAt).
	Temperature Temperature `json:"temperature"`
	// BuyBy is the date by which the lead said it will buy: its stated
	// buying time frame. Zero when none was stated.
	BuyBy time.Time `json:"buy_by"`
	// Journey is the lead's touchpoints in time order.
	Journey []Touchpoint `json:"journey"`
	// CreatedAt is when the lead was captured.
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is the time of the last event.
	UpdatedAt time.Time `json:"updated_at"`
	// Conversion holds the IDs created when the lead converted (zero
	// before).
	Conversion ConversionRef `json:"conversion"`
	// MergedFrom lists the IDs of duplicate leads merged into this one,
	// sorted.
	MergedFrom []uuid.UUID `json:"merged_from"`
	// Description is free text about the lead (see Edit).
	Description string `json:"description,omitempty"`
	// ArchivedAt is when the lead was archived (see Archive); zero while
	// it is not. An archived lead takes no command but Restore.
	ArchivedAt time.Time `json:"archived_at,omitzero"`
	// Version is the number of events so far (1 after New); storage uses it
	// for optimistic concurrency.
	Version int64 `json:"version"`
}

// ConversionRef records what a converted lead became.
type ConversionRef struct {
	AccountID     uuid.UUID `json:"account_id"`
	ContactID     uuid.UUID `json:"contact_id"`
	OpportunityID uuid.UUID `json:"opportunity_id"`
	// ExistingAccount and ExistingContact say whether the account or
	// contact already existed (found by dedupe) rather than being created.
	ExistingAccount bool `json:"existing_account"`
	ExistingContact bool `json:"existing_contact"`
}

// Clone returns a deep copy of l that shares no slice or map with it.
func (l Lead) Clone() Lead {
	l.Who = l.Who.Clone()
	l.Journey = slices.Clone(l.Journey)
	l.MergedFrom = slices.Clone(l.MergedFrom)
	return l
}

// Equal reports whether l and o are the same lead by meaning, as a lead
// read back from a store is the lead written: times are compared as
// instants (time.Time.Equal: another zone, no monotonic reading), and a
// nil journey, merged list or attribute map equals an empty one. Every
// other field is compared exactly.
func (l Lead) Equal(o Lead) bool {
	return l.ID == o.ID && l.Who.Equal(o.Who) && l.Source == o.Source && l.EventKind == o.EventKind &&
		l.ReferredBy == o.ReferredBy && l.Campaign == o.Campaign && l.Owner == o.Owner &&
		l.Stage == o.Stage && l.StageAt.Equal(o.StageAt) && l.Reason == o.Reason &&
		l.RevisitAt.Equal(o.RevisitAt) && l.NurturedBy == o.NurturedBy &&
		l.Temperature == o.Temperature && l.BuyBy.Equal(o.BuyBy) &&
		slices.EqualFunc(l.Journey, o.Journey, sameTouch) &&
		l.CreatedAt.Equal(o.CreatedAt) && l.UpdatedAt.Equal(o.UpdatedAt) &&
		l.Conversion == o.Conversion && slices.Equal(l.MergedFrom, o.MergedFrom) &&
		l.Description == o.Description && l.ArchivedAt.Equal(o.ArchivedAt) &&
		l.Version == o.Version
}

// FirstTouch returns the time of the first touchpoint, or CreatedAt when the
// journey is empty.
func (l Lead) FirstTouch() time.Time {
	if len(l.Journey) > 0 && l.Journey[0].At.Before(l.CreatedAt) {
		return l.Journey[0].At
	}
	return l.CreatedAt
}

// DueForRevisit reports whether l is nurtured and its revisit date has
// come at now: the nurtured leads marketing or sales should work on again.
func (l Lead) DueForRevisit(now time.Time) bool {
	return l.Stage == StageNurture && !l.RevisitAt.IsZero() && !now.Before(l.RevisitAt)
}

// Capture is the input of New.
type Capture struct {
	// Who the lead is; at least a name, e-mail, phone or company.
	Who Person
	// Source is the channel the lead came from; it must be accepted by
	// Sources.
	Source Channel
	// EventKind is required when Source is ChannelEvent and must be empty
	// otherwise.
	EventKind EventKind
	// ReferredBy, Campaign and Owner are optional.
	ReferredBy string
	Campaign   string
	Owner      string
	// BuyBy is the stated buying time frame (zero for none).
	BuyBy time.Time
	// Journey holds touchpoints already known at capture, at or after the
	// creation time (the command's At); they are sorted.
	Journey []Touchpoint
	// Sources is the set of accepted channels; the zero value accepts the
	// built-in channels only.
	Sources Sources
	// Temperature holds the thresholds for the initial temperature (zero
	// value: defaults).
	Temperature TemperatureRules
}

// New captures a new lead as a Suspect with a new ID, created by cmd.By
// at cmd.At, and returns it with its EventLeadCaptured event (version 1,
// cmd's By, At and Reason). It returns an error matching
// crmkit.ErrInvalid, and no lead, when crmkit.Cmd.Validate refuses cmd
// (no actor, no time), the identity is empty or malformed, the source is
// not accepted, an event lead has no known event kind, or a touchpoint is
// invalid or before the creation time. The lead owns copies of the
// capture's journey and attributes.
func New(c Capture, cmd crmkit.Cmd) (Lead, crmkit.Event, error) {
	if err := cmd.Validate(); err != nil {
		return Lead{}, crmkit.Event{}, fmt.Errorf("new lead: %w", err)
	}
	at := cmd.At
	if err := c.Who.Validate(); err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	if err := c.Sources.Validate(c.Source); err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	if c.Source == ChannelEvent {
		if !slices.Contains(eventKinds[:], c.EventKind) {
			return Lead{}, crmkit.Event{}, crmkit.Invalid("event kind", "unknown event kind %q for an event lead", string(c.EventKind))
		}
	} else if c.EventKind != "" {
		return Lead{}, crmkit.Event{}, crmkit.Invalid("event kind", "event kind %q given for source %q", string(c.EventKind), string(c.Source))
	}
	if err := c.Temperature.Validate(); err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	journey := slices.Clone(c.Journey)
	for i, tp := range journey {
		if err := checkTouch(tp, c.Sources, at, time.Time{}); err != nil {
			return Lead{}, crmkit.Event{}, fmt.Errorf("journey[%d]: %w", i, err)
		}
	}
	slices.SortStableFunc(journey, compareTouch)
	journey = slices.CompactFunc(journey, sameTouch)
	l := Lead{
		ID:          cmd.NewID(),
		Who:         c.Who.Clone(),
		Source:      c.Source,
		EventKind:   c.EventKind,
		ReferredBy:  c.ReferredBy,
		Campaign:    c.Campaign,
		Owner:       c.Owner,
		Stage:       StageSuspect,
		StageAt:     at,
		Temperature: c.Temperature.withDefaults().temperature(c.BuyBy, at),
		BuyBy:       c.BuyBy,
		Journey:     journey,
		CreatedAt:   at,
		UpdatedAt:   at,
		Version:     1,
	}
	ev, err := cmd.NewEvent(LeadKind, l.ID, EventLeadCaptured, 1, capturedPayload{
		Source: l.Source, EventKind: l.EventKind, Campaign: l.Campaign, Owner: l.Owner,
	})
	if err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	ev.To, ev.Reason = StageSuspect.String(), cmd.Reason
	return l, ev, nil
}

// capturedPayload is the payload of EventLeadCaptured.
type capturedPayload struct {
	Source    Channel   `json:"source"`
	EventKind EventKind `json:"event_kind,omitempty"`
	Campaign  string    `json:"campaign,omitempty"`
	Owner     string    `json:"owner,omitempty"`
}

// checkTouch validates a touchpoint of a lead created at created, as of
// now (zero: no upper bound).
func checkTouch(tp Touchpoint, sources Sources, created, now time.Time) error {
	if err := tp.Validate(sources); err != nil {
		return err
	}
	if tp.At.Before(created) {
		return crmkit.Invalid("touch time", "%s is before the lead's creation %s", tp.At.Format(time.RFC3339), created.Format(time.RFC3339))
	}
	if !now.IsZero() && tp.At.After(now) {
		return crmkit.Invalid("touch time", "%s is in the future (now %s)", tp.At.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	return nil
}

// RecordTouch adds a touchpoint to the journey, keeping it in time order,
// and returns the changed lead with its EventTouchpointRecorded event
// (payload: the Touchpoint as JSON; By, At and Reason: c's). The touch
// may be late: any time from the lead's creation to c.At. A command
// crmkit.Cmd.Validate refuses, a c.At before the lead's last change, a
// touch with an unknown channel, an empty kind, a time before the lead's
// creation or after c.At are errors matching crmkit.ErrInvalid; the same
// touch recorded twice matches crmkit.ErrConflict. The input lead is not
// changed: the journey is copied.
func (l Lead) RecordTouch(sources Sources, tp Touchpoint, c crmkit.Cmd) (Lead, crmkit.Event, error) {
	if err := l.checkCmd(c); err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	if err := checkTouch(tp, sources, l.CreatedAt, c.At); err != nil {
		return Lead{}, crmkit.Event{}, fmt.Errorf("lead %s: %w", l.ID, err)
	}
	i, found := slices.BinarySearchFunc(l.Journey, tp, compareTouch)
	if found {
		return Lead{}, crmkit.Event{}, fmt.Errorf("lead %s: touchpoint %s %s at %s already recorded: %w", l.ID, tp.Channel, tp.Kind, tp.At.Format(time.RFC3339), crmkit.ErrConflict)
	}
	journey := make([]Touchpoint, 0, len(l.Journey)+1)
	journey = append(journey, l.Journey[:i]...)
	journey = append(journey, tp)
	journey = append(journey, l.Journey[i:]...)
	next := l
	next.Journey = journey
	next.UpdatedAt = c.At
	next.Version++
	ev, err := c.NewEvent(LeadKind, l.ID, EventTouchpointRecorded, next.Version, tp)
	if err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	ev.Reason = c.Reason
	return next, ev, nil
}

// checkCmd rejects a lead that could not have come from New, a command
// crmkit.Cmd.Validate refuses and a command time before the lead's last
// change (all crmkit.ErrInvalid).
func (l Lead) checkCmd(c crmkit.Cmd) error {
	if err := l.validateForCommand(); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("lead %s: %w", l.ID, err)
	}
	if c.At.Before(l.UpdatedAt) {
		return crmkit.Invalid("at", "lead %s: %s is before its last change %s", l.ID, c.At.Format(time.RFC3339), l.UpdatedAt.Format(time.RFC3339))
	}
	return nil
}

// TimeframePayload is the payload of EventTimeframeStated and
// EventTemperatureChanged events.
type TimeframePayload struct {
	BuyBy       time.Time   `json:"buy_by,omitzero"`
	Temperature Temperature `json:"temperature"`
}

// StateTimeframe records the buying time frame the lead stated (the date by
// which it will buy; zero withdraws it) and re-derives the temperature with
// rules at c.At. It returns the changed lead and its EventTimeframeStated
// event (From and To are the temperatures; By, At and Reason are c's).
// Invalid rules or command (crmkit.Cmd.Validate, a time before the last
// change) are crmkit.ErrInvalid; a lead that is Converted or Disqualified
// is crmkit.ErrIllegalTransition.
func (l Lead) StateTimeframe(rules TemperatureRules, buyBy time.Time, c crmkit.Cmd) (Lead, crmkit.Event, error) {
	return l.setTimeframe(rules, buyBy, c, EventTimeframeStated)
}

// RefreshTemperature re-derives the temperature from the stated time frame
// at c.At. When it changed it returns the changed lead and its
// EventTemperatureChanged event; otherwise the lead unchanged and the zero
// Event (Type empty): nothing happened. Errors as StateTimeframe.
func (l Lead) RefreshTemperature(rules TemperatureRules, c crmkit.Cmd) (Lead, crmkit.Event, error) {
	if err := l.checkCmd(c); err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	t, err := rules.Temperature(l.BuyBy, c.At)
	if err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	if t == l.Temperature {
		return l, crmkit.Event{}, nil
	}
	return l.setTimeframe(rules, l.BuyBy, c, EventTemperatureChanged)
}

// TemperatureAt returns the lead's temperature at now under rules, without
// changing the lead.
func (l Lead) TemperatureAt(rules TemperatureRules, now time.Time) (Temperature, error) {
	return rules.Temperature(l.BuyBy, now)
}

func (l Lead) setTimeframe(rules TemperatureRules, buyBy time.Time, c crmkit.Cmd, typ string) (Lead, crmkit.Event, error) {
	if err := l.checkCmd(c); err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	if l.Stage.Final() {
		return Lead{}, crmkit.Event{}, fmt.Errorf("lead %s: cannot change the time frame in stage %s: %w", l.ID, l.Stage, crmkit.ErrIllegalTransition)
	}
	t, err := rules.Temperature(buyBy, c.At)
	if err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	next := l
	from := l.Temperature
	next.BuyBy, next.Temperature = buyBy, t
	next.UpdatedAt = c.At
	next.Version++
	ev, err := c.NewEvent(LeadKind, l.ID, typ, next.Version, TimeframePayload{BuyBy: buyBy, Temperature: t})
	if err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	if from.Valid() {
		ev.From = from.String()
	}
	ev.To, ev.Reason = t.String(), c.Reason
	return next, ev, nil
}

// Assign gives the lead to owner (the host application's key of a rep or a
// queue; "" unassigns it) and returns the changed lead and its
// EventLeadAssigned event (From and To are the old and new owners; By, At
// and Reason are c's). Assigning a Converted or Disqualified lead is
// crmkit.ErrIllegalTransition; a command crmkit.Cmd.Validate refuses, a
// time before the last change and assigning the lead to its current owner
// are crmkit.ErrInvalid.
func (l Lead) Assign(owner string, c crmkit.Cmd) (Lead, crmkit.Event, error) {
	if err := l.checkCmd(c); err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	if l.Stage.Final() {
		return Lead{}, crmkit.Event{}, fmt.Errorf("lead %s: cannot assign in stage %s: %w", l.ID, l.Stage, crmkit.ErrIllegalTransition)
	}
	if owner == l.Owner {
		return Lead{}, crmkit.Event{}, crmkit.Invalid("owner", "lead %s is already owned by %q", l.ID, owner)
	}
	next := l
	next.Owner = owner
	next.UpdatedAt = c.At
	next.Version++
	ev, err := c.NewEvent(LeadKind, l.ID, EventLeadAssigned, next.Version, nil)
	if err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	ev.From, ev.To, ev.Reason = l.Owner, owner, c.Reason
	return next, ev, nil
}
