package clv

import (
	"math"

	"gonum.org/v1/gonum/mathext"

	"github.com/crmkit/crmkit"
)

// GammaGamma is the Gamma-Gamma model of monetary value of Fader, Hardie and
// Lee (2005), "RFM and CLV: Using Iso-Value Curves for Customer Base
// Analysis", Journal of Marketing Research 42(4), 415-430, as written up in
// Fader and Hardie's note "The Gamma-Gamma Model of Monetary Value" (2013).
//
// Each purchase of a customer is worth z ~ Gamma(p, ν), and ν varies across
// customers as Gamma(q, γ); spend is assumed independent of the purchase
// process. On the repeat customers of the 2,357 CDNOW customers the
// estimate is p = 6.25, q = 3.74, γ = 15.44.
//
// The zero GammaGamma is not a model: its methods return errors wrapping
// crmkit.ErrInvalid until all three parameters are positive.
type GammaGamma struct {
	// P is the shape of the gamma distribution of a customer's purchase
	// values; Q and Gamma are the shape and rate of the gamma distribution
	// of its rate ν across customers (Gamma in currency units).
	P, Q, Gamma float64
}

var gammaGammaNames = []string{"p", "q", "gamma"}

// checkSpend validates the (x, m) pair of a repeat customer.
func checkSpend(list string, i int, c Customer) error {
	if c.Frequency < 0 {
		return crmkit.Invalid(field(list, i, "frequency"), "must not be negative, got %d (customer %q)", c.Frequency, c.ID)
	}
	m := c.MonetaryValue
	if math.IsNaN(m) || math.IsInf(m, 0) || m < 0 {
		return crmkit.Invalid(field(list, i, "monetary value"), "must be finite and not negative, got %v (customer %q)", m, c.ID)
	}
	if c.Frequency > 0 && m == 0 {
		return crmkit.Invalid(field(list, i, "monetary value"), "must be positive for a repeat customer (customer %q)", c.ID)
	}
	return nil
}

// FitGammaGamma estimates the Gamma-Gamma model by maximum likelihood
// (gonum's BFGS on the log parameters, analytic gradient) from the
// customers with at least one repeat purchase; customers with Frequency 0
// carry no spend information and are skipped. The log-likelihood of a
// customer with x repeat purchases of mean value m is that of the density
// of the mean (equation 1a of the note),
//
//	f(m | x) = Γ(px+q) / (Γ(px) Γ(q)) γ^q m^(px-1) x^(px) / (γ + m x)^(px+q).
//
// A repeat customer with a zero, negative or non-finite MonetaryValue, no
// repeat customer at all, or bad options return errors wrapping
// crmkit.ErrInvalid.
func FitGammaGamma(customers []Customer, opts FitOptions) (GammaGamma, FitResult, error) {
	if err := checkOptions(opts, 3, len(customers)); err != nil {
		return GammaGamma{}, FitResult{}, err
	}
	d, err := newSpendData(customers, opts.Weights)
	if err != nil {
		return GammaGamma{}, FitResult{}, err
	}
	p, res, err := minimise(problem{
		model:    "Gamma-Gamma",
		names:    gammaGammaNames,
		scales:   []float64{1, 1, d.meanM},
		ll:       gammaGammaLL(d),
		analytic: true,
		sumW:     d.sumW,
	}, opts)
	if err != nil {
		return GammaGamma{}, FitResult{}, err
	}
	return GammaGamma{P: p[0], Q: p[1], Gamma: p[2]}, res, nil
}

// LogLikelihood returns Σ w_i ln f(m_i | x_i) over the repeat customers
// (weights may be nil for one each).
func (g GammaGamma) LogLikelihood(customers []Customer, weights []float64) (float64, error) {
	if err := g.check(); err != nil {
		return 0, err
	}
	if err := checkOptions(FitOptions{Weights: weights}, 3, len(customers)); err != nil {
		return 0, err
	}
	d, err := newSpendData(customers, weights)
	if err != nil {
		return 0, err
	}
	return finite("gamma-gamma log-likelihood", gammaGammaLL(d)([]float64{g.P, g.Q, g.Gamma}, nil))
}

