package clv

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// ParetoNBD is the Pareto/NBD model of Schmittlein, Morrison and Colombo
// (1987), "Counting Your Customers: Who Are They and What Will They Do
// Next?", Management Science 33(1), 1-24, in the parameterisation and with
// the expressions of Fader and Hardie's note "A Note on Deriving the
// Pareto/NBD Model and Related Expressions" (2005).
//
// While active, a customer buys as a Poisson process with rate λ ~
// Gamma(r, alpha) and stays active for an exponential lifetime with rate μ ~
// Gamma(s, beta). On the 2,357 CDNOW customers (weeks) the maximum of the
// likelihood is -9595.0 near r = 0.553, alpha = 10.578, s = 0.606, beta =
// 11.669; beta is weakly determined (the likelihood is flat along it).
//
// The zero ParetoNBD is not a model: its methods return errors wrapping
// crmkit.ErrInvalid until all four parameters are positive.
type ParetoNBD struct {
	// R and Alpha are the shape and rate of the gamma distribution of
	// purchase rates λ (Alpha in the data's time unit).
	R, Alpha float64
	// S and Beta are the shape and rate of the gamma distribution of
	// dropout rates μ (Beta in the data's time unit).
	S, Beta float64
}

var paretoNames = []string{"r", "alpha", "s", "beta"}

// FitParetoNBD estimates a Pareto/NBD model by maximum likelihood (gonum's
// BFGS on the log parameters; analytic gradient, with central differences
// where the hypergeometric series behind it converges slowly). The
// log-likelihood of a customer (x, t_x, T) is equation (18) of the note,
//
//	L = Γ(r+x) α^r β^s / Γ(r) × [ (α+T)^-(r+x) (β+T)^-s + s/(r+s+x) A0 ],
//
// where, for α >= β,
//
//	A0 = 2F1(r+s+x, s+1; r+s+x+1; (α-β)/(α+t_x)) / (α+t_x)^(r+s+x)
//	   - 2F1(r+s+x, s+1; r+s+x+1; (α-β)/(α+T)) / (α+T)^(r+s+x)
//
// and, for α < β, the same with α and β swapped and r+x in place of s+1, so
// that the argument of 2F1 (gonum's mathext.Hypergeo) stays in [0, 1).
func FitParetoNBD(customers []Customer, opts FitOptions) (ParetoNBD, FitResult, error) {
	if err := checkOptions(opts, 4, len(customers)); err != nil {
		return ParetoNBD{}, FitResult{}, err
	}
	d, err := newCountData(customers, opts.Weights, true)
	if err != nil {
		return ParetoNBD{}, FitResult{}, err
	}
	if err := d.checkIdentified(); err != nil {
		return ParetoNBD{}, FitResult{}, err
	}
	scale := math.Max(d.maxT/10, 1e-3)
	p, res, err := minimise(problem{
		model:    "Pareto/NBD",
		names:    paretoNames,
		scales:   []float64{1, scale, 1, scale},
		ll:       paretoLL(d),
		analytic: true,
		sumW:     d.sumW,
	}, opts)
	if err != nil {
		return ParetoNBD{}, FitResult{}, err
	}
	return ParetoNBD{R: p[0], Alpha: p[1], S: p[2], Beta: p[3]}, res, nil
}

// LogLikelihood returns Σ w_i ℓ_i of the customers under the model (weights
// may be nil for one each).
func (m ParetoNBD) LogLikelihood(customers []Customer, weights []float64) (float64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	if err := checkOptions(FitOptions{Weights: weights}, 4, len(customers)); err != nil {
		return 0, err
	}
	d, err := newCountData(customers, weights, true)
	if err != nil {
		return 0, err
	}
	return finite("pareto/nbd log-likelihood", paretoLL(d)([]float64{m.R, m.Alpha, m.S, m.Beta}, nil))
}

func (m ParetoNBD) check() error {
	return checkParams("Pareto/NBD", paretoNames, m.R, m.Alpha, m.S, m.Beta)
}

