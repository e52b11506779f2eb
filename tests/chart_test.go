package tests

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	helmchart "helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/lint"
	"helm.sh/helm/v3/pkg/lint/support"
	"helm.sh/helm/v3/pkg/releaseutil"
	"sigs.k8s.io/yaml"

	"github.com/berth-dev/berth/generator/chart"
	"github.com/berth-dev/berth/generator/model"
	"github.com/berth-dev/berth/tests/testutil"
)

const chartDir = "../charts/go-service"

// chartCases are value-file stacks, merged left to right as `helm -f` does. A name
// starting with "examples/" is one of the chart's own example files.
var chartCases = []struct {
	name  string
	files []string
}{
	{"defaults", []string{"minimal"}},
	{"config", []string{"minimal", "config"}},
	{"env", []string{"minimal", "env"}},
	{"probes", []string{"minimal", "probes"}},
	{"probes-off", []string{"minimal", "probes-off"}},
	{"ingress", []string{"minimal", "ingress"}},
	{"httproute", []string{"minimal", "httproute"}},
	{"hpa", []string{"minimal", "hpa"}},
	{"pdb-min-available", []string{"minimal", "pdb-min-available"}},
	{"networkpolicy", []string{"minimal", "networkpolicy"}},
	{"workload", []string{"minimal", "workload"}},
	{"batch", []string{"minimal", "batch"}},
	{"extraobjects-list", []string{"minimal", "extraobjects-list"}},
	{"extraobjects-map", []string{"minimal", "extraobjects-map"}},
	{"layered", []string{"minimal", "layer-base", "layer-env"}},
	{"example-dev", []string{"examples/values", "examples/values-dev"}},
	{"example-staging", []string{"examples/values", "examples/values-staging"}},
	{"example-prod", []string{"examples/values", "examples/values-prod"}},
}

func chartValuesPath(name string) string {
	if rest, ok := strings.CutPrefix(name, "examples/"); ok {
		return filepath.Join(chartDir, "examples", rest+".yaml")
	}
	return filepath.Join("testdata", "chart", name+".yaml")
}

func mergeChartValues(t *testing.T, names ...string) map[string]any {
	t.Helper()
	var files []chart.ValuesFile
	for _, n := range names {
		p := chartValuesPath(n)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, chart.ValuesFile{Name: p, Data: data})
	}
	vals, err := chart.MergeValues(files...)
	if err != nil {
		t.Fatal(err)
	}
	return vals
}

func embeddedChart(t *testing.T) *helmchart.Chart {
	t.Helper()
	ch, err := chart.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func renderChart(t *testing.T, names ...string) string {
	t.Helper()
	out, err := chart.Render(embeddedChart(t), mergeChartValues(t, names...), chart.Options{ReleaseName: "svc", Namespace: "apps", APIVersions: []string{serviceMonitorAPI}})
	if err != nil {
		t.Fatalf("render %v: %v", names, err)
	}
	return out
}

// serviceMonitorAPI is what a cluster with the Prometheus Operator serves.
const serviceMonitorAPI = "monitoring.coreos.com/v1/ServiceMonitor"

// TestChartServiceMonitorNeedsTheAPI: metrics.enabled renders a ServiceMonitor only where
// the cluster serves its API, so a chart with metrics on installs anywhere.
func TestChartServiceMonitorNeedsTheAPI(t *testing.T) {
	vals := mergeChartValues(t, "minimal", "batch")
	for _, api := range [][]string{nil, {"monitoring.coreos.com/v1"}, {serviceMonitorAPI}} {
		out, err := chart.Render(embeddedChart(t), vals, chart.Options{ReleaseName: "svc", Namespace: "apps", APIVersions: api})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Contains(out, "kind: ServiceMonitor"), api != nil; got != want {
			t.Errorf("api versions %v: ServiceMonitor rendered = %v, want %v", api, got, want)
		}
	}
}

// TestChartRender renders every case with the Helm SDK, compares it with its golden
// manifest, and checks each object strictly and against Pod Security "restricted".
func TestChartRender(t *testing.T) {
	for _, tc := range chartCases {
		t.Run(tc.name, func(t *testing.T) {
			out := renderChart(t, tc.files...)
			testutil.Golden(t, []byte(out))
			problems, err := testutil.Verify(out)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				t.Error(p)
			}
			checkLabels(t, out)
			if again := renderChart(t, tc.files...); again != out {
				t.Error("two renders of the same values differ")
			}
		})
	}
}

