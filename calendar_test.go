package crmkit_test

import (
	"testing"
	"time"
	_ "time/tzdata" // the zones below must load on machines without a zoneinfo database

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
)

// calZoneNames are the zones every calendar property runs in: no DST, the
// northern and southern hemispheres, a half-hour and a 45-minute offset, and
// two zones that move their clocks at midnight itself (Havana, Santiago).
var calZoneNames = []string{
	"UTC",
	"America/New_York",
	"Europe/Budapest",
	"Asia/Kolkata",
	"Australia/Sydney",
	"Pacific/Chatham",
	"America/Havana",
	"America/Santiago",
}

func loadZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func calZones(t testing.TB) []*time.Location {
	t.Helper()
	locs := make([]*time.Location, len(calZoneNames))
	for i, n := range calZoneNames {
		locs[i] = loadZone(t, n)
	}
	return locs
}

func mustFiscal(t testing.TB, start time.Month, loc *time.Location) crmkit.Calendar {
	t.Helper()
	c, err := crmkit.NewFiscalCalendar(start, loc)
	require.NoError(t, err)
	return c
}

func mustRetail(t testing.TB, p crmkit.RetailPattern, m time.Month, wd time.Weekday, r crmkit.YearEndRule, loc *time.Location) crmkit.Calendar {
	t.Helper()
	c, err := crmkit.NewRetailCalendar(p, m, wd, r, loc)
	require.NoError(t, err)
	return c
}

// period builds the expected [start, end) from local midnights in loc.
func period(loc *time.Location, y1 int, m1 time.Month, d1 int, y2 int, m2 time.Month, d2 int) crmkit.Period {
	return crmkit.Period{
		Start: time.Date(y1, m1, d1, 0, 0, 0, 0, loc),
		End:   time.Date(y2, m2, d2, 0, 0, 0, 0, loc),
	}
}

func assertPeriod(t *testing.T, want, got crmkit.Period, what string) {
	t.Helper()
	assert.True(t, want.Equal(got), "%s: got %v, want %v", what, got, want)
}

func TestCalendarConstructorErrors(t *testing.T) {
	utc := time.UTC
	tests := []struct {
		name  string
		build func() (crmkit.Calendar, error)
		field string
	}{
		{"start month 0", func() (crmkit.Calendar, error) { return crmkit.NewFiscalCalendar(0, utc) }, "start month"},
		{"start month 13", func() (crmkit.Calendar, error) { return crmkit.NewFiscalCalendar(13, utc) }, "start month"},
		{"start month -1", func() (crmkit.Calendar, error) { return crmkit.NewFiscalCalendar(-1, utc) }, "start month"},
		{"fiscal nil location", func() (crmkit.Calendar, error) { return crmkit.NewFiscalCalendar(time.July, nil) }, "location"},
		{"gregorian nil location", func() (crmkit.Calendar, error) { return crmkit.Gregorian(nil) }, "location"},
		{"nrf nil location", func() (crmkit.Calendar, error) { return crmkit.NRF(nil) }, "location"},
		{"pattern 0", func() (crmkit.Calendar, error) {
			return crmkit.NewRetailCalendar(0, time.January, time.Saturday, crmkit.NearestWeekday, utc)
		}, "retail pattern"},
		{"pattern 4", func() (crmkit.Calendar, error) {
			return crmkit.NewRetailCalendar(4, time.January, time.Saturday, crmkit.NearestWeekday, utc)
		}, "retail pattern"},
		{"year-end month 0", func() (crmkit.Calendar, error) {
			return crmkit.NewRetailCalendar(crmkit.Pattern445, 0, time.Saturday, crmkit.NearestWeekday, utc)
		}, "year-end month"},
		{"year-end month 13", func() (crmkit.Calendar, error) {
			return crmkit.NewRetailCalendar(crmkit.Pattern445, 13, time.Saturday, crmkit.NearestWeekday, utc)
		}, "year-end month"},
		{"weekday 7", func() (crmkit.Calendar, error) {
			return crmkit.NewRetailCalendar(crmkit.Pattern445, time.January, 7, crmkit.NearestWeekday, utc)
		}, "year-end weekday"},
		{"weekday -1", func() (crmkit.Calendar, error) {
			return crmkit.NewRetailCalendar(crmkit.Pattern445, time.January, -1, crmkit.NearestWeekday, utc)
		}, "year-end weekday"},
		{"rule 0", func() (crmkit.Calendar, error) {
			return crmkit.NewRetailCalendar(crmkit.Pattern445, time.January, time.Saturday, 0, utc)
		}, "year-end rule"},
		{"rule 3", func() (crmkit.Calendar, error) {
			return crmkit.NewRetailCalendar(crmkit.Pattern445, time.January, time.Saturday, 3, utc)
		}, "year-end rule"},
		{"retail nil location", func() (crmkit.Calendar, error) {
			return crmkit.NewRetailCalendar(crmkit.Pattern445, time.January, time.Saturday, crmkit.LastWeekday, nil)
		}, "location"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.build()
			require.Error(t, err)
			assert.ErrorIs(t, err, crmkit.ErrInvalid)
			var ve *crmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Equal(t, crmkit.Calendar{}, c, "a failed constructor returns the zero Calendar")
		})
	}
}

