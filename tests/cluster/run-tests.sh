#!/usr/bin/env bash
# Starts the cluster (tests/cluster/up.sh), runs the cluster tests on it and stops it,
# also when a test fails or the run is interrupted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# The examples' images build FROM stand-ins of the public base images (no registry here).
DOCKER=${DOCKER:-/usr/bin/docker} bash "$here/../e2e/baseimages.sh" >&2
trap 'bash "$here/down.sh"' EXIT
exports=$(bash "$here/up.sh")
eval "$exports"
BERTH_CLUSTER_TEST=1 PATH="$(bash "$here/build.sh"):$PATH" go test -count=1 -timeout 30m -v "$here/..."
