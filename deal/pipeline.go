package deal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/crmkit/crmkit"
	"github.com/looplab/fsm"
	"github.com/shopspring/decimal"
)

// MaxStages is the most stages a pipeline may have. The compiled transition
// table packs a deal's status and stage into one byte (status in the top
// three bits, stage in the low five), which is what keeps bulk replay at a
// few nanoseconds per event; 32 stages is far more than any sales process
// uses.
const MaxStages = 32

// maxNameLen bounds stage, pipeline and role names.
const maxNameLen = 100

// ForecastCategory is the forecast bucket a stage's deals count in, as the
// big CRMs name them: Pipeline (early, unlikely to close this period), Best
// case (could close), Commit (will close), Closed (won) and Omitted (left
// out of the forecast). The zero value is not a category. It is crmkit's
// one forecast category: funnel's forecasts group by it too.
type ForecastCategory uint8

// The forecast categories.
const (
	_ ForecastCategory = iota
	// ForecastPipeline is an early deal not expected to close this period.
	ForecastPipeline
	// ForecastBestCase is a deal that could close if things go well.
	ForecastBestCase
	// ForecastCommit is a deal the owner commits to closing.
	ForecastCommit
	// ForecastClosed is a won deal.
	ForecastClosed
	// ForecastOmitted is a deal left out of the forecast (lost, suspended,
	// terminated or deliberately excluded).
	ForecastOmitted
)

// ParseForecastCategory parses the form String returns.
func ParseForecastCategory(s string) (ForecastCategory, error) {
	v, err := forecastNames.Parse(s)
	if err == nil && !forecastNames.Valid(v) {
		return 0, crmkit.Invalid("ForecastCategory", "%q is not a ForecastCategory", s)
	}
	return v, err
}

// CadenceUnit is the window of a VisitCadence: a day, a week or a month.
type CadenceUnit uint8

// The cadence windows.
const (
	_ CadenceUnit = iota
	// PerDay counts visits per calendar day.
	PerDay
	// PerWeek counts visits per week.
	PerWeek
	// PerMonth counts visits per calendar month.
	PerMonth
)

// VisitCadence is a stage's visit policy: at least Visits customer visits
// in every window of one Per. The source's example is twice a week in the
// early stages and three times a week in negotiation. The zero value asks
// for no visits.
type VisitCadence struct {
	Visits int         `json:"visits"`
	Per    CadenceUnit `json:"per,omitzero"`
}

// String returns the cadence as "3 per week", or "none".
func (c VisitCadence) String() string {
	if c.Visits == 0 {
		return "none"
	}
	return strconv.Itoa(c.Visits) + " per " + c.Per.String()
}

// Breached reports whether visits done in one window fall short of the
// cadence: two visits in a negotiation week with a cadence of three per
// week is a breach.
func (c VisitCadence) Breached(visits int) bool { return visits < c.Visits }

// WindowEnd returns the end of the cadence window that begins at start:
// one calendar day, seven days or one calendar month later, at the same
// clock time in start's zone (time.AddDate, which normalizes January 31
// plus a month to March 2 or 3). Windows are half-open, [start, end). A
// cadence without visits has no window: WindowEnd returns start. This is
// the one definition of a cadence window; funnel.CheckCadence judges the
// windows of a stay with it and Deal.VisitsBreached counts a window the
// caller gives.
func (c VisitCadence) WindowEnd(start time.Time) time.Time {
	if c.Visits <= 0 {
		return start
	}
	switch c.Per {
	case PerDay:
		return start.AddDate(0, 0, 1)
	case PerWeek:
		return start.AddDate(0, 0, 7)
	case PerMonth:
		return start.AddDate(0, 1, 0)
	}
	return start
}

func (c VisitCadence) validate(field string) error {
	switch {
	case c.Visits < 0:
		return crmkit.Invalid(field+".visits", "negative visit count %d", c.Visits)
	case c.Visits > 100:
		return crmkit.Invalid(field+".visits", "%d visits per %s is not a cadence", c.Visits, c.Per)
	case c.Visits > 0 && !c.Per.Valid():
		return crmkit.Invalid(field+".per", "missing or unknown cadence window for %d visits", c.Visits)
	}
	return nil
}

