package tests

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/generator/chart"
	"github.com/berth-dev/berth/generator/pipeline"
	"github.com/berth-dev/berth/generator/values"
	"github.com/berth-dev/berth/tests/testutil"
)

// exampleEnvs lists each example with its environments ("" is the base alone).
func exampleEnvs(t *testing.T) map[string][]string {
	t.Helper()
	files, _ := filepath.Glob("../examples/*/service.yaml")
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	out := map[string][]string{}
	for _, f := range files {
		res := mustGenerate(t, f)
		envs := []string{""}
		for _, e := range res.Service.Environments {
			envs = append(envs, e.Name)
		}
		out[f] = envs
	}
	return out
}

// TestRenderExamples: `berth render` of every example and environment matches its golden
// manifest, decodes strictly, and passes Pod Security restricted.
func TestRenderExamples(t *testing.T) {
	for file, envs := range exampleEnvs(t) {
		example := filepath.Base(filepath.Dir(file))
		for _, env := range envs {
			name := example + "-" + cmpOr(env, "base")
			t.Run(name, func(t *testing.T) {
				args := []string{"render", "-f", file}
				if env != "" {
					args = append(args, "--env", env)
				}
				code, out, stderr := runBerth(t, "", args...)
				if code != 0 {
					t.Fatalf("berth render: exit %d\n%s", code, stderr)
				}
				testutil.Golden(t, []byte(out))
				problems, err := testutil.Verify(out)
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range problems {
					t.Error(p)
				}
			})
		}
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// TestRenderAsArgoCD: Argo CD runs `helm template` (Helm 4) on the chart with the
// committed value files in order and no cluster; that prints what `berth render` does.
func TestRenderAsArgoCD(t *testing.T) {
	bin := tool(t, "helm-v4.3.1/helm")
	for file, envs := range exampleEnvs(t) {
		dir := filepath.Dir(file)
		res := mustGenerate(t, file)
		for _, env := range envs[1:] {
			t.Run(filepath.Base(dir)+"-"+env, func(t *testing.T) {
				ns := "default"
				if a := res.Service.ArgoCD; a != nil {
					ns = strings.ReplaceAll(a.Namespace, "{{env}}", env)
				}
				out, stderr, err := runHelm(t, bin, "template", res.Service.Name, chartDir,
					"--namespace", ns, "--kube-version", chart.DefaultKubeVersion, "--include-crds",
					"-f", filepath.Join(dir, filepath.FromSlash(values.File(""))),
					"-f", filepath.Join(dir, filepath.FromSlash(values.File(env))))
				if err != nil || stderr != "" {
					t.Fatalf("helm template: %v\n%s", err, stderr)
				}
				want, err := pipeline.Render(res, pipeline.RenderOptions{Env: env})
				if err != nil {
					t.Fatal(err)
				}
				if documents(out) != documents(want) {
					t.Errorf("helm template differs from berth render:\n%s", lineDiff(documents(want), documents(out)))
				}
			})
		}
	}
}

// TestRenderErrors: a bad environment is named with the ones that exist.
func TestRenderErrors(t *testing.T) {
	code, _, stderr := runBerth(t, "", "render", "-f", "../examples/hello/service.yaml", "--env", "qa")
	if code != 1 || !strings.Contains(stderr, `environment "qa" is not in the descriptor (have: dev, prod, staging)`) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