// paretoHyp holds what the A0 terms of one model share: the larger of α and
// β, their distance, and the second parameter of 2F1 for x repeat
// purchases.
type paretoHyp struct {
	r, s, maxAB, absAB float64
	alphaSmaller       bool
}

func newParetoHyp(r, alpha, s, beta float64) paretoHyp {
	return paretoHyp{r: r, s: s, maxAB: math.Max(alpha, beta), absAB: math.Abs(alpha - beta), alphaSmaller: alpha < beta}
}

func (h paretoHyp) b(x float64) float64 {
	if h.alphaSmaller {
		return h.r + x
	}
	return h.s + 1
}

// logTerm returns ln[2F1(r+s+x, b; r+s+x+1; |α-β|/(max+t)) / (max+t)^(r+s+x)].
func (h paretoHyp) logTerm(x, t float64) float64 {
	rsx := h.r + h.s + x
	q := h.maxAB + t
	return math.Log(hyp2f1(rsx, h.b(x), rsx+1, h.absAB/q)) - rsx*math.Log(q)
}

// logA0 returns ln A0 from the two log terms at t_x and T; -Inf when
// t_x = T.
func logA0(l1, l2 float64) float64 {
	if l2 >= l1 {
		return math.Inf(-1)
	}
	return l1 + math.Log1p(-math.Exp(l2-l1))
}

func logAddExp(a, b float64) float64 {
	if math.IsInf(b, -1) {
		return a
	}
	if math.IsInf(a, -1) {
		return b
	}
	if a > b {
		return a + math.Log1p(math.Exp(b-a))
	}
	return b + math.Log1p(math.Exp(a-b))
}

// oneMinusExp returns 1 - e^d for d <= 0, accurately near 0.
func oneMinusExp(d float64) float64 {
	if d > -0.5 {
		return -math.Expm1(d)
	}
	return 1 - math.Exp(d)
}

