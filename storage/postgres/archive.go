package postgres

// notArchived is the List condition that leaves out archived leads, deals
// and accounts: their body holds archived_at (Lead.ArchivedAt and the
// others are omitted from the JSON while zero). It reads the body rather
// than a column of its own, so no migration is needed; lists that do not
// include archived records pay one jsonb key lookup per row.
//
// It is written NOT (body ? 'archived_at'), the same rows as
// body->'archived_at' IS NULL, because PostgreSQL estimates that form as
// true for most rows: the IS NULL form is estimated true for almost none,
// which made the planner sort the whole table rather than walk an index
// in id order for a page (TestListPlansReadAPage).
const notArchived = " AND NOT (body ? 'archived_at')"