// spendData holds the repeat customers' (x, m) with per-row constants.
type spendData struct {
	sumW float64
	xs   []int     // distinct x
	xi   []int32   // per row: index into xs
	x, m []float64 // per row
	w    []float64
	// Σ w ln m, Σ w x ln m + Σ w x ln x: the parts of ℓ linear in p.
	sumLnM, sumXLn float64
	// meanM is the weighted mean of m, the natural scale of γ.
	meanM float64
}

func newSpendData(customers []Customer, weights []float64) (*spendData, error) {
	if len(customers) == 0 {
		return nil, crmkit.Invalid("customers", "no customers")
	}
	d := &spendData{}
	idx := make(map[int]int32)
	for i, c := range customers {
		if err := checkSpend("customers", i, c); err != nil {
			return nil, err
		}
		w := weight(weights, i)
		if c.Frequency == 0 || w == 0 {
			continue
		}
		k, ok := idx[c.Frequency]
		if !ok {
			k = int32(len(d.xs))
			idx[c.Frequency] = k
			d.xs = append(d.xs, c.Frequency)
		}
		x := float64(c.Frequency)
		d.xi = append(d.xi, k)
		d.x = append(d.x, x)
		d.m = append(d.m, c.MonetaryValue)
		d.w = append(d.w, w)
		d.sumW += w
		d.sumLnM += w * math.Log(c.MonetaryValue)
		d.meanM += w * c.MonetaryValue
		d.sumXLn += w * x * (math.Log(c.MonetaryValue) + math.Log(x))
	}
	if len(d.w) == 0 {
		return nil, crmkit.Invalid("customers", "no customer with a repeat purchase (and a positive weight) to fit spend to")
	}
	if math.IsInf(d.sumW, 1) || math.IsInf(d.meanM, 1) {
		return nil, crmkit.Invalid("weights", "weighted sums are not finite")
	}
	d.meanM /= d.sumW
	return d, nil
}

func gammaGammaLL(d *spendData) objective {
	lg := make([]float64, len(d.xs))  // lnΓ(px+q) - lnΓ(px)
	psi := make([]float64, len(d.xs)) // ψ(px+q)
	psiPX := make([]float64, len(d.xs))
	return func(par, grad []float64) float64 {
		p, q, v := par[0], par[1], par[2]
		for k, xi := range d.xs {
			px := p * float64(xi)
			lg[k] = lgamma(px+q) - lgamma(px)
			if grad != nil {
				psi[k] = mathext.Digamma(px + q)
				psiPX[k] = mathext.Digamma(px)
			}
		}
		lnV := math.Log(v)
		ll := d.sumW*(q*lnV-lgamma(q)) - d.sumLnM + p*d.sumXLn
		var gp, gq, gv float64
		for i, w := range d.w {
			k := d.xi[i]
			x := d.x[i]
			den := x*d.m[i] + v
			lden := math.Log(den)
			ll += w * (lg[k] - (p*x+q)*lden)
			if grad != nil {
				gp += w * x * (psi[k] - psiPX[k] - lden)
				gq += w * (psi[k] - lden)
				gv -= w * (p*x + q) / den
			}
		}
		if grad != nil {
			grad[0] = gp + d.sumXLn
			grad[1] = gq + d.sumW*(lnV-mathext.Digamma(q))
			grad[2] = gv + d.sumW*q/v
		}
		return ll
	}
}

func (g GammaGamma) check() error {
	return checkParams("Gamma-Gamma", gammaGammaNames, g.P, g.Q, g.Gamma)
}

func (g GammaGamma) checkMean() error {
	if err := g.check(); err != nil {
		return err
	}
	if g.Q <= 1 {
		return crmkit.Invalid("gamma-gamma q", "the mean spend exists only for q > 1, got %v", g.Q)
	}
	return nil
}

// ExpectedSpend returns the population's mean spend per purchase,
// E[Z] = pγ / (q-1); it needs q > 1.
func (g GammaGamma) ExpectedSpend() (float64, error) {
	if err := g.checkMean(); err != nil {
		return 0, err
	}
	return finite("gamma-gamma expected spend", g.P*g.Gamma/(g.Q-1))
}

