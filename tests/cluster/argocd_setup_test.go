package cluster

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/berth-dev/berth/tests/testutil"
)

// argocdVersion is the Argo CD that make tools builds (tests/tools/argocd.sh).
const argocdVersion = "v3.2.11"

// argocdNamespace is where Argo CD keeps its configuration, Applications and
// ApplicationSets, as in a standard install.
const argocdNamespace = "argocd"

// freePort asks the kernel for a free port on 127.0.0.1.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// gitServer serves the bare repositories under root over HTTPS on 127.0.0.1 with git
// http-backend behind net/http/cgi, as a git host does; it returns the base URL and
// the server's certificate (PEM), which Argo CD is told to trust.
func gitServer(t *testing.T, root string) (string, []byte) {
	t.Helper()
	git, err := exec.LookPath("git")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(&cgi.Handler{
		Path: git,
		Args: []string{"http-backend"},
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"},
	})
	srv.EnableHTTP2 = false
	srv.Config.ErrorLog = nil
	srv.StartTLS()
	t.Cleanup(srv.Close)
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	return srv.URL, cert
}

// gitCmd runs git in dir with a fixed identity.
func gitCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=berth test", "-c", "user.email=test@berth.invalid", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// argocd is Argo CD's repo-server, application controller and ApplicationSet controller,
// run as host processes against the test cluster (ARGOCD_FAKE_IN_CLUSTER: the cluster
// https://kubernetes.default.svc is KUBECONFIG's), with Redis on 127.0.0.1.
type argocd struct {
	dir     string
	started time.Duration // from the first process to every component answering
}

// argocdBaseObjects are what an install's manifests hold besides the workloads: the
// ConfigMaps Argo CD's settings watch (labelled part-of argocd), its Secret, and the
// default AppProject.
func argocdBaseObjects(cert []byte) string {
	var b strings.Builder
	for _, name := range []string{"argocd-cm", "argocd-cmd-params-cm", "argocd-rbac-cm", "argocd-gpg-keys-cm", "argocd-ssh-known-hosts-cm", "argocd-tls-certs-cm"} {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n  namespace: %s\n  labels: {app.kubernetes.io/part-of: argocd}\n", name, argocdNamespace)
		if name == "argocd-tls-certs-cm" {
			fmt.Fprintf(&b, "data:\n  127.0.0.1: |\n    %s\n", strings.ReplaceAll(strings.TrimSpace(string(cert)), "\n", "\n    "))
		}
	}
	fmt.Fprintf(&b, `---
apiVersion: v1
kind: Secret
metadata:
  name: argocd-secret
  namespace: %[1]s
  labels: {app.kubernetes.io/part-of: argocd}
stringData:
  server.secretkey: berth-cluster-test-only
---
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: default
  namespace: %[1]s
spec:
  sourceRepos: ["*"]
  destinations: [{server: "*", namespace: "*"}]
  clusterResourceWhitelist: [{group: "*", kind: "*"}]
`, argocdNamespace)
	return b.String()
}

