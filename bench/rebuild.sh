#!/usr/bin/env bash
# Rebuild benchmark (not part of make test): for one example with real dependencies,
# the cold build and the rebuild after a one-line source change, for
#   berth   the generated Dockerfile (bind-mounted source, module and build cache mounts)
#   naive   COPY . . ; go mod download ; go build -a   (the seed documents' first Dockerfile)
#   native  a warm `go build` of the same source on this machine
# all in one run, printing medians. Needs the Docker engine and the stand-in base images
# of tests/e2e (bash tests/e2e/baseimages.sh).
#
#   bash bench/rebuild.sh [example] [runs]     default: cgo-sqlite 5
set -euo pipefail

EXAMPLE=${1:-cgo-sqlite}
RUNS=${2:-5}
DOCKER=${DOCKER:-/usr/bin/docker}
export DOCKER_BUILDKIT=1
root=$(cd "$(dirname "$0")/.." && pwd)
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT
cp -a "$root/examples/$EXAMPLE/." "$src/"
main=$(grep -rl --include='*.go' --exclude-dir=vendor '^func main()' "$src" | sort | head -1)
cgo=$(grep -q 'cgo: true' "$src/service.yaml" && echo 1 || echo 0)

# The naive Dockerfile, as the seed documents start: everything copied, then built.
cat >"$src/Dockerfile.naive" <<NAIVE
FROM golang:1.26-trixie AS build
WORKDIR /app
COPY . .
RUN go mod download
RUN CGO_ENABLED=$cgo go build -a -o /app/server .
FROM debian:trixie-slim
COPY --from=build /app/server /server
ENTRYPOINT ["/server"]
NAIVE
printf 'Dockerfile.naive\n' >>"$src/.dockerignore"

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }
edit() { echo "// edit $(now)" >>"$main"; } # a one-line source change
build() { "$DOCKER" build -q "${@:2}" -f "$src/$1" -t "berth-bench/$EXAMPLE-$(echo "$1" | tr A-Z. a-z-)" "$src" >/dev/null; }
timed() { local t; t=$(now); "$@"; elapsed "$t"; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m}'; }

echo "example $EXAMPLE, $RUNS rebuilds each, $(nproc) cores, $(go version | cut -d' ' -f3)" >&2
# Cold: the build cache (cache mounts included) pruned, and --no-cache, because images
# built earlier from the same files (tests/e2e's) would otherwise serve as cache. berth
# goes last, so the rebuilds below start from its own cold build, as on a developer's
# machine.
cold() { "$DOCKER" builder prune -af >/dev/null; timed build "$1" --no-cache; }
naive_cold=$(cold Dockerfile.naive)
berth_cold=$(cold Dockerfile)
(cd "$src" && CGO_ENABLED=$cgo go build -o /dev/null . )
native_cold=na

berth=() naive=() native=()
for i in $(seq "$RUNS"); do
	edit; berth+=("$(timed build Dockerfile)")
	edit; naive+=("$(timed build Dockerfile.naive)")
	edit; native+=("$(cd "$src" && timed env CGO_ENABLED=$cgo go build -o /dev/null .)")
	echo "run $i: berth ${berth[-1]} s, naive ${naive[-1]} s, native ${native[-1]} s" >&2
done
b=$(printf '%s\n' "${berth[@]}" | median)
n=$(printf '%s\n' "${naive[@]}" | median)
g=$(printf '%s\n' "${native[@]}" | median)
printf '| build | cold (s) | rebuild after a one-line change, median of %d (s) |\n|---|---|---|\n' "$RUNS"
printf '| berth Dockerfile | %.1f | %s |\n' "$berth_cold" "$b"
printf '| naive Dockerfile | %.1f | %s |\n' "$naive_cold" "$n"
printf '| native go build (warm) | %s | %s |\n' "$native_cold" "$g"
printf '\nnaive / berth = %.1fx; berth / native = %.1fx\n' "$(echo "$n / $b" | bc -l)" "$(echo "$b / $g" | bc -l)"
