#!/usr/bin/env bash
# Builds BuildKit's buildkitd and buildctl (github.com/moby/buildkit, the version in
# go.mod) from the Go module proxy, once per version, into a cache directory outside the
# repository, and links both into the directory $1 (the pinned path make tools names).
# buildkitd runs its OCI worker with Debian's runc (from docker.io).
#
#   BUILDKIT_VERSION (default: go.mod's)  BERTH_TOOLS_CACHE (default /var/cache/berth-tools)
#
# `go install …@version` refuses the module (its go.mod has exclude directives), so a
# scratch module requires it with the same excludes and builds both commands.
set -euo pipefail

link=${1:?usage: buildkit.sh LINKDIR}
version=${BUILDKIT_VERSION:-$(go list -m -f '{{.Version}}' github.com/moby/buildkit)}
cache=${BERTH_TOOLS_CACHE:-/var/cache/berth-tools}
out="$cache/buildkit-$version"

if [ ! -x "$out/buildkitd" ] || [ ! -x "$out/buildctl" ]; then
  export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
  src="$out/src"
  mkdir -p "$src"
  gomod=$(go mod download -json "github.com/moby/buildkit@$version" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  {
    echo "module berth.local/buildkit-build"
    echo
    echo "go $(go env GOVERSION | sed 's/^go//')"
    echo
    echo "require github.com/moby/buildkit $version"
    echo
    sed -n '/^exclude (/,/^)/p' "$gomod"
  } > "$src/go.mod"
  cat > "$src/tools.go" <<'GO'
//go:build tools

package tools

import (
	_ "github.com/moby/buildkit/cmd/buildctl"
	_ "github.com/moby/buildkit/cmd/buildkitd"
)
GO
  start=$(date +%s)
  (cd "$src" && go mod tidy >/dev/null 2>&1 &&
    for cmd in buildkitd buildctl; do
      go build -trimpath -ldflags "-s -w -X github.com/moby/buildkit/version.Version=$version" -o "$out/$cmd.tmp" "github.com/moby/buildkit/cmd/$cmd"
      mv "$out/$cmd.tmp" "$out/$cmd"
    done)
  echo "built buildkitd and buildctl $version in $(( $(date +%s) - start )) s" >&2
fi
mkdir -p "$link"
ln -sf "$out/buildkitd" "$link/buildkitd"
ln -sf "$out/buildctl" "$link/buildctl"
