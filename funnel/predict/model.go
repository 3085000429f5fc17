package predict

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// States a transition leads to besides the stages (indices 0, 1, ...).
const (
	// NoStage is the state of a deal created but in no stage yet, as
	// funnel.Opportunity.Stage -1.
	NoStage = -1
	// Won is the won outcome.
	Won = -2
	// Lost is the lost outcome (lost or terminated).
	Lost = -3
)

// Limits checked before anything is allocated.
const (
	// MaxSimulations bounds SimOptions.Simulations.
	MaxSimulations = 1_000_000
	// MaxPeriods bounds the periods of a forecast.
	MaxPeriods = 120
	// MaxCells bounds simulations × periods × segments, the revenue
	// figures a forecast keeps to take exact quantiles (8 bytes each).
	MaxCells = 1 << 24
	// MaxSegments bounds the segments a model estimates.
	MaxSegments = 10_000
	// MaxNewDealsPerSimulation bounds the new deals expected in one
	// simulation (creation rate × horizon, summed over segments).
	MaxNewDealsPerSimulation = 100_000
	// DefaultMinExits is TrainOptions.MinExits when zero.
	DefaultMinExits = 30
	// reservoirSize is how many won amounts a segment keeps to draw the
	// amounts of new deals from.
	reservoirSize = 1024
	// maxSteps bounds one simulated path (a deal moving back and forth).
	maxSteps = 1000
)

// Basis says what an estimate rests on.
type Basis uint8

// The bases of an estimate.
const (
	_ Basis = iota
	// Own: the segment's own history.
	Own
	// Whole: the whole history, the segment's being too thin.
	Whole
	// Prior: the documented prior (see Train), the whole history being too
	// thin too.
	Prior
)

var basisNames = crmkit.NewEnum("Basis", Own, "own", "whole", "prior")

// String returns the text form of b: "own", "whole", "prior" or "unset".
func (b Basis) String() string { return basisNames.String(b) }

// Valid reports whether b is a declared Basis.
func (b Basis) Valid() bool { return basisNames.Valid(b) }

