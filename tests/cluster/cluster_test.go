// Package cluster installs berth's examples on a real single-node Kubernetes cluster
// (tests/cluster/up.sh) with the real Helm CLIs, in namespaces that enforce Pod Security
// "restricted", and checks what the chart promises on a running kubelet.
package cluster

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/releaseutil"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/berth-dev/berth/generator/model"
	"github.com/berth-dev/berth/generator/pipeline"
	"github.com/berth-dev/berth/generator/values"
	"github.com/berth-dev/berth/tests/testutil"
)

// dockerBin is Debian's Docker client, which builds RUN --mount with DOCKER_BUILDKIT=1 and
// no buildx plugin (the e2e tests use the same).
const dockerBin = "/usr/bin/docker"

// requireCluster skips unless make cluster-test (or a person) started a cluster and
// exported its KUBECONFIG and CONTAINERD_ADDRESS.
func requireCluster(t *testing.T) {
	t.Helper()
	if os.Getenv("KUBECONFIG") == "" || os.Getenv("CONTAINERD_ADDRESS") == "" {
		if os.Getenv("BERTH_CLUSTER_TEST") == "1" {
			t.Fatal("make cluster-test started no cluster: KUBECONFIG and CONTAINERD_ADDRESS are not set")
		}
		t.Skip("\n\n*** SKIPPING the cluster tests: no cluster (run make cluster-test, which starts one with tests/cluster/up.sh) ***\n\n")
	}
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// run executes a command and returns stdout; stderr comes back separately because
// warnings (PodSecurity's among them) are written there.
func run(t *testing.T, stdin io.Reader, name string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdin = stdin
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

func must(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, errs, err := run(t, nil, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, errs)
	}
	return out
}

func kubectl(t *testing.T, args ...string) string { t.Helper(); return must(t, "kubectl", args...) }

// helmBin is a Helm CLI installed by make tools.
func helmBin(t *testing.T, version string) string {
	t.Helper()
	p := filepath.Join(repoRoot(t), "bin", "helm-"+version, "helm")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s missing: run make tools", p)
	}
	return p
}

// loadImage builds an example's committed Dockerfile with Docker and imports the image
// into the cluster's containerd, as a registry would have delivered it.
func loadImage(t *testing.T, example, ref string) {
	t.Helper()
	root := repoRoot(t)
	build := exec.Command(dockerBin, "build", "-q", "-t", ref, filepath.Join(root, "examples", example))
	build.Env = append(os.Environ(), "DOCKER_BUILDKIT=1")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("docker build %s: %v\n%s", example, err, out)
	}
	save := exec.Command(dockerBin, "save", ref)
	tar, err := save.Output()
	if err != nil {
		t.Fatalf("docker save: %v", err)
	}
	if out, errs, err := run(t, bytes.NewReader(tar), "ctr", "--address", os.Getenv("CONTAINERD_ADDRESS"), "-n", "k8s.io", "images", "import", "-"); err != nil {
		t.Fatalf("ctr import: %v\n%s%s", err, out, errs)
	}
}

// restrictedNamespace creates a namespace that enforces, audits and warns on Pod Security
// "restricted" at the latest version.
func restrictedNamespace(t *testing.T, name string) {
	t.Helper()
	kubectl(t, "create", "namespace", name)
	kubectl(t, "label", "namespace", name,
		"pod-security.kubernetes.io/enforce=restricted", "pod-security.kubernetes.io/enforce-version=latest",
		"pod-security.kubernetes.io/audit=restricted", "pod-security.kubernetes.io/warn=restricted")
	t.Cleanup(func() { exec.Command("kubectl", "delete", "namespace", name, "--wait=false").Run() })
}

