package clv

import (
	"math"
	"time"

	"github.com/crmkit/crmkit"
)

// Bounds of the goodness-of-fit tables, checked before they are
// allocated: more is an error matching crmkit.ErrInvalid.
const (
	// MaxFrequencyBins is the largest maxFrequency of FrequencyFit, whose
	// cost grows with its square for Pareto/NBD.
	MaxFrequencyBins = 100
	// MaxTrackingPoints is the most points Tracking returns: one per time
	// unit from the first purchase to the end of the holdout period.
	MaxTrackingPoints = 100_000
)

// FrequencyBin is one bar of the calibration-period histogram of repeat
// purchases: how many customers made Frequency repeat purchases, observed
// and expected under a model.
type FrequencyBin struct {
	// Frequency is the number of repeat purchases; the last bin counts the
	// customers with Frequency or more (OrMore is true).
	Frequency int
	OrMore    bool
	// Actual is the number of customers observed in the bin.
	Actual int
	// Expected is Σ_i P(X(T_i) = Frequency) over the customers (each with
	// their own age T_i); for the last bin, the customers left over.
	Expected float64
}

// FrequencyFit compares the observed and expected numbers of customers by
// number of repeat purchases in the calibration period, the in-sample check
// of Fader, Hardie and Lee (2005), figure 3: bins 0, 1, ..., maxFrequency-1
// and a last bin "maxFrequency or more". Customers are grouped by age, so
// the cost grows with the number of distinct ages, not of customers.
// maxFrequency must be in 1..MaxFrequencyBins.
func FrequencyFit(model PurchaseModel, customers []Customer, maxFrequency int) ([]FrequencyBin, error) {
	if model == nil {
		return nil, crmkit.Invalid("model", "nil purchase model")
	}
	if maxFrequency < 1 || maxFrequency > MaxFrequencyBins {
		return nil, crmkit.Invalid("max frequency", "must be in 1..%d, got %d", MaxFrequencyBins, maxFrequency)
	}
	if len(customers) == 0 {
		return nil, crmkit.Invalid("customers", "no customers")
	}
	bins := make([]FrequencyBin, maxFrequency+1)
	for i := range bins {
		bins[i].Frequency = i
	}
	bins[maxFrequency].OrMore = true
	ages := make(map[float64]int)
	var order []float64
	for i, c := range customers {
		if err := checkCustomer("customers", i, c); err != nil {
			return nil, err
		}
		bins[min(c.Frequency, maxFrequency)].Actual++
		if ages[c.T] == 0 {
			order = append(order, c.T)
		}
		ages[c.T]++
	}
	rest := float64(len(customers))
	for n := range maxFrequency {
		e := 0.0
		for _, t := range order {
			p, err := model.ProbPurchases(n, t)
			if err != nil {
				return nil, err
			}
			e += float64(ages[t]) * p
		}
		bins[n].Expected = e
		rest -= e
	}
	bins[maxFrequency].Expected = math.Max(rest, 0)
	return bins, nil
}

// TrackingPoint is one point of the cumulative repeat-purchase tracking
// plot: at the end of each time unit since the cohort's first purchase,
// the repeat purchases observed so far and those the model expects.
type TrackingPoint struct {
	// Time is the end of the period, in units since Summary.Start.
	Time float64
	// Holdout reports whether the period ends after the calibration period.
	Holdout bool
	// Actual is the cohort's cumulative number of repeat purchase days
	// before Time.
	Actual int
	// Expected is Σ_customers E[X(Time - first purchase)], the model's
	// cumulative repeat purchases at Time.
	Expected float64
}

// Tracking returns the expected and actual cumulative repeat purchases of
// the cohort at the end of every time unit from its first purchase to the
// end of the holdout period (Fader, Hardie and Lee 2005, figure 4), ready
// for a plot; the points with Holdout set are the out-of-sample forecast.
// As in lifetimes' expected_cumulative_transactions, a period ending d days
// after Start counts the repeat purchases made on days before d, and a
// customer who first bought on day f contributes E[X((d-f)/unit)]. The
// summary must come from Summarize, and span at most MaxTrackingPoints
// time units.
func (s Summary) Tracking(model PurchaseModel) ([]TrackingPoint, error) {
	if model == nil {
		return nil, crmkit.Invalid("model", "nil purchase model")
	}
	if s.repeats == nil || len(s.Customers) == 0 {
		return nil, crmkit.Invalid("summary", "has no daily purchase record; build it with Summarize")
	}
	u := float64(s.Unit)
	days := float64(s.days)
	loc := s.Start.Location()
	start := civilDay(s.Start, loc)
	calDays := float64(civilDay(s.CalibrationEnd, loc) - start + 1)
	// Cohort sizes by day of first purchase.
	cohort := make(map[int64]int)
	var firsts []int64
	for i, c := range s.Customers {
		f := civilDay(c.FirstPurchase, loc) - start
		if c.FirstPurchase.IsZero() || f < 0 || float64(f) >= calDays {
			return nil, crmkit.Invalid(field("customers", i, "first purchase"), "%s is outside the calibration period %s to %s (customer %q)",
				c.FirstPurchase.Format(time.DateOnly), s.Start.Format(time.DateOnly), s.CalibrationEnd.Format(time.DateOnly), c.ID)
		}
		if cohort[f] == 0 {
			firsts = append(firsts, f)
		}
		cohort[f]++
	}
	periods := math.Ceil(days/u - 1e-9)
	if !(periods <= MaxTrackingPoints) {
		return nil, crmkit.Invalid("summary", "%v time units of %v days to track, more than %d points", periods, u, MaxTrackingPoints)
	}
	n := int(periods)
	points := make([]TrackingPoint, 0, n)
	actual := 0
	for k := 1; k <= n; k++ {
		end := math.Min(float64(k)*u, days)
		for actual < len(s.repeats) && float64(s.repeats[actual]) < end {
			actual++
		}
		e := 0.0
		for _, f := range firsts {
			if float64(f) >= end {
				continue
			}
			v, err := model.ExpectedPurchases((end - float64(f)) / u)
			if err != nil {
				return nil, err
			}
			e += float64(cohort[f]) * v
		}
		points = append(points, TrackingPoint{Time: end / u, Holdout: end > calDays+1e-9, Actual: actual, Expected: e})
	}
	return points, nil
}
