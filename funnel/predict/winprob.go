package predict

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/optimize"
)

// Limits of the win-probability model.
const (
	// MaxCategorical bounds WinOptions.Categorical.
	MaxCategorical = 4
	// MaxLevels bounds the distinct values kept per categorical field and
	// for deal types and owners; rarer values seen later share one level,
	// "other".
	MaxLevels = 1000
	// MaxPatterns bounds the distinct feature patterns a training keeps.
	MaxPatterns = 1 << 20
	// MaxWinIterations bounds WinOptions.MaxIterations.
	MaxWinIterations = 10_000
	// ownerPrior is the weight, in deals, of the whole win rate in an
	// owner's smoothed win rate.
	ownerPrior = 10
)

// WinOptions are the optional inputs of TrainWin.
type WinOptions struct {
	// Categorical lists up to MaxCategorical more dimensions used as
	// categorical features (funnel.BySource, ByProduct, ByCampaign: the
	// host's enum fields). Deal type and owner are always used.
	Categorical []funnel.Dimension
	// Lambda is the L2 penalty λ on the coefficients (not the intercept):
	// the fit minimises the summed log loss + λ/2 Σ β², a Gaussian prior
	// of variance 1/λ on each coefficient (whose weight fades as rows
	// accumulate); zero means 1, negative is ErrInvalid.
	Lambda float64
	// MaxIterations bounds the optimiser's iterations (zero: 500, at most
	// MaxWinIterations); a fit that has not converged then is an error.
	MaxIterations int
}

// WinModel is a regularised (L2) logistic regression of a deal's chance
// to be won on what is known of it while open:
//
//	P(won) = 1 / (1 + exp(-(β₀ + Σ βⱼ xⱼ)))
//
// with features: its stage (one-hot), the log of its hours in the stage,
// the log of its amount, the log of 1 + its activities, the logit of its
// owner's historical win rate (wins + 10·w)/(closed + 10), w the whole
// win rate, its deal type and the WinOptions.Categorical fields
// (one-hot). The continuous features are standardised.
//
// Training is streaming by sufficient statistics: each stay of a closed
// deal in a stage is one row, observed halfway through the stay (half its
// length in the stage, the activities of the first half counted as half
// those of the stay), labelled with the deal's outcome. Rows are binned
// (hours in stage and amount in half-octaves, activities up to 31) and
// only the count and wins of each distinct pattern are held: memory is
// O(patterns), at most MaxPatterns, not O(deals). The fit minimises the
// binomial log loss over the patterns with gonum's L-BFGS.
type WinModel struct {
	n        int
	stages   []string
	baseline []float64
	lv       levels
	owners   map[string]uint32
	ownerW   [][2]float64 // per owner index: closed, wins
	whole    float64
	beta     []float64
	mean, sd [4]float64
	names    []string
	rows     int64
	closed   int64
	patterns int
	iters    int
}

// levels maps the values of the categorical fields to indices.
type levels struct {
	dims  []funnel.Dimension
	maps  []map[string]uint16 // 0: type, 1..: categorical
	names [][]string
}

func newLevels(cat []funnel.Dimension) levels {
	l := levels{dims: cat, maps: make([]map[string]uint16, len(cat)+1), names: make([][]string, len(cat)+1)}
	for i := range l.maps {
		l.maps[i] = map[string]uint16{"other": 0}
		l.names[i] = []string{"other"}
	}
	return l
}

func (l *levels) level(f int, v string, grow bool) uint16 {
	if i, ok := l.maps[f][v]; ok {
		return i
	}
	if !grow || len(l.names[f]) >= MaxLevels {
		return 0
	}
	i := uint16(len(l.names[f]))
	l.maps[f][v] = i
	l.names[f] = append(l.names[f], v)
	return i
}

// rowKey is a binned row: the pattern whose count and wins are kept.
type rowKey struct {
	stage, age, amount, acts uint8
	owner                    uint32
	lv                       [MaxCategorical + 1]uint16
}

func binAge(d time.Duration) uint8 {
	h := max(0, d.Hours())
	return uint8(min(40, math.Floor(2*math.Log2(1+h))))
}

func binAmount(minor int64) uint8 {
	return uint8(min(125, math.Floor(2*math.Log2(1+float64(max(0, minor))))))
}