// checkLabels holds the label contract: selectors are name + instance only, and the pod
// template has no helm.sh/chart (a chart-only upgrade must not restart pods).
func checkLabels(t *testing.T, manifest string) {
	t.Helper()
	for _, doc := range releaseutil.SplitManifests(manifest) {
		var obj struct {
			Kind string
			Spec struct {
				Selector struct {
					MatchLabels map[string]string `json:"matchLabels"`
				}
				Template struct {
					Metadata struct {
						Labels map[string]string
					}
				}
			}
		}
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			t.Fatal(err)
		}
		if obj.Kind != "Deployment" {
			continue
		}
		keys := slices.Sorted(maps.Keys(obj.Spec.Selector.MatchLabels))
		if want := []string{"app.kubernetes.io/instance", "app.kubernetes.io/name"}; !slices.Equal(keys, want) {
			t.Errorf("selector labels %v, want %v", keys, want)
		}
		for k, v := range obj.Spec.Selector.MatchLabels {
			if obj.Spec.Template.Metadata.Labels[k] != v {
				t.Errorf("pod template label %s=%q, selector wants %q", k, obj.Spec.Template.Metadata.Labels[k], v)
			}
		}
		if _, ok := obj.Spec.Template.Metadata.Labels["helm.sh/chart"]; ok {
			t.Error("pod template carries helm.sh/chart")
		}
	}
}

// deployment decodes the one Deployment of a manifest.
func deployment(t *testing.T, manifest string) map[string]any {
	t.Helper()
	for _, doc := range releaseutil.SplitManifests(manifest) {
		var obj map[string]any
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			t.Fatal(err)
		}
		if obj["kind"] == "Deployment" {
			return obj
		}
	}
	t.Fatal("no Deployment rendered")
	return nil
}

func dig(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %v: not a map", p)
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("at %v: not a list that long", p)
			}
			v = l[k]
		}
	}
	return v
}

func mainContainer(t *testing.T, manifest string) map[string]any {
	t.Helper()
	return dig(t, deployment(t, manifest), "spec", "template", "spec", "containers", 0).(map[string]any)
}

func envNames(t *testing.T, container map[string]any) []string {
	t.Helper()
	var names []string
	for _, e := range container["env"].([]any) {
		names = append(names, e.(map[string]any)["name"].(string))
	}
	return names
}

