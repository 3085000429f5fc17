package funnel

import (
	"cmp"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/field"
)

// Dimension names what a report is split by.
type Dimension uint8

// The dimensions. Dims fields are read from the entity's state as of the
// report time (its current owner, say, after a hand-over), the period from
// its origin.
const (
	_ Dimension = iota
	// ByOwner splits by Dims.Owner.
	ByOwner
	// BySource splits by Dims.Source.
	BySource
	// ByCampaign splits by Dims.Campaign.
	ByCampaign
	// ByProduct splits by Dims.Product.
	ByProduct
	// ByPipeline splits by Dims.Pipeline.
	ByPipeline
	// ByType splits by Dims.Type, the deal type (new business,
	// expansion, renewal, cross-sell).
	ByType
	// ByCompetitor splits by Dims.Competitor (competitive analysis).
	ByCompetitor
	// ByReason splits by Dims.Reason (loss reasons).
	ByReason
	// ByCustom splits by a custom enum field (package field): the value
	// of the field Query.CustomField names in the entity's
	// Opportunity.Custom, else Dims.Custom.
	ByCustom
	// ByPeriod splits by the period of the entity's origin given by
	// Query.Bucket: the cohorts of entities created in each month or
	// quarter.
	ByPeriod
	numDimensions
)

// Key identifies a group of a split report: the values of the dimensions
// split by (the other fields are empty) and, when split ByPeriod, the
// start of the period.
type Key struct {
	Dims
	// Period is the start of the origin's period (zero unless split
	// ByPeriod).
	Period time.Time
}

// String formats the key's set fields as "owner=ann period=2025-01-01".
func (k Key) String() string {
	var b strings.Builder
	for d := ByOwner; d < ByPeriod; d++ {
		if v := k.field(d); v != "" {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(d.String() + "=" + v)
		}
	}
	if !k.Period.IsZero() {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("period=" + k.Period.Format(time.DateOnly))
	}
	return b.String()
}

func (d *Dims) field(dim Dimension) string {
	switch dim {
	case ByOwner:
		return d.Owner
	case BySource:
		return d.Source
	case ByCampaign:
		return d.Campaign
	case ByProduct:
		return d.Product
	case ByPipeline:
		return d.Pipeline
	case ByType:
		return d.Type
	case ByCompetitor:
		return d.Competitor
	case ByReason:
		return d.Reason
	case ByCustom:
		return d.Custom
	}
	return ""
}

func (d *Dims) set(dim Dimension, v string) {
	switch dim {
	case ByOwner:
		d.Owner = v
	case BySource:
		d.Source = v
	case ByCampaign:
		d.Campaign = v
	case ByProduct:
		d.Product = v
	case ByPipeline:
		d.Pipeline = v
	case ByType:
		d.Type = v
	case ByCompetitor:
		d.Competitor = v
	case ByReason:
		d.Reason = v
	case ByCustom:
		d.Custom = v
	}
}

// Query says which entities a report covers, as of when, and how it is
// split. Only AsOf is required.
type Query struct {
	// AsOf is the report time: records at or before it count (one at
	// exactly AsOf too, as "as of" means in every crmkit package), later
	// ones are ignored; the ages of open stays are measured to it.
	AsOf time.Time
	// From and To select the entities whose origin lies in [From, To); a
	// zero bound is open.
	From, To time.Time
	// Match selects the entities whose dimensions equal every non-empty
	// field of Match.
	Match Dims
	// By lists the dimensions to split by; empty for no split.
	By []Dimension
	// CustomField names the custom field (a field.Def.Name, usually of an
	// enum) whose value in Opportunity.Custom is the entity's Dims.Custom,
	// for ByCustom and Match.Custom; empty to use Dims.Custom as given.
	CustomField string
	// Bucket maps a time to the start of its period, for ByPeriod; nil
	// means calendar months in UTC (Months(crmkit.Calendar{})).
	Bucket func(time.Time) time.Time
	// Quantiles says how durations are kept: approximate quantiles in
	// bounded histograms by default (crmkit.QuantilesApprox), exact ones
	// or none on request.
	Quantiles crmkit.Quantiles
	// Where, if not nil, further selects entities. A backend cannot push
	// a Go function down, so an Aggregator is not used when Where is set.
	Where func(*Opportunity) bool
	// Reporting, when its Currency is set, converts every amount into
	// one reporting currency at the rates of a chosen date or of each
	// entity's close (see Reporting); without it amounts in two
	// currencies are crmkit.ErrCurrencyMismatch.
	Reporting Reporting
}

