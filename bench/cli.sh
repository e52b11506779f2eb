#!/usr/bin/env bash
# Median wall time of berth's repository-reading commands ($1 runs each, default 7):
# `berth init --dry-run` on each init fixture, and `berth lint` on an example (with
# its Go module read through go list) and on a corpus case without a module.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
bin=$(mktemp -d)/berth
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" .

median() {
  local times=()
  for _ in $(seq "$runs"); do
    local start
    start=$(date +%s%N)
    "$bin" "$@" >/dev/null || true
    times+=($(( ($(date +%s%N) - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}

printf '%-58s %s\n' command "median ms ($runs runs)"
for f in plain multi-cmd vendored cgo-dep embed workspace udp-cli reach framework cgo-optional exporter broker dns two-servers flaglibs probe; do
  printf '%-58s %s\n' "init tests/testdata/init/$f --dry-run" "$(median init "tests/testdata/init/$f" --dry-run)"
done
printf '%-58s %s\n' "lint examples/hello/Dockerfile" "$(median lint examples/hello/Dockerfile)"
printf '%-58s %s\n' "lint tests/testdata/lint/bad/02-…/Dockerfile (no module)" "$(median lint tests/testdata/lint/bad/02-seed-go-env-w-then-user/Dockerfile)"