func TestCalendarZeroValueIsGregorianUTC(t *testing.T) {
	var zero crmkit.Calendar
	g, err := crmkit.Gregorian(time.UTC)
	require.NoError(t, err)
	assert.Equal(t, time.UTC, zero.Location())
	assert.Equal(t, "fiscal calendar starting in January, UTC", zero.String())

	at := utcDate(2024, 5, 17, 9)
	for _, c := range []crmkit.Calendar{zero, g} {
		assertPeriod(t, period(time.UTC, 2024, 1, 1, 2025, 1, 1), c.Year(at), "year")
		assertPeriod(t, period(time.UTC, 2024, 4, 1, 2024, 7, 1), c.Quarter(at), "quarter")
		assertPeriod(t, period(time.UTC, 2024, 1, 1, 2024, 7, 1), c.Half(at), "half")
		assertPeriod(t, period(time.UTC, 2024, 5, 1, 2024, 6, 1), c.Month(at), "month")
		assert.Equal(t, 2024, c.FiscalYear(at))
		assert.Equal(t, 2, c.FiscalQuarter(at))
		assert.Equal(t, 5, c.FiscalMonth(at))
	}
}

// A US company with a July fiscal year, on the day New York moves its
// clocks forward (10 March 2024, 02:00 -> 03:00).
func TestFiscalJulyNewYork(t *testing.T) {
	ny := loadZone(t, "America/New_York")
	c := mustFiscal(t, time.July, ny)
	at := time.Date(2024, 3, 10, 12, 0, 0, 0, ny)

	assert.Equal(t, 2024, c.FiscalYear(at), "fiscal 2024 ends in June 2024")
	assert.Equal(t, 3, c.FiscalQuarter(at), "Jan-Mar is the third quarter")
	assert.Equal(t, 9, c.FiscalMonth(at), "March is the ninth month from July")
	assert.Equal(t, "fiscal calendar starting in July, America/New_York", c.String())

	day := c.Day(at)
	assertPeriod(t, period(ny, 2024, 3, 10, 2024, 3, 11), day, "day")
	assert.Equal(t, 23*time.Hour, day.Duration(), "the day loses an hour")

	month := c.Month(at)
	assertPeriod(t, period(ny, 2024, 3, 1, 2024, 4, 1), month, "month")
	assert.Equal(t, "2024-03-01T00:00:00-05:00", month.Start.Format(time.RFC3339))
	assert.Equal(t, "2024-04-01T00:00:00-04:00", month.End.Format(time.RFC3339))
	assert.Equal(t, (31*24-1)*time.Hour, month.Duration())

	assertPeriod(t, period(ny, 2024, 1, 1, 2024, 4, 1), c.Quarter(at), "quarter")
	assertPeriod(t, period(ny, 2024, 1, 1, 2024, 7, 1), c.Half(at), "half")
	year := c.Year(at)
	assertPeriod(t, period(ny, 2023, 7, 1, 2024, 7, 1), year, "year")
	assert.Equal(t, 366*24*time.Hour, year.Duration(), "leap year; the DST hour lost in March was gained in November")
	assertPeriod(t, year, c.YearPeriod(2024), "YearPeriod(2024)")

	assertPeriod(t, crmkit.Period{Start: time.Date(2024, 3, 1, 0, 0, 0, 0, ny), End: at}, c.MTD(at), "MTD")
	assertPeriod(t, crmkit.Period{Start: time.Date(2024, 1, 1, 0, 0, 0, 0, ny), End: at}, c.QTD(at), "QTD")
	assertPeriod(t, crmkit.Period{Start: time.Date(2023, 7, 1, 0, 0, 0, 0, ny), End: at}, c.YTD(at), "YTD")

	assertPeriod(t, period(ny, 2023, 3, 1, 2023, 4, 1), c.LastYear(month), "last year's March")
	assertPeriod(t, period(ny, 2022, 7, 1, 2023, 7, 1), c.LastYear(year), "last fiscal year")
	assertPeriod(t, crmkit.Period{
		Start: time.Date(2023, 3, 1, 0, 0, 0, 0, ny),
		End:   time.Date(2023, 3, 10, 12, 0, 0, 0, ny),
	}, c.LastYear(c.MTD(at)), "last year's MTD ends at the same wall clock")

	quarters := c.Quarters(year)
	require.Len(t, quarters, 4)
	assertPeriod(t, period(ny, 2023, 10, 1, 2024, 1, 1), quarters[1], "Q2")
	halves := c.Halves(year)
	require.Len(t, halves, 2)
	assertPeriod(t, period(ny, 2023, 7, 1, 2024, 1, 1), halves[0], "H1")
}

// The Australian fiscal year (July to June) in Sydney, where clocks go
// forward on the first Sunday of October and back on the first Sunday of
// April.
func TestFiscalJulySydney(t *testing.T) {
	syd := loadZone(t, "Australia/Sydney")
	c := mustFiscal(t, time.July, syd)
	at := time.Date(2024, 10, 6, 9, 0, 0, 0, syd)

	assert.Equal(t, 2025, c.FiscalYear(at))
	assert.Equal(t, 2, c.FiscalQuarter(at))
	assert.Equal(t, 4, c.FiscalMonth(at))
	oct := c.Month(at)
	assertPeriod(t, period(syd, 2024, 10, 1, 2024, 11, 1), oct, "October")
	assert.Equal(t, "2024-10-01T00:00:00+10:00", oct.Start.Format(time.RFC3339))
	assert.Equal(t, "2024-11-01T00:00:00+11:00", oct.End.Format(time.RFC3339))
	assert.Equal(t, (31*24-1)*time.Hour, oct.Duration())

	year := c.YearPeriod(2025)
	assertPeriod(t, period(syd, 2024, 7, 1, 2025, 7, 1), year, "FY2025")
	assert.Equal(t, 365*24*time.Hour, year.Duration())
	months := c.Months(year)
	require.Len(t, months, 12)
	apr := months[9]
	assertPeriod(t, period(syd, 2025, 4, 1, 2025, 5, 1), apr, "April 2025")
	assert.Equal(t, (30*24+1)*time.Hour, apr.Duration(), "April gains the hour back")
}

