#!/usr/bin/env bash
# Argo CD timings from TestArgoCD ($1 runs, default 3) on a cluster that is already up
# (make cluster-up, then eval its two export lines): from starting the components to all
# answering, from applying the ApplicationSet to dev and staging Synced + Healthy, from a
# commit to staging Synced + Healthy with its new replicas Ready, and a self-heal. Prints
# the median of each.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${KUBECONFIG:?start a cluster first: make cluster-up, then eval its export lines}"
runs=${1:-3}
export PATH="$(bash tests/cluster/build.sh):$PATH"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for i in $(seq "$runs"); do
  BERTH_CLUSTER_TEST=1 go test -count=1 -timeout 15m -run '^TestArgoCD$' -v ./tests/cluster/ >"$log.$i" 2>&1 ||
    { tail -40 "$log.$i"; exit 1; }
  cat "$log.$i" >>"$log" && rm -f "$log.$i"
done
# Durations as Go prints them (517ms, 7s, 1m2s) in seconds.
seconds() { sed -E 's/([0-9.]+)m([0-9])/\1*60+\2/; s/ms$/\/1000/; s/s$//' | bc -l; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
report() { # label, grep pattern, field extracting the duration
  local label=$1 pattern=$2
  printf '%-62s %6.2f s (n=%s)\n' "$label" \
    "$(grep -E "$pattern" "$log" | sed -E "s/.*$pattern ([0-9.a-z]+).*/\1/" | seconds | median)" \
    "$(grep -cE "$pattern" "$log")"
}
report "components answering after start" "every component answering"
report "ApplicationSet applied to dev Synced and Healthy" "hello-dev: Synced and Healthy"
report "ApplicationSet applied to staging Synced and Healthy" "hello-staging: Synced and Healthy"
report "commit to staging Synced and Healthy, 3 replicas Ready" "3 Ready replicas:"
report "manual edit in dev reverted by self-heal" "reverted by self-heal in"