// Field names a deal field that a stage's entry rules can require.
type Field string

// The fields an entry rule can require.
const (
	// FieldAmount requires a positive amount.
	FieldAmount Field = "amount"
	// FieldCloseDate requires an expected close date.
	FieldCloseDate Field = "close_date"
	// FieldContact requires a contact.
	FieldContact Field = "contact"
	// FieldSourceLead requires the lead the deal came from.
	FieldSourceLead Field = "source_lead"
	// FieldCampaign requires the campaign the deal came from.
	FieldCampaign Field = "campaign"
	// FieldTeam requires a deal team with revenue splits.
	FieldTeam Field = "team"
)

var knownFields = []Field{FieldAmount, FieldCloseDate, FieldContact, FieldSourceLead, FieldCampaign, FieldTeam}

// EntryRules are what a deal needs to enter a stage: Require lists fields
// that must be filled, Approval the roles whose approval (one step per
// role, in order) is needed. A move forward checks the rules of every stage
// it enters or skips over, so skipping a stage never skips its gate; a move
// back to an earlier stage checks none.
type EntryRules struct {
	Require  []Field  `json:"require,omitempty"`
	Approval []string `json:"approval,omitempty"`
}

// Stage is one step of a pipeline, as the company defines it.
type Stage struct {
	// Name identifies the stage within its pipeline, for example
	// "negotiation". Names are unique (ignoring case) and printable.
	Name string `json:"name"`
	// Order sorts the stages: NewPipeline orders stages by it and rejects
	// duplicates. Zero orders are replaced by the position in the list.
	Order int `json:"order"`
	// Probability is the default win probability of a deal in the stage,
	// a fraction in [0, 1] (0.6 is 60 %; see crmkit.CheckFraction).
	Probability decimal.Decimal `json:"probability"`
	// Forecast is the forecast category of an open deal in the stage.
	Forecast ForecastCategory `json:"forecast"`
	// ExpectedDuration is how long a deal usually stays in the stage; a
	// deal that stays longer is stuck (zero: no expectation). The source's
	// example: bidding to negotiation averages one month.
	ExpectedDuration time.Duration `json:"-"`
	// ResponseTime is how fast a customer request must be answered in the
	// stage (zero: no commitment).
	ResponseTime time.Duration `json:"-"`
	// Visits is the visit policy of the stage.
	Visits VisitCadence `json:"visits,omitzero"`
	// Entry holds the rules for entering the stage.
	Entry EntryRules `json:"entry,omitzero"`
	// AllowBackward lets an open deal in this stage move back to any
	// earlier stage. Forward moves are always allowed.
	AllowBackward bool `json:"allow_backward,omitempty"`
	// MinOpen and MinOpenAmount are the least number and amount of open
	// deals the stage should hold for sustained growth (zero: no minimum);
	// funnel.StageShortfalls checks them.
	MinOpen       int64        `json:"min_open,omitempty"`
	MinOpenAmount crmkit.Money `json:"min_open_amount,omitzero"`
}

// Stuck reports whether a deal that has been in the stage for inStage
// has stayed longer than the stage's ExpectedDuration: the one rule of
// "stuck", used by Deal.Stuck and funnel.StuckDeals. A stage without an
// expected duration never makes a deal stuck.
func (s Stage) Stuck(inStage time.Duration) bool {
	return s.ExpectedDuration > 0 && inStage > s.ExpectedDuration
}

// stageJSON carries the durations as text ("30d", "36h", "90m").
type stageJSON struct {
	stageAlias
	ExpectedDuration string `json:"expected_duration,omitempty"`
	ResponseTime     string `json:"response_time,omitempty"`
}

type stageAlias Stage

// MarshalJSON encodes the stage with its durations as text such as "30d"
// or "36h".
func (s Stage) MarshalJSON() ([]byte, error) {
	return json.Marshal(stageJSON{
		stageAlias:       stageAlias(s),
		ExpectedDuration: formatDuration(s.ExpectedDuration),
		ResponseTime:     formatDuration(s.ResponseTime),
	})
}

