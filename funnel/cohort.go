package funnel

import (
	"iter"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/kpi"
	"github.com/shopspring/decimal"
)

// Cohort is the funnel of the entities (leads or deals) whose origin falls
// in one period: how far they got, how many were won and how long winning
// took.
type Cohort struct {
	// Period is the start of the cohort's period.
	Period time.Time
	// Summary is the cohort's funnel report; its Cycle holds the time to
	// win of the cohort's wins.
	Summary Summary
}

// Conversion is the cohort's conversion to won: Won / Entities.
func (c Cohort) Conversion() (decimal.Decimal, error) {
	return kpi.ConversionRate(c.Summary.Won, c.Summary.Entities)
}

// Cohorts builds one Cohort per period of origin in one pass over the
// records (see Analyze), in period order. q.Bucket sets the periods
// (calendar months in UTC when nil; see Months, Quarters, CalendarMonths,
// CalendarQuarters); q.By is ignored: cohorts split by period only.
func Cohorts(p *deal.Pipeline, records iter.Seq[Record], q Query) ([]Cohort, error) {
	q.By = []Dimension{ByPeriod}
	r, err := Analyze(p, records, q)
	if err != nil {
		return nil, err
	}
	return cohortsOf(r), nil
}

// CohortsOf is Cohorts over opportunity values (see Summarize).
func CohortsOf(p *deal.Pipeline, opportunities iter.Seq[Opportunity], q Query) ([]Cohort, error) {
	q.By = []Dimension{ByPeriod}
	r, err := Summarize(p, opportunities, q)
	if err != nil {
		return nil, err
	}
	return cohortsOf(r), nil
}

func cohortsOf(r Report) []Cohort {
	out := make([]Cohort, len(r.Groups))
	for i, g := range r.Groups {
		out[i] = Cohort{Period: g.Key.Period, Summary: g.Summary}
	}
	return out
}

// CalendarMonths returns a Bucket for Query: the start of the month of t
// in the fiscal calendar cal (retail 4-4-5 calendars included).
func CalendarMonths(cal crmkit.Calendar) func(time.Time) time.Time {
	return func(t time.Time) time.Time { return cal.Month(t).Start }
}

// CalendarQuarters returns a Bucket for Query: the start of the fiscal
// quarter of t in cal.
func CalendarQuarters(cal crmkit.Calendar) func(time.Time) time.Time {
	return func(t time.Time) time.Time { return cal.Quarter(t).Start }
}
