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
// or amount changed, an activity. Stages names a funnel's stages in order,
// with probability, forecast category, expected duration and visit
// cadence; records name a stage by its index. Adapters turn other shapes
// into records: FromEvents maps crmkit.Event values through an EventMap.
//
// Reports read records through iter.Seq, so a slice, a store cursor or a
// CSV stream serve alike, in one pass with O(stages) memory and no
// allocation per record. The price of that is an order: records grouped
// by entity, entities in ascending ID order, each entity's records in time
// order ("ORDER BY entity, at, version"; SortRecords does it for a slice).
// Records out of order, duplicates, unknown stages, records an entity's
// status does not allow and amounts in two currencies are errors naming
// the entity, never a wrong number.
//
// An Opportunity is an entity's current state as a value. Replay and
// PipelineAsOf rebuild them from records as of any date; a store that
// holds deals as values can hand them to Summarize directly.
//
// # Reports
//
// Analyze (records) and Summarize (values) return a Report: a Summary of
// every selected entity and, split by owner, source, campaign, product,
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
// Durations keep medians and percentiles in bounded histograms by default
// (QuantilesBounded, within 1/128 of the exact value), exactly on request
// (QuantilesExact), or not at all (QuantilesNone, the fastest).
//
// # Errors
//
// Every error wraps a crmkit sentinel (crmkit.ErrInvalid,
// crmkit.ErrConflict, crmkit.ErrIllegalTransition,
// crmkit.ErrCurrencyMismatch, crmkit.ErrOverflow) and names the entity,
// record or field at fault. Rates are decimal.Decimal and an empty
// denominator is an error, never NaN. Nothing panics on caller input.
package funnel
