package sqlite

// notArchived is the List condition that leaves out archived leads, deals
// and accounts: their body holds archived_at (Lead.ArchivedAt and the
// others are omitted from the JSON while zero). It reads the body rather
// than a column of its own, so no migration is needed.
const notArchived = " AND json_extract(body, '$.archived_at') IS NULL"
