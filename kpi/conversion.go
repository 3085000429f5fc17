package kpi

import (
	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// ConversionRate is the share of the items entering a hand-over point that
// come out converted, for any step of the chain (visitor to lead, MQL to
// SQL, SQL to opportunity, opportunity to customer):
//
//	conversion rate = converted / total
//
// Source: the standard definition of conversion rate (Farris, Bendle,
// Pfeifer and Reibstein, "Marketing Metrics", 2nd ed., 2010, ch. 7 and 10:
// conversions divided by the prospects who had the opportunity to convert).
//
// The result is in [0, 1]. Negative counts, total = 0 and converted > total
// are errors matching crmkit.ErrInvalid.
func ConversionRate(converted, total int64) (decimal.Decimal, error) {
	r, err := share("converted", converted, "total", total, "no items entered the step")
	return r, wrap("conversion rate", err)
}

// WinRate is the share of closed opportunities that were won:
//
//	win rate = won / (won + lost)
//
// Open opportunities do not count: an opportunity still in the pipeline is
// neither a win nor a loss yet. Source: the usual sales-operations
// definition of win rate over closed deals (closed-won divided by
// closed-won plus closed-lost).
//
// The result is in [0, 1]. Negative counts and won + lost = 0 are errors
// matching crmkit.ErrInvalid.
func WinRate(won, lost int64) (decimal.Decimal, error) {
	if err := count("won", won); err != nil {
		return decimal.Decimal{}, wrap("win rate", err)
	}
	if err := count("lost", lost); err != nil {
		return decimal.Decimal{}, wrap("win rate", err)
	}
	closed := dec(won).Add(dec(lost)) // exact even where won+lost overflows int64
	if closed.IsZero() {
		return decimal.Decimal{}, wrap("win rate", crmkit.Invalid("won, lost", "zero: no closed opportunities"))
	}
	return crmkit.Ratio(dec(won), closed)
}

// RepeatPurchaseRate is the share of a period's buying customers who bought
// more than once:
//
//	repeat-purchase rate = customers with two or more purchases / customers with at least one purchase
//
// Repeat customers are far more profitable than new ones [RET], so this
// rate belongs beside acquisition KPIs. Source: the standard retail and
// e-commerce definition of repeat purchase rate (repeat customers divided
// by all customers in the period).
//
// The result is in [0, 1]. Negative counts, customers = 0 and
// repeatCustomers > customers are errors matching crmkit.ErrInvalid.
func RepeatPurchaseRate(repeatCustomers, customers int64) (decimal.Decimal, error) {
	r, err := share("repeatCustomers", repeatCustomers, "customers", customers, "no buying customers")
	return r, wrap("repeat-purchase rate", err)
}

// CrossSellRatio is the share of buying customers who bought more than the
// primary product, that is products of at least two product lines:
//
//	cross-sell ratio = customers who bought an additional product line / customers who bought
//
// Source: the common sales KPI definition of cross-sell ratio (accounts
// buying two or more product categories divided by all buying accounts).
//
// The result is in [0, 1]. Negative counts, customers = 0 and
// crossSold > customers are errors matching crmkit.ErrInvalid.
func CrossSellRatio(crossSold, customers int64) (decimal.Decimal, error) {
	r, err := share("crossSold", crossSold, "customers", customers, "no buying customers")
	return r, wrap("cross-sell ratio", err)
}