// ConditionalExpectedSpend returns the expected spend per purchase of a
// customer with x repeat purchases of mean value m (equation 5 of the note),
// a weighted average of the population mean and the customer's own mean:
//
//	E[Z | x, m] = (q-1)/(px+q-1) · pγ/(q-1) + px/(px+q-1) · m.
//
// A customer with no repeat purchase gets the population mean. It needs
// q > 1.
func (g GammaGamma) ConditionalExpectedSpend(c Customer) (float64, error) {
	if err := g.checkMean(); err != nil {
		return 0, err
	}
	if err := checkSpend("customer", -1, c); err != nil {
		return 0, err
	}
	px := g.P * float64(c.Frequency)
	return finite("gamma-gamma conditional spend", (g.P*g.Gamma+px*c.MonetaryValue)/(px+g.Q-1))
}

// CLVOptions describes the horizon and economics of a CLV calculation.
type CLVOptions struct {
	// Periods is the number of discounting periods in the horizon (12 for a
	// year of months); it must be in 1..MaxCLVPeriods.
	Periods int
	// PeriodLength is the length of one period in the purchase model's time
	// unit (4.345 weeks for a month); it must be positive.
	PeriodLength float64
	// DiscountRate is the discount rate per period (0.01 for 1% a month),
	// finite and not negative.
	DiscountRate float64
	// Margin is the profit margin on spend, in (0, 1].
	Margin float64
}

// MaxCLVPeriods bounds CLVOptions.Periods: CLV evaluates the purchase
// model once per period (10,000 weeks are 190 years).
const MaxCLVPeriods = 10_000

func (o CLVOptions) check() error {
	if o.Periods <= 0 {
		return crmkit.Invalid("periods", "must be positive, got %d", o.Periods)
	}
	if o.Periods > MaxCLVPeriods {
		return crmkit.Invalid("periods", "%d periods is more than %d", o.Periods, MaxCLVPeriods)
	}
	if !(o.PeriodLength > 0) || math.IsInf(o.PeriodLength, 1) {
		return crmkit.Invalid("period length", "must be positive and finite, got %v", o.PeriodLength)
	}
	if math.IsNaN(o.DiscountRate) || math.IsInf(o.DiscountRate, 0) || o.DiscountRate < 0 {
		return crmkit.Invalid("discount rate", "must be finite and not negative, got %v", o.DiscountRate)
	}
	if !(o.Margin > 0) || o.Margin > 1 {
		return crmkit.Invalid("margin", "must be in (0, 1], got %v", o.Margin)
	}
	return nil
}

// conditionalCurver is implemented by purchase models whose conditional
// expectation has a costly part that depends on the customer only: CLV
// computes it once instead of once per period.
type conditionalCurver interface {
	conditionalCurve(c Customer) (func(t float64) (float64, error), error)
}

// CLV returns a customer's residual lifetime value: the discounted expected
// margin over the horizon, combining a purchase model (BG/NBD, MBG/NBD or
// Pareto/NBD) for the number of purchases with the Gamma-Gamma expected
// spend, as lifetimes' customer_lifetime_value does:
//
//	CLV = Σ_{i=1..H} margin · E[Z | x, m] · (E[Y(iΔ)] - E[Y((i-1)Δ)]) / (1+d)^i
//
// where E[Y(t)] is the model's conditional expected number of purchases in
// the next t time units, Δ the period length and d the discount rate. The
// result is in the currency unit of MonetaryValue.
func (g GammaGamma) CLV(model PurchaseModel, c Customer, opts CLVOptions) (float64, error) {
	if model == nil {
		return 0, crmkit.Invalid("model", "nil purchase model")
	}
	if err := opts.check(); err != nil {
		return 0, err
	}
	spend, err := g.ConditionalExpectedSpend(c)
	if err != nil {
		return 0, err
	}
	expected := func(t float64) (float64, error) { return model.ConditionalExpectedPurchases(t, c) }
	if cc, ok := model.(conditionalCurver); ok {
		if expected, err = cc.conditionalCurve(c); err != nil {
			return 0, err
		}
	}
	total, prev := 0.0, 0.0
	disc := 1.0
	for i := 1; i <= opts.Periods; i++ {
		cum, err := expected(float64(i) * opts.PeriodLength)
		if err != nil {
			return 0, err
		}
		disc /= 1 + opts.DiscountRate
		total += (cum - prev) * disc
		prev = cum
	}
	return finite("clv", opts.Margin*spend*total)
}
