// Package cluster installs berth's examples on a real single-node Kubernetes cluster
// (tests/cluster/up.sh) with the real Helm CLIs, in namespaces that enforce Pod Security
// "restricted", and checks what the chart promises on a running kubelet.
package cluster

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// dockerBin is Debian's Docker client, which builds RUN --mount with DOCKER_BUILDKIT=1 and
// no buildx plugin (the e2e tests use the same).
const dockerBin = "/usr/bin/docker"

// requireCluster skips unless make cluster-test (or a person) started a cluster and
// exported its KUBECONFIG and CONTAINERD_ADDRESS.
func requireCluster(t *testing.T) {
	t.Helper()
	if os.Getenv("KUBECONFIG") == "" || os.Getenv("CONTAINERD_ADDRESS") == "" {
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
		Name string `json:"name"`
		UID  string `json:"uid"`
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
	} `json:"status"`
}

func pods(t *testing.T, ns string) []pod {
	t.Helper()
	var list struct{ Items []pod }
	if err := json.Unmarshal([]byte(kubectl(t, "get", "pods", "-n", ns, "-o", "json")), &list); err != nil {
		t.Fatal(err)
	}
	return list.Items
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

// TestHelloOnCluster: the hello example's image and values, installed with Helm 3.16 and
// Helm 4 into a restricted namespace, are admitted without a warning, run Ready as the
// descriptor's user with a read-only root and no capabilities, answer through the
// Service, survive a chart-only upgrade without a restart and roll back; a privileged
// pod in the same namespace is refused by the real admission.
func TestHelloOnCluster(t *testing.T) {
	requireCluster(t)
	root := repoRoot(t)
	example := filepath.Join(root, "examples", "hello")
	loadImage(t, "hello", "ghcr.io/berth-dev/hello:cluster")
	for _, helm := range []string{"v3.16.4", "v4.3.1"} {
		t.Run("helm-"+helm, func(t *testing.T) {
			ns := "hello-" + strings.ReplaceAll(helm, ".", "-")
			restrictedNamespace(t, ns)
			args := []string{"install", "hello", filepath.Join(root, "charts", "go-service"), "-n", ns,
				"-f", filepath.Join(example, "deploy", "values.yaml"), "-f", filepath.Join(example, "deploy", "values-dev.yaml"),
				"--set", "image.tag=cluster", "--set", "image.pullPolicy=Never", "--wait", "--timeout", "180s"}
			out, errs, err := run(t, nil, helmBin(t, helm), args...)
			if err != nil {
				t.Fatalf("helm install: %v\n%s%s\n%s", err, out, errs, kubectl(t, "get", "events", "-n", ns))
			}
			if strings.Contains(errs, "PodSecurity") || strings.Contains(errs, "would violate") {
				t.Errorf("Pod Security warned: %s", errs)
			}
			if events := kubectl(t, "get", "events", "-n", ns, "--field-selector", "reason=FailedCreate"); strings.Contains(events, "FailedCreate") {
				t.Errorf("FailedCreate events:\n%s", events)
			}
			first := pods(t, ns)
			if len(first) == 0 {
				t.Fatal("no pods")
			}
			for _, p := range first {
				if !ready(p) {
					t.Errorf("pod %s not Ready", p.Metadata.Name)
				}
				sc := p.Spec.SecurityContext
				if sc.RunAsUser == nil || *sc.RunAsUser != 65532 || sc.RunAsGroup == nil || *sc.RunAsGroup != 65532 {
					t.Errorf("pod %s runs as %v:%v, want 65532:65532", p.Metadata.Name, sc.RunAsUser, sc.RunAsGroup)
				}
				for _, c := range p.Spec.Containers {
					csc := c.SecurityContext
					if csc.ReadOnlyRootFilesystem == nil || !*csc.ReadOnlyRootFilesystem || len(csc.Capabilities.Drop) != 1 || csc.Capabilities.Drop[0] != "ALL" {
						t.Errorf("container security context %+v", csc)
					}
				}
			}
			if body := get(t, portForward(t, ns, "hello", 8080)+"/"); !strings.Contains(body, "uid 65532") {
				t.Errorf("the Service answered %q", body)
			}
			// A non-compliant pod is refused by the namespace's enforcement.
			_, errs, err = run(t, nil, "kubectl", "run", "privileged", "-n", ns, "--image", "berth.local/pause:1", "--image-pull-policy", "Never",
				"--overrides", `{"spec":{"containers":[{"name":"privileged","image":"berth.local/pause:1","securityContext":{"privileged":true,"runAsUser":0}}]}}`)
			if err == nil || !strings.Contains(errs, "violates PodSecurity") {
				t.Errorf("a privileged pod was not refused: %v %s", err, errs)
			}
			// The same chart and values again: nothing restarts.
			upgrade := append([]string{"upgrade"}, args[1:]...)
			if out, errs, err := run(t, nil, helmBin(t, helm), upgrade...); err != nil {
				t.Fatalf("helm upgrade: %v\n%s%s", err, out, errs)
			}
			if again := pods(t, ns); !sameUIDs(first, again) {
				t.Errorf("an upgrade with the same values restarted pods")
			}
			if out, errs, err := run(t, nil, helmBin(t, helm), "rollback", "hello", "1", "-n", ns, "--wait", "--timeout", "180s"); err != nil {
				t.Fatalf("helm rollback: %v\n%s%s", err, out, errs)
			}
		})
	}
}

func sameUIDs(a, b []pod) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]bool{}
	for _, p := range a {
		seen[p.Metadata.UID] = true
	}
	for _, p := range b {
		if !seen[p.Metadata.UID] {
			return false
		}
	}
	return true
}
