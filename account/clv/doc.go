// Package clv holds the published probabilistic models of customer
// lifetime value ("buy 'til you die" models), fitted by maximum likelihood
// and checked against the papers' own numbers on the CDNOW data.
//
// # From transactions to summaries
//
// The models see each customer through a few sufficient statistics.
// Summarize reads transactions (an iter.Seq of Transaction: customer id,
// time, amount) in one pass and returns, per customer, the number of repeat
// purchases x, the time of the last one t_x, the age T and the mean order
// value m over a calibration period, plus the counts of an optional holdout
// period. Same-day purchases are one purchase; times are in a Unit chosen by
// the caller (Week = 7 days, the CDNOW convention).
//
// # Models
//
//   - BGNBD (Fader, Hardie and Lee 2005) and MBGNBD (Batislam et al. 2007):
//     Poisson purchasing with a beta-geometric dropout after purchases.
//   - ParetoNBD (Schmittlein, Morrison and Colombo 1987): Poisson
//     purchasing with an exponential lifetime.
//   - GammaGamma (Fader, Hardie and Lee 2005): spend per purchase, combined
//     with a purchase model into a discounted CLV.
//   - BGBB (Fader, Hardie and Shang 2010): discrete transaction
//     opportunities (yearly donations, annual events).
//
// Each FitXxx function maximises the likelihood with gonum's optimize
// package in log-parameter space, using gonum's mathext for the gamma,
// beta and Gaussian hypergeometric functions, and returns the model, a
// FitResult (log-likelihood, iterations) or a *ConvergenceError with the
// optimiser's diagnostics. FitOptions sets starting values, an L2 penalty and
// weights for customers with identical summaries.
//
// The continuous-time models implement PurchaseModel: expected purchases in
// (0, t], conditional expected purchases of a customer, P(alive) and
// P(X(t) = n). FrequencyFit and Summary.Tracking compare a fitted model
// with the data, in the calibration period and over the holdout period;
// Summary.HoldoutFit sets each group of customers' holdout purchases beside
// the model's conditional expectation (the papers' out-of-sample check).
// GammaGammaCustomers picks the repeat buyers the spend model can take:
// a repeat buyer whose repeat purchases add up to zero is left out and
// counted.
//
// # Numbers
//
// float64 is used throughout: these are statistical estimates, not ledger
// amounts. Amounts are in the currency's major unit; convert crmkit.Money at
// the edge. Every function validates its input (negative counts, t_x > T,
// empty data, NaN or infinite values) and returns errors wrapping
// crmkit.ErrInvalid, usually as a *crmkit.ValidationError naming the field.
// Caller-sized work is bounded before it starts (MaxOpportunities,
// MaxPurchases, MaxProbPurchases, MaxCLVPeriods, MaxFrequencyBins,
// MaxTrackingPoints, MaxFitIterations), and a prediction or log-likelihood
// that leaves float64 is such an error too, never ±Inf or NaN.
// Models are plain comparable values, safe to share between goroutines.
package clv