type pod struct {
	Metadata struct {
		Name              string  `json:"name"`
		UID               string  `json:"uid"`
		DeletionTimestamp *string `json:"deletionTimestamp"`
	} `json:"metadata"`
	Spec struct {
		SecurityContext struct {
			RunAsUser  *int64 `json:"runAsUser"`
			RunAsGroup *int64 `json:"runAsGroup"`
		} `json:"securityContext"`
		Containers []struct {
			SecurityContext struct {
				ReadOnlyRootFilesystem   *bool `json:"readOnlyRootFilesystem"`
				AllowPrivilegeEscalation *bool `json:"allowPrivilegeEscalation"`
				Capabilities             struct {
					Drop []string `json:"drop"`
				} `json:"capabilities"`
			} `json:"securityContext"`
		} `json:"containers"`
	} `json:"spec"`
	Status struct {
		Conditions []struct {
			Type, Status string
		} `json:"conditions"`
		ContainerStatuses []struct {
			ContainerID string `json:"containerID"`
		} `json:"containerStatuses"`
		PodIP string `json:"podIP"`
	} `json:"status"`
}

// pods lists the namespace's pods once no pod is terminating (a rollout's old pods
// linger for their grace period).
func pods(t *testing.T, ns string) []pod {
	t.Helper()
	for range 120 {
		var list struct{ Items []pod }
		// the service's pods only: a hook Job's pod has a name label of its own
		if err := json.Unmarshal([]byte(kubectl(t, "get", "pods", "-n", ns, "-l", "app.kubernetes.io/component notin (job,cronjob)", "-o", "json")), &list); err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(list.Items, func(p pod) bool { return p.Metadata.DeletionTimestamp != nil }) {
			return list.Items
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("pods in %s still terminating after 60 s", ns)
	return nil
}

func ready(p pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == "Ready" {
			return c.Status == "True"
		}
	}
	return false
}

// portForward forwards a local port on 127.0.0.1 to the Service and returns its URL.
func portForward(t *testing.T, ns, svc string, port int) string {
	t.Helper()
	cmd := exec.Command("kubectl", "port-forward", "-n", ns, "--address", "127.0.0.1", "svc/"+svc, fmt.Sprintf(":%d", port))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	buf := make([]byte, 256)
	n, _ := out.Read(buf) // "Forwarding from 127.0.0.1:41234 -> 8080"
	line := string(buf[:n])
	start := strings.Index(line, "127.0.0.1:")
	if start < 0 {
		t.Fatalf("port-forward said %q", line)
	}
	addr := strings.Fields(line[start:])[0]
	return "http://" + addr
}

func get(t *testing.T, url string) string {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	var last error
	for range 20 {
		resp, err := client.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return string(body)
			}
			last = fmt.Errorf("status %d: %s", resp.StatusCode, body)
		} else {
			last = err
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("GET %s: %v", url, last)
	return ""
}

// helmVersions are the oldest (3.16) and newest (4.x) Helm CLIs the chart supports.
var helmVersions = []string{"v3.16.4", "v4.3.1"}

// example is one bundled example, generated as berth generate does.
type example struct {
	name string
	res  *pipeline.Result
}

func loadExamples(t *testing.T) []example {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(repoRoot(t), "examples", "*", "service.yaml"))
	var out []example
	for _, f := range files {
		res, err := pipeline.GenerateFile(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, example{name: filepath.Base(filepath.Dir(f)), res: res})
	}
	return out
}

// install runs helm install --wait of the chart with the example's committed values
// for env, the image built for the cluster, and extra flags.
func install(t *testing.T, helm, verb, ns string, ex example, env string, extra ...string) (stdout, stderr string, err error) {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "examples", ex.name)
	args := []string{verb, ex.res.Service.Name, filepath.Join(repoRoot(t), "charts", "go-service"), "-n", ns,
		"-f", filepath.Join(dir, filepath.FromSlash(values.File(""))), "-f", filepath.Join(dir, filepath.FromSlash(values.File(env))),
		"--set", "image.tag=cluster", "--set", "image.pullPolicy=Never", "--wait", "--timeout", "180s"}
	return run(t, nil, helmBin(t, helm), append(args, extra...)...)
}

