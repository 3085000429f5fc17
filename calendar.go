package crmkit

import (
	"fmt"
	"time"
)

// Calendar divides time into fiscal years, halves, quarters and months, in
// one time zone. It is either a fiscal calendar (NewFiscalCalendar,
// Gregorian), whose months are calendar months and whose year may start in
// any month, or a retail calendar (NewRetailCalendar, NRF), whose months are
// whole weeks in a 4-4-5, 4-5-4 or 5-4-4 pattern.
//
// Every boundary a Calendar returns is a local midnight in its time zone,
// computed with time.Date rather than by adding hours, so periods stay
// exact across daylight-saving changes (a month containing a change is an
// hour shorter or longer) and leap years. A day starts at the first instant
// that shows its date, as java.time's atStartOfDay: where a zone skips
// midnight itself (Havana, Santiago), at the end of the skipped interval,
// 01:00; where it repeats midnight, at the first of the two.
//
// Naming convention: a fiscal year is named by the calendar year in which
// its last month falls, as most ERPs do. With a July start, fiscal 2025 runs
// from 1 July 2024 to 30 June 2025. For a retail calendar, the year is named
// by the calendar year of its year-end month: the NRF year from 4 February
// 2024 to 1 February 2025 is fiscal 2025 here (the NRF itself names it 2024
// after the year in which it starts). Months, quarters and halves are
// numbered from 1 within the fiscal year.
//
// Calendar is a small immutable value, safe to copy and to share between
// goroutines, and comparable with == (calendars built alike from the same
// *time.Location are equal). The zero Calendar is the Gregorian calendar
// (year starting in January) in UTC.
//
// Results are exact for local years 1 to 9999. Outside that range the
// methods still return without panicking, but the periods they return are
// unspecified.
type Calendar struct {
	loc *time.Location // nil means UTC (the zero Calendar)
	// Fiscal calendars: startOff is the start month minus one, so that the
	// zero value starts in January.
	startOff int8
	// Retail calendars: pattern is non-zero.
	pattern    RetailPattern
	endMonth   time.Month
	endWeekday time.Weekday
	rule       YearEndRule
}

// RetailPattern is the number of weeks in the three months of each quarter
// of a retail calendar. The zero RetailPattern is not a pattern.
type RetailPattern uint8

// The retail patterns. Each quarter has 13 weeks.
const (
	// Pattern445 gives each quarter months of 4, 4 and 5 weeks.
	Pattern445 RetailPattern = iota + 1
	// Pattern454 gives each quarter months of 4, 5 and 4 weeks (the NRF
	// calendar).
	Pattern454
	// Pattern544 gives each quarter months of 5, 4 and 4 weeks.
	Pattern544
)

// weeks returns the number of weeks of the months of a quarter.
func (p RetailPattern) weeks() [3]int64 {
	switch p {
	case Pattern445:
		return [3]int64{4, 4, 5}
	case Pattern454:
		return [3]int64{4, 5, 4}
	default:
		return [3]int64{5, 4, 4}
	}
}

// YearEndRule says on which day a retail year ends, given the year-end
// month and weekday. The zero YearEndRule is not a rule.
type YearEndRule uint8

// The year-end rules.
const (
	// LastWeekday ends the year on the last given weekday of the year-end
	// month (for example the last Saturday of August).
	LastWeekday YearEndRule = iota + 1
	// NearestWeekday ends the year on the given weekday nearest to the last
	// day of the year-end month, which may fall up to three days into the
	// next month (the NRF rule: the Saturday nearest 31 January).
	NearestWeekday
)

// NewFiscalCalendar returns the fiscal calendar whose year starts on the
// first day of startMonth in loc. Its months are the calendar months, its
// quarters and halves runs of three and six months from the start month.
// A start month outside January..December or a nil location is an error
// that matches ErrInvalid.
func NewFiscalCalendar(startMonth time.Month, loc *time.Location) (Calendar, error) {
	if startMonth < time.January || startMonth > time.December {
		return Calendar{}, Invalid("start month", "%d is not a month (1 to 12)", int(startMonth))
	}
	if loc == nil {
		return Calendar{}, Invalid("location", "time zone is nil")
	}
	return Calendar{loc: loc, startOff: int8(startMonth - 1)}, nil
}

// Gregorian returns the calendar whose fiscal year is the calendar year, in
// loc. It is NewFiscalCalendar(time.January, loc). A nil location is an
// error that matches ErrInvalid; the zero Calendar is Gregorian in UTC.
func Gregorian(loc *time.Location) (Calendar, error) {
	return NewFiscalCalendar(time.January, loc)
}

