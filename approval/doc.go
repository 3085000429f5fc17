// Package approval is crmkit's one approval flow, below the domain
// packages that need it: deal's stage gates, quotes and reactivations,
// account's contracts and the four-eyes rule of funnel's campaigns. No
// domain package imports a sibling for approvals.
//
// A Request asks for a subject (a string the guarded command builds, such
// as deal.StageSubject) to be approved by a chain of steps, one role each,
// decided in order (New, Approve, Reject, Cancel, Expire). Separation of
// duties is enforced: nobody decides on their own request (FourEyes), the
// decider holds the step's role, and one person decides at most one step.
// A request may expire; after ExpiresAt it is no longer granted. Every
// change returns the new value and its crmkit.Event (aggregate kind
// "approval"), and Replay rebuilds a request from its events, refusing a
// history that could not have happened.
//
// Commands take the one command shape: Approve and Reject take a Cmd, a
// crmkit.Cmd (By decides at At, Reason is the comment) with the Roles
// the host application grants By; Cancel and Expire take a crmkit.Cmd
// (for Expire, By is who found the request expired, usually a system job,
// and the event carries ExpiresAt, not the time of the check). All are
// validated by crmkit.Cmd.Validate, and a refused command returns the
// zero Request and leaves its input unchanged. Every event's ID comes
// from the command's ID source (crmkit.Cmd.IDs), so a replay under a fake
// clock and crmkit.DeterministicIDs gives byte-identical events.
// New takes the subject, the roles, the expiry and the requester's
// crmkit.Cmd.
//
// The command an approval guards calls Request.Check: the request must be
// for the command's subject, granted at the command's time, valid (a
// forged or tampered value fails Validate and is never granted), cover
// the roles the command needs, and not be decided by who runs the
// command. Every refusal matches crmkit.ErrForbidden.
package approval
