#!/usr/bin/env bash
# Starts a single-node Kubernetes cluster from nothing, on this machine, offline: etcd,
# kube-apiserver (RBAC, NodeRestriction, PodSecurity), controller-manager, scheduler, a
# containerd of its own (Docker's is left alone) and a kubelet, every server bound to
# 127.0.0.1. Pods get addresses from 198.51.100.0/24 and Services from 203.0.113.0/24,
# documentation ranges that never route off the machine; nothing is masqueraded.
#
# It records the host state it changes (sysctls, iptables rules) and the PIDs it starts
# in $BERTH_CLUSTER_DIR, so that down.sh stops every process and restores the host.
# Its last lines are `export CONTAINERD_ADDRESS=<socket>` and `export KUBECONFIG=<path>`.
#
#   BERTH_CLUSTER_DIR (default /tmp/berth-cluster)  KUBE_VERSION  BERTH_TOOLS_CACHE
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dir=${BERTH_CLUSTER_DIR:-/tmp/berth-cluster}
# The kubelet refuses a loopback node IP, and serves on 127.0.0.1 only: the node is named
# localhost, and the API server reaches it by that name (--kubelet-preferred-address-types
# Hostname), which resolves to 127.0.0.1.
node=localhost
etcd_port=23790 etcd_peer=23800 api_port=16443
pod_cidr=198.51.100.0/24 svc_cidr=203.0.113.0/24 api_svc_ip=203.0.113.1
timeout=${BERTH_CLUSTER_TIMEOUT:-120}

if [ -e "$dir/pids" ]; then
  echo "a cluster seems to run from $dir (pids present); run down.sh first" >&2
  exit 1
fi
bin=$("$here/build.sh")
export PATH="$bin:$PATH"
for tool in openssl containerd ctr runc iptables-save ip curl docker; do
  command -v "$tool" >/dev/null || { echo "up.sh needs $tool" >&2; exit 1; }
done
[ -x /usr/lib/cni/bridge ] || { echo "up.sh needs the CNI plugins (Debian: containernetworking-plugins)" >&2; exit 1; }

mkdir -p "$dir"/{pki,etcd,logs,cni/net.d,containerd/root,containerd/state,kubelet,images}
: > "$dir/pids"
logs=$dir/logs

# Host state before the cluster changes it.
for s in vm.overcommit_memory kernel.panic kernel.panic_on_oops; do
  echo "$s=$(sysctl -n "$s")"
done > "$dir/sysctls"
iptables-save > "$dir/iptables.before"
ip6tables-save > "$dir/ip6tables.before" 2>/dev/null || true
for d in /var/lib/kubelet /var/log/containers /var/log/pods /var/lib/cni /run/netns; do
  [ -e "$d" ] || echo "$d"
done > "$dir/created-dirs"

start() { # name, command...
  local name=$1; shift
  "$@" </dev/null >"$logs/$name.log" 2>&1 &
  echo "$name $!" >> "$dir/pids"
}