// NewRetailCalendar returns a week-based retail calendar in loc. Each year
// ends on a yearEndWeekday chosen by rule in yearEndMonth (see YearEndRule),
// so years run from weekday after it to that weekday and have 52 weeks, or
// 53 when the year-end day drifts past a full week. Each quarter has 13
// weeks split into months by pattern; in a 53-week year the extra week goes
// to the last month of the year (as the NRF calendar does).
//
// An unknown pattern or rule, a month outside January..December, a weekday
// outside Sunday..Saturday or a nil location is an error that matches
// ErrInvalid.
func NewRetailCalendar(pattern RetailPattern, yearEndMonth time.Month, yearEndWeekday time.Weekday, rule YearEndRule, loc *time.Location) (Calendar, error) {
	if pattern < Pattern445 || pattern > Pattern544 {
		return Calendar{}, Invalid("retail pattern", "unknown pattern %d (want 4-4-5, 4-5-4 or 5-4-4)", uint8(pattern))
	}
	if yearEndMonth < time.January || yearEndMonth > time.December {
		return Calendar{}, Invalid("year-end month", "%d is not a month (1 to 12)", int(yearEndMonth))
	}
	if yearEndWeekday < time.Sunday || yearEndWeekday > time.Saturday {
		return Calendar{}, Invalid("year-end weekday", "%d is not a weekday (0 to 6)", int(yearEndWeekday))
	}
	if rule != LastWeekday && rule != NearestWeekday {
		return Calendar{}, Invalid("year-end rule", "unknown rule %d (want last or nearest)", uint8(rule))
	}
	if loc == nil {
		return Calendar{}, Invalid("location", "time zone is nil")
	}
	return Calendar{loc: loc, pattern: pattern, endMonth: yearEndMonth, endWeekday: yearEndWeekday, rule: rule}, nil
}

// NRF returns the National Retail Federation's 4-5-4 calendar in loc: years
// end on the Saturday nearest 31 January. A nil location is an error that
// matches ErrInvalid.
func NRF(loc *time.Location) (Calendar, error) {
	return NewRetailCalendar(Pattern454, time.January, time.Saturday, NearestWeekday, loc)
}

// Location returns the calendar's time zone (UTC for the zero Calendar).
func (c Calendar) Location() *time.Location {
	if c.loc == nil {
		return time.UTC
	}
	return c.loc
}

// String describes the calendar, for example
// "fiscal calendar starting in July, America/New_York".
func (c Calendar) String() string {
	if c.isRetail() {
		return fmt.Sprintf("retail %s calendar ending on the %s %s of %s, %s",
			c.pattern, c.rule, c.endWeekday, c.endMonth, c.Location())
	}
	return fmt.Sprintf("fiscal calendar starting in %s, %s", time.Month(c.startOff+1), c.Location())
}

// Day returns the local day containing t: from the local midnight that
// starts it to the next one (23 or 25 hours on daylight-saving changes).
func (c Calendar) Day(t time.Time) Period {
	d := c.dayOf(t)
	return Period{Start: c.midnight(d), End: c.midnight(d + 1)}
}

// Month returns the fiscal month containing t.
func (c Calendar) Month(t time.Time) Period { return c.unit(c.monthOf(c.dayOf(t)), 1) }

// Quarter returns the fiscal quarter (three fiscal months) containing t.
func (c Calendar) Quarter(t time.Time) Period { return c.unit(c.monthOf(c.dayOf(t)), 3) }

// Half returns the fiscal half-year (six fiscal months) containing t.
func (c Calendar) Half(t time.Time) Period { return c.unit(c.monthOf(c.dayOf(t)), 6) }

// Year returns the fiscal year containing t.
func (c Calendar) Year(t time.Time) Period { return c.unit(c.monthOf(c.dayOf(t)), 12) }

// FiscalYear returns the name of the fiscal year containing t: the calendar
// year in which that fiscal year's last month falls (see Calendar).
func (c Calendar) FiscalYear(t time.Time) int {
	return int(floorDiv(c.monthOf(c.dayOf(t)), 12))
}

// FiscalQuarter returns the number, 1 to 4, of the fiscal quarter
// containing t within its fiscal year.
func (c Calendar) FiscalQuarter(t time.Time) int {
	return int(floorMod(c.monthOf(c.dayOf(t)), 12)/3 + 1)
}

