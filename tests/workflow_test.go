package tests

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/berth-dev/berth/generator/pipeline"
	"github.com/berth-dev/berth/tests/testutil"
)

const releaseWorkflow = "../.github/workflows/release.yml"

// actionlint runs the pinned actionlint with Debian's shellcheck on the run: scripts;
// both are required under CI=true.
func actionlint(t *testing.T, files ...string) (string, error) {
	t.Helper()
	bin := tool(t, "actionlint-v1.7.12/actionlint")
	shellcheck, err := exec.LookPath("shellcheck")
	if err != nil {
		msg := "\n\n*** shellcheck is missing (Debian's shellcheck package); actionlint would skip the run: scripts ***\n\n"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip("SKIPPING:" + msg)
	}
	out, err := exec.Command(bin, append([]string{"-no-color", "-shellcheck", shellcheck}, files...)...).CombinedOutput()
	return string(out), err
}

// TestReleaseWorkflowLint: actionlint (with shellcheck) finds nothing in the release
// workflow, and finds what is wrong in broken copies of it, so the check can fail.
func TestReleaseWorkflowLint(t *testing.T) {
	if out, err := actionlint(t, releaseWorkflow); err != nil {
		t.Fatalf("actionlint: %v\n%s", err, out)
	}
	src := string(testutil.ReadFile(t, releaseWorkflow))
	for name, c := range map[string]struct{ from, to, want string }{
		"an unknown job in needs":  {"needs: test\n    runs-on: ubuntu-24.04\n    timeout-minutes: 20", "needs: tests\n    runs-on: ubuntu-24.04\n    timeout-minutes: 20", `job "chart" needs job "tests" which does not exist`},
		"an undefined step output": {"steps.build.outputs.digest }}\n        run: cosign", "steps.bulid.outputs.digest }}\n        run: cosign", `property "bulid" is not defined`},
		"a shell mistake":          {`if [ -z "$digest" ]; then`, `if [ -z $digest ]; then`, "SC2086"},
	} {
		broken := strings.Replace(src, c.from, c.to, 1)
		if broken == src {
			t.Fatalf("%s: the workflow no longer contains %q", name, c.from)
		}
		file := filepath.Join(t.TempDir(), "release.yml")
		if err := os.WriteFile(file, []byte(broken), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := actionlint(t, file); err == nil || !strings.Contains(out, c.want) {
			t.Errorf("%s: actionlint err %v, output %q; want it to report %q", name, err, out, c.want)
		}
	}
}

type workflow struct {
	On          map[string]any `yaml:"on"`
	Permissions map[string]string
	Jobs        map[string]struct {
		Needs       any
		If          string
		Permissions map[string]string
		Steps       []struct {
			Uses string
			Run  string
			With map[string]any
		}
	}
}

// TestReleaseWorkflow: what the release workflow must do, beyond being well formed.
// Every action is pinned by commit with its release in a comment; the workflow's token
// has no permission by default and each job only what it uses (id-token only where
// cosign signs); the test job runs what CI runs; the chart job packages with make chart
// and pushes and signs the digest; the image job builds berth's descriptor for both
// platforms with provenance and signs by digest; berth lint finds nothing in it.
func TestReleaseWorkflow(t *testing.T) {
	src := string(testutil.ReadFile(t, releaseWorkflow))
	var wf workflow
	if err := yaml.Unmarshal([]byte(src), &wf); err != nil {
		t.Fatal(err)
	}
	pinned := regexp.MustCompile(`^\s*(?:- )?uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$`)
	for i, line := range strings.Split(src, "\n") {
		if strings.Contains(line, "uses:") && !strings.HasPrefix(strings.TrimSpace(line), "#") && !pinned.MatchString(line) {
			t.Errorf("release.yml:%d: an action not pinned by commit with its release as a comment: %s", i+1, strings.TrimSpace(line))
		}
	}
	if wf.Permissions == nil || len(wf.Permissions) != 0 {
		t.Errorf("the workflow's default permissions are %v, want {}", wf.Permissions)
	}
	want := map[string]map[string]string{
		"test":  {"contents": "read"},
		"chart": {"contents": "read", "packages": "write", "id-token": "write"},
		"image": {"contents": "write", "packages": "write", "id-token": "write"},
	}
	for name, job := range wf.Jobs {
		if !maps.Equal(job.Permissions, want[name]) {
			t.Errorf("job %s has permissions %v, want %v", name, job.Permissions, want[name])
		}
		if name != "test" && job.Needs != "test" {
			t.Errorf("job %s does not wait for the tests (needs: %v)", name, job.Needs)
		}
	}
	if len(wf.Jobs) != len(want) {
		t.Errorf("jobs %v, want %v", slices.Sorted(maps.Keys(wf.Jobs)), slices.Sorted(maps.Keys(want)))
	}
	runs := func(job string) string {
		var all []string
		for _, s := range wf.Jobs[job].Steps {
			all = append(all, s.Run)
		}
		return strings.Join(all, "\n")
	}
	for job, wants := range map[string][]string{
		"test":  {"CI=true bash .ci/run"},
		"chart": {"make chart", "make -s print-HELM", `push "dist/go-service-$version.tgz"`, `cosign sign --yes "$repo/go-service@$digest"`},
		"image": {"cp .github/berth/service.yaml service.yaml", "go run . generate -f service.yaml", `cosign sign --yes --recursive "$IMAGE@$DIGEST"`, "--target artifacts", "go run . sbom", "go run . verify --values pinned.yaml --dist", "cosign sign-blob"},
	} {
		for _, w := range wants {
			if !strings.Contains(runs(job), w) {
				t.Errorf("job %s does not run %q", job, w)
			}
		}
	}
	var build map[string]any
	for _, s := range wf.Jobs["image"].Steps {
		if strings.HasPrefix(s.Uses, "docker/build-push-action@") {
			build = s.With
		}
	}
	for key, want := range map[string]string{"platforms": "linux/amd64,linux/arm64", "provenance": "mode=max", "file": "Dockerfile"} {
		if build[key] != want {
			t.Errorf("build-push-action %s = %v, want %s", key, build[key], want)
		}
	}
	if outputs, _ := build["outputs"].(string); !strings.Contains(outputs, "rewrite-timestamp=true") || !strings.Contains(build["build-args"].(string), "SOURCE_DATE_EPOCH=") {
		t.Errorf("the image build is not reproducible: outputs %v, build-args %v", build["outputs"], build["build-args"])
	}
	// The Makefile variables the workflow asks for.
	for v, want := range map[string]string{"HELM": "bin/helm-v4.", "CHART_VERSION": embeddedChart(t).Metadata.Version} {
		out, err := exec.Command("make", "-s", "-C", "..", "print-"+v).Output()
		if got := strings.TrimSpace(string(out)); err != nil || !strings.HasPrefix(got, want) {
			t.Errorf("make print-%s = %q (%v), want %s…", v, got, err, want)
		}
	}
	if code, stdout, stderr := runBerth(t, "", "lint", releaseWorkflow); code != 0 || stdout != "" {
		t.Errorf("berth lint release.yml: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestBerthDescriptor: berth's own descriptor (the release workflow's image) generates
// at the module root: a Dockerfile that stamps the version berth version prints, and
// no ports (a command-line tool).
func TestBerthDescriptor(t *testing.T) {
	// The descriptor as if it were the module root's service.yaml.
	res, err := pipeline.Generate("service.yaml", testutil.ReadFile(t, "../.github/berth/service.yaml"), os.DirFS(".."))
	if err != nil {
		t.Fatal(err)
	}
	var df string
	for _, f := range res.Files {
		if f.Path == "Dockerfile" {
			df = string(f.Data)
		}
	}
	for _, want := range []string{
		`-X github.com/berth-dev/berth/generator/cli.Version=${VERSION}`,
		`-o /out/bin/berth .`,
		`ENTRYPOINT ["/berth"]`,
		"FROM gcr.io/distroless/static-debian13:nonroot\n",
	} {
		if !strings.Contains(df, want) {
			t.Errorf("berth's Dockerfile lacks %q", want)
		}
	}
	if strings.Contains(df, "EXPOSE 8080") {
		t.Error("berth's Dockerfile exposes a port; berth listens on none")
	}
}
