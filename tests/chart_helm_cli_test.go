package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/berth-dev/berth/generator/chart"
)

// helmCLIs are the oldest Helm the chart supports (3.16: gojsonschema validates values)
// and the newest (4.x, what Argo CD bundles: santhosh-tekuri/jsonschema validates).
var helmCLIs = []string{"helm-v3.16.4/helm", "helm-v4.3.1/helm"}

func runHelm(t *testing.T, bin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	// A private HOME: no user repositories, plugins or caches change the result.
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "HOME="+home, "HELM_CACHE_HOME="+home, "HELM_CONFIG_HOME="+home, "HELM_DATA_HOME="+home)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// documents splits a manifest into its documents without the blank lines around them,
// which differ between Helm 3 and Helm 4 and mean nothing to YAML.
func documents(manifest string) string {
	var docs []string
	for _, d := range strings.Split(manifest, "\n---\n") {
		if d = strings.Trim(d, "\n"); d != "" && d != "---" {
			docs = append(docs, strings.TrimPrefix(d, "---\n"))
		}
	}
	return strings.Join(docs, "\n---\n") + "\n"
}

func valueFlags(names []string) []string {
	var args []string
	for _, n := range names {
		args = append(args, "-f", chartValuesPath(n))
	}
	return args
}

// TestChartHelmCLIs: the real `helm template` of each supported Helm prints exactly what
// berth renders in-process, `helm lint --strict` is clean, and the schema rejects bad
// values under both JSON Schema validators Helm has shipped.
func TestChartHelmCLIs(t *testing.T) {
	for _, rel := range helmCLIs {
		t.Run(filepath.Dir(rel), func(t *testing.T) {
			bin := tool(t, rel)
			for _, tc := range chartCases {
				args := append([]string{"template", "svc", chartDir, "--namespace", "apps", "--kube-version", chart.DefaultKubeVersion, "--api-versions", serviceMonitorAPI}, valueFlags(tc.files)...)
				out, stderr, err := runHelm(t, bin, args...)
				if err != nil {
					t.Errorf("%s: helm template: %v\n%s", tc.name, err, stderr)
					continue
				}
				if stderr != "" {
					t.Errorf("%s: helm template warned:\n%s", tc.name, stderr)
				}
				if want := documents(renderChart(t, tc.files...)); documents(out) != want {
					t.Errorf("%s: helm template differs from berth's render:\n%s", tc.name, lineDiff(want, documents(out)))
				}
			}
			for _, env := range []string{"dev", "staging", "prod"} {
				args := append([]string{"lint", "--strict", chartDir, "--namespace", "apps", "--kube-version", chart.DefaultKubeVersion}, valueFlags([]string{"examples/values", "examples/values-" + env})...)
				if out, stderr, err := runHelm(t, bin, args...); err != nil {
					t.Errorf("helm lint --strict (%s): %v\n%s%s", env, err, out, stderr)
				}
			}
			bad := filepath.Join(t.TempDir(), "bad.yaml")
			if err := os.WriteFile(bad, []byte("image: {repository: r}\nreplicaCount: 3\nprobes: {liveness: {type: https}}\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, out, err := runHelm(t, bin, "template", "svc", chartDir, "--kube-version", chart.DefaultKubeVersion, "-f", bad)
			if err == nil {
				t.Fatalf("helm template accepted invalid values:\n%s", out)
			}
			for _, want := range []string{"replicaCount", "type"} {
				if !strings.Contains(out, want) {
					t.Errorf("schema error does not mention %q:\n%s", want, out)
				}
			}
		})
	}
}

// lineDiff is a unified diff of two renders.
func lineDiff(want, got string) string {
	diff, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(want), B: difflib.SplitLines(got),
		FromFile: "berth", ToFile: "helm", Context: 2,
	})
	if err != nil {
		return err.Error()
	}
	return diff
}