// startArgoCD installs Argo CD's CRDs and configuration and starts its components, each
// stopped by PID when the test ends. Every socket they open listens on 127.0.0.1.
func startArgoCD(t *testing.T, gitCert []byte) *argocd {
	t.Helper()
	tools := filepath.Join(repoRoot(t), "bin", "argocd-"+argocdVersion)
	bin := filepath.Join(tools, "argocd")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%s missing: run make tools (tests/tools/argocd.sh)", bin)
	}
	redis, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatal("redis-server is missing (Debian's redis-server package); .ci/run installs it")
	}
	kubectl(t, "apply", "--server-side", "-f", filepath.Join(tools, "crds")+"/")
	// kubectl wait fails at once on a CRD that has no status yet: retry.
	for i := 0; ; i++ {
		_, errs, err := run(t, nil, "kubectl", "wait", "--for", "condition=established", "--timeout", "60s",
			"crd/applications.argoproj.io", "crd/applicationsets.argoproj.io", "crd/appprojects.argoproj.io")
		if err == nil {
			break
		}
		if i == 60 {
			t.Fatalf("Argo CD's CRDs are not established: %v\n%s", err, errs)
		}
		time.Sleep(time.Second)
	}
	kubectl(t, "create", "namespace", argocdNamespace)
	t.Cleanup(func() { exec.Command("kubectl", "delete", "namespace", argocdNamespace, "--wait=false").Run() })
	applyStdin(t, argocdBaseObjects(gitCert))

	a := &argocd{dir: t.TempDir()}
	for _, d := range []string{"tmp", "home", "redis", "tls", "gpg"} {
		if err := os.MkdirAll(filepath.Join(a.dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	// The repo-server reads trusted certificates from files named after the host, as
	// the argocd-tls-certs-cm volume holds them in a pod.
	if err := os.WriteFile(filepath.Join(a.dir, "tls", "127.0.0.1"), gitCert, 0o644); err != nil {
		t.Fatal(err)
	}
	redisPort, repoPort, repoMetrics, ctrlMetrics := freePort(t), freePort(t), freePort(t), freePort(t)
	appsetMetrics, appsetProbe, appsetWebhook := freePort(t), freePort(t), freePort(t)
	redisAddr, repoAddr := fmt.Sprintf("127.0.0.1:%d", redisPort), fmt.Sprintf("127.0.0.1:%d", repoPort)
	start := time.Now()
	var pids []int
	run := func(name string, cmd *exec.Cmd) {
		testutil.StartServer(t, a.dir, name, cmd)
		pids = append(pids, cmd.Process.Pid)
	}
	run("redis", exec.Command(redis, "--bind", "127.0.0.1", "--port", fmt.Sprint(redisPort), "--save", "", "--appendonly", "no",
		"--dir", filepath.Join(a.dir, "redis"), "--daemonize", "no", "--protected-mode", "yes"))
	component := func(name string, args ...string) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(),
			"ARGOCD_BINARY_NAME="+name,
			"ARGOCD_FAKE_IN_CLUSTER=true",
			"ARGOCD_GPG_ENABLED=false",
			"ARGOCD_GNUPGHOME="+filepath.Join(a.dir, "gpg"),
			"ARGOCD_TLS_DATA_PATH="+filepath.Join(a.dir, "tls"),
			"ARGOCD_ASK_PASS_SOCK="+filepath.Join(a.dir, "askpass.sock"),
			"TMPDIR="+filepath.Join(a.dir, "tmp"),
			"HOME="+filepath.Join(a.dir, "home"),
			// git-verify-wrapper.sh, and the Helm CLI the repo-server renders charts with.
			"PATH="+tools+string(os.PathListSeparator)+filepath.Dir(helmBin(t, "v3.16.4"))+string(os.PathListSeparator)+os.Getenv("PATH"),
		)
		run(name, cmd)
	}
	component("argocd-repo-server", "--address", "127.0.0.1", "--port", fmt.Sprint(repoPort),
		"--metrics-address", "127.0.0.1", "--metrics-port", fmt.Sprint(repoMetrics), "--redis", redisAddr)
	component("argocd-application-controller", "--namespace", argocdNamespace, "--repo-server", repoAddr, "--redis", redisAddr,
		"--metrics-port", fmt.Sprint(ctrlMetrics), "--app-resync", "30", "--self-heal-timeout-seconds", "0",
		"--status-processors", "4", "--operation-processors", "4")
	component("argocd-applicationset-controller", "--namespace", argocdNamespace, "--argocd-repo-server", repoAddr,
		"--metrics-addr", fmt.Sprintf("127.0.0.1:%d", appsetMetrics), "--probe-addr", fmt.Sprintf("127.0.0.1:%d", appsetProbe),
		"--webhook-addr", fmt.Sprintf("127.0.0.1:%d", appsetWebhook), "--enable-scm-providers=false")

	a.waitFor(t, "the repo-server", func() bool { return dial(repoAddr) })
	a.waitFor(t, "the application controller", func() bool { return httpOK(fmt.Sprintf("http://127.0.0.1:%d/metrics", ctrlMetrics)) })
	a.waitFor(t, "the ApplicationSet controller", func() bool { return httpOK(fmt.Sprintf("http://127.0.0.1:%d/metrics", appsetMetrics)) })
	a.started = time.Since(start)
	checkLoopbackOnly(t, pids)
	return a
}

func (a *argocd) waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("%s did not answer in 90 s\n%s%s", what, a.logs(), a.diagnosis())
}

// logs is the tail of every component's log, for a failure message.
func (a *argocd) logs() string {
	var b strings.Builder
	files, _ := filepath.Glob(filepath.Join(a.dir, "*.log"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		fmt.Fprintf(&b, "--- %s (last lines)\n%s\n", filepath.Base(f), strings.Join(lines[max(0, len(lines)-25):], "\n"))
	}
	return b.String()
}

func dial(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		c.Close()
	}
	return err == nil
}

func httpOK(url string) bool {
	c := http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{}}}
	resp, err := c.Get(url)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// checkLoopbackOnly fails when a process the test started listens anywhere but