// FiscalMonth returns the number, 1 to 12, of the fiscal month containing t
// within its fiscal year: 1 is the first month of the year, whatever its
// calendar name.
func (c Calendar) FiscalMonth(t time.Time) int {
	return int(floorMod(c.monthOf(c.dayOf(t)), 12) + 1)
}

// YearPeriod returns the fiscal year named fy (see Calendar for the naming
// convention).
func (c Calendar) YearPeriod(fy int) Period { return c.unit(int64(fy)*12, 12) }

// MTD returns month to date: from the start of the fiscal month containing t
// up to t, excluded: MTD(t).End is t (without its monotonic clock reading),
// and MTD is empty when t is exactly the first instant of a month.
//
// MTD measures to an instant, which is what "as of now" means. For a report
// "through day d" that includes the whole local day, end the period at the
// end of that day:
//
//	p := crmkit.Period{Start: c.MTD(d).Start, End: c.Day(d).End}
//
// The same holds for QTD and YTD.
func (c Calendar) MTD(t time.Time) Period { return c.toDate(t, 1) }

// QTD returns quarter to date: from the start of the fiscal quarter
// containing t up to t, excluded (see MTD).
func (c Calendar) QTD(t time.Time) Period { return c.toDate(t, 3) }

// YTD returns year to date: from the start of the fiscal year containing t
// up to t, excluded (see MTD).
func (c Calendar) YTD(t time.Time) Period { return c.toDate(t, 12) }

// LastYear returns the same fiscal period one fiscal year earlier, for
// year-over-year comparisons. Each end of p is moved separately:
//
//   - In a fiscal calendar an instant moves to the same day of the same
//     month one year earlier, at the same local wall-clock time. A day that
//     did not exist last year (29 February) is clipped to the end of that
//     month, so the month to 29 February 2024 compares with the whole of
//     February 2023.
//   - In a retail calendar an instant moves to the same weekday of the same
//     week of the previous retail year, at the same wall-clock time: the
//     same weeks one year earlier. The 53rd week of a long year has no
//     counterpart and is clipped to the end of the previous year.
//
// A wall-clock time that last year's day lacks (a daylight-saving gap) is
// resolved by time.Date and kept within that day.
//
// So months, quarters, halves and years map onto the corresponding months,
// quarters, halves and years one fiscal year earlier, covering the same
// number of months, and MTD, QTD and YTD map onto the same elapsed part of
// them. The result is always a valid period (End not before Start), but its
// length may differ from p's: it is empty for 29 February, and 28 February
// 2025 (which ends at 1 March) compares with 28 and 29 February 2024. An
// empty p gives the empty period at LastYear of its Start.
func (c Calendar) LastYear(p Period) Period {
	start := c.lastYear(p.Start)
	if p.IsEmpty() {
		return Period{Start: start, End: start}
	}
	end := c.lastYear(p.End)
	if end.Before(start) { // wall clocks repeat in the hour a clock is set back
		end = start
	}
	return Period{Start: start, End: end}
}

// Months splits p at the calendar's month boundaries: the first and last
// pieces are clipped to p, the ones between are whole fiscal months. The
// pieces tile p in order; an empty p gives nil. Parts of p outside local
// years 1 to 9999 are returned as one piece each, not split. The month of
// one instant is Month; funnel.Months(c) buckets report rows by it.
func (c Calendar) Months(p Period) []Period { return c.split(p, 1) }

// Quarters splits p at the calendar's quarter boundaries, like Months.
func (c Calendar) Quarters(p Period) []Period { return c.split(p, 3) }

// Halves splits p at the calendar's half-year boundaries, like Months.
func (c Calendar) Halves(p Period) []Period { return c.split(p, 6) }

func (c Calendar) isRetail() bool { return c.pattern != 0 }

// Internally a day is a count of days since 1970-01-01 in the proleptic
// Gregorian calendar, and a fiscal month is the integer 12*fy + k, where fy
// is the fiscal year's name and k in 0..11 the month's place in it. All
// arithmetic is on these integers; time.Date turns a day into its local
// midnight only at the end.

