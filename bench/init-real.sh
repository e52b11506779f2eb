#!/usr/bin/env bash
# berth init on published Go services, unmodified, fetched from the Go module proxy:
# the NATS server, node_exporter and CoreDNS. Prints, per service, the median wall time
# of `berth init --dry-run` ($1 runs, default 5, after one run that warms the caches)
# and the ports and health probes it proposes. With BASE=<commit>, the same for berth
# built at that commit, for a before/after comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
modules=(
  github.com/nats-io/nats-server/v2@v2.15.3
  github.com/prometheus/node_exporter@v1.12.1
  github.com/coredns/coredns@v1.15.0
)
work=$(mktemp -d)
cleanup() {
  chmod -R u+w "$work" 2>/dev/null || true
  if [ -n "${BASE:-}" ]; then git worktree remove --force "$work/base" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/berth-head" .
bins=(head)
if [ -n "${BASE:-}" ]; then
  git worktree add -q --detach "$work/base" "$BASE"
  (cd "$work/base" && go build -o "$work/berth-base" .)
  bins=(base head)
fi
median() { sort -n | sed -n "$(( (runs + 1) / 2 ))p"; }
for module in "${modules[@]}"; do
  src=$(cd "$work" && GOFLAGS= go mod download -json "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  dir="$work/src/${module%%@*}"
  mkdir -p "$dir"
  cp -r "$src/." "$dir"
  chmod -R u+w "$dir"
  for b in "${bins[@]}"; do
    "$work/berth-$b" init "$dir" --dry-run >"$work/out" 2>&1 || true
    times=()
    for _ in $(seq "$runs"); do
      start=$(date +%s%N)
      "$work/berth-$b" init "$dir" --dry-run >/dev/null 2>&1 || true
      times+=($(( ($(date +%s%N) - start) / 1000000 )))
    done
    echo "== $module ($b): berth init --dry-run, median of $runs: $(printf '%s\n' "${times[@]}" | median) ms"
    sed -n '/^ports:/,/^replicas:/p' "$work/out" | grep -v '^replicas:' | cut -c1-160
    grep -E '^  cgo:' "$work/out" | cut -c1-160 || true
  done
done
