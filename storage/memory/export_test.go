package memory

// DisableLive switches off the live deal summary of s's tenant, for the
// benchmark of its write overhead (BenchmarkLiveSave's plain store).
func DisableLive(s *Store) { tableOf(s.st, &dealKind.ops).watch = nil }
