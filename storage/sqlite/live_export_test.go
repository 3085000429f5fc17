package sqlite

// ForgetLive empties db's cache of live deal summaries, so that the next
// LiveDeals reads the groups: for the benchmarks of an uncached read.
func ForgetLive(db *DB) { db.live.Reset() }