// paretoLL returns the Pareto/NBD log-likelihood and its gradient. Each
// 2F1 is computed once per distinct (x, t_x) and (x, T) pair, each
// logarithm of α+T, β+T and max(α,β)+t once per distinct time.
//
// With E = (α+T)^-(r+x) (β+T)^-s and G = s/(r+s+x) A0, a customer's
// log-likelihood is ln[Γ(r+x) α^r β^s / Γ(r)] + ln(E + G), and
//
//	∂ ln(E+G) = E/(E+G) ∂ln E + G/(E+G) ∂ln G,
//	∂ ln G = ∂ ln[s/(r+s+x)] + (∂l1 - ρ ∂l2) / (1 - ρ),
//
// where l1, l2 are the logarithms of the two terms of A0 and ρ = e^(l2-l1).
// The derivatives of ln 2F1 with respect to its parameters come from
// hyp2f1Derivatives; where that series is slow (arguments near 1) the
// gradient is left NaN and minimise falls back to finite differences.
func paretoLL(d *countData) objective {
	nx := len(d.xs)
	lgx := make([]float64, nx)
	dgx := make([]float64, nx) // ψ(r+x) - ψ(r)
	lnK := make([]float64, nx) // ln[s/(r+s+x)]
	l1 := make([]float64, len(d.pairXTx))
	l2 := make([]float64, len(d.pairXT))
	dl1 := make([][4]float64, len(d.pairXTx))
	dl2 := make([][4]float64, len(d.pairXT))
	lTa := make([]float64, len(d.ts))
	lTb := make([]float64, len(d.ts))
	iTa := make([]float64, len(d.ts))
	iTb := make([]float64, len(d.ts))
	lqT := make([]float64, len(d.ts))
	lqTx := make([]float64, len(d.txs))
	return func(p, grad []float64) float64 {
		r, alpha, s, beta := p[0], p[1], p[2], p[3]
		h := newParetoHyp(r, alpha, s, beta)
		lgR := lgamma(r)
		lnS := math.Log(s)
		var psiR float64
		if grad != nil {
			psiR = mathext.Digamma(r)
		}
		for k, x := range d.xs {
			lgx[k] = lgamma(r+float64(x)) - lgR
			lnK[k] = lnS - math.Log(r+s+float64(x))
			if grad != nil {
				dgx[k] = mathext.Digamma(r+float64(x)) - psiR
			}
		}
		for j, t := range d.ts {
			lTa[j] = math.Log(alpha + t)
			lTb[j] = math.Log(beta + t)
			iTa[j] = 1 / (alpha + t)
			iTb[j] = 1 / (beta + t)
			lqT[j] = math.Log(h.maxAB + t)
		}
		for j, t := range d.txs {
			lqTx[j] = math.Log(h.maxAB + t)
		}
		analytic := grad != nil
		// term returns l = ln[2F1(r+s+x, b; r+s+x+1; z) / q^(r+s+x)],
		// q = max(α,β) + t, z = |α-β|/q, and (if grad) ∂l/∂(r, α, s, β).
		term := func(x, t, lq float64, dl *[4]float64) float64 {
			a := r + s + x
			q := h.maxAB + t
			z := h.absAB / q
			b := h.b(x)
			l := math.Log(hyp2f1(a, b, a+1, z)) - a*lq
			if !analytic {
				return l
			}
			f, fa, fb, fz, ok := hyp2f1Derivatives(a, b, z)
			if !ok {
				analytic = false
				return l
			}
			pa, pb, pz := fa/f, fb/f, fz/f
			dl[0], dl[2] = pa-lq, pa-lq
			if h.alphaSmaller {
				// q = β + t, z = (β-α)/q, b = r+x.
				dl[0] += pb
				dl[1] = -pz / q
				dl[3] = pz*(alpha+t)/(q*q) - a/q
			} else {
				// q = α + t, z = (α-β)/q, b = s+1.
				dl[2] += pb
				dl[1] = pz*(beta+t)/(q*q) - a/q
				dl[3] = -pz / q
			}
			return l
		}
		for i, pr := range d.pairXTx {
			l1[i] = term(float64(d.xs[pr[0]]), d.txs[pr[1]], lqTx[pr[1]], &dl1[i])
		}
		for i, pr := range d.pairXT {
			l2[i] = term(float64(d.xs[pr[0]]), d.ts[pr[1]], lqT[pr[1]], &dl2[i])
		}
		lnA, lnB := math.Log(alpha), math.Log(beta)
		c := r*lnA + s*lnB
		var ll float64
		var g [4]float64
		for i, w := range d.w {
			k, j := d.xi[i], d.tji[i]
			x := float64(d.xs[k])
			// ℓ - ln[Γ(r+x)α^r β^s/Γ(r)] = ln[e^b + e^a (1 - e^(l2-l1))]
			b := -(r+x)*lTa[j] - s*lTb[j]
			a1, a2 := l1[d.pxtx[i]], l2[d.pxT[i]]
			a := lnK[k] + a1
			var l float64
			switch {
			case a2 >= a1: // t_x = T: A0 = 0
				l = b
			case a > b:
				l = a + math.Log(math.Exp(b-a)+oneMinusExp(a2-a1))
			default:
				l = b + math.Log(1+math.Exp(a-b)*oneMinusExp(a2-a1))
			}
			ll += w * (lgx[k] + c + l)
			if !analytic {
				continue
			}
			wE := math.Exp(b - l) // E/(E+G)
			g[0] += w * (dgx[k] + lnA - wE*lTa[j])
			g[1] += w * (r/alpha - wE*(r+x)*iTa[j])
			g[2] += w * (lnB - wE*lTb[j])
			g[3] += w * (s/beta - wE*s*iTb[j])
			if a2 >= a1 {
				continue
			}
			wG := 1 - wE // G/(E+G)
			rho := math.Exp(a2 - a1)
			d1, d2 := &dl1[d.pxtx[i]], &dl2[d.pxT[i]]
			invA := 1 / (r + s + x)
			for v := range g {
				dG := (d1[v] - rho*d2[v]) / (1 - rho)
				switch v {
				case 0:
					dG -= invA
				case 2:
					dG += 1/s - invA
				}
				g[v] += w * wG * dG
			}
		}
		if grad != nil {
			if analytic {
				copy(grad, g[:])
			} else {
				for v := range grad {
					grad[v] = math.NaN()
				}
			}
		}
		return ll
	}
}

