package scoring

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/internal/leadfield"
	"github.com/shopspring/decimal"
)

// Op is how a FitRule compares a lead field.
type Op string

// The fit rule operators. Text comparisons ignore case and surrounding
// spaces.
const (
	// OpEquals matches when the field equals one of Values.
	OpEquals Op = "equals"
	// OpContains matches when the field contains one of Values.
	OpContains Op = "contains"
	// OpPresent matches when the field is not empty.
	OpPresent Op = "present"
	// OpBetween matches when the field, read as a number, lies in [Min,
	// Max]; a nil bound is open. Only company_size and attr.<key> fields
	// are numbers.
	OpBetween Op = "between"
)

// FitRule gives Points to a lead whose Field satisfies Op: one attribute
// rule of the ideal customer profile, such as "industry equals software:
// 10 points" or "company_size between 50 and 1000: 15 points".
type FitRule struct {
	// Name identifies the rule in explanations; unique within a model.
	Name string `json:"name"`
	// Field is the lead field to read (see the lead.Field names).
	Field string `json:"field"`
	// Op is the comparison.
	Op Op `json:"op"`
	// Values are the texts compared by OpEquals and OpContains.
	Values []string `json:"values,omitempty"`
	// Min and Max bound OpBetween (inclusive); nil is open.
	Min *float64 `json:"min,omitempty"`
	Max *float64 `json:"max,omitempty"`
	// Points is what a matching lead earns: from 0 to MaxPoints.
	Points float64 `json:"points"`
}

// EngagementRule gives Points for each touchpoint of a lead's journey of
// Kind through Channel (an empty Kind or Channel matches any). A touch
// earns the points of every rule it matches, decayed by its age.
type EngagementRule struct {
	// Name identifies the rule in explanations; unique within a model.
	Name string `json:"name"`
	// Kind is the touchpoint kind, such as "form" or "visit", or a
	// company's own kind (compared in canonical form); empty for any.
	Kind lead.TouchKind `json:"kind,omitempty"`
	// Channel is the touchpoint channel, such as "event"; empty for any.
	Channel lead.Channel `json:"channel,omitempty"`
	// Points is what one fresh touch earns: from 0 to MaxPoints.
	Points float64 `json:"points"`
}

// Model is a rule-based lead scoring model, as HubSpot users
// configure one: fit to the ideal customer profile (attribute rules with
// points) plus engagement (touchpoint kinds with points, decaying with
// age), with thresholds that say when a lead is MQL- or SQL-worthy. It is
// configuration as data: build it in code or load it from JSON
// (ParseModel), then compile it with NewScorer.
//
// The score of a lead at time at is
//
//	fit        = Σ Points of the fit rules the lead matches
//	engagement = Σ over touches t at or before at, Σ over the engagement
//	             rules r that t matches: r.Points · 2^(-(at - t.At) / HalfLife)
//	total      = fit + engagement
//
// so a touch is worth its full points when fresh, half after one
// half-life, a quarter after two. Touches after at are not counted yet. A
// lead is SQL-worthy when total >= SQL, MQL-worthy when total >= MQL.
// Points are never negative, so adding a touch never lowers a score;
// leads without intent are disqualified on the ladder, not scored below
// zero.
type Model struct {
	// Name is an optional label.
	Name string `json:"name,omitempty"`
	// Fit are the ideal-customer-profile rules.
	Fit []FitRule `json:"fit,omitempty"`
	// Engagement are the touchpoint rules.
	Engagement []EngagementRule `json:"engagement,omitempty"`
	// HalfLife is the age at which a touch is worth half its points; it
	// must be positive. In JSON it is a Go duration string, such as
	// "720h".
	HalfLife time.Duration `json:"-"`
	// MQL is the total from which a lead is MQL-worthy: positive.
	MQL float64 `json:"mql"`
	// SQL is the total from which a lead is SQL-worthy: at least MQL.
	SQL float64 `json:"sql"`
}

