package kpi

import (
	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// costPer divides a non-negative amount by a positive count into Money.
func costPer(spend amount, countField string, n int64, why string, mode crmkit.RoundingMode) (crmkit.Money, error) {
	if spend.m.Currency().IsZero() {
		return crmkit.Money{}, crmkit.Invalid(spend.field, "amount without currency")
	}
	if err := nonNegative(spend); err != nil {
		return crmkit.Money{}, err
	}
	if err := positive(countField, n, why); err != nil {
		return crmkit.Money{}, err
	}
	return spend.m.Div(dec(n), mode)
}

// CostPerLead is what one lead cost:
//
//	cost per lead = marketing spend / leads generated
//
// rounded to the minor unit with mode. Source: the standard definition of
// cost per lead (Farris et al., "Marketing Metrics", 2nd ed., 2010, ch. 9,
// the cost-per-X family: spend divided by the number of X obtained).
//
// A negative or currency-less spend, leads <= 0 and an invalid mode are
// errors matching crmkit.ErrInvalid.
func CostPerLead(spend crmkit.Money, leads int64, mode crmkit.RoundingMode) (crmkit.Money, error) {
	m, err := costPer(amount{"spend", spend}, "leads", leads, "no leads", mode)
	return m, wrap("cost per lead", err)
}

// CostPerOpportunity is what one sales opportunity cost:
//
//	cost per opportunity = marketing and sales spend / opportunities created
//
// rounded to the minor unit with mode. Source: as CostPerLead, the cost-per-X
// family of Farris et al., "Marketing Metrics", 2nd ed., 2010, ch. 9.
//
// A negative or currency-less spend, opportunities <= 0 and an invalid mode
// are errors matching crmkit.ErrInvalid.
func CostPerOpportunity(spend crmkit.Money, opportunities int64, mode crmkit.RoundingMode) (crmkit.Money, error) {
	m, err := costPer(amount{"spend", spend}, "opportunities", opportunities, "no opportunities", mode)
	return m, wrap("cost per opportunity", err)
}

// CAC, the customer acquisition cost, is what winning one new customer
// cost in a period:
//
//	CAC = sales and marketing spend / new customers acquired
//
// rounded to the minor unit with mode. Source: Farris et al., "Marketing
// Metrics", 2nd ed., 2010, ch. 5 (average acquisition cost = acquisition
// spending / number of customers acquired); David Skok, "SaaS Metrics 2.0"
// (fully loaded sales and marketing cost over new customers).
//
// A negative or currency-less spend, newCustomers <= 0 and an invalid mode
// are errors matching crmkit.ErrInvalid.
func CAC(spend crmkit.Money, newCustomers int64, mode crmkit.RoundingMode) (crmkit.Money, error) {
	m, err := costPer(amount{"spend", spend}, "newCustomers", newCustomers, "no new customers", mode)
	return m, wrap("cac", err)
}

// CACPaybackMonths is the number of months of gross profit from a new
// customer it takes to earn back what acquiring the customer cost:
//
//	CAC payback months = CAC / (monthly recurring revenue per new customer × gross margin)
//
// rounded to Precision decimal places. Source: David Skok, "SaaS Metrics
// 2.0" (months to recover CAC = CAC / (MRR × gross margin %)).
//
// grossMargin is a fraction in (0, 1], for example 0.8 for 80%.
// cac and monthlyRevenue must be in one currency (else
// crmkit.ErrCurrencyMismatch). A negative cac, monthlyRevenue <= 0 and a
// gross margin outside (0, 1] are errors matching crmkit.ErrInvalid.
func CACPaybackMonths(cac, monthlyRevenue crmkit.Money, grossMargin decimal.Decimal) (decimal.Decimal, error) {
	c, r := amount{"cac", cac}, amount{"monthlyRevenue", monthlyRevenue}
	if _, err := sameCurrency(c, r); err != nil {
		return decimal.Decimal{}, wrap("cac payback", err)
	}
	if err := nonNegative(c); err != nil {
		return decimal.Decimal{}, wrap("cac payback", err)
	}
	if err := positiveAmount(r, "no revenue to pay back from"); err != nil {
		return decimal.Decimal{}, wrap("cac payback", err)
	}
	if grossMargin.Sign() <= 0 || grossMargin.GreaterThan(one) {
		return decimal.Decimal{}, wrap("cac payback", crmkit.Invalid("grossMargin", "%s is not in (0, 1]", grossMargin))
	}
	return quo(minor(cac), minor(monthlyRevenue).Mul(grossMargin)), nil
}

// CampaignROI is the return on a campaign's cost:
//
//	campaign ROI = (attributed return − cost) / cost
//
// rounded to Precision decimal places: 0 is break-even, −1 is a campaign
// that returned nothing, 0.5 returned its cost and half as much again.
// Pass as attributedReturn the revenue the campaign produced, or better its
// gross profit (contribution), which gives the marketing ROI (ROMI) of
// Farris et al., "Marketing Metrics", 2nd ed., 2010, ch. 9:
// (incremental revenue × contribution margin − marketing spending) /
// marketing spending.
//
// Both amounts must be in one currency (else crmkit.ErrCurrencyMismatch).
// A negative attributedReturn and cost <= 0 are errors matching
// crmkit.ErrInvalid.
func CampaignROI(attributedReturn, cost crmkit.Money) (decimal.Decimal, error) {
	r, c := amount{"attributedReturn", attributedReturn}, amount{"cost", cost}
	if _, err := sameCurrency(r, c); err != nil {
		return decimal.Decimal{}, wrap("campaign roi", err)
	}
	if err := nonNegative(r); err != nil {
		return decimal.Decimal{}, wrap("campaign roi", err)
	}
	if err := positiveAmount(c, "a campaign without cost has no roi"); err != nil {
		return decimal.Decimal{}, wrap("campaign roi", err)
	}
	return quo(minor(attributedReturn).Sub(minor(cost)), minor(cost)), nil
}
