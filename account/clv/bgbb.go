package clv

import (
	"math"

	"gonum.org/v1/gonum/mathext"

	"github.com/crmkit/crmkit"
)

// DiscreteCustomer is the (x, t_x, n) summary of a customer in discrete
// time: n transaction opportunities (yearly donation drives, annual events),
// a transaction at x of them, the last at opportunity t_x.
type DiscreteCustomer struct {
	// Frequency is x, the number of opportunities with a transaction.
	Frequency int
	// Recency is t_x, the opportunity of the last transaction, 0 when x = 0.
	Recency int
	// Periods is n, the number of opportunities observed.
	Periods int
}

// MaxOpportunities bounds the discrete-time work of BG/BB, whose
// likelihood sums over the opportunities: a customer's Periods, and the n
// and future opportunities of its predictions, are at most this many
// (enough for a daily drive over 27 years). More is an error matching
// crmkit.ErrInvalid, returned before any work.
const MaxOpportunities = 10_000

// checkOpportunities validates a number of opportunities: 0..MaxOpportunities.
func checkOpportunities(field string, n int) error {
	if n < 0 {
		return crmkit.Invalid(field, "must not be negative, got %d", n)
	}
	if n > MaxOpportunities {
		return crmkit.Invalid(field, "%d opportunities is more than %d", n, MaxOpportunities)
	}
	return nil
}

func checkDiscrete(list string, i int, c DiscreteCustomer) error {
	switch {
	case c.Periods < 0 || c.Periods > MaxOpportunities:
		return checkOpportunities(field(list, i, "periods"), c.Periods)
	case c.Frequency < 0:
		return crmkit.Invalid(field(list, i, "frequency"), "must not be negative, got %d", c.Frequency)
	case c.Recency < 0:
		return crmkit.Invalid(field(list, i, "recency"), "must not be negative, got %d", c.Recency)
	case c.Recency > c.Periods:
		return crmkit.Invalid(field(list, i, "recency"), "t_x %d is greater than the periods n %d", c.Recency, c.Periods)
	case c.Frequency > c.Recency:
		return crmkit.Invalid(field(list, i, "frequency"), "x %d is greater than the recency t_x %d", c.Frequency, c.Recency)
	case c.Frequency == 0 && c.Recency != 0:
		return crmkit.Invalid(field(list, i, "recency"), "must be 0 when frequency is 0, got %d", c.Recency)
	}
	return nil
}

// BGBB is the beta-geometric/beta-Bernoulli model of Fader, Hardie and Shang
// (2010), "Customer-Base Analysis in a Discrete-Time Noncontractual
// Setting", Marketing Science 29(6), 1086-1108.
//
// While alive, a customer transacts at each opportunity with probability p ~
// Beta(alpha, beta); before each opportunity an alive customer dies with
// probability θ ~ Beta(gamma, delta). On the paper's donations data (11,104
// donors, 6 opportunities) the estimate is alpha = 1.204, beta = 0.750,
// gamma = 0.657, delta = 2.783, log-likelihood -33225.6.
//
// The zero BGBB is not a model: its methods return errors wrapping
// crmkit.ErrInvalid until all four parameters are positive. Numbers of
// opportunities are bounded by MaxOpportunities.
type BGBB struct {
	// Alpha and Beta are the parameters of the beta distribution of the
	// transaction probability p.
	Alpha, Beta float64
	// Gamma and Delta are the parameters of the beta distribution of the
	// dropout probability θ.
	Gamma, Delta float64
}

var bgbbNames = []string{"alpha", "beta", "gamma", "delta"}

func (m BGBB) check() error {
	return checkParams("BG/BB", bgbbNames, m.Alpha, m.Beta, m.Gamma, m.Delta)
}

// bgbbData is a validated set of discrete summaries with weights.
type bgbbData struct {
	cs   []DiscreteCustomer
	w    []float64
	sumW float64
}

func newBGBBData(customers []DiscreteCustomer, weights []float64) (*bgbbData, error) {
	if len(customers) == 0 {
		return nil, crmkit.Invalid("customers", "no customers")
	}
	d := &bgbbData{}
	for i, c := range customers {
		if err := checkDiscrete("customers", i, c); err != nil {
			return nil, err
		}
		w := weight(weights, i)
		if w == 0 {
			continue
		}
		d.cs = append(d.cs, c)
		d.w = append(d.w, w)
		d.sumW += w
	}
	if !(d.sumW > 0) || math.IsInf(d.sumW, 1) {
		return nil, crmkit.Invalid("weights", "must add up to a positive finite number, got %v", d.sumW)
	}
	return d, nil
}