// The Indian fiscal year (April to March) in Kolkata, UTC+05:30.
func TestFiscalAprilKolkata(t *testing.T) {
	kol := loadZone(t, "Asia/Kolkata")
	c := mustFiscal(t, time.April, kol)
	last := time.Date(2025, 3, 31, 23, 59, 59, 999999999, kol)
	first := time.Date(2025, 4, 1, 0, 0, 0, 0, kol)

	assert.Equal(t, 2025, c.FiscalYear(last))
	assert.Equal(t, 4, c.FiscalQuarter(last))
	assert.Equal(t, 12, c.FiscalMonth(last))
	assert.Equal(t, 2026, c.FiscalYear(first))
	assert.Equal(t, 1, c.FiscalQuarter(first))
	assert.Equal(t, 1, c.FiscalMonth(first))
	y := c.Year(first)
	assert.Equal(t, "2025-03-31T18:30:00Z", y.Start.UTC().Format(time.RFC3339))
	assert.Equal(t, "2026-03-31T18:30:00Z", y.End.UTC().Format(time.RFC3339))
	assert.True(t, c.Year(last).End.Equal(y.Start))
	assert.True(t, c.YTD(first).IsEmpty(), "YTD at the first instant of a year is empty")
}

func TestGregorianBudapestAndChatham(t *testing.T) {
	bud := loadZone(t, "Europe/Budapest")
	c := mustFiscal(t, time.January, bud)
	oct := c.Month(time.Date(2024, 10, 27, 2, 30, 0, 0, bud)) // the repeated hour
	assert.Equal(t, (31*24+1)*time.Hour, oct.Duration())
	h2 := c.Half(time.Date(2024, 12, 31, 23, 0, 0, 0, bud))
	assertPeriod(t, period(bud, 2024, 7, 1, 2025, 1, 1), h2, "H2 2024")
	assert.Equal(t, (184*24+1)*time.Hour, h2.Duration())

	cha := loadZone(t, "Pacific/Chatham")
	g, err := crmkit.Gregorian(cha)
	require.NoError(t, err)
	y := g.YearPeriod(2024)
	assert.Equal(t, "2024-01-01T00:00:00+13:45", y.Start.Format(time.RFC3339))
	assert.Equal(t, "2023-12-31T10:15:00Z", y.Start.UTC().Format(time.RFC3339))
	assert.Equal(t, 366*24*time.Hour, y.Duration())
	assert.Equal(t, 2024, g.FiscalYear(time.Date(2023, 12, 31, 10, 15, 0, 0, time.UTC)))
	assert.Equal(t, 2023, g.FiscalYear(time.Date(2023, 12, 31, 10, 14, 59, 0, time.UTC)))
}

// Havana moves its clocks forward at midnight: on 10 March 2024 the wall
// clock went from 23:59:59 on the 9th straight to 01:00 on the 10th. The
// 10th starts at 01:00 and lasts 23 hours; the 9th keeps all 24.
func TestDayWhereMidnightIsSkipped(t *testing.T) {
	hav := loadZone(t, "America/Havana")
	c := mustFiscal(t, time.January, hav)

	day := c.Day(time.Date(2024, 3, 10, 12, 0, 0, 0, hav))
	assert.Equal(t, "2024-03-10T01:00:00-04:00", day.Start.Format(time.RFC3339))
	assert.Equal(t, "2024-03-11T00:00:00-04:00", day.End.Format(time.RFC3339))
	assert.Equal(t, 23*time.Hour, day.Duration())

	before := time.Date(2024, 3, 9, 23, 30, 0, 0, hav)
	assert.Equal(t, "2024-03-09T23:30:00-05:00", before.Format(time.RFC3339))
	prev := c.Day(before)
	assert.Equal(t, "2024-03-09T00:00:00-05:00", prev.Start.Format(time.RFC3339))
	assert.True(t, prev.End.Equal(day.Start))
	assert.Equal(t, 24*time.Hour, prev.Duration())

	// Kolkata's clocks jumped from Madras time (+05:21:10) to IST (+05:30)
	// at midnight on 1 January 1906, so that year started at 00:08:50.
	kol := loadZone(t, "Asia/Kolkata")
	y1906 := mustFiscal(t, time.January, kol).YearPeriod(1906)
	assert.Equal(t, "1906-01-01T00:08:50+05:30", y1906.Start.Format(time.RFC3339))
	assert.Equal(t, 1905, y1906.Start.Add(-time.Nanosecond).In(kol).Year())
}

