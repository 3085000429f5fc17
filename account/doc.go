// Package account holds what crmkit knows about customers once they are
// organisations with a history: accounts and their contacts, groups of
// companies, contracts, the journey log, the lifecycle stage, customer
// value (profitability, historical CLV, RFM, Pareto 80:20), target-customer
// mining with a small decision tree, and retention KPIs.
//
// # Accounts and hierarchies
//
// An Account is an organisation with departments and contacts (decision
// makers, influencers, users), a key-account manager as Owner, a segment
// and a category. The same organisation can be a prospect, customer,
// partner and competitor at once (Relation is a bit set). Accounts form
// groups through Account.Parent; NewHierarchy checks the links (no cycles)
// and RollUp sums revenue, open pipeline and contracts over every subtree.
//
// # Contracts
//
// A Contract moves Draft -> Approved -> Signed -> Active -> Completed ->
// Closed, or to Terminated from any state before Closed. The machine is one
// github.com/looplab/fsm definition (ContractEvents), compiled by crmkit's
// one state-machine runtime into the table (NextStatus) that every command
// and ReplayContract run on; looplab is not called on the command path.
// Approval is an approval.Request in steps review, approval,
// authorisation (package approval, below account and deal alike).
// Renewals and amendments add Terms (versions); recurring revenue is
// prorated by day within each calendar month. Every change is a
// crmkit.Event, and ReplayContract rebuilds a contract from its events.
//
// # Commands
//
// Every account and contract command takes a crmkit.Cmd (who, when, why;
// crmkit.Cmd.Validate checks By and At as every package does; the reason
// goes into the event) after its own arguments, and returns the new value
// and exactly one crmkit.Event with the next version; on error it returns
// the zero value and leaves its input unchanged. Contract.Approve takes
// the approval.Request as an argument beside the Cmd. No command takes a
// context: the contract's only guard is crmkit's own approval check, which
// neither runs caller code nor blocks.
//
// # Customer value
//
// Profitability is revenue minus cost to serve; HistoricalCLV and
// FiniteCLV are the retention-based formulas; ScoreRFM gives R, F, M
// scores (quintiles by default) with a deterministic tie rule, the code
// R*100+F*10+M and a named segment; Pareto ranks customers by revenue and
// finds those that make 80% of it. Rates are exact decimals within
// crmkit.MaxFractionPlaces places (crmkit.CheckFraction), so the exact sums stay
// small; FiniteCLV sums at most MaxCLVPeriods periods.
//
// # Lifecycle
//
// MonthlyRevenue buckets dated revenue into calendar months as of an
// instant (revenue at or before it counts); a Classifier
// built from documented LifecycleRules derives the stage (too new, growth,
// maturity, decline, lost) from them, with the play for the stage, and
// flags a customer who once bought big and now buys little.
//
// # Mining and retention
//
// TrainTree fits a CART classification tree (Gini) to customers' attributes
// and whether they adopted an offer, and reads back segment rules with
// their adoption probability and support. Cohorts builds a cohort retention
// table; CheckChurnLimits reports teams over their churn limit. The KPI
// formulas themselves (churn, NRR, GRR, recognised revenue) are package
// kpi's.
//
// # Journey log
//
// RecordInteraction checks and records an Interaction, every significant
// step of the journey, small problems solved informally included;
// JourneyStatsOf gives satisfaction, first-response and resolution times (autoresponders never
// count), LogCompleteness measures how much is recorded, and
// RepeatSupportSignals finds regular customers who keep coming back to
// first-line support.
package account
