package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/tests/testutil"
)

// TestValidateInvalid runs 'berth validate' on each bad descriptor of the corpus and
// pins the exact located messages and the exit code.
func TestValidateInvalid(t *testing.T) {
	dir, err := filepath.Abs("testdata/TestValidateInvalid/in")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(cases) < 30 {
		t.Fatalf("want at least 30 invalid descriptors, found %d (%v)", len(cases), err)
	}
	for _, path := range cases {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runBerth(t, dir, "validate", "-f", filepath.Base(path))
			if code != 1 {
				t.Errorf("exit code = %d, want 1 (stdout %q)", code, stdout)
			}
			if !strings.Contains(stderr, filepath.Base(path)+":") {
				t.Errorf("stderr has no located message:\n%s", stderr)
			}
			testutil.Golden(t, []byte(stderr))
		})
	}
}

// TestValidateExamples: every bundled example is valid.
func TestValidateExamples(t *testing.T) {
	files, _ := filepath.Glob("../examples/*/service.yaml")
	if len(files) == 0 {
		t.Fatal("no examples found")
	}
	args := []string{"validate"}
	for _, f := range files {
		abs, _ := filepath.Abs(f)
		args = append(args, abs)
	}
	code, stdout, stderr := runBerth(t, "", args...)
	if code != 0 {
		t.Fatalf("berth validate examples: exit %d\n%s", code, stderr)
	}
	if got := strings.Count(stdout, ": valid"); got != len(files) {
		t.Errorf("stdout names %d valid files, want %d:\n%s", got, len(files), stdout)
	}
}

func TestValidateJSON(t *testing.T) {
	dir, _ := filepath.Abs("testdata/TestValidateInvalid/in")
	t.Run("secret-in-env", func(t *testing.T) {
		code, stdout, _ := runBerth(t, dir, "validate", "--output", "json", "-f", "secret-in-env.yaml")
		if code != 1 {
			t.Fatalf("exit code = %d, want 1", code)
		}
		testutil.Golden(t, []byte(stdout))
	})
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"validate", "--nope"},
		{"frobnicate"},
		{"validate", "--output", "xml"},
		{"schema", "extra"},
	} {
		t.Run(strings.Join(args, "_"), func(t *testing.T) {
			code, _, stderr := runBerth(t, "", args...)
			if code != 2 {
				t.Errorf("berth %v: exit %d, want 2; stderr:\n%s", args, code, stderr)
			}
		})
	}
}

func TestMissingFile(t *testing.T) {
	code, _, stderr := runBerth(t, t.TempDir(), "validate", "-f", "nope.yaml")
	if code != 1 || !strings.Contains(stderr, "nope.yaml") {
		t.Errorf("exit %d, stderr %q; want 1 and the file named", code, stderr)
	}
}

func TestSchemaCommand(t *testing.T) {
	code, stdout, _ := runBerth(t, "", "schema")
	want, err := os.ReadFile("../schemas/service.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 || stdout != string(want) {
		t.Errorf("berth schema: exit %d, output differs from schemas/service.schema.json", code)
	}
	_ = fmt.Sprint()
}

// TestREADMEDocumentsEveryField keeps the descriptor reference in README current.
func TestREADMEDocumentsEveryField(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	data, _ := os.ReadFile("../schemas/service.schema.json")
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{"apiVersion", "metadata.name", "build.go", "build.dockerignore", "image.runtime", "image.user", "health.docker", "environments", "argocd.repoURL"} {
		if !strings.Contains(string(readme), "`"+field+"`") {
			t.Errorf("README does not document %s", field)
		}
	}
	props := schema["properties"].(map[string]any)
	for name, p := range props {
		if !strings.Contains(string(readme), "`"+name+"`") {
			t.Errorf("README does not document top-level field %s", name)
		}
		sub, _ := p.(map[string]any)["properties"].(map[string]any)
		for child := range sub {
			if !strings.Contains(string(readme), "`"+name+"."+child+"`") {
				t.Errorf("README does not document %s.%s", name, child)
			}
		}
	}
}
