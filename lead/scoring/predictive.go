package scoring

import (
	"bytes"
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/internal/leadfield"
)

// DefaultAlpha is the Laplace smoothing pseudo-count used when a
// predictive model is configured with Alpha zero: add-one smoothing.
const DefaultAlpha = 1.0

// MaxAlpha is the largest Laplace pseudo-count a model accepts: a million
// imaginary leads per value already drown any real data set, and the
// bound keeps every sum finite.
const MaxAlpha = 1e6

// NaiveBayes is a trained naive Bayes classifier over categorical fields:
// it estimates the probability that a lead converts from the values of a
// fixed list of fields (source, country, industry, ...), the way Odoo's
// predictive lead scoring does. Odoo's documentation writes it as
//
//	P(won | values) = P(won)·Π P(value|won) / (P(won)·Π P(value|won) + P(lost)·Π P(value|lost))
//
// where each P(value|class) is the frequency of that value of that field
// among the past leads of the class. The model is trained once from a
// stream of past outcomes (TrainNaiveBayes, TrainPredictive) and is then
// immutable and safe for concurrent use.
//
// Laplace smoothing. With pseudo-count α (Alpha, 1 by default; Odoo adds
// 0.1), a field f whose K distinct values were seen in training, n_c(v)
// past leads of class c with value v and N_c(f) past leads of class c with
// any value of f:
//
//	P(v | c) = (n_c(v) + α) / (N_c(f) + α·(K+1))
//
// The extra slot in K+1 is the share kept for values never seen in
// training: an unseen value gets the smoothed frequency α / (N_c(f) +
// α·(K+1)) in both classes instead of a zero that would wipe out the
// product. The priors are smoothed the same way: P(won) = (W + α) / (W + L
// + 2α) for W converted and L not converted past leads.
//
// Missing values (empty strings) carry no evidence: they are skipped in
// training and in prediction, as Odoo skips unset fields. The product is
// computed as a sum of logarithms (log-odds), so a hundred fields cannot
// underflow; the probability is the logistic function of the log-odds and
// always lies in [0, 1].
type NaiveBayes struct {
	fields []string
	index  map[string]int
	alpha  float64
	won    float64 // converted past leads (W)
	lost   float64 // past leads that did not convert (L)
	prior  float64 // ln P(won) - ln P(lost)
	tables []nbTable
}

// nbTable holds one field's frequencies and the log-likelihood ratios
// derived from them.
type nbTable struct {
	counts   map[string]nbCount
	wonTotal float64 // N_won(f)
	lostTot  float64 // N_lost(f)
	denWon   float64 // N_won(f) + α(K+1)
	denLost  float64 // N_lost(f) + α(K+1)
	unseen   float64 // ln P(unseen|won) - ln P(unseen|lost)
}

type nbCount struct {
	won, lost float64
	llr       float64 // ln P(v|won) - ln P(v|lost)
}

// Observation is one past lead as a NaiveBayes model sees it: the values
// of its fields (field name -> value; fields not named by the model are an
// error, absent or empty ones are missing) and whether it converted.
type Observation struct {
	Values    map[string]string
	Converted bool
}

// TrainNaiveBayes trains a model over fields from a stream of past
// outcomes, in one pass: memory grows with the number of distinct values,
// not with the number of observations, so a million past leads stream
// through it. alpha is the Laplace pseudo-count (0 means DefaultAlpha).
//
// It returns an error matching crmkit.ErrInvalid, naming the problem, for
// no fields, an empty or repeated field name, a negative, NaN or infinite
// alpha or one above MaxAlpha, an observation naming a field the model does not have, and a
// stream without any observation.
func TrainNaiveBayes(fields []string, alpha float64, past iter.Seq[Observation]) (*NaiveBayes, error) {
	if past == nil {
		return nil, crmkit.Invalid("past", "nil sequence")
	}
	t, err := newNBTrainer(fields, alpha)
	if err != nil {
		return nil, err
	}
	vals := make([]string, len(fields))
	n := 0
	for o := range past {
		clear(vals)
		for f, v := range o.Values {
			i, ok := t.m.index[f]
			if !ok {
				return nil, crmkit.Invalid("observation", "observation %d names field %q, which the model does not have (fields %q)", n, f, fields)
			}
			vals[i] = v
		}
		t.add(vals, o.Converted)
		n++
	}
	return t.finish()
}