// secrets creates the Secrets the example's env reads, which berth never manages.
func secrets(t *testing.T, ns string, svc *model.Service) {
	t.Helper()
	for _, name := range slices.Sorted(maps.Keys(svc.Secrets)) {
		ref := svc.Secrets[name]
		kubectl(t, "create", "secret", "generic", ref.Secret, "-n", ns, "--from-literal", ref.Key+"=cluster-test-"+strings.ToLower(name))
	}
}

// endpoints are the paths where each example answers with the uid it runs as (the e2e
// tests read the same ones).
var endpoints = map[string]string{"hello": "/", "vendored": "/id", "cgo-sqlite": "/visits", "multi-binary": "/", "names": "/"}

// TestExamplesOnCluster: every example in every environment, installed with Helm 3.16
// and Helm 4 into a namespace enforcing Pod Security "restricted": admitted without a
// warning or a FailedCreate, pods Ready with their real probes, running as the
// descriptor's user with a read-only root and no capabilities, the Service answering
// through a port-forward, GOMEMLIMIT in the process's environment, the HPA, PDB and
// NetworkPolicy accepted, and berth render of the same environment accepted by a
// server-side dry run with the objects Helm created.
func TestExamplesOnCluster(t *testing.T) {
	requireCluster(t)
	for _, ex := range loadExamples(t) {
		svc := ex.res.Service
		loadImage(t, ex.name, svc.Image.Repository+":cluster")
		for _, env := range svc.EnvironmentNames() {
			for _, helm := range helmVersions {
				t.Run(ex.name+"/"+env+"/helm-"+helm, func(t *testing.T) {
					ns := fmt.Sprintf("%s-%s-%s", ex.name, env, strings.Split(helm, ".")[0])
					restrictedNamespace(t, ns)
					secrets(t, ns, svc)
					start := time.Now()
					_, errs, err := install(t, helm, "install", ns, ex, env)
					if err != nil {
						t.Fatalf("helm install: %v\n%s\n%s", err, errs, kubectl(t, "get", "events", "-n", ns))
					}
					t.Logf("helm %s install --wait: Ready in %v", helm, time.Since(start).Round(time.Millisecond))
					if strings.Contains(errs, "PodSecurity") || strings.Contains(errs, "would violate") {
						t.Errorf("Pod Security warned: %s", errs)
					}
					checkRunning(t, ns, svc.Environment(env))
					checkHooks(t, ns, svc.Environment(env))
					if ex.name == "names" {
						checkNamesDNS(t, ns)
					}
					checkServerSideDryRun(t, ns, ex, env)
				})
			}
		}
	}
}

// checkRunning: the pods as the kubelet runs them.
func checkRunning(t *testing.T, ns string, view *model.Service) {
	t.Helper()
	if events := kubectl(t, "get", "events", "-n", ns, "--field-selector", "reason=FailedCreate", "-o", "name"); events != "" {
		t.Errorf("FailedCreate events: %s", events)
	}
	// Helm 4 waits for kstatus' "Current", which a Deployment can reach a moment before
	// its last pod turns Ready; the probes must pass within a minute.
	if out, errs, err := run(t, nil, "kubectl", "wait", "--for=condition=Ready", "pod", "-l", "app.kubernetes.io/name="+view.Name, "-n", ns, "--timeout=60s"); err != nil {
		t.Errorf("pods not Ready within a minute: %v\n%s%s", err, out, errs)
	}
	list := pods(t, ns)
	if len(list) == 0 {
		t.Fatal("no pods")
	}
	uid := int64(view.Image.User)
	for _, p := range list {
		if !ready(p) {
			t.Errorf("pod %s not Ready", p.Metadata.Name)
		}
		sc := p.Spec.SecurityContext
		if sc.RunAsUser == nil || *sc.RunAsUser != uid || sc.RunAsGroup == nil || *sc.RunAsGroup != uid {
			t.Errorf("pod %s runs as %v:%v, want %d", p.Metadata.Name, sc.RunAsUser, sc.RunAsGroup, uid)
		}
		for _, c := range p.Spec.Containers {
			csc := c.SecurityContext
			if csc.ReadOnlyRootFilesystem == nil || !*csc.ReadOnlyRootFilesystem || csc.AllowPrivilegeEscalation == nil || *csc.AllowPrivilegeEscalation ||
				!slices.Equal(csc.Capabilities.Drop, []string{"ALL"}) {
				t.Errorf("container security context %+v", csc)
			}
		}
		checkProcess(t, p, view)
	}
	port := httpPort(view)
	body := get(t, portForward(t, ns, view.Name, port.Port)+endpoints[view.Name])
	if !strings.Contains(body, fmt.Sprint(uid)) {
		t.Errorf("the Service answered %q; want the uid %d it runs as", body, uid)
	}
	for kind, wanted := range map[string]bool{
		"hpa":           view.Autoscaling != nil,
		"pdb":           view.Replicas > 1 || view.Autoscaling != nil,
		"networkpolicy": true,
	} {
		names := kubectl(t, "get", kind, "-n", ns, "-o", "name")
		if wanted != (names != "") {
			t.Errorf("%s: got %q, want present=%v", kind, names, wanted)
		}
	}
}