// MarshalText implements encoding.TextMarshaler.
func (b Basis) MarshalText() ([]byte, error) { return basisNames.MarshalText(b) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (b *Basis) UnmarshalText(text []byte) error { return basisNames.UnmarshalText(text, b) }

// Fallback says that an estimate of a segment did not rest on its own
// history: what was estimated, from how many observations, and what was
// used instead.
type Fallback struct {
	// Segment is the segment's key; Whole is true for the estimate of the
	// whole history (Segment is then "").
	Segment string
	Whole   bool
	// Stage is the stage whose exits were too few (NoStage for deals in no
	// stage); What says what was estimated.
	Stage int
	What  string
	// Observed is how many observations there were; Needed how many an
	// estimate of its own needs (TrainOptions.MinExits).
	Observed, Needed int64
	// Used is what the estimate rests on instead (Whole or Prior).
	Used Basis
}

// String describes the fallback in a sentence.
func (f Fallback) String() string {
	who := fmt.Sprintf("segment %q", f.Segment)
	if f.Whole {
		who = "whole history"
	}
	return fmt.Sprintf("%s: %s from %d observations (need %d): used %s", who, f.What, f.Observed, f.Needed, f.Used)
}

// TrainOptions are the optional inputs of Train.
type TrainOptions struct {
	// Segment splits the estimates by a dimension (funnel.ByPipeline,
	// ByType, ByOwner, ...); zero estimates one segment of everything.
	Segment funnel.Dimension
	// SegmentOf, when not nil, names each entity's segment by the host's
	// own key (a custom field's value, say) and overrides Segment;
	// entities missing from it are in segment "".
	SegmentOf map[uuid.UUID]string
	// MinExits is the least number of observed exits from a stage a
	// segment needs for estimates of its own (DefaultMinExits when zero).
	MinExits int
	// Since starts the window over which creation rates are measured
	// (zero: the first record).
	Since time.Time
}

// Model holds what Train estimated from a history as of a date, per
// segment: for each stage, the chance of each next stage and outcome and
// the distribution of the time spent in it; the rate at which deals are
// created and the amounts deals were won at; and the open deals to
// simulate. A Model is immutable and safe for concurrent use.
type Model struct {
	n         int
	asOf      time.Time
	cur       crmkit.Currency
	segs      []segment
	whole     segment
	open      []openDeal
	paused    int
	fallbacks []Fallback
}

// openDeal is a deal open at the as-of time, ready to simulate.
type openDeal struct {
	id     uuid.UUID
	seg    int32
	state  int32
	condLo float64 // F(age in stage) of its state's time-in-stage distribution
	age    float64 // ns spent in its state at the as-of time (0 when condLo is 0)
	amount int64
}

// stateStats are the observations of one state in one segment.
type stateStats struct {
	exits []int64 // per target: stages 0..n-1, won (n), lost (n+1)
	total int64
	bins  [nBins]int64
}

type segment struct {
	key     string
	states  []stateStats
	created int64
	won     []int64 // reservoir of won amounts
	wonSeen int64
	// compiled
	trans []float64 // per state, cumulative over n+2 targets
	cdf   []float64 // per state, cumulative over nBins
	basis []Basis
	rate  float64 // new deals per nanosecond
	draw  []int64 // amounts new deals are drawn from
	samp  sampler
}

func newSegment(key string, n int) segment {
	s := segment{key: key, states: make([]stateStats, n+1)}
	for i := range s.states {
		s.states[i].exits = make([]int64, n+2)
	}
	return s
}

// Time-in-stage histograms: bin 0 is [0, 1 minute), bins 1..nBins-1 are
// log-spaced from 1 minute to 20 years (each about 13 % wider than the
// one before); longer stays land in the last bin. A duration is drawn as
// a bin by its frequency, then uniformly within the bin.
const nBins = 128

var binEdges = func() (e [nBins + 1]float64) {
	lo, hi := float64(time.Minute), float64(20*365*24*time.Hour)
	for i := 1; i <= nBins; i++ {
		e[i] = lo * math.Pow(hi/lo, float64(i-1)/float64(nBins-1))
	}
	return e
}()

func binOf(d time.Duration) int {
	x := float64(d)
	if x < binEdges[1] {
		return 0
	}
	b := 1 + int(math.Log(x/binEdges[1])/math.Log(binEdges[2]/binEdges[1]))
	b = min(max(b, 1), nBins-1)
	for b > 1 && x < binEdges[b] {
		b--
	}
	for b < nBins-1 && x >= binEdges[b+1] {
		b++
	}
	return b
}

// Train estimates a Model from a history as of asOf, reading the records
// once in report order (funnel.Record; funnel.Replay checks them). Only
// records at or before asOf count. Memory is one entity's history, the
// per-segment estimates and the deals open at asOf.
//
// Estimates, per segment and per state (each stage, and "no stage yet"):
//   - the transition probabilities: the share of the observed exits from
//     the state that went to each stage, to won and to lost (lost and
//     terminated alike); a lost deal reactivated resumes its stage;
//   - the time in the state: a histogram of the completed stays (stays
//     still open at asOf are not counted, which biases it short when the
//     history is young);
//   - the creation rate: deals created per unit of time between Since (or
//     the first record) and asOf, and the amounts deals were won at (a
//     reservoir of 1024).
//
// A segment with fewer than MinExits exits from a state uses the whole
// history's estimate for it; when the whole history has fewer too, the
// prior is used: from stage i, the next stage with probability
// p(i)/p(i+1) (capped at 1; p the stages' configured probabilities), won
// from the last stage with p(last), lost otherwise, so that a deal's
// chance to win from stage i is p(i) as configured; time in the stage
// exponential with mean its ExpectedDuration (30 days when zero); a deal
// in no stage enters the first after an exponential day. Each fallback is
// listed in Model.Fallbacks.
//
// A nil sequence, a nil pipeline, a zero asOf, a history without an
// entity at or before asOf (empty history), an invalid segment dimension,
// too many segments and amounts in two currencies are errors.
func Train(p *deal.Pipeline, records iter.Seq[funnel.Record], asOf time.Time, opt TrainOptions) (*Model, error) {
	g := segmenter{by: opt.Segment, keys: opt.SegmentOf}
	if err := g.check(); err != nil {
		return nil, err
	}
	minExits := int64(opt.MinExits)
	switch {
	case opt.MinExits < 0:
		return nil, crmkit.Invalid("min exits", "negative %d", opt.MinExits)
	case opt.MinExits == 0:
		minExits = DefaultMinExits
	}
	n := 0
	if p != nil {
		n = p.Len()
	}
	m := &Model{n: n, asOf: asOf, whole: newSegment("", n)}
	index := map[string]int{}
	res := rand.New(rand.NewPCG(1, 2))
	type pending struct {
		id      uuid.UUID
		seg     int
		state   int
		entered time.Time
		amount  int64
	}
	var open []pending
	first, cur, err := scan(p, records, asOf, func(e *entity) error {
		key := g.key(&e.o)
		si, ok := index[key]
		if !ok {
			if len(m.segs) >= MaxSegments {
				return crmkit.Invalid("segment", "more than %d segments", MaxSegments)
			}
			si = len(m.segs)
			index[key] = si
			m.segs = append(m.segs, newSegment(key, n))
		}
		seg := &m.segs[si]
		if opt.Since.IsZero() || !e.created.Before(opt.Since) {
			seg.created++
			m.whole.created++
		}
		for i := range e.stays {
			st := &e.stays[i]
			if st.to == toOpen {
				continue
			}
			t := st.to
			switch t {
			case toWon:
				t = n
			case toLost:
				t = n + 1
			}
			b := binOf(st.left.Sub(st.entered))
			for _, s := range []*segment{seg, &m.whole} {
				ss := &s.states[st.from]
				ss.exits[t]++
				ss.total++
				ss.bins[b]++
			}
		}
		switch e.o.Status {
		case funnel.ClosedWon:
			for _, s := range []*segment{seg, &m.whole} {
				s.wonSeen++
				if len(s.won) < reservoirSize {
					s.won = append(s.won, e.wonAmount)
				} else if j := res.Int64N(s.wonSeen); j < reservoirSize {
					s.won[j] = e.wonAmount
				}
			}
		case funnel.Open:
			if len(e.stays) == 0 {
				break // cannot happen: an open entity has its current stay
			}
			last := e.stays[len(e.stays)-1]
			open = append(open, pending{id: e.o.Entity, seg: si, state: last.from, entered: last.entered, amount: last.amount})
		case funnel.Paused:
			m.paused++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	m.cur = cur
	start := opt.Since
	if start.IsZero() {
		start = first
	}
	window := float64(asOf.Sub(start))
	stages := p.Stages()
	m.whole.compile(stages, nil, minExits, window, &m.fallbacks, true)
	for i := range m.segs {
		m.segs[i].compile(stages, &m.whole, minExits, window, &m.fallbacks, false)
	}
	m.open = make([]openDeal, len(open))
	for i, d := range open {
		s := &m.segs[d.seg]
		od := openDeal{id: d.id, seg: int32(d.seg), state: int32(d.state), amount: d.amount}
		if od.condLo = s.cdfAt(d.state, asOf.Sub(d.entered)); od.condLo > 0 {
			od.age = float64(asOf.Sub(d.entered))
		}
		m.open[i] = od
	}
	return m, nil
}

// compile turns observations into cumulative tables, falling back to
// whole (nil for the whole itself) or the prior.
func (s *segment) compile(stages []deal.Stage, whole *segment, minExits int64, window float64, notes *[]Fallback, isWhole bool) {
	n := len(stages)
	stride := n + 2
	s.trans = make([]float64, (n+1)*stride)
	s.cdf = make([]float64, (n+1)*(nBins+1))
	s.basis = make([]Basis, n+1)
	for i := range s.states {
		ss := &s.states[i]
		tr := s.trans[i*stride : (i+1)*stride]
		cdf := s.cdf[i*(nBins+1) : (i+1)*(nBins+1)]
		stage := i
		if i == n {
			stage = NoStage
		}
		what := fmt.Sprintf("exits from stage %d", stage)
		switch {
		case ss.total >= minExits:
			s.basis[i] = Own
			var c float64
			for t, k := range ss.exits {
				c += float64(k)
				tr[t] = c / float64(ss.total)
			}
			c = 0
			for b, k := range ss.bins {
				c += float64(k)
				cdf[b+1] = c / float64(ss.total)
			}
		case whole != nil && whole.basis[i] == Own:
			s.basis[i] = Whole
			copy(tr, whole.trans[i*stride:(i+1)*stride])
			copy(cdf, whole.cdf[i*(nBins+1):(i+1)*(nBins+1)])
			*notes = append(*notes, Fallback{Segment: s.key, Stage: stage, What: what, Observed: ss.total, Needed: minExits, Used: Whole})
		default:
			s.basis[i] = Prior
			prior(stages, i, tr, cdf)
			*notes = append(*notes, Fallback{Segment: s.key, Whole: isWhole, Stage: stage, What: what, Observed: ss.total, Needed: minExits, Used: Prior})
		}
		tr[stride-1] = 1 // guard against rounding: the last target closes the row
		cdf[nBins] = 1
	}
	s.build(n)
	if window > 0 {
		s.rate = float64(s.created) / window
	}
	s.draw = s.won
	if int64(len(s.won)) < minExits && whole != nil {
		if len(whole.won) > 0 {
			s.draw = whole.won
		}
		*notes = append(*notes, Fallback{Segment: s.key, Stage: NoStage, What: "won amounts of new deals", Observed: int64(len(s.won)), Needed: minExits, Used: Whole})
	}
}

// prior fills the prior of state i (see Train).
func prior(stages []deal.Stage, i int, tr, cdf []float64) {
	n := len(stages)
	clear(tr)
	mean := float64(24 * time.Hour)
	if i == n {
		tr[0] = 1
	} else {
		pi := stages[i].Probability.InexactFloat64()
		q, to := pi, n // the last stage wins with its probability
		if i+1 < n {
			q, to = 0, i+1
			if next := stages[i+1].Probability.InexactFloat64(); next > 0 {
				q = min(1, pi/next)
			}
		}
		tr[to] = q
		mean = float64(30 * 24 * time.Hour)
		if d := stages[i].ExpectedDuration; d > 0 {
			mean = float64(d)
		}
	}
	var c float64
	for t := range tr {
		if t == n+1 {
			tr[t] = 1
			break
		}
		c += tr[t]
		tr[t] = c
	}
	for b := 1; b <= nBins; b++ {
		cdf[b] = 1 - math.Exp(-binEdges[b]/mean)
	}
}

// cdfAt returns F(age), the share of stays in state shorter than age,
// interpolated within its bin. An age beyond every stay observed gives 0:
// the deal is simulated as if it had just entered the state.
func (s *segment) cdfAt(state int, age time.Duration) float64 {
	if age <= 0 {
		return 0
	}
	cdf := s.cdf[state*(nBins+1) : (state+1)*(nBins+1)]
	b := binOf(age)
	lo, hi := binEdges[b], binEdges[b+1]
	f := cdf[b] + (cdf[b+1]-cdf[b])*min(1, (float64(age)-lo)/(hi-lo))
	if f >= 1-1e-9 {
		return 0
	}
	return f
}

// AsOf returns the date the model was trained as of (zero for a nil
// model; every method accepts a nil or zero Model).
func (m *Model) AsOf() time.Time {
	if m == nil {
		return time.Time{}
	}
	return m.asOf
}

// Fallbacks returns the estimates that did not rest on their segment's own
// history, and on what they rest instead.
func (m *Model) Fallbacks() []Fallback {
	if m == nil {
		return nil
	}
	return slices.Clone(m.fallbacks)
}

// Segments returns the segments' keys in the order first seen.
func (m *Model) Segments() []string {
	if m == nil {
		return nil
	}
	keys := make([]string, len(m.segs))
	for i := range m.segs {
		keys[i] = m.segs[i].key
	}
	return keys
}

// OpenDeals returns how many deals were open at the as-of time (the deals
// a forecast simulates) and how many were suspended (left out).
func (m *Model) OpenDeals() (open, suspended int) {
	if m == nil {
		return 0, 0
	}
	return len(m.open), m.paused
}

// Transition returns the estimated probability that a deal of the
// segment named key (of the whole history when whole is true) leaving
// state from goes to state to, and what the estimate rests on. from is a
// stage index or NoStage; to a stage index, Won or Lost. The probability
// is rounded to 6 places. An unknown segment is ErrNotFound, an unknown
// state ErrInvalid.
func (m *Model) Transition(key string, whole bool, from, to int) (decimal.Decimal, Basis, error) {
	if m == nil || m.n == 0 {
		return decimal.Decimal{}, 0, crmkit.Invalid("model", "untrained model")
	}
	s := &m.whole
	if !whole {
		i := slices.IndexFunc(m.segs, func(s segment) bool { return s.key == key })
		if i < 0 {
			return decimal.Decimal{}, 0, fmt.Errorf("segment %q: %w", key, crmkit.ErrNotFound)
		}
		s = &m.segs[i]
	}
	fi, ti := from, to
	if from == NoStage {
		fi = m.n
	}
	switch to {
	case Won:
		ti = m.n
	case Lost:
		ti = m.n + 1
	}
	if fi < 0 || fi > m.n || ti < 0 || ti > m.n+1 {
		return decimal.Decimal{}, 0, crmkit.Invalid("state", "no transition from %d to %d among %d stages", from, to, m.n)
	}
	row := s.trans[fi*(m.n+2) : (fi+1)*(m.n+2)]
	p := row[ti]
	if ti > 0 {
		p -= row[ti-1]
	}
	return decimal.NewFromFloat(min(1, max(0, p))).Round(6), s.basis[fi], nil
}
