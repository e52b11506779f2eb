package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/berth-dev/berth/generator/lint"
	"github.com/berth-dev/berth/tests/testutil"
)

// TestLintBadCorpus: each directory of testdata/lint/bad is a small repository with
// one classic mistake (Dockerfile, .dockerignore, Go module,
// Makefile, CI workflow, berth-lint.yaml). berth lint on it must print exactly the
// findings in testdata/TestLintBadCorpus/<case>.golden, with their locations, and
// exit 1 when one is an error.
func TestLintBadCorpus(t *testing.T) {
	cases, _ := filepath.Glob(filepath.Join("testdata", "lint", "bad", "*"))
	if len(cases) < 30 {
		t.Fatalf("the bad corpus has %d cases, want at least 30", len(cases))
	}
	for _, dir := range cases {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runBerth(t, dir, "lint", ".")
			if stderr != "" || stdout == "" {
				t.Fatalf("exit %d, no findings or an error:\n%s%s", code, stdout, stderr)
			}
			wantCode := 1
			if allWarnings(stdout) {
				wantCode = 0
			}
			if code != wantCode {
				t.Errorf("exit %d, want %d", code, wantCode)
			}
			testutil.Golden(t, []byte(stdout))
		})
	}
}

// TestLintRulesHaveCorpusCases: every catalogued rule fires in some case of the bad
// corpus, with its location.
func TestLintRulesHaveCorpusCases(t *testing.T) {
	goldens, _ := filepath.Glob(filepath.Join("testdata", "TestLintBadCorpus", "*.golden"))
	var all strings.Builder
	for _, g := range goldens {
		all.Write(testutil.ReadFile(t, g))
	}
	for _, r := range lint.Rules {
		if !regexp.MustCompile(`(?m)^\S+:\d+:\d+: ` + r.ID + `: `).MatchString(all.String()) {
			t.Errorf("no bad corpus case shows %s (%s)", r.ID, r.Title)
		}
	}
}

func allWarnings(out string) bool {
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.Contains(l, ": warning: ") {
			return false
		}
	}
	return true
}

// TestLintCleanCorpus: berth's own Dockerfiles (every example, every init fixture
// after generate, the whole option matrix of the Dockerfile renderer) and a few
// carefully written ones give no finding at all, BuildKit's included.
func TestLintCleanCorpus(t *testing.T) {
	var files []string
	for _, pattern := range []string{"../examples/*/Dockerfile", "testdata/lint/clean/*/Dockerfile", "testdata/lint/clean/*/Makefile", "testdata/lint/clean/*/.github/workflows/*.yml"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	matrix, _ := filepath.Glob("../generator/dockerfile/testdata/TestRenderGolden/*.golden")
	tmp := t.TempDir()
	for _, g := range matrix {
		dst := filepath.Join(tmp, strings.TrimSuffix(filepath.Base(g), ".golden"), "Dockerfile")
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, testutil.ReadFile(t, g), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, dst)
	}
	root := copyFixtures(t)
	for _, tc := range initCases {
		if tc.wantErr {
			continue
		}
		if code, _, stderr := runBerth(t, root, append([]string{"init", tc.dir, "--force"}, tc.args...)...); code != 0 {
			t.Fatal(stderr)
		}
		if code, _, stderr := runBerth(t, root, "generate", "-f", filepath.Join(tc.dir, "service.yaml")); code != 0 {
			t.Fatal(stderr)
		}
		found, _ := filepath.Glob(filepath.Join(root, tc.dir, "*", "Dockerfile"))
		files = append(files, filepath.Join(root, tc.dir, "Dockerfile"))
		files = append(files, found...)
	}
	if len(files) < 20 {
		t.Fatalf("clean corpus too small: %d files", len(files))
	}
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			continue
		}
		abs, _ := filepath.Abs(f)
		code, stdout, stderr := runBerth(t, "", "lint", abs)
		if code != 0 || stdout != "" || stderr != "" {
			t.Errorf("%s: exit %d\n%s%s", f, code, stdout, stderr)
		}
	}
}
