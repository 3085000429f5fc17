package deal

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/field"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// Status is where a deal stands: Open (moving through the stages), Won or
// Lost (closed with an outcome), Suspended (paused, may be reactivated) or
// Terminated (never followed again). The zero value is not a status.
//
//	Open -> Won | Lost | Suspended | Terminated
//	Suspended -> Open (Reactivate, by policy) | Terminated
//	Lost -> Open (Reopen, if the pipeline allows)
//	Won, Terminated: final
type Status uint8

// The deal statuses.
const (
	_ Status = iota
	// Open deals move between the stages of their pipeline.
	Open
	// Won deals closed with a contract.
	Won
	// Lost deals closed without one; a pipeline may allow reopening them.
	Lost
	// Suspended deals are paused and may be reactivated.
	Suspended
	// Terminated deals are never followed again: no event leaves them.
	Terminated
)

// numStatuses is the number of statuses, which the compiled table packs
// into the top three bits of a state byte.
const numStatuses = 5

// ParseStatus parses the form String returns.
func ParseStatus(s string) (Status, error) {
	v, err := statusNames.Parse(s)
	if err == nil && !statusNames.Valid(v) {
		return 0, crmkit.Invalid("Status", "%q is not a Status", s)
	}
	return v, err
}

// Closed reports whether the deal is won or lost.
func (s Status) Closed() bool { return s == Won || s == Lost }

// DealType is the kind of business a deal brings: the funnel of new
// customers (NewBusiness) and the funnel of existing ones (Expansion,
// Renewal, CrossSell). Funnel reports split by it. The zero value is not a
// type.
type DealType uint8

// The deal types.
const (
	_ DealType = iota
	// NewBusiness is a first sale to a new customer.
	NewBusiness
	// Expansion is a larger contract or more subscriptions of what an
	// existing customer already buys (up-sell).
	Expansion
	// Renewal renews an existing contract.
	Renewal
	// CrossSell sells an existing customer another product category.
	CrossSell
)

// ParseDealType parses the form String returns.
func ParseDealType(s string) (DealType, error) {
	v, err := dealTypeNames.Parse(s)
	if err == nil && !dealTypeNames.Valid(v) {
		return 0, crmkit.Invalid("DealType", "%q is not a DealType", s)
	}
	return v, err
}

// Suspension records why and until when a deal is paused. It is set while
// the deal is Suspended and zero otherwise.
type Suspension struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Reason string    `json:"reason"`
	// Until is the planned resume date (zero: open-ended).
	Until time.Time `json:"until,omitzero"`
}

// The loss reasons the sources name. Loss reasons are free text (a
// company adds its own); these are the common ones, and a loss to a
// competitor (LossCompetitor, LossCompetitorEarly) must name it.
const (
	LossBadDemo         = "bad_demo"         // the demo went badly
	LossNotReady        = "buyer_not_ready"  // the buyer was not ready
	LossCompetitorEarly = "competitor_early" // a competitor came earlier
	LossCompetitor      = "competitor"       // a competitor won on product or relationship
	LossPrice           = "price"            // too expensive
	LossNoDecision      = "no_decision"      // the buyer did nothing
)

// Outcome is how a deal was closed: won, lost or terminated. Every closed
// deal gets a Summary; a lost one a Reason and, when a competitor won, the
// Competitor, for later competitive analysis. It is set while the deal is
// Won, Lost or Terminated; Reopen clears it (the old one stays in the
// deal's history, the DealLost event).
type Outcome struct {
	Reason     string    `json:"reason,omitempty"`
	Competitor string    `json:"competitor,omitempty"`
	Summary    string    `json:"summary,omitempty"`
	At         time.Time `json:"at,omitzero"`
	By         string    `json:"by,omitempty"`
}

// MaxSplitPlaces is the most decimal places of a revenue or overlay
// split: a split is exact to a basis point (0.0001 is 0.01 %).
const MaxSplitPlaces = 4

