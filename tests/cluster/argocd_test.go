package cluster

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/releaseutil"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/berth-dev/berth/generator/cli"
	"github.com/berth-dev/berth/generator/model"
	"github.com/berth-dev/berth/generator/pipeline"
	"github.com/berth-dev/berth/tests/testutil"
)

// gitopsRepo is a service's git repository (the hello example: its descriptor at the
// root, deploy/ beside it) whose descriptor points Argo CD at it (argocd.repoURL) and
// at the go-service chart at a release tag in a second repository laid out as berth's
// (argocd.chart), both served by the test's git server.
type gitopsRepo struct {
	work, bare, url string
	descriptor      string
}

func (r *gitopsRepo) service(t *testing.T) *model.Service {
	t.Helper()
	res, err := pipeline.GenerateFile(r.descriptor)
	if err != nil {
		t.Fatal(err)
	}
	return res.Service
}

// newGitopsRepo pushes the chart repository and the service repository to bare ones
// under gitRoot.
func newGitopsRepo(t *testing.T, gitRoot, baseURL string) *gitopsRepo {
	t.Helper()
	root := repoRoot(t)
	chartRepo := filepath.Join(t.TempDir(), "berth")
	if err := os.CopyFS(filepath.Join(chartRepo, "charts", "go-service"), os.DirFS(filepath.Join(root, "charts", "go-service"))); err != nil {
		t.Fatal(err)
	}
	chartVersion := chartVersionIn(t, chartRepo)
	pushNew(t, chartRepo, filepath.Join(gitRoot, "berth.git"), "the go-service chart", "go-service-"+chartVersion)

	r := &gitopsRepo{work: filepath.Join(t.TempDir(), "hello"), bare: filepath.Join(gitRoot, "hello.git"), url: baseURL + "/hello.git"}
	if err := os.CopyFS(r.work, os.DirFS(filepath.Join(root, "examples", "hello"))); err != nil {
		t.Fatal(err)
	}
	r.descriptor = filepath.Join(r.work, "service.yaml")
	r.editDescriptor(t, func(doc map[string]any) {
		doc["argocd"] = map[string]any{
			"repoURL": r.url, "revision": "main", "path": "deploy",
			"chart": map[string]any{"repoURL": baseURL + "/berth.git", "path": "charts/go-service", "revision": "go-service-" + chartVersion},
		}
		// A config file whose staging copy differs, to change one environment's content.
		doc["config"] = map[string]any{"files": map[string]any{"greeting.txt": "config/greeting.txt"}}
		envs := doc["environments"].(map[string]any)
		envs["staging"] = map[string]any{"config": map[string]any{"files": map[string]any{"greeting.txt": "config/greeting-staging.txt"}}}
		// Argo CD judges an HPA Degraded while no metrics-server serves its metrics, and
		// the test cluster runs none: prod keeps its three replicas without autoscaling.
		delete(envs["prod"].(map[string]any), "autoscaling")
	})
	r.writeFile(t, "config/greeting.txt", "hello\n")
	r.writeFile(t, "config/greeting-staging.txt", "hello from staging\n")
	r.generate(t)
	pushNew(t, r.work, r.bare, "the hello service")
	return r
}

// pushNew makes dir a git repository with one commit (and tags) and pushes it to a new
// bare repository.
func pushNew(t *testing.T, dir, bare, message string, tags ...string) {
	t.Helper()
	gitCmd(t, filepath.Dir(bare), "init", "--bare", "-q", bare)
	gitCmd(t, filepath.Dir(dir), "init", "-q", dir)
	gitCmd(t, dir, "add", "-A")
	gitCmd(t, dir, "commit", "-q", "-m", message)
	for _, tag := range tags {
		gitCmd(t, dir, "tag", tag)
	}
	gitCmd(t, dir, "push", "-q", bare, "main", "--tags")
}

func chartVersionIn(t *testing.T, repo string) string {
	t.Helper()
	var chart struct{ Version string }
	if err := sigsyaml.Unmarshal(testutil.ReadFile(t, filepath.Join(repo, "charts", "go-service", "Chart.yaml")), &chart); err != nil {
		t.Fatal(err)
	}
	return chart.Version
}