// httpPort is the port named http, else the first TCP one.
func httpPort(view *model.Service) model.Port {
	var tcp []model.Port
	for _, p := range view.Ports {
		if p.Name == "http" {
			return p
		}
		if p.Protocol == model.TCP {
			tcp = append(tcp, p)
		}
	}
	return tcp[0]
}

// checkHooks: each of the view's jobs ran as a Helm hook before the release's objects
// and succeeded (the Job itself is gone: hook-succeeded deletes it).
func checkHooks(t *testing.T, ns string, view *model.Service) {
	t.Helper()
	for _, j := range view.Jobs {
		job := view.Name + "-" + j.Name
		events := kubectl(t, "get", "events", "-n", ns, "--field-selector", "involvedObject.kind=Job,involvedObject.name="+job, "-o", "jsonpath={range .items[*]}{.reason}{\"\\n\"}{end}")
		if !slices.Contains(strings.Fields(events), "Completed") {
			t.Errorf("hook Job %s did not complete; its events: %q", job, events)
		}
		if left := kubectl(t, "get", "jobs", "-n", ns, "-o", "name"); strings.Contains(left, job) {
			t.Errorf("hook Job %s was not deleted after it succeeded", job)
		}
	}
}

// checkNamesDNS: in each pod of the names example, a record written over HTTP is answered
// over UDP and TCP on port 53, bound by UID 65532 through the pod's sysctl; the host
// reaches pod IPs over the test cluster's bridge.
func checkNamesDNS(t *testing.T, ns string) {
	t.Helper()
	for _, p := range pods(t, ns) {
		ip := p.Status.PodIP
		req, _ := http.NewRequest(http.MethodPut, "http://"+ip+":8080/records/"+p.Metadata.Name+".test", strings.NewReader("192.0.2.9"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("PUT a record in pod %s: %v", p.Metadata.Name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("PUT a record in pod %s: %s", p.Metadata.Name, resp.Status)
		}
		for _, proto := range []string{"udp", "tcp"} {
			if got, rcode := testutil.QueryA(t, proto, ip+":53", p.Metadata.Name+".test."); got != "192.0.2.9" {
				t.Errorf("pod %s over %s: %q (%v), want 192.0.2.9", p.Metadata.Name, proto, got, rcode)
			}
		}
	}
}

// checkProcess reads the container's process on the node: its user and its environment
// (distroless has no shell for kubectl exec).
func checkProcess(t *testing.T, p pod, view *model.Service) {
	t.Helper()
	for _, cs := range p.Status.ContainerStatuses {
		id := strings.TrimPrefix(cs.ContainerID, "containerd://")
		info := must(t, "ctr", "--address", os.Getenv("CONTAINERD_ADDRESS"), "-n", "k8s.io", "tasks", "ls")
		var pid string
		for _, line := range strings.Split(info, "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == id {
				pid = f[1]
			}
		}
		if pid == "" {
			t.Errorf("container %s has no task", id)
			continue
		}
		environ, err := os.ReadFile("/proc/" + pid + "/environ")
		if err != nil {
			t.Errorf("reading the environment of %s: %v", pid, err)
			continue
		}
		env := strings.Split(string(environ), "\x00")
		if limit, ok := view.Resources.Limits["memory"]; ok {
			want := "GOMEMLIMIT=" + bytesOf(t, limit)
			if !slices.Contains(env, want) {
				t.Errorf("process %s lacks %s: %v", pid, want, env)
			}
		}
		status, _ := os.ReadFile("/proc/" + pid + "/status")
		if want := fmt.Sprintf("\nUid:\t%d\t%d\t%d\t%d\n", view.Image.User, view.Image.User, view.Image.User, view.Image.User); !strings.Contains(string(status), want) {
			t.Errorf("process %s does not run as uid %d:\n%s", pid, view.Image.User, status)
		}
		if !strings.Contains(string(status), "\nCapEff:\t0000000000000000\n") {
			t.Errorf("process %s has capabilities:\n%s", pid, status)
		}
	}
}

// bytesOf turns a Kubernetes memory quantity into bytes, as the downward API does.
func bytesOf(t *testing.T, q string) string {
	t.Helper()
	for suffix, mult := range map[string]int64{"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30} {
		if n, ok := strings.CutSuffix(q, suffix); ok {
			v, err := strconv.ParseInt(n, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return strconv.FormatInt(v*mult, 10)
		}
	}
	return q
}

// checkServerSideDryRun: berth render of the environment, applied server-side as a dry
// run (the API server's full validation and admission), is accepted and names the
// objects Helm created.
func checkServerSideDryRun(t *testing.T, ns string, ex example, env string) {
	t.Helper()
	manifest, err := pipeline.Render(ex.res, pipeline.RenderOptions{Env: env, Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	out, errs, err := run(t, strings.NewReader(manifest), "kubectl", "apply", "--server-side", "--dry-run=server", "--field-manager", "berth-test", "--force-conflicts", "-n", ns, "-f", "-", "-o", "json")
	if err != nil {
		t.Fatalf("server-side dry run of berth render: %v\n%s%s", err, out, errs)
	}
	if strings.Contains(errs, "Warning") {
		t.Errorf("server-side dry run warned: %s", errs)
	}
	checkStoredAsRendered(t, manifest, out)
	helmObjects := objectNames(t, must(t, helmBin(t, helmVersions[0]), "get", "manifest", ex.res.Service.Name, "-n", ns))
	rendered := objectNames(t, withoutHooks(manifest)) // helm get manifest leaves hooks out
	if !slices.Equal(helmObjects, rendered) {
		t.Errorf("berth render has %v, Helm created %v", rendered, helmObjects)
	}
}

// checkStoredAsRendered: the API server stores every field of every rendered object
// with the value berth rendered (it adds defaults, but drops or rewrites nothing), so a
// GitOps tool comparing the two (Argo CD) sees no drift after a sync. A zero that the
// API omits (minReadySeconds: 0) or a quantity it rewrites (cpu: 0.5 becomes 500m)
// would show as OutOfSync forever. stored is kubectl's -o json of the dry run.
func checkStoredAsRendered(t *testing.T, manifest, stored string) {
	t.Helper()
	var list struct {
		Kind  string           `json:"kind"`
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal([]byte(stored), &list); err != nil {
		t.Fatal(err)
	}
	if list.Kind != "List" { // one object
		var obj map[string]any
		if err := json.Unmarshal([]byte(stored), &obj); err != nil {
			t.Fatal(err)
		}
		list.Items = []map[string]any{obj}
	}
	byName := map[string]map[string]any{}
	for _, obj := range list.Items {
		byName[obj["kind"].(string)+"/"+obj["metadata"].(map[string]any)["name"].(string)] = obj
	}
	for _, doc := range releaseutil.SplitManifests(manifest) {
		var obj map[string]any
		if err := sigsyaml.Unmarshal([]byte(doc), &obj); err != nil {
			t.Fatal(err)
		}
		if obj == nil {
			continue
		}
		name := obj["kind"].(string) + "/" + obj["metadata"].(map[string]any)["name"].(string)
		for _, d := range subsetDiff(name, obj, byName[name]) {
			t.Errorf("the API server stores another value than berth rendered: %s", d)
		}
	}
}

// withoutHooks drops the documents that are Helm hooks.
func withoutHooks(manifest string) string {
	var out []string
	for _, doc := range releaseutil.SplitManifests(manifest) {
		if !strings.Contains(doc, "helm.sh/hook:") {
			out = append(out, doc)
		}
	}
	return strings.Join(out, "\n---\n")
}

// objectNames lists kind/name of every object of a manifest, sorted.
func objectNames(t *testing.T, manifest string) []string {
	t.Helper()
	var out []string
	for _, doc := range releaseutil.SplitManifests(manifest) {
		var obj struct {
			Kind     string
			Metadata struct{ Name string }
		}
		if err := sigsyaml.Unmarshal([]byte(doc), &obj); err != nil {
			t.Fatal(err)
		}
		if obj.Kind != "" {
			out = append(out, obj.Kind+"/"+obj.Metadata.Name)
		}
	}
	slices.Sort(out)
	return out
}

// TestReleaseLifecycle: on hello and multi-binary (the one with a config file), in dev,
// with each Helm: a chart-only upgrade (new chart version, same values) restarts
// nothing; a changed config file rolls the pods (new UIDs, a new checksum); a changed
// replica count scales without a restart; helm rollback returns to the first revision's
// pod spec; and values that break Pod Security are refused by the real admission.
func TestReleaseLifecycle(t *testing.T) {
	requireCluster(t)
	for _, ex := range loadExamples(t) {
		if ex.name != "hello" && ex.name != "multi-binary" {
			continue
		}
		loadImage(t, ex.name, ex.res.Service.Image.Repository+":cluster")
		for _, helm := range helmVersions {
			t.Run(ex.name+"/helm-"+helm, func(t *testing.T) {
				ns := fmt.Sprintf("life-%s-%s", ex.name, strings.Split(helm, ".")[0])
				restrictedNamespace(t, ns)
				secrets(t, ns, ex.res.Service)
				if _, errs, err := install(t, helm, "install", ns, ex, "dev"); err != nil {
					t.Fatalf("helm install: %v\n%s", err, errs)
				}
				first := pods(t, ns)
				firstSpec := podTemplate(t, ns, ex.res.Service.Name)

				bumped := bumpedChart(t)
				if _, errs, err := run(t, nil, helmBin(t, helm), "upgrade", ex.res.Service.Name, bumped, "-n", ns, "--reuse-values", "--wait", "--timeout", "180s"); err != nil {
					t.Fatalf("chart-only upgrade: %v\n%s", err, errs)
				}
				if !sameUIDs(first, pods(t, ns)) {
					t.Error("a chart-only upgrade restarted pods")
				}

				if c := ex.res.Service.Config; c != nil && len(c.Files) > 0 {
					f := c.Files[0]
					if _, errs, err := install(t, helm, "upgrade", ns, ex, "dev", "--set-string", "config.files."+strings.ReplaceAll(f.Name, ".", `\.`)+"=changed: true\n"); err != nil {
						t.Fatalf("config change: %v\n%s", err, errs)
					}
					if sameUIDs(first, pods(t, ns)) {
						t.Error("a changed config file did not roll the pods")
					}
					if podTemplate(t, ns, ex.res.Service.Name) == firstSpec {
						t.Error("the checksum/config annotation did not change")
					}
				}

				before := pods(t, ns)
				// Only the replica count changes; the values of the last revision stay.
				if _, errs, err := run(t, nil, helmBin(t, helm), "upgrade", ex.res.Service.Name, filepath.Join(repoRoot(t), "charts", "go-service"), "-n", ns,
					"--reuse-values", "--set", "replicas=2", "--wait", "--timeout", "180s"); err != nil {
					t.Fatalf("scale: %v\n%s", err, errs)
				}
				after := pods(t, ns)
				if len(after) != 2 || !containsUIDs(after, before) {
					t.Errorf("scaling to 2 replaced pods: before %d, after %d", len(before), len(after))
				}

				if _, errs, err := run(t, nil, helmBin(t, helm), "rollback", ex.res.Service.Name, "1", "-n", ns, "--wait", "--timeout", "180s"); err != nil {
					t.Fatalf("rollback: %v\n%s", err, errs)
				}
				if got := podTemplate(t, ns, ex.res.Service.Name); got != firstSpec {
					t.Errorf("after rollback the pod template differs from revision 1's:\n%s\nwant\n%s", got, firstSpec)
				}

				// Values a Pod Security "restricted" namespace must refuse: the Deployment is
				// admitted with a warning, its pods are not.
				_, errs, err := install(t, helm, "upgrade", ns, ex, "dev", "--set", "securityContext.privileged=true", "--set", "securityContext.allowPrivilegeEscalation=true", "--set", "securityContext.runAsUser=0",
					"--set", "securityContext.runAsNonRoot=false", "--set", "podSecurityContext.runAsUser=0", "--set", "podSecurityContext.runAsNonRoot=false", "--timeout", "30s")
				if err == nil || !strings.Contains(errs+kubectl(t, "get", "events", "-n", ns), "violates PodSecurity") {
					t.Errorf("privileged values were not refused by the admission: %v\n%s", err, errs)
				}
			})
		}
	}
}

// podTemplate is the Deployment's pod template as JSON, without the fields a rollout
// stamps.
func podTemplate(t *testing.T, ns, name string) string {
	t.Helper()
	return kubectl(t, "get", "deployment", name, "-n", ns, "-o", "jsonpath={.spec.template}")
}

// bumpedChart copies the chart with a new patch version: same templates, same values.
func bumpedChart(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "go-service")
	if err := os.CopyFS(dst, os.DirFS(filepath.Join(repoRoot(t), "charts", "go-service"))); err != nil {
		t.Fatal(err)
	}
	meta := filepath.Join(dst, "Chart.yaml")
	data, err := os.ReadFile(meta)
	if err != nil {
		t.Fatal(err)
	}
	bumped := regexp.MustCompile(`(?m)^version: .*$`).ReplaceAll(data, []byte("version: 99.0.0"))
	if err := os.WriteFile(meta, bumped, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// containsUIDs: every pod of some is still among all.
func containsUIDs(all, some []pod) bool {
	seen := map[string]bool{}
	for _, p := range all {
		seen[p.Metadata.UID] = true
	}
	for _, p := range some {
		if !seen[p.Metadata.UID] {
			return false
		}
	}
	return true
}

// sameUIDs: the same pods, none replaced.
func sameUIDs(a, b []pod) bool { return len(a) == len(b) && containsUIDs(a, b) }

// TestPersistentVolume: names with its data volume made persistent through a berth
// descriptor (persistent: true) on a statically provisioned local volume (the test
// cluster has no provisioner): the chart's claim binds, a record written in one pod is
// answered by the pod that replaces it, and helm uninstall keeps the claim
// (helm.sh/resource-policy: keep) and so the data.
func TestPersistentVolume(t *testing.T) {
	requireCluster(t)
	root := repoRoot(t)
	src := filepath.Join(root, "examples", "names", "service.yaml")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	descriptor := strings.Replace(string(data), "  data: {mountPath: /var/lib/names, size: 64Mi}",
		"  data: {mountPath: /var/lib/names, size: 64Mi, persistent: true, storageClass: berth-local}", 1)
	// Jobs do not mount a claim the chart creates (berth warns): the migration hook, which
	// writes the data directory, stays out of this install.
	descriptor = strings.Replace(descriptor, "jobs:\n  migrate: {args: [migrate, --data=/var/lib/names]}\n", "", 1)
	// A ReadWriteOnce claim holds one replica (berth refuses prod's two).
	descriptor = strings.Replace(descriptor, "  prod:\n    replicas: 2\n", "  prod:\n    replicas: 1\n", 1)
	if !strings.Contains(descriptor, "persistent: true") || strings.Contains(descriptor, "jobs:") || strings.Contains(descriptor, "replicas: 2") {
		t.Fatal("the names example no longer declares its data volume and job as this test expects")
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Dir(src))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "service.yaml"), []byte(descriptor), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.GenerateFile(filepath.Join(dir, "service.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Files {
		if err := os.WriteFile(filepath.Join(dir, f.Path), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	svc := res.Service
	loadImage(t, "names", svc.Image.Repository+":cluster")

	// A local volume on the node; 1777 because a local volume gets no fsGroup ownership.
	hostDir := filepath.Join(t.TempDir(), "pv")
	if err := os.MkdirAll(hostDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(hostDir, 0o1777); err != nil {
		t.Fatal(err)
	}
	pv := fmt.Sprintf(`apiVersion: v1
kind: PersistentVolume
metadata: {name: berth-local-names}
spec:
  capacity: {storage: 64Mi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: berth-local
  local: {path: %q}
  nodeAffinity:
    required:
      nodeSelectorTerms:
        - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [localhost]}]
`, hostDir)
	if out, errs, err := run(t, strings.NewReader(pv), "kubectl", "apply", "-f", "-"); err != nil {
		t.Fatalf("creating the local PersistentVolume: %v\n%s%s", err, out, errs)
	}
	t.Cleanup(func() { _, _, _ = run(t, nil, "kubectl", "delete", "pv", "berth-local-names", "--wait=false") })

	ns := "names-persistent"
	restrictedNamespace(t, ns)
	args := []string{"install", svc.Name, filepath.Join(root, "charts", "go-service"), "-n", ns,
		"-f", filepath.Join(dir, filepath.FromSlash(values.File(""))), "-f", filepath.Join(dir, filepath.FromSlash(values.File("dev"))),
		"--set", "image.tag=cluster", "--set", "image.pullPolicy=Never", "--wait", "--timeout", "180s"}
	if _, errs, err := run(t, nil, helmBin(t, helmVersions[1]), args...); err != nil {
		t.Fatalf("helm install: %v\n%s\n%s", err, errs, kubectl(t, "get", "events", "-n", ns))
	}
	if phase := kubectl(t, "get", "pvc", svc.Name+"-data", "-n", ns, "-o", "jsonpath={.status.phase}"); phase != "Bound" {
		t.Fatalf("the chart's claim is %q, want Bound", phase)
	}
	checkRunning(t, ns, svc.Environment("dev"))
	first := pods(t, ns)
	put := func(ip string) {
		req, _ := http.NewRequest(http.MethodPut, "http://"+ip+":8080/records/kept.test", strings.NewReader("192.0.2.44"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("PUT: %s", resp.Status)
		}
	}
	put(first[0].Status.PodIP)
	kubectl(t, "delete", "pod", first[0].Metadata.Name, "-n", ns, "--wait=true")
	kubectl(t, "wait", "--for=condition=Ready", "pod", "-l", "app.kubernetes.io/name="+svc.Name, "-n", ns, "--timeout=90s")
	second := pods(t, ns)
	if sameUIDs(first, second) {
		t.Fatal("the pod was not replaced")
	}
	if got, rcode := testutil.QueryA(t, "udp", second[0].Status.PodIP+":53", "kept.test."); got != "192.0.2.44" {
		t.Errorf("after the pod was replaced: %q (%v), want the record written before", got, rcode)
	}
	if _, err := os.Stat(filepath.Join(hostDir, "records", "kept.test")); err != nil {
		t.Errorf("the record is not on the volume: %v", err)
	}
	must(t, helmBin(t, helmVersions[1]), "uninstall", svc.Name, "-n", ns, "--wait")
	if kept := kubectl(t, "get", "pvc", "-n", ns, "-o", "name"); !strings.Contains(kept, svc.Name+"-data") {
		t.Errorf("helm uninstall deleted the claim (kept: %q); helm.sh/resource-policy: keep should keep it", kept)
	}
}