// nbTrainer accumulates frequencies positionally: vals[i] is the value of
// field i.
type nbTrainer struct{ m *NaiveBayes }

func newNBTrainer(fields []string, alpha float64) (*nbTrainer, error) {
	if len(fields) == 0 {
		return nil, crmkit.Invalid("fields", "a predictive model needs at least one field")
	}
	switch {
	case math.IsNaN(alpha) || math.IsInf(alpha, 0):
		return nil, crmkit.Invalid("alpha", "smoothing pseudo-count %v is not a finite number", alpha)
	case alpha < 0:
		return nil, crmkit.Invalid("alpha", "negative smoothing pseudo-count %v", alpha)
	case alpha > MaxAlpha:
		return nil, crmkit.Invalid("alpha", "smoothing pseudo-count %v is above %v: it would drown any data", alpha, float64(MaxAlpha))
	case alpha == 0:
		alpha = DefaultAlpha
	}
	m := &NaiveBayes{
		fields: slices.Clone(fields),
		index:  make(map[string]int, len(fields)),
		alpha:  alpha,
		tables: make([]nbTable, len(fields)),
	}
	for i, f := range fields {
		if f == "" {
			return nil, crmkit.Invalid(fmt.Sprintf("fields[%d]", i), "empty field name")
		}
		if _, dup := m.index[f]; dup {
			return nil, crmkit.Invalid(fmt.Sprintf("fields[%d]", i), "field %q repeated", f)
		}
		m.index[f] = i
		m.tables[i].counts = make(map[string]nbCount)
	}
	return &nbTrainer{m: m}, nil
}

func (t *nbTrainer) add(vals []string, converted bool) {
	m := t.m
	if converted {
		m.won++
	} else {
		m.lost++
	}
	for i, v := range vals {
		if v == "" {
			continue
		}
		tb := &m.tables[i]
		c := tb.counts[v]
		if converted {
			c.won++
			tb.wonTotal++
		} else {
			c.lost++
			tb.lostTot++
		}
		tb.counts[v] = c
	}
}

// finish turns the counts into log-likelihood ratios.
func (t *nbTrainer) finish() (*NaiveBayes, error) {
	m := t.m
	if m.won+m.lost == 0 {
		return nil, crmkit.Invalid("past leads", "no past leads to learn from")
	}
	a := m.alpha
	m.prior = math.Log(m.won+a) - math.Log(m.lost+a)
	for i := range m.tables {
		tb := &m.tables[i]
		k := float64(len(tb.counts))
		tb.denWon = tb.wonTotal + a*(k+1)
		tb.denLost = tb.lostTot + a*(k+1)
		// ln(α/denWon) - ln(α/denLost)
		tb.unseen = math.Log(tb.denLost) - math.Log(tb.denWon)
		for v, c := range tb.counts {
			c.llr = math.Log(c.won+a) - math.Log(c.lost+a) + tb.unseen
			tb.counts[v] = c
		}
	}
	return m, nil
}

// Fields returns the model's field names in order.
func (m *NaiveBayes) Fields() []string {
	if m == nil {
		return nil
	}
	return slices.Clone(m.fields)
}

// Alpha returns the Laplace pseudo-count the model was trained with (0
// for a nil model).
func (m *NaiveBayes) Alpha() float64 {
	if m == nil {
		return 0
	}
	return m.alpha
}

// Trained returns how many past leads converted and how many did not.
func (m *NaiveBayes) Trained() (converted, notConverted int64) {
	if m == nil {
		return 0, 0
	}
	return int64(m.won), int64(m.lost)
}

// Values returns the values seen in training for field, sorted, or nil
// for a field the model does not have.
func (m *NaiveBayes) Values(field string) []string {
	if m == nil {
		return nil
	}
	i, ok := m.index[field]
	if !ok {
		return nil
	}
	return slices.Sorted(maps.Keys(m.tables[i].counts))
}

// Prior returns the smoothed prior probability of conversion, P(won) (0
// for a nil or zero model, which has none).
func (m *NaiveBayes) Prior() float64 {
	if m.check() != nil {
		return 0
	}
	return logistic(m.prior)
}

// check rejects a nil model and a zero one, not trained or read from JSON
// (TrainNaiveBayes and UnmarshalJSON always give at least one field).
func (m *NaiveBayes) check() error {
	if m == nil || len(m.fields) == 0 {
		return crmkit.Invalid("naive bayes model", "nil or zero model: train it or read it from JSON")
	}
	return nil
}

