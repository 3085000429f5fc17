package crmkit_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/crmkit/crmkit"
)

// ExampleRatio: 2 won of 3 closed is a win rate of 0.666..., rounded to 16
// places, the last half to even.
func ExampleRatio() {
	r, err := crmkit.Ratio(decimal.NewFromInt(2), decimal.NewFromInt(3))
	if err != nil {
		panic(err)
	}
	fmt.Println(r)
	// Output: 0.6666666666666667
}

// ExampleDurations: two sales cycles of 10 and 20 days have a mean and a
// median of 15 days; a third of 90 days pulls the mean to 40 days and the
// median to 20.
func ExampleDurations() {
	const day = 24 * time.Hour
	d, err := crmkit.DurationsOf(crmkit.QuantilesExact, 10*day, 20*day)
	if err != nil {
		panic(err)
	}
	mean, _ := d.Mean()
	median, _ := d.Median()
	fmt.Println(int64(mean/day), int64(median/day))
	d.Add(90 * day)
	mean, _ = d.Mean()
	median, _ = d.Median()
	fmt.Println(int64(mean/day), int64(median/day))
	// Output:
	// 15 15
	// 40 20
}

// ExampleDeterministicIDs: the same seed and the same clock give the same
// IDs, so a replay produces the same events byte for byte.
func ExampleDeterministicIDs() {
	run := func() string {
		clock := crmkit.NewFakeClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		ids, err := crmkit.NewDeterministicIDs(clock, 7)
		if err != nil {
			panic(err)
		}
		e, err := crmkit.NewEventFrom(ids, "deal", ids.NewID(), "StageChanged", "rep-1", clock.Now(), 2, nil)
		if err != nil {
			panic(err)
		}
		return e.ID.String() + " " + e.AggregateID.String()
	}
	first, again := run(), run()
	fmt.Println(first == again)
	// Output: true
}