// hyp2f1Derivatives sums the series
//
//	F = 2F1(a, b; a+1; z) = Σ_n a/(a+n) (b)_n z^n / n!
//
// with its partial derivatives with respect to a (c = a+1 moving with it),
// b and z, for a, b > 0 and 0 <= z <= 0.5, where every term is positive and
// the series converges at least geometrically. gonum's mathext.Hypergeo
// gives F but not its derivatives with respect to the parameters, which
// the Pareto/NBD gradient needs. ok is false outside that domain or when the
// terms would peak late (large b z), and the caller differentiates
// numerically instead.
func hyp2f1Derivatives(a, b, z float64) (f, fa, fb, fz float64, ok bool) {
	if !(z >= 0) || z > 0.5 || !(a > 0) || !(b > 0) || b*z/(1-z) > 60 {
		return 0, 0, 0, 0, false
	}
	if z == 0 {
		return 1, 0, 0, a * b / (a + 1), true
	}
	f = 1
	peak := b*z/(1-z) + 2
	term, h := 1.0, 0.0 // (b)_n z^n / n!, ψ(b+n) - ψ(b)
	for n := 1.0; n < 1000; n++ {
		h += 1 / (b + n - 1)
		term *= (b + n - 1) * z / n
		an := a / (a + n)
		c := an * term
		ca := n / ((a + n) * (a + n)) * term
		f += c
		fa += ca
		fb += c * h
		fz += c * n
		if n > peak && c <= 1e-17*f && ca <= 1e-17*fa && c*h <= 1e-17*fb && c*n <= 1e-17*fz {
			return f, fa, fb, fz / z, true
		}
	}
	return 0, 0, 0, 0, false
}

// growth returns [1 - e^(-k L)] / k, and L when k = 0: the integral of the
// Pareto/NBD survival that appears in its expectations.
func growth(k, l float64) float64 {
	if k == 0 {
		return l
	}
	return -math.Expm1(-k*l) / k
}

// ExpectedPurchases returns E[X(t)] for a customer picked at random,
// equation (27) of the note:
//
//	E[X(t)] = rβ / (α(s-1)) [1 - (β/(β+t))^(s-1)]   (rβ/α ln(1+t/β) when s = 1).
func (m ParetoNBD) ExpectedPurchases(t float64) (float64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	if err := checkTime("t", t); err != nil {
		return 0, err
	}
	return finite("pareto/nbd expected purchases", m.R*m.Beta/m.Alpha*growth(m.S-1, math.Log1p(t/m.Beta)))
}

func (m ParetoNBD) logA0(c Customer) float64 {
	h := newParetoHyp(m.R, m.Alpha, m.S, m.Beta)
	x := float64(c.Frequency)
	return logA0(h.logTerm(x, c.Recency), h.logTerm(x, c.T))
}

func (m ParetoNBD) alive(c Customer) float64 {
	x := float64(c.Frequency)
	u := math.Log(m.S) - math.Log(m.R+m.S+x) + (m.R+x)*math.Log(m.Alpha+c.T) + m.S*math.Log(m.Beta+c.T) + m.logA0(c)
	return sigmoid(-u)
}

// ProbAlive returns P(alive | x, t_x, T), equation (36) of the note:
//
//	P(alive) = 1 / [1 + s/(r+s+x) (α+T)^(r+x) (β+T)^s A0].
func (m ParetoNBD) ProbAlive(c Customer) (float64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	if err := checkCustomer("customer", -1, c); err != nil {
		return 0, err
	}
	return finite("pareto/nbd probability alive", m.alive(c))
}

