// Package routing assigns leads of package lead to sales reps and shows
// the capacity to work them.
//
// A Plan is configuration as data: the reps (Rep, with weight, capacity
// and open leads), first-match rules (Rule: territory, segment, language,
// each with its reps), the pool that takes leads no rule matched, and the
// Strategy that spreads a group's leads over its reps (round robin, smooth
// weighted round robin, least loaded). NewRouter validates and compiles a
// plan; Router.Route assigns one lead without allocating, Router.RouteAll
// routes a stream and collects the Result, Router.Release frees a place.
// A Router is deterministic and keeps its loads and positions between
// calls.
//
// CapacityView sets the leads waiting against the free places per rep,
// per team and in total (Router.Capacity, NewCapacityView), so that a flood
// of leads with too little capacity shows before customers are lost.
//
// Rules read lead fields by the names of lead's Field constants. Bad input
// is an error matching crmkit.ErrInvalid that names the field.
package routing