// TestChartLayering pins Helm's merge rules as the chart sees them: maps merge, lists
// are replaced, null deletes a key that exists in an earlier file.
func TestChartLayering(t *testing.T) {
	c := mainContainer(t, renderChart(t, "minimal", "layer-base", "layer-env"))
	if got, want := envNames(t, c), []string{"ADD", "KEEP", "OVERRIDE", "GOMEMLIMIT"}; !slices.Equal(got, want) {
		t.Errorf("env names %v, want %v (sorted map, REMOVE deleted, GOMEMLIMIT last)", got, want)
	}
	if got := dig(t, c, "env", 2, "value"); got != "env" {
		t.Errorf("OVERRIDE = %v, want the later file's value", got)
	}
	if got := dig(t, c, "args"); !slices.Equal(toStrings(got), []string{"env-only"}) {
		t.Errorf("args %v, want the later list whole", got)
	}
	if ports := dig(t, c, "ports").([]any); len(ports) != 1 {
		t.Errorf("ports %v, want only http after metrics: null", ports)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// TestChartConfigChecksum: the checksum follows the config data and nothing else.
func TestChartConfigChecksum(t *testing.T) {
	checksum := func(names ...string) any {
		return dig(t, deployment(t, renderChart(t, names...)), "spec", "template", "metadata", "annotations", "checksum/config")
	}
	base := checksum("minimal", "config")
	if base == nil {
		t.Fatal("no checksum/config annotation with config files")
	}
	if changed := checksum("minimal", "config", "config-changed"); changed == base {
		t.Error("checksum did not change with the config data")
	}
	if relabeled := checksum("minimal", "config", "workload"); relabeled != base {
		t.Error("checksum changed without a config change")
	}
	ch := embeddedChart(t)
	bumped := *ch
	meta := *ch.Metadata
	meta.Version = "9.9.9"
	bumped.Metadata = &meta
	out, err := chart.Render(&bumped, mergeChartValues(t, "minimal", "config"), chart.Options{ReleaseName: "svc", Namespace: "apps"})
	if err != nil {
		t.Fatal(err)
	}
	if got := dig(t, deployment(t, out), "spec", "template"); !equalYAML(t, got, dig(t, deployment(t, renderChart(t, "minimal", "config")), "spec", "template")) {
		t.Error("a chart version bump changed the pod template (pods would restart)")
	}
}

func equalYAML(t *testing.T, a, b any) bool {
	t.Helper()
	ya, err := yaml.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	yb, err := yaml.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(ya) == string(yb)
}

// TestChartAutoscalingOmitsReplicas: with an HPA the Deployment must not fight it.
func TestChartAutoscalingOmitsReplicas(t *testing.T) {
	d := deployment(t, renderChart(t, "minimal", "hpa"))
	if _, ok := d["spec"].(map[string]any)["replicas"]; ok {
		t.Error("Deployment has replicas while autoscaling is on")
	}
}

// TestChartPDBFollowsReplicas: a PDB exists exactly when more than one pod can run.
func TestChartPDBFollowsReplicas(t *testing.T) {
	for _, tc := range []struct {
		files []string
		want  bool
	}{
		{[]string{"minimal"}, false},
		{[]string{"minimal", "pdb-min-available"}, true},
		{[]string{"minimal", "hpa"}, true},
	} {
		got := strings.Contains(renderChart(t, tc.files...), "kind: PodDisruptionBudget")
		if got != tc.want {
			t.Errorf("%v: PDB rendered = %v, want %v", tc.files, got, tc.want)
		}
	}
}

// TestChartArgoSafe: no template function that differs between `helm install` and
// Argo CD's `helm template` (cluster lookups, randomness, time, install/upgrade state).
func TestChartArgoSafe(t *testing.T) {
	forbidden := regexp.MustCompile(`\b(lookup|randAlphaNum|randAlpha|randNumeric|randAscii|randBytes|randInt|uuidv4|now|date|dateInZone|unixEpoch|genPrivateKey|genCA|genSelfSignedCert|genSignedCert)\b|\.Release\.(IsInstall|IsUpgrade|Revision)`)
	files, err := filepath.Glob(filepath.Join(chartDir, "templates", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			if m := forbidden.FindString(line); m != "" {
				t.Errorf("%s:%d: %s is not Argo CD-safe", f, i+1, m)
			}
		}
		// A Helm hook must be an Argo CD hook too, said explicitly, or Argo CD and Helm
		// would run it at different times.
		if helm, argo := strings.Count(string(data), "helm.sh/hook:"), strings.Count(string(data), "argocd.argoproj.io/hook:"); helm != argo {
			t.Errorf("%s: %d helm.sh/hook annotations but %d argocd.argoproj.io/hook", f, helm, argo)
		}
	}
}

// TestChartRejectsInvalidValues: bad values fail `helm template` (schema or template
// checks) with a message that names the key.
func TestChartRejectsInvalidValues(t *testing.T) {
	for _, tc := range []struct {
		name, values, want string
	}{
		{"no image", "image: {repository: ''}", "image.repository is required"},
		{"unknown key", "replicaCount: 3", "replicaCount"},
		{"probe typo", "probes: {liveness: {pth: /x}}", "pth"},
		{"probe type", "probes: {liveness: {type: https}}", "/probes/liveness/type"},
		{"exec without command", "probes: {readiness: {type: exec}}", "/probes/readiness"},
		{"probe port not declared", "probes: {liveness: {port: admin}}", `probes.liveness.port: "admin" is not a port name in ports (have: http)`},
		{"bad port name", "ports: {HTTP_MAIN: 8080}", "HTTP_MAIN"},
		{"port out of range", "ports: {http: 70000}", "/ports/http"},
		{"env two sources", "env: {X: {value: a, fieldRef: {fieldPath: status.podIP}}}", "/env/X"},
		{"env bad name", "env: {'BAD NAME': x}", "BAD NAME"},
		{"envFrom both", "envFrom: {a: {configMap: c, secret: s}}", "/envFrom/a"},
		{"hostPath volume", "volumes: {h: {mountPath: /h, hostPath: {path: /}}}", "hostPath"},
		{"two volume sources", "volumes: {v: {mountPath: /v, emptyDir: {}, secret: {secretName: s}}}", "/volumes/v"},
		{"bad quantity", "resources: {limits: {memory: lots}}", "/resources/limits/memory"},
		{"security context typo", "securityContext: {runAsUserr: 1}", "runAsUserr"},
		{"pdb not a percent", "podDisruptionBudget: {minAvailable: '50'}", "/podDisruptionBudget/minAvailable"},
		{"replicas string", "replicas: '3'", "/replicas"},
		{"pull policy", "image: {pullPolicy: Sometimes}", "/image/pullPolicy"},
		{"sidecar with name", "sidecars: {p: {name: q, image: p:1}}", "/sidecars/p/name"},
		{"sidecar without image", "sidecars: {p: {command: [x]}}", "/sidecars/p"},
		{"route without gateway", "httpRoute: {enabled: true}", "httpRoute.parentRefs: name at least one Gateway"},
		{"hpa without target", "autoscaling: {enabled: true, targetCPU: 0}", "autoscaling: set targetCPU, targetMemory or metrics"},
		{"ingress port not declared", "ingress: {enabled: true, hosts: {a.example.com: {paths: {/: {port: grpc}}}}}", `"grpc" is not a port name in ports`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vals, err := chart.MergeValues(
				chart.ValuesFile{Name: "minimal", Data: testutil.ReadFile(t, chartValuesPath("minimal"))},
				chart.ValuesFile{Name: "bad", Data: []byte(tc.values)},
			)
			if err != nil {
				t.Fatal(err)
			}
			_, err = chart.Render(embeddedChart(t), vals, chart.Options{ReleaseName: "svc", Namespace: "apps"})
			if err == nil {
				t.Fatalf("rendered; want an error mentioning %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\nwant it to mention %q", err, tc.want)
			}
		})
	}
}

// TestChartLintStrict runs Helm's linter as `helm lint --strict` does (warnings fail) on
// the chart's defaults and on each example environment.
func TestChartLintStrict(t *testing.T) {
	kv, err := chartutil.ParseKubeVersion(chart.DefaultKubeVersion)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range [][]string{
		nil,
		{"examples/values", "examples/values-dev"},
		{"examples/values", "examples/values-staging"},
		{"examples/values", "examples/values-prod"},
	} {
		vals := map[string]any{}
		if tc != nil {
			vals = mergeChartValues(t, tc...)
		}
		linter := lint.AllWithKubeVersion(chartDir, vals, "apps", kv)
		for _, m := range linter.Messages {
			if m.Severity >= support.WarningSev {
				t.Errorf("%v: %s", tc, m)
			} else {
				t.Logf("%v: %s", tc, m)
			}
		}
	}
}

// kubeScoreSkips are the kube-score checks skipped on purpose; the chart README's
// kube-score table must list exactly these, with the reason.
var kubeScoreSkips = []string{"container-image-pull-policy", "container-cpu-limit"}

// TestChartKubeScore: no CRITICAL finding at the defaults and for each example
// environment (kube-score exits 1 on a CRITICAL).
func TestChartKubeScore(t *testing.T) {
	bin := tool(t, "kube-score-v1.20.0/kube-score")
	for _, tc := range chartCases {
		if tc.name != "defaults" && !strings.HasPrefix(tc.name, "example-") {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"score", "--output-format", "ci", "--ignore-container-cpu-limit"}
			for _, s := range kubeScoreSkips {
				if s != "container-cpu-limit" {
					args = append(args, "--ignore-test", s)
				}
			}
			cmd := exec.Command(bin, append(args, "-")...)
			cmd.Stdin = strings.NewReader(renderChart(t, tc.files...))
			out, err := cmd.CombinedOutput()
			for _, line := range strings.Split(string(out), "\n") {
				if strings.HasPrefix(line, "[CRITICAL]") {
					t.Error(line)
				}
			}
			if err != nil {
				t.Errorf("kube-score: %v\n%s", err, out)
			}
		})
	}
}