// UnmarshalJSON decodes the form MarshalJSON writes; unknown fields are
// errors. Durations are Go durations ("36h", "90m") or whole days ("30d").
func (s *Stage) UnmarshalJSON(b []byte) error {
	var v stageJSON
	if err := decodeStrict(b, &v); err != nil {
		return err
	}
	out := Stage(v.stageAlias)
	var err error
	if out.ExpectedDuration, err = parseDuration("expected_duration", v.ExpectedDuration); err != nil {
		return err
	}
	if out.ResponseTime, err = parseDuration("response_time", v.ResponseTime); err != nil {
		return err
	}
	*s = out
	return nil
}

func formatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return ""
	case d%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	return d.String()
}

func parseDuration(field, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseInt(days, 10, 64)
		if err != nil || n < 0 || n > 100*366 {
			return 0, crmkit.Invalid(field, "%q is not a number of days from 0 to 36600", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, crmkit.Invalid(field, "%q is not a duration such as \"30d\" or \"36h\"", s)
	}
	return d, nil
}

// Clone returns a deep copy of s.
func (s Stage) Clone() Stage {
	s.Entry.Require = slices.Clone(s.Entry.Require)
	s.Entry.Approval = slices.Clone(s.Entry.Approval)
	return s
}

// PipelineSpec is a pipeline as data: what a company configures, stores
// and loads from JSON. NewPipeline validates it and compiles its state
// machine.
type PipelineSpec struct {
	// ID is the company's key of the pipeline, unique among its pipelines.
	ID string `json:"id"`
	// Name is the display name (defaults to ID).
	Name string `json:"name,omitempty"`
	// Stages are the stages in order (see Stage.Order).
	Stages []Stage `json:"stages"`
	// AllowReopen lets a lost deal be reopened (a re-opened lost deal is a
	// lead source). Won and terminated deals can never be reopened.
	AllowReopen bool `json:"allow_reopen,omitempty"`
	// Reactivation decides when reactivating a suspended deal needs an
	// approval, and by whom. The zero policy reactivates automatically.
	Reactivation ReactivationPolicy `json:"reactivation,omitzero"`
	// Version is the stored definition's version (see DefinePipeline):
	// 1 when first defined, one more per revision. It is 0 for a pipeline
	// never stored (DefaultPipeline, one built in code or parsed from a
	// file); deals created in it record 0 as their PipelineVersion.
	Version int64 `json:"version,omitempty"`
}

// Clone returns a deep copy of s.
func (s PipelineSpec) Clone() PipelineSpec {
	s.Stages = slices.Clone(s.Stages)
	for i := range s.Stages {
		s.Stages[i] = s.Stages[i].Clone()
	}
	s.Reactivation = s.Reactivation.Clone()
	return s
}

// Validate reports the first problem of s, as NewPipeline would: an empty
// or malformed ID, no stages or more than MaxStages, an empty, malformed
// or duplicate stage name (ignoring case), a duplicate order, a
// probability that is not a fraction in [0, 1] (25 is refused, not read as
// 25 %), a missing forecast category, a negative duration or minimum, an
// unknown required field, an empty approval role, a bad visit cadence or
// reactivation policy, a negative version. Errors match crmkit.ErrInvalid and name
// the field, such as "stages[2].probability".
func (s PipelineSpec) Validate() error {
	_, err := s.normalize()
	return err
}

// normalize validates s and returns a deep copy with stages sorted by
// Order and zero orders filled in.
func (s PipelineSpec) normalize() (PipelineSpec, error) {
	if err := validName("id", s.ID); err != nil {
		return PipelineSpec{}, err
	}
	if s.Version < 0 {
		return PipelineSpec{}, crmkit.Invalid("version", "pipeline %q: version %d is negative", s.ID, s.Version)
	}
	if s.Name == "" {
		s.Name = s.ID
	} else if err := validName("name", s.Name); err != nil {
		return PipelineSpec{}, err
	}
	switch {
	case len(s.Stages) == 0:
		return PipelineSpec{}, crmkit.Invalid("stages", "pipeline %q has no stages", s.ID)
	case len(s.Stages) > MaxStages:
		return PipelineSpec{}, crmkit.Invalid("stages", "pipeline %q has %d stages, more than %d", s.ID, len(s.Stages), MaxStages)
	}
	out := s.Clone()
	names := make(map[string]int, len(out.Stages))
	orders := make(map[int]int, len(out.Stages))
	for i := range out.Stages {
		st := &out.Stages[i]
		f := fmt.Sprintf("stages[%d]", i)
		if err := validName(f+".name", st.Name); err != nil {
			return PipelineSpec{}, err
		}
		key := strings.ToLower(st.Name)
		if j, dup := names[key]; dup {
			return PipelineSpec{}, crmkit.Invalid(f+".name", "duplicate stage name %q (also stages[%d])", st.Name, j)
		}
		names[key] = i
		if st.Order == 0 {
			st.Order = i + 1
		}
		if j, dup := orders[st.Order]; dup {
			return PipelineSpec{}, crmkit.Invalid(f+".order", "stage %q repeats order %d of stages[%d]", st.Name, st.Order, j)
		}
		orders[st.Order] = i
		if err := crmkit.CheckFraction(f+".probability", st.Probability); err != nil {
			return PipelineSpec{}, fmt.Errorf("stage %q: %w", st.Name, err)
		}
		if !st.Forecast.Valid() {
			return PipelineSpec{}, crmkit.Invalid(f+".forecast", "stage %q has no forecast category", st.Name)
		}
		if st.ExpectedDuration < 0 {
			return PipelineSpec{}, crmkit.Invalid(f+".expected_duration", "stage %q: negative duration %s", st.Name, st.ExpectedDuration)
		}
		if st.ResponseTime < 0 {
			return PipelineSpec{}, crmkit.Invalid(f+".response_time", "stage %q: negative duration %s", st.Name, st.ResponseTime)
		}
		if err := st.Visits.validate(f + ".visits"); err != nil {
			return PipelineSpec{}, err
		}
		for j, fl := range st.Entry.Require {
			if !fl.Valid() {
				return PipelineSpec{}, crmkit.Invalid(fmt.Sprintf("%s.entry.require[%d]", f, j), "stage %q requires unknown field %q", st.Name, fl)
			}
		}
		for j, r := range st.Entry.Approval {
			if err := validName(fmt.Sprintf("%s.entry.approval[%d]", f, j), r); err != nil {
				return PipelineSpec{}, err
			}
		}
		// An empty list is no list: the JSON form omits both alike.
		if len(st.Entry.Require) == 0 {
			st.Entry.Require = nil
		}
		if len(st.Entry.Approval) == 0 {
			st.Entry.Approval = nil
		}
		if st.MinOpen < 0 {
			return PipelineSpec{}, crmkit.Invalid(f+".min_open", "stage %q: negative minimum %d", st.Name, st.MinOpen)
		}
		if st.MinOpenAmount.Sign() < 0 {
			return PipelineSpec{}, crmkit.Invalid(f+".min_open_amount", "stage %q: negative minimum %s", st.Name, st.MinOpenAmount)
		}
	}
	if err := out.Reactivation.Validate(); err != nil {
		return PipelineSpec{}, err
	}
	r := &out.Reactivation
	if len(r.Rules) == 0 {
		r.Rules = nil
	}
	if len(r.Otherwise) == 0 {
		r.Otherwise = nil
	}
	for i := range r.Rules {
		if len(r.Rules[i].Roles) == 0 {
			r.Rules[i].Roles = nil
		}
	}
	slices.SortStableFunc(out.Stages, func(a, b Stage) int { return a.Order - b.Order })
	return out, nil
}

// validName accepts a non-empty, trimmed, printable UTF-8 name of at most
// maxNameLen bytes.
func validName(field, s string) error {
	switch {
	case s == "":
		return crmkit.Invalid(field, "empty")
	case len(s) > maxNameLen:
		return crmkit.Invalid(field, "%.20q... is longer than %d bytes", s, maxNameLen)
	case !utf8.ValidString(s):
		return crmkit.Invalid(field, "%q is not valid UTF-8", s)
	case strings.TrimSpace(s) != s:
		return crmkit.Invalid(field, "%q has leading or trailing space", s)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return crmkit.Invalid(field, "%q contains the unprintable %U", s, r)
		}
	}
	return nil
}

