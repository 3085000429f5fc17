package clv

import "github.com/crmkit/crmkit"

// HoldoutBin is one group of the calibration/holdout check: the customers
// with a given number of calibration repeat purchases, and their purchases
// in the holdout period, observed and expected under a model.
type HoldoutBin struct {
	// Frequency is the number of calibration repeat purchases x; the last
	// bin holds the customers with Frequency or more (OrMore is true).
	Frequency int
	OrMore    bool
	// Customers is the number of customers in the bin.
	Customers int
	// Actual is the total number of holdout purchase days of those
	// customers (Customer.HoldoutFrequency summed).
	Actual int
	// Expected is Σ E[Y(τ) | x, t_x, T] over those customers, the model's
	// conditional expectation of their purchases in the holdout period of
	// length τ = Summary.Holdout.
	Expected float64
}

// HoldoutFit compares, per number of calibration repeat purchases, the
// purchases the customers made in the holdout period with those the model
// expects given each customer's calibration history: the out-of-sample
// check of Fader, Hardie and Lee (2005), "Counting Your Customers the Easy
// Way", figure 5 ("conditional expectations"), which plots Actual /
// Customers and Expected / Customers for x = 0, 1, ..., 7+. Bins run from 0
// to maxFrequency, the last one "maxFrequency or more"; a bin without
// customers has zero counts. The summary must have a holdout period
// (Summary.Holdout > 0) and maxFrequency must be in 1..MaxFrequencyBins;
// otherwise, or for a customer or model the model rejects, the error wraps
// crmkit.ErrInvalid.
func (s Summary) HoldoutFit(model PurchaseModel, maxFrequency int) ([]HoldoutBin, error) {
	if model == nil {
		return nil, crmkit.Invalid("model", "nil purchase model")
	}
	if maxFrequency < 1 || maxFrequency > MaxFrequencyBins {
		return nil, crmkit.Invalid("max frequency", "must be in 1..%d, got %d", MaxFrequencyBins, maxFrequency)
	}
	if !(s.Holdout > 0) {
		return nil, crmkit.Invalid("summary", "has no holdout period: set SummaryOptions.HoldoutEnd after the calibration end")
	}
	if len(s.Customers) == 0 {
		return nil, crmkit.Invalid("customers", "no customers")
	}
	bins := make([]HoldoutBin, maxFrequency+1)
	for i := range bins {
		bins[i].Frequency = i
	}
	bins[maxFrequency].OrMore = true
	for i, c := range s.Customers {
		if err := checkCustomer("customers", i, c); err != nil {
			return nil, err
		}
		if c.HoldoutFrequency < 0 {
			return nil, crmkit.Invalid(field("customers", i, "holdout frequency"), "must not be negative, got %d (customer %q)", c.HoldoutFrequency, c.ID)
		}
		e, err := model.ConditionalExpectedPurchases(s.Holdout, c)
		if err != nil {
			return nil, err
		}
		b := &bins[min(c.Frequency, maxFrequency)]
		b.Customers++
		b.Actual += c.HoldoutFrequency
		b.Expected += e
	}
	return bins, nil
}
