// Package sqlite is the persistent embedded crmkit store: a SQLite file
// through modernc.org/sqlite, a pure-Go SQLite (no cgo: CGO_ENABLED=0
// builds work), with the full contract of package storage (optimistic
// concurrency, idempotent creates, atomic Update, tenant isolation,
// keyset pagination, streamed events, the change feed) and every
// repository of storage.Tx, checked by storagetest.Run like them. It is
// for a small service, a desktop tool or a test fixture that must survive a
// restart without running a database server.
//
// # Opening
//
// Open a file, migrate it once, and take one tenant's store:
//
//	db, err := sqlite.Open(ctx, "crm.db") // created if missing
//	if err != nil { ... }
//	defer db.Close()
//	if err := db.Migrate(ctx); err != nil { ... }
//	acme, err := db.Tenant("acme") // a storage.Store
//
// # Schema and migrations
//
// The schema is in migrations/NNNN_name.sql, embedded in the binary, and
// laid out as storage/postgres lays out its own: one STRICT table per
// aggregate kind with tenant_id leading the primary key and every index,
// the ID (the 16 bytes of the application's UUIDv7), the version, the
// optional idempotency key (unique per tenant and kind), the columns
// lists filter on, and the aggregate itself as body, encoding/json's
// text of it (enums as their names, never positions); table events is
// the append-only log. Times are INTEGER microseconds since 1970 UTC
// (storage.Canonical keeps whole microseconds), and query bounds go
// through storage.TimeBound, so a filter selects what the memory store
// selects. Migrate applies the missing migrations in one transaction;
// running it again changes nothing, and a file at a newer version than
// SchemaVersion is refused (crmkit.ErrConflict).
//
// Schema version 2 adds quotes, approvals and interactions; version 3
// adds commission_plans, forecast_snapshots (immutable, at version 1),
// pipelines (the latest spec of each pipeline, keyed by
// deal.PipelineAggregateID of its ID) and pipeline_versions (every
// version a definition's Create or Save wrote, in the same transaction),
// and deals.pipeline_version (NULL for 0, a pipeline never stored).
// Triggers named deals_pipeline_fk stand for PostgreSQL's foreign key of
// that name (SQLite adds no table constraint to a stored table without
// rebuilding it): a deal's (tenant_id, pipeline, pipeline_version) must
// be in pipeline_versions, and a version a deal runs on cannot be
// removed. Migrating a file whose deals already name a pipeline version
// fails and leaves it at version 2. Version 4 adds the change feed:
// events.feed_pos (the event's place in its tenant's feed; events stored
// before it get places per tenant in the order of (at, id)),
// feed_consumers and feed_parked. Version 9 orders the close-date index
// by (tenant_id, expected_close, id): a List whose filter has a range
// (deal close dates, contract renewal dates, forecast snapshot Within)
// is in date order, by the date then the id (storage.Repository.List),
// and reads its page from that date's index from the cursor on.
//
// # How writes work
//
// SQLite has one writer per file. The store makes that explicit: a DB
// is a pool of connections on the file in WAL mode (readers never wait
// for a writer) and a write lock of its own. A write outside Update is a
// transaction begun with BEGIN IMMEDIATE (taking the file's write lock at
// once) under that lock; an Update takes the lock at its first write and
// keeps it to its commit. Writes of the process therefore take turns (a
// write waits for the lock, or for its context); a write of another
// process on the same file waits up to BusyTimeout for the file's lock,
// and past it fails with an error matching
// storage.ErrSerialization, which storage.Retry runs again. Under the
// lock a Create or Save reads what it checks (the idempotency key, the
// stored version, the event IDs) and then writes the row and its events,
// so the checks cannot go stale: a stale version is crmkit.ErrConflict
// naming both versions, a used key returns the first Create's aggregate.
// Inside Update each write call is also a savepoint, so a call that
// fails leaves nothing of itself behind even if fn goes on.
//
// History matches state and references resolve, as in every store: a
// Create or Save calls storage.CheckHistory on its events; under the
// write lock a Create of an aggregate whose events are logged is refused
// (storage.HistoryExists), a deal's account and contact, a contract's
// account and deal, a quote's deal, an interaction's account and
// contact and a deal's pipeline version must be stored in the tenant (storage.Dangling; a contact is
// looked up in its account's body), an account Save must not drop a
// contact a deal or an interaction refers to (storage.ContactInUse), and
// an Append of a stored aggregate's events is refused
// (storage.EventOfStored).
// Composite foreign keys on (tenant_id, account_id) and (tenant_id,
// deal_id) back the checks for any other writer of the file (ImportDeals
// included: a deal of an unstored account fails the import,
// crmkit.ErrInvalid). An account's dedupe keys (storage.AccountKeys) are
// columns, so AccountFilter's domain, e-mail and phone select in SQL.
//
// Every Update and every write outside one is a SQLite transaction, so a
// process killed at any point (the tests kill one with SIGKILL mid-write,
// again and again) leaves each Update whole or absent, and the file
// passes PRAGMA integrity_check. synchronous=NORMAL in WAL mode makes a
// commit durable against a crash of the process; a power loss may lose
// the last commits, never tear one.
//
// # Change feed
//
// A Store is a storage.Feed (storagetest.Run checks it as on the other
// stores): named consumers with stored positions read the tenant's
// events in one gap-free order, Consume moves the position in the same
// transaction as the handler's writes, and storage.Subscribe follows the
// feed. SQLite's single writer makes the order simple: an event's place
// (events.feed_pos) is set by its INSERT, inside the writing transaction,
// to one more than the tenant's last place, and no other transaction can
// commit in between, so commit order is place order and a rolled-back
// transaction leaves no gap. Another writer of the file that does not set
// the place gets one from the trigger events_feed_pos. Consume, Park and
// Unpark write the consumer's row first, so they hold the write lock
// from their first statement to their commit, the handler included: the
// file's other writers wait while a handler runs, so keep handlers
// short. Wait wakes at every write commit of the DB, and looks again
// every half second for the writes of other processes on the file.
//
// ImportLeads and ImportDeals (storage.Importer) load many aggregates and
// their events in one transaction with prepared statements. All SQL is parameterised.
// Every call honours its context: a context that ends while a statement
// runs interrupts it, and the transaction is rolled back.
package sqlite
