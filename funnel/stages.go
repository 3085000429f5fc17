package funnel

import (
	"fmt"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// MaxStages is the largest number of stages a Stages value may hold: the
// stages an entity has entered are kept in a 64-bit set.
const MaxStages = 64

// Category is a stage's forecast category, which is also the customer
// category the sources name: Pipeline holds the potential customers,
// BestCase the most promising ones, Commit those about to close.
type Category uint8

// The forecast categories, from least to most certain. The zero Category is
// Pipeline.
const (
	// Pipeline: potential customers, qualified but far from a decision.
	Pipeline Category = iota
	// BestCase: the most promising customers, likely to close this period
	// if things go well.
	BestCase
	// Commit: customers about to close; the rep commits to the number.
	Commit
	// Omitted: stages left out of the forecast (for example a nurture
	// stage).
	Omitted
	numCategories
)

var categoryNames = [...]string{"pipeline", "best case", "commit", "omitted"}

// String returns the category's name in lower case, such as "best case".
func (c Category) String() string {
	if c < numCategories {
		return categoryNames[c]
	}
	return fmt.Sprintf("Category(%d)", uint8(c))
}

// CustomerCategory returns the sources' name for the customers in
// category c: "potential", "most promising", "about to close" or "omitted".
func (c Category) CustomerCategory() string {
	switch c {
	case Pipeline:
		return "potential"
	case BestCase:
		return "most promising"
	case Commit:
		return "about to close"
	}
	return c.String()
}

// Stage is one step of a pipeline as funnel needs it: its name, the
// default probability that a deal in it is won, its forecast category, the
// time a deal is expected to spend in it and the visits per week the stage
// policy asks for. It is the neutral shape of a stage of deal.Pipeline or
// of the lead ladder.
type Stage struct {
	// Name is the stage's unique, non-empty name.
	Name string
	// Probability is the default probability of winning a deal in this
	// stage, in [0, 1].
	Probability decimal.Decimal
	// Category is the stage's forecast category.
	Category Category
	// Expected is how long a deal is expected to stay in the stage; a
	// deal staying longer is stuck. Zero means no expectation.
	Expected time.Duration
	// VisitsPerWeek is the stage policy's visit cadence (activities per
	// week); zero means no cadence.
	VisitsPerWeek int
	// MinOpen and MinOpenAmount are the least number and amount of open
	// opportunities the stage should hold for sustained growth; zero
	// means no minimum.
	MinOpen       int64
	MinOpenAmount crmkit.Money
}

// Stages is the ordered list of stages of one funnel, from the first (top)
// to the last before the close. Records and opportunities name a stage by
// its index in this list. Build it with NewStages; the zero Stages has no
// stage and is rejected by every report. A Stages value is immutable and
// safe to share.
type Stages struct {
	list []Stage
}

// NewStages validates and returns the stages in order. Names must be
// non-empty and unique, probabilities in [0, 1], categories known,
// expected durations, cadences and minimums not negative, and there must be
// between 1 and MaxStages stages.
func NewStages(stages ...Stage) (Stages, error) {
	if len(stages) == 0 {
		return Stages{}, crmkit.Invalid("stages", "no stages")
	}
	if len(stages) > MaxStages {
		return Stages{}, crmkit.Invalid("stages", "%d stages, more than %d", len(stages), MaxStages)
	}
	seen := make(map[string]int, len(stages))
	one := decimal.NewFromInt(1)
	for i, s := range stages {
		field := fmt.Sprintf("stages[%d]", i)
		if strings.TrimSpace(s.Name) == "" {
			return Stages{}, crmkit.Invalid(field, "empty name")
		}
		if j, ok := seen[s.Name]; ok {
			return Stages{}, crmkit.Invalid(field, "name %q repeats stages[%d]", s.Name, j)
		}
		seen[s.Name] = i
		if s.Probability.Sign() < 0 || s.Probability.GreaterThan(one) {
			return Stages{}, crmkit.Invalid(field, "probability %s of stage %q is outside [0, 1]", s.Probability, s.Name)
		}
		if s.Category >= numCategories {
			return Stages{}, crmkit.Invalid(field, "unknown category %d of stage %q", s.Category, s.Name)
		}
		if s.Expected < 0 {
			return Stages{}, crmkit.Invalid(field, "negative expected duration %s of stage %q", s.Expected, s.Name)
		}
		if s.VisitsPerWeek < 0 {
			return Stages{}, crmkit.Invalid(field, "negative visit cadence %d of stage %q", s.VisitsPerWeek, s.Name)
		}
		if s.MinOpen < 0 || s.MinOpenAmount.Sign() < 0 {
			return Stages{}, crmkit.Invalid(field, "negative minimum of stage %q", s.Name)
		}
	}
	return Stages{list: append([]Stage(nil), stages...)}, nil
}

// MustStages is NewStages that panics on error, for literals in programs
// and tests.
func MustStages(stages ...Stage) Stages {
	s, err := NewStages(stages...)
	if err != nil {
		panic(err)
	}
	return s
}

// Len returns the number of stages.
func (s Stages) Len() int { return len(s.list) }

// Stage returns the stage at index i; it panics if i is out of range, like
// a slice index.
func (s Stages) Stage(i int) Stage { return s.list[i] }

// All returns a copy of the stages in order.
func (s Stages) All() []Stage { return append([]Stage(nil), s.list...) }

// Index returns the index of the stage named name and true, or -1 and
// false for an unknown name.
func (s Stages) Index(name string) (int, bool) {
	for i := range s.list {
		if s.list[i].Name == name {
			return i, true
		}
	}
	return -1, false
}

// Name returns the name of stage i, or "stage <i>" for an index out of
// range (used in messages).
func (s Stages) Name(i int) string {
	if i >= 0 && i < len(s.list) {
		return s.list[i].Name
	}
	return fmt.Sprintf("stage %d", i)
}

func (s Stages) check() error {
	if len(s.list) == 0 {
		return crmkit.Invalid("stages", "no stages (use NewStages)")
	}
	return nil
}