func TestLastYearLeapDay(t *testing.T) {
	var c crmkit.Calendar // Gregorian, UTC
	at := utcDate(2024, 2, 29, 12)

	// The month to noon on 29 February compares with all of February 2023.
	assertPeriod(t, period(time.UTC, 2023, 2, 1, 2023, 3, 1), c.LastYear(c.MTD(at)), "MTD")
	// Through the whole of 29 February: the same.
	through := crmkit.Period{Start: c.MTD(at).Start, End: c.Day(at).End}
	assertPeriod(t, period(time.UTC, 2024, 2, 1, 2024, 3, 1), through, "MTD through the day")
	assertPeriod(t, period(time.UTC, 2023, 2, 1, 2023, 3, 1), c.LastYear(through), "MTD through the day, last year")
	// 29 February itself has no counterpart.
	ly := c.LastYear(c.Day(at))
	assert.True(t, ly.IsEmpty())
	assert.True(t, ly.Start.Equal(utcDate(2023, 3, 1, 0)))
	// Each end moves separately: 28 February 2025 (which ends at 1 March)
	// compares with 28 and 29 February 2024, so that February stays whole.
	assertPeriod(t, period(time.UTC, 2024, 2, 28, 2024, 3, 1), c.LastYear(c.Day(utcDate(2025, 2, 28, 3))), "28 Feb")
	assertPeriod(t, period(time.UTC, 2024, 2, 27, 2024, 2, 28), c.LastYear(c.Day(utcDate(2025, 2, 27, 3))), "27 Feb")
	assertPeriod(t, period(time.UTC, 2024, 2, 1, 2024, 3, 1), c.LastYear(c.Month(utcDate(2025, 2, 28, 3))), "Feb 2025")
	// YTD to 1 March 2024 10:00 (day 61) compares with YTD to 1 March 2023 10:00 (day 60).
	assertPeriod(t, crmkit.Period{Start: utcDate(2023, 1, 1, 0), End: utcDate(2023, 3, 1, 10)},
		c.LastYear(c.YTD(utcDate(2024, 3, 1, 10))), "YTD")
}

// The NRF 4-5-4 calendar: the year ends on the Saturday nearest 31 January.
// Expected dates from the NRF's published calendars: its fiscal 2023 (here
// FY2024) ran 29 January 2023 to 3 February 2024 and had 53 weeks; its
// fiscal 2024 (here FY2025) runs 4 February 2024 to 1 February 2025.
func TestRetailNRF(t *testing.T) {
	ny := loadZone(t, "America/New_York")
	c, err := crmkit.NRF(ny)
	require.NoError(t, err)
	assert.Equal(t, "retail 4-5-4 calendar ending on the nearest Saturday of January, America/New_York", c.String())

	fy2025 := c.YearPeriod(2025)
	assertPeriod(t, period(ny, 2024, 2, 4, 2025, 2, 2), fy2025, "FY2025")
	starts := []struct {
		m time.Month
		d int
	}{{2, 4}, {3, 3}, {4, 7}, {5, 5}, {6, 2}, {7, 7}, {8, 4}, {9, 1}, {10, 6}, {11, 3}, {12, 1}, {1, 5}}
	months := c.Months(fy2025)
	require.Len(t, months, 12)
	for i, s := range starts {
		y := 2024
		if s.m == time.January {
			y = 2025
		}
		assert.True(t, months[i].Start.Equal(time.Date(y, s.m, s.d, 0, 0, 0, 0, ny)), "month %d starts %v", i+1, months[i].Start)
	}
	quarters := c.Quarters(fy2025)
	require.Len(t, quarters, 4)
	assertPeriod(t, period(ny, 2024, 5, 5, 2024, 8, 4), quarters[1], "Q2")

	fy2024 := c.YearPeriod(2024)
	assertPeriod(t, period(ny, 2023, 1, 29, 2024, 2, 4), fy2024, "FY2024 (53 weeks)")
	lastDay := time.Date(2024, 2, 3, 12, 0, 0, 0, ny)
	assert.Equal(t, 2024, c.FiscalYear(lastDay))
	assert.Equal(t, 4, c.FiscalQuarter(lastDay))
	assert.Equal(t, 12, c.FiscalMonth(lastDay))
	jan := c.Month(lastDay)
	assertPeriod(t, period(ny, 2023, 12, 31, 2024, 2, 4), jan, "the 53rd week goes to the last month")
	assertPeriod(t, period(ny, 2023, 10, 29, 2024, 2, 4), c.Quarter(lastDay), "Q4 has 14 weeks")
	assertPeriod(t, period(ny, 2023, 7, 30, 2024, 2, 4), c.Half(lastDay), "H2")

	next := time.Date(2024, 2, 4, 0, 0, 0, 0, ny)
	assert.Equal(t, 2025, c.FiscalYear(next))
	assertPeriod(t, period(ny, 2024, 2, 4, 2024, 3, 3), c.Month(next), "first month")
	assertPeriod(t, period(ny, 2024, 2, 4, 2024, 8, 4), c.Half(next), "H1")

	// Last year: the same weeks one year earlier.
	assertPeriod(t, fy2024, c.LastYear(fy2025), "last year of FY2025")
	assertPeriod(t, period(ny, 2023, 1, 1, 2023, 1, 29), c.LastYear(jan), "the 5-week January maps onto the 4-week one")
	ly := c.LastYear(c.Day(time.Date(2024, 2, 1, 9, 0, 0, 0, ny)))
	assert.True(t, ly.IsEmpty(), "a day of the 53rd week has no counterpart")
	assert.True(t, ly.Start.Equal(time.Date(2023, 1, 29, 0, 0, 0, 0, ny)))
	// The second month of FY2025 starts on day 29 (3 March 2024), that of
	// FY2024 on 26 February 2023. Thursday 14 March 2024 11:00 is day 40 of
	// FY2025; day 40 of FY2024 is Thursday 9 March 2023.
	assertPeriod(t, crmkit.Period{
		Start: time.Date(2023, 2, 26, 0, 0, 0, 0, ny),
		End:   time.Date(2023, 3, 9, 11, 0, 0, 0, ny),
	}, c.LastYear(c.MTD(time.Date(2024, 3, 14, 11, 0, 0, 0, ny))), "MTD last year")
}

