// Package quota sets sales targets, adjusts them, forecasts them, tracks
// them against actuals and pays commission on them.
//
// Targets are the most direct tool between management and reps: too high
// demoralises, too low wastes effort. They are set in stages and adjusted,
// and every stage is kept.
//
// # Plans
//
// A Plan is an annual target in a fiscal calendar (CalendarSpec: any start
// month and time zone, or a 4-4-5 / 4-5-4 / 5-4-4 retail calendar), in
// money (a currency) or in counts (deals, meetings, new logos): its Unit.
// NewPlan creates version 1, a single root Cell. Plan.Split splits leaf
// cells over periods (halves, quarters, months) or over the members of a
// dimension (region, rep, product, channel partner), in any nesting, by
// Weights: EqualWeights, CustomWeights, SeasonalWeights (a seasonal index)
// or ContributionWeights (each one's share of actuals in a reference
// window: last year, or an MTD, QTD or YTD period; period splits use the
// same period last year, so an annual target follows last year's monthly
// shares). Every split sums exactly to
// its parent, to the minor unit (largest remainder, crmkit.Money.Allocate).
//
// # Quantities
//
// Every amount a plan takes or hands out is a Quantity in the plan's Unit:
// Amount(money) in a money plan, Count(n, what) in a count plan. Targets,
// actuals, gaps and projections are Quantities, never raw minor units;
// Quantity.Money gives a money amount back as crmkit.Money, Quantity.Count
// a count's number, and String writes "1200000.00 EUR" or "120 deals". A
// Quantity in another unit than the plan's is an error
// (crmkit.ErrCurrencyMismatch between currencies, crmkit.ErrInvalid
// otherwise). Split weights and a cell's Weight are shares, not amounts:
// only their ratios matter.
//
// # Adjustments
//
// Plan.Adjust moves a cell by a relative rate (ByRate: the usual 0.05,
// 0.1, -0.05, -0.1 for +5%, +10%, -5%, -10%, or any) or by an amount in
// the plan's Unit (ByAmount: a Quantity; money in another currency is
// crmkit.ErrCurrencyMismatch); Plan.SetTarget sets a target outright.
// Each either
// keeps the parent's total (the unlocked siblings absorb the difference in
// proportion to their split weights) or letting it change (every ancestor moves with it); a cell's
// children always follow it. Locked cells (Plan.Lock) never move. A cell's
// completion-risk coefficient (Plan.SetRisk) makes its assigned target
// (Plan.Assigned) deliberately larger than its allocation, so assigned
// sub-targets may sum to more than their parent.
//
// Plans follow the aggregate contract of every crmkit domain package.
// NewPlan and every change (Split, Adjust, SetTarget, Lock, SetRisk) take a crmkit.Cmd saying who, when and why (crmkit.Cmd.Validate)
// and return (Plan, crmkit.Event, error): a new Plan with the next Version
// and a Revision saying who, when, why and which cells moved, and the
// event that records it, of kind PlanKind and version the plan's; NewPlan
// returns version 1. On error the plan it was called on is unchanged and
// no event is returned. Event types are named Event plus the past-tense
// fact, as in every crmkit package: EventPlanCreated, EventPlanSplit,
// EventPlanAdjusted, EventCellsLocked, EventCellsUnlocked,
// EventRiskCoefficientSet. Plan.AtVersion rebuilds any earlier version and
// Diff or Plan.DiffVersions compares two versions cell by cell. Plans are
// JSON values (UnmarshalJSON validates), ready for a repository.
//
// # Evaluation
//
// Plan.Evaluate measures actual Records (won deals or any amount stream,
// carrying their dimension members) against the plan as of an instant:
// for every cell the attainment, the growth over last year to the same
// day, the growth the target asks for over last year's actual and over
// last year's target (given last year's plan), and for the month, quarter
// and year to date the target, the part expected by now, pacing, the run
// rate projected to the period's end and the gap to close. Amounts roll up
// the tree: each cell holds the sum of its children plus its own
// unplanned actuals. Evaluation.Peers ranks siblings (horizontal
// evaluation) and Evaluation.Trend lists a cell's periods (vertical).
// Ratios come from package kpi.
//
// # Forecasts
//
// Short-term targets may come from the time-series models of package
// quota/forecast (moving average, seasonal index, Holt-Winters), whose
// results become targets through Unit.Quantity (one explicit rounding per
// period) and split weights through SeasonalWeights and CustomWeights.
// quota does not import forecast.
//
// # Quotas beyond money
//
// A rep carries several Quota types per period, money or counts, each with
// its attainment; a Scorecard weighs them into one score. EffectiveQuota
// applies a new hire's Ramp and prorates partial periods, month by month;
// TeamQuotas rolls managers' quotas up from their (nested) teams or sets
// them on their own.
//
// # Commission
//
// A CommissionPlan pays credited revenue by Tiers on attainment or on
// revenue, Marginal (continuous and never falling) or Retroactive, with
// decelerators below a threshold and accelerators above 100%, a cap, a
// draw against future commission (recoverable or guaranteed) and
// clawbacks of cancelled deals within a window. Credit follows the deal's
// splits (Sale.Credits, exact). CommissionPlan.Statements computes each
// rep's Statement for a period: the deals credited with the commission
// attributed to each, and lines that explain every amount from the tiers
// to the payout.
//
// Package quotatest has rapid generators of plans, adjustments, histories,
// commission tables and sales for property tests.
//
// Everything here is pure: values in, values out, time from arguments.
// Bad input is an error wrapping a crmkit sentinel (crmkit.ErrInvalid,
// crmkit.ErrCurrencyMismatch, crmkit.ErrNotFound, crmkit.ErrConflict,
// crmkit.ErrOverflow) and changes nothing.
package quota
