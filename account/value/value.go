package value

import (
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// Profit returns a customer's profitability: revenue minus the cost to
// serve it (sales visits, support, discounts, logistics). Both must be in
// one currency and non-negative; the result may be negative (a customer
// that costs more than it brings).
func Profit(revenue, costToServe crmkit.Money) (crmkit.Money, error) {
	if revenue.Sign() < 0 || costToServe.Sign() < 0 {
		return crmkit.Money{}, crmkit.Invalid("profit", "negative revenue %s or cost to serve %s", revenue, costToServe)
	}
	p, err := revenue.Sub(costToServe)
	if err != nil {
		return crmkit.Money{}, fmt.Errorf("profit: %w", err)
	}
	return p, nil
}

// ProfitMargin returns (revenue − cost to serve) / revenue. Zero revenue
// has no margin (ErrInvalid).
func ProfitMargin(revenue, costToServe crmkit.Money) (decimal.Decimal, error) {
	p, err := Profit(revenue, costToServe)
	if err != nil {
		return decimal.Decimal{}, err
	}
	if revenue.Sign() == 0 {
		return decimal.Decimal{}, crmkit.Invalid("revenue", "zero revenue has no margin")
	}
	return crmkit.Ratio(decimal.NewFromInt(p.Minor()), decimal.NewFromInt(revenue.Minor()))
}

// MaxFiniteCLVPeriods is the most periods FiniteCLV sums (100 years of
// months), so that its exact decimal arithmetic stays small; rates are
// fractions with at most crmkit.MaxFractionPlaces places. (clv.MaxCLVPeriods
// bounds the float64 models of package account/clv, a different sum.)
const MaxFiniteCLVPeriods = 1200

// checkRate validates a probability, rate or share as crmkit.CheckFraction
// does and returns it in compact form (see crmkit.CheckDecimal).
func checkRate(field string, d decimal.Decimal) (decimal.Decimal, error) {
	return crmkit.CheckDecimal(field, d, crmkit.MaxFractionPlaces, 1)
}

// checkCLVInputs validates a retention rate and a discount rate, both
// fractions in [0, 1], and returns them in compact form.
func checkCLVInputs(retention, discount decimal.Decimal) (decimal.Decimal, decimal.Decimal, error) {
	r, err := checkRate("retention", retention)
	if err != nil {
		return r, r, err
	}
	d, err := checkRate("discount", discount)
	return r, d, err
}

// HistoricalCLV is the customer lifetime value of a constant margin per
// period kept with a constant retention rate, discounted at rate
// discount, counting margins from the end of the first period on (Gupta
// and Lehmann, "Customers as Assets", Journal of Interactive Marketing
// 17(1), 2003):
//
//	CLV = Σ_{t=1..∞} m · r^t / (1+d)^t = m · r / (1 + d − r)
//
// For m = 100, r = 0.8, d = 0.1: 100 · 0.8 / 0.3 = 266.67. The result is
// rounded once with mode. A retention or discount rate outside [0, 1]
// (crmkit.CheckFraction), or r = 1 with d = 0 (an infinite value) are
// ErrInvalid.
func HistoricalCLV(margin crmkit.Money, retention, discount decimal.Decimal, mode crmkit.RoundingMode) (crmkit.Money, error) {
	retention, discount, err := checkCLVInputs(retention, discount)
	if err != nil {
		return crmkit.Money{}, fmt.Errorf("clv: %w", err)
	}
	den := decimal.NewFromInt(1).Add(discount).Sub(retention)
	if den.Sign() <= 0 {
		return crmkit.Money{}, crmkit.Invalid("retention", "retention %s with discount %s gives an infinite lifetime value", retention, discount)
	}
	r, err := margin.MulRatio(retention, den, mode)
	if err != nil {
		return crmkit.Money{}, fmt.Errorf("clv: %w", err)
	}
	return r, nil
}

// FiniteCLV is HistoricalCLV over a horizon of periods periods:
//
//	CLV_T = Σ_{t=1..T} m · (r / (1+d))^t
//
// It grows with T towards HistoricalCLV. For m = 100, r = 0.8, d = 0.1:
// T = 1 gives 72.73, T = 2 gives 125.62. periods must be in
// 1..MaxFiniteCLVPeriods, and the rates within the bounds of HistoricalCLV.
// The sum is computed exactly and divided once, so the result never
// exceeds HistoricalCLV rounded the same way.
func FiniteCLV(margin crmkit.Money, retention, discount decimal.Decimal, periods int, mode crmkit.RoundingMode) (crmkit.Money, error) {
	retention, discount, err := checkCLVInputs(retention, discount)
	if err != nil {
		return crmkit.Money{}, fmt.Errorf("finite clv: %w", err)
	}
	if periods < 1 || periods > MaxFiniteCLVPeriods {
		return crmkit.Money{}, crmkit.Invalid("periods", "horizon %d is outside 1..%d", periods, MaxFiniteCLVPeriods)
	}
	// Σ_{t=1..T} r^t/(1+d)^t = Σ_{t=1..T} r^t·(1+d)^(T−t) / (1+d)^T, summed
	// exactly and divided once.
	g := decimal.NewFromInt(1).Add(discount)
	num, rt := decimal.Zero, decimal.NewFromInt(1)
	gpow := make([]decimal.Decimal, periods)
	gpow[0] = decimal.NewFromInt(1)
	for i := 1; i < periods; i++ {
		gpow[i] = gpow[i-1].Mul(g)
	}
	for t := 1; t <= periods; t++ {
		rt = rt.Mul(retention)
		num = num.Add(rt.Mul(gpow[periods-t]))
	}
	r, err := margin.MulRatio(num, gpow[periods-1].Mul(g), mode)
	if err != nil {
		return crmkit.Money{}, fmt.Errorf("finite clv: %w", err)
	}
	return r, nil
}

// MaxRetentionSpend is the most worth spending to keep a customer whose
// remaining value is value and whom the spending keeps with probability
// saveProbability: the expected value saved, value × p. Retention is
// selective: it is never more than the customer's value, and zero for a
// customer of no or negative value. p must be in [0, 1], with at most
// crmkit.MaxFractionPlaces decimal places.
func MaxRetentionSpend(value crmkit.Money, saveProbability decimal.Decimal, mode crmkit.RoundingMode) (crmkit.Money, error) {
	saveProbability, err := checkRate("save probability", saveProbability)
	if err != nil {
		return crmkit.Money{}, err
	}
	if value.Currency().IsZero() {
		return crmkit.Money{}, crmkit.Invalid("value", "customer value without currency")
	}
	if value.Sign() <= 0 {
		return crmkit.NewMoney(0, value.Currency())
	}
	return value.Mul(saveProbability, mode)
}
