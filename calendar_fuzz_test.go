package crmkit_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
)

// fuzzZone picks one of the test zones, or nil (an invalid location) for
// the index just past them.
func fuzzZone(t *testing.T, i uint8) *time.Location {
	n := int(i) % (len(calZoneNames) + 1)
	if n == len(calZoneNames) {
		return nil
	}
	return loadZone(t, calZoneNames[n])
}

// fuzzInRange reports whether t is well inside the supported years, where
// the results are specified (and a year on either side for fiscal years
// that start or end in the neighbouring calendar year).
func fuzzInRange(t time.Time) bool {
	return t.After(time.Date(2, 1, 1, 0, 0, 0, 0, time.UTC)) && t.Before(time.Date(9998, 1, 1, 0, 0, 0, 0, time.UTC))
}

// FuzzNewPeriod: NewPeriod rejects exactly the periods whose end is before
// their start, with ErrInvalid, and accepted periods are half-open.
func FuzzNewPeriod(f *testing.F) {
	f.Add(int64(0), int64(0), int64(0), int64(0))
	f.Add(int64(1709251200), int64(0), int64(1711929600), int64(0))
	f.Add(int64(1711929600), int64(0), int64(1709251200), int64(0))
	f.Add(int64(100), int64(1), int64(100), int64(0))
	f.Add(int64(math.MinInt64), int64(math.MinInt64), int64(math.MaxInt64), int64(math.MaxInt64))
	f.Fuzz(func(t *testing.T, s, sn, e, en int64) {
		start, end := time.Unix(s, sn), time.Unix(e, en)
		p, err := crmkit.NewPeriod(start, end)
		if end.Before(start) {
			if !errors.Is(err, crmkit.ErrInvalid) {
				t.Fatalf("NewPeriod(%v, %v) = %v, %v; want ErrInvalid", start, end, p, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("NewPeriod(%v, %v): %v", start, end, err)
		}
		if !p.Start.Equal(start) || !p.End.Equal(end) {
			t.Fatalf("NewPeriod(%v, %v) = %v", start, end, p)
		}
		if p.Contains(end) || p.Contains(start) == p.IsEmpty() || p.Duration() < 0 {
			t.Fatalf("%v: Contains(start) %v, Contains(end) %v, IsEmpty %v, Duration %v",
				p, p.Contains(start), p.Contains(end), p.IsEmpty(), p.Duration())
		}
		if q, ok := p.Intersect(p); ok == p.IsEmpty() || (ok && !q.Equal(p)) {
			t.Fatalf("%v intersected with itself: %v, %v", p, q, ok)
		}
		_ = p.String()
	})
}

// FuzzNewFiscalCalendar: any start month and zone either builds a calendar
// or fails with ErrInvalid, and a built calendar answers without panicking.
func FuzzNewFiscalCalendar(f *testing.F) {
	for m := -1; m <= 13; m++ {
		f.Add(m, uint8(m+1), int64(1709251200))
	}
	f.Add(7, uint8(len(calZoneNames)), int64(0)) // nil location
	f.Fuzz(func(t *testing.T, month int, zone uint8, unix int64) {
		loc := fuzzZone(t, zone)
		c, err := crmkit.NewFiscalCalendar(time.Month(month), loc)
		valid := month >= 1 && month <= 12 && loc != nil
		if !valid {
			if !errors.Is(err, crmkit.ErrInvalid) {
				t.Fatalf("NewFiscalCalendar(%d, %v): err %v, want ErrInvalid", month, loc, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("NewFiscalCalendar(%d, %v): %v", month, loc, err)
		}
		checkAnswers(t, c, time.Unix(unix, 0))
	})
}

// FuzzNewRetailCalendar: the same for retail calendars.
func FuzzNewRetailCalendar(f *testing.F) {
	f.Add(uint8(2), 1, 6, uint8(2), uint8(1), int64(1706918400)) // NRF
	f.Add(uint8(1), 12, 6, uint8(1), uint8(0), int64(0))
	f.Add(uint8(3), 8, 0, uint8(2), uint8(4), int64(-1))
	f.Add(uint8(0), 1, 6, uint8(2), uint8(0), int64(0))
	f.Add(uint8(4), 1, 6, uint8(2), uint8(0), int64(0))
	f.Add(uint8(1), 0, 6, uint8(2), uint8(0), int64(0))
	f.Add(uint8(1), 13, 6, uint8(2), uint8(0), int64(0))
	f.Add(uint8(1), 1, 7, uint8(2), uint8(0), int64(0))
	f.Add(uint8(1), 1, -1, uint8(2), uint8(0), int64(0))
	f.Add(uint8(1), 1, 6, uint8(0), uint8(0), int64(0))
	f.Add(uint8(1), 1, 6, uint8(3), uint8(0), int64(0))
	f.Add(uint8(1), 1, 6, uint8(1), uint8(len(calZoneNames)), int64(0))
	f.Fuzz(func(t *testing.T, pattern uint8, month, weekday int, rule, zone uint8, unix int64) {
		loc := fuzzZone(t, zone)
		c, err := crmkit.NewRetailCalendar(crmkit.RetailPattern(pattern), time.Month(month), time.Weekday(weekday), crmkit.YearEndRule(rule), loc)
		valid := pattern >= 1 && pattern <= 3 && month >= 1 && month <= 12 &&
			weekday >= 0 && weekday <= 6 && rule >= 1 && rule <= 2 && loc != nil
		if !valid {
			if !errors.Is(err, crmkit.ErrInvalid) {
				t.Fatalf("NewRetailCalendar(%d, %d, %d, %d, %v): err %v, want ErrInvalid", pattern, month, weekday, rule, loc, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("NewRetailCalendar(%d, %d, %d, %d, %v): %v", pattern, month, weekday, rule, loc, err)
		}
		checkAnswers(t, c, time.Unix(unix, 0))
	})
}

// FuzzCalendarAnswers: a calendar asked about any instant returns periods
// that contain it and tile: its month, quarter, half and year nest, and the
// months of its year tile the year.
func FuzzCalendarAnswers(f *testing.F) {
	f.Add(false, uint8(7), uint8(0), uint8(1), uint8(6), uint8(2), int64(1709251200), int64(0))
	f.Add(true, uint8(1), uint8(1), uint8(1), uint8(6), uint8(2), int64(1706918399), int64(999999999))
	f.Add(true, uint8(12), uint8(5), uint8(3), uint8(0), uint8(1), int64(1609545600), int64(0))
	f.Add(false, uint8(4), uint8(3), uint8(0), uint8(0), uint8(0), int64(-2019705670), int64(0)) // Kolkata skips midnight
	f.Add(false, uint8(1), uint8(6), uint8(0), uint8(0), uint8(0), int64(1678579200), int64(0))  // Havana, DST at midnight
	f.Add(false, uint8(1), uint8(0), uint8(0), uint8(0), uint8(0), int64(math.MaxInt64), int64(0))
	f.Add(true, uint8(1), uint8(5), uint8(2), uint8(3), uint8(1), int64(math.MinInt64), int64(math.MinInt64))
	f.Fuzz(func(t *testing.T, retail bool, month, zone, pattern, weekday, rule uint8, unix, nsec int64) {
		loc := fuzzZone(t, zone%uint8(len(calZoneNames)))
		m := time.Month(month%12 + 1)
		var c crmkit.Calendar
		var err error
		if retail {
			c, err = crmkit.NewRetailCalendar(crmkit.RetailPattern(pattern%3+1), m, time.Weekday(weekday%7), crmkit.YearEndRule(rule%2+1), loc)
		} else {
			c, err = crmkit.NewFiscalCalendar(m, loc)
		}
		if err != nil {
			t.Fatal(err)
		}
		checkAnswers(t, c, time.Unix(unix, nsec))
	})
}

// checkAnswers asks c about at. Outside the supported years it only checks
// that nothing panics or hangs; inside it checks containment and tiling.
func checkAnswers(t *testing.T, c crmkit.Calendar, at time.Time) {
	day, month, quarter, half, year := c.Day(at), c.Month(at), c.Quarter(at), c.Half(at), c.Year(at)
	fy, fq, fm := c.FiscalYear(at), c.FiscalQuarter(at), c.FiscalMonth(at)
	mtd, qtd, ytd := c.MTD(at), c.QTD(at), c.YTD(at)
	ly := c.LastYear(year)
	lyMTD := c.LastYear(mtd)
	months := c.Months(year)
	_ = c.Quarters(quarter)
	_ = c.Halves(half)
	if !fuzzInRange(at) {
		return
	}
	chain := []crmkit.Period{day, month, quarter, half, year}
	for i, p := range chain {
		if !p.Contains(at) {
			t.Fatalf("%v: unit %d %v does not contain %v", c, i, p, at)
		}
		if i > 0 && !within(chain[i-1], p) {
			t.Fatalf("%v: %v not within %v", c, chain[i-1], p)
		}
	}
	if !c.YearPeriod(fy).Equal(year) || fq < 1 || fq > 4 || fm < 1 || fm > 12 {
		t.Fatalf("%v at %v: FY%d Q%d M%d, year %v", c, at, fy, fq, fm, year)
	}
	if len(months) != 12 {
		t.Fatalf("%v: %d months in %v", c, len(months), year)
	}
	checkTiles(t, year, months, "months")
	if !months[fm-1].Equal(month) {
		t.Fatalf("%v: month %d of %v is %v, Month(%v) = %v", c, fm, year, months[fm-1], at, month)
	}
	if !within(mtd, qtd) || !within(qtd, ytd) || !ytd.End.Equal(at) {
		t.Fatalf("%v: MTD %v, QTD %v, YTD %v", c, mtd, qtd, ytd)
	}
	if !ly.Equal(c.YearPeriod(fy-1)) || !within(lyMTD, ly) {
		t.Fatalf("%v: LastYear(%v) = %v, LastYear(MTD) = %v", c, year, ly, lyMTD)
	}
}