// entityKey returns the part of a row's key that is the entity's: its
// owner and categorical levels. With grow, unseen values get new levels
// (training); without, they are "other" (an owner never seen has the
// whole win rate).
func (w *WinModel) entityKey(o *funnel.Opportunity, grow bool) rowKey {
	var k rowKey
	oi, ok := w.owners[o.Dims.Owner]
	if !ok {
		oi = 0
		if grow {
			oi = uint32(len(w.ownerW))
			w.owners[o.Dims.Owner] = oi
			w.ownerW = append(w.ownerW, [2]float64{})
		}
	}
	k.owner = oi
	k.lv[0] = w.lv.level(0, o.Dims.Type, grow)
	for i, d := range w.lv.dims {
		k.lv[i+1] = w.lv.level(i+1, o.Dims.Value(d), grow)
	}
	return k
}

// key completes an entity's key with a stay seen at age with acts
// activities.
func key(k rowKey, st *stay, age time.Duration, acts int) rowKey {
	k.stage, k.age, k.amount, k.acts = uint8(st.from), binAge(age), binAmount(st.amount), uint8(min(31, acts))
	return k
}

// TrainWin fits a WinModel on the deals closed (won, lost or terminated)
// at or before asOf, reading the records once in report order (see
// Train). No closed deal, only won or only lost deals (nothing to
// separate), an invalid option, too many patterns and a fit that does not
// converge within the iteration cap are errors.
func TrainWin(p *deal.Pipeline, records iter.Seq[funnel.Record], asOf time.Time, opt WinOptions) (*WinModel, error) {
	lambda, iters, err := opt.check()
	if err != nil {
		return nil, err
	}
	// Owner index 0 is the unknown owner, with no deals of its own.
	w := &WinModel{lv: newLevels(opt.Categorical), owners: map[string]uint32{}, ownerW: [][2]float64{{}}}
	if p != nil {
		w.n = p.Len()
		for _, st := range p.Stages() {
			w.stages = append(w.stages, st.Name)
			w.baseline = append(w.baseline, st.Probability.InexactFloat64())
		}
	}
	stats := map[rowKey][2]float64{}
	var closed, won float64
	_, _, err = scan(p, records, asOf, func(e *entity) error {
		if !e.o.Status.Closed() {
			return nil
		}
		y := 0.0
		if e.o.Status == funnel.ClosedWon {
			y = 1
		}
		closed++
		won += y
		ek := w.entityKey(&e.o, true)
		w.ownerW[ek.owner][0]++
		w.ownerW[ek.owner][1] += y
		for i := range e.stays {
			st := &e.stays[i]
			if st.to == toOpen {
				continue
			}
			k := key(ek, st, st.left.Sub(st.entered)/2, (st.actIn+st.activities)/2)
			s, ok := stats[k]
			if !ok && len(stats) >= MaxPatterns {
				return crmkit.Invalid("records", "more than %d distinct feature patterns", MaxPatterns)
			}
			stats[k] = [2]float64{s[0] + 1, s[1] + y}
			w.rows++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	switch {
	case closed == 0:
		return nil, crmkit.Invalid("records", "no deal closed at or before %s: nothing to learn from", asOf.Format(time.RFC3339))
	case won == 0 || won == closed:
		return nil, crmkit.Invalid("records", "all %.0f closed deals have the same outcome: nothing to separate", closed)
	}
	w.whole = won / closed
	w.closed = int64(closed)
	w.patterns = len(stats)
	return w, w.fit(stats, lambda, iters)
}

func (opt WinOptions) check() (lambda float64, iters int, err error) {
	lambda, iters = opt.Lambda, opt.MaxIterations
	switch {
	case len(opt.Categorical) > MaxCategorical:
		return 0, 0, crmkit.Invalid("categorical", "%d fields: at most %d", len(opt.Categorical), MaxCategorical)
	case lambda < 0 || math.IsNaN(lambda) || math.IsInf(lambda, 0):
		return 0, 0, crmkit.Invalid("lambda", "%v is not a penalty", lambda)
	case iters < 0 || iters > MaxWinIterations:
		return 0, 0, crmkit.Invalid("max iterations", "%d: want 0 to %d", iters, MaxWinIterations)
	}
	for _, d := range opt.Categorical {
		if err := (segmenter{by: d}).check(); err != nil || d == 0 {
			return 0, 0, crmkit.Invalid("categorical", "cannot use %s", d)
		}
	}
	if lambda == 0 {
		lambda = 1
	}
	if iters == 0 {
		iters = 500
	}
	return lambda, iters, nil
}

// dims returns the layout of the feature vector: intercept, stages (n+1,
// the last for "no stage"), 4 continuous, then the levels of each field.
func (w *WinModel) dims() (d int, offs []int) {
	d = 1 + (w.n + 1) + 4
	for _, names := range w.lv.names {
		offs = append(offs, d)
		d += len(names)
	}
	return d, offs
}

// raw fills the 4 continuous features of k, unstandardised.
func (w *WinModel) raw(k *rowKey) [4]float64 {
	rate := (w.ownerW[k.owner][1] + ownerPrior*w.whole) / (w.ownerW[k.owner][0] + ownerPrior)
	rate = min(max(rate, 1e-6), 1-1e-6)
	return [4]float64{
		(float64(k.age) + 0.5) / 2, // log2(1 + hours), from the bin's middle
		(float64(k.amount) + 0.5) / 2,
		math.Log2(1 + float64(k.acts)),
		math.Log(rate / (1 - rate)),
	}
}

// features writes the feature vector of k into x (len d).
func (w *WinModel) features(k *rowKey, x []float64, offs []int) {
	clear(x)
	x[0] = 1
	x[1+int(k.stage)] = 1
	r := w.raw(k)
	for j := range r {
		x[2+w.n+j] = (r[j] - w.mean[j]) / w.sd[j]
	}
	for f, off := range offs {
		x[off+int(k.lv[f])] = 1
	}
}

func (w *WinModel) fit(stats map[rowKey][2]float64, lambda float64, iters int) error {
	d, offs := w.dims()
	keys := make([]rowKey, 0, len(stats))
	for k := range stats {
		keys = append(keys, k)
	}
	// A fixed order makes the fit reproducible (map order is random).
	slices.SortFunc(keys, func(a, b rowKey) int {
		return cmp.Or(cmp.Compare(a.stage, b.stage), cmp.Compare(a.age, b.age), cmp.Compare(a.amount, b.amount),
			cmp.Compare(a.acts, b.acts), slices.Compare(a.lv[:], b.lv[:]), cmp.Compare(a.owner, b.owner))
	})
	// Standardise the continuous features over the rows.
	var total float64
	var s1, s2 [4]float64
	for _, k := range keys {
		n := stats[k][0]
		r := w.raw(&k)
		total += n
		for j := range r {
			s1[j] += n * r[j]
			s2[j] += n * r[j] * r[j]
		}
	}
	for j := range s1 {
		w.mean[j] = s1[j] / total
		w.sd[j] = math.Sqrt(max(0, s2[j]/total-w.mean[j]*w.mean[j]))
		if w.sd[j] < 1e-9 {
			w.sd[j] = 1
		}
	}
	X := make([]float64, len(keys)*d)
	N := make([]float64, len(keys))
	Y := make([]float64, len(keys))
	for i := range keys {
		w.features(&keys[i], X[i*d:(i+1)*d], offs)
		N[i], Y[i] = stats[keys[i]][0], stats[keys[i]][1]
	}
	obj := func(beta, grad []float64) float64 {
		if grad != nil {
			clear(grad)
		}
		var loss float64
		for i := range N {
			x := X[i*d : (i+1)*d]
			var z float64
			for j, v := range x {
				z += v * beta[j]
			}
			// n·log(1+e^z) - y·z, stably.
			lse := max(z, 0) + math.Log1p(math.Exp(-math.Abs(z)))
			loss += N[i]*lse - Y[i]*z
			if grad != nil {
				g := N[i]/(1+math.Exp(-z)) - Y[i]
				for j, v := range x {
					grad[j] += g * v
				}
			}
		}
		// Summed loss plus penalty, divided by the rows so that the
		// optimiser's tolerances do not depend on their number.
		for j := 1; j < d; j++ {
			loss += lambda / 2 * beta[j] * beta[j]
		}
		loss /= total
		for j := range grad { // nil grad: no gradient wanted
			if j > 0 {
				grad[j] += lambda * beta[j]
			}
			grad[j] /= total
		}
		return loss
	}
	prob := optimize.Problem{
		Func: func(b []float64) float64 { return obj(b, nil) },
		Grad: func(g, b []float64) { obj(b, g) },
	}
	res, err := optimize.Minimize(prob, make([]float64, d), &optimize.Settings{MajorIterations: iters, GradientThreshold: 1e-7}, &optimize.LBFGS{})
	if err != nil || res == nil || !ok(res.Status) {
		status := "no result"
		if res != nil {
			status = res.Status.String()
		}
		return fmt.Errorf("win model: fit did not converge: %s after at most %d iterations (%v): %w", status, iters, err, crmkit.ErrInvalid)
	}
	w.beta, w.iters = res.X, res.MajorIterations
	w.names = make([]string, d)
	w.names[0] = "intercept"
	for i := range w.n + 1 {
		w.names[1+i] = "stage=" + w.stageName(i)
	}
	copy(w.names[2+w.n:], []string{"hours in stage", "amount", "activities", "owner win rate"})
	for f, off := range offs {
		field := "type"
		if f > 0 {
			field = w.lv.dims[f-1].String()
		}
		for l, v := range w.lv.names[f] {
			w.names[off+l] = field + "=" + v
		}
	}
	return nil
}

func ok(s optimize.Status) bool {
	return s == optimize.GradientThreshold || s == optimize.FunctionConvergence || s == optimize.StepConvergence || s == optimize.FunctionThreshold
}

func (w *WinModel) stageName(i int) string {
	if i >= w.n {
		return "none"
	}
	return w.stages[i]
}

// Contribution is one feature's part in a deal's predicted log-odds,
// βⱼ·xⱼ (continuous features standardised): positive raises the chance.
type Contribution struct {
	Feature string
	LogOdds decimal.Decimal
}

// WinChance is the predicted chance of one open deal.
type WinChance struct {
	Entity uuid.UUID
	// Stage is the deal's stage (NoStage when none).
	Stage int
	// Probability is the model's chance that the deal is won, Baseline
	// its stage's configured probability (zero in no stage): decimal
	// fractions in [0, 1], to 4 places.
	Probability, Baseline decimal.Decimal
	// Top holds the three features contributing most (by absolute value)
	// to the deal's log-odds, largest first: the explanation.
	Top []Contribution
}

// predict returns the probability of k and, with top, its contributions.
func (w *WinModel) predict(k *rowKey, x []float64, offs []int, top bool) (float64, []Contribution) {
	w.features(k, x, offs)
	var z float64
	for j, v := range x {
		z += v * w.beta[j]
	}
	p := 1 / (1 + math.Exp(-z))
	if !top {
		return p, nil
	}
	idx := make([]int, 0, 8)
	for j := 1; j < len(x); j++ {
		if x[j] != 0 {
			idx = append(idx, j)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(math.Abs(w.beta[b]*x[b]), math.Abs(w.beta[a]*x[a])) })
	var out []Contribution
	for _, j := range idx[:min(3, len(idx))] {
		out = append(out, Contribution{Feature: w.names[j], LogOdds: decimal.NewFromFloat(w.beta[j] * x[j]).Round(4)})
	}
	return p, out
}

// Predict returns the chance of every deal open at asOf in the history
// (read once, as Train reads it), in entity order, with its explanation.
// The pipeline must be the one the model was trained with.
func (w *WinModel) Predict(p *deal.Pipeline, records iter.Seq[funnel.Record], asOf time.Time) ([]WinChance, error) {
	if w == nil || w.beta == nil {
		return nil, crmkit.Invalid("model", "untrained model (use TrainWin)")
	}
	if p == nil || p.Len() != w.n {
		return nil, crmkit.Invalid("pipeline", "not the pipeline of the model (%d stages)", w.n)
	}
	d, offs := w.dims()
	x := make([]float64, d)
	var out []WinChance
	_, _, err := scan(p, records, asOf, func(e *entity) error {
		if e.o.Status != funnel.Open || len(e.stays) == 0 {
			return nil
		}
		st := &e.stays[len(e.stays)-1]
		k := key(w.entityKey(&e.o, false), st, asOf.Sub(st.entered), e.activities)
		pr, top := w.predict(&k, x, offs, true)
		c := WinChance{Entity: e.o.Entity, Stage: NoStage, Probability: fraction(pr), Baseline: decimal.Zero, Top: top}
		if st.from < w.n {
			c.Stage, c.Baseline = st.from, fraction(w.baseline[st.from])
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// fraction returns p in [0, 1] rounded to 4 places.
func fraction(p float64) decimal.Decimal {
	if math.IsNaN(p) {
		p = 0
	}
	return decimal.NewFromFloat(min(1, max(0, p))).Round(4)
}

// Coefficients returns each feature's name and coefficient β, intercept
// first, for inspection.
func (w *WinModel) Coefficients() (names []string, beta []float64) {
	if w == nil {
		return nil, nil
	}
	return slices.Clone(w.names), slices.Clone(w.beta)
}

// Size returns how many closed deals and rows (their stays) the model was
// trained on, and how many distinct patterns it held for them.
func (w *WinModel) Size() (deals, rows int64, patterns int) {
	if w == nil {
		return 0, 0, 0
	}
	return w.closed, w.rows, w.patterns
}
