// Package deal holds opportunities ("deals") and everything that moves
// them: company-defined pipelines, the status machine (suspend, reactivate
// with approval, terminate, win, lose, reopen), stage gates and
// reactivations guarded by package approval, teams with revenue splits,
// hand-over and outcomes. Quotes are in the subpackage deal/quote.
//
// # Pipelines
//
// A company defines its own pipelines as data (PipelineSpec, loadable from
// JSON with ParsePipeline or ParsePipelines). Each Stage has a name, an
// order, a default win probability, a forecast category, an expected
// duration, a response time, a visit cadence and entry rules (required
// fields, approvals). NewPipeline validates the spec and compiles its
// state machine; DefaultPipeline is ready to use:
//
//	tracking -> bidding -> negotiation -> closing
//
// # The state machine
//
// A deal's state is its Status (Open, Won, Lost, Suspended, Terminated)
// and the index of its Stage, stored as plain values: a Deal owns no
// machine. The legal moves are defined once per pipeline as a
// github.com/looplab/fsm definition (Pipeline.Definition, drawn by
// Pipeline.Mermaid):
//
//	open:<stage>      -> open:<later stage>          move (always)
//	open:<stage>      -> open:<earlier stage>        move (if the stage AllowBackward)
//	open:<stage>      -> suspended|won|lost:<stage>  suspend, win, lose
//	suspended:<stage> -> open:<stage>                reactivate (by policy)
//	open|suspended    -> terminated:<stage>          terminate (final)
//	lost:<stage>      -> open:<stage>                reopen (if AllowReopen)
//
// crmkit's one state-machine runtime compiles that definition into a
// transition table plus guards, plain functions that apply the rules the
// definition cannot express: entry rules, stage-gate approvals and the
// ReactivationPolicy. Commands (Pipeline.Move, Suspend, Reactivate,
// Terminate, Win, Lose, Reopen) and bulk paths (Pipeline.Replay, ReplayAll,
// Apply and Pipeline.Next) all run on that table, a byte lookup per event;
// looplab is not called on the command path and no machine is pooled.
// Tests prove table and looplab agree on every state and event of random
// pipelines and on random event sequences.
//
// # Commands
//
// Every deal command takes a Cmd after its own arguments: Cmd embeds
// crmkit.Cmd (By, At, Reason; crmkit.Cmd.Validate checks By and At as in
// every package, and deal adds that At is not before the deal's last
// change) and adds Approval. The rule is one command type for every deal
// command: Approval is read by the commands whose rules can ask for one
// (a gated Pipeline.Move, a Pipeline.Reactivate the policy does not make
// automatic) and ignored by the others. No command takes a context: the
// guards are the pipeline's own rules, which run no caller code and never
// block.
//
// Every command returns the new Deal and the one crmkit.Event recording
// the change (who, when, from, to, reason, the next version) and leaves
// its input unchanged; on error it returns the zero Deal and no event. An
// event the definition does not allow is crmkit.ErrIllegalTransition
// naming the deal, its state and the event; a missing or unfit approval
// is crmkit.ErrForbidden; bad input is crmkit.ErrInvalid naming the field,
// and so is a nil or zero Pipeline. The events of a deal, in order, are
// its history: Pipeline.Replay rebuilds the deal from them.
//
// # Approvals
//
// An approval.Request is a chain of steps, each approved by somebody
// holding the step's role, never the requester. Stage gates need one for
// StageSubject(deal, stage), reactivations that the policy does not make
// automatic one for ReactivationSubject(deal); the command's actor may not
// be among its approvers. Pass it in Cmd.Approval.
//
// # Quotes
//
// Quotes on a deal live beside it in package deal/quote (quote.Quote),
// which refers to a deal by its ID only: deal does not import it.
//
// # Teams, splits and hand-over
//
// A deal's Team holds reps with revenue splits, shares in [0, 1] exact to a
// basis point, that sum to exactly 1 (RevenueCredits splits the amount
// exactly to the minor unit), and overlay splits that need not. Deal.Transfer hands one deal to
// another rep; Handover hands everything a leaving rep owns to one
// successor or several by capacity, deals closest to closing first, and
// returns the plan, the customer contacts to notify and (unless it is a
// dry run) the changed deals and events.
//
// # Concurrency
//
// Pipeline and Pipelines are immutable and safe for concurrent use. Deal,
// approval.Request and the other types are values.
//
// Package dealtest has rapid generators for pipelines, deals and command
// sequences.
package deal