// ConditionalExpectedPurchases returns the expected number of purchases in
// the next t time units of a customer with history (x, t_x, T), equation
// (41) of the note:
//
//	E[Y(t) | x, t_x, T] = (r+x)(β+T) / ((α+T)(s-1)) [1 - ((β+T)/(β+T+t))^(s-1)] P(alive).
func (m ParetoNBD) ConditionalExpectedPurchases(t float64, c Customer) (float64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	if err := checkTime("t", t); err != nil {
		return 0, err
	}
	curve, err := m.conditionalCurve(c)
	if err != nil {
		return 0, err
	}
	return curve(t)
}

// conditionalCurve returns t ↦ E[Y(t) | x, t_x, T] for one customer,
// computing P(alive), the costly part that does not depend on t, once:
// CLV evaluates the curve at every period of its horizon.
func (m ParetoNBD) conditionalCurve(c Customer) (func(t float64) (float64, error), error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	if err := checkCustomer("customer", -1, c); err != nil {
		return nil, err
	}
	x := float64(c.Frequency)
	alive := m.alive(c)
	return func(t float64) (float64, error) {
		if err := checkTime("t", t); err != nil {
			return 0, err
		}
		v := (m.R + x) * (m.Beta + c.T) / (m.Alpha + c.T) * growth(m.S-1, math.Log1p(t/(m.Beta+c.T))) * alive
		return finite("pareto/nbd conditional expected purchases", v)
	}, nil
}

// ProbPurchases returns P(X(t) = n) for a customer picked at random, from
// Fader and Hardie's note "Deriving an Expression for P(X(t) = x) Under the
// Pareto/NBD Model":
//
//	P(X(t)=n) = Γ(r+n)/(Γ(r) n!) (α/(α+t))^r (t/(α+t))^n (β/(β+t))^s
//	  + α^r β^s B(r+n, s+1)/B(r, s) [B1 - Σ_{i=0..n} Γ(r+s+i)/(Γ(r+s) i!) t^i B2(i)],
//
// with B1 = 2F1(r+s, b; r+s+n+1; |α-β|/max(α,β)) / max(α,β)^(r+s) and
// B2(i) = 2F1(r+s+i, b; r+s+n+1; |α-β|/(max(α,β)+t)) / (max(α,β)+t)^(r+s+i),
// b = s+1 when α >= β and r+n otherwise.
func (m ParetoNBD) ProbPurchases(n int, t float64) (float64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	if err := checkCount(n); err != nil {
		return 0, err
	}
	if err := checkTime("t", t); err != nil {
		return 0, err
	}
	if t == 0 {
		if n == 0 {
			return 1, nil
		}
		return 0, nil
	}
	r, alpha, s, beta := m.R, m.Alpha, m.S, m.Beta
	nf := float64(n)
	h := newParetoHyp(r, alpha, s, beta)
	hb := h.b(nf)
	lnT := math.Log(t)
	part1 := math.Exp(lgamma(r+nf) - lgamma(r) - lgamma(nf+1) + r*math.Log(alpha/(alpha+t)) +
		nf*(lnT-math.Log(alpha+t)) + s*math.Log(beta/(beta+t)))
	logPart2 := r*math.Log(alpha) + s*math.Log(beta) + mathext.Lbeta(r+nf, s+1) - mathext.Lbeta(r, s)
	b1 := hyp2f1(r+s, hb, r+s+nf+1, h.absAB/h.maxAB) / math.Pow(h.maxAB, r+s)
	b2 := 0.0
	q := h.maxAB + t
	for i := 0; i <= n; i++ {
		fi := float64(i)
		b2 += math.Exp(lgamma(r+s+fi) - lgamma(r+s) - lgamma(fi+1) + fi*lnT - (r+s+fi)*math.Log(q) +
			math.Log(hyp2f1(r+s+fi, hb, r+s+nf+1, h.absAB/q)))
	}
	v := part1 + math.Exp(logPart2)*(b1-b2)
	return finite("pareto/nbd probability of purchases", math.Max(v, 0))
}