// Pipeline is a validated pipeline with its compiled state machine: the
// looplab/fsm definition of every legal move (Definition), compiled by
// crmkit's one state-machine runtime into the transition table and guards
// that every command and every bulk path run on. A Pipeline is immutable
// and safe for concurrent use; create it with NewPipeline, DefaultPipeline
// or ParsePipeline and share the pointer. A nil or zero Pipeline is
// unusable but safe: its commands and its methods returning an error
// return errors matching crmkit.ErrInvalid, its other methods zero
// answers (no stages, no name, false, "").
type Pipeline struct {
	spec  PipelineSpec
	index map[string]int // lower-case stage name -> stage index
	exact map[string]int // stage name as configured -> stage index
	m     machine
}

// NewPipeline validates spec (see PipelineSpec.Validate) and compiles its
// state machine. The pipeline keeps its own copy of spec.
func NewPipeline(spec PipelineSpec) (*Pipeline, error) {
	s, err := spec.normalize()
	if err != nil {
		return nil, fmt.Errorf("pipeline %q: %w", spec.ID, err)
	}
	p := &Pipeline{spec: s, index: make(map[string]int, len(s.Stages)), exact: make(map[string]int, len(s.Stages))}
	for i, st := range s.Stages {
		p.index[strings.ToLower(st.Name)] = i
		p.exact[st.Name] = i
	}
	if p.m, err = compile(s); err != nil {
		return nil, fmt.Errorf("pipeline %q: %w", spec.ID, err)
	}
	return p, nil
}

