package lead

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// Field names a lead field that scoring, predictive and routing rules
// read. The names are:
//
//	name, email, email_domain, phone, company, title, industry, country,
//	company_size, source, event_kind, campaign, owner, referred_by,
//	temperature, attr.<key>
//
// email_domain is the part of the e-mail address after "@"; attr.<key>
// reads Who.Attributes[key], the company's own fields (segment, language,
// age band, ...). As text, company_size is a size band ("1-10", "11-50",
// "51-200", "201-500", "501-1000", "1001-5000", "5001-10000", "10001+", or
// "" when unknown); as a number (the "between" rules) it is the head
// count. The stage is deliberately not a field: it is what scoring
// predicts.
const (
	FieldName        = "name"
	FieldEmail       = "email"
	FieldEmailDomain = "email_domain"
	FieldPhone       = "phone"
	FieldCompany     = "company"
	FieldTitle       = "title"
	FieldIndustry    = "industry"
	FieldCountry     = "country"
	FieldCompanySize = "company_size"
	FieldSource      = "source"
	FieldEventKind   = "event_kind"
	FieldCampaign    = "campaign"
	FieldOwner       = "owner"
	FieldReferredBy  = "referred_by"
	FieldTemperature = "temperature"
	// FieldAttrPrefix prefixes a custom attribute: "attr.segment".
	FieldAttrPrefix = "attr."
)

type fieldKind uint8

const (
	fName fieldKind = iota + 1
	fEmail
	fEmailDomain
	fPhone
	fCompany
	fTitle
	fIndustry
	fCountry
	fCompanySize
	fSource
	fEventKind
	fCampaign
	fOwner
	fReferredBy
	fTemperature
	fAttr
)

var fieldNames = map[string]fieldKind{
	FieldName: fName, FieldEmail: fEmail, FieldEmailDomain: fEmailDomain,
	FieldPhone: fPhone, FieldCompany: fCompany, FieldTitle: fTitle,
	FieldIndustry: fIndustry, FieldCountry: fCountry, FieldCompanySize: fCompanySize,
	FieldSource: fSource, FieldEventKind: fEventKind, FieldCampaign: fCampaign,
	FieldOwner: fOwner, FieldReferredBy: fReferredBy, FieldTemperature: fTemperature,
}

// fieldRef is a parsed Field name.
type fieldRef struct {
	kind fieldKind
	key  string // attribute key for fAttr
}

// parseField parses a field name; what names the input for the error.
func parseField(what, name string) (fieldRef, error) {
	n := strings.TrimSpace(name)
	if k, ok := fieldNames[strings.ToLower(n)]; ok {
		return fieldRef{kind: k}, nil
	}
	if len(n) > len(FieldAttrPrefix) && strings.EqualFold(n[:len(FieldAttrPrefix)], FieldAttrPrefix) {
		key := strings.TrimSpace(n[len(FieldAttrPrefix):])
		if key != "" {
			return fieldRef{kind: fAttr, key: key}, nil
		}
	}
	return fieldRef{}, crmkit.Invalid(what, "unknown field %q (want one of name, email, email_domain, phone, company, title, industry, country, company_size, source, event_kind, campaign, owner, referred_by, temperature or attr.<key>)", name)
}

// numeric reports whether the field can be read as a number.
func (f fieldRef) numeric() bool { return f.kind == fCompanySize || f.kind == fAttr }

// text returns the field's value as text, trimmed; it does not allocate.
func (f fieldRef) text(l *Lead) string {
	var s string
	switch f.kind {
	case fName:
		s = l.Who.Name
	case fEmail:
		s = l.Who.Email
	case fEmailDomain:
		e := strings.TrimSpace(l.Who.Email)
		if i := strings.LastIndexByte(e, '@'); i >= 0 {
			s = e[i+1:]
		}
	case fPhone:
		s = l.Who.Phone
	case fCompany:
		s = l.Who.Company
	case fTitle:
		s = l.Who.Title
	case fIndustry:
		s = l.Who.Industry
	case fCountry:
		s = l.Who.Country
	case fCompanySize:
		return sizeBand(l.Who.CompanySize)
	case fSource:
		s = string(l.Source)
	case fEventKind:
		s = string(l.EventKind)
	case fCampaign:
		s = l.Campaign
	case fOwner:
		s = l.Owner
	case fReferredBy:
		s = l.ReferredBy
	case fTemperature:
		if l.Temperature.Valid() {
			s = l.Temperature.String()
		}
	case fAttr:
		s = l.Who.Attributes[f.key]
	}
	return strings.TrimSpace(s)
}

