// Package funneltest holds rapid generators of consistent funnel histories
// and the invariants of funnel maths as reusable checks, for test suites
// that validate their own funnel code (or a store's Aggregator) against
// package funnel, like net/http/httptest for net/http.
//
// Histories draws histories whose records are legal for every entity's
// status, in report order, together with the state every entity ends in,
// computed by the generator's own model. The Check functions return an
// error describing the first broken invariant, so they fit any test
// framework:
//
//	rapid.Check(t, func(t *rapid.T) {
//		h := funneltest.Histories(funneltest.Config{Forward: true}).Draw(t, "history")
//		rep, err := funnel.SummarizeRecords(h.Pipeline, h.Seq(), funnel.Query{AsOf: h.Last})
//		if err != nil {
//			t.Fatal(err)
//		}
//		if err := funneltest.CheckCounts(rep.Total, true); err != nil {
//			t.Fatal(err)
//		}
//	})
package funneltest