// Member is one rep of a deal team: the host application's key of the rep,
// the role on the deal (such as "owner", "presales", "overlay"), the
// revenue split credited to the rep and an overlay split, both shares: a
// fraction in [0, 1] with at most MaxSplitPlaces decimal places (0.255 is
// 25.5 %). Revenue splits of a team sum to exactly 1; overlay splits
// (credit to specialists on top of the revenue) need not, each lies within
// [0, 1].
type Member struct {
	Rep     string          `json:"rep"`
	Role    string          `json:"role,omitempty"`
	Split   decimal.Decimal `json:"split"`
	Overlay decimal.Decimal `json:"overlay,omitzero"`
}

// Credit is one rep's share of a deal amount (a fraction in [0, 1]) and
// the amount it credits, from Deal.RevenueCredits or Deal.OverlayCredits.
type Credit struct {
	Rep    string
	Share  decimal.Decimal
	Amount crmkit.Money
}

// ActivityKind names what an activity was: a visit, a call, ... Host
// applications may add their own kinds.
type ActivityKind string

// Common activity kinds.
const (
	ActivityVisit    ActivityKind = "visit"
	ActivityCall     ActivityKind = "call"
	ActivityEmail    ActivityKind = "email"
	ActivityMeeting  ActivityKind = "meeting"
	ActivityDemo     ActivityKind = "demo"
	ActivityProposal ActivityKind = "proposal"
)

// Activity is work done on a deal: its kind, result, cost, when it
// happened, how long it took and who did it.
type Activity struct {
	Kind     ActivityKind  `json:"kind"`
	Result   string        `json:"result,omitempty"`
	Cost     crmkit.Money  `json:"cost,omitzero"`
	At       time.Time     `json:"at"`
	Duration time.Duration `json:"duration,omitempty"`
	By       string        `json:"by"`
	Note     string        `json:"note,omitempty"`
}