// 127.0.0.1 (ss lists the listening sockets with their owning processes).
func checkLoopbackOnly(t *testing.T, pids []int) {
	t.Helper()
	out := must(t, "ss", "-Hlntup")
	for _, line := range strings.Split(out, "\n") {
		for _, pid := range pids {
			if !strings.Contains(line, fmt.Sprintf("pid=%d,", pid)) {
				continue
			}
			fields := strings.Fields(line)
			if len(fields) < 5 || !strings.HasPrefix(fields[4], "127.0.0.1:") {
				t.Errorf("a test server listens beyond 127.0.0.1: %s", line)
			}
		}
	}
}

// applyStdin applies YAML with kubectl.
func applyStdin(t *testing.T, doc string) {
	t.Helper()
	if out, errs, err := run(t, strings.NewReader(doc), "kubectl", "apply", "-f", "-"); err != nil {
		t.Fatalf("kubectl apply: %v\n%s%s", err, out, errs)
	}
}

// application is what the tests read of an Argo CD Application's status.
type application struct {
	Metadata struct {
		Name              string   `json:"name"`
		DeletionTimestamp string   `json:"deletionTimestamp"`
		Finalizers        []string `json:"finalizers"`
	} `json:"metadata"`
	Spec struct {
		Destination struct {
			Namespace string `json:"namespace"`
		} `json:"destination"`
		SyncPolicy struct {
			SyncOptions []string `json:"syncOptions"`
			Automated   *struct {
				Prune    bool `json:"prune"`
				SelfHeal bool `json:"selfHeal"`
			} `json:"automated"`
		} `json:"syncPolicy"`
	} `json:"spec"`
	Status struct {
		Sync struct {
			Status    string   `json:"status"`
			Revisions []string `json:"revisions"`
		} `json:"sync"`
		Health struct {
			Status string `json:"status"`
		} `json:"health"`
		OperationState *struct {
			Phase   string `json:"phase"`
			Message string `json:"message"`
		} `json:"operationState"`
		Resources []struct {
			Group, Kind, Namespace, Name string
		} `json:"resources"`
		Conditions []struct {
			Type, Message string
		} `json:"conditions"`
	} `json:"status"`
}

// applications lists the Applications in Argo CD's namespace by name.
func applications(t *testing.T) map[string]application {
	t.Helper()
	list, err := listApplications()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]application{}
	for _, a := range list {
		out[a.Metadata.Name] = a
	}
	return out
}

func listApplications() ([]application, error) {
	out, err := exec.Command("kubectl", "get", "applications.argoproj.io", "-n", argocdNamespace, "-o", "json").Output()
	if exit, ok := err.(*exec.ExitError); ok {
		return nil, fmt.Errorf("kubectl get applications: %w\n%s", err, exit.Stderr)
	} else if err != nil {
		return nil, fmt.Errorf("kubectl get applications: %w", err)
	}
	var list struct {
		Items []application `json:"items"`
	}
	return list.Items, json.Unmarshal(out, &list)
}

// waitApp polls one Application until ok says so, and fails with its status and
// Argo CD's logs after timeout.
func (a *argocd) waitApp(t *testing.T, name string, timeout time.Duration, what string, ok func(application) bool) application {
	t.Helper()
	var last application
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(time.Second) {
		if app, found := applications(t)[name]; found {
			last = app
			if ok(app) {
				return app
			}
		}
	}
	status, _ := json.MarshalIndent(last.Status, "", "  ")
	t.Fatalf("%s: not %s after %v; status:\n%s\n%s%s", name, what, timeout, status, a.logs(), a.diagnosis())
	return last
}

func synced(app application) bool {
	return app.Status.Sync.Status == "Synced" && app.Status.Health.Status == "Healthy"
}

// refresh asks Argo CD to compare an Application with git now, as the UI's Refresh
// button does.
func refresh(t *testing.T, name string) {
	t.Helper()
	kubectl(t, "annotate", "--overwrite", "applications.argoproj.io", name, "-n", argocdNamespace, "argocd.argoproj.io/refresh=normal")
}

// syncNow requests a sync of an Application as argocd app sync and the UI do: an
// operation on the resource, with the Application's sync options (CreateNamespace,
// ServerSideApply), which the controller runs.
func syncNow(t *testing.T, app application) {
	t.Helper()
	op := map[string]any{"operation": map[string]any{
		"initiatedBy": map[string]any{"username": "berth-cluster-test"},
		"sync":        map[string]any{"syncStrategy": map[string]any{"hook": map[string]any{}}, "syncOptions": app.Spec.SyncPolicy.SyncOptions},
	}}
	kubectl(t, "patch", "applications.argoproj.io", app.Metadata.Name, "-n", argocdNamespace, "--type", "merge", "-p", jsonBytes(op))
}

// jsonBytes is a compact JSON encoding, for messages.
func jsonBytes(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSpace(b.String())
}