// MustPipeline is NewPipeline that panics on error, for pipelines written
// as literals in programs and tests.
func MustPipeline(spec PipelineSpec) *Pipeline {
	p, err := NewPipeline(spec)
	if err != nil {
		panic(err)
	}
	return p
}

// ParsePipeline decodes a PipelineSpec from JSON (unknown fields are
// rejected) and builds the pipeline.
func ParsePipeline(data []byte) (*Pipeline, error) {
	var s PipelineSpec
	if err := decodeStrict(data, &s); err != nil {
		return nil, err
	}
	return NewPipeline(s)
}

func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return crmkit.Invalid("json", "%v", err)
	}
	if dec.More() {
		return crmkit.Invalid("json", "trailing data after the value")
	}
	return nil
}

// MarshalJSON encodes the pipeline's spec (normalized: stages sorted by
// order), which ParsePipeline reads back. A nil or zero Pipeline has no
// spec to encode: an error matching crmkit.ErrInvalid.
func (p *Pipeline) MarshalJSON() ([]byte, error) {
	if err := p.ready(); err != nil {
		return nil, err
	}
	return json.Marshal(p.spec)
}

// Spec returns a copy of the pipeline's normalized spec (the zero
// PipelineSpec for a nil or zero Pipeline).
func (p *Pipeline) Spec() PipelineSpec {
	if p == nil {
		return PipelineSpec{}
	}
	return p.spec.Clone()
}

// ID returns the pipeline's key ("" for a nil or zero Pipeline).
func (p *Pipeline) ID() string {
	if p == nil {
		return ""
	}
	return p.spec.ID
}

// Name returns the pipeline's display name ("" for a nil or zero
// Pipeline).
func (p *Pipeline) Name() string {
	if p == nil {
		return ""
	}
	return p.spec.Name
}

// Len returns the number of stages (0 for a nil or zero Pipeline).
func (p *Pipeline) Len() int {
	if p == nil {
		return 0
	}
	return len(p.spec.Stages)
}

// Stage returns a copy of the stage at index i (0 is the first stage) and
// false if i is out of range (always, for a nil or zero Pipeline).
func (p *Pipeline) Stage(i int) (Stage, bool) {
	if p == nil || i < 0 || i >= len(p.spec.Stages) {
		return Stage{}, false
	}
	return p.spec.Stages[i].Clone(), true
}

// Stages returns copies of the stages in order (nil for a nil or zero
// Pipeline).
func (p *Pipeline) Stages() []Stage { return p.Spec().Stages }

