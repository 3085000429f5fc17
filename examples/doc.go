// Package examples holds runnable programs that show crmkit at work:
//
//   - quickstart: the whole story on the in-memory store, from leads to
//     the funnel report (go run ./examples/quickstart).
//   - report: a short tutorial, deals from a CSV stored with the deal
//     commands and the funnel read back from the store (go run
//     ./examples/report examples/report/testdata/deals.csv).
//   - clv: a short tutorial of account/clv, from purchases to summaries,
//     P(alive) and CLV (go run ./examples/clv).
//   - diagram: a short tutorial, the default pipeline drawn from its state
//     machine as a Mermaid diagram (go run ./examples/diagram).
//
// The crmkit command (cmd/crmkit: crmkit report, crmkit clv, crmkit
// diagram) is the tool for real files; these programs read as tutorials.
// Each program has a test that runs it on small shipped data and checks
// what it prints against hand-computed or published numbers.
package examples
