package funneltest

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// Config shapes the histories Histories generates. The zero Config gives
// 1 to 6 stages, up to 8 entities, moves in any direction, amounts in EUR,
// starting 2025-01-01 UTC.
type Config struct {
	// MinStages and MaxStages bound the number of stages (1 to 6 when
	// zero).
	MinStages, MaxStages int
	// MaxEntities bounds the number of entities (8 when zero); at least
	// one entity is generated.
	MaxEntities int
	// MaxSteps bounds the records of one entity after its creation (10
	// when zero).
	MaxSteps int
	// Forward restricts stage moves to the next stage: a strictly
	// forward pipeline, with no skip and no move back.
	Forward bool
	// Currency of every amount (EUR when zero).
	Currency crmkit.Currency
	// Start is the earliest creation time (2025-01-01 UTC when zero).
	Start time.Time
	// Dims lists the values a dimension field may take (two owners, two
	// sources, two campaigns when nil).
	Owners, Sources, Campaigns []string
}

func (c Config) withDefaults() Config {
	if c.MinStages <= 0 {
		c.MinStages = 1
	}
	if c.MaxStages <= 0 {
		c.MaxStages = 6
	}
	c.MaxStages = max(c.MaxStages, c.MinStages)
	if c.MaxEntities <= 0 {
		c.MaxEntities = 8
	}
	if c.MaxSteps <= 0 {
		c.MaxSteps = 10
	}
	if c.Currency.IsZero() {
		c.Currency = crmkit.MustCurrency("EUR")
	}
	if c.Start.IsZero() {
		c.Start = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if c.Owners == nil {
		c.Owners = []string{"ann", "bob"}
	}
	if c.Sources == nil {
		c.Sources = []string{"web", "referral"}
	}
	if c.Campaigns == nil {
		c.Campaigns = []string{"spring", "fair"}
	}
	return c
}

// History is a generated, consistent history: a pipeline, the records of
// every entity in report order, and the state of every entity after its
// last record, computed by the generator's own model as it drew the
// records (not by package funnel).
type History struct {
	// Pipeline holds the history's stages.
	Pipeline *deal.Pipeline
	// Records are in report order (entities ascending, time ascending).
	Records []funnel.Record
	// Final holds each entity's state after its last record, in entity
	// order.
	Final []funnel.Opportunity
	// Last is the time of the last record.
	Last time.Time
}

// Entities returns the entity IDs of the history in order.
func (h History) Entities() []uuid.UUID {
	ids := make([]uuid.UUID, len(h.Final))
	for i, o := range h.Final {
		ids[i] = o.Entity
	}
	return ids
}

// Pipelines generates a valid deal pipeline of minStages to maxStages
// stages (at most deal.MaxStages) named s0, s1, ..., with increasing
// probabilities, forecast categories from pipeline through best case to
// commit, expected durations of 1 to 30 days and cadences of 0 to 3
// visits a week.
func Pipelines(minStages, maxStages int) *rapid.Generator[*deal.Pipeline] {
	return rapid.Custom(func(t *rapid.T) *deal.Pipeline {
		n := rapid.IntRange(max(1, minStages), max(1, minStages, min(maxStages, deal.MaxStages))).Draw(t, "stages")
		list := make([]deal.Stage, n)
		for i := range list {
			cat := deal.ForecastPipeline
			switch {
			case i == n-1 && n > 1:
				cat = deal.ForecastCommit
			case i >= n/2 && n > 2:
				cat = deal.ForecastBestCase
			}
			list[i] = deal.Stage{
				Name:             fmt.Sprintf("s%d", i),
				Probability:      decimal.NewFromInt(int64(i + 1)).Div(decimal.NewFromInt(int64(n + 1))).Round(4),
				Forecast:         cat,
				ExpectedDuration: time.Duration(rapid.IntRange(1, 30).Draw(t, "expected days")) * 24 * time.Hour,
			}
			if v := rapid.IntRange(0, 3).Draw(t, "cadence"); v > 0 {
				list[i].Visits = deal.VisitCadence{Visits: v, Per: deal.PerWeek}
			}
		}
		p, err := deal.NewPipeline(deal.PipelineSpec{ID: "generated", Stages: list})
		if err != nil {
			panic(err) // a generator bug, not caller input
		}
		return p
	})
}

// EntityID returns the i-th entity ID of generated histories: IDs ascend
// with i, so records generated entity by entity are in report order.
func EntityID(i int) uuid.UUID {
	var u uuid.UUID
	u[0] = 0x01
	binary.BigEndian.PutUint64(u[8:], uint64(i)+1)
	return u
}

// Histories generates consistent histories: every record is legal for its
// entity's status, times strictly increase within an entity (by whole
// minutes), entities come in ascending ID order. Some entities have a
// first touch logged after their creation, so a win can come before it
// (a negative sales cycle).
func Histories(cfg Config) *rapid.Generator[History] {
	c := cfg.withDefaults()
	return rapid.Custom(func(t *rapid.T) History {
		p := Pipelines(c.MinStages, c.MaxStages).Draw(t, "stages")
		n := rapid.IntRange(1, c.MaxEntities).Draw(t, "entities")
		h := History{Pipeline: p}
		for i := range n {
			recs, final := entity(t, c, p.Len(), EntityID(i))
			h.Records = append(h.Records, recs...)
			h.Final = append(h.Final, final)
			if last := recs[len(recs)-1].At; last.After(h.Last) {
				h.Last = last
			}
		}
		return h
	})
}

// step kinds a generator may draw, by status.
var (
	openSteps   = []funnel.Kind{funnel.StageEntered, funnel.StageEntered, funnel.StageEntered, funnel.Won, funnel.Lost, funnel.Suspended, funnel.Terminated, funnel.CloseDateChanged, funnel.AmountChanged, funnel.Activity}
	pausedSteps = []funnel.Kind{funnel.Reactivated, funnel.Lost, funnel.Terminated, funnel.Activity}
	lostSteps   = []funnel.Kind{funnel.Reactivated}
)

// entity draws one entity's records and computes its final state.
func entity(t *rapid.T, c Config, nStages int, id uuid.UUID) ([]funnel.Record, funnel.Opportunity) {
	label := id.String()[30:]
	at := c.Start.Add(time.Duration(rapid.IntRange(0, 60*24*60).Draw(t, "created "+label)) * time.Minute)
	amount := func(name string) crmkit.Money {
		m, _ := crmkit.NewMoney(rapid.Int64Range(0, 1_000_000_00).Draw(t, name), c.Currency)
		return m
	}
	dims := funnel.Dims{
		Owner:    rapid.SampledFrom(c.Owners).Draw(t, "owner"),
		Source:   rapid.SampledFrom(c.Sources).Draw(t, "source"),
		Campaign: rapid.SampledFrom(c.Campaigns).Draw(t, "campaign"),
	}
	created := funnel.Record{Entity: id, Kind: funnel.Created, At: at, Amount: amount("amount"), Dims: dims}
	o := funnel.Opportunity{Entity: id, Origin: at, Stage: -1, Amount: created.Amount, Dims: dims}
	if rapid.IntRange(0, 9).Draw(t, "late first touch") == 0 {
		created.Date = at.Add(time.Duration(rapid.IntRange(1, 20).Draw(t, "touch lag days")) * 24 * time.Hour)
		o.Origin = created.Date
	}
	recs := []funnel.Record{created}
	steps := rapid.IntRange(0, c.MaxSteps).Draw(t, "steps")
	for range steps {
		var choices []funnel.Kind
		switch o.Status {
		case funnel.Open:
			choices = openSteps
		case funnel.Paused:
			choices = pausedSteps
		case funnel.ClosedLost:
			choices = lostSteps
		default:
			return recs, o
		}
		at = at.Add(time.Duration(rapid.IntRange(1, 20*24*60).Draw(t, "gap minutes")) * time.Minute)
		r := funnel.Record{Entity: id, At: at, Kind: rapid.SampledFrom(choices).Draw(t, "kind")}
		switch r.Kind {
		case funnel.StageEntered:
			if c.Forward {
				if o.Stage+1 >= nStages {
					r.Kind = funnel.Activity
					break
				}
				r.Stage = o.Stage + 1
			} else {
				r.Stage = rapid.IntRange(0, nStages-1).Draw(t, "stage")
				if r.Stage == o.Stage {
					r.Kind = funnel.Activity
					r.Stage = 0
					break
				}
			}
			o.Stage, o.Entered = r.Stage, at
			o.Reached |= 1 << uint(r.Stage)
		case funnel.Won:
			o.Status, o.Closed = funnel.ClosedWon, at
			if rapid.Bool().Draw(t, "final amount") {
				r.Amount = amount("won amount")
				o.Amount = r.Amount
			}
		case funnel.Lost:
			o.Status, o.Closed = funnel.ClosedLost, at
			r.Dims.Competitor = rapid.SampledFrom([]string{"", "acme", "globex"}).Draw(t, "competitor")
			r.Dims.Reason = rapid.SampledFrom([]string{"price", "timing", "bad demo"}).Draw(t, "reason")
			o.Dims.Competitor, o.Dims.Reason = nonEmpty(r.Dims.Competitor, o.Dims.Competitor), r.Dims.Reason
		case funnel.Terminated:
			o.Status, o.Closed = funnel.Dead, at
		case funnel.Suspended:
			o.Status = funnel.Paused
		case funnel.Reactivated:
			if o.Status == funnel.ClosedLost {
				o.Entered, o.Closed = at, time.Time{}
			}
			o.Status = funnel.Open
		case funnel.CloseDateChanged:
			r.Date = at.Add(time.Duration(rapid.IntRange(1, 90).Draw(t, "close in days")) * 24 * time.Hour)
			o.CloseDate = r.Date
		case funnel.AmountChanged:
			r.Amount = amount("new amount")
			o.Amount = r.Amount
		}
		if rapid.IntRange(0, 9).Draw(t, "handover") == 0 && len(c.Owners) > 0 {
			r.Dims.Owner = rapid.SampledFrom(c.Owners).Draw(t, "new owner")
			o.Dims.Owner = r.Dims.Owner
		}
		recs = append(recs, r)
	}
	return recs, o
}

func nonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Conversions generates a conversion in cur with 1 to 12 touches, at
// random times around the conversion (some after it), with at most one
// touch per role, and an amount from 0 to 10^12 minor units.
func Conversions(cur crmkit.Currency) *rapid.Generator[funnel.Conversion] {
	return rapid.Custom(func(t *rapid.T) funnel.Conversion {
		start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		converted := start.Add(time.Duration(rapid.IntRange(0, 90*24).Draw(t, "converted hours")) * time.Hour)
		n := rapid.IntRange(1, 12).Draw(t, "touches")
		touches := make([]funnel.Touch, n)
		for i := range touches {
			touches[i] = funnel.Touch{
				At:      start.Add(time.Duration(rapid.IntRange(0, 100*24).Draw(t, "touch hours")) * time.Hour),
				Channel: rapid.SampledFrom([]string{"ads", "web", "email", "event"}).Draw(t, "channel"),
			}
		}
		// The first touch is at or before the conversion.
		touches[rapid.IntRange(0, n-1).Draw(t, "anchor")].At = start
		for _, r := range []funnel.Role{funnel.LeadCreation, funnel.OpportunityCreation, funnel.CloseTouch} {
			if i := rapid.IntRange(-1, n-1).Draw(t, "role holder"); i >= 0 {
				touches[i].Roles |= r
			}
		}
		amount, _ := crmkit.NewMoney(rapid.Int64Range(0, 1_000_000_000_000).Draw(t, "amount"), cur)
		return funnel.Conversion{Amount: amount, Converted: converted, Touches: touches}
	})
}

// Models generates every named attribution model, time decay with a
// random half-life and custom position weights.
func Models() *rapid.Generator[funnel.Model] {
	return rapid.Custom(func(t *rapid.T) funnel.Model {
		switch k := rapid.IntRange(0, 9).Draw(t, "model"); k {
		case 0:
			return funnel.FirstTouch()
		case 1:
			return funnel.LastTouch()
		case 2:
			return funnel.Linear()
		case 3:
			return funnel.UShaped()
		case 4:
			return funnel.WShaped()
		case 5:
			return funnel.FullPath()
		case 6:
			return funnel.JShaped()
		case 7:
			return funnel.InverseJ()
		case 8:
			m, err := funnel.TimeDecay(time.Duration(rapid.IntRange(0, 60*24).Draw(t, "half-life hours")) * time.Hour)
			if err != nil {
				panic(err)
			}
			return m
		}
		w := func(name string) decimal.Decimal {
			return decimal.New(rapid.Int64Range(0, 1000).Draw(t, name), -1)
		}
		p := funnel.Positions{First: w("first"), LeadCreation: w("lead"), OpportunityCreation: w("opportunity"), Close: w("close"), Last: w("last"), Spread: w("spread")}
		if p.First.IsZero() && p.Spread.IsZero() {
			p.Spread = decimal.NewFromInt(1)
		}
		m, err := funnel.CustomModel("generated", p)
		if err != nil {
			panic(err)
		}
		return m
	})
}

// PlanInputs generates reverse-funnel plan inputs in cur: 1 to 6 steps
// with rates from 0.01 to 1 (to four places), targets up to 10^12 minor units, average
// deals up to 10^9, 1 to 24 periods.
func PlanInputs(cur crmkit.Currency) *rapid.Generator[funnel.PlanInput] {
	return rapid.Custom(func(t *rapid.T) funnel.PlanInput {
		n := rapid.IntRange(1, 6).Draw(t, "steps")
		steps := make([]funnel.PlanStep, n)
		for i := range steps {
			steps[i] = funnel.PlanStep{
				Name:   fmt.Sprintf("step %d", i),
				Rate:   decimal.New(rapid.Int64Range(100, 10000).Draw(t, "rate"), -4),
				PerRep: rapid.Int64Range(0, 1000).Draw(t, "per rep"),
			}
		}
		target, _ := crmkit.NewMoney(rapid.Int64Range(1, 1_000_000_000_000).Draw(t, "target"), cur)
		avg, _ := crmkit.NewMoney(rapid.Int64Range(1, 1_000_000_000).Draw(t, "average deal"), cur)
		return funnel.PlanInput{Target: target, AverageDeal: avg, Steps: steps, Periods: rapid.IntRange(1, 24).Draw(t, "periods")}
	})
}