// modelJSON is Model's JSON form.
type modelJSON struct {
	Name       string           `json:"name,omitempty"`
	Fit        []FitRule        `json:"fit,omitempty"`
	Engagement []EngagementRule `json:"engagement,omitempty"`
	HalfLife   string           `json:"half_life"`
	MQL        float64          `json:"mql"`
	SQL        float64          `json:"sql"`
}

// MarshalJSON implements json.Marshaler, writing HalfLife as "half_life":
// a Go duration string.
func (m Model) MarshalJSON() ([]byte, error) {
	return json.Marshal(modelJSON{
		Name: m.Name, Fit: m.Fit, Engagement: m.Engagement,
		HalfLife: m.HalfLife.String(), MQL: m.MQL, SQL: m.SQL,
	})
}

// UnmarshalJSON implements json.Unmarshaler. It rejects unknown fields
// and a malformed half-life but does not validate the rest: call Validate,
// or use ParseModel, which does both.
func (m *Model) UnmarshalJSON(b []byte) error {
	var j modelJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return crmkit.Invalid("scoring model", "%v", err)
	}
	var hl time.Duration
	if j.HalfLife != "" {
		d, err := time.ParseDuration(j.HalfLife)
		if err != nil {
			return crmkit.Invalid("half_life", "%q is not a duration such as \"720h\"", j.HalfLife)
		}
		hl = d
	}
	*m = Model{
		Name: j.Name, Fit: j.Fit, Engagement: j.Engagement,
		HalfLife: hl, MQL: j.MQL, SQL: j.SQL,
	}
	return nil
}

// ParseModel reads a Model from JSON and validates it.
func ParseModel(data []byte) (Model, error) {
	var m Model
	if err := json.Unmarshal(data, &m); err != nil {
		if !errors.Is(err, crmkit.ErrInvalid) {
			err = crmkit.Invalid("scoring model", "%v", err)
		}
		return Model{}, err
	}
	if err := m.Validate(); err != nil {
		return Model{}, err
	}
	return m, nil
}

// Validate reports the first problem of the model, as an error matching
// crmkit.ErrInvalid that names the rule and field: a rule without a name
// or with a repeated one, an unknown field or operator, equals/contains
// without values, between on a text field or with no bound or Min > Max,
// negative, NaN or infinite points or bounds, points above MaxPoints, a
// malformed touch kind or channel name, a half-life that is not positive,
// and thresholds that are not finite, an MQL threshold that is not
// positive or an SQL threshold below it.
func (m Model) Validate() error {
	_, err := compileModel(m)
	return err
}

// MaxPoints is the most points one rule may give. The bound keeps every
// sum of points far from float64 overflow, so a score is always a finite
// number.
const MaxPoints = 1e9

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func checkPoints(field string, p float64) error {
	if !finite(p) {
		return crmkit.Invalid(field, "points %v are not a finite number", p)
	}
	if p < 0 {
		return crmkit.Invalid(field, "negative points %v", p)
	}
	if p > MaxPoints {
		return crmkit.Invalid(field, "points %v above the maximum %v", p, float64(MaxPoints))
	}
	return nil
}

// fitMatcher is a compiled FitRule.
type fitMatcher struct {
	field    leadfield.Ref
	op       Op
	values   []string
	min, max float64
	points   float64
}

func (r *fitMatcher) match(l *lead.Lead) bool {
	switch r.op {
	case OpPresent:
		return r.field.Text(l) != ""
	case OpBetween:
		v, ok := r.field.Number(l)
		return ok && v >= r.min && v <= r.max
	case OpEquals:
		s := r.field.Text(l)
		for _, v := range r.values {
			if strings.EqualFold(s, v) {
				return true
			}
		}
	case OpContains:
		s := r.field.Text(l)
		for _, v := range r.values {
			if containsFold(s, v) {
				return true
			}
		}
	}
	return false
}

