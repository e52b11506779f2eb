#!/usr/bin/env bash
# Starts the cluster (tests/cluster/up.sh), runs the cluster tests on it and stops it,
# also when a test fails or the run is interrupted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
trap 'bash "$here/down.sh"' EXIT
exports=$(bash "$here/up.sh")
eval "$exports"
PATH="$(bash "$here/build.sh"):$PATH" go test -count=1 -timeout 30m -v "$here/..."
