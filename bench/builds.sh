#!/usr/bin/env bash
# Build times of a generated Dockerfile with a real buildkitd (make tools builds it)
# pushing to a real registry on 127.0.0.1: the hello example single-platform and for
# linux/amd64,linux/arm64, each from an empty BuildKit cache and after a one-line
# change to main.go. Prints the median of $1 runs (default 3). Needs Docker (for the
# stand-in base images) and root.
set -euo pipefail
cd "$(dirname "$0")/.."
BERTH_BENCH_BUILDS=1 RUNS=${1:-3} go test -count=1 -timeout 60m ./tests/e2e -run '^TestBuildTimes$' -v | grep -E 'median|FAIL|ok'