// A 4-4-5 calendar whose year ends on the last Saturday of December.
func TestRetail445LastSaturdayOfDecember(t *testing.T) {
	c := mustRetail(t, crmkit.Pattern445, time.December, time.Saturday, crmkit.LastWeekday, time.UTC)
	fy := c.YearPeriod(2024)
	assertPeriod(t, period(time.UTC, 2023, 12, 31, 2024, 12, 29), fy, "FY2024")
	want := []crmkit.Period{
		period(time.UTC, 2023, 12, 31, 2024, 1, 28),
		period(time.UTC, 2024, 1, 28, 2024, 2, 25),
		period(time.UTC, 2024, 2, 25, 2024, 3, 31),
		period(time.UTC, 2024, 3, 31, 2024, 4, 28),
		period(time.UTC, 2024, 4, 28, 2024, 5, 26),
		period(time.UTC, 2024, 5, 26, 2024, 6, 30),
		period(time.UTC, 2024, 6, 30, 2024, 7, 28),
		period(time.UTC, 2024, 7, 28, 2024, 8, 25),
		period(time.UTC, 2024, 8, 25, 2024, 9, 29),
		period(time.UTC, 2024, 9, 29, 2024, 10, 27),
		period(time.UTC, 2024, 10, 27, 2024, 11, 24),
		period(time.UTC, 2024, 11, 24, 2024, 12, 29),
	}
	got := c.Months(fy)
	require.Len(t, got, 12)
	for i := range want {
		assertPeriod(t, want[i], got[i], "month")
	}
}

func TestRetail544AndNearestDecember(t *testing.T) {
	c544 := mustRetail(t, crmkit.Pattern544, time.January, time.Saturday, crmkit.NearestWeekday, time.UTC)
	assertPeriod(t, period(time.UTC, 2024, 2, 4, 2024, 3, 10), c544.Month(utcDate(2024, 3, 9, 23)), "first month has 5 weeks")
	assertPeriod(t, period(time.UTC, 2024, 3, 10, 2024, 4, 7), c544.Month(utcDate(2024, 3, 10, 0)), "second month has 4")

	// 31 December 2020 was a Thursday: the nearest Saturday is 2 January 2021,
	// so that day still belongs to fiscal 2020.
	dec := mustRetail(t, crmkit.Pattern454, time.December, time.Saturday, crmkit.NearestWeekday, time.UTC)
	assert.Equal(t, 2020, dec.FiscalYear(utcDate(2021, 1, 2, 23)))
	assert.Equal(t, 2021, dec.FiscalYear(utcDate(2021, 1, 3, 0)))
	assertPeriod(t, period(time.UTC, 2019, 12, 29, 2021, 1, 3), dec.YearPeriod(2020), "FY2020 has 53 weeks")
}

func TestSplitClipsToPeriod(t *testing.T) {
	var c crmkit.Calendar
	p := crmkit.Period{Start: utcDate(2024, 1, 15, 6), End: utcDate(2024, 4, 10, 0)}
	months := c.Months(p)
	require.Len(t, months, 4)
	assertPeriod(t, crmkit.Period{Start: utcDate(2024, 1, 15, 6), End: utcDate(2024, 2, 1, 0)}, months[0], "first")
	assertPeriod(t, period(time.UTC, 2024, 2, 1, 2024, 3, 1), months[1], "second")
	assertPeriod(t, period(time.UTC, 2024, 4, 1, 2024, 4, 10), months[3], "last")
	quarters := c.Quarters(p)
	require.Len(t, quarters, 2)
	assertPeriod(t, crmkit.Period{Start: utcDate(2024, 1, 15, 6), End: utcDate(2024, 4, 1, 0)}, quarters[0], "Q1 part")

	assert.Nil(t, c.Months(crmkit.Period{Start: p.Start, End: p.Start}), "empty period")
	assert.Nil(t, c.Months(crmkit.Period{Start: p.End, End: p.Start}), "reversed literal")
	inside := crmkit.Period{Start: utcDate(2024, 5, 2, 0), End: utcDate(2024, 5, 3, 0)}
	got := c.Months(inside)
	require.Len(t, got, 1)
	assertPeriod(t, inside, got[0], "inside one month")
}

// --- properties ---

// calCase is a calendar drawn by rapid, with its parameters for the oracles.
type calCase struct {
	cal      crmkit.Calendar
	loc      *time.Location
	retail   bool
	pattern  crmkit.RetailPattern
	start    time.Month // fiscal
	endMonth time.Month // retail
	weekday  time.Weekday
	rule     crmkit.YearEndRule
}

func drawCalendar(t *rapid.T, locs []*time.Location) calCase {
	loc := rapid.SampledFrom(locs).Draw(t, "zone")
	if rapid.Bool().Draw(t, "retail") {
		cc := calCase{
			loc:      loc,
			retail:   true,
			endMonth: time.Month(rapid.IntRange(1, 12).Draw(t, "endMonth")),
			weekday:  time.Weekday(rapid.IntRange(0, 6).Draw(t, "weekday")),
			rule:     crmkit.YearEndRule(rapid.IntRange(1, 2).Draw(t, "rule")),
		}
		cc.pattern = crmkit.RetailPattern(rapid.IntRange(1, 3).Draw(t, "pattern"))
		c, err := crmkit.NewRetailCalendar(cc.pattern, cc.endMonth, cc.weekday, cc.rule, loc)
		if err != nil {
			t.Fatal(err)
		}
		cc.cal = c
		return cc
	}
	cc := calCase{loc: loc, start: time.Month(rapid.IntRange(1, 12).Draw(t, "start"))}
	c, err := crmkit.NewFiscalCalendar(cc.start, loc)
	if err != nil {
		t.Fatal(err)
	}
	cc.cal = c
	return cc
}

