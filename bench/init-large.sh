#!/usr/bin/env bash
# berth init on a 50k-line module: etcd's server module (go.etcd.io/etcd/server/v3,
# about 50,700 lines of non-test Go with a main package), fetched from the Go module
# proxy into a temporary copy whose sibling replacements are dropped for the
# published versions. Prints the median wall time of `berth init --dry-run` ($1 runs,
# default 5) and BenchmarkInspect's cost of the reading with and without the program
# analysis. The first run of a machine compiles the dependencies' export data once.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
version=v3.7.0
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
src=$(go mod download -json "go.etcd.io/etcd/server/v3@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
cp -r "$src" "$work/etcd"
chmod -R u+w "$work/etcd"
(
  cd "$work/etcd"
  go mod edit -dropreplace go.etcd.io/etcd/api/v3 -dropreplace go.etcd.io/etcd/client/pkg/v3 \
    -dropreplace go.etcd.io/etcd/client/v3 -dropreplace go.etcd.io/etcd/pkg/v3
  GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1
)
echo "module: go.etcd.io/etcd/server/v3@$version, $(find "$work/etcd" -name '*.go' -not -name '*_test.go' -print0 | xargs -0 cat | wc -l) lines of non-test Go"
go build -o "$work/berth" .
start=$(date +%s%N)
"$work/berth" init "$work/etcd" --dry-run >/dev/null
echo "first run (may compile export data): $(( ($(date +%s%N) - start) / 1000000 )) ms"
times=()
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  "$work/berth" init "$work/etcd" --dry-run >/dev/null
  times+=($(( ($(date +%s%N) - start) / 1000000 )))
done
echo "berth init --dry-run, median of $runs: $(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p") ms"
BERTH_BENCH_MODULE="$work/etcd" go test ./generator/detect -run '^$' -bench BenchmarkInspect -benchtime 3x -count 3 | grep Benchmark