// number returns the field's value as a number, if it is one.
func (f fieldRef) number(l *Lead) (float64, bool) {
	switch f.kind {
	case fCompanySize:
		if l.Who.CompanySize > 0 {
			return float64(l.Who.CompanySize), true
		}
	case fAttr:
		v, err := strconv.ParseFloat(strings.TrimSpace(l.Who.Attributes[f.key]), 64)
		if err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
			return v, true
		}
	}
	return 0, false
}

// sizeBand returns the head-count band of a company size (LinkedIn's
// bands), "" for an unknown (zero or negative) size.
func sizeBand(n int) string {
	switch {
	case n <= 0:
		return ""
	case n <= 10:
		return "1-10"
	case n <= 50:
		return "11-50"
	case n <= 200:
		return "51-200"
	case n <= 500:
		return "201-500"
	case n <= 1000:
		return "501-1000"
	case n <= 5000:
		return "1001-5000"
	case n <= 10000:
		return "5001-10000"
	}
	return "10001+"
}

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
	// Field is the lead field to read (see Field names).
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
	Kind TouchKind `json:"kind,omitempty"`
	// Channel is the touchpoint channel, such as "event"; empty for any.
	Channel Channel `json:"channel,omitempty"`
	// Points is what one fresh touch earns: from 0 to MaxPoints.
	Points float64 `json:"points"`
}

