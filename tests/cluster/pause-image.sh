#!/usr/bin/env bash
# Builds the pause image (tests/cluster/pause) with Docker and saves it as DIR/pause.tar.
#   pause-image.sh DIR IMAGE
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1 image=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$here/../.." && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/pause" ./tests/cluster/pause)
printf 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n' > "$work/Dockerfile"
"${DOCKER:-docker}" build -q -t "$image" "$work" >/dev/null
"${DOCKER:-docker}" save -o "$out/pause.tar" "$image"
