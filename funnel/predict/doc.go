// Package predict forecasts from a team's own funnel history: Monte Carlo
// revenue ranges and a calibrated win probability per open deal. It reads
// the same records as package funnel (funnel.Record through iter.Seq, in
// report order, checked by funnel.Replay) against the stages of a
// deal.Pipeline, and keeps probabilities as decimal fractions in [0, 1]
// at its API (float64 only inside the models).
//
// # Monte Carlo pipeline forecast
//
// Train estimates, per segment (a funnel.Dimension such as ByPipeline,
// ByType or ByOwner, or the host's own key per entity, a custom field's
// value), the probability of moving from each stage to each other stage,
// to won and to lost, the distribution of the time spent in each stage,
// the rate at which deals are created and the amounts deals are won at.
// A segment with too few observations from a stage uses the whole
// history's estimate, and a whole history with too few uses a prior built
// from the pipeline's configured probabilities and expected durations;
// each is listed as a Fallback. Model.Simulate then draws every open
// deal's path to an outcome and a close date, plus the new deals, many
// times: it gives the 10th, 50th and 90th percentiles of the revenue of
// each period, total and per segment, and each open deal's chance to be
// won in each period. It is deterministic for a seed (math/rand/v2 PCG
// streams per deal and block of simulations, so the number of workers
// does not matter), its time is linear in open deals × simulations and
// its allocations do not depend on the number of simulations.
//
// RunBacktest measures the forecast on the caller's own history at time
// splits: the share of periods whose revenue fell within P10-P90, and the
// mean absolute error of the P50 beside funnel's weighted, commit and
// best-case forecasts of the same periods.
//
// # Win probability
//
// TrainWin fits an L2-regularised logistic regression (gonum's L-BFGS,
// with an iteration cap) of a deal's outcome on its stage, time in stage,
// amount, activities, owner's historical win rate, deal type and chosen
// categorical fields, streaming: it keeps the count and wins of each
// binned feature pattern, not the rows. WinModel.Predict gives each open
// deal its chance and the three features that explain it most. Calibrate
// tests a model on a held-out time split: Brier score and a reliability
// table beside the stages' configured probabilities.
//
// # Errors
//
// Every error matches one crmkit sentinel: bad options, an empty history
// (no entity at or before the as-of time), too many simulations, periods
// or segments (bounded before anything is allocated) and a fit that does
// not converge are crmkit.ErrInvalid; funnel's errors on the records pass
// through unchanged; amounts in two currencies are
// crmkit.ErrCurrencyMismatch, and totals that could overflow int64 are
// crmkit.ErrOverflow.
package predict