wait_for() { # what, command...
  local what=$1; shift
  for _ in $(seq "$timeout"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "timed out waiting for $what; logs in $logs" >&2
  tail -20 "$logs"/*.log >&2
  return 1
}

# PKI: one CA signs every serving and client certificate.
pki=$dir/pki
cert() { # name, subject, [extensions]
  local name=$1 subj=$2 ext=${3:-}
  openssl req -new -newkey rsa:2048 -nodes -keyout "$pki/$name.key" -subj "$subj" -out "$pki/$name.csr" 2>/dev/null
  if [ -n "$ext" ]; then
    printf '%s\n' "$ext" > "$pki/$name.ext"
    openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 2 -extfile "$pki/$name.ext" -out "$pki/$name.crt" 2>/dev/null
  else
    openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 2 -out "$pki/$name.crt" 2>/dev/null
  fi
}
openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$pki/ca.key" -subj "/CN=berth-test-ca" -days 2 -out "$pki/ca.crt" 2>/dev/null
openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
cert apiserver "/CN=kube-apiserver" "subjectAltName=IP:127.0.0.1,IP:$api_svc_ip,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth"
cert admin "/O=system:masters/CN=berth-admin" "extendedKeyUsage=clientAuth"
cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "extendedKeyUsage=clientAuth"
cert controller-manager "/CN=system:kube-controller-manager" "extendedKeyUsage=clientAuth"
cert scheduler "/CN=system:kube-scheduler" "extendedKeyUsage=clientAuth"
cert kubelet-client "/O=system:nodes/CN=system:node:$node" "extendedKeyUsage=clientAuth"
cert kubelet "/CN=$node" "subjectAltName=IP:127.0.0.1,DNS:$node,DNS:localhost
extendedKeyUsage=serverAuth"

kubeconfig() { # name, user cert
  local file=$dir/$1.kubeconfig
  cat > "$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: berth
  cluster: {server: "https://127.0.0.1:$api_port", certificate-authority: "$pki/ca.crt"}
users:
- name: $1
  user: {client-certificate: "$pki/$2.crt", client-key: "$pki/$2.key"}
contexts:
- name: berth
  context: {cluster: berth, user: $1}
current-context: berth
EOF
}
kubeconfig admin admin
kubeconfig controller-manager controller-manager
kubeconfig scheduler scheduler
kubeconfig kubelet kubelet-client

# A throwaway cluster's etcd need not survive a power cut: without fsync, a CI machine's
# slow or shared disk (the Docker tests write images just before) cannot stall the API
# server and, through it, every controller.
start etcd etcd --name berth --data-dir "$dir/etcd" --unsafe-no-fsync \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
  --initial-cluster "berth=http://127.0.0.1:$etcd_peer" --log-level warn
wait_for etcd curl -sf "http://127.0.0.1:$etcd_port/health"

start kube-apiserver kube-apiserver --etcd-servers "http://127.0.0.1:$etcd_port" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
  --service-cluster-ip-range "$svc_cidr" \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" --client-ca-file "$pki/ca.crt" \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority "$pki/ca.crt" --kubelet-preferred-address-types Hostname \
  --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction,PodSecurity \
  --endpoint-reconciler-type none \
  --allow-privileged=true --profiling=false
wait_for kube-apiserver kubectl --kubeconfig "$dir/admin.kubeconfig" get --raw /readyz

start kube-controller-manager kube-controller-manager --kubeconfig "$dir/controller-manager.kubeconfig" \
  --authentication-kubeconfig "$dir/controller-manager.kubeconfig" --authorization-kubeconfig "$dir/controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port 10257 --leader-elect=false \
  --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" --root-ca-file "$pki/ca.crt" \
  --service-account-private-key-file "$pki/sa.key" --use-service-account-credentials --profiling=false
start kube-scheduler kube-scheduler --kubeconfig "$dir/scheduler.kubeconfig" \
  --authentication-kubeconfig "$dir/scheduler.kubeconfig" --authorization-kubeconfig "$dir/scheduler.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port 10259 --leader-elect=false --profiling=false

# The pause image: a static program that waits for a signal, imported under the name
# containerd's CRI plugin uses for sandboxes.
pause_image=berth.local/pause:1
"$here/pause-image.sh" "$dir/images" "$pause_image"

socket=$dir/containerd/containerd.sock
cat > "$dir/containerd/config.toml" <<EOF
version = 2
root = "$dir/containerd/root"
state = "$dir/containerd/state"
[grpc]
  address = "$socket"
[ttrpc]
  address = "$socket.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause_image"
  # This VM gives root no CAP_SYS_RESOURCE: runc cannot set a negative oom_score_adj.
  restrict_oom_score_adj = true
  enable_unprivileged_ports = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$dir/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      SystemdCgroup = false
EOF
cat > "$dir/cni/net.d/10-berth.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "berth",
  "plugins": [
    {"type": "bridge", "bridge": "berth0", "isGateway": true, "ipMasq": false,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$pod_cidr"}]], "dataDir": "$dir/cni/ipam"}},
    {"type": "loopback"}
  ]
}
EOF
start containerd containerd --config "$dir/containerd/config.toml"
wait_for containerd ctr --address "$socket" version
ctr --address "$socket" -n k8s.io images import "$dir/images/pause.tar" >/dev/null

# This host has cgroup v1: kubelets from 1.35 refuse it unless told not to; the field
# exists from 1.31 on.
minor=$(echo "${KUBE_VERSION:-v1.34.4}" | cut -d. -f2)
cgroup_v1_line=""
[ "$minor" -ge 31 ] && cgroup_v1_line="failCgroupV1: false"
cat > "$dir/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: 10250
healthzBindAddress: 127.0.0.1
healthzPort: 10248
readOnlyPort: 0
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: "$pki/ca.crt"}
authorization: {mode: Webhook}
tlsCertFile: "$pki/kubelet.crt"
tlsPrivateKeyFile: "$pki/kubelet.key"
cgroupDriver: cgroupfs
$cgroup_v1_line
failSwapOn: false
containerRuntimeEndpoint: "unix://$socket"
imageServiceEndpoint: "unix://$socket"
resolvConf: /etc/resolv.conf
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
imageGCHighThresholdPercent: 100
registerNode: true
serializeImagePulls: false
EOF
start kubelet kubelet --kubeconfig "$dir/kubelet.kubeconfig" --config "$dir/kubelet/config.yaml" \
  --root-dir "$dir/kubelet/root" --hostname-override "$node" --v 1
wait_for "node $node Ready" kubectl --kubeconfig "$dir/admin.kubeconfig" wait --for=condition=Ready "node/$node" --timeout=1s

echo "cluster up: logs in $logs, stop it with $here/down.sh" >&2
echo "export CONTAINERD_ADDRESS=$socket"
echo "export KUBECONFIG=$dir/admin.kubeconfig"