// TestChartREADMEKubeScoreSkips: every deliberate skip is documented, and nothing else.
func TestChartREADMEKubeScoreSkips(t *testing.T) {
	section := regexp.MustCompile("(?s)<!-- kube-score-skips:start -->(.*)<!-- kube-score-skips:end -->").FindSubmatch(testutil.ReadFile(t, filepath.Join(chartDir, "README.md")))
	if section == nil {
		t.Fatal("chart README has no kube-score-skips section")
	}
	var documented []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z-]+)`").FindAllSubmatch(section[1], -1) {
		documented = append(documented, string(m[1]))
	}
	if !slices.Equal(documented, kubeScoreSkips) {
		t.Errorf("README documents skips %v, the test skips %v", documented, kubeScoreSkips)
	}
}

// TestChartValidateAgreesWithHelm: berth's compiled-once validation and Helm's own
// chartutil.ValidateAgainstSchema accept and reject the same values.
func TestChartValidateAgreesWithHelm(t *testing.T) {
	ch := embeddedChart(t)
	var cases []map[string]any
	for _, tc := range chartCases {
		cases = append(cases, mergeChartValues(t, tc.files...))
	}
	for _, bad := range []string{"replicaCount: 3", "probes: {liveness: {type: https}}", "ports: {http: 70000}", "env: {X: {value: a, fieldRef: {fieldPath: a}}}", "podDisruptionBudget: {minAvailable: '50'}"} {
		vals, err := chart.MergeValues(chart.ValuesFile{Name: "bad", Data: []byte(bad)})
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, vals)
	}
	for i, vals := range cases {
		ours := chart.Validate(ch, vals)
		coalesced, err := chartutil.CoalesceValues(ch, vals)
		if err != nil {
			t.Fatal(err)
		}
		helms := chartutil.ValidateAgainstSchema(ch, coalesced)
		if (ours == nil) != (helms == nil) {
			t.Errorf("case %d: berth says %v, Helm says %v", i, ours, helms)
		}
	}
}

// TestChartMirrorMatchesDockerfile: the chart's registry mirror names every image as
// model.Mirror (used for the Dockerfile's FROM lines) does, for every form of reference.
func TestChartMirrorMatchesDockerfile(t *testing.T) {
	refs := []string{
		"busybox:1.37", "library/busybox:1.37", "docker.io/library/busybox:1.37", "acme/tool:2",
		"gcr.io/distroless/static-debian13:nonroot", "registry.example.com:5000/team/img:1.0",
		"localhost/img:1", "localhost:5000/a/b/c:1", "ghcr.io/acme/x@sha256:" + strings.Repeat("a", 64),
		"registry.internal:5000/mirror/already/there:1",
	}
	for _, registry := range []string{"registry.internal:5000/mirror", "mirror.example.com"} {
		sidecars := map[string]any{}
		for i, ref := range refs {
			sidecars[fmt.Sprintf("c%02d", i)] = map[string]any{"image": ref}
		}
		vals := mergeChartValues(t, "minimal")
		vals["sidecars"] = sidecars
		vals["global"] = map[string]any{"imageRegistry": registry}
		out, err := chart.Render(embeddedChart(t), vals, chart.Options{ReleaseName: "svc", Namespace: "apps"})
		if err != nil {
			t.Fatal(err)
		}
		inits := dig(t, deployment(t, out), "spec", "template", "spec", "initContainers").([]any)
		for i, ref := range refs {
			got := inits[i].(map[string]any)["image"]
			if want := model.Mirror(ref, registry); got != want {
				t.Errorf("%s in %s: chart %v, model.Mirror %s", ref, registry, got, want)
			}
		}
	}
}
