#!/usr/bin/env bash
# Median wall time of `berth init --dry-run` on each init fixture (runs per fixture:
# $1, default 7). Most of it is the two `go list` runs init makes.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
bin=$(mktemp -d)/berth
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" .
printf '%-12s %s\n' fixture "median ms ($runs runs)"
for f in plain multi-cmd vendored cgo-dep embed workspace; do
  times=()
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    "$bin" init "tests/testdata/init/$f" --dry-run >/dev/null
    times+=($(( ($(date +%s%N) - start) / 1000000 )))
  done
  printf '%-12s %s\n' "$f" "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")"
done
