#!/usr/bin/env bash
# Builds Argo CD's single `argocd` binary (github.com/argoproj/argo-cd/v3, whose component
# is chosen by ARGOCD_BINARY_NAME: argocd-repo-server, argocd-application-controller,
# argocd-applicationset-controller) from the Go module proxy, once per version, into a cache
# directory outside the repository, and links into $1 (the pinned path make tools names):
#   argocd                  the binary
#   git-verify-wrapper.sh   the repo-server runs it even with GPG off (from the module's hack/)
#   crds/                   the Application, ApplicationSet and AppProject CRDs (manifests/crds)
#
#   ARGOCD_VERSION (default v3.2.11)  BERTH_TOOLS_CACHE (default /var/cache/berth-tools)
#
# Why this way:
# - `go install …@version` refuses the module (its go.mod has replace directives), so a scratch
#   module requires it with the same replace block.
# - v3.2 is the newest line whose gitops-engine is the separate, served module
#   github.com/argoproj/gitops-engine; v3.3 and later replace it with a nested directory
#   that the module zip does not hold. v3.2.12 does not compile from its module zip
#   (controller/cache/info.go calls settings.ValidateExternalURL, which it lacks): v3.2.11.
# - The application controller's metrics server listens on a hard-coded 0.0.0.0 (no flag);
#   tests bind 127.0.0.1 only, so the build uses a local copy of the module with that one
#   line changed to 127.0.0.1 (checked: the build fails if the line is not found).
set -euo pipefail

link=${1:?usage: argocd.sh LINKDIR}
version=${ARGOCD_VERSION:-v3.2.11}
cache=${BERTH_TOOLS_CACHE:-/var/cache/berth-tools}
out="$cache/argocd-$version"
module=github.com/argoproj/argo-cd/v3

if [ ! -x "$out/argocd" ]; then
  export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
  start=$(date +%s)
  dir=$(go mod download -json "$module@$version" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  src="$out/src"
  rm -rf "$src" && mkdir -p "$src"
  cp -r "$dir" "$src/argo-cd" && chmod -R u+w "$src/argo-cd"
  appcontroller="$src/argo-cd/controller/appcontroller.go"
  grep -q 'metricsAddr := fmt.Sprintf("0.0.0.0:%d", metricsPort)' "$appcontroller" ||
    { echo "argocd.sh: the controller's metrics address line changed in $version; update the patch" >&2; exit 1; }
  sed -i 's|metricsAddr := fmt.Sprintf("0.0.0.0:%d", metricsPort)|metricsAddr := fmt.Sprintf("127.0.0.1:%d", metricsPort)|' "$appcontroller"
  {
    echo "module berth.local/argocd-build"
    echo
    echo "go $(go env GOVERSION | sed 's/^go//')"
    echo
    echo "require $module $version"
    echo
    echo "replace $module => ./argo-cd"
    echo
    sed -n '/^replace (/,/^)/p' "$src/argo-cd/go.mod"
  } >"$src/go.mod"
  cat >"$src/tools.go" <<'GO'
//go:build tools

package tools

import _ "github.com/argoproj/argo-cd/v3/cmd"
GO
  (cd "$src" && go mod tidy >/dev/null &&
    go build -trimpath -ldflags "-s -w -X github.com/argoproj/argo-cd/v3/common.version=${version#v}" -o "$out/argocd.tmp" "$module/cmd")
  mkdir -p "$out/crds"
  cp "$src/argo-cd/manifests/crds/application-crd.yaml" "$src/argo-cd/manifests/crds/applicationset-crd.yaml" "$src/argo-cd/manifests/crds/appproject-crd.yaml" "$out/crds/"
  install -m 0755 "$src/argo-cd/hack/git-verify-wrapper.sh" "$out/git-verify-wrapper.sh"
  mv "$out/argocd.tmp" "$out/argocd"
  rm -rf "$src"
  echo "built argocd $version in $(($(date +%s) - start)) s" >&2
fi
mkdir -p "$link"
for f in argocd git-verify-wrapper.sh crds; do
  ln -sfn "$out/$f" "$link/$f"
done
