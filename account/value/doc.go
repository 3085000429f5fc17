// Package value holds crmkit's customer value analytics: what a customer is
// worth, which customers make the revenue, where each one is in its
// lifecycle, who is likely to adopt an offer, and how well customers are
// kept. It reads neutral records (customer keys, dates and crmkit.Money) and
// holds no aggregate: accounts, contacts, contracts and the journey log are
// package account's, and the probabilistic ("buy 'til you die") lifetime
// value models are package account/clv's.
//
// # Customer value
//
// Profit is revenue minus cost to serve, ProfitMargin its share of revenue;
// HistoricalCLV and FiniteCLV are the retention-based lifetime value
// formulas (Gupta and Lehmann), computed exactly in decimals, and
// MaxRetentionSpend bounds what keeping a customer is worth. ScoreRFM gives
// R, F, M scores (quintiles by default) with a deterministic tie rule, the
// code R*100+F*10+M and a named RFMSegment; Pareto ranks customers by
// revenue and ParetoRanking.KeyCustomers finds those that make 80% of it.
// Rates are exact decimals within crmkit.MaxFractionPlaces places
// (crmkit.CheckFraction), so the exact sums stay small; FiniteCLV sums at
// most MaxFiniteCLVPeriods periods.
//
// # Lifecycle
//
// MonthlyRevenue buckets dated revenue into calendar months as of an instant
// (revenue at or before it counts); a Classifier built from documented
// LifecycleRules derives the Stage (too new, growth, maturity, decline, lost)
// from them, with the play for the stage, and flags a customer who once
// bought big and now buys little.
//
// # Mining and retention
//
// TrainTree fits a CART classification tree (Gini) to customers' attributes
// and whether they adopted an offer, and reads back segment rules with their
// adoption probability and support. Cohorts builds a cohort retention table;
// ChurnByGroup splits churn by a customer attribute; CheckChurnLimits reports
// teams over their churn limit; CategoriesPerCustomer measures cross-buying.
// The KPI formulas themselves (churn, NRR, GRR, recognised revenue) are
// package kpi's.
//
// # Inputs
//
// Every function is pure: values in, values out. Nil iterators, zero
// receivers, rates outside [0, 1] and caller-sized work beyond the package's
// bounds (MaxFiniteCLVPeriods, MaxMonths) are errors matching crmkit.ErrInvalid,
// checked before any work; nothing panics on caller input.
package value
