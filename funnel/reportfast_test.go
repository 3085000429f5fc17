package funnel_test

import (
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/funneltest"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// The bounds of the years 1 to 9999 in Unix seconds, inside which
// MonthOf answers.
const (
	year1Sec     = -62135596800
	year10000Sec = 253402300800
)

// wantMonth is the month number of t from the time package's own calendar.
func wantMonth(t time.Time) (int64, bool) {
	y, m, _ := t.UTC().Date()
	if y < 1 || y > 9999 {
		return 0, false
	}
	return int64(y)*12 + int64(m) - 1, true
}

func TestMonthOfEdges(t *testing.T) {
	for _, sec := range []int64{year1Sec, year1Sec - 1, year10000Sec - 1, year10000Sec, 0, -1, 951782400 /* 2000-02-29 */, 951868800 - 1, 951868800, 4107542400 /* 2100-03-01 */} {
		for _, loc := range []*time.Location{time.UTC, time.FixedZone("east", 14*3600), time.FixedZone("west", -12*3600)} {
			tm := time.Unix(sec, 999_999_999).In(loc)
			got, ok := funnel.MonthOf(tm)
			want, wantOK := wantMonth(tm)
			require.Equal(t, wantOK, ok, "%s", tm)
			require.Equal(t, want, got, "%s", tm)
		}
	}
}

// MonthOf, integer arithmetic on Unix seconds, agrees with the time
// package's calendar in UTC for every instant of the years 1 to 9999, in
// any location, and declines outside them.
func TestPropertyMonthOf(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var sec int64
		switch rapid.IntRange(0, 2).Draw(t, "range") {
		case 0: // anywhere a time.Time goes, and beyond the years 1 to 9999
			sec = rapid.Int64Range(year1Sec-100*86400*366, year10000Sec+100*86400*366).Draw(t, "sec")
		case 1: // near a month boundary of recent years
			m := rapid.IntRange(1900*12, 2200*12).Draw(t, "month")
			start := time.Date(m/12, time.Month(m%12+1), 1, 0, 0, 0, 0, time.UTC).Unix()
			sec = start + rapid.Int64Range(-2, 2).Draw(t, "offset")
		default:
			sec = rapid.Int64Range(-4e9, 4e9).Draw(t, "sec")
		}
		nsec := rapid.Int64Range(0, 999_999_999).Draw(t, "nsec")
		loc := time.FixedZone("z", rapid.IntRange(-14*3600, 14*3600).Draw(t, "offset seconds"))
		tm := time.Unix(sec, nsec).In(loc)
		got, ok := funnel.MonthOf(tm)
		want, wantOK := wantMonth(tm)
		if ok != wantOK || got != want {
			t.Fatalf("%s: got %d, %v; want %d, %v", tm, got, ok, want, wantOK)
		}
	})
}

// drawStart draws the earliest creation time of a history: around 2025,
// before 1970 (negative Unix seconds) or in a location east of UTC, so
// that origins fall on month boundaries in UTC differently.
func drawStart(t *rapid.T) time.Time {
	switch rapid.IntRange(0, 2).Draw(t, "start") {
	case 0:
		return time.Time{} // the generator's default, 2025-01-01 UTC
	case 1:
		return time.Date(1969, 11, 30, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(2025, 3, 1, 0, 0, 0, 0, time.FixedZone("east", 10*3600))
}

// A report split by cohort month (the default bucket, found by month
// number) is the straightforward computation: each group is the unsplit
// report of the entities whose origin lies in that month (selected by
// From and To), the groups hold every entity, the total is the unsplit
// report, and the general path (an explicit calendar bucket) gives the
// same groups.
func TestPropertyCohortSplitIsFilteredReports(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := funneltest.Histories(funneltest.Config{Start: drawStart(t)}).Draw(t, "history")
		mode := rapid.SampledFrom([]crmkit.Quantiles{crmkit.QuantilesApprox, crmkit.QuantilesExact, crmkit.QuantilesNone}).Draw(t, "mode")
		plain := funnel.Query{AsOf: asOfIn(t, h), Quantiles: mode}
		split := plain
		split.By = []funnel.Dimension{funnel.ByPeriod}
		rep, err := funnel.SummarizeRecords(h.Pipeline, h.Seq(), split)
		if err != nil {
			t.Fatal(err)
		}
		all, err := funnel.SummarizeRecords(h.Pipeline, h.Seq(), plain)
		if err != nil {
			t.Fatal(err)
		}
		if err := funneltest.DiffSummaries(rep.Total, all.Total); err != nil {
			t.Fatalf("total: %v", err)
		}
		var n int64
		for _, g := range rep.Groups {
			p := g.Key.Period
			if p.Location() != time.UTC || p.Day() != 1 || p.Hour() != 0 || p.Minute() != 0 || p.Second() != 0 || p.Nanosecond() != 0 {
				t.Fatalf("group key %s is not the start of a UTC month", p)
			}
			q := plain
			q.From, q.To = p, p.AddDate(0, 1, 0)
			one, err := funnel.SummarizeRecords(h.Pipeline, h.Seq(), q)
			if err != nil {
				t.Fatal(err)
			}
			if one.Total.Entities == 0 {
				t.Fatalf("group %s is empty", p)
			}
			if err := funneltest.DiffSummaries(g.Summary, one.Total); err != nil {
				t.Fatalf("group %s: %v", p, err)
			}
			n += g.Summary.Entities
		}
		if n != rep.Total.Entities {
			t.Fatalf("groups hold %d entities, the total %d", n, rep.Total.Entities)
		}
		split.Bucket = funnel.Months(crmkit.Calendar{})
		general, err := funnel.SummarizeRecords(h.Pipeline, h.Seq(), split)
		if err != nil {
			t.Fatal(err)
		}
		if len(general.Groups) != len(rep.Groups) {
			t.Fatalf("%d groups by the calendar, %d by month number", len(general.Groups), len(rep.Groups))
		}
		for i, g := range general.Groups {
			if !g.Key.Period.Equal(rep.Groups[i].Key.Period) {
				t.Fatalf("group %d: %s by the calendar, %s by month number", i, g.Key.Period, rep.Groups[i].Key.Period)
			}
			if err := funneltest.DiffSummaries(g.Summary, rep.Groups[i].Summary); err != nil {
				t.Fatalf("group %s: %v", g.Key.Period, err)
			}
		}
	})
}