// StageIndex returns the index of the stage named name (ignoring case).
// An unknown name, and any name on a nil or zero Pipeline, is an error
// matching crmkit.ErrInvalid.
func (p *Pipeline) StageIndex(name string) (int, error) {
	if err := p.ready(); err != nil {
		return 0, err
	}
	if i, ok := p.exact[name]; ok {
		return i, nil
	}
	i, ok := p.index[strings.ToLower(name)]
	if !ok {
		return 0, crmkit.Invalid("stage", "pipeline %q has no stage %q", p.spec.ID, name)
	}
	return i, nil
}

// StageName returns the name of stage i, or "" when i is out of range
// (always, for a nil or zero Pipeline).
func (p *Pipeline) StageName(i int) string {
	if p == nil || i < 0 || i >= len(p.spec.Stages) {
		return ""
	}
	return p.spec.Stages[i].Name
}

// Reactivation returns the pipeline's reactivation policy (the zero
// policy for a nil or zero Pipeline).
func (p *Pipeline) Reactivation() ReactivationPolicy {
	if p == nil {
		return ReactivationPolicy{}
	}
	return p.spec.Reactivation.Clone()
}

// Definition returns the pipeline's state machine as a looplab/fsm event
// list: the single definition from which the compiled table every
// command runs on is built (nil for a nil or zero Pipeline). States are
// "<status>:<stage>" such as "open:negotiation"; events are
// "move:<stage>", "suspend", "reactivate", "terminate", "win", "lose" and
// "reopen".
func (p *Pipeline) Definition() fsm.Events {
	if p.ready() != nil {
		return nil
	}
	return p.m.rt.Table().Definition()
}

// DefaultPipeline returns a ready pipeline following the source's example,
// tracking -> bidding -> negotiation -> closing:
//
//	stage        probability  forecast   expected  visits      entry
//	tracking         0.1      pipeline   14 days   2 per week  -
//	bidding          0.3      best_case  30 days   2 per week  amount, contact
//	negotiation      0.6      commit     30 days   3 per week  amount, close date
//	closing          0.9      commit     14 days   2 per week  manager approval
//
// Bidding to negotiation averages one month in the source; visits are
// twice a week, three times a week in negotiation. Deals may move back
// from bidding, negotiation and closing; lost deals may be reopened.
// Reactivation is automatic within 30 days of the suspension for deals
// below 50,000.00 EUR, and needs a sales manager's approval otherwise.
func DefaultPipeline() *Pipeline {
	twice := VisitCadence{Visits: 2, Per: PerWeek}
	day := 24 * time.Hour
	return MustPipeline(PipelineSpec{
		ID: "default", Name: "Default sales pipeline", AllowReopen: true,
		Stages: []Stage{
			{Name: "tracking", Probability: decimal.New(1, -1), Forecast: ForecastPipeline,
				ExpectedDuration: 14 * day, ResponseTime: 48 * time.Hour, Visits: twice},
			{Name: "bidding", Probability: decimal.New(3, -1), Forecast: ForecastBestCase,
				ExpectedDuration: 30 * day, ResponseTime: 24 * time.Hour, Visits: twice, AllowBackward: true,
				Entry: EntryRules{Require: []Field{FieldAmount, FieldContact}}},
			{Name: "negotiation", Probability: decimal.New(6, -1), Forecast: ForecastCommit,
				ExpectedDuration: 30 * day, ResponseTime: 8 * time.Hour, Visits: VisitCadence{Visits: 3, Per: PerWeek},
				AllowBackward: true, Entry: EntryRules{Require: []Field{FieldAmount, FieldCloseDate}}},
			{Name: "closing", Probability: decimal.New(9, -1), Forecast: ForecastCommit,
				ExpectedDuration: 14 * day, ResponseTime: 4 * time.Hour, Visits: twice, AllowBackward: true,
				Entry: EntryRules{Approval: []string{"manager"}}},
		},
		Reactivation: ReactivationPolicy{
			Rules:     []ReactivationRule{{Within: 30 * day, Below: crmkit.MustMoney("50000.00", "EUR")}},
			Otherwise: []string{"manager"},
		},
	})
}