// containsFold reports whether sub occurs in s, ignoring case, without
// allocating.
func containsFold(s, sub string) bool {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		if strings.EqualFold(s[i:i+n], sub) {
			return true
		}
	}
	return false
}

// touchMatcher is a compiled EngagementRule.
type touchMatcher struct {
	kind    lead.TouchKind
	channel lead.Channel
	points  float64
}

func (r *touchMatcher) match(tp *lead.Touchpoint) bool {
	return (r.kind == "" || r.kind == tp.Kind) && (r.channel == "" || r.channel == tp.Channel)
}

// compileModel validates m and compiles its rules.
func compileModel(m Model) (*Scorer, error) {
	s := &Scorer{model: cloneModel(m), built: true}
	names := make(map[string]string, len(m.Fit)+len(m.Engagement))
	seen := func(field, name string) error {
		if strings.TrimSpace(name) == "" {
			return crmkit.Invalid(field, "rule without a name")
		}
		if prev, dup := names[name]; dup {
			return crmkit.Invalid(field, "rule name %q already used by %s", name, prev)
		}
		names[name] = field
		return nil
	}
	for i, r := range m.Fit {
		field := fmt.Sprintf("fit[%d]", i)
		if err := seen(field, r.Name); err != nil {
			return nil, err
		}
		field = fmt.Sprintf("fit[%d] (%s)", i, r.Name)
		if err := checkPoints(field, r.Points); err != nil {
			return nil, err
		}
		f, err := leadfield.Parse(field, r.Field)
		if err != nil {
			return nil, err
		}
		c := fitMatcher{field: f, op: r.Op, points: r.Points, min: math.Inf(-1), max: math.Inf(1)}
		switch r.Op {
		case OpEquals, OpContains:
			if len(r.Values) == 0 {
				return nil, crmkit.Invalid(field, "%s needs at least one value", r.Op)
			}
			for j, v := range r.Values {
				v = strings.TrimSpace(v)
				if v == "" {
					return nil, crmkit.Invalid(field, "values[%d] is empty", j)
				}
				c.values = append(c.values, v)
			}
		case OpPresent:
			if len(r.Values) > 0 {
				return nil, crmkit.Invalid(field, "present takes no values")
			}
		case OpBetween:
			if !f.Numeric() {
				return nil, crmkit.Invalid(field, "between needs a numeric field (company_size or attr.<key>), not %q", r.Field)
			}
			if r.Min == nil && r.Max == nil {
				return nil, crmkit.Invalid(field, "between needs a min or a max")
			}
			if r.Min != nil {
				if !finite(*r.Min) {
					return nil, crmkit.Invalid(field, "min %v is not a finite number", *r.Min)
				}
				c.min = *r.Min
			}
			if r.Max != nil {
				if !finite(*r.Max) {
					return nil, crmkit.Invalid(field, "max %v is not a finite number", *r.Max)
				}
				c.max = *r.Max
			}
			if c.min > c.max {
				return nil, crmkit.Invalid(field, "min %v is above max %v", c.min, c.max)
			}
		default:
			return nil, crmkit.Invalid(field, "unknown op %q (want equals, contains, present or between)", string(r.Op))
		}
		if r.Op != OpBetween && (r.Min != nil || r.Max != nil) {
			return nil, crmkit.Invalid(field, "min and max belong to between, not %s", r.Op)
		}
		s.fit = append(s.fit, c)
		s.maxFit += r.Points
	}
	for i, r := range m.Engagement {
		field := fmt.Sprintf("engagement[%d]", i)
		if err := seen(field, r.Name); err != nil {
			return nil, err
		}
		field = fmt.Sprintf("engagement[%d] (%s)", i, r.Name)
		if err := checkPoints(field, r.Points); err != nil {
			return nil, err
		}
		c := touchMatcher{points: r.Points}
		if r.Kind != "" {
			k, err := lead.ParseTouchKind(string(r.Kind))
			if err != nil {
				// Touchpoints may carry a company's own kind: accept
				// it in canonical form.
				cn, ok := lead.CanonicalName(string(r.Kind))
				if !ok {
					return nil, crmkit.Invalid(field, "%q is not a touch kind name", string(r.Kind))
				}
				k = lead.TouchKind(cn)
			}
			c.kind = k
		}
		if r.Channel != "" {
			ch, err := lead.ParseChannel(string(r.Channel))
			if err != nil {
				// A company's own channel: accept it in canonical form.
				cn, ok := lead.CanonicalName(string(r.Channel))
				if !ok {
					return nil, crmkit.Invalid(field, "%q is not a channel name", string(r.Channel))
				}
				ch = lead.Channel(cn)
			}
			c.channel = ch
		}
		s.touch = append(s.touch, c)
		s.model.Engagement[i].Kind, s.model.Engagement[i].Channel = c.kind, c.channel
	}
	if m.HalfLife <= 0 {
		return nil, crmkit.Invalid("half life", "%s is not positive", m.HalfLife)
	}
	s.invHalfLife = 1 / m.HalfLife.Seconds()
	switch {
	case !finite(m.MQL):
		return nil, crmkit.Invalid("mql", "threshold %v is not a finite number", m.MQL)
	case !finite(m.SQL):
		return nil, crmkit.Invalid("sql", "threshold %v is not a finite number", m.SQL)
	case m.MQL <= 0:
		return nil, crmkit.Invalid("mql", "threshold %v is not positive", m.MQL)
	case m.SQL < m.MQL:
		return nil, crmkit.Invalid("sql", "threshold %v is below the mql threshold %v", m.SQL, m.MQL)
	}
	return s, nil
}

