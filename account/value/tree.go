package value

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// AttrKind is the kind of a customer attribute in target-customer mining.
type AttrKind uint8

// The attribute kinds.
const (
	_ AttrKind = iota
	// Numeric attributes (age, monthly spend, tenure) split at a
	// threshold: value <= t or value > t.
	Numeric
	// Categorical attributes (job, industry, contract type) split into
	// two sets of levels. A sample holds the level's index in
	// Attribute.Levels as its value.
	Categorical
)

// Attribute describes one column of the mining data.
type Attribute struct {
	Name   string
	Kind   AttrKind
	Levels []string // categorical only, at most 64
}

// Sample is one customer for training: its attribute values, in the order
// of the attributes (categorical values as level indexes), and whether it
// adopted the offer.
type Sample struct {
	Values  []float64
	Adopted bool
}

// TreeConfig bounds a tree: MaxDepth [4] levels of splits, at least
// MinLeaf [20] customers in every leaf. Zero fields take the defaults in
// brackets.
type TreeConfig struct {
	MaxDepth int
	MinLeaf  int
}

// Tree is a CART classification tree (Breiman et al., "Classification
// and Regression Trees", 1984) that predicts the probability that a
// customer adopts an offer from its attributes. Each split minimises the
// weighted Gini impurity 1 − p² − (1−p)² of the two children; a
// categorical attribute is split by ordering its levels by adoption rate
// and cutting that order (optimal for a two-class target). Its leaves are
// the segments: readable rules with their adoption probability and
// support.
type Tree struct {
	attrs []Attribute
	root  *treeNode
	n     int
	pos   int
}

type treeNode struct {
	n, pos      int
	attr        int // -1 for a leaf
	threshold   float64
	leftLevels  uint64 // categorical: levels that go left
	left, right *treeNode
}

// TrainTree fits a tree to samples, a stream read once (from a slice, a
// store cursor or a CSV reader).
//
// Errors (ErrInvalid): no attributes, an unnamed attribute, a categorical
// one without levels or with more than 64, a sample with the wrong number
// of values, a NaN or infinite value, a categorical value that is not a
// level index, no samples, MaxDepth outside 1..30, negative MinLeaf.
func TrainTree(attrs []Attribute, samples iter.Seq[Sample], cfg TreeConfig) (*Tree, error) {
	if samples == nil {
		return nil, crmkit.Invalid("samples", "nil sequence")
	}
	if len(attrs) == 0 {
		return nil, crmkit.Invalid("attributes", "no attributes")
	}
	for i, a := range attrs {
		switch {
		case strings.TrimSpace(a.Name) == "":
			return nil, crmkit.Invalid(fmt.Sprintf("attributes[%d]", i), "no name")
		case a.Kind == Categorical && (len(a.Levels) == 0 || len(a.Levels) > 64):
			return nil, crmkit.Invalid(fmt.Sprintf("attributes[%d]", i), "%q has %d levels: want 1..64", a.Name, len(a.Levels))
		case a.Kind != Categorical && a.Kind != Numeric:
			return nil, crmkit.Invalid(fmt.Sprintf("attributes[%d]", i), "%q has unknown kind %d", a.Name, a.Kind)
		}
	}
	if cfg.MaxDepth == 0 {
		cfg.MaxDepth = 4
	}
	if cfg.MinLeaf == 0 {
		cfg.MinLeaf = 20
	}
	if cfg.MaxDepth < 1 || cfg.MaxDepth > 30 || cfg.MinLeaf < 1 {
		return nil, crmkit.Invalid("tree config", "max depth %d (want 1..30), min leaf %d (want >= 1)", cfg.MaxDepth, cfg.MinLeaf)
	}
	cols := make([][]float64, len(attrs))
	var y []bool
	row := 0
	for s := range samples {
		if err := checkValues(attrs, s.Values); err != nil {
			return nil, fmt.Errorf("sample %d: %w", row, err)
		}
		for j, v := range s.Values {
			cols[j] = append(cols[j], v)
		}
		y = append(y, s.Adopted)
		row++
	}
	if row == 0 {
		return nil, crmkit.Invalid("samples", "no samples to train on")
	}
	b := builder{attrs: attrs, cols: cols, y: y, cfg: cfg}
	idx := make([]int32, row)
	for i := range idx {
		idx[i] = int32(i)
	}
	t := &Tree{attrs: slices.Clone(attrs), root: b.build(idx, 0)}
	t.n, t.pos = t.root.n, t.root.pos
	return t, nil
}

func checkValues(attrs []Attribute, vals []float64) error {
	if len(vals) != len(attrs) {
		return crmkit.Invalid("values", "%d values for %d attributes", len(vals), len(attrs))
	}
	for j, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return crmkit.Invalid(attrs[j].Name, "value %v", v)
		}
		if attrs[j].Kind == Categorical && (v != math.Trunc(v) || v < 0 || int(v) >= len(attrs[j].Levels)) {
			return crmkit.Invalid(attrs[j].Name, "%v is not a level index of %d levels", v, len(attrs[j].Levels))
		}
	}
	return nil
}