// Prediction is a predictive model's answer for one lead: the probability
// that it converts and what each field contributed.
type Prediction struct {
	// Probability is P(won | values), in [0, 1].
	Probability float64
	// Prior is P(won) before looking at any field, in [0, 1].
	Prior float64
	// LogOdds is ln(Probability / (1 - Probability)): the prior log-odds
	// plus the sum of the contributions' LogOdds.
	LogOdds float64
	// Contributions lists one entry per field that had a value, in the
	// model's field order.
	Contributions []Contribution
}

// Contribution is what one field value did to a prediction.
type Contribution struct {
	// Field and Value name the evidence.
	Field, Value string
	// Seen reports whether the value occurred in training; an unseen
	// value gets the smoothed frequency in both classes.
	Seen bool
	// Converted and NotConverted are the smoothed frequencies
	// P(value | converted) and P(value | not converted).
	Converted, NotConverted float64
	// LogOdds is ln(Converted / NotConverted), the weight of evidence:
	// positive values raise the probability, negative ones lower it.
	LogOdds float64
}

// Predict returns the probability that a lead with values converts, and
// the contribution of each field. Values of fields the model does not have
// are an error matching crmkit.ErrInvalid; missing and empty values carry
// no evidence. A nil or zero model is an error matching crmkit.ErrInvalid.
func (m *NaiveBayes) Predict(values map[string]string) (Prediction, error) {
	if err := m.check(); err != nil {
		return Prediction{}, err
	}
	if err := m.checkFields(values); err != nil {
		return Prediction{}, err
	}
	vals := make([]string, len(m.fields))
	for i, f := range m.fields {
		vals[i] = values[f]
	}
	return m.predict(vals), nil
}

// Probability is Predict without the contributions.
func (m *NaiveBayes) Probability(values map[string]string) (float64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	if err := m.checkFields(values); err != nil {
		return 0, err
	}
	// Summed in field order, not map order, so that the same values give
	// the same float64 every time.
	x := m.prior
	for i, f := range m.fields {
		x += m.tables[i].logRatio(values[f])
	}
	return logistic(x), nil
}

// checkFields rejects values of fields the model does not have, naming
// the first such field in sorted order.
func (m *NaiveBayes) checkFields(values map[string]string) error {
	known := 0
	for _, f := range m.fields {
		if _, ok := values[f]; ok {
			known++
		}
	}
	if known == len(values) {
		return nil
	}
	for _, f := range slices.Sorted(maps.Keys(values)) {
		if _, ok := m.index[f]; !ok {
			return crmkit.Invalid("values", "field %q is not one of the model's fields %q", f, m.fields)
		}
	}
	return nil
}

// logRatio returns ln P(v|won) - ln P(v|lost), 0 for a missing value.
func (tb *nbTable) logRatio(v string) float64 {
	if v == "" {
		return 0
	}
	if c, ok := tb.counts[v]; ok {
		return c.llr
	}
	return tb.unseen
}

// predict explains positional values.
func (m *NaiveBayes) predict(vals []string) Prediction {
	p := Prediction{Prior: logistic(m.prior), LogOdds: m.prior}
	n := 0
	for _, v := range vals {
		if v != "" {
			n++
		}
	}
	if n > 0 {
		p.Contributions = make([]Contribution, 0, n)
	}
	a := m.alpha
	for i, v := range vals {
		if v == "" {
			continue
		}
		tb := &m.tables[i]
		c, seen := tb.counts[v]
		ct := Contribution{
			Field: m.fields[i], Value: v, Seen: seen,
			Converted:    (c.won + a) / tb.denWon,
			NotConverted: (c.lost + a) / tb.denLost,
			LogOdds:      tb.logRatio(v),
		}
		p.LogOdds += ct.LogOdds
		p.Contributions = append(p.Contributions, ct)
	}
	p.Probability = logistic(p.LogOdds)
	return p
}

