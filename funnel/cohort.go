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

// CohortsOfRecords builds one Cohort per period of origin in one pass over the
// records (see SummarizeRecords), in period order. q.Bucket sets the periods
// (calendar months in UTC when nil; see Months and Quarters); q.By is ignored: cohorts split by period only.
func CohortsOfRecords(p *deal.Pipeline, records iter.Seq[Record], q Query) ([]Cohort, error) {
	q.By = []Dimension{ByPeriod}
	r, err := SummarizeRecords(p, records, q)
	if err != nil {
		return nil, err
	}
	return cohortsOf(r), nil
}

// Cohorts is CohortsOfRecords over opportunity values (see Summarize).
func Cohorts(p *deal.Pipeline, opportunities iter.Seq[Opportunity], q Query) ([]Cohort, error) {
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

// Months returns a Bucket for Query: the start of the month of t in the
// calendar cal (crmkit.Gregorian(loc) for calendar months in loc; fiscal
// and retail 4-4-5 calendars included). It is the one month bucket;
// crmkit.Calendar.Months, by contrast, lists the months of a period.
func Months(cal crmkit.Calendar) func(time.Time) time.Time {
	return func(t time.Time) time.Time { return cal.Month(t).Start }
}

// Quarters returns a Bucket for Query: the start of the fiscal quarter of
// t in the calendar cal (crmkit.NewFiscalCalendar(time.April, loc) for
// quarters of a fiscal year starting in April). It is the one quarter
// bucket; crmkit.Calendar.Quarters lists the quarters of a period.
func Quarters(cal crmkit.Calendar) func(time.Time) time.Time {
	return func(t time.Time) time.Time { return cal.Quarter(t).Start }
}