type builder struct {
	attrs []Attribute
	cols  [][]float64
	y     []bool
	cfg   TreeConfig
}

// gini returns n times the Gini impurity of a node with pos of n
// adopting: n·(1 − p² − (1−p)²) = 2·pos·(n−pos)/n.
func gini(n, pos int) float64 {
	if n == 0 {
		return 0
	}
	return 2 * float64(pos) * float64(n-pos) / float64(n)
}

func (b *builder) build(idx []int32, depth int) *treeNode {
	nd := &treeNode{n: len(idx), attr: -1}
	for _, i := range idx {
		if b.y[i] {
			nd.pos++
		}
	}
	if depth >= b.cfg.MaxDepth || nd.pos == 0 || nd.pos == nd.n || nd.n < 2*b.cfg.MinLeaf {
		return nd
	}
	parent := gini(nd.n, nd.pos)
	best := parent - 1e-9 // a split must lower the impurity
	found := false
	for j, a := range b.attrs {
		col := b.cols[j]
		if a.Kind == Numeric {
			s := slices.Clone(idx)
			slices.SortFunc(s, func(p, q int32) int { return cmp.Compare(col[p], col[q]) })
			lpos := 0
			for k := 0; k < len(s)-1; k++ {
				if b.y[s[k]] {
					lpos++
				}
				if col[s[k]] == col[s[k+1]] || k+1 < b.cfg.MinLeaf || len(s)-k-1 < b.cfg.MinLeaf {
					continue
				}
				if g := gini(k+1, lpos) + gini(len(s)-k-1, nd.pos-lpos); g < best {
					best, found = g, true
					nd.attr, nd.threshold, nd.leftLevels = j, (col[s[k]]+col[s[k+1]])/2, 0
				}
			}
			continue
		}
		nl := len(a.Levels)
		cnt, pos := make([]int, nl), make([]int, nl)
		for _, i := range idx {
			l := int(col[i])
			cnt[l]++
			if b.y[i] {
				pos[l]++
			}
		}
		order := make([]int, 0, nl)
		for l := range nl {
			if cnt[l] > 0 {
				order = append(order, l)
			}
		}
		// Order levels by adoption rate (pos/cnt), ties by index.
		slices.SortStableFunc(order, func(p, q int) int { return cmp.Compare(pos[p]*cnt[q], pos[q]*cnt[p]) })
		ln, lp := 0, 0
		var mask uint64
		for k := 0; k < len(order)-1; k++ {
			l := order[k]
			ln, lp, mask = ln+cnt[l], lp+pos[l], mask|1<<l
			if ln < b.cfg.MinLeaf || nd.n-ln < b.cfg.MinLeaf {
				continue
			}
			if g := gini(ln, lp) + gini(nd.n-ln, nd.pos-lp); g < best {
				best, found = g, true
				nd.attr, nd.threshold, nd.leftLevels = j, 0, mask
			}
		}
	}
	if !found {
		nd.attr = -1
		return nd
	}
	var left, right []int32
	for _, i := range idx {
		if nd.goesLeft(b.attrs, b.cols[nd.attr][i]) {
			left = append(left, i)
		} else {
			right = append(right, i)
		}
	}
	nd.left, nd.right = b.build(left, depth+1), b.build(right, depth+1)
	return nd
}

func (nd *treeNode) goesLeft(attrs []Attribute, v float64) bool {
	if attrs[nd.attr].Kind == Numeric {
		return v <= nd.threshold
	}
	return nd.leftLevels&(1<<uint(v)) != 0
}

// BaseRate returns the adoption rate of all training samples (0 for a nil
// or zero tree, which has none).
func (t *Tree) BaseRate() decimal.Decimal {
	if t.check() != nil {
		return decimal.Zero
	}
	return rate(t.pos, t.n)
}

// check rejects a nil tree and a zero one, not built by TrainTree.
func (t *Tree) check() error {
	if t == nil || t.root == nil {
		return crmkit.Invalid("tree", "nil or zero tree: train it with TrainTree")
	}
	return nil
}

// rate returns pos/n (crmkit.Ratio), zero when n is zero.
func rate(pos, n int) decimal.Decimal {
	r, err := crmkit.Ratio(decimal.NewFromInt(int64(pos)), decimal.NewFromInt(int64(n)))
	if err != nil { // n == 0
		return decimal.Zero
	}
	return r
}

// Probability returns the adoption probability of a customer with the
// given attribute values: the training adoption rate of the leaf it falls
// in. Values are checked like training samples (ErrInvalid); a nil or
// zero tree is ErrInvalid.
func (t *Tree) Probability(values []float64) (float64, error) {
	nd, err := t.leaf(values)
	if err != nil {
		return 0, err
	}
	return float64(nd.pos) / float64(nd.n), nil
}

