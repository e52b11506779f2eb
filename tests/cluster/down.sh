#!/usr/bin/env bash
# Stops the cluster up.sh started, by PID, newest first (the kubelet before the
# runtime, the API server before etcd), removes what its pods left (containers, network
# namespaces, the bridge, mounts under the kubelet's directory) and restores the host
# state up.sh recorded: sysctls, iptables rules, directories it created.
set -uo pipefail

dir=${BERTH_CLUSTER_DIR:-/tmp/berth-cluster}
[ -e "$dir/pids" ] || { echo "no cluster to stop in $dir" >&2; exit 0; }

# Pod sandboxes first, while containerd still answers: their shims and network
# namespaces go with them.
socket=$dir/containerd/containerd.sock
if [ -S "$socket" ] && command -v crictl >/dev/null; then
  crictl --runtime-endpoint "unix://$socket" rmp -af >/dev/null 2>&1 || true
fi
if [ -S "$socket" ]; then
  for task in $(ctr --address "$socket" -n k8s.io tasks ls -q 2>/dev/null); do
    ctr --address "$socket" -n k8s.io tasks kill -s SIGKILL "$task" >/dev/null 2>&1 || true
  done
fi

tac "$dir/pids" | while read -r name pid; do
  kill "$pid" 2>/dev/null || continue
  for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null && echo "killed $name ($pid) after 10 s" >&2
done
# containerd-shim processes of this containerd (their command line names its root).
pkill -9 -f "containerd-shim.*$dir/containerd" 2>/dev/null || true

# Mounts the kubelet and containerd made (volumes, rootfs, sandbox /dev/shm).
grep -o " $dir/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
# Network namespaces and the bridge of this cluster's pods.
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^cni-'); do ip netns delete "$ns" 2>/dev/null || true; done
ip link delete berth0 2>/dev/null || true

if [ -f "$dir/sysctls" ]; then
  while IFS= read -r kv; do sysctl -qw "$kv" >/dev/null || true; done < "$dir/sysctls"
fi
[ -f "$dir/iptables.before" ] && iptables-restore < "$dir/iptables.before"
[ -s "$dir/ip6tables.before" ] && ip6tables-restore < "$dir/ip6tables.before"
# iptables-restore replaces only the tables the dump had; the kubelet's chains in the
# others (mangle, for its canary) go one by one: rules jumping to them, then the chains.
for tool in iptables ip6tables; do
  command -v "$tool-save" >/dev/null || continue
  for table in filter nat mangle raw; do
    before="$dir/${tool}.before"
    grep -q "^\*$table" "$before" 2>/dev/null && continue
    "$tool-save" -t "$table" 2>/dev/null | grep -- '^-A .* -j KUBE-' | sed 's/^-A/-D/' | while read -r rule; do
      eval "$tool -t $table $rule" 2>/dev/null || true
    done
    for chain in $("$tool-save" -t "$table" 2>/dev/null | sed -n 's/^:\(KUBE-[^ ]*\).*/\1/p'); do
      "$tool" -t "$table" -F "$chain" 2>/dev/null; "$tool" -t "$table" -X "$chain" 2>/dev/null || true
    done
  done
done
if [ -f "$dir/created-dirs" ]; then
  while IFS= read -r d; do [ -n "$d" ] && rm -rf "$d"; done < "$dir/created-dirs"
fi
rm -rf "$dir"
echo "cluster stopped; host state restored" >&2