// drawTime draws an instant between 1900 and 2200, half the time a local
// wall clock near midnight, where boundaries and DST changes happen.
func drawTime(t *rapid.T, loc *time.Location) time.Time {
	if rapid.Bool().Draw(t, "nearMidnight") {
		y := rapid.IntRange(1900, 2200).Draw(t, "y")
		m := time.Month(rapid.IntRange(1, 12).Draw(t, "m"))
		d := rapid.IntRange(1, 31).Draw(t, "d")
		h := rapid.SampledFrom([]int{-2, -1, 0, 1, 2, 3}).Draw(t, "h")
		ns := rapid.Int64Range(0, int64(time.Hour)-1).Draw(t, "ns")
		return time.Date(y, m, d, h, 0, 0, int(ns), loc)
	}
	lo := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	return time.Unix(rapid.Int64Range(lo, hi).Draw(t, "unix"), rapid.Int64Range(0, 999999999).Draw(t, "nsec")).In(loc)
}

// localDay returns the local civil date of a boundary as a day count, robust
// to zones where midnight is resolved to 23:00 or 01:00.
func localDay(b time.Time, loc *time.Location) int {
	y, m, d := b.Add(12 * time.Hour).In(loc).Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// startOfDay is the test's own oracle for the first instant of a local
// date: a binary search, by the second, for the first instant whose local
// date is not before it. It agrees with time.Date except on the days whose
// midnight a clock change skips.
func startOfDay(y int, m time.Month, d int, loc *time.Location) time.Time {
	want := time.Date(y, m, d, 0, 0, 0, 0, time.UTC) // normalises m > 12
	before := func(t time.Time) bool {
		ly, lm, ld := t.In(loc).Date()
		return time.Date(ly, lm, ld, 0, 0, 0, 0, time.UTC).Before(want)
	}
	lo, hi := want.Add(-26*time.Hour).Unix(), want.Add(26*time.Hour).Unix() // before(lo), !before(hi)
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if before(time.Unix(mid, 0)) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return time.Unix(hi, 0).In(loc)
}

// calTB is what the checks need from *testing.T and *rapid.T.
type calTB interface {
	Helper()
	Fatalf(format string, args ...any)
}

func within(inner, outer crmkit.Period) bool {
	return !inner.Start.Before(outer.Start) && !inner.End.After(outer.End)
}

// checkTiles fails unless parts tile whole: in order, no gap, no overlap.
func checkTiles(t calTB, whole crmkit.Period, parts []crmkit.Period, what string) {
	t.Helper()
	if len(parts) == 0 {
		t.Fatalf("%s: no parts for %v", what, whole)
	}
	if !parts[0].Start.Equal(whole.Start) || !parts[len(parts)-1].End.Equal(whole.End) {
		t.Fatalf("%s: parts %v do not span %v", what, parts, whole)
	}
	for i, p := range parts {
		if p.IsEmpty() {
			t.Fatalf("%s: part %d %v is empty", what, i, p)
		}
		if i > 0 && !parts[i-1].End.Equal(p.Start) {
			t.Fatalf("%s: gap or overlap between %v and %v", what, parts[i-1], p)
		}
	}
}

// The months of a fiscal year tile it, for every start month and zone, and
// each month starts at local midnight on the first of the expected calendar
// month.
func TestFiscalMonthsTileYearEveryStartMonthAndZone(t *testing.T) {
	locs := calZones(t)
	years := []int{1970, 1999, 2000, 2001, 2023, 2024, 2025, 2026, 2100}
	for _, loc := range locs {
		for start := time.January; start <= time.December; start++ {
			c := mustFiscal(t, start, loc)
			for _, fy := range years {
				checkFiscalYear(t, c, loc, start, fy)
			}
		}
	}
}

func TestFiscalMonthsTileYearProperty(t *testing.T) {
	locs := calZones(t)
	rapid.Check(t, func(rt *rapid.T) {
		loc := rapid.SampledFrom(locs).Draw(rt, "zone")
		start := time.Month(rapid.IntRange(1, 12).Draw(rt, "start"))
		fy := rapid.IntRange(2, 9999).Draw(rt, "fy") // FY1 may start in year 0
		c, err := crmkit.NewFiscalCalendar(start, loc)
		if err != nil {
			rt.Fatal(err)
		}
		checkFiscalYear(rt, c, loc, start, fy)
	})
}

func checkFiscalYear(t calTB, c crmkit.Calendar, loc *time.Location, start time.Month, fy int) {
	t.Helper()
	firstYear := fy - 1 // fiscal years are named by the year they end in
	if start == time.January {
		firstYear = fy
	}
	year := c.YearPeriod(fy)
	months := c.Months(year)
	if len(months) != 12 {
		t.Fatalf("%v FY%d: %d months", c, fy, len(months))
	}
	checkTiles(t, year, months, "months")
	for k, m := range months {
		want := startOfDay(firstYear, start+time.Month(k), 1, loc)
		if !m.Start.Equal(want) {
			t.Fatalf("%v FY%d month %d starts %v, want %v", c, fy, k+1, m.Start, want)
		}
		if got := c.FiscalMonth(m.Start); got != k+1 {
			t.Fatalf("%v: FiscalMonth(%v) = %d, want %d", c, m.Start, got, k+1)
		}
		if got := c.FiscalYear(m.End.Add(-time.Nanosecond)); got != fy {
			t.Fatalf("%v: FiscalYear(%v) = %d, want %d", c, m.End.Add(-1), got, fy)
		}
	}
	quarters := c.Quarters(year)
	if len(quarters) != 4 {
		t.Fatalf("%v FY%d: %d quarters", c, fy, len(quarters))
	}
	checkTiles(t, year, quarters, "quarters")
	for q := range quarters {
		if !quarters[q].Start.Equal(months[3*q].Start) {
			t.Fatalf("%v: quarter %d starts %v, month %d %v", c, q+1, quarters[q].Start, 3*q+1, months[3*q].Start)
		}
	}
	halves := c.Halves(year)
	if len(halves) != 2 || !halves[1].Start.Equal(months[6].Start) {
		t.Fatalf("%v FY%d: halves %v", c, fy, halves)
	}
	checkTiles(t, year, halves, "halves")
}

// Every answer contains the time asked about, and the units nest:
// day within month within quarter within half within year.
func TestCalendarAnswersContainTimeAndNest(t *testing.T) {
	locs := calZones(t)
	rapid.Check(t, func(rt *rapid.T) {
		cc := drawCalendar(rt, locs)
		c := cc.cal
		at := drawTime(rt, cc.loc)

		day, month, quarter, half, year := c.Day(at), c.Month(at), c.Quarter(at), c.Half(at), c.Year(at)
		chain := []crmkit.Period{day, month, quarter, half, year}
		for i, p := range chain {
			if !p.Contains(at) {
				rt.Fatalf("%v: unit %d %v does not contain %v", c, i, p, at)
			}
			if i > 0 && !within(chain[i-1], p) {
				rt.Fatalf("%v: %v not within %v", c, chain[i-1], p)
			}
		}
		if y, m, d := day.Start.In(cc.loc).Date(); !day.Start.Equal(startOfDay(y, m, d, cc.loc)) {
			rt.Fatalf("%v: day %v does not start at the first instant of its date", c, day)
		}
		fy := c.FiscalYear(at)
		if !c.YearPeriod(fy).Equal(year) {
			rt.Fatalf("%v: YearPeriod(%d) = %v, Year = %v", c, fy, c.YearPeriod(fy), year)
		}
		months := c.Months(year)
		if len(months) != 12 {
			rt.Fatalf("%v: %d months in %v", c, len(months), year)
		}
		checkTiles(rt, year, months, "months")
		if !months[c.FiscalMonth(at)-1].Equal(month) {
			rt.Fatalf("%v: FiscalMonth %d but Month %v", c, c.FiscalMonth(at), month)
		}
		if !c.Quarters(year)[c.FiscalQuarter(at)-1].Equal(quarter) {
			rt.Fatalf("%v: FiscalQuarter %d but Quarter %v", c, c.FiscalQuarter(at), quarter)
		}
		// The neighbouring months are the months of the neighbouring instants.
		if !c.Month(month.End).Start.Equal(month.End) || !c.Month(month.Start.Add(-time.Nanosecond)).End.Equal(month.Start) {
			rt.Fatalf("%v: months around %v do not join", c, month)
		}
		if cc.retail {
			checkRetailYear(rt, cc, year, months)
		}
	})
}

// checkRetailYear checks a retail year against the rules in days, counted on
// local dates: 52 or 53 weeks, months of whole weeks, and a year-end day of
// the right weekday placed by the rule.
func checkRetailYear(t *rapid.T, cc calCase, year crmkit.Period, months []crmkit.Period) {
	first, end := localDay(year.Start, cc.loc), localDay(year.End, cc.loc)
	if n := end - first; n != 364 && n != 371 {
		t.Fatalf("%v: year %v has %d days", cc.cal, year, n)
	}
	weeks := map[crmkit.RetailPattern][3]int{
		crmkit.Pattern445: {4, 4, 5},
		crmkit.Pattern454: {4, 5, 4},
		crmkit.Pattern544: {5, 4, 4},
	}[cc.pattern]
	for i, m := range months {
		want := 7 * weeks[i%3]
		if i == 11 && end-first == 371 {
			want += 7 // the 53rd week
		}
		if n := localDay(m.End, cc.loc) - localDay(m.Start, cc.loc); n != want {
			t.Fatalf("%v: month %d %v has %d days, want %d", cc.cal, i+1, m, n, want)
		}
	}
	lastDay := time.Unix(int64(end-1)*86400, 0).UTC() // civil date of the year's last day
	if lastDay.Weekday() != cc.weekday {
		t.Fatalf("%v: year ends on %v, a %v", cc.cal, lastDay, lastDay.Weekday())
	}
	monthEnd := time.Date(lastDay.Year(), lastDay.Month()+1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	switch cc.rule {
	case crmkit.LastWeekday:
		if lastDay.Month() != cc.endMonth || monthEnd.Sub(lastDay) >= 7*24*time.Hour {
			t.Fatalf("%v: %v is not the last %v of %v", cc.cal, lastDay, cc.weekday, cc.endMonth)
		}
	case crmkit.NearestWeekday:
		target := time.Date(lastDay.Year(), cc.endMonth+1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
		if lastDay.Month() != cc.endMonth { // spilled into the next month
			target = time.Date(lastDay.Year(), lastDay.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
		}
		if diff := lastDay.Sub(target); diff < -3*24*time.Hour || diff > 3*24*time.Hour {
			t.Fatalf("%v: %v is %v from the end of %v", cc.cal, lastDay, diff, target)
		}
	}
}

// MTD within QTD within YTD, all ending at the time asked about.
func TestToDateNests(t *testing.T) {
	locs := calZones(t)
	rapid.Check(t, func(rt *rapid.T) {
		cc := drawCalendar(rt, locs)
		c := cc.cal
		at := drawTime(rt, cc.loc)
		mtd, qtd, ytd := c.MTD(at), c.QTD(at), c.YTD(at)
		for _, p := range []crmkit.Period{mtd, qtd, ytd} {
			if !p.End.Equal(at) || p.Start.After(at) {
				rt.Fatalf("%v: to-date period %v does not end at %v", c, p, at)
			}
		}
		if !within(mtd, qtd) || !within(qtd, ytd) {
			rt.Fatalf("%v: MTD %v, QTD %v, YTD %v do not nest", c, mtd, qtd, ytd)
		}
		if !mtd.Start.Equal(c.Month(at).Start) || !qtd.Start.Equal(c.Quarter(at).Start) || !ytd.Start.Equal(c.Year(at).Start) {
			rt.Fatalf("%v: to-date periods do not start at their unit's start", c)
		}
	})
}

// Last year's month, quarter, half and year are whole units of the previous
// fiscal year with the same number of months, and last year's MTD lies in
// last year's month.
func TestLastYearSameLengthInMonths(t *testing.T) {
	locs := calZones(t)
	rapid.Check(t, func(rt *rapid.T) {
		cc := drawCalendar(rt, locs)
		c := cc.cal
		at := drawTime(rt, cc.loc)
		fy := c.FiscalYear(at)

		units := []struct {
			p      crmkit.Period
			months int
		}{{c.Month(at), 1}, {c.Quarter(at), 3}, {c.Half(at), 6}, {c.Year(at), 12}}
		for _, u := range units {
			ly := c.LastYear(u.p)
			months := c.Months(ly)
			if len(months) != u.months {
				rt.Fatalf("%v: LastYear(%v) = %v has %d months, want %d", c, u.p, ly, len(months), u.months)
			}
			checkTiles(rt, ly, months, "last year's months")
			if !months[0].Equal(c.Month(ly.Start)) || !months[len(months)-1].Equal(c.Month(ly.End.Add(-time.Nanosecond))) {
				rt.Fatalf("%v: LastYear(%v) = %v is not whole months", c, u.p, ly)
			}
			if got := c.FiscalYear(ly.Start); got != fy-1 {
				rt.Fatalf("%v: LastYear(%v) is in FY%d, want FY%d", c, u.p, got, fy-1)
			}
			if c.FiscalMonth(ly.Start) != c.FiscalMonth(u.p.Start) {
				rt.Fatalf("%v: LastYear(%v) starts in fiscal month %d, want %d", c, u.p, c.FiscalMonth(ly.Start), c.FiscalMonth(u.p.Start))
			}
		}
		if !cc.retail {
			// Fiscal months are calendar months: the same month, a year earlier.
			y, m, _ := c.Month(at).Start.Add(12 * time.Hour).In(cc.loc).Date()
			want := startOfDay(y-1, m, 1, cc.loc)
			if got := c.LastYear(c.Month(at)).Start; !got.Equal(want) {
				rt.Fatalf("%v: last year's month starts %v, want %v", c, got, want)
			}
		}
		lyMonth := c.LastYear(c.Month(at))
		lyMTD := c.LastYear(c.MTD(at))
		if !lyMTD.Start.Equal(lyMonth.Start) || lyMTD.End.After(lyMonth.End) || lyMTD.End.Before(lyMTD.Start) {
			rt.Fatalf("%v: LastYear(MTD) %v not at the start of %v", c, lyMTD, lyMonth)
		}
		lyYTD := c.LastYear(c.YTD(at))
		if !within(lyMTD, lyYTD) || !lyYTD.Start.Equal(c.YearPeriod(fy-1).Start) {
			rt.Fatalf("%v: LastYear(YTD) %v, LastYear(MTD) %v", c, lyYTD, lyMTD)
		}
	})
}

// Splitting any period tiles it, and every piece lies within one unit.
func TestSplitTilesAnyPeriod(t *testing.T) {
	locs := calZones(t)
	rapid.Check(t, func(rt *rapid.T) {
		cc := drawCalendar(rt, locs)
		c := cc.cal
		a := drawTime(rt, cc.loc)
		b := a.Add(time.Duration(rapid.Int64Range(0, 3*366*24).Draw(rt, "hours")) * time.Hour)
		p, err := crmkit.NewPeriod(a, b)
		if err != nil {
			rt.Fatal(err)
		}
		for _, s := range []struct {
			name  string
			parts []crmkit.Period
			unit  func(time.Time) crmkit.Period
		}{{"months", c.Months(p), c.Month}, {"quarters", c.Quarters(p), c.Quarter}, {"halves", c.Halves(p), c.Half}} {
			if p.IsEmpty() {
				if s.parts != nil {
					rt.Fatalf("%s of empty period: %v", s.name, s.parts)
				}
				continue
			}
			checkTiles(rt, p, s.parts, s.name)
			for _, q := range s.parts {
				u := s.unit(q.Start)
				if !within(q, u) {
					rt.Fatalf("%v: %s piece %v crosses %v", c, s.name, q, u)
				}
			}
		}
	})
}

func BenchmarkCalendarMonth(b *testing.B) {
	ny := loadZone(b, "America/New_York")
	fiscal := mustFiscal(b, time.July, ny)
	nrf, err := crmkit.NRF(ny)
	require.NoError(b, err)
	at := time.Date(2024, 3, 14, 12, 0, 0, 0, ny)
	for _, bc := range []struct {
		name string
		c    crmkit.Calendar
	}{{"fiscal", fiscal}, {"retail", nrf}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = bc.c.Month(at)
			}
		})
		b.Run(bc.name+"/MonthsOfYear", func(b *testing.B) {
			year := bc.c.Year(at)
			b.ReportAllocs()
			for b.Loop() {
				_ = bc.c.Months(year)
			}
		})
	}
}
