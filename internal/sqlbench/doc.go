// Package sqlbench holds the side-by-side comparisons of package funnel
// with PostgreSQL that issue 7 asks for: the same deals loaded into a
// table and summarised by one GROUP BY, next to funnel.Summarize over
// the same values in the same run.
//
// Store is the SQL side only: a deals table of funnel.Opportunity rows
// and Summarize, which computes the report with one GROUP BY over
// (reached set, current stage, status, currency) and folds the few
// resulting rows through internal/reportfold (the fold storage/postgres's
// funnel.Aggregator uses over the real deals table) into the funnel.Report
// funnel.Summarize computes. Its tests prove the two agree, so that the
// benchmarks compare the same report. It implements neither funnel.Source
// nor funnel.Aggregator: the production query, the store's push-down and
// scan, live in storage/postgres (AggregateFunnel, Opportunities) and are
// measured there (BenchmarkSource1M, BenchmarkReports). Its table keeps
// each deal's reached set, which the real deals table cannot (a deal's
// state does not say which stages it skipped).
//
// The package is internal: it exists for the benchmarks and the
// conformance test, not as crmkit's storage layer (see storage/postgres).
// Tests and benchmarks connect through the environment variable
// CRMKIT_POSTGRES_DSN, are skipped when it is unset and fail when it is
// set but the server cannot be reached. Each one works in a schema of its
// own with a random name, dropped when it ends.
//
// Run the comparisons with:
//
//	CRMKIT_POSTGRES_DSN=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go test -run='^$' -bench=. -benchtime=5x ./internal/sqlbench/
package sqlbench
