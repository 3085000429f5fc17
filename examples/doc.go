// Package examples holds runnable programs that show crmkit at work:
//
//   - quickstart: the whole story on the in-memory store, from leads to
//     the funnel report (go run ./examples/quickstart).
//   - report: a short tutorial, deals from a CSV stored with the deal
//     commands and the funnel read back from the store (go run
//     ./examples/report examples/report/testdata/deals.csv); for real CRM
//     exports use crmkit report (cmd/crmkit).
//   - clv: RFM, BG/NBD and Gamma-Gamma fits and the customers with the
//     highest predicted lifetime value, from a transactions file
//     (go run ./examples/clv -in CDNOW_sample.txt -format cdnow).
//   - diagram: writes docs/diagrams.md, the default pipeline and the lead
//     ladder drawn from their state machines (go run ./examples/diagram).
//
// Each program has a test that runs it on small shipped data and checks
// what it prints against hand-computed or published numbers.
package examples