// FitBGBB estimates a BG/BB model by maximum likelihood (gonum's BFGS on the
// log parameters, analytic gradient). The likelihood of a
// customer (x, t_x, n) is, from the paper,
//
//	L = B(α+x, β+n-x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
//	  + Σ_{i=0..n-t_x-1} B(α+x, β+t_x-x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ).
func FitBGBB(customers []DiscreteCustomer, opts FitOptions) (BGBB, FitResult, error) {
	if err := checkOptions(opts, 4, len(customers)); err != nil {
		return BGBB{}, FitResult{}, err
	}
	d, err := newBGBBData(customers, opts.Weights)
	if err != nil {
		return BGBB{}, FitResult{}, err
	}
	p, res, err := minimise(problem{
		model:    "BG/BB",
		names:    bgbbNames,
		scales:   []float64{1, 1, 1, 1},
		ll:       bgbbLL(d),
		analytic: true,
		sumW:     d.sumW,
	}, opts)
	if err != nil {
		return BGBB{}, FitResult{}, err
	}
	return BGBB{Alpha: p[0], Beta: p[1], Gamma: p[2], Delta: p[3]}, res, nil
}

// bgbbLogL returns the log-likelihood of one customer. The sum's terms
// follow from B(a, b+1) = B(a, b) b/(a+b), so only its first term needs the
// beta function.
func bgbbLogL(alpha, beta, gamma, delta float64, c DiscreteCustomer) float64 {
	return bgbbLogLB(alpha, beta, gamma, delta, mathext.Lbeta(alpha, beta), mathext.Lbeta(gamma, delta), c)
}

// bgbbLogLB is bgbbLogL given lbAB = ln B(α, β) and lbGD = ln B(γ, δ).
func bgbbLogLB(alpha, beta, gamma, delta, lbAB, lbGD float64, c DiscreteCustomer) float64 {
	x, tx, n := float64(c.Frequency), float64(c.Recency), float64(c.Periods)
	la := mathext.Lbeta(alpha+x, beta+n-x) - lbAB + mathext.Lbeta(gamma, delta+n) - lbGD
	terms := c.Periods - c.Recency
	if terms == 0 {
		return la
	}
	lt := mathext.Lbeta(alpha+x, beta+tx-x) - lbAB + mathext.Lbeta(gamma+1, delta+tx) - lbGD
	sum, term := 0.0, 1.0
	for i := range terms {
		sum += term
		fi := float64(i)
		term *= (beta + tx - x + fi) / (alpha + beta + tx + fi) * (delta + tx + fi) / (gamma + 1 + delta + tx + fi)
	}
	return logAddExp(la, lt+math.Log(sum))
}