func (t *Tree) leaf(values []float64) (*treeNode, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	if err := checkValues(t.attrs, values); err != nil {
		return nil, err
	}
	nd := t.root
	for nd.attr >= 0 {
		if nd.goesLeft(t.attrs, values[nd.attr]) {
			nd = nd.left
		} else {
			nd = nd.right
		}
	}
	return nd, nil
}

// LeafRule is a leaf of the tree read as a rule: the conditions that
// lead to it, the share of its training customers that adopted
// (Probability, by crmkit.Ratio), how many training customers it
// holds (Support) and how many of them adopted.
type LeafRule struct {
	Rule        string
	Probability decimal.Decimal
	Support     int
	Adopted     int
}

// Rules returns the tree's leaves as rules, highest probability first
// (ties by larger support, then rule text). Conditions on one attribute
// are merged: "19.5 < age <= 30.5 and job in {sales}".
func (t *Tree) Rules() []LeafRule {
	if t.check() != nil {
		return nil
	}
	var out []LeafRule
	type bound struct {
		lo, hi       float64
		levels       uint64
		hasLo, hasHi bool
		used         bool
	}
	bounds := make([]bound, len(t.attrs))
	for j, a := range t.attrs {
		if a.Kind == Categorical {
			bounds[j].levels = 1<<len(a.Levels) - 1
			if len(a.Levels) == 64 {
				bounds[j].levels = math.MaxUint64
			}
		}
	}
	var walk func(nd *treeNode)
	walk = func(nd *treeNode) {
		if nd.attr < 0 {
			var parts []string
			for j, b := range bounds {
				if !b.used {
					continue
				}
				a := t.attrs[j]
				if a.Kind == Categorical {
					var ls []string
					for l, name := range a.Levels {
						if b.levels&(1<<l) != 0 {
							ls = append(ls, name)
						}
					}
					parts = append(parts, a.Name+" in {"+strings.Join(ls, ", ")+"}")
					continue
				}
				f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
				switch {
				case b.hasLo && b.hasHi:
					parts = append(parts, f(b.lo)+" < "+a.Name+" <= "+f(b.hi))
				case b.hasLo:
					parts = append(parts, a.Name+" > "+f(b.lo))
				default:
					parts = append(parts, a.Name+" <= "+f(b.hi))
				}
			}
			rule := strings.Join(parts, " and ")
			if rule == "" {
				rule = "all customers"
			}
			out = append(out, LeafRule{Rule: rule, Probability: rate(nd.pos, nd.n), Support: nd.n, Adopted: nd.pos})
			return
		}
		saved := bounds[nd.attr]
		b := &bounds[nd.attr]
		b.used = true
		if t.attrs[nd.attr].Kind == Numeric {
			if !b.hasHi || nd.threshold < b.hi {
				b.hi, b.hasHi = nd.threshold, true
			}
			walk(nd.left)
			*b = saved
			b.used = true
			if !b.hasLo || nd.threshold > b.lo {
				b.lo, b.hasLo = nd.threshold, true
			}
			walk(nd.right)
		} else {
			b.levels &= nd.leftLevels
			walk(nd.left)
			*b = saved
			b.used = true
			b.levels &^= nd.leftLevels
			walk(nd.right)
		}
		bounds[nd.attr] = saved
	}
	walk(t.root)
	slices.SortStableFunc(out, func(a, b LeafRule) int {
		if c := b.Probability.Cmp(a.Probability); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Support, a.Support); c != 0 {
			return c
		}
		return strings.Compare(a.Rule, b.Rule)
	})
	return out
}

// Candidate is a customer to score: its key and attribute values. Score
// only customers not yet using the offer.
type Candidate struct {
	Customer string
	Values   []float64
}

// RankedCandidate is a scored customer.
type RankedCandidate struct {
	Customer    string
	Probability decimal.Decimal
}

// Rank scores candidates with the tree and returns them most likely to
// adopt first (ties by customer key). An invalid candidate is ErrInvalid
// naming it; a nil or zero tree and a nil sequence are ErrInvalid.
func (t *Tree) Rank(candidates iter.Seq[Candidate]) ([]RankedCandidate, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	if candidates == nil {
		return nil, crmkit.Invalid("candidates", "nil sequence")
	}
	var out []RankedCandidate
	for c := range candidates {
		nd, err := t.leaf(c.Values)
		if err != nil {
			return nil, fmt.Errorf("candidate %q: %w", c.Customer, err)
		}
		out = append(out, RankedCandidate{Customer: c.Customer, Probability: rate(nd.pos, nd.n)})
	}
	slices.SortFunc(out, func(a, b RankedCandidate) int {
		if c := b.Probability.Cmp(a.Probability); c != 0 {
			return c
		}
		return strings.Compare(a.Customer, b.Customer)
	})
	return out, nil
}