// Deal is an opportunity: a possible sale to an account, worked by an owner
// and a team, moving through the stages of its pipeline.
//
// A Deal is a value. It stores its state as plain values (Status and the
// index of its Stage in the pipeline) and owns no state machine; commands
// (Pipeline.Move, Pipeline.Suspend, Deal.Transfer, ...) return a new Deal
// and the crmkit.Event that records the change, and leave their input
// unchanged, also on error. Team and Activities are slices: commands never
// write into a slice they received (they copy), and Clone gives a deep
// copy for callers who want to.
//
// The deal does not carry its history: the events of a deal, in order,
// are its history, and Pipeline.Replay rebuilds the deal from them.
type Deal struct {
	ID         uuid.UUID `json:"id"`
	PipelineID string    `json:"pipeline"`
	// PipelineVersion is the version of the stored pipeline definition
	// the deal runs on (PipelineSpec.Version of the pipeline deal.New was
	// given); 0 when that pipeline was never stored. A store refuses a
	// deal whose non-zero version names no stored version of its pipeline.
	PipelineVersion int64    `json:"pipeline_version,omitempty"`
	Name            string   `json:"name"`
	Type            DealType `json:"type"`
	// Amount is the expected value of the deal, never negative.
	Amount crmkit.Money `json:"amount"`
	// CloseDate is the expected close date (zero: not yet known), a
	// calendar date in the zone it carries; see NewDeal for the rule.
	CloseDate time.Time `json:"close_date,omitzero"`
	AccountID uuid.UUID `json:"account_id"`
	ContactID uuid.UUID `json:"contact_id,omitzero"`
	// SourceLeadID and CampaignID say where the deal came from (nil:
	// entered by a rep).
	SourceLeadID uuid.UUID `json:"source_lead_id,omitzero"`
	CampaignID   uuid.UUID `json:"campaign_id,omitzero"`
	// Owner is the rep in control of the deal (the host application's key).
	Owner string `json:"owner"`
	// Team is empty (the owner gets all the credit) or holds the owner and
	// the other reps with revenue splits summing to exactly 1.
	Team []Member `json:"team,omitempty"`
	// Stage is the index of the deal's stage in its pipeline (0 is the
	// first); a closed, suspended or terminated deal keeps the stage it
	// had.
	Stage int `json:"stage"`
	// StageEnteredAt is when the deal entered its current stage.
	StageEnteredAt time.Time `json:"stage_entered_at"`
	Status         Status    `json:"status"`
	// Probability overrides the stage's default win probability when
	// Valid (a fraction in [0, 1], see crmkit.CheckFraction). Without an
	// override it is left out of the JSON (stored bodies of older code
	// hold "probability": null, which decodes the same).
	Probability decimal.NullDecimal `json:"probability,omitzero"`
	// Suspension is set while the deal is Suspended.
	Suspension Suspension `json:"suspension,omitzero"`
	// Outcome is set while the deal is Won, Lost or Terminated.
	Outcome Outcome `json:"outcome,omitzero"`
	// Reopens counts how often the deal was reopened after a loss.
	Reopens    int        `json:"reopens,omitempty"`
	Activities []Activity `json:"activities,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	CreatedBy  string     `json:"created_by"`
	// UpdatedAt is the time of the deal's last event; no command may be
	// dated before it.
	UpdatedAt time.Time `json:"updated_at"`
	// Description is free text about the deal (see Edit).
	Description string `json:"description,omitempty"`
	// ArchivedAt is when the deal was archived (see Archive); zero while
	// it is not. An archived deal takes no command but Restore.
	ArchivedAt time.Time `json:"archived_at,omitzero"`
	// Version counts the deal's events, starting at 1 for DealCreated.
	Version int64 `json:"version"`
	// Custom holds the tenant's custom field values (package field),
	// checked against the deal schema by storage on every write.
	Custom field.Values `json:"custom,omitempty"`
}

// Clone returns a deep copy of d: its slices are not shared with d.
func (d Deal) Clone() Deal {
	d.Team = slices.Clone(d.Team)
	d.Activities = slices.Clone(d.Activities)
	d.Custom = d.Custom.Clone()
	return d
}

// Cmd is the command of every deal command: crmkit.Cmd (who, when, why),
// validated by crmkit.Cmd.Validate as in every package, plus the granted
// approval a command may need. The rule: every deal command takes Cmd,
// whether or not it can need an approval, so that one value goes to every
// call; Approval is read only by the commands whose rules ask for one (a
// stage gate on Pipeline.Move, a reactivation that the policy does not
// make automatic) and ignored by the others. Deal's own rule on top: At
// must not be before the deal's last change (UpdatedAt).
type Cmd struct {
	crmkit.Cmd
	// Approval is the granted approval request of a gated command.
	Approval *approval.Request `json:"approval,omitempty"`
}

// check validates c for a command on d: crmkit.Cmd.Validate, then At not
// before d's last change.
func (c Cmd) check(d *Deal) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("command on deal %s: %w", d.ID, err)
	}
	if c.At.Before(d.UpdatedAt) {
		return crmkit.Invalid("at", "%s is before the last change of deal %s at %s",
			c.At.Format(time.RFC3339), d.ID, d.UpdatedAt.Format(time.RFC3339))
	}
	if !d.ArchivedAt.IsZero() {
		return &crmkit.ArchivedError{Kind: DealKind, ID: d.ID, What: "change it"}
	}
	return nil
}

// NewDeal holds what creating a deal takes. Name, Type, Amount (in a
// currency, not negative), AccountID and Owner are required. A zero ID
// gets a new UUIDv7; an empty Stage starts the deal in the pipeline's first
// stage. CloseDate, if set, must not be before the day of creation:
// calendar dates are compared in one zone, the close date's own (its
// time.Location), the creation time being converted into it, and an error
// prints both days in that zone. Probability, if Valid, overrides the
// stage's default and is a fraction in [0, 1].
type NewDeal struct {
	ID           uuid.UUID           `json:"id"`
	Name         string              `json:"name"`
	Type         DealType            `json:"type"`
	Amount       crmkit.Money        `json:"amount"`
	CloseDate    time.Time           `json:"close_date,omitzero"`
	AccountID    uuid.UUID           `json:"account_id"`
	ContactID    uuid.UUID           `json:"contact_id,omitzero"`
	SourceLeadID uuid.UUID           `json:"source_lead_id,omitzero"`
	CampaignID   uuid.UUID           `json:"campaign_id,omitzero"`
	Owner        string              `json:"owner"`
	Team         []Member            `json:"team,omitempty"`
	Stage        string              `json:"stage,omitempty"`
	Probability  decimal.NullDecimal `json:"probability,omitzero"`
}

// New creates a deal in pipeline p from n, by c.By at c.At, and returns it
// with its DealCreated event (version 1). Creating a deal in a stage other
// than the first does not check entry rules: an imported deal is where it
// is. Invalid input (a nil or zero p too) is an error matching
// crmkit.ErrInvalid naming the field.
func New(p *Pipeline, n NewDeal, c Cmd) (Deal, crmkit.Event, error) {
	if err := p.ready(); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	d, err := newDeal(p, n, c)
	if err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	payload := DealCreatedPayload{Pipeline: p.ID(), PipelineVersion: d.PipelineVersion, NewDeal: n}
	payload.ID = d.ID
	payload.Stage = p.StageName(d.Stage)
	payload.Team = d.Team
	e, err := d.event(EventDealCreated, c, "", Open.String(), payload)
	if err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	return d, e, nil
}

func newDeal(p *Pipeline, n NewDeal, c Cmd) (Deal, error) {
	if p == nil {
		return Deal{}, crmkit.Invalid("pipeline", "nil pipeline")
	}
	d := Deal{ID: n.ID}
	if d.ID == uuid.Nil {
		d.ID = c.Cmd.NewID()
	}
	if err := c.check(&d); err != nil {
		return Deal{}, err
	}
	stage := 0
	if n.Stage != "" {
		i, err := p.StageIndex(n.Stage)
		if err != nil {
			return Deal{}, err
		}
		stage = i
	}
	switch {
	case strings.TrimSpace(n.Name) == "":
		return Deal{}, crmkit.Invalid("name", "empty deal name")
	case !n.Type.Valid():
		return Deal{}, crmkit.Invalid("type", "deal %q has no deal type", n.Name)
	case n.AccountID == uuid.Nil:
		return Deal{}, crmkit.Invalid("account_id", "deal %q has no account", n.Name)
	case strings.TrimSpace(n.Owner) == "":
		return Deal{}, crmkit.Invalid("owner", "deal %q has no owner", n.Name)
	}
	if err := checkAmount(n.Amount); err != nil {
		return Deal{}, err
	}
	if err := checkCloseDate(n.CloseDate, c.At); err != nil {
		return Deal{}, err
	}
	if err := checkProbability(n.Probability); err != nil {
		return Deal{}, err
	}
	team := slices.Clone(n.Team)
	if err := checkTeam(team, n.Owner); err != nil {
		return Deal{}, err
	}
	d = Deal{
		ID: d.ID, PipelineID: p.ID(), PipelineVersion: p.Version(), Name: n.Name, Type: n.Type, Amount: n.Amount,
		CloseDate: n.CloseDate, AccountID: n.AccountID, ContactID: n.ContactID,
		SourceLeadID: n.SourceLeadID, CampaignID: n.CampaignID, Owner: n.Owner, Team: team,
		Stage: stage, StageEnteredAt: c.At, Status: Open, Probability: n.Probability,
		CreatedAt: c.At, CreatedBy: c.By, UpdatedAt: c.At, Version: 1,
	}
	return d, nil
}

func checkAmount(m crmkit.Money) error {
	switch {
	case m.Currency().IsZero():
		return crmkit.Invalid("amount", "amount without currency")
	case m.Sign() < 0:
		return crmkit.Invalid("amount", "negative amount %s", m)
	}
	return nil
}

// checkCloseDate is the close-date rule: a deal can be expected to close
// today, not yesterday. A close date is a calendar date in the zone it
// carries (its time.Location); "today" is the calendar day of at in that
// same zone. The two days are compared, and printed, in the close date's
// zone, so a close date of 2026-02-01 in Berlin given at 2026-02-01 10:00
// UTC (11:00 in Berlin) is today, not yesterday.
func checkCloseDate(date, at time.Time) error {
	if date.IsZero() {
		return nil
	}
	today := at.In(date.Location())
	dy, dm, dd := date.Date()
	ty, tm, td := today.Date()
	if time.Date(dy, dm, dd, 0, 0, 0, 0, time.UTC).Before(time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)) {
		return crmkit.Invalid("close_date", "%s is before today, %s (both in %s)",
			date.Format(time.DateOnly), today.Format(time.DateOnly), date.Location())
	}
	return nil
}

func checkProbability(p decimal.NullDecimal) error {
	if p.Valid {
		return crmkit.CheckFraction("probability", p.Decimal)
	}
	return nil
}

// checkTeam validates a team for a deal owned by owner: reps non-empty and
// unique, the owner among them, splits that are fractions in [0, 1] with
// at most MaxSplitPlaces places, and revenue splits summing to exactly 1.
// An empty team is valid.
func checkTeam(team []Member, owner string) error {
	if len(team) == 0 {
		return nil
	}
	sum := decimal.Zero
	hasOwner := false
	for i, m := range team {
		f := fmt.Sprintf("team[%d]", i)
		if strings.TrimSpace(m.Rep) == "" {
			return crmkit.Invalid(f+".rep", "empty rep")
		}
		for j := range i {
			if team[j].Rep == m.Rep {
				return crmkit.Invalid(f+".rep", "rep %q is also team[%d]", m.Rep, j)
			}
		}
		if err := checkSplit(f+".split", m.Split); err != nil {
			return fmt.Errorf("rep %s: %w", m.Rep, err)
		}
		if err := checkSplit(f+".overlay", m.Overlay); err != nil {
			return fmt.Errorf("rep %s: %w", m.Rep, err)
		}
		sum = sum.Add(m.Split)
		hasOwner = hasOwner || m.Rep == owner
	}
	if !sum.Equal(decimal.NewFromInt(1)) {
		return crmkit.Invalid("team", "revenue splits sum to %s, not exactly 1", sum)
	}
	if !hasOwner {
		return crmkit.Invalid("team", "owner %q is not in the team", owner)
	}
	return nil
}

// checkSplit accepts a share in [0, 1] exact to a basis point.
func checkSplit(field string, d decimal.Decimal) error {
	if err := crmkit.CheckFraction(field, d); err != nil {
		return err
	}
	if !d.Shift(MaxSplitPlaces).IsInteger() {
		return crmkit.Invalid(field, "%s is finer than a basis point (%d decimal places)", d, MaxSplitPlaces)
	}
	return nil
}

// ProbabilityIn returns the deal's win probability, a fraction in [0, 1]:
// 1 when won, 0 when lost or terminated, otherwise its override or else
// the default of its stage in p.
func (d Deal) ProbabilityIn(p *Pipeline) decimal.Decimal {
	switch d.Status {
	case Won:
		return decimal.NewFromInt(1)
	case Lost, Terminated:
		return decimal.Zero
	}
	if d.Probability.Valid {
		return d.Probability.Decimal
	}
	if d.Stage >= 0 && d.Stage < p.Len() {
		return p.spec.Stages[d.Stage].Probability
	}
	return decimal.Zero
}

// WeightedAmount returns Amount × probability (see ProbabilityIn),
// rounded half to even to the minor unit.
func (d Deal) WeightedAmount(p *Pipeline) (crmkit.Money, error) {
	return d.Amount.Mul(d.ProbabilityIn(p), crmkit.RoundHalfEven)
}

// ForecastIn returns the forecast category the deal counts in: Closed when
// won, Omitted when lost, suspended or terminated, otherwise its stage's.
func (d Deal) ForecastIn(p *Pipeline) ForecastCategory {
	switch d.Status {
	case Won:
		return ForecastClosed
	case Open:
		if d.Stage >= 0 && d.Stage < p.Len() {
			return p.spec.Stages[d.Stage].Forecast
		}
	}
	return ForecastOmitted
}

// Stuck reports whether an open deal has stayed in its stage longer than
// the stage's expected duration at time at (stages without one never make
// a deal stuck).
func (d Deal) Stuck(p *Pipeline, at time.Time) bool {
	if d.Status != Open || d.Stage < 0 || d.Stage >= p.Len() {
		return false
	}
	return p.spec.Stages[d.Stage].Stuck(at.Sub(d.StageEnteredAt))
}

// Visits counts the deal's visit activities in [from, to).
func (d Deal) Visits(from, to time.Time) int {
	n := 0
	for _, a := range d.Activities {
		if a.Kind == ActivityVisit && !a.At.Before(from) && a.At.Before(to) {
			n++
		}
	}
	return n
}

// VisitsBreached reports whether the deal's visits in the cadence window
// [from, to) fall short of its stage's visit cadence in p, and how many
// were done and required. Only open deals have a cadence.
func (d Deal) VisitsBreached(p *Pipeline, from, to time.Time) (breached bool, done, required int) {
	if d.Status != Open || d.Stage < 0 || d.Stage >= p.Len() {
		return false, 0, 0
	}
	c := p.spec.Stages[d.Stage].Visits
	done = d.Visits(from, to)
	return c.Breached(done), done, c.Visits
}

// RevenueCredits splits the deal's amount among its team by revenue split,
// exactly to the minor unit (largest remainder, see crmkit.Money.Allocate):
// the credits sum to Amount. A deal without a team credits all to its
// owner.
func (d Deal) RevenueCredits() ([]Credit, error) {
	if len(d.Team) == 0 {
		return []Credit{{Rep: d.Owner, Share: decimal.NewFromInt(1), Amount: d.Amount}}, nil
	}
	w := make([]int64, len(d.Team))
	for i, m := range d.Team {
		// Splits are exact to a basis point: whole basis points here.
		w[i] = m.Split.Shift(MaxSplitPlaces).IntPart()
	}
	parts, err := d.Amount.Allocate(w...)
	if err != nil {
		return nil, fmt.Errorf("revenue credits of deal %s: %w", d.ID, err)
	}
	out := make([]Credit, len(d.Team))
	for i, m := range d.Team {
		out[i] = Credit{Rep: m.Rep, Share: m.Split, Amount: parts[i]}
	}
	return out, nil
}

// OverlayCredits returns each overlay split's credit: Amount × overlay,
// rounded half to even, for members with a non-zero overlay. Overlay
// credits are on top of the revenue and need not sum to anything.
func (d Deal) OverlayCredits() ([]Credit, error) {
	var out []Credit
	for _, m := range d.Team {
		if m.Overlay.IsZero() {
			continue
		}
		a, err := d.Amount.Mul(m.Overlay, crmkit.RoundHalfEven)
		if err != nil {
			return nil, fmt.Errorf("overlay credit of %s on deal %s: %w", m.Rep, d.ID, err)
		}
		out = append(out, Credit{Rep: m.Rep, Share: m.Overlay, Amount: a})
	}
	return out, nil
}

// illegal returns ErrIllegalTransition for a command the deal's status
// does not allow.
func (d *Deal) illegal(what string) error {
	return fmt.Errorf("deal %s is %s: cannot %s: %w", d.ID, d.Status, what, crmkit.ErrIllegalTransition)
}

// Transfer hands the deal to rep to: the new owner replaces the old one in
// the team (taking over the old owner's splits and role; if to was already
// a member, the revenue splits are added and the larger overlay kept), so
// the revenue splits still sum to 1. The event (DealTransferred) names
// the old and new owner and c.Reason. Terminated deals cannot be
// transferred (ErrIllegalTransition); transferring to the current owner is
// an error.
func (d Deal) Transfer(to string, c Cmd) (Deal, crmkit.Event, error) {
	if err := c.check(&d); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	switch {
	case d.Status == Terminated:
		return Deal{}, crmkit.Event{}, d.illegal("transfer")
	case strings.TrimSpace(to) == "":
		return Deal{}, crmkit.Event{}, crmkit.Invalid("to", "empty successor for deal %s", d.ID)
	case to == d.Owner:
		return Deal{}, crmkit.Event{}, crmkit.Invalid("to", "deal %s is already owned by %s", d.ID, to)
	}
	out := d.applyTransfer(to, c)
	e := out.transitionEvent(EventDealTransferred, c, d.Owner, to)
	return out, e, nil
}

func (d Deal) applyTransfer(to string, c Cmd) Deal {
	from := d.Owner
	d.Owner = to
	if len(d.Team) > 0 {
		team := make([]Member, 0, len(d.Team))
		oldIdx, newIdx := -1, -1
		for _, m := range d.Team {
			switch m.Rep {
			case from:
				oldIdx = len(team)
			case to:
				newIdx = len(team)
			}
			team = append(team, m)
		}
		switch {
		case oldIdx >= 0 && newIdx >= 0:
			team[oldIdx].Rep = to
			team[oldIdx].Split = team[oldIdx].Split.Add(team[newIdx].Split)
			if team[newIdx].Overlay.GreaterThan(team[oldIdx].Overlay) {
				team[oldIdx].Overlay = team[newIdx].Overlay
			}
			team = slices.Delete(team, newIdx, newIdx+1)
		case oldIdx >= 0:
			team[oldIdx].Rep = to
		}
		d.Team = team
	}
	d.touch(c)
	return d
}

// touch advances the deal's version and last change time.
func (d *Deal) touch(c Cmd) {
	d.Version++
	d.UpdatedAt = c.At
}

// SetTeam replaces the deal team (TeamChanged). The team must hold the
// owner, reps must be unique and revenue splits sum to exactly 1 (an
// empty team gives the owner all the credit). Terminated deals cannot
// change.
func (d Deal) SetTeam(team []Member, c Cmd) (Deal, crmkit.Event, error) {
	if err := c.check(&d); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	if d.Status == Terminated {
		return Deal{}, crmkit.Event{}, d.illegal("change the team")
	}
	team = slices.Clone(team)
	if err := checkTeam(team, d.Owner); err != nil {
		return Deal{}, crmkit.Event{}, fmt.Errorf("deal %s: %w", d.ID, err)
	}
	out := d
	out.Team = team
	out.touch(c)
	e, err := out.event(EventTeamChanged, c, "", "", TeamPayload{Team: team})
	if err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	return out, e, nil
}

// SetAmount changes the expected amount of an open or suspended deal
// (AmountChanged). The currency cannot change; negative amounts are errors.
func (d Deal) SetAmount(amount crmkit.Money, c Cmd) (Deal, crmkit.Event, error) {
	if err := c.check(&d); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	if d.Status != Open && d.Status != Suspended {
		return Deal{}, crmkit.Event{}, d.illegal("change the amount")
	}
	if err := checkAmount(amount); err != nil {
		return Deal{}, crmkit.Event{}, fmt.Errorf("deal %s: %w", d.ID, err)
	}
	if amount.Currency() != d.Amount.Currency() {
		return Deal{}, crmkit.Event{}, fmt.Errorf("deal %s in %s cannot change to %s: %w", d.ID, d.Amount.Currency(), amount, crmkit.ErrCurrencyMismatch)
	}
	out := d
	out.Amount = amount
	out.touch(c)
	e, err := out.event(EventAmountChanged, c, d.Amount.String(), amount.String(), AmountPayload{Amount: amount})
	if err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	return out, e, nil
}

// SetCloseDate changes the expected close date of an open or suspended
// deal (CloseDateChanged). A date before the day of c.At is an error
// (both days read in the date's own zone, see NewDeal); the zero time
// clears it.
func (d Deal) SetCloseDate(date time.Time, c Cmd) (Deal, crmkit.Event, error) {
	if err := c.check(&d); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	if d.Status != Open && d.Status != Suspended {
		return Deal{}, crmkit.Event{}, d.illegal("change the close date")
	}
	if err := checkCloseDate(date, c.At); err != nil {
		return Deal{}, crmkit.Event{}, fmt.Errorf("deal %s: %w", d.ID, err)
	}
	out := d
	out.CloseDate = date
	out.touch(c)
	e, err := out.event(EventCloseDateChanged, c, "", "", CloseDatePayload{CloseDate: date})
	if err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	return out, e, nil
}

// SetProbability overrides the stage's default win probability of an open
// or suspended deal (ProbabilityChanged); an invalid NullDecimal removes
// the override. Values outside 0..100 are errors.
func (d Deal) SetProbability(p decimal.NullDecimal, c Cmd) (Deal, crmkit.Event, error) {
	if err := c.check(&d); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	if d.Status != Open && d.Status != Suspended {
		return Deal{}, crmkit.Event{}, d.illegal("change the probability")
	}
	if err := checkProbability(p); err != nil {
		return Deal{}, crmkit.Event{}, fmt.Errorf("deal %s: %w", d.ID, err)
	}
	out := d
	out.Probability = p
	out.touch(c)
	e, err := out.event(EventProbabilityChanged, c, "", "", ProbabilityPayload{Probability: p})
	if err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	return out, e, nil
}

// LogActivity records an activity on the deal (ActivityLogged). The
// activity needs a kind and a non-negative cost; its By and At default to
// c.By and c.At, and its At may not be after c.At. Terminated deals take
// no activities.
func (d Deal) LogActivity(a Activity, c Cmd) (Deal, crmkit.Event, error) {
	if err := c.check(&d); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	if d.Status == Terminated {
		return Deal{}, crmkit.Event{}, d.illegal("log an activity")
	}
	if a.By == "" {
		a.By = c.By
	}
	if a.At.IsZero() {
		a.At = c.At
	}
	switch {
	case strings.TrimSpace(string(a.Kind)) == "":
		return Deal{}, crmkit.Event{}, crmkit.Invalid("activity.kind", "empty activity kind on deal %s", d.ID)
	case a.Cost.Sign() < 0:
		return Deal{}, crmkit.Event{}, crmkit.Invalid("activity.cost", "negative cost %s on deal %s", a.Cost, d.ID)
	case a.Duration < 0:
		return Deal{}, crmkit.Event{}, crmkit.Invalid("activity.duration", "negative duration %s on deal %s", a.Duration, d.ID)
	case a.At.After(c.At):
		return Deal{}, crmkit.Event{}, crmkit.Invalid("activity.at", "activity at %s is after the command at %s", a.At.Format(time.RFC3339), c.At.Format(time.RFC3339))
	}
	out := d.applyActivity(a, c)
	e, err := out.event(EventActivityLogged, c, "", string(a.Kind), a)
	if err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	return out, e, nil
}

func (d Deal) applyActivity(a Activity, c Cmd) Deal {
	acts := make([]Activity, len(d.Activities), len(d.Activities)+1)
	copy(acts, d.Activities)
	d.Activities = append(acts, a)
	d.touch(c)
	return d
}