// bgbbLL returns the BG/BB log-likelihood and its gradient. Every term of
// the likelihood is a product of beta-function ratios, so its logarithm
// l_k has ∂l_k/∂α = ψ(α+x) - ψ(α+β+...) - ψ(α) + ψ(α+β) and the like, and
// ∂ℓ = Σ_k e^(l_k - ℓ) ∂l_k; along the sum the digammas step by
// ψ(z+1) = ψ(z) + 1/z.
func bgbbLL(d *bgbbData) objective {
	return func(p, grad []float64) float64 {
		alpha, beta, gamma, delta := p[0], p[1], p[2], p[3]
		lbAB, lbGD := mathext.Lbeta(alpha, beta), mathext.Lbeta(gamma, delta)
		var ll float64
		var g [4]float64
		var pA, pB, pAB, pG, pD, pGD float64
		if grad != nil {
			pA, pB, pAB = mathext.Digamma(alpha), mathext.Digamma(beta), mathext.Digamma(alpha+beta)
			pG, pD, pGD = mathext.Digamma(gamma), mathext.Digamma(delta), mathext.Digamma(gamma+delta)
		}
		for i, c := range d.cs {
			w := d.w[i]
			l := bgbbLogLB(alpha, beta, gamma, delta, lbAB, lbGD, c)
			ll += w * l
			if grad == nil {
				continue
			}
			x, tx, n := float64(c.Frequency), float64(c.Recency), float64(c.Periods)
			psiAX := mathext.Digamma(alpha + x)
			// The first term: alive through all n opportunities.
			la := mathext.Lbeta(alpha+x, beta+n-x) - lbAB + mathext.Lbeta(gamma, delta+n) - lbGD
			wa := math.Exp(la - l)
			psiABN := mathext.Digamma(alpha + beta + n)
			psiGDN := mathext.Digamma(gamma + delta + n)
			g[0] += w * wa * (psiAX - psiABN - pA + pAB)
			g[1] += w * wa * (mathext.Digamma(beta+n-x) - psiABN - pB + pAB)
			g[2] += w * wa * (pGD - psiGDN) // ψ(γ) cancels
			g[3] += w * wa * (mathext.Digamma(delta+n) - psiGDN - pD + pGD)
			// The sum: died after opportunity tx+i, i = 0 .. n-tx-1.
			if c.Periods == c.Recency {
				continue
			}
			lt := mathext.Lbeta(alpha+x, beta+tx-x) - lbAB + mathext.Lbeta(gamma+1, delta+tx) - lbGD
			psiBX := mathext.Digamma(beta + tx - x)
			psiABT := mathext.Digamma(alpha + beta + tx)
			psiDT := mathext.Digamma(delta + tx)
			psiGDT := mathext.Digamma(gamma + 1 + delta + tx)
			psiG1 := mathext.Digamma(gamma + 1)
			for j := range c.Periods - c.Recency {
				fj := float64(j)
				wt := math.Exp(lt - l)
				g[0] += w * wt * (psiAX - psiABT - pA + pAB)
				g[1] += w * wt * (psiBX - psiABT - pB + pAB)
				g[2] += w * wt * (psiG1 - psiGDT - pG + pGD)
				g[3] += w * wt * (psiDT - psiGDT - pD + pGD)
				// Step to j+1: B(a, b+1) = B(a, b) b/(a+b).
				lt += math.Log((beta+tx-x+fj)/(alpha+beta+tx+fj)) + math.Log((delta+tx+fj)/(gamma+1+delta+tx+fj))
				psiBX += 1 / (beta + tx - x + fj)
				psiABT += 1 / (alpha + beta + tx + fj)
				psiDT += 1 / (delta + tx + fj)
				psiGDT += 1 / (gamma + 1 + delta + tx + fj)
			}
		}
		if grad != nil {
			copy(grad, g[:])
		}
		return ll
	}
}

// LogLikelihood returns Σ w_i ℓ_i of the customers under the model (weights
// may be nil for one each).
func (m BGBB) LogLikelihood(customers []DiscreteCustomer, weights []float64) (float64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	if err := checkOptions(FitOptions{Weights: weights}, 4, len(customers)); err != nil {
		return 0, err
	}
	d, err := newBGBBData(customers, weights)
	if err != nil {
		return 0, err
	}
	ll := 0.0
	for i, c := range d.cs {
		ll += d.w[i] * bgbbLogL(m.Alpha, m.Beta, m.Gamma, m.Delta, c)
	}
	return finite("bg/bb log-likelihood", ll)
}

// gammaRatioDiff returns δ/(γ-1) [Γ(1+δ+a)/Γ(γ+δ+a) - Γ(1+δ+b)/Γ(γ+δ+b)],
// and its limit δ [ψ(1+δ+b) - ψ(1+δ+a)] at γ = 1.
func gammaRatioDiff(gamma, delta, a, b float64) float64 {
	if gamma == 1 {
		return delta * (mathext.Digamma(1+delta+b) - mathext.Digamma(1+delta+a))
	}
	la := lgamma(1+delta+a) - lgamma(gamma+delta+a)
	lb := lgamma(1+delta+b) - lgamma(gamma+delta+b)
	return delta / (gamma - 1) * -math.Exp(la) * math.Expm1(lb-la)
}

// ExpectedTransactions returns E[X(n)], the expected number of
// transactions of a customer picked at random over the first n
// opportunities:
//
//	E[X(n)] = α/(α+β) · δ/(γ-1) · [1 - Γ(γ+δ)/Γ(γ+δ+n) · Γ(1+δ+n)/Γ(1+δ)].
func (m BGBB) ExpectedTransactions(n int) (float64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	if err := checkOpportunities("n", n); err != nil {
		return 0, err
	}
	gd := gammaRatioDiff(m.Gamma, m.Delta, 0, float64(n)) * math.Exp(lgamma(m.Gamma+m.Delta)-lgamma(1+m.Delta))
	return finite("bg/bb expected transactions", m.Alpha/(m.Alpha+m.Beta)*gd)
}