func (q *Query) validate() error {
	if q.AsOf.IsZero() {
		return crmkit.Invalid("as of", "zero report time")
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return crmkit.Invalid("to", "%s is before from %s", stamp(q.To), stamp(q.From))
	}
	if !q.Quantiles.Valid() {
		return crmkit.Invalid("quantiles", "unknown mode %d", q.Quantiles)
	}
	if err := q.Reporting.validate(); err != nil {
		return err
	}
	if q.CustomField != "" && (len(q.CustomField) > field.MaxNameLen || (field.Values{q.CustomField: {}}).Validate() != nil) {
		return crmkit.Invalid("custom field", "%q is not a field name", q.CustomField)
	}
	var seen [numDimensions]bool
	for i, d := range q.By {
		if d == 0 || d >= numDimensions {
			return crmkit.Invalid(fmt.Sprintf("by[%d]", i), "unknown dimension %d", d)
		}
		if seen[d] {
			return crmkit.Invalid(fmt.Sprintf("by[%d]", i), "dimension %s repeated", d)
		}
		seen[d] = true
	}
	return nil
}

// Group is one group of a split report.
type Group struct {
	Key     Key
	Summary Summary
}

// Report is a funnel report: the Summary of every selected entity and, if
// the query splits, one per group, sorted by key.
type Report struct {
	// AsOf is the report time.
	AsOf time.Time
	// By lists the dimensions the report is split by.
	By []Dimension
	// Total summarises every selected entity.
	Total Summary
	// Groups holds the split, sorted by key (empty without a split).
	Groups []Group
}

// Group returns the summary of the group with key k, and whether it exists.
func (r Report) Group(k Key) (Summary, bool) {
	for _, g := range r.Groups {
		if g.Key.Dims == k.Dims && g.Key.Period.Equal(k.Period) {
			return g.Summary, true
		}
	}
	return Summary{}, false
}

// engine feeds entity states into the total and the groups.
type engine struct {
	q      Query
	stages stageList
	total  *acc
	groups map[Key]*acc
	bucket func(time.Time) time.Time
	filter bool // some selection besides AsOf

	// With a single dimension other than ByPeriod, groups are found by
	// that field's value alone (cheaper to hash than a Key), and the last
	// group found is remembered (inputs are often sorted by it).
	single  Dimension
	byValue map[string]*acc
	lastVal string
	lastAcc *acc

	// Split by ByPeriod alone with the default bucket (calendar months in
	// UTC), groups are found by the month's number (monthOf), and the
	// last group found is remembered.
	months    map[int64]*acc
	lastMonth int64
	monthAcc  *acc

	conv *converter // nil unless amounts are converted
	buf  Opportunity
}

func newEngine(stages stageList, q Query) (*engine, error) {
	if err := q.validate(); err != nil {
		return nil, err
	}
	e := &engine{q: q, stages: stages, total: newAcc(stages.Len(), q.Quantiles, q.AsOf), bucket: q.Bucket}
	e.filter = !q.From.IsZero() || !q.To.IsZero() || q.Match != (Dims{}) || q.Where != nil
	switch {
	case len(q.By) == 1 && q.By[0] != ByPeriod:
		e.single = q.By[0]
		e.byValue = make(map[string]*acc)
	case len(q.By) > 0:
		e.groups = make(map[Key]*acc)
		if len(q.By) == 1 && q.Bucket == nil {
			e.months = make(map[int64]*acc)
		}
	}
	// Split, every selected entity is in exactly one group, so the total's
	// durations are the merge of the groups' (see report): they are not
	// added twice.
	e.total.noDurations = len(q.By) > 0
	if e.bucket == nil {
		e.bucket = utcMonth
	}
	e.conv = newConverter(&q.Reporting, q.AsOf)
	return e, nil
}

