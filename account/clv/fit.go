package clv

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/optimize"

	"github.com/crmkit/crmkit"
)

// ErrNotConverged is matched (with errors.Is) by the *ConvergenceError a
// fit returns when the optimiser does not reach a maximum of the
// likelihood. The same error also matches crmkit.ErrInvalid: with sound
// data the models converge, so a failure points at data that cannot
// identify the model (for example nobody ever bought twice).
var ErrNotConverged = errors.New("maximum-likelihood fit did not converge")

// FitOptions tunes a maximum-likelihood fit. The zero value fits every row
// once, with the default starting values and no penalty.
type FitOptions struct {
	// Start holds starting values for the parameters in the order of the
	// model's fields (BG/NBD: r, alpha, a, b). Nil uses defaults: 1 for
	// shape parameters, a tenth of the largest age for the rate parameters
	// alpha and beta (lifetimes' starting point, in the caller's unit) and
	// the mean spend for the Gamma-Gamma gamma.
	Start []float64
	// Penalty is the coefficient λ of an L2 penalty: the fit minimises
	//
	//	-Σ w_i ℓ_i / Σ w_i + λ Σ_k θ_k²
	//
	// over the parameters θ in the caller's time unit (lifetimes'
	// penalizer_coef, which lifetimes applies after rescaling time so that
	// the largest age is 10). Zero means plain maximum likelihood.
	Penalty float64
	// Weights, when not nil, gives how many customers each row stands for
	// (customers with identical summaries compressed into one row), one
	// weight per row, each finite and not negative, not all zero.
	Weights []float64
	// MaxIterations bounds the optimiser's major iterations; zero means
	// 500, and it is at most MaxFitIterations. The log-likelihood is
	// evaluated at most 100 times per iteration (line searches included).
	MaxIterations int
}

// FitResult describes a successful fit.
type FitResult struct {
	// LogLikelihood is Σ w_i ℓ_i at the estimate, without the penalty.
	LogLikelihood float64
	// Iterations and Evaluations count the optimiser's major iterations and
	// log-likelihood evaluations (including those of a numeric gradient).
	Iterations, Evaluations int
	// GradientNorm is the largest absolute component of the gradient of the
	// objective (per-customer, in log-parameter space) at the estimate.
	GradientNorm float64
	// Status is gonum's termination status.
	Status string
}

// ConvergenceError reports a fit that did not converge, with the
// optimiser's diagnostics. It matches ErrNotConverged and crmkit.ErrInvalid.
type ConvergenceError struct {
	// Model names the model being fitted ("BG/NBD", ...).
	Model string
	// Status is gonum's termination status, or a description of why the
	// result was rejected.
	Status string
	// Iterations and Evaluations count the optimiser's work.
	Iterations, Evaluations int
	// Params holds the last parameter values, in the model's field order.
	Params []float64
	// LogLikelihood is the log-likelihood at Params (may be -Inf or NaN).
	LogLikelihood float64
	// GradientNorm is the largest absolute gradient component at Params.
	GradientNorm float64
	// Err is the optimiser's own error, if any.
	Err error
}

