package tests

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/berth-dev/berth/generator/dockerfile"
	"github.com/berth-dev/berth/generator/lint"
	"github.com/berth-dev/berth/generator/model"
	"github.com/berth-dev/berth/generator/pipeline"
	"github.com/berth-dev/berth/generator/scaffold"
	"github.com/berth-dev/berth/tests/testutil"
)

// initCase is one fixture repository under testdata/init and what berth init must
// make of it: a service.yaml (golden) that generates without edits, or a clear error
// (golden).
type initCase struct {
	name    string   // golden file name
	dir     string   // directory berth init reads, relative to testdata/init
	args    []string // extra flags
	wantErr bool
	// facts the generated files must show, beyond the common checks
	dockerfileHas, ignoreHas []string
}

var initCases = []initCase{
	{name: "plain", dir: "plain"},
	{name: "multi-cmd", dir: "multi-cmd", dockerfileHas: []string{"-o /out/bin/api ./cmd/api", "-o /out/bin/migrate ./cmd/migrate", `ENTRYPOINT ["/api"]`, "ARG GO_VERSION=1.26.8\n", "golang:${GO_VERSION}-trixie"}},
	{name: "vendored", dir: "vendored", dockerfileHas: []string{"GOFLAGS=-mod=vendor"}},
	{name: "cgo-dep", dir: "cgo-dep", dockerfileHas: []string{"CGO_ENABLED=1", "gcr.io/distroless/base-debian13:nonroot"}},
	{name: "embed", dir: "embed", ignoreHas: []string{"!dist"}},
	{name: "workspace", dir: "workspace", dockerfileHas: []string{"EXPOSE 8000"}},
	{name: "tcp-server", dir: "tcp-server", dockerfileHas: []string{"EXPOSE 9000"}},
	{name: "reach", dir: "reach", dockerfileHas: []string{"EXPOSE 7000"}},
	{name: "framework", dir: "framework", dockerfileHas: []string{"./examples/server", "EXPOSE 8090"}},
	{name: "cgo-optional", dir: "cgo-optional", dockerfileHas: []string{"CGO_ENABLED=0", "FROM gcr.io/distroless/static-debian13:nonroot"}},
	{name: "udp-cli", dir: "udp-cli", dockerfileHas: []string{"EXPOSE 5514/udp", `CMD ["serve"]`, "COPY --from=build --chown=65532:65532 /out/empty/ /var/lib/syslogd/"}},
	{name: "worker", dir: "worker"},
	{name: "exporter", dir: "exporter", dockerfileHas: []string{"EXPOSE 9153\n", `CMD ["--config.file=/etc/dot-exporter/dot.yml"]`}},
	{name: "broker", dir: "broker", dockerfileHas: []string{"EXPOSE 4222\n"}},
	{name: "dns", dir: "dns", dockerfileHas: []string{"EXPOSE 53/udp\nEXPOSE 53\n"}},
	{name: "two-servers", dir: "two-servers", dockerfileHas: []string{"EXPOSE 9090\nEXPOSE 8080\n"}},
	{name: "overrides", dir: "multi-cmd", args: []string{"--name", "shop-api", "--main", "./cmd/api", "--runtime", "alpine", "--port", "http=9000", "--port", "metrics=9100", "--image", "registry.local/shop", "--env", "dev,prod"},
		dockerfileHas: []string{"FROM alpine:3.23", "EXPOSE 9000\nEXPOSE 9100"}},
	{name: "workspace-shared", dir: "workspace-shared", wantErr: true},
	{name: "workspace-shared-api", dir: "workspace-shared/api", wantErr: true},
	{name: "no-main", dir: "no-main", wantErr: true},
	{name: "cgo-on-scratch", dir: "cgo-dep", args: []string{"--runtime", "scratch"}, wantErr: true},
	{name: "unknown-main", dir: "multi-cmd", args: []string{"--main", "./cmd/nope"}, wantErr: true},
}

