#!/usr/bin/env bash
# Builds the pinned Kubernetes control plane, kubelet, kubectl and etcd from the Go module
# proxy, once per version, into a cache directory outside the repository, and prints the
# directory holding the binaries. A later run with the same version reuses them.
#
#   KUBE_VERSION (default v1.34.4)  BERTH_TOOLS_CACHE (default /var/cache/berth-tools)
#
# k8s.io/kubernetes is not meant to be required as a module: its go.mod replaces each
# k8s.io/<staging> module with ./staging/src/k8s.io/<staging>. A scratch module requires
# it and replaces each of those with the published k8s.io/<staging> v0.<minor>.<patch>,
# the same code. etcd's server comes from the same module graph through a tiny main.
set -euo pipefail

version=${KUBE_VERSION:-v1.34.4}
cache=${BERTH_TOOLS_CACHE:-/var/cache/berth-tools}
out="$cache/kubernetes-$version"
bins=(kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl etcd)

complete=1
for b in "${bins[@]}"; do [ -x "$out/bin/$b" ] || complete=0; done
if [ "$complete" = 1 ]; then echo "$out/bin"; exit 0; fi

export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
src="$out/src"
mkdir -p "$src/etcd" "$out/bin"
gomod=$(go mod download -json "k8s.io/kubernetes@$version" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
staging=${version/v1./v0.}
{
  echo "module berth.local/kubernetes-tools"
  echo
  echo "go $(go env GOVERSION | sed 's/^go//; s/\.[0-9]*$//')"
  echo
  echo "require k8s.io/kubernetes $version"
  echo
  grep -o 'k8s.io/[a-z0-9-]* => ./staging/src/k8s.io/[a-z0-9-]*' "$gomod" | awk -v v="$staging" '{print "replace " $1 " => " $1 " " v}'
} > "$src/go.mod"
cat > "$src/etcd/main.go" <<'GO'
// Command etcd is etcd's server, built from the module graph Kubernetes uses.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
cat > "$src/tools.go" <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubelet"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
cd "$src"
start=$(date +%s)
go mod tidy >&2
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$version" | cut -d. -f2)"
for b in kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl; do
  go build -trimpath -ldflags "$ldflags" -o "$out/bin/$b.tmp" "k8s.io/kubernetes/cmd/$b" >&2
  mv "$out/bin/$b.tmp" "$out/bin/$b"
done
go build -trimpath -ldflags "-s -w" -o "$out/bin/etcd.tmp" ./etcd >&2
mv "$out/bin/etcd.tmp" "$out/bin/etcd"
echo "built Kubernetes $version and etcd in $(( $(date +%s) - start )) s" >&2
echo "$out/bin"