// logistic returns 1/(1+e^-x) without overflow; it is in [0, 1] for every
// x, including ±Inf.
func logistic(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// PredictiveConfig chooses the lead fields a PredictiveModel learns from
// (see the lead.Field names; Odoo's defaults are country, state, phone and
// e-mail quality, source, language and tags) and the Laplace pseudo-count
// (0 means DefaultAlpha). It is configuration as data, JSON-ready.
type PredictiveConfig struct {
	Fields []string `json:"fields"`
	Alpha  float64  `json:"alpha,omitempty"`
}

// DefaultPredictiveFields are the fields used by a PredictiveConfig
// without any: source, country, industry and company size band.
func DefaultPredictiveFields() []string {
	return []string{lead.FieldSource, lead.FieldCountry, lead.FieldIndustry, lead.FieldCompanySize}
}

// PredictiveModel is a NaiveBayes model over lead fields: predictive lead
// scoring. Field values are compared in lower case with surrounding
// spaces trimmed, so "Germany" and "germany " are one value. It is
// immutable and safe for concurrent use.
type PredictiveModel struct {
	refs []leadfield.Ref
	nb   *NaiveBayes
}

// TrainPredictive trains a predictive model from past leads in one pass.
// The outcome of a past lead is its stage: Converted leads converted,
// Disqualified leads did not; leads anywhere else on the ladder are still
// open, their outcome unknown, and are skipped. (To learn from another
// definition of the outcome, build Observations and use TrainNaiveBayes.)
//
// It returns an error matching crmkit.ErrInvalid for an unknown or
// repeated field, a bad alpha (see TrainNaiveBayes) and a stream without
// a single converted or disqualified lead.
func TrainPredictive(cfg PredictiveConfig, past iter.Seq[lead.Lead]) (*PredictiveModel, error) {
	if past == nil {
		return nil, crmkit.Invalid("past", "nil sequence")
	}
	fields := cfg.Fields
	if len(fields) == 0 {
		fields = DefaultPredictiveFields()
	}
	refs := make([]leadfield.Ref, len(fields))
	names := make([]string, len(fields))
	for i, f := range fields {
		r, err := leadfield.Parse(fmt.Sprintf("fields[%d]", i), f)
		if err != nil {
			return nil, err
		}
		refs[i] = r
		names[i] = r.Name()
	}
	t, err := newNBTrainer(names, cfg.Alpha)
	if err != nil {
		return nil, err
	}
	vals := make([]string, len(refs))
	for l := range past {
		var converted bool
		switch l.Stage {
		case lead.StageConverted:
			converted = true
		case lead.StageDisqualified:
		default:
			continue
		}
		for i, r := range refs {
			vals[i] = strings.ToLower(r.Text(&l))
		}
		t.add(vals, converted)
	}
	nb, err := t.finish()
	if err != nil {
		return nil, crmkit.Invalid("past leads", "no converted or disqualified lead to learn from")
	}
	return &PredictiveModel{refs: refs, nb: nb}, nil
}

// NaiveBayes returns the underlying model, to inspect its fields, values
// and counts (nil for a nil or zero model).
func (m *PredictiveModel) NaiveBayes() *NaiveBayes {
	if m == nil {
		return nil
	}
	return m.nb
}

// check rejects a nil model and a zero one, not trained or read from JSON.
func (m *PredictiveModel) check() error {
	if m == nil || m.nb.check() != nil || len(m.refs) != len(m.nb.fields) {
		return crmkit.Invalid("predictive model", "nil or zero model: train it with TrainPredictive or read it from JSON")
	}
	return nil
}

// Predict returns the probability that l converts and the contribution of
// each of its fields. A nil or zero model is an error matching
// crmkit.ErrInvalid.
func (m *PredictiveModel) Predict(l lead.Lead) (Prediction, error) {
	if err := m.check(); err != nil {
		return Prediction{}, err
	}
	vals := make([]string, len(m.refs))
	for i, r := range m.refs {
		vals[i] = strings.ToLower(r.Text(&l))
	}
	return m.nb.predict(vals), nil
}

// Probability returns the probability that l converts, in [0, 1], for
// scoring leads in bulk: it takes a pointer so that scoring a slice of
// leads copies none, does not modify the lead and does not allocate when
// the lead's values are already in lower case. A nil lead has no values:
// its probability is the prior. A nil or zero model is an error matching
// crmkit.ErrInvalid.
func (m *PredictiveModel) Probability(l *lead.Lead) (float64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	x := m.nb.prior
	if l == nil {
		return logistic(x), nil
	}
	for i, r := range m.refs {
		x += m.nb.tables[i].logRatio(strings.ToLower(r.Text(l)))
	}
	return logistic(x), nil
}

// naiveBayesJSON is the stored form of a NaiveBayes model: its frequency
// table, like Odoo's crm.lead.scoring.frequency records.
type naiveBayesJSON struct {
	Fields       []string                       `json:"fields"`
	Alpha        float64                        `json:"alpha"`
	Converted    int64                          `json:"converted"`
	NotConverted int64                          `json:"not_converted"`
	Frequencies  map[string]map[string][2]int64 `json:"frequencies"`
}

// MarshalJSON writes the model's frequency table: the fields, alpha, the
// class counts and, per field and value, [converted, not converted]
// counts. A model trained at night can so be stored and loaded by the
// processes that score during the day.
func (m *NaiveBayes) MarshalJSON() ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	j := naiveBayesJSON{
		Fields: m.fields, Alpha: m.alpha, Converted: int64(m.won), NotConverted: int64(m.lost),
		Frequencies: make(map[string]map[string][2]int64, len(m.fields)),
	}
	for i, f := range m.fields {
		vs := make(map[string][2]int64, len(m.tables[i].counts))
		for v, c := range m.tables[i].counts {
			vs[v] = [2]int64{int64(c.won), int64(c.lost)}
		}
		j.Frequencies[f] = vs
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads a model written by MarshalJSON and checks it like
// training would: valid fields and alpha, at least one past lead, no
// negative count, no frequencies for a field the model does not have, and
// no field whose counts exceed the class counts. Errors match
// crmkit.ErrInvalid and leave m unchanged.
func (m *NaiveBayes) UnmarshalJSON(b []byte) error {
	if m == nil {
		return crmkit.Invalid("naive bayes model", "nil model")
	}
	var j naiveBayesJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return crmkit.Invalid("naive bayes model", "%v", err)
	}
	t, err := newNBTrainer(j.Fields, j.Alpha)
	if err != nil {
		return err
	}
	if j.Converted < 0 || j.NotConverted < 0 {
		return crmkit.Invalid("naive bayes model", "negative class count (%d converted, %d not converted)", j.Converted, j.NotConverted)
	}
	n := t.m
	n.won, n.lost = float64(j.Converted), float64(j.NotConverted)
	for f, vs := range j.Frequencies {
		i, ok := n.index[f]
		if !ok {
			return crmkit.Invalid("frequencies", "field %q is not one of the model's fields %q", f, j.Fields)
		}
		tb := &n.tables[i]
		var won, lost int64
		for v, c := range vs {
			if v == "" {
				return crmkit.Invalid("frequencies", "field %q has an empty value", f)
			}
			if c[0] < 0 || c[1] < 0 || c[0] > j.Converted || c[1] > j.NotConverted {
				return crmkit.Invalid("frequencies", "field %q value %q: counts %v outside the class counts", f, v, c)
			}
			won, lost = won+c[0], lost+c[1]
			if won > j.Converted || lost > j.NotConverted {
				return crmkit.Invalid("frequencies", "field %q: counts add up to more than the class counts", f)
			}
			tb.counts[v] = nbCount{won: float64(c[0]), lost: float64(c[1])}
		}
		tb.wonTotal, tb.lostTot = float64(won), float64(lost)
	}
	trained, err := t.finish()
	if err != nil {
		return err
	}
	*m = *trained
	return nil
}

// MarshalJSON writes the predictive model as its NaiveBayes frequency
// table, whose fields are the lead field names.
func (m *PredictiveModel) MarshalJSON() ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	return m.nb.MarshalJSON()
}

// UnmarshalJSON reads a predictive model written by MarshalJSON; it also
// rejects field names that are not lead fields. Errors match
// crmkit.ErrInvalid and leave m unchanged.
func (m *PredictiveModel) UnmarshalJSON(b []byte) error {
	if m == nil {
		return crmkit.Invalid("predictive model", "nil model")
	}
	var nb NaiveBayes
	if err := nb.UnmarshalJSON(b); err != nil {
		return err
	}
	refs := make([]leadfield.Ref, len(nb.fields))
	for i, f := range nb.fields {
		r, err := leadfield.Parse(fmt.Sprintf("fields[%d]", i), f)
		if err != nil {
			return err
		}
		refs[i] = r
	}
	*m = PredictiveModel{refs: refs, nb: &nb}
	return nil
}