// midnight returns the instant at which local day d starts: the first
// instant whose local date is d. That is its local midnight; where a clock
// change skips midnight, the end of the skipped interval; where a change
// repeats midnight, the first of the two (as java.time's atStartOfDay).
func (c Calendar) midnight(d int64) time.Time {
	y, m, dd := civilFromDays(d)
	isD := func(t time.Time) bool {
		ty, tm, td := t.Date()
		return td == dd && int(tm) == m && int64(ty) == y
	}
	t := time.Date(int(y), time.Month(m), dd, 0, 0, 0, 0, c.Location())
	start, end := t.ZoneBounds()
	if !isD(t) {
		// time.Date put the missing midnight before the change, on the
		// previous date; the day starts where that zone period ends.
		if !end.IsZero() && isD(end) {
			return end
		}
		return t
	}
	if !start.IsZero() && isD(start.Add(-time.Nanosecond)) {
		// The previous zone period already showed date d: midnight came
		// twice and time.Date chose the second one.
		_, off := start.Add(-time.Nanosecond).Zone()
		first := time.Date(int(y), time.Month(m), dd, 0, 0, 0, 0, time.UTC).Add(-time.Duration(off) * time.Second).In(c.Location())
		if first.Before(start) && isD(first) {
			return first
		}
	}
	return t
}

// dayOf returns the local day whose [midnight, next midnight) contains t.
// The local date of t is that day except where a zone moves its clock at
// midnight and time.Date resolves the missing midnight to the previous day.
func (c Calendar) dayOf(t time.Time) int64 {
	lt := t.In(c.Location())
	y, m, dd := lt.Date()
	d := daysFromCivil(int64(y), int(m), dd)
	// Fast path: when no zone transition falls between the local midnights
	// around t, the day is t's local date.
	h, mi, s := lt.Clock()
	mid := lt.Add(-time.Duration(h*3600+mi*60+s)*time.Second - time.Duration(lt.Nanosecond()))
	if zs, ze := lt.ZoneBounds(); !zs.After(mid) && (ze.IsZero() || ze.After(mid.Add(24*time.Hour))) {
		return d
	}
	for i := 0; i < 3 && t.Before(c.midnight(d)); i++ {
		d--
	}
	for i := 0; i < 3 && !t.Before(c.midnight(d+1)); i++ {
		d++
	}
	return d
}

// monthOf returns the fiscal month containing day d.
func (c Calendar) monthOf(d int64) int64 {
	if c.isRetail() {
		fy := c.retailYearOf(d)
		w := (d - c.yearStart(fy)) / 7
		cum := c.cumWeeks()
		k := int64(11)
		for k > 0 && cum[k] > w {
			k--
		}
		return fy*12 + k
	}
	y, m, _ := civilFromDays(d)
	return y*12 + int64(m-1) - c.shift()
}

// firstDay returns the first day of fiscal month n.
func (c Calendar) firstDay(n int64) int64 {
	fy, k := floorDiv(n, 12), floorMod(n, 12)
	if c.isRetail() {
		return c.yearStart(fy) + 7*c.cumWeeks()[k]
	}
	cm := n + c.shift()
	return daysFromCivil(floorDiv(cm, 12), int(floorMod(cm, 12))+1, 1)
}

// shift is the civil month index (12*year + month-1) of fiscal month 0 of
// fiscal year 0: fiscal years named by their end year start in the previous
// calendar year unless they start in January.
func (c Calendar) shift() int64 {
	if c.startOff == 0 {
		return 0
	}
	return int64(c.startOff) - 12
}

// cumWeeks returns the weeks before each month of a retail year.
func (c Calendar) cumWeeks() [12]int64 {
	w := c.pattern.weeks()
	var cum [12]int64
	for k := 1; k < 12; k++ {
		cum[k] = cum[k-1] + w[(k-1)%3]
	}
	return cum
}

// yearEnd returns the last day of retail year fy.
func (c Calendar) yearEnd(fy int64) int64 {
	last := daysFromCivil(fy, int(c.endMonth)+1, 1) - 1 // month 13 is January of fy+1
	wd := weekdayOf(last)
	if c.rule == NearestWeekday {
		if fwd := floorMod(int64(c.endWeekday)-wd, 7); fwd <= 3 {
			return last + fwd
		}
	}
	return last - floorMod(wd-int64(c.endWeekday), 7)
}

// yearStart returns the first day of retail year fy.
func (c Calendar) yearStart(fy int64) int64 { return c.yearEnd(fy-1) + 1 }

// retailYearOf returns the retail year containing day d.
func (c Calendar) retailYearOf(d int64) int64 {
	fy, _, _ := civilFromDays(d)
	for i := 0; i < 3 && d > c.yearEnd(fy); i++ {
		fy++
	}
	for i := 0; i < 3 && d <= c.yearEnd(fy-1); i++ {
		fy--
	}
	return fy
}