// ProbTransactions returns P(X(n) = x), the probability that a customer
// picked at random transacts at x of the first n opportunities (equation 7
// of the paper):
//
//	P(X(n)=x) = C(n,x) B(α+x, β+n-x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
//	  + Σ_{i=x..n-1} C(i,x) B(α+x, β+i-x)/B(α,β) · B(γ+1, δ+i)/B(γ,δ).
func (m BGBB) ProbTransactions(x, n int) (float64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	if err := checkOpportunities("n", n); err != nil {
		return 0, err
	}
	if x < 0 || x > n {
		return 0, crmkit.Invalid("x", "must be in [0, n=%d], got %d", n, x)
	}
	a, b, g, dl := m.Alpha, m.Beta, m.Gamma, m.Delta
	xf, nf := float64(x), float64(n)
	lbAB, lbGD := mathext.Lbeta(a, b), mathext.Lbeta(g, dl)
	p := math.Exp(lchoose(nf, xf) + mathext.Lbeta(a+xf, b+nf-xf) - lbAB + mathext.Lbeta(g, dl+nf) - lbGD)
	for i := x; i < n; i++ {
		fi := float64(i)
		p += math.Exp(lchoose(fi, xf) + mathext.Lbeta(a+xf, b+fi-xf) - lbAB + mathext.Lbeta(g+1, dl+fi) - lbGD)
	}
	return finite("bg/bb probability of transactions", p)
}

func lchoose(n, k float64) float64 {
	return lgamma(n+1) - lgamma(k+1) - lgamma(n-k+1)
}

// ProbAlive returns the probability that a customer with history
// (x, t_x, n) is alive at opportunity n+1 (appendix, equation A10):
//
//	P(alive at n+1) = B(α+x, β+n-x)/B(α,β) · B(γ, δ+n+1)/B(γ,δ) / L(α,β,γ,δ | x, t_x, n).
func (m BGBB) ProbAlive(c DiscreteCustomer) (float64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	if err := checkDiscrete("customer", -1, c); err != nil {
		return 0, err
	}
	a, b, g, dl := m.Alpha, m.Beta, m.Gamma, m.Delta
	x, n := float64(c.Frequency), float64(c.Periods)
	l := mathext.Lbeta(a+x, b+n-x) - mathext.Lbeta(a, b) + mathext.Lbeta(g, dl+n+1) - mathext.Lbeta(g, dl) - bgbbLogL(a, b, g, dl, c)
	return finite("bg/bb probability alive", math.Exp(l))
}

// ConditionalExpectedTransactions returns the expected number of
// transactions over the next future opportunities of a customer with
// history (x, t_x, n) (equation 13 of the paper):
//
//	E[X(n, n+n*) | x, t_x, n] = 1/L · B(α+x+1, β+n-x)/B(α,β) · δ/(γ-1) · Γ(γ+δ)/Γ(1+δ)
//	    · [Γ(1+δ+n)/Γ(γ+δ+n) - Γ(1+δ+n+n*)/Γ(γ+δ+n+n*)].
func (m BGBB) ConditionalExpectedTransactions(future int, c DiscreteCustomer) (float64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	if future < 0 {
		return 0, crmkit.Invalid("future", "number of future opportunities must not be negative, got %d", future)
	}
	if err := checkOpportunities("future", future); err != nil {
		return 0, err
	}
	if err := checkDiscrete("customer", -1, c); err != nil {
		return 0, err
	}
	a, b, g, dl := m.Alpha, m.Beta, m.Gamma, m.Delta
	x, n := float64(c.Frequency), float64(c.Periods)
	l := mathext.Lbeta(a+x+1, b+n-x) - mathext.Lbeta(a, b) + lgamma(g+dl) - lgamma(1+dl) - bgbbLogL(a, b, g, dl, c)
	return finite("bg/bb conditional expected transactions", math.Exp(l)*gammaRatioDiff(g, dl, n, n+float64(future)))
}
