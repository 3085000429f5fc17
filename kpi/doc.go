// Package kpi holds the sales and marketing KPI formulas, computed exactly
// in decimal arithmetic: conversion along the chain from lead to customer,
// deal economics, acquisition cost, retention and churn, revenue retention,
// targets and growth, and revenue recognition.
//
// Every function is pure: values in, values out. Each doc comment writes
// out its formula and the standard definition it follows.
//
// # Inputs and results
//
// Counts are int64 and never negative. Amounts are crmkit.Money; two
// amounts of one formula must share a currency, else the error matches
// crmkit.ErrCurrencyMismatch. Ratios are decimal.Decimal computed by
// crmkit.Ratio: rounded once from the exact quotient to crmkit.RatioPlaces
// (16) decimal places, halves to even; a rate of 25% is 0.25, not 25. Results in money (CAC, cost per lead,
// average deal size) are crmkit.Money rounded to the minor unit with the
// crmkit.RoundingMode the caller passes: the package never picks a rounding
// for you.
//
// A denominator that is zero or negative where the formula makes no sense
// (conversion of nothing, growth from nothing, a target of zero), a part
// larger than its whole (more converted than entered, more lost than there
// were) and a negative count are errors matching crmkit.ErrInvalid whose
// *crmkit.ValidationError names the argument. No function returns NaN, an
// infinity or a silent zero, and none panics on input.
//
// # The formulas
//
//   - Along the funnel: ConversionRate, WinRate, CrossSellRatio,
//     RepeatPurchaseRate.
//   - Deals: AverageDealSize, SalesCycle (a crmkit.Durations:
//     count, mean, median, quantiles).
//   - Cost: CostPerLead, CostPerOpportunity, CAC, CACPaybackMonths,
//     CampaignROI.
//   - Customers: RetentionRate and LogoChurn (they add up to 1).
//   - Recurring revenue, from a RevenueBridge: NRR, GRR, RevenueChurn and
//     ExpansionRate (GRR + RevenueChurn = 1, NRR >= GRR).
//   - Targets: Attainment, Pacing, ExpectedToDate, GapToTarget, Growth
//     (period over period, or year over year when given the same period a
//     year earlier), with count variants AttainmentCount and GrowthCount.
//   - Revenue: a lead is money only after order, delivery and closing
//     documents. RecognisedRevenue of an Order is its amount once delivered
//     with closing documents, and zero before, however much was prepaid;
//     DeferredRevenue is the prepayment waiting for delivery.
//     NewVsRepeatRevenue splits revenue between new and repeat customers.
//
// Periods (MTD, QTD, YTD, the same period last year) come from the
// crmkit calendar; this package takes the figures for a period, not dates.
package kpi
