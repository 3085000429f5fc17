// Package lead models sales leads from first interest to conversion: who
// showed interest and through which channel, the journey of touchpoints,
// the qualification ladder, temperature, dedupe, conversion into an
// account, a contact and an opportunity, and the lead KPIs. Scoring lives
// in lead/scoring, routing to reps in lead/routing.
//
// # Leads and sources
//
// A Lead is a person or organisation that showed interest (Person: name,
// e-mail, phone, company, title, industry, size, country and custom
// attributes). It came from a Source channel: a referral, advertising, an
// event (a webinar, lunch, trade show, peer meeting or sponsored event:
// EventKind), a purchased list, inbound content, e-mail, social media,
// networking, local advertising, live chat, a re-opened closed-lost deal,
// a third-party meeting, customer feedback, or a channel of the company's
// own (NewSources). ParseChannel and Sources.Parse read external names.
//
// Customers jump between channels before they buy, so a lead keeps its
// Journey: every Touchpoint (channel, campaign, content, kind such as view,
// like, form or call, time) in time order. New captures a lead as a
// Suspect; RecordTouch adds touches.
//
// # The ladder
//
//	suspect --qualify--> mql --accept--> sql --convert--> converted
//	suspect --accept--> sql
//	suspect, mql, sql --nurture--> nurture --recycle--> mql
//	suspect, mql, sql, nurture --disqualify--> disqualified
//
// A suspect visited the site or asked for general information; a
// marketing-qualified lead (MQL) shows clear interest but will not buy
// soon; a sales-qualified lead (SQL) intends to buy now and goes straight to
// sales. Nurture sets a lead aside (not ready, or bought a competitor's
// product) with a revisit date and a reason, for marketing or sales to work
// later; Disqualified discards a lead without purchase intent. Converted and
// Disqualified are final.
//
// The ladder is defined once, as looplab/fsm events (LadderEvents), which
// validate it, draw it (Mermaid) and are the test oracle. A Ladder compiles
// that definition with crmkit's one state-machine runtime into a Table and
// runs every command and every bulk path (ReplayStage, imports,
// simulations) on it: a table lookup, the built-in rules and the company's
// Guards as plain functions, then the event. looplab is not called on the
// command path. A lead stores its stage as a value and owns no machine.
//
// One entry point moves a lead on the ladder: Ladder.Fire with a Command
// naming the Action (ActionQualify, ActionAccept, ActionNurture,
// ActionRecycle, ActionDisqualify); Ladder.Convert converts, because it
// also returns the drafts. A Command embeds crmkit.Cmd (By, At, Reason),
// validated by crmkit.Cmd.Validate. Fire and Convert take a context
// because they run the caller's Guards; no other lead command does.
//
// # Values and events
//
// Every command takes a Lead and returns the changed copy and the
// crmkit.Event that records it (who, when, from, to, reason, version);
// the event types are the constants EventLeadCaptured ... EventLeadsMerged. Bad input
// returns an error wrapping a crmkit sentinel (ErrInvalid,
// ErrIllegalTransition naming the lead, stage and action, ErrConflict,
// ErrForbidden) and changes nothing. A Lead holds a slice and a map: the
// package never modifies them in place, and Clone gives a deep copy.
//
// # Temperature, scoring, routing
//
// TemperatureRules derive hot (buy now), warm (a time frame within about
// two months) and cold (no time frame) from the stated BuyBy date and the
// clock. Package lead/scoring scores leads: a rule-based Scorer (fit to
// the ideal customer profile plus decaying engagement) that explains
// itself, and a naive Bayes PredictiveModel trained from past leads.
// Package lead/routing assigns leads to reps by round robin, weights,
// capacity or rules. Both read lead fields by the names of the Field
// constants.
//
// # Dedupe, merge, conversion
//
// Package lead/dedupe normalises e-mail addresses, phone numbers and
// company domains (a free-mail address matches on the whole address, a
// company address on its domain), groups duplicate leads and resolves a
// lead against existing accounts and contacts. Merge keeps the earliest
// lead, the union of the journeys and the furthest stage; it is
// order-independent and idempotent. Ladder.Convert turns an SQL into an
// AccountDraft, ContactDraft and OpportunityDraft, linked to the existing
// records its Links name; storage.Convert resolves the links against a
// store and stores everything in one transaction.
//
// # KPIs
//
// Count gives lead counts by source, campaign, stage, channel and period;
// CostPerLeadBy breaks kpi.CostPerLead down by source or campaign; Progress
// reads event histories for the conversion between any two stages, the
// lead-to-customer rate and the time from first touch to each stage.
//
// Package leadtest has rapid generators of leads, journeys and histories
// for property tests of code built on this package.
package lead