func (e *engine) selects(o *Opportunity) bool {
	if !e.q.From.IsZero() && o.Origin.Before(e.q.From) || !e.q.To.IsZero() && !o.Origin.Before(e.q.To) {
		return false
	}
	if e.q.Match != (Dims{}) {
		for d := ByOwner; d < ByPeriod; d++ {
			if v := e.q.Match.field(d); v != "" && e.value(o, d) != v {
				return false
			}
		}
	}
	return e.q.Where == nil || e.q.Where(o)
}

// value returns o's value of dimension d: for ByCustom the text of the
// custom field the query names when o holds it (else Dims.Custom), for
// the others the Dims field.
func (e *engine) value(o *Opportunity, d Dimension) string {
	if d == ByCustom && e.q.CustomField != "" {
		if v, ok := o.Custom[e.q.CustomField]; ok {
			return v.String()
		}
	}
	return o.Dims.field(d)
}

func (e *engine) add(o *Opportunity, stays []stay) error {
	if e.filter && !e.selects(o) {
		return nil
	}
	if e.conv != nil {
		var err error
		if o, err = e.conv.convert(o, &e.buf); err != nil {
			return err
		}
	}
	if err := e.total.add(o); err != nil {
		return err
	}
	var g *acc
	switch {
	case e.byValue != nil:
		v := e.value(o, e.single)
		if e.lastAcc != nil && v == e.lastVal {
			g = e.lastAcc
			break
		}
		if g = e.byValue[v]; g == nil {
			g = newAcc(e.stages.Len(), e.q.Quantiles, e.q.AsOf)
			e.byValue[v] = g
		}
		e.lastVal, e.lastAcc = v, g
	case e.months != nil:
		m, ok := monthOf(o.Origin)
		if ok && e.monthAcc != nil && m == e.lastMonth {
			g = e.monthAcc
			break
		}
		if ok {
			g = e.months[m]
		}
		if g == nil {
			g = e.group(Key{Period: e.bucket(o.Origin)})
			if ok {
				e.months[m] = g
			}
		}
		if ok {
			e.lastMonth, e.monthAcc = m, g
		}
	case e.groups != nil:
		var k Key
		for _, d := range e.q.By {
			if d == ByPeriod {
				k.Period = e.bucket(o.Origin)
			} else {
				k.set(d, e.value(o, d))
			}
		}
		g = e.group(k)
	default:
		for _, s := range stays {
			e.total.st[s.stage].stay.Add(s.d)
		}
		return nil
	}
	if err := g.add(o); err != nil {
		return err
	}
	for _, s := range stays {
		g.st[s.stage].stay.Add(s.d)
	}
	return nil
}

// group returns the group of key k in e.groups, made if missing.
func (e *engine) group(k Key) *acc {
	g := e.groups[k]
	if g == nil {
		g = newAcc(e.stages.Len(), e.q.Quantiles, e.q.AsOf)
		e.groups[k] = g
	}
	return g
}

// monthOf returns the number (year*12 + month-1) of the calendar month of
// t in UTC, the month utcMonth(t) starts, from t's Unix seconds with
// integer arithmetic (days to civil date, H. Hinnant's algorithm). It
// reports false outside the years 1 to 9999, left to utcMonth.
func monthOf(t time.Time) (int64, bool) {
	const (
		minSec = -62135596800 // 0001-01-01T00:00:00Z
		maxSec = 253402300800 // 10000-01-01T00:00:00Z
	)
	sec := t.Unix()
	if sec < minSec || sec >= maxSec {
		return 0, false
	}
	days := sec / 86400
	if sec%86400 < 0 {
		days--
	}
	z := days + 719468 // days since 0000-03-01, positive from year 1 on
	era := z / 146097
	doe := z - era*146097                                  // [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100) // [0, 365], from March 1
	mp := (5*doy + 2) / 153                  // [0, 11], March is 0
	m := mp + 2                              // month-1 counted from January of year y
	if mp >= 10 {
		m, y = mp-10, y+1
	}
	return y*12 + m, true
}

