package funnel

import (
	"fmt"
	"iter"
	"math"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// Role marks what a touchpoint did beyond being one: it created the lead,
// created the opportunity (the deal), or closed it. Roles combine.
type Role uint8

// The roles a touch can carry.
const (
	// LeadCreation: the touch turned the contact into a lead.
	LeadCreation Role = 1 << iota
	// OpportunityCreation: the touch created the opportunity (the deal).
	OpportunityCreation
	// CloseTouch: the touch at which the deal was closed won.
	CloseTouch
)

// Touch is one touchpoint of a buyer's journey: when it happened, through
// which channel and campaign, and what role it played.
type Touch struct {
	// At is when the touch happened.
	At time.Time
	// Channel and Campaign say where it came from (credits can be summed
	// by either).
	Channel, Campaign string
	// Roles are the milestones the touch marks.
	Roles Role
}

// Positions are the weights of a position-based attribution model: a
// share for the first touch, the lead-creation touch, the
// opportunity-creation touch, the close touch and the last touch, and a
// Spread share divided equally among all the other touches. Weights are
// relative (they need not add up to 1) and must not be negative.
//
// The rules every position-based model follows:
//   - A touch holding several positions (the first touch that also created
//     the lead) gets the sum of their weights.
//   - A position no touch holds (no touch marked as the lead creation) is
//     left out, and the other weights are scaled up in proportion.
//   - When no touch is left for the Spread share (one touch, or every
//     touch holds a position), the Spread is left out the same way.
//
// So a single touch always gets everything.
type Positions struct {
	First, LeadCreation, OpportunityCreation, Close, Last decimal.Decimal
	Spread                                                decimal.Decimal
}

type modelKind uint8

const (
	positional modelKind = iota + 1
	timeDecay
)

// Model is a multi-touch attribution model: a rule sharing a conversion's
// amount among the touches that led to it. Build one with the functions
// of this file; the zero Model is rejected.
type Model struct {
	name     string
	kind     modelKind
	pos      Positions
	halfLife time.Duration
}

// String returns the model's name, such as "w-shaped".
func (m Model) String() string {
	if m.name == "" {
		return "invalid model"
	}
	return m.name
}

func pct(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// FirstTouch gives 100% to the first touch. With one or two touches too:
// the first gets everything.
func FirstTouch() Model {
	return Model{name: "first touch", kind: positional, pos: Positions{First: pct("1")}}
}

// LastTouch gives 100% to the last touch at or before the conversion. With
// one touch it gets everything; with two, the second does.
func LastTouch() Model {
	return Model{name: "last touch", kind: positional, pos: Positions{Last: pct("1")}}
}

// Linear gives every touch an equal share: 100% to one touch, 50/50 to two.
// Shares that do not divide the amount exactly differ by at most one minor
// unit, the extra units going to the touches listed first.
func Linear() Model {
	return Model{name: "linear", kind: positional, pos: Positions{Spread: pct("1")}}
}

// UShaped gives 40% to the first touch, 40% to the lead-creation touch and
// spreads 20% over the other touches. One touch gets 100%. Two touches
// get 50/50 when the second created the lead, 80/20 when the first did
// (it holds both 40% positions). Without a lead-creation touch the first
// touch gets 40/60 of the amount and the others share 20/60.
func UShaped() Model {
	return Model{name: "u-shaped", kind: positional, pos: Positions{First: pct("40"), LeadCreation: pct("40"), Spread: pct("20")}}
}

// WShaped gives 30% each to the first touch, the lead-creation touch and
// the opportunity-creation touch, and spreads 10% over the other touches.
// One touch gets 100%. Of two touches, the one holding two of the three
// positions gets 2/3 and the other 1/3; a first touch holding all three
// gets 90% and the other touch the 10% spread.
func WShaped() Model {
	return Model{name: "w-shaped", kind: positional, pos: Positions{First: pct("30"), LeadCreation: pct("30"), OpportunityCreation: pct("30"), Spread: pct("10")}}
}

// FullPath gives 22.5% each to the first touch, the lead-creation touch,
// the opportunity-creation touch and the close touch, and spreads 10% over
// the other touches. One touch gets 100%; two touches share by the
// positions they hold (for example 50/50 when the first holds first touch
// and lead creation, the second opportunity creation and close).
func FullPath() Model {
	return Model{name: "full path", kind: positional, pos: Positions{First: pct("22.5"), LeadCreation: pct("22.5"), OpportunityCreation: pct("22.5"), Close: pct("22.5"), Spread: pct("10")}}
}

// JShaped gives 20% to the first touch, 60% to the last and spreads 20%
// over the touches between. One touch gets 100%; two touches get 25/75.
func JShaped() Model {
	return Model{name: "j-shaped", kind: positional, pos: Positions{First: pct("20"), Last: pct("60"), Spread: pct("20")}}
}

// InverseJ gives 60% to the first touch, 20% to the last and spreads 20%
// over the touches between. One touch gets 100%; two touches get 75/25.
func InverseJ() Model {
	return Model{name: "inverse j", kind: positional, pos: Positions{First: pct("60"), Last: pct("20"), Spread: pct("20")}}
}

// DefaultHalfLife is the half-life of TimeDecay when none is given: 7
// days, HubSpot's default.
const DefaultHalfLife = 7 * 24 * time.Hour

// TimeDecay weighs each touch by 2^(-age/halfLife), its age being the time
// from the touch to the conversion, and shares the amount in proportion:
// a touch one half-life older than another gets half its credit. A zero
// halfLife means DefaultHalfLife (7 days); a negative one is ErrInvalid.
// One touch gets 100%; two touches one half-life apart get 1/3 and 2/3;
// two at the same time get 50/50. The weights are computed in float64 and
// rounded to 12 significant digits relative to the newest touch (whose
// weight is 1) before the exact split.
func TimeDecay(halfLife time.Duration) (Model, error) {
	if halfLife < 0 {
		return Model{}, crmkit.Invalid("half-life", "negative half-life %s", halfLife)
	}
	if halfLife == 0 {
		halfLife = DefaultHalfLife
	}
	return Model{name: "time decay (half-life " + halfLife.String() + ")", kind: timeDecay, halfLife: halfLife}, nil
}

// CustomModel is a position-based model with the caller's weights (see
// Positions for the rules). Negative weights and weights summing to zero
// are ErrInvalid.
func CustomModel(name string, p Positions) (Model, error) {
	sum := decimal.Zero
	for i, w := range p.list() {
		if w.Sign() < 0 {
			return Model{}, crmkit.Invalid(fmt.Sprintf("positions[%d]", i), "negative weight %s", w)
		}
		sum = sum.Add(w)
	}
	if sum.Sign() == 0 {
		return Model{}, crmkit.Invalid("positions", "weights sum to zero")
	}
	if name == "" {
		name = "custom"
	}
	return Model{name: name, kind: positional, pos: p}, nil
}

func (p Positions) list() []decimal.Decimal {
	return []decimal.Decimal{p.First, p.LeadCreation, p.OpportunityCreation, p.Close, p.Last, p.Spread}
}

// Attribute shares amount, converted at the given time, among touches,
// returning one credit per touch in the order given. The credits sum
// exactly to amount, to the minor unit (crmkit.Money.Allocate,
// largest-remainder rounding), and none is negative when amount is not.
//
// Touches after the conversion cannot have caused it: they get a zero
// credit and hold no position. Positions are found in time order (ties
// in the order given). An empty list, no touch at or before the
// conversion, a zero time, two touches marked with the same role, a zero
// Model and an amount without currency are ErrInvalid.
func (m Model) Attribute(amount crmkit.Money, converted time.Time, touches []Touch) ([]crmkit.Money, error) {
	if m.kind == 0 {
		return nil, crmkit.Invalid("model", "zero model")
	}
	if converted.IsZero() {
		return nil, crmkit.Invalid("converted", "zero conversion time")
	}
	if amount.Currency().IsZero() {
		return nil, crmkit.Invalid("amount", "amount %s without currency", amount)
	}
	weights, err := m.weights(converted, touches)
	if err != nil {
		return nil, err
	}
	credits, err := amount.Allocate(weights...)
	if err != nil {
		return nil, fmt.Errorf("%s attribution: %w", m, err)
	}
	return credits, nil
}

// weights returns an integer weight per touch.
func (m Model) weights(converted time.Time, touches []Touch) ([]int64, error) {
	if len(touches) == 0 {
		return nil, crmkit.Invalid("touches", "no touches")
	}
	// order holds the indices of the touches at or before the
	// conversion, in time order.
	order := make([]int, 0, len(touches))
	for i, t := range touches {
		if t.At.IsZero() {
			return nil, crmkit.Invalid(fmt.Sprintf("touches[%d]", i), "zero time")
		}
		if !t.At.After(converted) {
			order = append(order, i)
		}
	}
	if len(order) == 0 {
		return nil, crmkit.Invalid("touches", "none of %d touches is at or before the conversion at %s", len(touches), stamp(converted))
	}
	slices.SortStableFunc(order, func(a, b int) int { return touches[a].At.Compare(touches[b].At) })
	w := make([]int64, len(touches))
	if m.kind == timeDecay {
		newest := touches[order[len(order)-1]].At
		for _, i := range order {
			age := float64(newest.Sub(touches[i].At)) / float64(m.halfLife)
			w[i] = int64(math.Round(math.Exp2(-age) * 1e12))
		}
		return w, nil
	}
	return m.positional(touches, order, w)
}

func (m Model) positional(touches []Touch, order []int, w []int64) ([]int64, error) {
	// Scale the decimal weights to integers by a common power of ten.
	ws := m.pos.list()
	exp := int32(0)
	for _, d := range ws {
		exp = min(exp, d.Exponent())
	}
	var iw [6]int64
	for k, d := range ws {
		s := d.Shift(-exp)
		if !s.IsInteger() || s.GreaterThan(decimal.NewFromInt(1<<40)) {
			return nil, crmkit.Invalid("positions", "weight %s is too large or too precise", d)
		}
		iw[k] = s.IntPart()
	}
	// The touch holding each position (-1: nobody).
	holder := [5]int{order[0], -1, -1, -1, order[len(order)-1]}
	for k, role := range []Role{LeadCreation, OpportunityCreation, CloseTouch} {
		for _, i := range order {
			if touches[i].Roles&role == 0 {
				continue
			}
			if holder[k+1] >= 0 {
				return nil, crmkit.Invalid(fmt.Sprintf("touches[%d]", i), "a second touch marked as %s (touches[%d] is one)", role, holder[k+1])
			}
			holder[k+1] = i
		}
	}
	// Only positions with a weight count as held.
	held := make(map[int]bool, 5)
	for k, i := range holder {
		if i >= 0 && iw[k] > 0 {
			held[i] = true
		}
	}
	var spread []int
	for _, i := range order {
		if !held[i] {
			spread = append(spread, i)
		}
	}
	// Multiply the position weights by the number of spread touches so
	// that the spread share divides without remainder.
	mult := int64(max(1, len(spread)))
	for k, i := range holder {
		if i >= 0 && iw[k] > 0 {
			w[i] += iw[k] * mult
		}
	}
	if iw[5] > 0 {
		for _, i := range spread {
			w[i] += iw[5]
		}
	}
	var total int64
	for _, v := range w {
		total += v
	}
	if total == 0 {
		// Only the spread has weight and every touch holds a position
		// with weight zero: impossible, since zero-weight positions are
		// not held. Kept as a guard against a future model.
		return nil, crmkit.Invalid("positions", "%s gives no touch a weight", m)
	}
	return w, nil
}

// Conversion is one won deal to attribute: its amount, when it was won and
// its journey's touches.
type Conversion struct {
	Amount    crmkit.Money
	Converted time.Time
	Touches   []Touch
}

// Attribution is revenue attributed to channels (or campaigns).
type Attribution struct {
	// Model is the model used.
	Model string
	// Total is the revenue attributed, the sum of every conversion.
	Total crmkit.Money
	// Credits maps a key (a channel or campaign) to its credit. The
	// credits sum exactly to Total.
	Credits map[string]crmkit.Money
}

// AttributeAll attributes every conversion with the model and sums the
// credits by key (for example func(t Touch) string { return t.Channel }).
// Amounts must share one currency (else crmkit.ErrCurrencyMismatch); the
// first failing conversion stops the sum with its error and index.
func (m Model) AttributeAll(conversions iter.Seq[Conversion], key func(Touch) string) (Attribution, error) {
	if conversions == nil {
		return Attribution{}, crmkit.Invalid("conversions", "nil sequence")
	}
	if key == nil {
		return Attribution{}, crmkit.Invalid("key", "nil key function")
	}
	a := Attribution{Model: m.String(), Credits: map[string]crmkit.Money{}}
	i := 0
	for c := range conversions {
		credits, err := m.Attribute(c.Amount, c.Converted, c.Touches)
		if err != nil {
			return Attribution{}, fmt.Errorf("conversion %d: %w", i, err)
		}
		if a.Total, err = a.Total.Add(c.Amount); err != nil {
			return Attribution{}, fmt.Errorf("conversion %d: %w", i, err)
		}
		for j, cr := range credits {
			k := key(c.Touches[j])
			if a.Credits[k], err = a.Credits[k].Add(cr); err != nil {
				return Attribution{}, fmt.Errorf("conversion %d: %w", i, err)
			}
		}
		i++
	}
	return a, nil
}
