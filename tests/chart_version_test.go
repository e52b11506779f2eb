package tests

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Masterminds/semver/v3"
	"sigs.k8s.io/yaml"
)

// chartFiles are what a chart release is made of: a change to any of them since the
// last release needs a new version.
var chartFiles = []string{"templates", "values.yaml", "values.schema.json"}

// chartBumpProblem compares the chart at chartRel in a git work tree with the last
// release tag (go-service-X.Y.Z, highest version first): when its templates, values
// or schema changed since, Chart.yaml's version must be a greater semver. It returns
// the tag it compared with ("" when there is none) and the problem ("" when none).
func chartBumpProblem(repo, chartRel string) (tag, problem string, err error) {
	out, err := gitOut(repo, "tag", "--list", "go-service-*", "--sort=-v:refname")
	if err != nil {
		return "", "", err
	}
	tags := strings.Fields(out)
	if len(tags) == 0 {
		return "", "", nil
	}
	tag = tags[0]
	released, err := semver.StrictNewVersion(strings.TrimPrefix(tag, "go-service-"))
	if err != nil {
		return tag, "", fmt.Errorf("release tag %s: %w", tag, err)
	}
	data, err := os.ReadFile(filepath.Join(repo, chartRel, "Chart.yaml"))
	if err != nil {
		return tag, "", err
	}
	var meta struct{ Version string }
	if err := yaml.Unmarshal(data, &meta); err != nil {
		return tag, "", err
	}
	current, err := semver.StrictNewVersion(meta.Version)
	if err != nil {
		return tag, fmt.Sprintf("Chart.yaml: version %q is not semver", meta.Version), nil
	}
	var paths []string
	for _, f := range chartFiles {
		paths = append(paths, filepath.ToSlash(filepath.Join(chartRel, f)))
	}
	changed, err := gitOut(repo, append([]string{"diff", "--name-only", tag, "--"}, paths...)...)
	if err != nil {
		return tag, "", err
	}
	switch {
	case current.LessThan(released):
		return tag, fmt.Sprintf("Chart.yaml: version %s is below the released %s", current, released), nil
	case strings.TrimSpace(changed) != "" && !current.GreaterThan(released):
		return tag, fmt.Sprintf("Chart.yaml: version %s was released as %s, and since then %s changed: raise the version (semver: a new value or template is minor, a fix patch, a removed or renamed value major)",
			current, tag, strings.Join(strings.Fields(changed), ", ")), nil
	}
	return tag, "", nil
}

func gitOut(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// TestChartVersionBumped: this repository's chart carries a version above its last
// release when its templates, values or schema changed since; and the check itself,
// on a repository made here: unchanged passes, a changed template without a bump
// fails naming the file, a bump passes, a lower version fails.
func TestChartVersionBumped(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is required")
	}
	if _, err := os.Stat("../.git"); err == nil {
		tag, problem, err := chartBumpProblem("..", "charts/go-service")
		if err != nil {
			t.Fatal(err)
		}
		if problem != "" {
			t.Error(problem)
		}
		if tag == "" {
			t.Log("no go-service-* release tag yet: the chart's first release will be its current version")
		}
	}

	repo := t.TempDir()
	write := func(rel, data string) {
		p := filepath.Join(repo, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) {
		if _, err := gitOut(repo, append([]string{"-c", "user.name=t", "-c", "user.email=t@example.invalid"}, args...)...); err != nil {
			t.Fatal(err)
		}
	}
	write("c/Chart.yaml", "apiVersion: v2\nname: go-service\nversion: 1.2.0\n")
	write("c/values.yaml", "replicaCount: 1\n")
	write("c/templates/deployment.yaml", "kind: Deployment\n")
	git("init", "-q")
	git("add", ".")
	git("commit", "-qm", "release")
	git("tag", "go-service-1.2.0")
	git("tag", "go-service-1.1.9")
	for _, step := range []struct {
		name, file, data, want string
	}{
		{"unchanged", "", "", ""},
		{"a Chart.yaml comment only", "c/Chart.yaml", "apiVersion: v2\nname: go-service\nversion: 1.2.0 # same\n", ""},
		{"a changed template", "c/templates/deployment.yaml", "kind: Deployment\nspec: {}\n", "since then c/templates/deployment.yaml changed"},
		{"the bump", "c/Chart.yaml", "apiVersion: v2\nname: go-service\nversion: 1.3.0\n", ""},
		{"a lower version", "c/Chart.yaml", "apiVersion: v2\nname: go-service\nversion: 1.1.0\n", "version 1.1.0 is below the released 1.2.0"},
		{"not semver", "c/Chart.yaml", "apiVersion: v2\nname: go-service\nversion: latest\n", `version "latest" is not semver`},
	} {
		if step.file != "" {
			write(step.file, step.data)
		}
		tag, problem, err := chartBumpProblem(repo, "c")
		if err != nil {
			t.Fatal(err)
		}
		if tag != "go-service-1.2.0" {
			t.Errorf("%s: compared with %q, want the highest release go-service-1.2.0", step.name, tag)
		}
		if (step.want == "") != (problem == "") || !strings.Contains(problem, step.want) {
			t.Errorf("%s: problem %q, want %q", step.name, problem, step.want)
		}
	}
}
