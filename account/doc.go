// Package account holds what crmkit knows about customers once they are
// organisations with a history: accounts and their contacts, groups of
// companies, contracts and the journey log. Customer value analytics
// (profitability, retention-based CLV, RFM, Pareto 80:20, the lifecycle
// stage, target-customer mining, cohorts and churn limits) are package
// account/value's; the probabilistic CLV models are package account/clv's.
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
// # Journey log
//
// RecordInteraction checks and records an Interaction, every significant
// step of the journey, small problems solved informally included, at
// Version 1; Interaction.Respond, Resolve and Rate record its first
// response, resolution and satisfaction score later, each with its event
// (ReplayInteraction rebuilds it from them);
// JourneyStatsOf gives satisfaction, first-response and resolution times (autoresponders never
// count), LogCompleteness measures how much is recorded, and
// RepeatSupportSignals finds regular customers who keep coming back to
// first-line support.
package account
