#!/usr/bin/env bash
# Builds Docker Compose v2 (github.com/docker/compose/v5) from the Go module proxy, once
# per version, into a cache directory outside the repository, and links it to $1 (the
# pinned path make tools names). Debian ships only the old Python docker-compose 1.x.
#
#   COMPOSE_VERSION (default v5.6.0)  BERTH_TOOLS_CACHE (default /var/cache/berth-tools)
#
# `go install …@version` refuses the module (its go.mod has exclude directives), so a
# scratch module requires it with the same excludes and builds its cmd package.
set -euo pipefail

link=${1:?usage: compose.sh LINK}
version=${COMPOSE_VERSION:-v5.6.0}
cache=${BERTH_TOOLS_CACHE:-/var/cache/berth-tools}
out="$cache/compose-$version"
bin="$out/docker-compose"

if [ ! -x "$bin" ]; then
  export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
  src="$out/src"
  mkdir -p "$src"
  gomod=$(go mod download -json "github.com/docker/compose/v5@$version" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  {
    echo "module berth.local/compose-build"
    echo
    echo "go $(go env GOVERSION | sed 's/^go//')"
    echo
    echo "require github.com/docker/compose/v5 $version"
    echo
    sed -n '/^exclude (/,/^)/p' "$gomod"
  } > "$src/go.mod"
  cat > "$src/tools.go" <<'GO'
//go:build tools

package tools

import _ "github.com/docker/compose/v5/cmd"
GO
  start=$(date +%s)
  (cd "$src" && go mod tidy >/dev/null 2>&1 && go build -trimpath \
    -ldflags "-s -w -X github.com/docker/compose/v5/internal.Version=$version" \
    -o "$bin.tmp" github.com/docker/compose/v5/cmd)
  mv "$bin.tmp" "$bin"
  echo "built docker compose $version in $(( $(date +%s) - start )) s" >&2
fi
mkdir -p "$(dirname "$link")"
ln -sf "$bin" "$link"
