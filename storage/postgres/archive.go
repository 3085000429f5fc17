package postgres

// notArchived is the List condition that leaves out archived leads, deals
// and accounts. It reads the archived column (schema version 20), which
// PostgreSQL generates from the body (true when it holds archived_at:
// Lead.ArchivedAt and the others are omitted from the JSON while zero),
// so a List, the funnel.Source and the funnel.Aggregator never read the
// body for it.
//
// The planner estimates NOT archived from the column's statistics (the
// share of rows not archived, most of them); the body form it replaces,
// NOT (body ? 'archived_at'), had to be written so because its IS NULL
// twin was estimated true for almost no row, which made the planner sort
// the whole table rather than walk an index in id order for a page
// (TestListPlansReadAPage). Before the table's first ANALYZE a boolean
// column is estimated true for half the rows, not almost none.
const notArchived = " AND NOT archived"