// TestInit runs berth init on each fixture (a copy, so nothing lands in the tree),
// compares service.yaml or the error with its golden file, then runs the rest of
// the chain without edits: validate, generate, BuildKit's linter on the Dockerfile,
// the .dockerignore against every file the build reads, and a render of every
// environment checked by Verify.
func TestInit(t *testing.T) {
	for _, tc := range initCases {
		t.Run(tc.name, func(t *testing.T) {
			root := copyFixtures(t)
			args := append([]string{"init", tc.dir}, tc.args...)
			code, stdout, stderr := runBerth(t, root, args...)
			if tc.wantErr {
				if code != 1 || stdout != "" {
					t.Fatalf("exit %d, stdout %q; want exit 1 and nothing written", code, stdout)
				}
				testutil.Golden(t, []byte(stderr))
				if _, err := os.Stat(filepath.Join(root, tc.dir, "service.yaml")); err == nil {
					t.Error("service.yaml written despite the error")
				}
				return
			}
			if code != 0 {
				t.Fatalf("berth init: exit %d\n%s", code, stderr)
			}
			file := filepath.Join(root, tc.dir, "service.yaml")
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			testutil.Golden(t, data)
			checkInitChain(t, tc, file)
		})
	}
}

func checkInitChain(t *testing.T, tc initCase, file string) {
	t.Helper()
	if code, _, stderr := runBerth(t, "", "validate", "-f", file); code != 0 {
		t.Fatalf("berth validate: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runBerth(t, "", "generate", "-f", file); code != 0 {
		t.Fatalf("berth generate: exit %d\n%s", code, stderr)
	}
	res := mustGenerate(t, file)
	ctx := filepath.Join(filepath.Dir(file), res.Service.Build.Context)
	df, ignore := testutil.ReadFile(t, filepath.Join(ctx, "Dockerfile")), testutil.ReadFile(t, filepath.Join(ctx, ".dockerignore"))
	bk, err := lint.BuildKit(df)
	if err != nil {
		t.Fatal(err)
	}
	if findings := testutil.DescribeBuildKit(bk); len(findings) > 0 {
		t.Errorf("BuildKit lint findings:\n%s", strings.Join(findings, "\n"))
	}
	problems, err := dockerfile.IgnoreProblems(res.Service, os.DirFS(filepath.Dir(file)), df, ignore)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf(".dockerignore: %s", p)
	}
	for _, want := range tc.dockerfileHas {
		if !strings.Contains(string(df), want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	for _, want := range tc.ignoreHas {
		if !strings.Contains(string(ignore), "\n"+want+"\n") {
			t.Errorf(".dockerignore lacks %q", want)
		}
	}
	envs := []string{""}
	for _, e := range res.Service.Environments {
		envs = append(envs, e.Name)
	}
	for _, env := range envs {
		out, err := pipeline.Render(res, pipeline.RenderOptions{Env: env})
		if err != nil {
			t.Fatalf("render %q: %v", env, err)
		}
		found, err := testutil.Verify(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range found {
			t.Errorf("render %q: %s", env, p)
		}
	}
}

// TestInitWritesSafely: --dry-run writes nothing, an existing service.yaml is kept
// without --force and replaced with it, and bad flags are usage errors.
func TestInitWritesSafely(t *testing.T) {
	root := copyFixtures(t)
	file := filepath.Join(root, "plain", "service.yaml")
	code, stdout, _ := runBerth(t, root, "init", "plain", "--dry-run")
	if code != 0 || !strings.HasPrefix(stdout, "# yaml-language-server: $schema=") {
		t.Fatalf("--dry-run: exit %d, output %q", code, stdout)
	}
	if _, err := os.Stat(file); err == nil {
		t.Fatal("--dry-run wrote service.yaml")
	}
	if err := os.WriteFile(file, []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runBerth(t, root, "init", "plain")
	if code != 1 || !strings.Contains(stderr, "already exists; use --force") || string(testutil.ReadFile(t, file)) != "mine\n" {
		t.Fatalf("without --force: exit %d, %q, file %q", code, stderr, testutil.ReadFile(t, file))
	}
	if code, _, stderr := runBerth(t, root, "init", "plain", "--force"); code != 0 || string(testutil.ReadFile(t, file)) != stdout {
		t.Fatalf("--force: exit %d %s; file differs from the dry run", code, stderr)
	}
	for _, bad := range [][]string{{"--port", "http"}, {"--port", "70000"}, {"--port", "8080", "--port", "http=9090"}, {"--runtime", "windows"}, {"--name", "Orders"}, {"--env", "Prod"}, {"a", "b"}} {
		if code, _, stderr := runBerth(t, root, append([]string{"init", "plain"}, bad...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage)\n%s", bad, code, stderr)
		}
	}
}

// copyFixtures copies testdata/init into a temporary directory.
func copyFixtures(t *testing.T) string {
	t.Helper()
	src, _ := filepath.Abs(filepath.Join("testdata", "init"))
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestInitAgreesWithExamples: berth init on each bundled example, with its
// hand-written service.yaml removed, finds the same binaries, cgo, vendor mode,
// port numbers and health paths as the people who wrote the descriptor.
func TestInitAgreesWithExamples(t *testing.T) {
	files, _ := filepath.Glob("../examples/*/service.yaml")
	for _, f := range files {
		name := filepath.Base(filepath.Dir(f))
		t.Run(name, func(t *testing.T) {
			want := mustGenerate(t, f).Service
			dir := filepath.Join(t.TempDir(), name)
			if err := os.CopyFS(dir, os.DirFS(filepath.Dir(f))); err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(filepath.Join(dir, "service.yaml")); err != nil {
				t.Fatal(err)
			}
			res, err := pipeline.Init(dir, scaffold.Options{Name: want.Name}, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := res.Generated.Service
			for _, c := range []struct{ what, got, want string }{
				{"binaries", fmt.Sprint(got.Build.Binaries), fmt.Sprint(want.Build.Binaries)},
				{"cgo", fmt.Sprint(got.Build.CGO), fmt.Sprint(want.Build.CGO)},
				{"vendor", fmt.Sprint(got.Build.Vendor), fmt.Sprint(want.Build.Vendor)},
				{"ports", portNumbers(got), portNumbers(want)},
				{"health", probePaths(got), probePaths(want)},
				{"args", fmt.Sprint(got.Args), fmt.Sprint(firstArg(want.Args))},
				{"volumes", volumePaths(got), volumePaths(want)},
			} {
				if c.got != c.want {
					t.Errorf("%s: init found %s, the example says %s", c.what, c.got, c.want)
				}
			}
		})
	}
}

// firstArg: init writes only the subcommand; the example's further flags repeat the
// defaults.
func firstArg(args []string) []string {
	if len(args) == 0 {
		return nil
	}
	return args[:1]
}

func volumePaths(s *model.Service) string {
	var out []string
	for _, v := range s.Volumes {
		out = append(out, v.MountPath)
	}
	return strings.Join(out, ",")
}

// portNumbers lists number/protocol pairs, sorted: the names may differ (dns-udp and
// dns-tcp), what listens may not.
func portNumbers(s *model.Service) string {
	var out []string
	for _, p := range s.Ports {
		out = append(out, fmt.Sprintf("%d/%s", p.Port, p.Protocol))
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

func probePaths(s *model.Service) string {
	var out []string
	for _, p := range []*model.Probe{s.Health.Startup, s.Health.Liveness, s.Health.Readiness} {
		if p == nil {
			out = append(out, "-")
			continue
		}
		out = append(out, string(p.Kind)+":"+p.Path)
	}
	return strings.Join(out, " ")
}

// TestREADMEShowsInit: the README's berth init example is the embed fixture's
// golden service.yaml, so the documentation cannot drift from what init writes.
func TestREADMEShowsInit(t *testing.T) {
	readme := string(testutil.ReadFile(t, "../README.md"))
	const prompt = "$ berth init tests/testdata/init/embed --dry-run\n"
	i := strings.Index(readme, prompt)
	if i < 0 {
		t.Fatal("README lacks the berth init example")
	}
	shown, _, _ := strings.Cut(readme[i+len(prompt):], "```")
	if want := string(testutil.ReadGolden(t, "TestInit/embed")); shown != want {
		t.Errorf("README's berth init example differs from testdata/TestInit/embed.golden; copy the golden file into README.md")
	}
}
