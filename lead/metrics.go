package lead

import (
	"cmp"
	"fmt"
	"iter"
	"maps"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/kpi"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// Counts holds the lead-generation counts of a set of leads (lead KPIs
// [KPI]: the number of leads, by where they came from and where they are).
type Counts struct {
	// Total is the number of leads.
	Total int64
	// BySource counts leads by the channel they first came from.
	BySource map[Channel]int64
	// ConvertedBySource counts converted leads by source.
	ConvertedBySource map[Channel]int64
	// ByCampaign counts leads by campaign ("" for none).
	ByCampaign map[string]int64
	// ByStage counts leads by current stage.
	ByStage map[Stage]int64
	// TouchesByChannel counts touchpoints by channel over all journeys:
	// customers jump between channels, so this differs from BySource.
	TouchesByChannel map[Channel]int64
	// LeadsByChannel counts the leads with at least one touchpoint in each
	// channel.
	LeadsByChannel map[Channel]int64
	// ByPeriod[i] counts the leads created in periods[i] (as given to
	// Count).
	ByPeriod []int64
}

// Count counts leads in one pass. Each lead is counted in every period of
// periods that contains its creation time. A lead with an invalid stage is
// an error naming it.
func Count(leads iter.Seq[Lead], periods []crmkit.Period) (Counts, error) {
	if leads == nil {
		return Counts{}, crmkit.Invalid("leads", "nil sequence")
	}
	c := Counts{
		BySource: map[Channel]int64{}, ConvertedBySource: map[Channel]int64{}, ByCampaign: map[string]int64{},
		ByStage: map[Stage]int64{}, TouchesByChannel: map[Channel]int64{}, LeadsByChannel: map[Channel]int64{},
		ByPeriod: make([]int64, len(periods)),
	}
	var seen []Channel
	for l := range leads {
		if !l.Stage.Valid() {
			return Counts{}, crmkit.Invalid("stage", "lead %s has invalid stage %s", l.ID, l.Stage)
		}
		c.Total++
		c.BySource[l.Source]++
		if l.Stage == StageConverted {
			c.ConvertedBySource[l.Source]++
		}
		c.ByCampaign[l.Campaign]++
		c.ByStage[l.Stage]++
		seen = seen[:0]
		for _, tp := range l.Journey {
			c.TouchesByChannel[tp.Channel]++
			if !slices.Contains(seen, tp.Channel) {
				seen = append(seen, tp.Channel)
				c.LeadsByChannel[tp.Channel]++
			}
		}
		for i, p := range periods {
			if p.Contains(l.CreatedAt) {
				c.ByPeriod[i]++
			}
		}
	}
	return c, nil
}

// LeadToCustomerBySource is the share of source's leads that converted:
// ConvertedBySource[source] / BySource[source] (kpi.ConversionRate). A
// source without leads is an error matching crmkit.ErrInvalid.
func (c Counts) LeadToCustomerBySource(source Channel) (decimal.Decimal, error) {
	r, err := kpi.ConversionRate(c.ConvertedBySource[source], c.BySource[source])
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("lead-to-customer rate of source %q: %w", source, err)
	}
	return r, nil
}

// CostPerLeadBy breaks the cost per lead down by key (a source or a
// campaign): it divides the spend on each key by its leads with
// kpi.CostPerLead, the formula's one definition, rounding with mode:
//
//	cost per lead(k) = spend(k) / leads(k)
//
// It returns the costs of the keys with spend and leads, and, sorted, the
// keys with spend but no leads (money spent without a lead: the cost per
// lead is undefined, not zero). Keys with leads but no spend are left out.
// A negative or currency-less spend or an invalid mode is an error naming
// the key.
func CostPerLeadBy[K cmp.Ordered](leads map[K]int64, spend map[K]crmkit.Money, mode crmkit.RoundingMode) (map[K]crmkit.Money, []K, error) {
	out := make(map[K]crmkit.Money, len(spend))
	var noLeads []K
	for _, k := range slices.Sorted(maps.Keys(spend)) {
		s := spend[k]
		if s.Currency().IsZero() || s.Sign() < 0 {
			return nil, nil, crmkit.Invalid(fmt.Sprintf("spend[%v]", k), "%s is not a non-negative amount with a currency", s)
		}
		n := leads[k]
		if n <= 0 {
			noLeads = append(noLeads, k)
			continue
		}
		m, err := kpi.CostPerLead(s, n, mode)
		if err != nil {
			return nil, nil, fmt.Errorf("cost per lead of %v: %w", k, err)
		}
		out[k] = m
	}
	return out, noLeads, nil
}

// track is what LadderReport keeps per lead: when it first and last
// entered each stage (unix nanoseconds, 0 = never).
type track struct {
	first, last [numStages]int64
}

// LadderReport holds the ladder KPIs of a set of leads, computed from their
// event histories by Progress: how many reached each stage, the conversion
// between every pair of stages, the lead-to-customer rate and the time from
// first touch to each stage.
type LadderReport struct {
	tracks  []track
	reached [numStages]int64
	pairs   [numStages][numStages]int64
}

