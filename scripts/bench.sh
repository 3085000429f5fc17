#!/usr/bin/env bash
# Runs every benchmark named in BENCHMARKS.md and writes the raw output to
# bench.out (compare runs with golang.org/x/perf/cmd/benchstat).
#
#   bash scripts/bench.sh            # all packages, 1 s per benchmark, 3 runs
#   COUNT=1 BENCHTIME=200ms bash scripts/bench.sh
#
# The PostgreSQL benchmarks need CRMKIT_POSTGRES_DSN (and pgbench on PATH for
# the pgbench comparison); without it they skip.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-3}
BENCHTIME=${BENCHTIME:-1s}
export CRMKIT_POSTGRES_DSN="${CRMKIT_POSTGRES_DSN:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
go test -run '^$' -bench . -benchmem -benchtime "$BENCHTIME" -count "$COUNT" -timeout 60m ./... | tee bench.out