// unit returns the run of size fiscal months containing fiscal month n.
func (c Calendar) unit(n, size int64) Period {
	first := floorDiv(n, size) * size
	return Period{Start: c.midnight(c.firstDay(first)), End: c.midnight(c.firstDay(first + size))}
}

func (c Calendar) toDate(t time.Time, size int64) Period {
	return Period{Start: c.unit(c.monthOf(c.dayOf(t)), size).Start, End: t.Round(0)}
}

func (c Calendar) split(p Period, size int64) []Period {
	if p.IsEmpty() {
		return nil
	}
	// Outside the supported years the pieces are not split, so that a
	// period of billions of years cannot exhaust memory.
	lo, hi := c.midnight(daysFromCivil(1, 1, 1)), c.midnight(daysFromCivil(10000, 1, 1))
	start, end := p.Start.Round(0), p.End.Round(0)
	// A unit is at least 28 days; Duration saturates near 292 years.
	out := make([]Period, 0, int(p.Duration()/(time.Duration(size)*28*24*time.Hour))+2)
	if start.Before(lo) {
		if !end.After(lo) {
			return []Period{{Start: start, End: end}}
		}
		out = append(out, Period{Start: start, End: lo})
		start = lo
	}
	n := floorDiv(c.monthOf(c.dayOf(start)), size) * size
	for start.Before(end) {
		if !start.Before(hi) {
			return append(out, Period{Start: start, End: end})
		}
		next := c.midnight(c.firstDay(n + size))
		if !next.After(start) { // boundaries always advance in years 1..9999
			return append(out, Period{Start: start, End: end})
		}
		if next.After(end) {
			next = end
		}
		out = append(out, Period{Start: start, End: next})
		start = next
		n += size
	}
	return out
}

// lastYear moves instant t one fiscal year back (see LastYear).
func (c Calendar) lastYear(t time.Time) time.Time {
	d := c.dayOf(t)
	var target int64
	if c.isRetail() {
		fy := c.retailYearOf(d)
		prev := c.yearStart(fy - 1)
		i := d - c.yearStart(fy)
		if i >= c.yearStart(fy)-prev {
			return c.midnight(c.yearStart(fy))
		}
		target = prev + i
	} else {
		y, m, dd := civilFromDays(d)
		if dd > daysIn(y-1, m) {
			return c.midnight(daysFromCivil(y-1, m+1, 1))
		}
		target = daysFromCivil(y-1, m, dd)
	}
	start, end := c.midnight(target), c.midnight(target+1)
	midnight := c.midnight(d)
	if t.Equal(midnight) {
		// A boundary stays a boundary, even where a zone skipped midnight
		// and the day started at another wall-clock time.
		return start
	}
	lt := t.In(c.Location())
	var r time.Time
	if y, m, dd := lt.Date(); daysFromCivil(int64(y), int(m), dd) == d {
		h, mi, s := lt.Clock()
		ty, tm, td := civilFromDays(target)
		r = time.Date(int(ty), time.Month(tm), td, h, mi, s, lt.Nanosecond(), c.Location())
	} else {
		// t's wall clock shows the previous or next date (a zone that moves
		// its clock at midnight): keep the time elapsed since midnight.
		r = start.Add(t.Sub(midnight))
	}
	if r.Before(start) {
		return start
	}
	if r.After(end) {
		return end
	}
	return r
}

// daysFromCivil returns the number of days from 1970-01-01 to the given
// proleptic Gregorian date; month 13 is January of the next year. The
// algorithm is Howard Hinnant's "days_from_civil".
func daysFromCivil(y int64, m, d int) int64 {
	if m > 12 {
		y, m = y+1, m-12
	}
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	doy := int64((153*((m+9)%12)+2)/5 + d - 1)
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil (Hinnant's
// "civil_from_days").
func civilFromDays(z int64) (y int64, m, d int) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	m = int(mp) + 3
	if m > 12 {
		m -= 12
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

// weekdayOf returns the weekday of day d as time.Weekday numbers it
// (1970-01-01 was a Thursday).
func weekdayOf(d int64) int64 { return floorMod(d+4, 7) }

// daysIn returns the number of days of month m of year y.
func daysIn(y int64, m int) int {
	return int(daysFromCivil(y, m+1, 1) - daysFromCivil(y, m, 1))
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }
