#!/usr/bin/env bash
# For each Kubernetes version (CLUSTER_VERSIONS), starts the cluster (tests/cluster/up.sh),
# runs the cluster tests on it and stops it, also when a test fails or the run is
# interrupted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# The examples' images build FROM stand-ins of the public base images (no registry here).
DOCKER=${DOCKER:-/usr/bin/docker} bash "$here/../e2e/baseimages.sh" >&2
trap 'bash "$here/down.sh"' EXIT
# The default minor runs every test; the chart's oldest and newest supported minors run
# the install of every example in every environment.
versions=${CLUSTER_VERSIONS:-v1.34.4 v1.30.14 v1.37.2}
first=1
for version in $versions; do
  echo "=== Kubernetes $version" >&2
  export KUBE_VERSION=$version
  exports=$(bash "$here/up.sh")
  eval "$exports"
  run=.
  [ "$first" = 1 ] || run=TestExamplesOnCluster
  BERTH_CLUSTER_TEST=1 PATH="$(bash "$here/build.sh"):$PATH" go test -count=1 -timeout 30m -v -run "$run" "$here/..."
  bash "$here/down.sh"
  unset KUBECONFIG CONTAINERD_ADDRESS
  first=0
done