func (r *gitopsRepo) writeFile(t *testing.T, rel, content string) {
	t.Helper()
	p := filepath.Join(r.work, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// editDescriptor changes the service's descriptor as its owner would.
func (r *gitopsRepo) editDescriptor(t *testing.T, edit func(map[string]any)) {
	t.Helper()
	var doc map[string]any
	if err := sigsyaml.Unmarshal(testutil.ReadFile(t, r.descriptor), &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	data, err := sigsyaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(r.descriptor, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// generate runs berth generate on the descriptor, as the service's owner does before
// a commit.
func (r *gitopsRepo) generate(t *testing.T) {
	t.Helper()
	var out, errb bytes.Buffer
	if code := cli.Main([]string{"generate", "-f", r.descriptor}, &out, &errb); code != 0 {
		t.Fatalf("berth generate: exit %d\n%s", code, errb.String())
	}
}

// commit commits everything and pushes; it returns the files the commit changed and
// the new revision.
func (r *gitopsRepo) commit(t *testing.T, message string) ([]string, string) {
	t.Helper()
	gitCmd(t, r.work, "add", "-A")
	gitCmd(t, r.work, "commit", "-q", "-m", message)
	gitCmd(t, r.work, "push", "-q", r.bare, "main")
	changed := strings.Fields(gitCmd(t, r.work, "diff", "--name-only", "HEAD~1", "HEAD"))
	return changed, gitCmd(t, r.work, "rev-parse", "HEAD")
}

var argocdEnvs = []string{"dev", "staging", "prod"}

// TestArgoCD: Argo CD itself (v3.2, its repo-server, application controller and
// ApplicationSet controller) reconciles the ApplicationSet berth generates, from a git
// server on 127.0.0.1 (HTTPS with a certificate Argo CD is told to trust) that holds
// the chart at a release tag and the service's repository with its deploy/.
// One Application per environment; dev and staging sync on their own and become Synced
// and Healthy with Ready pods in namespaces Argo CD creates (server-side apply, Pod
// Security restricted enforced); prod waits OutOfSync until a sync is requested. Every
// Application applied exactly what berth render prints for its environment. Then the
// GitOps flow: a commit that changes staging's config file and replica count reaches
// staging only (its pods roll, the others keep theirs), a manual edit of dev's
// Deployment is reverted by self-heal, and the same edit in prod stays (no self-heal
// there) and shows as OutOfSync.
func TestArgoCD(t *testing.T) {
	requireCluster(t)
	gitRoot := t.TempDir()
	url, cert := gitServer(t, gitRoot)
	repo := newGitopsRepo(t, gitRoot, url)
	svc := repo.service(t)
	appset := filepath.Join(repo.work, "deploy", "argocd", "applicationset.yaml")
	if !strings.Contains(string(testutil.ReadFile(t, appset)), repo.url) {
		t.Fatalf("berth generate did not point the ApplicationSet at %s", repo.url)
	}
	loadImage(t, "hello", svc.Image.Repository+":"+embeddedAppVersion(t))
	for _, env := range argocdEnvs { // registered before Argo CD starts: runs after it stops
		ns := envNamespace(svc, env)
		t.Cleanup(func() { runQuiet("kubectl", "delete", "namespace", ns, "--wait=false") })
	}
	a := startArgoCD(t, cert)
	t.Logf("Argo CD %s: every component answering %v after start", argocdVersion, a.started.Round(time.Millisecond))

	start := time.Now()
	kubectl(t, "apply", "-n", argocdNamespace, "-f", appset)
	t.Cleanup(func() { a.deleteApplicationSet(t, svc.Name) }) // while Argo CD still runs
	for _, env := range argocdEnvs {
		app := a.waitApp(t, svc.Name+"-"+env, time.Minute, "generated", func(application) bool { return true })
		if auto := app.Spec.SyncPolicy.Automated; (env == "prod") != (auto == nil) || (auto != nil && (!auto.Prune || !auto.SelfHeal)) {
			t.Errorf("%s: automated sync %+v", app.Metadata.Name, auto)
		}
	}
	if names := applications(t); len(names) != len(argocdEnvs) {
		t.Errorf("the ApplicationSet made %d Applications, want one per environment", len(names))
	}
	head := gitCmd(t, repo.work, "rev-parse", "HEAD")
	for _, env := range []string{"dev", "staging"} {
		app := a.waitApp(t, svc.Name+"-"+env, 4*time.Minute, "Synced and Healthy", synced)
		t.Logf("%s: Synced and Healthy %v after the ApplicationSet was applied", app.Metadata.Name, time.Since(start).Round(time.Second))
		if !slices.Contains(app.Status.Sync.Revisions, head) {
			t.Errorf("%s synced revisions %v, want %s", app.Metadata.Name, app.Status.Sync.Revisions, head)
		}
	}
	prod := a.waitApp(t, svc.Name+"-prod", time.Minute, "OutOfSync", func(app application) bool { return app.Status.Sync.Status == "OutOfSync" })
	if prod.Status.OperationState != nil {
		t.Errorf("prod was synced without a request: %s", jsonBytes(prod.Status.OperationState))
	}
	syncNow(t, prod)
	publishIngressAddress(t, envNamespace(svc, "prod"), svc.Name)
	a.waitApp(t, svc.Name+"-prod", 4*time.Minute, "Synced and Healthy", synced)

	for _, env := range argocdEnvs {
		t.Run(env, func(t *testing.T) {
			view := svc.Environment(env)
			ns := envNamespace(svc, env)
			checkManagedNamespace(t, ns)
			checkServerSideApplied(t, ns, svc.Name)
			checkRunning(t, ns, view)
			checkAppliedAsRendered(t, repo.descriptor, env, ns, applications(t)[svc.Name+"-"+env])
		})
	}
	if t.Failed() {
		return
	}
	checkGitOpsFlow(t, a, repo, svc)
	if t.Failed() {
		return
	}
	checkOCIChart(t, a, repo)
}

// checkOCIChart: the same service with argocd.chart naming the chart in an OCI registry
// (distribution's, on 127.0.0.1, pushed with helm push as make chart packages it), the
// form berth recommends: the ApplicationSet applied anew, dev is Synced and Healthy
// with exactly what berth render prints.
func checkOCIChart(t *testing.T, a *argocd, repo *gitopsRepo) {
	t.Helper()
	helm := helmBin(t, "v4.3.1")
	addr := testutil.StartRegistry(t, filepath.Join(repoRoot(t), "bin", "registry-v3.1.1", "registry"))
	dist := t.TempDir()
	must(t, helm, "package", filepath.Join(repoRoot(t), "charts", "go-service"), "-d", dist)
	version := chartVersionIn(t, repoRoot(t))
	must(t, helm, "push", filepath.Join(dist, "go-service-"+version+".tgz"), "oci://"+addr+"/charts", "--plain-http")
	// Argo CD reads an OCI registry through a repository Secret; this one speaks plain HTTP.
	applyStdin(t, fmt.Sprintf(`apiVersion: v1
kind: Secret
metadata:
  name: go-service-charts
  namespace: %s
  labels: {argocd.argoproj.io/secret-type: repository}
stringData:
  type: helm
  name: go-service-charts
  url: %s/charts
  enableOCI: "true"
  insecureOCIForceHttp: "true"
`, argocdNamespace, addr))

	svc := repo.service(t)
	a.deleteApplicationSet(t, svc.Name)
	repo.editDescriptor(t, func(doc map[string]any) {
		doc["argocd"].(map[string]any)["chart"] = map[string]any{"oci": addr + "/charts", "version": version}
	})
	repo.generate(t)
	changed, head := repo.commit(t, "the chart from the OCI registry")
	if want := []string{"deploy/argocd/applicationset.yaml", "service.yaml"}; !slices.Equal(changed, want) {
		t.Errorf("the commit changed %v, want %v", changed, want)
	}
	svc = repo.service(t)
	kubectl(t, "apply", "-n", argocdNamespace, "-f", filepath.Join(repo.work, "deploy", "argocd", "applicationset.yaml"))
	t.Cleanup(func() { a.deleteApplicationSet(t, svc.Name) })
	start := time.Now()
	app := a.waitApp(t, svc.Name+"-dev", 4*time.Minute, "Synced and Healthy from the OCI chart", func(app application) bool {
		return synced(app) && slices.Contains(app.Status.Sync.Revisions, version) && slices.Contains(app.Status.Sync.Revisions, head)
	})
	t.Logf("OCI chart: hello-dev Synced and Healthy %v after the ApplicationSet was applied", time.Since(start).Round(time.Second))
	checkRunning(t, envNamespace(svc, "dev"), svc.Environment("dev"))
	checkAppliedAsRendered(t, repo.descriptor, "dev", envNamespace(svc, "dev"), app)
}

// deleteApplicationSet deletes the ApplicationSet, whose Applications carry Argo CD's
// resources finalizer: the garbage collector deletes the Applications, the controller
// prunes what they deployed, then lets them go. A finalizer left after two minutes is
// removed, so that the namespace can go too; that is a failure unless the test has
// failed already (then Argo CD is not expected to be well).
func (a *argocd) deleteApplicationSet(t *testing.T, name string) {
	start := time.Now()
	if out, err := exec.Command("kubectl", "delete", "applicationsets.argoproj.io", name, "-n", argocdNamespace, "--ignore-not-found", "--timeout=60s").CombinedOutput(); err != nil {
		t.Logf("deleting the ApplicationSet: %v\n%s", err, out)
	}
	for range 120 {
		// An answer, and an empty one: a kubectl that cannot reach the API server prints nothing too.
		if out, err := exec.Command("kubectl", "get", "applications.argoproj.io", "-n", argocdNamespace, "-o", "name").Output(); err == nil && len(bytes.TrimSpace(out)) == 0 {
			t.Logf("ApplicationSet %s deleted, its Applications gone in %v", name, time.Since(start).Round(time.Second))
			return
		}
		time.Sleep(time.Second)
	}
	report := t.Errorf
	if t.Failed() {
		report = t.Logf
	}
	report("Argo CD did not delete the Applications of a deleted ApplicationSet within two minutes\n%s", a.diagnosis())
	out, _ := exec.Command("kubectl", "get", "applications.argoproj.io", "-n", argocdNamespace, "-o", "name").Output()
	for _, app := range strings.Fields(string(out)) {
		runQuiet("kubectl", "patch", app, "-n", argocdNamespace, "--type", "merge", "-p", `{"metadata":{"finalizers":null}}`)
	}
}

// publishIngressAddress does what an ingress controller does once it serves an
// Ingress: it publishes an address in the status (a documentation address, never
// routed). Argo CD judges an Ingress Progressing until then, and the test cluster
// runs no ingress controller.
func publishIngressAddress(t *testing.T, ns, name string) {
	t.Helper()
	for range 120 {
		if _, _, err := run(t, nil, "kubectl", "get", "ingress", name, "-n", ns); err == nil {
			kubectl(t, "patch", "ingress", name, "-n", ns, "--subresource=status", "--type", "merge",
				"-p", `{"status": {"loadBalancer": {"ingress": [{"ip": "192.0.2.10"}]}}}`)
			return
		}
		time.Sleep(time.Second)
	}
	t.Fatalf("the sync created no Ingress %s/%s", ns, name)
}

// envNamespace is the namespace the ApplicationSet deploys an environment into.
func envNamespace(svc *model.Service, env string) string {
	return strings.ReplaceAll(svc.ArgoCD.Namespace, "{{env}}", env)
}

// embeddedAppVersion is the chart's appVersion, the image tag the values default to.
func embeddedAppVersion(t *testing.T) string {
	t.Helper()
	var chart struct {
		AppVersion string `json:"appVersion"`
	}
	if err := sigsyaml.Unmarshal(testutil.ReadFile(t, filepath.Join(repoRoot(t), "charts", "go-service", "Chart.yaml")), &chart); err != nil {
		t.Fatal(err)
	}
	return chart.AppVersion
}

func runQuiet(name string, args ...string) { _, _ = exec.Command(name, args...).CombinedOutput() }

// checkServerSideApplied: Argo CD applied the namespace and the Deployment with
// server-side apply (ServerSideApply=true): their managed fields name its field manager
// with the operation Apply.
func checkServerSideApplied(t *testing.T, ns, name string) {
	t.Helper()
	for _, obj := range [][]string{{"namespace", ns}, {"deployment", name, "-n", ns}} {
		var o struct {
			Metadata struct {
				ManagedFields []struct {
					Manager   string `json:"manager"`
					Operation string `json:"operation"`
				} `json:"managedFields"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal([]byte(kubectl(t, append(append([]string{"get"}, obj...), "-o", "json", "--show-managed-fields")...)), &o); err != nil {
			t.Fatal(err)
		}
		applied := false
		for _, f := range o.Metadata.ManagedFields {
			applied = applied || (f.Manager == "argocd-controller" && f.Operation == "Apply")
		}
		if !applied {
			t.Errorf("%s %s: not server-side applied by Argo CD (managed fields %+v)", obj[0], obj[1], o.Metadata.ManagedFields)
		}
	}
}

// checkManagedNamespace: Argo CD created the namespace (CreateNamespace) with the Pod
// Security labels of the ApplicationSet's managedNamespaceMetadata.
func checkManagedNamespace(t *testing.T, ns string) {
	t.Helper()
	var obj struct {
		Metadata struct {
			Labels map[string]string `json:"labels"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal([]byte(kubectl(t, "get", "namespace", ns, "-o", "json")), &obj); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "restricted"} {
		if obj.Metadata.Labels[k] != v {
			t.Errorf("namespace %s: label %s=%q, want %q", ns, k, obj.Metadata.Labels[k], v)
		}
	}
}

// checkAppliedAsRendered: the objects the Application manages are exactly the objects
// berth render prints for the environment, and each live object holds every field
// berth render gives it, with the same value (the API server adds defaults and status;
// Argo CD adds its tracking annotation).
func checkAppliedAsRendered(t *testing.T, descriptor, env, ns string, app application) {
	t.Helper()
	var out, errb bytes.Buffer
	if code := cli.Main([]string{"render", "-f", descriptor, "--env", env, "--kube-version", serverVersion(t)}, &out, &errb); code != 0 {
		t.Fatalf("berth render --env %s: exit %d\n%s", env, code, errb.String())
	}
	var rendered, managed []string
	for _, doc := range releaseutil.SplitManifests(out.String()) {
		var obj map[string]any
		if err := sigsyaml.Unmarshal([]byte(doc), &obj); err != nil {
			t.Fatal(err)
		}
		if obj == nil {
			continue
		}
		kind := obj["kind"].(string)
		name := obj["metadata"].(map[string]any)["name"].(string)
		rendered = append(rendered, kind+"/"+name)
		var live map[string]any
		if err := json.Unmarshal([]byte(kubectl(t, "get", kind, name, "-n", ns, "-o", "json")), &live); err != nil {
			t.Fatal(err)
		}
		for _, d := range subsetDiff(kind+"/"+name, obj, live) {
			t.Errorf("%s: applied differs from berth render: %s", env, d)
		}
	}
	for _, r := range app.Status.Resources {
		managed = append(managed, r.Kind+"/"+r.Name)
	}
	sort.Strings(rendered)
	sort.Strings(managed)
	if !slices.Equal(rendered, managed) {
		t.Errorf("%s: Argo CD manages %v, berth render prints %v", env, managed, rendered)
	}
}

// serverVersion is the cluster's Kubernetes version without the v.
func serverVersion(t *testing.T) string {
	t.Helper()
	var v struct {
		ServerVersion struct {
			GitVersion string `json:"gitVersion"`
		} `json:"serverVersion"`
	}
	if err := json.Unmarshal([]byte(kubectl(t, "version", "-o", "json")), &v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(v.ServerVersion.GitVersion, "v")
}

// subsetDiff lists where got lacks or differs from a field of want. Lists must have
// the same length; an empty map or list in want may be absent from got (the API
// server drops some).
func subsetDiff(path string, want, got any) []string {
	switch w := want.(type) {
	case nil:
		return nil
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			if got == nil && len(w) == 0 {
				return nil
			}
			return []string{fmt.Sprintf("%s: want an object, got %s", path, jsonBytes(got))}
		}
		var diffs []string
		for _, k := range slices.Sorted(maps.Keys(w)) {
			gv, found := g[k]
			if !found && !isEmpty(w[k]) {
				diffs = append(diffs, fmt.Sprintf("%s.%s: missing (want %s)", path, k, jsonBytes(w[k])))
				continue
			}
			diffs = append(diffs, subsetDiff(path+"."+k, w[k], gv)...)
		}
		return diffs
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			if got == nil && len(w) == 0 {
				return nil
			}
			return []string{fmt.Sprintf("%s: want %s, got %s", path, jsonBytes(w), jsonBytes(got))}
		}
		var diffs []string
		for i := range w {
			diffs = append(diffs, subsetDiff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i])...)
		}
		return diffs
	default:
		if !reflect.DeepEqual(want, got) {
			return []string{fmt.Sprintf("%s: want %s, got %s", path, jsonBytes(want), jsonBytes(got))}
		}
		return nil
	}
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}

// checkGitOpsFlow: a commit that changes staging reaches staging only; self-heal
// reverts a manual edit in dev; prod keeps a manual edit and shows it as OutOfSync.
func checkGitOpsFlow(t *testing.T, a *argocd, repo *gitopsRepo, svc *model.Service) {
	t.Helper()
	before := map[string][]pod{}
	for _, env := range argocdEnvs {
		before[env] = pods(t, envNamespace(svc, env))
	}
	repo.writeFile(t, "config/greeting-staging.txt", "hello from staging, second edition\n")
	repo.editDescriptor(t, func(doc map[string]any) {
		doc["environments"].(map[string]any)["staging"].(map[string]any)["replicas"] = 3
	})
	repo.generate(t)
	committed := time.Now()
	changed, head := repo.commit(t, "staging: three replicas and a new greeting")
	if want := []string{"config/greeting-staging.txt", "deploy/values-staging.yaml", "service.yaml"}; !slices.Equal(changed, want) {
		t.Errorf("the commit changed %v, want %v: berth generate touched another environment", changed, want)
	}
	for _, env := range argocdEnvs {
		refresh(t, svc.Name+"-"+env)
	}
	stagingNS := envNamespace(svc, "staging")
	a.waitApp(t, svc.Name+"-staging", 4*time.Minute, "Synced and Healthy at "+head, func(app application) bool {
		return synced(app) && slices.Contains(app.Status.Sync.Revisions, head) && readyReplicas(t, stagingNS, svc.Name) == 3
	})
	t.Logf("commit to staging Synced and Healthy with 3 Ready replicas: %v", time.Since(committed).Round(time.Second))
	if after := pods(t, stagingNS); len(after) != 3 || containsUIDs(after, before["staging"][:1]) {
		t.Errorf("staging did not roll to 3 new pods: before %d, after %d", len(before["staging"]), len(after))
	}
	var cm struct {
		Data map[string]string `json:"data"`
	}
	if err := json.Unmarshal([]byte(kubectl(t, "get", "configmap", "-n", stagingNS, "-l", "app.kubernetes.io/name="+svc.Name, "-o", "jsonpath={.items[0]}")), &cm); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cm.Data["greeting.txt"], "second edition") {
		t.Errorf("staging's ConfigMap holds %v", cm.Data)
	}
	for _, env := range []string{"dev", "prod"} {
		app := a.waitApp(t, svc.Name+"-"+env, 2*time.Minute, "compared with "+head, func(app application) bool {
			return slices.Contains(app.Status.Sync.Revisions, head)
		})
		if !synced(app) {
			t.Errorf("%s is %s/%s after a commit that did not change it", env, app.Status.Sync.Status, app.Status.Health.Status)
		}
		if after := pods(t, envNamespace(svc, env)); !sameUIDs(before[env], after) {
			t.Errorf("%s's pods changed after a commit to staging", env)
		}
	}

	// A manual edit of a field Argo CD applied: dev reverts it, prod keeps it.
	for _, env := range []string{"dev", "prod"} {
		kubectl(t, "set", "env", "deployment/"+svc.Name, "-n", envNamespace(svc, env), "-c", svc.Name, "LOG_LEVEL=edited-by-hand")
	}
	devNS := envNamespace(svc, "dev")
	want := svc.Environment("dev").Env["LOG_LEVEL"]
	healed := time.Now()
	a.waitApp(t, svc.Name+"-dev", 2*time.Minute, "self-healed back to LOG_LEVEL="+want, func(app application) bool {
		return synced(app) && envValue(t, devNS, svc.Name, "LOG_LEVEL") == want
	})
	t.Logf("dev: a manual edit reverted by self-heal in %v", time.Since(healed).Round(time.Second))
	a.waitApp(t, svc.Name+"-prod", time.Minute, "OutOfSync after a manual edit", func(app application) bool {
		return app.Status.Sync.Status == "OutOfSync"
	})
	if got := envValue(t, envNamespace(svc, "prod"), svc.Name, "LOG_LEVEL"); got != "edited-by-hand" {
		t.Errorf("prod's manual edit was reverted (LOG_LEVEL=%q) although prod does not self-heal", got)
	}
}

// envValue is a variable's value in the Deployment's container of that name.
func envValue(t *testing.T, ns, name, variable string) string {
	t.Helper()
	return kubectl(t, "get", "deployment", name, "-n", ns, "-o",
		fmt.Sprintf(`jsonpath={.spec.template.spec.containers[?(@.name=="%s")].env[?(@.name=="%s")].value}`, name, variable))
}

func readyReplicas(t *testing.T, ns, name string) int {
	t.Helper()
	var n int
	fmt.Sscan(kubectl(t, "get", "deployment", name, "-n", ns, "-o", "jsonpath={.status.readyReplicas}"), &n)
	return n
}

// TestSubsetDiff: the comparison the cluster tests use between what berth renders and
// what the API server stores.
func TestSubsetDiff(t *testing.T) {
	rendered := map[string]any{"spec": map[string]any{"minReadySeconds": 0.0, "replicas": 2.0, "volumes": []any{map[string]any{"emptyDir": map[string]any{}}}}}
	for name, c := range map[string]struct {
		stored map[string]any
		diffs  int
	}{
		"defaults added":          {map[string]any{"spec": map[string]any{"minReadySeconds": 0.0, "replicas": 2.0, "paused": false, "volumes": []any{map[string]any{"emptyDir": map[string]any{}}}}}, 0},
		"an empty object dropped": {map[string]any{"spec": map[string]any{"minReadySeconds": 0.0, "replicas": 2.0, "volumes": []any{map[string]any{}}}}, 0},
		"a zero dropped":          {map[string]any{"spec": map[string]any{"replicas": 2.0, "volumes": []any{map[string]any{"emptyDir": map[string]any{}}}}}, 1},
		"a value rewritten":       {map[string]any{"spec": map[string]any{"minReadySeconds": 0.0, "replicas": "2", "volumes": []any{map[string]any{"emptyDir": map[string]any{}}}}}, 1},
		"a list grown":            {map[string]any{"spec": map[string]any{"minReadySeconds": 0.0, "replicas": 2.0, "volumes": []any{map[string]any{}, map[string]any{}}}}, 1},
		"nothing stored":          {nil, 1},
	} {
		var stored any = c.stored
		if c.stored == nil {
			stored = nil
		}
		if got := subsetDiff("Deployment/x", rendered, stored); len(got) != c.diffs {
			t.Errorf("%s: %d differences %q, want %d", name, len(got), got, c.diffs)
		}
	}
}
