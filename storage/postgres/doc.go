// Package postgres is the PostgreSQL crmkit store: the full contract of
// package storage (optimistic concurrency, idempotent creates, atomic
// Update, tenant isolation, keyset pagination, streamed events) on a pgx/v5
// connection pool, checked by storagetest.Run like the memory store.
//
// # Opening
//
// Open a database, migrate it once, and take one tenant's store:
//
//	db, err := postgres.Open(ctx, "postgres://app@db:5432/crm?sslmode=verify-full")
//	if err != nil { ... }          // a malformed DSN matches crmkit.ErrInvalid
//	defer db.Close()
//	if err := db.Migrate(ctx); err != nil { ... }
//	acme, err := db.Tenant("acme") // a storage.Store
//
// New wraps a pgxpool.Pool the application configured itself. The Schema
// option puts the tables in a schema of their own (the search_path of
// every connection of the pool): tests give each test its own schema and
// drop it afterwards.
//
// # Schema and migrations
//
// The schema is in migrations/NNNN_name.sql, embedded in the binary.
// Migrate applies the ones the database lacks, in order, each in a
// transaction with its row in schema_migrations; running it again changes
// nothing, and a database at a newer version than SchemaVersion is
// refused (crmkit.ErrConflict) rather than written by code that does not
// know it.
//
// Tables leads and deals hold one row per aggregate: tenant_id and id
// (UUIDv7, made by the application) as the primary key, the version, the
// optional idempotency key (unique per tenant), the columns lists filter
// on as real, indexed columns (lead stage, source, owner; deal pipeline,
// stage, status, owner, expected_close) and the aggregate itself as a
// JSONB body (encoding/json's form, snake_case keys), so that fields can
// be added to the aggregates without a migration. Enums are text in the
// bodies and in the columns alike (their crmkit.Enum names, "unset" for an
// unset zero; account relations an array of names), never the position
// of a constant, so reordering a const block changes no stored row;
// schema version 5 converted the numbers older versions stored. Tables plans and
// campaigns (schema version 2) hold quota plans and marketing campaigns
// the same way; tables accounts (their contacts inside the body; filter
// columns owner, segment, parent, relations) and contracts (account_id,
// deal_id, status and the current terms' renewal_date), schema version
// 3, back the account and contract repositories of storage.Tx. Schema
// version 8 adds commission_plans, forecast_snapshots (immutable, at
// version 1), pipelines (the latest spec of each pipeline, keyed by
// deal.PipelineAggregateID of its ID) and pipeline_versions (every
// stored version, kept by the definition's Create and Save in the same
// statement), and deals.pipeline_version (NULL for 0, a pipeline never
// stored) with a foreign key (tenant_id, pipeline, pipeline_version) to
// pipeline_versions. Schema version 9 adds quotes (deal_id, status,
// created_by; the version column holds the quote's Seq), approvals
// (subject, requester, status and waiting_for, the current step's role
// while pending) and interactions (account_id, contact_id, outcome,
// channel), backing Quotes, Approvals and Interactions. Table events is the append-only log, keyed by tenant_id and event ID and
// indexed by aggregate and by time.
//
// References (schema version 6) are composite foreign keys on
// (tenant_id, id), so no reference crosses tenants and they hold for
// writers outside the library too: deals (account_id) and contracts
// (account_id) to accounts, contracts (deal_id) to deals, deals
// (account_id, contact_id) to account_contacts, the (tenant_id,
// account_id, id) of every contact, which an account's Create and Save
// keep in the same statement; schema version 9 adds quotes (deal_id) to
// deals and interactions (account_id; account_id, contact_id) to accounts
// and account_contacts. All are ON DELETE RESTRICT and checked at
// once: write the record referred to first. Each write also checks its
// references in its own statement and writes nothing when one does not
// resolve, reporting a *storage.ReferenceError (a concurrent writer that
// breaks one in between trips the key, SQLSTATE 23503, reported the
// same way), so a refused write inside Update leaves the transaction
// usable, as on the memory store. Migration 6 fails, changing nothing,
// when stored rows already break a reference, naming how many and the
// first; ImportDeals is held to the same keys (an import with a deal
// whose account or contact does not resolve is crmkit.ErrInvalid and
// stores nothing).
//
// # How writes work
//
// Every Create and Save is one SQL statement: a data-modifying WITH query
// that checks the references, writes the row and inserts its events
// (and an account's contact rows) only if the row was written,
// so state and events land together even outside Update. A Save is
// UPDATE ... WHERE tenant_id = $1 AND id = $2 AND version = $3: a
// concurrent writer of the same row makes it wait and then find another
// version, which is crmkit.ErrConflict naming both versions. Creates use
// INSERT ... ON CONFLICT DO NOTHING and then look at what is stored: the
// key's first aggregate (idempotent create), an existing ID
// (crmkit.ErrConflict), or an event already logged (crmkit.ErrConflict).
// Update is one READ COMMITTED transaction; SQLSTATE 40001
// (serialization_failure) and 40P01 (deadlock_detected) come back matching
// storage.ErrSerialization (so crmkit.ErrConflict), so storage.Retry runs
// the function again. Every other database error matches exactly one
// root sentinel too: unique violations crmkit.ErrConflict, data
// exceptions crmkit.ErrInvalid (the store's own checks keep them from
// happening), and a server that cannot be reached, a closed pool, a
// missing schema or a broken connection crmkit.ErrUnavailable.
//
// Values are checked against the stored domain of package storage before
// anything is sent, and written as storage.Canonical gives them (times in
// UTC, whole microseconds): PostgreSQL's driver would silently wrap a
// time beyond about ±292,277 years, JSON cannot write years outside
// 0..9999, and jsonb refuses what I-JSON refuses. Query bounds go through
// storage.TimeBound, so a far-future bound selects what the memory store
// selects.
// Events are read in batches of a few hundred with keyset pagination, so a
// stream of a million events never sits in memory and holds no connection
// while the caller works. ImportLeads and ImportDeals (storage.Importer) load many
// aggregates and their events with COPY in one transaction.
//
// # Reports
//
// Store is a funnel.Source (its deals as funnel.OpportunityOf gives them,
// in one query of one snapshot that holds a pool connection while the
// loop runs), a funnel.Aggregator (funnel.SummarizeSource pushes a report
// without split, selection or quantiles down to one GROUP BY over the
// deals table) and a storage.HistoryStreamer (a kind's events by
// aggregate and version, 512 a query, over the events_kind_aggregate
// index). Schema version 12 keeps what a report reads of a deal as
// columns (amount_minor, currency, created_at, stage_entered_at,
// closed_at, deal_type, campaign_id, competitor, reason), written from
// funnel.OpportunityOf by every write path, so neither reads the JSON
// body; reports decode rows in PostgreSQL's binary format.
//
// All SQL is parameterised: values never become SQL text (the schema name,
// an identifier, is quoted). Every call honours its context: a context
// that ends while a statement runs makes the pool send the server a
// cancel request, so the statement (or Update's transaction) is rolled
// back and nothing is kept, unless the statement had already committed
// when the request arrived.
//
// # The change feed
//
// Store implements storage.Feed (migration 0010). An event gets its place
// in the tenant's feed after it commits, from a stamper that consumers
// run (see feed.go for why that order has no gaps and keeps each
// aggregate's versions in order); consumers' positions and parked events
// are rows of the same database, moved in the Update that runs the
// handler. After a commit with events the store sends NOTIFY crmkit_feed
// with the tenant's name (outside the writing transaction, which would
// otherwise commit one writer at a time); Wait listens on one connection
// per DB and polls every second in case a notification is lost.
//
// # Lists at any tenant size
//
// A List page is the next rows in the List's order after the cursor, as
// on every store: ID order, or date order (the date, then the ID) for a
// filter with a range (storage.Repository.List). Each filter is answered
// from an index in that order (schema version 14; one statement builder,
// listQuery in list.go), so a page reads about a page of rows however
// many rows the tenant has:
//
//   - equality filters walk the index (tenant_id, column, id) from the
//     cursor: lead stage, source, owner; deal account, owner, pipeline,
//     status and a single stage; plan fiscal year and unit; campaign
//     owner, code and a single status; account owner, segment, parent
//     and domain; contract account, deal and a single status; forecast
//     snapshot figure, owner, pipeline; commission plan currency and
//     name; pipeline name; quote deal, creator and a single status;
//     approval subject, requester, waiting role and a single status;
//     interaction account, contact, channel and a single outcome;
//   - a set of several stages, statuses or outcomes is one such walk per
//     member, each limited to the page, merged in ID order (UNION ALL):
//     a page reads at most a page per member;
//   - a filter with a range (deal close dates, contract renewal dates,
//     forecast snapshot Within), alone or with others, is one LIMITed
//     scan of the range's index in date order: deals_expected_close
//     (tenant_id, expected_close, id), contracts_renewal (tenant_id,
//     renewal_date, id), forecast_snapshots_period (tenant_id,
//     period_start, id), started at the greater of the range's lower
//     bound and the cursor's (date, id) (a row comparison, a bound of
//     the index scan), the other filters checked on its rows. A range
//     alone reads a page, and so does a deal owner with a close-date
//     range (deals_owner_expected_close (tenant_id, owner,
//     expected_close, id), schema version 19: a rep's deals closing in
//     a period); with other filters it reads a page divided by their
//     share of the window (a pipeline of a tenth: ten pages), unless
//     PostgreSQL estimates that reading the rest of the window through a
//     bitmap and sorting the few matches costs less, which it may do
//     near the end of a window.
//
// Several equality filters together are answered from the index of one
// of them (the planner's choice) and the others checked on the rows it
// gives: a page reads more when the combination is much rarer than each
// filter alone (an owner's deals of a rare stage read the owner's rows
// until a page matches). Not indexed: account relations (a bit set of a
// few values) and campaign During (an overlap of two columns; campaigns are
// few; an overlap, not a range of one date, so its List stays in ID
// order), and the account dedupe keys by e-mail and phone go through GIN
// indexes, not in ID order (they select a handful of accounts). The plan
// tests (plan_test.go) run EXPLAIN ANALYZE of every filter's statement
// over generated rows and fail when one reads more than a small multiple
// of the page.
//
// # Citus and CockroachDB
//
// The schema and the SQL keep to what PostgreSQL-compatible distributed
// engines run. tenant_id leads every primary key, unique constraint and
// index, and every statement filters on one tenant_id, so on Citus the
// three tables can be distributed by tenant
// (SELECT create_distributed_table('leads', 'tenant_id'), and so for deals
// and events, co-located) and every statement, Update's transactions
// included, is routed to one node. Keys are UUIDs made by the
// application: no sequences, no serial columns, no advisory locks (a
// Save's version check is its UPDATE's WHERE clause, and migrators
// exclude each other through schema_migrations' primary key). CockroachDB
// and YugabyteDB run the same SQL (data-modifying WITH, ON CONFLICT DO
// NOTHING, multi-argument unnest, row comparisons); they run transactions
// SERIALIZABLE and report their retry errors as SQLSTATE 40001, which
// Retry handles like PostgreSQL's own. schema_migrations is not per
// tenant: on Citus keep it a local or reference table. The change feed
// is the exception to all this: its feed_seq column takes a sequence, its
// consumers take turns under transaction advisory locks and its stamper
// is a PL/pgSQL function, so it is PostgreSQL's own (on Citus it needs
// the tenant's events on one node and one sequence; CockroachDB has no
// advisory locks).
package postgres