// ScoringModel is a rule-based lead scoring model, as HubSpot users
// configure one: fit to the ideal customer profile (attribute rules with
// points) plus engagement (touchpoint kinds with points, decaying with
// age), with thresholds that say when a lead is MQL- or SQL-worthy. It is
// configuration as data: build it in code or load it from JSON
// (ParseScoringModel), then compile it with NewScorer.
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
type ScoringModel struct {
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

// scoringModelJSON is ScoringModel's JSON form.
type scoringModelJSON struct {
	Name       string           `json:"name,omitempty"`
	Fit        []FitRule        `json:"fit,omitempty"`
	Engagement []EngagementRule `json:"engagement,omitempty"`
	HalfLife   string           `json:"half_life"`
	MQL        float64          `json:"mql"`
	SQL        float64          `json:"sql"`
}

// MarshalJSON implements json.Marshaler, writing HalfLife as "half_life":
// a Go duration string.
func (m ScoringModel) MarshalJSON() ([]byte, error) {
	return json.Marshal(scoringModelJSON{
		Name: m.Name, Fit: m.Fit, Engagement: m.Engagement,
		HalfLife: m.HalfLife.String(), MQL: m.MQL, SQL: m.SQL,
	})
}

// UnmarshalJSON implements json.Unmarshaler. It rejects unknown fields
// and a malformed half-life but does not validate the rest: call Validate,
// or use ParseScoringModel, which does both.
func (m *ScoringModel) UnmarshalJSON(b []byte) error {
	var j scoringModelJSON
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
	*m = ScoringModel{
		Name: j.Name, Fit: j.Fit, Engagement: j.Engagement,
		HalfLife: hl, MQL: j.MQL, SQL: j.SQL,
	}
	return nil
}

// ParseScoringModel reads a ScoringModel from JSON and validates it.
func ParseScoringModel(data []byte) (ScoringModel, error) {
	var m ScoringModel
	if err := json.Unmarshal(data, &m); err != nil {
		if !errors.Is(err, crmkit.ErrInvalid) {
			err = crmkit.Invalid("scoring model", "%v", err)
		}
		return ScoringModel{}, err
	}
	if err := m.Validate(); err != nil {
		return ScoringModel{}, err
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
func (m ScoringModel) Validate() error {
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
	field    fieldRef
	op       Op
	values   []string
	min, max float64
	points   float64
}

func (r *fitMatcher) match(l *Lead) bool {
	switch r.op {
	case OpPresent:
		return r.field.text(l) != ""
	case OpBetween:
		v, ok := r.field.number(l)
		return ok && v >= r.min && v <= r.max
	case OpEquals:
		s := r.field.text(l)
		for _, v := range r.values {
			if strings.EqualFold(s, v) {
				return true
			}
		}
	case OpContains:
		s := r.field.text(l)
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
	kind    TouchKind
	channel Channel
	points  float64
}

func (r *touchMatcher) match(tp *Touchpoint) bool {
	return (r.kind == "" || r.kind == tp.Kind) && (r.channel == "" || r.channel == tp.Channel)
}

// compileModel validates m and compiles its rules.
func compileModel(m ScoringModel) (*Scorer, error) {
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
		f, err := parseField(field, r.Field)
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
			if !f.numeric() {
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
			k, err := ParseTouchKind(string(r.Kind))
			if err != nil {
				// Touchpoints may carry a company's own kind: accept
				// it in canonical form.
				cn, ok := canonicalName(string(r.Kind))
				if !ok {
					return nil, crmkit.Invalid(field, "%q is not a touch kind name", string(r.Kind))
				}
				k = TouchKind(cn)
			}
			c.kind = k
		}
		if r.Channel != "" {
			ch, err := ParseChannel(string(r.Channel))
			if err != nil {
				// A company's own channel: accept it in canonical form.
				cn, ok := canonicalName(string(r.Channel))
				if !ok {
					return nil, crmkit.Invalid(field, "%q is not a channel name", string(r.Channel))
				}
				ch = Channel(cn)
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

func cloneModel(m ScoringModel) ScoringModel {
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

// Scorer scores leads with a compiled ScoringModel. It is immutable and
// safe for concurrent use.
type Scorer struct {
	model       ScoringModel
	fit         []fitMatcher
	touch       []touchMatcher
	invHalfLife float64 // 1 / half-life in seconds
	maxFit      float64
	built       bool // set by NewScorer: the zero Scorer scores nothing
}

// NewScorer validates m (see ScoringModel.Validate) and compiles it. The
// scorer keeps its own copy of the model.
func NewScorer(m ScoringModel) (*Scorer, error) {
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
// channels in canonical form (the zero ScoringModel for a nil scorer).
func (s *Scorer) Model() ScoringModel {
	if s == nil {
		return ScoringModel{}
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
	// StageSQL, StageMQL or StageSuspect.
	Worthy Stage
	// Reasons lists the rules that gave points, fit rules first, each in
	// the model's order.
	Reasons []Reason
}

// Score returns l's score at time at, explained rule by rule. A zero at
// is an error matching crmkit.ErrInvalid: scores decay, so the time is
// always explicit. A nil or zero Scorer is an error matching
// crmkit.ErrInvalid, as for every scoring method.
func (s *Scorer) Score(l Lead, at time.Time) (Score, error) {
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
func (s *Scorer) Total(l *Lead, at time.Time) (float64, error) {
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
func (s *Scorer) FitOf(l *Lead) (float64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	if l == nil {
		return 0, nil
	}
	return s.fitOf(l), nil
}

func (s *Scorer) fitOf(l *Lead) float64 {
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
func (s *Scorer) engagement(l *Lead, at time.Time) float64 {
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

// Worthy returns the stage a total score qualifies a lead for: StageSQL
// from the SQL threshold, StageMQL from the MQL threshold, StageSuspect
// below. A nil or zero Scorer has no thresholds: it qualifies nothing and
// returns the zero Stage.
func (s *Scorer) Worthy(total float64) Stage {
	if s.check() != nil {
		return 0
	}
	switch {
	case total >= s.model.SQL:
		return StageSQL
	case total >= s.model.MQL:
		return StageMQL
	}
	return StageSuspect
}

// SourceQuality is lead quality for one source: how well its leads fit the
// ideal customer profile.
type SourceQuality struct {
	// Source is the channel the leads came from.
	Source Channel
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
func (s *Scorer) QualityBySource(leads iter.Seq[Lead]) ([]SourceQuality, error) {
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
	by := make(map[Channel]*acc)
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
