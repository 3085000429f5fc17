// Package funnel computes the analytics of a sales funnel from neutral
// records: conversion, time in stage, pipeline as of any date and its
// movement, forecasts and their accuracy, velocity and coverage, cohorts,
// campaigns and their ROI, multi-touch attribution and reverse-funnel
// planning. It is pure: values in, values out, no I/O.
//
// # Input: records and opportunities
//
// A Record is one fact of an entity's history (a lead or a deal): created,
// stage entered, won, lost, suspended, reactivated, terminated, close date
// or amount changed, an activity. A funnel's stages are those of a
// deal.Pipeline, crmkit's one stage model, read as configured: name,
// probability (a fraction in [0, 1]), forecast category
// (deal.ForecastCategory), expected duration, visit cadence and minimums;
// records name a stage by its index in the pipeline, as deal.Deal.Stage
// does. LeadPipeline is the lead ladder as a pipeline. Adapters turn other shapes
// into records: EventMap.Reader maps crmkit.Event envelopes (the history
// of leads and deals) to records.
//
// Reports read records through iter.Seq, so a slice, a store cursor or a
// CSV stream serve alike, in one pass with O(stages) memory and no
// allocation per record. The price of that is an order: records grouped
// by entity, entities in ascending ID order, each entity's records in time
// order ("ORDER BY entity, at, version"; SortRecords does it for a slice).
// Records out of order, duplicates (two identical records of an entity at
// the same instant; activities excepted, since two calls can be logged at
// once), unknown stages, records an entity's
// status does not allow and amounts in two currencies are errors naming
// the entity, never a wrong number.
//
// An Opportunity is an entity's current state as a value. Replay
// rebuilds them from records as of any date; a store that
// holds deals as values can hand them to Summarize directly.
//
// # Reports
//
// One entry point per input kind: a report function with a plain name takes
// Opportunity values (an iter.Seq; slices.Values for a slice), the same name
// ending in Records takes records, and ending in Source takes a Source (a
// store). SummarizeRecords, Summarize and SummarizeSource return a Report: a
// Summary of every selected entity and, split by owner, source, campaign, product,
// pipeline, deal type, competitor, loss reason or origin period, one per
// group. A Summary holds per stage the count and amount entering it,
// stage-to-stage and stage-to-won conversion, drop-off, the entities still
// in it, and the time spent in it (completed stays and still-open stays
// apart); over the set the outcomes, win rate, average deal size and sales
// cycle (mean, median, 90th percentile). Summaries merge: the report of a
// union of disjoint sets is the merge of their reports. A store able to
// aggregate itself implements Aggregator and SummarizeSource pushes the
// work down to it.
//
// Amounts in several currencies are summed in one reporting currency when
// the query says so (Query.Reporting): each amount converted through a
// crmkit.RateSource (a dated crmkit.RateTable) at one date, the report time
// by default, or at each entity's close; a missing rate stops the report
// with an error naming the currencies and the date.
//
// A LiveSummary is the funnel kept live: counts and amounts by reached
// stages, stage, status, owner, source, origin month and currency, updated
// one state change at a time (Apply) and read in O(groups) (Report), so a
// dashboard never reads histories; stores keep one for their deals
// (storage.Projections). Values adapts a Source to the iter.Seq the
// functions over opportunities take.
//
// Durations are crmkit.Durations, the statistics kpi.SalesCycle computes
// too (median = mean of the two middle values). A report keeps their
// quantiles as an approximation in bounded histograms by default
// (crmkit.QuantilesApprox, within 1 s + 1/128 of the exact value), exactly
// on request (crmkit.QuantilesExact), or not at all (crmkit.QuantilesNone,
// the fastest).
//
// Cohorts (values) and CohortsOfRecords (records) split a report by the
// month or quarter of each entity's origin (the Bucket: Months or Quarters
// of a crmkit.Calendar): conversion and time to win per cohort.
//
// # Pipeline, forecasts and velocity
//
// Replay rebuilds the pipeline on any past date; Movement is the
// waterfall between two dates (new, advanced, moved back, slipped, won,
// lost, suspended, reactivated, terminated), reconciling exactly.
// NewForecast weighs the deals expected to close in a period by stage
// probability, by historical stage-to-won rate and by forecast category
// (commit, best case, pipeline: the customers about to close, most
// promising and potential), keeps managers' adjustments beside the
// computed figures, and snapshots a figure to compare with what closed
// (MeasureAccuracy). Coverage compares the pipeline with a target;
// Velocity is opportunities × win rate × average deal / cycle length.
//
// # Planning, campaigns, attribution, stage policy
//
// ReversePlan turns a revenue target into the deals, opportunities, SQLs,
// MQLs and leads needed per period and the reps to handle them; Project
// runs the funnel forward. EvaluateCampaigns sets what each campaign (the
// aggregate of package campaign) produced against its cost and plan: ROI, cost per lead and opportunity,
// flagged deviations, rankings. Model attributes won revenue to the
// touchpoints of the journey (first and last touch, linear, U, W, full
// path, J, inverse J, time decay, custom positions), to the minor unit.
// CheckCadence, StuckDeals and StageShortfalls check the stage policy:
// visits per cadence window, time in stage (deal.Stage.Stuck, the rule
// deal.Deal.Stuck applies too), and enough opportunities in each stage.
//
// # Errors
//
// Every error wraps a crmkit sentinel (crmkit.ErrInvalid,
// crmkit.ErrConflict, crmkit.ErrIllegalTransition,
// crmkit.ErrCurrencyMismatch, crmkit.ErrOverflow) and names the entity,
// record or field at fault. Rates are decimal.Decimal and an empty
// denominator is an error, never NaN. Nothing panics on caller input.
package funnel
