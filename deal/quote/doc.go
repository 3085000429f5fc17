// Package quote holds quotes: priced offers on a deal, beside package
// deal. A Quote refers to its deal by ID only (quote imports no deal
// code, and deal does not import quote).
//
// New drafts a quote on a deal in one currency, with Lines (a product,
// a quantity, a unit price and a discount, a fraction in [0, 1]). Totals
// are exact: every line is rounded once to the currency's minor unit
// (banker's rounding) and the sums are integers (LinesTotals,
// Quote.Totals, TotalsByCurrency).
//
// An ApprovalPolicy is data: rules saying which discount (the largest of a
// line, or the overall one) above which threshold needs whose approval.
// Submit asks the policy for the roles and opens an approval.Request for
// them (or approves at once when none is needed); Approve and Reject
// decide its steps; Send checks the grant against the policy again. The
// status machine:
//
//	Draft -> PendingApproval -> Approved | Rejected   (Submit; Approve, Reject)
//	Draft -> Approved                                   (Submit when the policy asks for no approval)
//	Approved -> Sent -> Accepted | Declined | Expired   (Send; Accept, Decline, Expire)
//
// Revise starts the next version as a Draft under the same ID.
//
// # Commands and events
//
// Every command takes a crmkit.Cmd (By, At, Reason and the ID source IDs;
// crmkit.Cmd.Validate checks By and At as in every package, and a quote
// adds that At is not before its last change) and returns the new Quote
// and one crmkit.Event of kind QuoteKind, leaving its receiver unchanged;
// on error it returns the zero Quote and no event. When a command also
// moves the quote's approval request (Submit, Approve, Reject, Revise),
// the request's own event is folded into the quote event's payload and
// the request is kept in Quote.Approval. Every ID (the quote's, its
// events', the approval request's and its events') comes from the
// command's ID source, so the same commands under a fake clock and
// crmkit.DeterministicIDs give byte-identical events. Replay rebuilds a
// quote from its events; Validate checks a quote however it was made.
package quote
