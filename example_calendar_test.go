package crmkit_test

import (
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
)

// A company whose fiscal year starts in July, reporting from New York.
func ExampleCalendar() {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err)
	}
	cal, err := crmkit.NewFiscalCalendar(time.July, ny)
	if err != nil {
		panic(err)
	}
	asOf := time.Date(2024, 3, 10, 12, 0, 0, 0, ny)

	fmt.Printf("FY%d Q%d, fiscal month %d\n", cal.FiscalYear(asOf), cal.FiscalQuarter(asOf), cal.FiscalMonth(asOf))
	fmt.Println("year:     ", cal.Year(asOf))
	fmt.Println("QTD:      ", cal.QTD(asOf))
	fmt.Println("MTD:      ", cal.MTD(asOf))
	fmt.Println("MTD LY:   ", cal.LastYear(cal.MTD(asOf)))
	// Through the whole of 10 March instead of up to noon:
	fmt.Println("MTD day:  ", crmkit.Period{Start: cal.MTD(asOf).Start, End: cal.Day(asOf).End})
	for i, q := range cal.Quarters(cal.Year(asOf)) {
		fmt.Printf("Q%d %s to %s\n", i+1, q.Start.Format("2006-01-02"), q.End.Format("2006-01-02"))
	}
	// Output:
	// FY2024 Q3, fiscal month 9
	// year:      [2023-07-01T00:00:00-04:00, 2024-07-01T00:00:00-04:00)
	// QTD:       [2024-01-01T00:00:00-05:00, 2024-03-10T12:00:00-04:00)
	// MTD:       [2024-03-01T00:00:00-05:00, 2024-03-10T12:00:00-04:00)
	// MTD LY:    [2023-03-01T00:00:00-05:00, 2023-03-10T12:00:00-05:00)
	// MTD day:   [2024-03-01T00:00:00-05:00, 2024-03-11T00:00:00-04:00)
	// Q1 2023-07-01 to 2023-10-01
	// Q2 2023-10-01 to 2024-01-01
	// Q3 2024-01-01 to 2024-04-01
	// Q4 2024-04-01 to 2024-07-01
}

// The NRF 4-5-4 retail calendar. Its fiscal 2023 had 53 weeks; the extra
// week went to the last month. Years are named by the calendar year they
// end in, so the NRF's "fiscal 2023" is FY2024 here.
func ExampleNRF() {
	cal, err := crmkit.NRF(time.UTC)
	if err != nil {
		panic(err)
	}
	year := cal.YearPeriod(2024)
	fmt.Println("FY2024:", year.Start.Format("2006-01-02"), "to", year.End.AddDate(0, 0, -1).Format("2006-01-02"),
		"-", int64(year.Duration()/(7*24*time.Hour)), "weeks")
	for i, m := range cal.Months(year) {
		fmt.Printf("%2d %s %d weeks\n", i+1, m.Start.Format("Jan 02"), m.Duration()/(7*24*time.Hour))
	}
	// Output:
	// FY2024: 2023-01-29 to 2024-02-03 - 53 weeks
	//  1 Jan 29 4 weeks
	//  2 Feb 26 5 weeks
	//  3 Apr 02 4 weeks
	//  4 Apr 30 4 weeks
	//  5 May 28 5 weeks
	//  6 Jul 02 4 weeks
	//  7 Jul 30 4 weeks
	//  8 Aug 27 5 weeks
	//  9 Oct 01 4 weeks
	// 10 Oct 29 4 weeks
	// 11 Nov 26 5 weeks
	// 12 Dec 31 5 weeks
}

// Periods are half-open: a period contains its start but not its end, so
// consecutive periods share a boundary without overlapping.
func ExamplePeriod() {
	jan, _ := crmkit.NewPeriod(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC))
	feb, _ := crmkit.NewPeriod(jan.End, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))
	fmt.Println(jan.Contains(jan.End), feb.Contains(jan.End), jan.Overlaps(feb))

	_, err := crmkit.NewPeriod(feb.End, feb.Start)
	fmt.Println(err)
	// Output:
	// false true false
	// invalid period: end 2024-02-01T00:00:00Z is before start 2024-03-01T00:00:00Z
}