func cloneModel(m Model) Model {
	m.Fit = slices.Clone(m.Fit)
	for i := range m.Fit {
		m.Fit[i].Values = slices.Clone(m.Fit[i].Values)
		if p := m.Fit[i].Min; p != nil {
			v := *p
			m.Fit[i].Min = &v
		}
		if p := m.Fit[i].Max; p != nil {
			v := *p
			m.Fit[i].Max = &v
		}
	}
	m.Engagement = slices.Clone(m.Engagement)
	return m
}

// Scorer scores leads with a compiled Model. It is immutable and
// safe for concurrent use.
type Scorer struct {
	model       Model
	fit         []fitMatcher
	touch       []touchMatcher
	invHalfLife float64 // 1 / half-life in seconds
	maxFit      float64
	built       bool // set by NewScorer: the zero Scorer scores nothing
}

// NewScorer validates m (see Model.Validate) and compiles it. The
// scorer keeps its own copy of the model.
func NewScorer(m Model) (*Scorer, error) {
	return compileModel(m)
}

// check rejects a nil scorer and a zero one not built by NewScorer.
func (s *Scorer) check() error {
	if s == nil || !s.built {
		return crmkit.Invalid("scorer", "nil or zero scorer: build it with NewScorer")
	}
	return nil
}

// Model returns a copy of the scorer's model, with touch kinds and
// channels in canonical form (the zero Model for a nil scorer).
func (s *Scorer) Model() Model {
	if s == nil {
		return Model{}
	}
	return cloneModel(s.model)
}

// MaxFit returns the highest fit a lead could earn: the sum of the fit
// rules' points (0 for a nil scorer).
func (s *Scorer) MaxFit() float64 {
	if s == nil {
		return 0
	}
	return s.maxFit
}

// ScorePart says which half of a score a Reason belongs to.
type ScorePart string

// The two halves of a rule-based score.
const (
	PartFit        ScorePart = "fit"
	PartEngagement ScorePart = "engagement"
)

// Reason is one line of a score's explanation: a rule and the points it
// gave.
type Reason struct {
	// Rule is the rule's name.
	Rule string
	// Part says whether it is a fit or an engagement rule.
	Part ScorePart
	// Points is what the rule gave, after decay for engagement.
	Points float64
	// Touches is how many touchpoints an engagement rule counted (0 for
	// fit rules).
	Touches int
}

// Score is a lead's rule-based score at a time, with its explanation.
type Score struct {
	// At is the time the score was computed for.
	At time.Time
	// Fit, Engagement and Total are the points (Total = Fit + Engagement).
	Fit, Engagement, Total float64
	// Worthy is the highest stage the score qualifies the lead for:
	// lead.StageSQL, lead.StageMQL or lead.StageSuspect.
	Worthy lead.Stage
	// Reasons lists the rules that gave points, fit rules first, each in
	// the model's order.
	Reasons []Reason
}

// Score returns l's score at time at, explained rule by rule. A zero at
// is an error matching crmkit.ErrInvalid: scores decay, so the time is
// always explicit. A nil or zero Scorer is an error matching
// crmkit.ErrInvalid, as for every scoring method.
func (s *Scorer) Score(l lead.Lead, at time.Time) (Score, error) {
	if err := s.check(); err != nil {
		return Score{}, err
	}
	if at.IsZero() {
		return Score{}, crmkit.Invalid("at", "zero time: a score is computed at an explicit time")
	}
	sc := Score{At: at}
	for i := range s.fit {
		r := &s.fit[i]
		if r.match(&l) {
			sc.Fit += r.points
			sc.Reasons = append(sc.Reasons, Reason{Rule: s.model.Fit[i].Name, Part: PartFit, Points: r.points})
		}
	}
	if len(s.touch) > 0 && len(l.Journey) > 0 {
		sc.Engagement = s.engagement(&l, at)
		sums := make([]float64, len(s.touch))
		counts := make([]int, len(s.touch))
		for j := range l.Journey {
			tp := &l.Journey[j]
			w, ok := s.decay(tp.At, at)
			if !ok {
				continue
			}
			for i := range s.touch {
				if r := &s.touch[i]; r.match(tp) {
					sums[i] += r.points * w
					counts[i]++
				}
			}
		}
		for i := range s.touch {
			if counts[i] > 0 {
				sc.Reasons = append(sc.Reasons, Reason{Rule: s.model.Engagement[i].Name, Part: PartEngagement, Points: sums[i], Touches: counts[i]})
			}
		}
	}
	sc.Total = sc.Fit + sc.Engagement
	sc.Worthy = s.Worthy(sc.Total)
	return sc, nil
}

// Total returns l's total score at time at without the explanation, for
// scoring leads in bulk: it does not allocate, and takes a pointer so that
// scoring a slice of leads copies none (it does not modify the lead). A zero at is an error
// matching crmkit.ErrInvalid.
func (s *Scorer) Total(l *lead.Lead, at time.Time) (float64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	if l == nil {
		return 0, crmkit.Invalid("lead", "nil lead")
	}
	if at.IsZero() {
		return 0, crmkit.Invalid("at", "zero time: a score is computed at an explicit time")
	}
	return s.fitOf(l) + s.engagement(l, at), nil
}

// FitOf returns l's fit to the ideal customer profile: the sum of the
// points of the fit rules it matches. Fit does not decay. Like Total it
// takes a pointer and does not allocate; a nil lead fits nothing. A nil
// or zero Scorer is an error matching crmkit.ErrInvalid.
func (s *Scorer) FitOf(l *lead.Lead) (float64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	if l == nil {
		return 0, nil
	}
	return s.fitOf(l), nil
}

func (s *Scorer) fitOf(l *lead.Lead) float64 {
	var fit float64
	for i := range s.fit {
		if r := &s.fit[i]; r.match(l) {
			fit += r.points
		}
	}
	return fit
}