// referenceStays computes the completed stays per stage the plain way:
// walk each entity's records up to asOf, and when it leaves a stage (a
// stage entered, a win, a loss, a termination), unless it was lost, the
// stay is the time since it entered it (time.Sub).
func referenceStays(records []funnel.Record, stages int, asOf time.Time) [][]time.Duration {
	out := make([][]time.Duration, stages)
	var (
		entity  [16]byte
		started bool
		stage   int
		status  funnel.Status
		entered time.Time
	)
	for _, r := range records {
		if !started || r.Entity != entity {
			entity, started, stage, status = r.Entity, true, -1, funnel.Open
		}
		if r.At.After(asOf) {
			continue
		}
		leave := func() {
			if stage >= 0 && status != funnel.ClosedLost {
				out[stage] = append(out[stage], r.At.Sub(entered))
			}
		}
		switch r.Kind {
		case funnel.StageEntered:
			leave()
			stage, entered = r.Stage, r.At
		case funnel.Won:
			leave()
			status = funnel.ClosedWon
		case funnel.Lost:
			leave()
			status = funnel.ClosedLost
		case funnel.Terminated:
			leave()
			status = funnel.Dead
		case funnel.Suspended:
			status = funnel.Paused
		case funnel.Reactivated:
			if status == funnel.ClosedLost {
				entered = r.At
			}
			status = funnel.Open
		}
	}
	return out
}

// The time in stage (completed stays, kept as durations when a stage is
// left) equals the plain reference, split or not.
func TestPropertyStaysMatchReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := funneltest.Histories(funneltest.Config{Start: drawStart(t)}).Draw(t, "history")
		q := funnel.Query{AsOf: asOfIn(t, h), Quantiles: crmkit.QuantilesExact}
		if rapid.Bool().Draw(t, "split") {
			q.By = []funnel.Dimension{rapid.SampledFrom([]funnel.Dimension{funnel.ByPeriod, funnel.ByOwner}).Draw(t, "by")}
		}
		rep, err := funnel.SummarizeRecords(h.Pipeline, h.Seq(), q)
		if err != nil {
			t.Fatal(err)
		}
		want := referenceStays(h.Records, h.Pipeline.Len(), q.AsOf)
		for i, st := range rep.Total.Stages {
			d, err := crmkit.DurationsOf(crmkit.QuantilesExact, want[i]...)
			if err != nil {
				t.Fatal(err)
			}
			if err := funneltest.DiffDurations("stage "+st.Name+" stay", st.Stay, d); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// Summarize split by a dimension (the total's durations merged from the
// groups) gives the same total as unsplit.
func TestPropertySummarizeSplitTotal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := funneltest.Histories(funneltest.Config{Start: drawStart(t)}).Draw(t, "history")
		mode := rapid.SampledFrom([]crmkit.Quantiles{crmkit.QuantilesApprox, crmkit.QuantilesExact, crmkit.QuantilesNone}).Draw(t, "mode")
		q := funnel.Query{AsOf: asOfIn(t, h), Quantiles: mode}
		states, err := replayAll(h.Pipeline, h.Seq(), q.AsOf)
		if err != nil {
			t.Fatal(err)
		}
		all, err := funnel.Summarize(h.Pipeline, slices.Values(states), q)
		if err != nil {
			t.Fatal(err)
		}
		q.By = []funnel.Dimension{rapid.SampledFrom([]funnel.Dimension{funnel.ByPeriod, funnel.ByOwner, funnel.BySource}).Draw(t, "by")}
		split, err := funnel.Summarize(h.Pipeline, slices.Values(states), q)
		if err != nil {
			t.Fatal(err)
		}
		if err := funneltest.DiffSummaries(split.Total, all.Total); err != nil {
			t.Fatal(err)
		}
	})
}
