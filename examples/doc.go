// Package examples holds runnable programs that show crmkit at work:
//
//   - quickstart: the whole story on the in-memory defaults
//     (go run ./examples/quickstart).
//
// Each program has a test that runs it on small data and checks what it
// prints against hand-computed numbers.
package examples