func (e *engine) report() (Report, error) {
	if e.total.noDurations {
		// The total's durations are the merge of its groups': every
		// selected entity is in exactly one group.
		for _, g := range e.byValue {
			e.total.mergeDurations(g)
		}
		for _, g := range e.groups {
			e.total.mergeDurations(g)
		}
	}
	total, err := e.total.summary(e.stages)
	if err != nil {
		return Report{}, err
	}
	r := Report{AsOf: e.q.AsOf, By: slices.Clone(e.q.By), Total: total}
	add := func(k Key, a *acc) error {
		s, err := a.summary(e.stages)
		if err != nil {
			return fmt.Errorf("group %s: %w", k, err)
		}
		r.Groups = append(r.Groups, Group{Key: k, Summary: s})
		return nil
	}
	for v, a := range e.byValue {
		var k Key
		k.set(e.single, v)
		if err := add(k, a); err != nil {
			return Report{}, err
		}
	}
	for k, a := range e.groups {
		if err := add(k, a); err != nil {
			return Report{}, err
		}
	}
	slices.SortFunc(r.Groups, func(a, b Group) int { return compareKeys(a.Key, b.Key) })
	return r, nil
}

func compareKeys(a, b Key) int {
	for d := ByOwner; d < ByPeriod; d++ {
		if c := cmp.Compare(a.field(d), b.field(d)); c != 0 {
			return c
		}
	}
	return a.Period.Compare(b.Period)
}

// SummarizeRecords builds the funnel report of the entities whose records are
// given, as of q.AsOf, in one pass over the records, against the stages of
// pipeline p (record stage indices are p's; a nil or zero pipeline is
// ErrInvalid). Records must come in
// report order (see Record); memory is O(stages) per group plus the
// longest history of one entity, and nothing is allocated per record.
//
// Errors, which stop the report: records out of order (ErrInvalid), a
// record equal to the entity's previous one (ErrConflict), an unknown kind
// or stage index, a negative amount or a zero time (ErrInvalid), a record
// its entity's status does not allow, such as a stage entered after a win
// (ErrIllegalTransition), amounts in two currencies
// (ErrCurrencyMismatch), sums beyond int64 (ErrOverflow).
func SummarizeRecords(p *deal.Pipeline, records iter.Seq[Record], q Query) (Report, error) {
	stages, err := stagesOf(p)
	if err != nil {
		return Report{}, err
	}
	e, err := newEngine(stages, q)
	if err != nil {
		return Report{}, err
	}
	r, err := newReplayer(stages, q.AsOf)
	if err != nil {
		return Report{}, err
	}
	r.keepStays = true
	if err := r.replay(records, e.add); err != nil {
		return Report{}, err
	}
	return e.report()
}

// Summarize builds the funnel report of entities given as Opportunity
// values (a store holding deals as values, adapted; slices.Values for a
// slice): counts, amounts,
// conversions, outcomes, cycle lengths and the ages of the open stays as
// of q.AsOf. Values carry no history, so the completed stays
// (StageSummary.Stay) are empty; use SummarizeRecords over records for them.
//
// An opportunity with an unknown status or stage, a current stage outside
// its reached set, a negative amount, a closed status without close time
// or origin, or an open stay entered after q.AsOf is ErrInvalid; amounts
// in two currencies are ErrCurrencyMismatch.
func Summarize(p *deal.Pipeline, opportunities iter.Seq[Opportunity], q Query) (Report, error) {
	if opportunities == nil {
		return Report{}, crmkit.Invalid("opportunities", "nil sequence")
	}
	stages, err := stagesOf(p)
	if err != nil {
		return Report{}, err
	}
	e, err := newEngine(stages, q)
	if err != nil {
		return Report{}, err
	}
	n := stages.Len()
	plain := !e.filter && len(q.By) == 0 && e.conv == nil
	var o Opportunity // one variable for all: its address escapes
	for v := range opportunities {
		o = v
		if err := o.validate(n); err != nil {
			return Report{}, err
		}
		if plain {
			err = e.total.add(&o)
		} else {
			err = e.add(&o, nil)
		}
		if err != nil {
			return Report{}, err
		}
	}
	return e.report()
}

// utcMonth is the default Bucket: the start of the calendar month of t in
// UTC, as Months(crmkit.Calendar{}) computes it, without the calendar's
// general path.
func utcMonth(t time.Time) time.Time {
	y, m, _ := t.UTC().Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
}