// Progress reads the events of any number of leads (interleaved or not)
// in one pass and returns their ladder report. A lead enters Suspect with
// EventLeadCaptured and every other stage with the event whose To names it (a
// ladder transition, or a EventLeadsMerged that moved it); the report keeps the
// first and last entry into each stage per lead (memory: one small record
// per lead). Events of other kinds and aggregates are
// skipped. An event naming an unknown stage is an error.
//
// A lead whose EventLeadCaptured is not in the history is not counted as a
// Suspect: pass whole histories for conversion from Suspect.
func Progress(history iter.Seq[crmkit.Event]) (*LadderReport, error) {
	if history == nil {
		return nil, crmkit.Invalid("history", "nil sequence")
	}
	idx := make(map[uuid.UUID]int)
	r := &LadderReport{}
	for ev := range history {
		if ev.AggregateKind != LeadKind {
			continue
		}
		var s Stage
		switch {
		case ev.Type == EventLeadCaptured:
			s = StageSuspect
		case ev.To != "" && (ev.Type == EventLeadsMerged || isLadderEvent(ev.Type)):
			var err error
			if s, err = ParseStage(ev.To); err != nil {
				return nil, fmt.Errorf("event %s of lead %s: %w", ev.ID, ev.AggregateID, err)
			}
		default:
			continue
		}
		i, ok := idx[ev.AggregateID]
		if !ok {
			i = len(r.tracks)
			idx[ev.AggregateID] = i
			r.tracks = append(r.tracks, track{})
		}
		at := ev.At.UnixNano()
		if f := &r.tracks[i].first[s]; *f == 0 || at < *f {
			*f = at
		}
		if l := &r.tracks[i].last[s]; *l == 0 || at > *l {
			*l = at
		}
	}
	for _, tr := range r.tracks {
		for a := StageSuspect; a <= StageDisqualified; a++ {
			fa := tr.first[a]
			if fa == 0 {
				continue
			}
			r.reached[a]++
			for b := StageSuspect; b <= StageDisqualified; b++ {
				if lb := tr.last[b]; b != a && lb != 0 && lb >= fa {
					r.pairs[a][b]++
				}
			}
		}
	}
	return r, nil
}

func isLadderEvent(typ string) bool {
	_, ok := actionOfEvent(typ)
	return ok
}

// Leads returns the number of leads seen in the history.
func (r *LadderReport) Leads() int64 {
	if r == nil {
		return 0
	}
	return int64(len(r.tracks))
}

// Reached returns how many leads ever entered stage s.
func (r *LadderReport) Reached(s Stage) int64 {
	if r == nil || !s.Valid() {
		return 0
	}
	return r.reached[s]
}

// Conversion is the conversion rate from stage from to stage to: of the
// leads that entered from, the share that entered to at the same time or
// later (kpi.ConversionRate):
//
//	conversion(from, to) = leads entering from, then to / leads entering from
//
// "Then" compares the first entry into from with the last entry into to,
// so a recycled lead (MQL -> Nurture -> MQL) counts for Nurture -> MQL.
// For example Conversion(StageMQL, StageSQL) is the MQL-to-SQL rate. Equal
// or invalid stages, or no lead entering from, are errors matching
// crmkit.ErrInvalid.
func (r *LadderReport) Conversion(from, to Stage) (decimal.Decimal, error) {
	if r == nil {
		return decimal.Decimal{}, crmkit.Invalid("ladder report", "nil report")
	}
	if !from.Valid() || !to.Valid() || from == to {
		return decimal.Decimal{}, crmkit.Invalid("stages", "conversion from %s to %s", from, to)
	}
	v, err := kpi.ConversionRate(r.pairs[from][to], r.reached[from])
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("conversion from %s to %s: %w", from, to, err)
	}
	return v, nil
}

// LeadToCustomer is the share of captured leads that converted:
// Conversion(StageSuspect, StageConverted).
func (r *LadderReport) LeadToCustomer() (decimal.Decimal, error) {
	return r.Conversion(StageSuspect, StageConverted)
}

// TimeToStage returns the statistics (count, mean, median, quantiles) of
// the time from first touch (the lead's capture: touchpoints cannot predate
// it) to its first entry into stage s, over the leads that entered s and
// whose capture is in the history: kpi.SalesCycle's crmkit.Durations, kept
// exactly. No such lead is an error matching crmkit.ErrInvalid.
func (r *LadderReport) TimeToStage(s Stage) (crmkit.Durations, error) {
	if r == nil {
		return crmkit.Durations{}, crmkit.Invalid("ladder report", "nil report")
	}
	if !s.Valid() {
		return crmkit.Durations{}, crmkit.Invalid("stage", "%s is not a stage", s)
	}
	var ds []time.Duration
	for _, tr := range r.tracks {
		if c, e := tr.first[StageSuspect], tr.first[s]; c != 0 && e != 0 && e >= c {
			ds = append(ds, time.Duration(e-c))
		}
	}
	set, err := kpi.SalesCycle(ds)
	if err != nil {
		return crmkit.Durations{}, fmt.Errorf("time to %s: %w", s, err)
	}
	return set, nil
}

// Entered counts the leads that first entered stage s within p (new MQLs
// this month, new SQLs this quarter, ...).
func (r *LadderReport) Entered(s Stage, p crmkit.Period) int64 {
	if r == nil || !s.Valid() {
		return 0
	}
	var n int64
	for _, tr := range r.tracks {
		if f := tr.first[s]; f != 0 && p.Contains(time.Unix(0, f)) {
			n++
		}
	}
	return n
}

// ByArea adds up BySource per marketing area (Channel.Area).
func (c Counts) ByArea() map[MarketingArea]int64 {
	out := make(map[MarketingArea]int64)
	for s, n := range c.BySource {
		out[s.Area()] += n
	}
	return out
}
