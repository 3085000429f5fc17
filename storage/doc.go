// Package storage defines how crmkit aggregates are persisted: one
// repository per aggregate, an append-only event log, transactions that
// land together, optimistic concurrency, idempotent creates and tenant
// scoping. Backends implement it: storage/memory (the embedded default)
// and storage/postgres; storage/storagetest is the conformance suite
// both pass, exported so that a new backend can be checked the same way.
//
// # Using a store
//
// A Store is bound to one tenant when it is opened (memory.New().Tenant
// ("acme")). Its repositories (Leads, Deals, Accounts, Contracts, Plans,
// Campaigns, CommissionPlans, Pipelines, ForecastSnapshots, Quotes,
// Approvals, Interactions: every one is
// a method of Tx, so of the Store and of the tx of Update alike) get,
// list, create and save aggregates; each call outside Update is its own
// transaction:
//
//	l, ev, err := lead.New(capture, crmkit.Cmd{By: actor, At: clock.Now()})
//	l, err = store.Leads().Create(ctx, l, "webform-4711", ev)
//
// The key ("webform-4711") makes the create idempotent: a second Create
// with the same key returns the first lead and writes nothing.
//
// Every aggregate carries a Version; Save takes the version the caller
// read and fails with crmkit.ErrConflict when someone saved in between:
//
//	next, ev, err := ladder.Fire(clock, l, ...)
//	err = store.Leads().Save(ctx, next, l.Version, ev)
//
// Events are appended in the same transaction as the state they describe
// (the events arguments of Create and Save) and read back as streams
// (Events().ByAggregate, Events().Between) that never hold the whole
// history in memory.
//
// # History matches state, references resolve
//
// A Create or Save carries exactly the history of the change it writes:
// one event per version from the stored version (0 for a Create) to the
// written one, in order, each of the written aggregate and its kind
// (CheckHistory). A change without its events, or with events of another
// aggregate, is crmkit.ErrInvalid and writes nothing, so replaying an
// aggregate's events always leads to its stored state.
//
// Pipeline definitions are versioned (PipelineRepository): the latest
// deal.PipelineSpec is the stored state, every version's spec the payload
// of its event, so GetVersion reads any version a deal runs on. A deal's
// non-zero PipelineVersion must name a stored version of its pipeline;
// 0 (deal.DefaultPipeline, a pipeline built in code) needs none. Forecast
// snapshots (ForecastSnapshotRepository) are immutable records, put once
// with one event, never saved.
// EventLog.Append stays for events that describe no stored state
// (history imports, aggregates no repository keeps): an event of an
// aggregate a repository holds is refused (EventOfStored), and a Create of
// an aggregate whose events are logged already is refused too
// (HistoryExists), so a stored history always matches its state.
//
// A deal's account (and its contact, inside that account), a contract's
// account (and its deal), a quote's deal and a service interaction's
// account (and its contact) exist in the store's tenant; a write that
// breaks this is a *ReferenceError (crmkit.ErrInvalid) and writes
// nothing. Write the record referred to first, in the same Update if
// need be: the account, then the deal.
//
// # A customer's timeline
//
// Service interactions are aggregates like the others
// (account.RecordInteraction, then Respond, Resolve and Rate, each saved
// with its event); Interactions().List with InteractionFilter.Account
// lists one customer's, and Timeline yields the customer's whole journey
// (the account's own events and those of its interactions, deals and
// contracts) in time order.
//
// # Consistency check
//
// Verify is the consistency check of a whole tenant, for data written
// outside the library or an audit after a migration: it walks every
// record, resolves its references (a converted lead's account, contact
// and deal among them: LeadReferences), checks its history and replays
// it where the domain package can (leads, deals, contracts), and
// returns the problems it found as a typed list (Verification, Problem).
//
// # Transactions and retries
//
// Update runs a function whose writes land together or not at all: a
// lead conversion (Convert: the lead's change, its account, contact and
// deal under the IDs the lead points at, and their events, deduped
// against stored accounts by domain, e-mail and phone) or a hand-over
// (Handover: a leaving rep's open deals, accounts and open leads, each
// with its event, and the customers and successors to notify). Retry
// re-runs such a function when it lost a race (crmkit.ErrConflict, or
// ErrSerialization from a database), with bounded attempts and jittered
// backoff:
//
//	err := storage.Retry(ctx, storage.Policy{}, func(ctx context.Context) error {
//		return store.Update(ctx, func(tx storage.Tx) error {
//			l, err := tx.Leads().Get(ctx, id)
//			if err != nil {
//				return err
//			}
//			next, ev, err := l.Assign("rep-7", crmkit.Cmd{By: actor, At: clock.Now()})
//			if err != nil {
//				return err
//			}
//			return tx.Leads().Save(ctx, next, l.Version, ev)
//		})
//	})
//
// # The change feed
//
// A store that implements Feed (memory and postgres do) delivers a
// tenant's events to named consumers in one gap-free order, the order in
// which they committed: a consumer never moves past an event that a
// transaction still in flight will commit before it. Each consumer keeps
// its Position in the store. Consume hands a batch to a function inside
// an Update that also moves the position, so the function's writes
// through tx happen exactly once (external effects, done before it
// returns, at least once):
//
//	_ = feed.Register(ctx, "search-index", "") // from the start
//	n, err := feed.Consume(ctx, "search-index", 100, func(tx storage.Tx, events []crmkit.Event) error {
//		return index(tx, events)
//	})
//
// Subscribe runs Consume in a loop at the handler's pace, waking on
// commits (PostgreSQL: LISTEN/NOTIFY, with polling if a notification is
// lost), retrying a failing event alone and parking it (Park, Parked,
// Unpark) after Subscription.Attempts failures, so one bad event does not
// stop the consumer.
//
// # Listing
//
// List returns one page ordered by ID (UUIDv7, so creation order) and an
// opaque cursor for the next; keyset pagination never skips or repeats an
// entity while others write. All walks every page as an iterator. A
// filtered List returns its page in the same ID order on every store,
// except a List whose filter has a range (either bound set:
// DealFilter.CloseFrom and CloseTo, ContractFilter.RenewalFrom and
// RenewalTo, ForecastSnapshotFilter.Within): it is in date order, by the
// filtered date (a deal's close date, a contract's current renewal date,
// a snapshot's period start) and then by ID, and its cursor holds both
// (EncodeCursorAt, Page.ResolveAt). A cursor of one order given to a
// List of the other is crmkit.ErrInvalid. Entities without the date
// match no range, so none sorts as missing. storage/postgres answers
// each filter from an index in its order (its package documentation
// lists which and what a page reads: a range is one scan of the date's
// index from the cursor), so a page costs about a page at any tenant
// size; storage/sqlite reads a range the same way.
//
// # Input rules and the stored domain
//
// All backends reject the same input with crmkit.ErrInvalid, before
// writing anything: values their aggregate's Validate refuses (nil IDs,
// versions below 1, unknown stages, ...: the domain package owns those
// rules, and a store refuses exactly what Validate refuses), unknown
// stages in filters, page sizes outside 1..MaxPageSize,
// malformed or non-canonical cursors, invalid events, and every value
// outside the stored domain (see MinTime): times outside MinTime..MaxTime,
// decimals of more than MaxDecimalDigits digits, strings longer than
// MaxTextLen (MaxKeyLen for keys, tenant names, owners, sources and filter
// strings) or not UTF-8 or holding a NUL byte, payloads that are not
// I-JSON, slices and maps of more than MaxSliceLen elements, writes of
// more than MaxEvents events. The Validate functions of this package run
// those rules, exported for backends: the stored domain and the keys are
// storage's own, every other rule is the aggregate's Validate, which they
// call.
//
// A value one store accepts, every store accepts, and gives back equal:
// as Canonical gives it (times in UTC, whole microseconds), with decimals
// by value and payloads as the same JSON value. Query bounds (Between,
// close-date and renewal filters) may be any time, and select exactly
// what the filters' Match methods select.
//
// # Errors
//
// Every error a store returns matches exactly one of crmkit's root
// sentinels: crmkit.ErrInvalid for input that breaks a rule,
// crmkit.ErrNotFound, crmkit.ErrConflict for stale versions, duplicates
// and serialization failures (ErrSerialization), and
// crmkit.ErrUnavailable when the store could not serve the call: the
// database is unreachable, the pool closed, the schema missing, or the
// call's context ended (then the error matches the context's error too).
//
// # Writing a backend
//
// Implement Store (and Tx; Pipelines and ForecastSnapshots are
// NewPipelineRepository and NewForecastSnapshotRepository over a
// Repository of deal.PipelineSpec keyed by PipelineSpecID and one of
// ForecastSnapshot at version 1): start every call with CheckContext, run the
// Validate functions and CheckHistory before touching data, check the
// references of DealReferences (a pipeline version among them),
// ContractReferences, QuoteReferences and InteractionReferences (and
// refuse an account write that drops a contact a deal or an interaction
// refers to: ContactInUse;
// Dangling names the others) against what the writer sees, refuse an
// Append of a stored aggregate's events (EventOfStored) and a Create of
// an aggregate whose events are logged (HistoryExists), keep Canonical
// of what is written, compare stored times with query bounds through TimeBound,
// report stale versions with Conflict, missing entities with NotFound,
// wrap ErrSerialization for the database's retryable aborts and
// crmkit.ErrUnavailable for everything else the database reports; then
// pass storagetest.Run, and storagetest.Agree beside the memory store.
//
// # Reports from a store
//
// Optional abilities are extra interfaces found by type assertion, as
// database/sql does, and storagetest.Run checks each on every store that
// offers it. Every store of crmkit is a funnel.Source (its deals as
// funnel.OpportunityOf adapts them, so funnel.SummarizeSource reports
// straight from the store) and a HistoryStreamer (every aggregate's
// events of one kind, grouped by aggregate in version order, the order
// funnel reads records in); storage/postgres is also a funnel.Aggregator
// that computes the report with one GROUP BY over its deals table. Every
// store is an Importer too: bulk loads of leads and deals with their
// events, all or nothing, under one contract; so is the Tx of every
// store's Update, where an import lands with the Update's other writes. And every store keeps a
// live summary of its deals (Projections: funnel.LiveSummary's counts and
// amounts by stage, status, owner, source and month) in the transaction
// of each deal write, so a dashboard reads it in O(groups); storage/sqlite
// and storage/postgres keep it in a table by triggers on their deals
// table (per row in SQLite, per statement in PostgreSQL, COPY included).
//
// # Edits, archive and delete
//
// Edits (lead.Lead.Edit, deal.Deal.Edit, account.Account.Edit and
// EditContact) are commands like any other: their events, whose payload
// is a crmkit.EditPayload, go through Save, and crmkit.FieldHistory reads
// who changed which field from what to what out of EventLog.ByAggregate.
// Archived leads, deals and accounts (the domain's Archive and Restore)
// stay stored with their events, but List leaves them out unless the
// filter's IncludeArchived is set, and so do the funnel sources of every
// store. Every store is a deletion.Deleter too (package storage/deletion):
// a lead, deal or account created by mistake goes with its events,
// leaving a tombstone event without personal data; a record others refer
// to (deletion.Referrers) is refused with a *deletion.InUseError.
//
// # Erasure of a person
//
// Erasing a person (a lead, or a contact of an account) from a store, in
// its state and in the payloads of its history, is package
// storage/erasure: erasure.Lead and erasure.Contact, the EventScrubber
// ability every store's Tx has, and the check by which every store's
// Save refuses to bring erased data back.
package storage