// Error implements error.
func (e *ConvergenceError) Error() string {
	if e == nil {
		return ErrNotConverged.Error()
	}
	msg := fmt.Sprintf("%s fit did not converge: %s after %d iterations and %d evaluations (log-likelihood %.6g, gradient norm %.3g, parameters %.6g)",
		e.Model, e.Status, e.Iterations, e.Evaluations, e.LogLikelihood, e.GradientNorm, e.Params)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Is reports whether target is ErrNotConverged or crmkit.ErrInvalid.
func (e *ConvergenceError) Is(target error) bool {
	return target == ErrNotConverged || target == crmkit.ErrInvalid
}

// Unwrap returns the optimiser's error.
func (e *ConvergenceError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// objective evaluates a model's total log-likelihood Σ w_i ℓ_i at the
// natural parameters p. When grad is not nil it also stores ∂LL/∂p_k in
// grad[k]. Objectives without an analytic gradient ignore grad and are
// differentiated numerically.
type objective func(p, grad []float64) float64

// problem is one maximum-likelihood fit.
type problem struct {
	model string
	names []string
	// scales holds each parameter's natural size: 1 for shape parameters,
	// a tenth of the largest age for scale parameters in time units. They
	// are the default starting values, and a fit whose parameter/scale
	// leaves [boundLow, boundHigh] has run to the boundary of the parameter
	// space rather than converged.
	scales   []float64
	ll       objective
	analytic bool // ll fills grad
	sumW     float64
}

// MaxFitIterations bounds FitOptions.MaxIterations.
const MaxFitIterations = 10_000

const (
	defaultMaxIterations = 500
	// evaluationsPerIteration bounds the log-likelihood evaluations of a
	// fit, line searches and numeric gradients included, per iteration.
	evaluationsPerIteration = 100
	// gradientTolerance stops BFGS when the largest component of the
	// per-customer objective's gradient in log-parameter space is below it.
	// Below about 1e-8 the rounding noise of the summed likelihood (and of a
	// finite-difference gradient) makes line searches fail; at 1e-7 the
	// CDNOW estimates agree with those at 1e-9 to 1e-5 and the
	// log-likelihood to 1e-7. acceptTolerance is the largest gradient a
	// result may keep when the optimiser stops for another reason (a line
	// search that cannot improve at the optimum).
	gradientTolerance   = 1e-7
	acceptTolerance     = 1e-6
	boundLow, boundHigh = 1e-4, 1e4
)

// checkOptions validates the options shared by every fit.
func checkOptions(opts FitOptions, dim, rows int) error {
	if opts.Start != nil {
		if len(opts.Start) != dim {
			return crmkit.Invalid("start", "want %d starting values, got %d", dim, len(opts.Start))
		}
		for i, v := range opts.Start {
			if !(v > 0) || math.IsInf(v, 1) {
				return crmkit.Invalid(fmt.Sprintf("start[%d]", i), "must be positive and finite, got %v", v)
			}
		}
	}
	if math.IsNaN(opts.Penalty) || math.IsInf(opts.Penalty, 0) || opts.Penalty < 0 {
		return crmkit.Invalid("penalty", "must be finite and not negative, got %v", opts.Penalty)
	}
	if opts.MaxIterations < 0 || opts.MaxIterations > MaxFitIterations {
		return crmkit.Invalid("max iterations", "must be in 0..%d, got %d", MaxFitIterations, opts.MaxIterations)
	}
	if opts.Weights != nil {
		if len(opts.Weights) != rows {
			return crmkit.Invalid("weights", "want one weight per row (%d), got %d", rows, len(opts.Weights))
		}
		total := 0.0
		for i, w := range opts.Weights {
			if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
				return crmkit.Invalid(fmt.Sprintf("weights[%d]", i), "must be finite and not negative, got %v", w)
			}
			total += w
		}
		if !(total > 0) || math.IsInf(total, 1) {
			return crmkit.Invalid("weights", "must add up to a positive finite number, got %v", total)
		}
	}
	return nil
}

// weight returns row i's weight.
func weight(weights []float64, i int) float64 {
	if weights == nil {
		return 1
	}
	return weights[i]
}

// minimise maximises the likelihood in log-parameter space with gonum's
// BFGS and returns the natural parameters.
func minimise(pr problem, opts FitOptions) ([]float64, FitResult, error) {
	dim := len(pr.names)
	start := pr.scales
	if opts.Start != nil {
		start = opts.Start
	}
	theta0 := make([]float64, dim)
	for i, v := range start {
		theta0[i] = math.Log(v)
	}
	lambda := opts.Penalty
	p := make([]float64, dim)
	g := make([]float64, dim)
	evals := 0
	// f is the per-customer penalised negative log-likelihood at θ = log p.
	f := func(theta, grad []float64) float64 {
		evals++
		for i, t := range theta {
			p[i] = math.Exp(t)
		}
		var gp []float64
		if grad != nil && pr.analytic {
			gp = g
		}
		ll := pr.ll(p, gp)
		pen := 0.0
		for _, v := range p {
			pen += v * v
		}
		val := -ll/pr.sumW + lambda*pen
		if math.IsNaN(val) {
			val = math.Inf(1)
		}
		if gp != nil {
			for i := range grad {
				grad[i] = p[i] * (-g[i]/pr.sumW + 2*lambda*p[i])
			}
		}
		return val
	}
	fval := func(theta []float64) float64 { return f(theta, nil) }

	// Cache the analytic gradient computed with the value: BFGS asks for
	// the value and then the gradient at the same point. A numeric gradient
	// takes central differences (forward differences are swamped by the
	// rounding noise of the summed likelihood).
	cacheX := make([]float64, dim)
	cacheG := make([]float64, dim)
	cached := false
	fdSettings := &fd.Settings{Formula: fd.Central}
	// valueGrad returns the value and stores the analytic gradient, or a
	// numeric one where the objective could not compute it (it leaves NaN).
	valueGrad := func(x, grad []float64) float64 {
		v := f(x, grad)
		if slices.ContainsFunc(grad, math.IsNaN) {
			fd.Gradient(grad, fval, x, fdSettings)
		}
		return v
	}
	prob := optimize.Problem{
		Func: func(x []float64) float64 {
			if !pr.analytic {
				return fval(x)
			}
			v := valueGrad(x, cacheG)
			copy(cacheX, x)
			cached = true
			return v
		},
		Grad: func(grad, x []float64) {
			switch {
			case !pr.analytic:
				fd.Gradient(grad, fval, x, fdSettings)
			case cached && slices.Equal(x, cacheX):
				copy(grad, cacheG)
			default:
				valueGrad(x, grad)
			}
		},
	}
	maxIter := opts.MaxIterations
	if maxIter == 0 {
		maxIter = defaultMaxIterations
	}
	settings := &optimize.Settings{
		GradientThreshold: gradientTolerance,
		MajorIterations:   maxIter,
		FuncEvaluations:   maxIter * evaluationsPerIteration,
		Converger:         &optimize.FunctionConverge{Absolute: 1e-14, Relative: 1e-14, Iterations: 10},
	}
	res, err := optimize.Minimize(prob, theta0, settings, &optimize.BFGS{GradStopThreshold: gradientTolerance})

	var theta []float64
	var status optimize.Status
	iters := 0
	if res != nil {
		theta = res.X
		status = res.Status
		iters = res.MajorIterations
	} else {
		theta = theta0
	}
	params := make([]float64, dim)
	for i, t := range theta {
		params[i] = math.Exp(t)
	}
	grad := make([]float64, dim)
	prob.Grad(grad, theta)
	gnorm := 0.0
	for _, v := range grad {
		gnorm = math.Max(gnorm, math.Abs(v))
	}
	if math.IsNaN(gnorm) {
		gnorm = math.Inf(1)
	}
	ll := pr.ll(params, nil)
	finite := !math.IsNaN(ll) && !math.IsInf(ll, 0)
	for _, v := range params {
		finite = finite && v > 0 && !math.IsInf(v, 1)
	}
	bounded := true
	for i, v := range params {
		bounded = bounded && v/pr.scales[i] >= boundLow && v/pr.scales[i] <= boundHigh
	}
	if !finite || gnorm > acceptTolerance || !bounded {
		reason := status.String()
		switch {
		case !bounded:
			reason = "parameters ran to the edge of the parameter space: the data do not identify the model"
		case err == nil && !status.Early():
			reason = fmt.Sprintf("stopped (%s) away from a maximum", status)
		}
		return nil, FitResult{}, &ConvergenceError{
			Model: pr.model, Status: reason, Iterations: iters, Evaluations: evals,
			Params: params, LogLikelihood: ll, GradientNorm: gnorm, Err: err,
		}
	}
	return params, FitResult{
		LogLikelihood: ll,
		Iterations:    iters,
		Evaluations:   evals,
		GradientNorm:  gnorm,
		Status:        status.String(),
	}, nil
}

// paramString formats named parameters for error messages.
func paramString(names []string, p []float64) string {
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s=%g", n, p[i])
	}
	return b.String()
}

// checkParams validates a model's parameters before any prediction.
func checkParams(model string, names []string, p ...float64) error {
	for i, v := range p {
		if !(v > 0) || math.IsInf(v, 1) {
			return crmkit.Invalid(strings.ToLower(model)+" "+names[i], "must be positive and finite, got %v (%s)", v, paramString(names, p))
		}
	}
	return nil
}

// checkTime validates a prediction horizon or age.
func checkTime(field string, t float64) error {
	if math.IsNaN(t) || math.IsInf(t, 0) || t < 0 {
		return crmkit.Invalid(field, "must be finite and not negative, got %v", t)
	}
	return nil
}
