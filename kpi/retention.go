package kpi

import (
	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// RetentionRate is the share of the customers a period started with that
// are still customers at its end:
//
//	retention rate = (customers at end − new customers acquired in the period) / customers at start
//
// Source: the standard customer retention rate formula, ((E − N) / S); see
// Farris et al., "Marketing Metrics", 2nd ed., 2010, ch. 5 (customers
// retained divided by customers at risk of leaving).
//
// The result is in [0, 1], and RetentionRate(S, E, N) + LogoChurn(S, S − (E − N))
// is exactly 1 (see crmkit.Ratio). Negative counts, start = 0, acquired > end
// and more retained customers (end − acquired) than start are errors
// matching crmkit.ErrInvalid.
func RetentionRate(start, end, acquired int64) (decimal.Decimal, error) {
	if err := count("end", end); err != nil {
		return decimal.Decimal{}, wrap("retention rate", err)
	}
	if err := count("acquired", acquired); err != nil {
		return decimal.Decimal{}, wrap("retention rate", err)
	}
	if err := atMost("acquired", acquired, "end", end); err != nil {
		return decimal.Decimal{}, wrap("retention rate", err)
	}
	retained := end - acquired // 0 <= retained <= end: no overflow
	if err := positive("start", start, "no customers at risk"); err != nil {
		return decimal.Decimal{}, wrap("retention rate", err)
	}
	if retained > start {
		return decimal.Decimal{}, wrap("retention rate",
			crmkit.Invalid("end", "%d customers at end less %d acquired leaves %d retained, more than the %d at start", end, acquired, retained, start))
	}
	return crmkit.Ratio(dec(retained), dec(start))
}

// LogoChurn, the customer (logo) churn rate, is the share of the customers
// a period started with that left during it:
//
//	logo churn = customers lost in the period / customers at start
//
// Customers acquired during the period are not in either count. Source:
// Farris et al., "Marketing Metrics", 2nd ed., 2010, ch. 5 (churn = 1 −
// retention rate, the customers lost over those at risk).
//
// The result is in [0, 1]. Negative counts, start = 0 and lost > start are
// errors matching crmkit.ErrInvalid.
func LogoChurn(start, lost int64) (decimal.Decimal, error) {
	r, err := share("lost", lost, "start", start, "no customers at risk")
	return r, wrap("logo churn", err)
}

// RevenueBridge is the recurring-revenue movement (the MRR or ARR bridge)
// of the customers a period started with, over that period. Revenue from
// customers acquired during the period is left out: it is growth, not
// retention. All amounts are non-negative and in one currency; a zero
// Money without currency counts as zero of that currency.
type RevenueBridge struct {
	// Start is the recurring revenue of the customers active at the start.
	Start crmkit.Money
	// Expansion is the revenue those customers added: upsell, cross-sell,
	// price rises.
	Expansion crmkit.Money
	// Contraction is the revenue lost to downgrades by customers who stayed.
	Contraction crmkit.Money
	// Churned is the revenue lost with the customers who left.
	Churned crmkit.Money
}

// validate checks the bridge: one currency, no negative amount, a positive
// start, and no more lost (contraction + churned) than there was.
func (b RevenueBridge) validate() error {
	start := amount{"Start", b.Start}
	exp := amount{"Expansion", b.Expansion}
	con := amount{"Contraction", b.Contraction}
	chu := amount{"Churned", b.Churned}
	if _, err := sameCurrency(start, exp, con, chu); err != nil {
		return err
	}
	for _, a := range []amount{exp, con, chu} {
		if err := nonNegative(a); err != nil {
			return err
		}
	}
	if err := positiveAmount(start, "no recurring revenue at start"); err != nil {
		return err
	}
	if lost := minor(b.Contraction).Add(minor(b.Churned)); lost.GreaterThan(minor(b.Start)) {
		return crmkit.Invalid("Churned", "contraction %s plus churned %s is more than start %s", b.Contraction, b.Churned, b.Start)
	}
	return nil
}

// NRR, net revenue retention (net dollar retention), is the recurring
// revenue of a period's starting customers at its end, over what they
// brought at its start:
//
//	NRR = (start + expansion − contraction − churned) / start
//
// Above 1 means the existing customers grew the business even after the
// losses. Source: the standard SaaS definition of net revenue retention
// (e.g. KeyBanc Capital Markets SaaS survey; David Skok, "SaaS Metrics 2.0",
// net MRR churn = 1 − NRR).
//
// The result is at least GRR and is not bounded above. An invalid bridge
// (see RevenueBridge) is an error matching crmkit.ErrInvalid or
// crmkit.ErrCurrencyMismatch.
func NRR(b RevenueBridge) (decimal.Decimal, error) {
	if err := b.validate(); err != nil {
		return decimal.Decimal{}, wrap("nrr", err)
	}
	end := minor(b.Start).Add(minor(b.Expansion)).Sub(minor(b.Contraction)).Sub(minor(b.Churned))
	return crmkit.Ratio(end, minor(b.Start))
}

// GRR, gross revenue retention, is the share of the starting customers'
// recurring revenue kept, counting losses but not expansion:
//
//	GRR = (start − contraction − churned) / start
//
// Source: the standard SaaS definition of gross revenue retention (e.g.
// KeyBanc Capital Markets SaaS survey).
//
// The result is in [0, 1], at most NRR, and GRR + RevenueChurn is exactly 1
// (see crmkit.Ratio). An invalid bridge is an error as for NRR.
func GRR(b RevenueBridge) (decimal.Decimal, error) {
	if err := b.validate(); err != nil {
		return decimal.Decimal{}, wrap("grr", err)
	}
	kept := minor(b.Start).Sub(minor(b.Contraction)).Sub(minor(b.Churned))
	return crmkit.Ratio(kept, minor(b.Start))
}

// RevenueChurn, gross revenue (MRR) churn, is the share of the starting
// customers' recurring revenue lost to downgrades and cancellations:
//
//	revenue churn = (contraction + churned) / start
//
// Source: David Skok, "SaaS Metrics 2.0" (gross MRR churn rate = churned
// and contraction MRR over MRR at the start of the period).
//
// The result is in [0, 1]. An invalid bridge is an error as for NRR.
func RevenueChurn(b RevenueBridge) (decimal.Decimal, error) {
	if err := b.validate(); err != nil {
		return decimal.Decimal{}, wrap("revenue churn", err)
	}
	return crmkit.Ratio(minor(b.Contraction).Add(minor(b.Churned)), minor(b.Start))
}

// ExpansionRate is the recurring revenue the starting customers added, over
// what they brought at the start:
//
//	expansion rate = expansion / start
//
// so that NRR = GRR + expansion rate before rounding. Source: the standard
// SaaS definition of expansion MRR rate (David Skok, "SaaS Metrics 2.0").
//
// The result is non-negative and not bounded above. An invalid bridge is an
// error as for NRR.
func ExpansionRate(b RevenueBridge) (decimal.Decimal, error) {
	if err := b.validate(); err != nil {
		return decimal.Decimal{}, wrap("expansion rate", err)
	}
	return crmkit.Ratio(minor(b.Expansion), minor(b.Start))
}