// engagement sums decayed engagement points in journey order: each
// touch adds the points of the rules it matches times its decay weight
// (computed only for touches that earn points). The Reasons of Score add
// the same terms rule by rule, so their sum equals it up to floating-point
// rounding.
func (s *Scorer) engagement(l *lead.Lead, at time.Time) float64 {
	var e float64
	for j := range l.Journey {
		tp := &l.Journey[j]
		var p float64
		for i := range s.touch {
			if r := &s.touch[i]; r.match(tp) {
				p += r.points
			}
		}
		if p == 0 {
			continue
		}
		if w, ok := s.decay(tp.At, at); ok {
			e += p * w
		}
	}
	return e
}

// decay returns the weight 2^(-age/half-life) of a touch at t seen at at,
// and false for a touch after at.
func (s *Scorer) decay(t, at time.Time) (float64, bool) {
	age := at.Sub(t)
	if age < 0 {
		return 0, false
	}
	return math.Exp2(-age.Seconds() * s.invHalfLife), true
}

// Worthy returns the stage a total score qualifies a lead for: lead.StageSQL
// from the SQL threshold, lead.StageMQL from the MQL threshold, lead.StageSuspect
// below. A nil or zero Scorer has no thresholds: it qualifies nothing and
// returns the zero lead.Stage.
func (s *Scorer) Worthy(total float64) lead.Stage {
	if s.check() != nil {
		return 0
	}
	switch {
	case total >= s.model.SQL:
		return lead.StageSQL
	case total >= s.model.MQL:
		return lead.StageMQL
	}
	return lead.StageSuspect
}

// SourceQuality is lead quality for one source: how well its leads fit the
// ideal customer profile.
type SourceQuality struct {
	// Source is the channel the leads came from.
	Source lead.Channel
	// Leads is how many leads came from it.
	Leads int
	// MeanFit is the mean fit points of those leads (their sum / Leads,
	// by crmkit.Ratio).
	MeanFit decimal.Decimal
	// Quality is MeanFit divided by the highest fit a lead could earn
	// (Scorer.MaxFit): 0 when no lead matches any rule, 1 when every lead
	// matches every rule: the sum of fit points / (Leads × MaxFit), by
	// crmkit.Ratio.
	Quality decimal.Decimal
	// MQLWorthy is how many leads' fit alone reaches the MQL threshold.
	MQLWorthy int
}

// QualityBySource reports lead quality, the fit to the ideal customer
// profile, per source, sorted by source, in one pass over leads. A model
// without fit rules, or whose fit rules give no points, cannot measure fit:
// that is an error matching crmkit.ErrInvalid. No leads give an empty
// report.
func (s *Scorer) QualityBySource(leads iter.Seq[lead.Lead]) ([]SourceQuality, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if leads == nil {
		return nil, crmkit.Invalid("leads", "nil sequence")
	}
	if s.maxFit <= 0 {
		return nil, crmkit.Invalid("scoring model", "no fit rule gives points: lead quality (fit to the ideal customer profile) cannot be measured")
	}
	type acc struct {
		n, mql int
		sum    float64
	}
	by := make(map[lead.Channel]*acc)
	for l := range leads {
		f := s.fitOf(&l)
		a := by[l.Source]
		if a == nil {
			a = &acc{}
			by[l.Source] = a
		}
		a.n++
		a.sum += f
		if f >= s.model.MQL {
			a.mql++
		}
	}
	out := make([]SourceQuality, 0, len(by))
	maxFit := decimal.NewFromFloat(s.maxFit)
	for src, a := range by {
		sum, n := decimal.NewFromFloat(a.sum), decimal.NewFromInt(int64(a.n))
		mean, err := crmkit.Ratio(sum, n)
		if err != nil {
			return nil, err
		}
		quality, err := crmkit.Ratio(sum, n.Mul(maxFit))
		if err != nil {
			return nil, err
		}
		out = append(out, SourceQuality{
			Source:    src,
			Leads:     a.n,
			MeanFit:   mean,
			Quality:   quality,
			MQLWorthy: a.mql,
		})
	}
	slices.SortFunc(out, func(a, b SourceQuality) int { return cmp.Compare(a.Source, b.Source) })
	return out, nil
}
